"""sweep link end to end on a differently shaped synthetic dataset, and its bad inputs.

The data is made here with a seeded RNG and Faker pools, shaped unlike our own extracts: a
FEBRL-style register (given_name, surname, street_number, address_1, suburb, 4-digit
postcode, date of birth as YYYYMMDD) against a case-management export in Parquet with one
"name" column (either "SURNAME, Given" or "Given Surname"), day/month/year dates, two phone
columns, semicolon-separated maiden names, and repeated rows for aliases. True matches carry
realistic noise: typos, nicknames, day and month swapped, a digit wrong, missing dates of
birth, house moves, marriage.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from faker import Faker

from tests.factories import mini_link_files
from transforms.config import SweepConfig
from transforms.fellegi_sunter import Model
from transforms.link import (
    LEAD_COLUMNS,
    LINK_STEPS,
    LinkInputError,
    LinkResult,
    _physical_memory,
    link,
    link_memory_limit,
    parquet_rows,
    summary_lines,
    working_database,
)
from transforms.mapping import load_mapping, parse_mapping
from transforms.nicknames_table import nickname_groups

MAPPING = Path(__file__).resolve().parents[2] / "examples" / "mappings" / "febrl_people.toml"
N_LEFT, N_MATCHED, N_RIGHT_OTHERS = 800, 400, 3600
COMPARISONS = ("forename", "surname", "name_order", "dob", "sex", "address", "phone")


@dataclass
class Extracts:
    left: Path
    right: Path
    truth: Path
    names: list[str]  # every surname used, to check nothing personal is printed


def _typo(rng: np.random.Generator, word: str) -> str:
    """One keyboard slip: a letter changed, dropped, doubled or two swapped."""
    if len(word) < 4:
        return word
    i = int(rng.integers(1, len(word) - 1))
    kind = rng.integers(0, 4)
    if kind == 0:
        return word[:i] + "aeiourstn"[int(rng.integers(0, 9))] + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


def _people(rng: np.random.Generator, fake: Faker, n: int, pools: dict) -> pd.DataFrame:
    sex = rng.choice(["M", "F"], n)
    given = [
        pools["male"][rng.integers(len(pools["male"]))]
        if s == "M"
        else pools["female"][rng.integers(len(pools["female"]))]
        for s in sex
    ]
    born = pd.to_datetime("1950-01-01") + pd.to_timedelta(rng.integers(0, 365 * 55, n), "D")
    return pd.DataFrame(
        {
            "given": given,
            "surname": rng.choice(pools["surname"], n),
            "sex": sex,
            "dob": born,
            "number": rng.integers(1, 300, n).astype(str),
            "street": rng.choice(pools["street"], n),
            "suburb": rng.choice(pools["suburb"], n),
            "postcode": rng.integers(2000, 7999, n).astype(str),
            "phone": [f"04{rng.integers(10_000_000, 99_999_999)}" for _ in range(n)],
        }
    )


def make_extracts(folder: Path, seed: int = 5) -> Extracts:
    """Write left.csv, right.parquet and truth.csv under ``folder``."""
    rng = np.random.default_rng(seed)
    Faker.seed(seed)
    fake = Faker("en_GB")
    pools = {
        "male": sorted({fake.first_name_male() for _ in range(1500)}),
        "female": sorted({fake.first_name_female() for _ in range(1500)}),
        "surname": sorted({fake.last_name() for _ in range(4000)}),
        "street": sorted({fake.street_name() for _ in range(600)}),
        "suburb": sorted({fake.city() for _ in range(200)}),
    }
    groups = nickname_groups()
    nick_of: dict[str, list[str]] = {}
    for _canon, names in groups.groupby("canon")["name"]:
        for name in names:
            nick_of.setdefault(name, []).extend(x for x in names if x != name)

    left = _people(rng, fake, N_LEFT, pools)
    left_file = pd.DataFrame(
        {
            "rec_id": [f"rec-{i}-org" for i in range(N_LEFT)],
            "given_name": left["given"],
            "surname": left["surname"].str.lower(),  # FEBRL is lower case
            "street_number": left["number"],
            "address_1": left["street"],
            "address_2": "",
            "suburb": left["suburb"],
            "postcode": left["postcode"],
            "date_of_birth": left["dob"].dt.strftime("%Y%m%d"),
            "phone_number": np.where(rng.random(N_LEFT) < 0.6, left["phone"], ""),
        }
    )
    # Bad dates on two unmatched records: they become NULL and are counted.
    left_file.loc[N_LEFT - 1, "date_of_birth"] = "19791345"
    left_file.loc[N_LEFT - 2, "date_of_birth"] = "unknown"

    # Right: noisy copies of the first N_MATCHED left people, then other people.
    matched = left.iloc[:N_MATCHED].copy()
    for i in matched.index:
        r = rng.random(9)
        if r[0] < 0.2:
            matched.loc[i, "surname"] = _typo(rng, matched.loc[i, "surname"])
        if r[1] < 0.15:
            matched.loc[i, "given"] = _typo(rng, matched.loc[i, "given"])
        nicks = nick_of.get(matched.loc[i, "given"].upper(), [])
        if r[2] < 0.15 and nicks:
            matched.loc[i, "given"] = nicks[int(rng.integers(len(nicks)))].title()
        d = matched.loc[i, "dob"]
        if r[3] < 0.08 and d.day <= 12 and d.day != d.month:
            matched.loc[i, "dob"] = d.replace(month=d.day, day=d.month)
        elif r[3] < 0.13:
            matched.loc[i, "dob"] = d.replace(year=d.year + int(rng.choice([-1, 1])))
        if r[4] < 0.3:  # moved house
            matched.loc[i, ["number", "street", "postcode"]] = [
                str(rng.integers(1, 300)),
                rng.choice(pools["street"]),
                str(rng.integers(2000, 7999)),
            ]
        if r[5] < 0.5:
            matched.loc[i, "phone"] = ""
    married = (matched["sex"] == "F") & (rng.random(N_MATCHED) < 0.08)
    maiden = np.where(married, matched["surname"], "")
    matched.loc[married, "surname"] = rng.choice(pools["surname"], int(married.sum()))
    no_dob = rng.random(N_MATCHED) < 0.08
    others = _people(rng, fake, N_RIGHT_OTHERS, pools)
    # Hard negatives: relatives of left people: same surname and address, other forename/dob.
    rel = others.index[:60]
    src = left.iloc[N_MATCHED : N_MATCHED + 60]
    others.loc[rel, ["surname", "number", "street", "postcode"]] = src[
        ["surname", "number", "street", "postcode"]
    ].to_numpy()
    # Namesakes of other left people: same forename, surname and birth year, another day.
    name_rel = others.index[60:120]
    twin = left.iloc[N_MATCHED + 60 : N_MATCHED + 120]
    others.loc[name_rel, ["given", "surname", "sex"]] = twin[["given", "surname", "sex"]].to_numpy()
    others.loc[name_rel, "dob"] = [
        d.replace(month=1 + (d.month + 5) % 12, day=min(d.day, 28)) for d in twin["dob"]
    ]
    people = pd.concat([matched, others], ignore_index=True)
    people["maiden"] = list(maiden) + [""] * N_RIGHT_OTHERS
    dob_text = people["dob"].dt.strftime("%d/%m/%Y").to_numpy(dtype=object)
    dob_text[:N_MATCHED][no_dob] = ""
    comma = rng.random(len(people)) < 0.5
    name = np.where(
        comma,
        people["surname"].str.upper() + ", " + people["given"],
        people["given"] + " " + people["surname"],
    )
    refs = [f"P{70000 + j}" for j in rng.permutation(len(people))]
    right = pd.DataFrame(
        {
            "person_ref": refs,
            "name": name,
            "maiden_names": people["maiden"],
            "dob": dob_text,
            "gender": np.where(people["sex"] == "M", "male", "female"),
            "house": people["number"],
            "street": people["street"],
            "town": people["suburb"],
            "post_code": people["postcode"],
            "home_tel": "",
            "mobile_tel": people["phone"],
        }
    )
    # Repeated rows: an alias for 5% of people (another surname), an old address for 10%.
    alias = right.sample(frac=0.05, random_state=seed).assign(
        name=lambda f: f["name"].str.replace(r"^\S+,", "ALIASNAME,", regex=True),
        house="",
        street="",
        town="",
        post_code="",
        mobile_tel="",
    )
    old = right.sample(frac=0.10, random_state=seed + 1).assign(
        house="9", street="Old Street", town="Elsewhere", post_code="3999", mobile_tel=""
    )
    right = pd.concat([right, alias, old], ignore_index=True)
    folder.mkdir(parents=True, exist_ok=True)
    paths = Extracts(folder / "left.csv", folder / "right.parquet", folder / "truth.csv", [])
    left_file.to_csv(paths.left, index=False)
    right.replace("", None).to_parquet(paths.right, index=False)
    pd.DataFrame(
        {"rec_id": left_file["rec_id"][:N_MATCHED], "person_ref": refs[:N_MATCHED]}
    ).to_csv(paths.truth, index=False)
    paths.names = sorted(set(people["surname"]) | set(left["surname"]))
    return paths


@pytest.fixture(scope="module")
def extracts(tmp_path_factory: pytest.TempPathFactory) -> Extracts:
    return make_extracts(tmp_path_factory.mktemp("link"))


@pytest.fixture(scope="module")
def result(extracts: Extracts, tmp_path_factory: pytest.TempPathFactory) -> LinkResult:
    out = tmp_path_factory.mktemp("out") / "pairs.parquet"
    return link(
        extracts.left,
        extracts.right,
        load_mapping(MAPPING),
        out,
        SweepConfig(),
        truth=extracts.truth,
    )


def test_counts_and_output(result: LinkResult, extracts: Extracts) -> None:
    assert result.left.rows == N_LEFT and result.left.people == N_LEFT
    assert result.left.dob_unparsed == 2
    assert result.right.people == N_MATCHED + N_RIGHT_OTHERS
    assert result.right.rows > result.right.people  # repeated rows for aliases, old addresses
    assert result.right.aliases > 0
    pairs = pd.read_parquet(result.out)
    assert tuple(pairs.columns[: len(LEAD_COLUMNS)]) == LEAD_COLUMNS
    for c in COMPARISONS:
        assert f"{c}_level" in pairs.columns and f"{c}_weight" in pairs.columns
    assert len(pairs) == result.candidate_pairs == sum(result.bands.values())
    assert not pairs.duplicated(["left_id", "right_id"]).any()
    assert pairs["match_weight"].is_monotonic_decreasing
    assert set(pairs["band"]) <= {"auto", "review", "discard"}
    cfg = SweepConfig().match
    review = pairs[pairs["band"] != "discard"]
    assert (review["match_weight"] >= cfg.review_threshold).all()
    # per-field contributions add up to the match weight (with the prior, the tf terms and
    # the household and twin terms)
    parts = (
        pairs[[f"{c}_weight" for c in COMPARISONS]].sum(axis=1)
        + pairs["surname_tf_adjustment"]
        + pairs["forename_tf_adjustment"]
        + pairs["household_adjustment"]
        + pairs["twin_adjustment"]
    )
    prior = pairs["match_weight"] - parts
    assert np.allclose(prior, prior.iloc[0])
    assert not list(result.out.parent.glob(".*.tmp"))  # temp file renamed away


def test_linker_quality_on_unseen_shape(result: LinkResult) -> None:
    t = result.truth
    assert t is not None and t.truth_pairs == N_MATCHED
    assert t.columns == ("rec_id", "person_ref")
    assert t.blocking_recall >= 0.95
    assert set(t.blocking["rule"]) >= {"dob_surname_sound", "names_swapped"}
    assert (t.blocking["true_pairs"] <= t.blocking["pairs"]).all()
    review = t.at_review
    assert review["recall"] >= 0.85, review
    assert review["precision"] >= 0.95, review
    assert t.at_auto["precision"] >= 0.98, t.at_auto
    assert t.best["f1"] >= review["f1"] and t.best["f1"] >= 0.9
    even = t.at_even_odds  # probability 0.5 is a lower bar than the review band's
    assert even["threshold"] == 0.0 and even["predicted"] >= review["predicted"]
    assert even["true_positive"] >= review["true_positive"]
    # relatives at the same address and namesakes born the same year are not linked
    assert result.bands["review"] + result.bands["auto"] <= N_MATCHED * 1.05
    assert result.candidate_pairs > N_MATCHED + 60


def test_summary_has_no_personal_data(result: LinkResult, extracts: Extracts) -> None:
    text = "\n".join(summary_lines(result, extracts.left, extracts.right))
    assert "blocking recall" in text and "best F1" in text and "candidate pairs" in text
    lines = (result.bands["auto"] + result.bands["review"]) / N_LEFT
    assert f"review load: {lines:.4f} lines (auto or review) per left person" in text
    # the relatives living with some of the left side are what the household share is from
    household = result.model.training["household"]
    assert household["pairs"] > 0 and household["surname_agree"] > 0 and household["family"] > 0
    assert (
        f"households: {household['surname_agree']:,} of {household['pairs']:,} pairs of "
        "different people at one dwelling share a surname"
    ) in text
    # The left side records no sex, so no pair tells a family's twins from one person under
    # two forenames: no twin share, and no line for it. With one, the line gives its counts.
    assert household["twin_pairs"] == 0 and household["twins"] == 0.0
    assert "twins:" not in text
    measured = {**household, "twin_pairs": 264, "twin_same_day": 36, "twins": 0.047}
    model = dataclasses.replace(
        result.model, training={**result.model.training, "household": measured}
    )
    twins = "\n".join(
        summary_lines(dataclasses.replace(result, model=model), extracts.left, extracts.right)
    )
    assert (
        "twins: 36 of 264 pairs at one dwelling with one surname and another sex were born "
        "the same day; there a shared birthday with another forename counts as twins' (0.047)"
    ) in twins
    review = result.truth.at_review
    false_lines = review["predicted"] - review["true_positive"]
    assert f"false lines at the review band: {false_lines:,} ({false_lines / N_LEFT:.4f}" in text
    words = set(text.upper().replace(",", " ").split())
    leaked = [n for n in extracts.names if len(n) > 3 and n.upper() in words]
    assert leaked == []
    assert not re.search(r"\d{4}-\d{2}-\d{2}|\d{2}/\d{2}/\d{4}|\b(?:19|20)\d{6}\b", text)


def test_saved_model_reproduces_scores(
    result: LinkResult, extracts: Extracts, tmp_path: Path
) -> None:
    saved = tmp_path / "model.json"
    result.model.save(saved)
    again = link(
        extracts.left,
        extracts.right,
        load_mapping(MAPPING),
        tmp_path / "again.parquet",
        SweepConfig(),
        model=Model.load(saved),
    )
    a = pd.read_parquet(result.out).sort_values(["left_id", "right_id"], ignore_index=True)
    b = pd.read_parquet(again.out).sort_values(["left_id", "right_id"], ignore_index=True)
    pd.testing.assert_frame_equal(
        a[["left_id", "right_id", "match_weight", "band"]],
        b[["left_id", "right_id", "match_weight", "band"]],
    )
    assert again.truth is None


def test_explain_a_pair_from_the_pairs_file_alone(result: LinkResult, tmp_path: Path) -> None:
    """The pairs file records the model and config that scored it, so a pair's waterfall can
    be read from the file: its contributions add up to the pair's match weight."""
    import pyarrow.parquet as pq

    from transforms.explain import explain_pairs_file

    assert result.out is not None
    meta = pq.read_schema(result.out).metadata
    assert json.loads(meta[b"sweep.model"]) == json.loads(result.model.to_json())
    assert SweepConfig.from_dict(json.loads(meta[b"sweep.config"])) == SweepConfig()
    pairs = pd.read_parquet(result.out)
    pair = pairs[pairs["band"] == "review"].iloc[0]
    text = explain_pairs_file(result.out, pair["left_id"], pair["right_id"])
    assert text.startswith(f"Left {pair['left_id']} against right {pair['right_id']}")
    contributions = [
        float(line[58:].split()[0])
        for line in text.splitlines()
        if len(line) > 58 and line[58:].split()[0][0] in "+-"
    ]
    assert len(contributions) >= 8  # prior, seven comparisons (and any tf adjustment)
    assert abs(sum(contributions) - pair["match_weight"]) < 0.05
    assert f"band: {pair['band']}" in text
    # both ids in the file but never paired; an id in no pair (or the two the wrong way
    # round) is an error, not "not compared"; a file that is not Parquet is named
    paired = set(zip(pairs["left_id"], pairs["right_id"], strict=True))
    other = next(r for r in pairs["right_id"] if (pair["left_id"], r) not in paired)
    assert "not compared" in explain_pairs_file(result.out, pair["left_id"], other)
    with pytest.raises(ValueError, match=r"right id 'NOT-THERE' is in no pair of"):
        explain_pairs_file(result.out, pair["left_id"], "NOT-THERE")
    with pytest.raises(ValueError, match=r"left id .* is in no pair .*; right id .* is in no"):
        explain_pairs_file(result.out, pair["right_id"], pair["left_id"])
    csv = tmp_path / "left.csv"
    csv.write_text("id\n1\n", "utf-8")
    with pytest.raises(ValueError, match=r"left.csv: not a readable Parquet file"):
        explain_pairs_file(csv, "1", "2")
    # a pairs file without the record (an older Sweep's) says what to do
    bare = tmp_path / "bare.parquet"
    pairs.to_parquet(bare, index=False)
    with pytest.raises(ValueError, match="no model recorded"):
        explain_pairs_file(bare, pair["left_id"], pair["right_id"])


def test_labels_give_m_and_rank_held_out_people_at_least_as_well(
    result: LinkResult, extracts: Extracts, tmp_path: Path
) -> None:
    """With --labels, m is counted over confirmed pairs instead of learned by EM: the planted
    rates come back, and the people not labelled are linked at least as well."""
    truth = pd.read_csv(extracts.truth)
    labelled, held_out = truth.iloc[: N_MATCHED // 2], truth.iloc[N_MATCHED // 2 :]
    labels = tmp_path / "labels.csv"
    extra = pd.DataFrame({"rec_id": ["rec-no-such"], "person_ref": ["P0"]})
    pd.concat([labelled, extra]).to_csv(labels, index=False)
    res = link(
        extracts.left,
        extracts.right,
        load_mapping(MAPPING),
        tmp_path / "labelled.parquet",
        labels=labels,
        truth=extracts.truth,
    )
    assert (res.labels_used, res.labels_unknown) == (N_MATCHED // 2, 1)
    assert res.truth is not None and res.truth.labelled_pairs == N_MATCHED // 2
    model = res.model
    assert model.training["m_from"] == "labels"
    assert model.training["labels"]["pairs"] == N_MATCHED // 2

    def m(comparison: str, level: str) -> float:
        return model.m[comparison][model.labels[comparison].index(level)]

    # planted: 30% moved house; about 87% of dates of birth exact, 10% a year out (most of
    # them one digit apart, the level before), 3% with day and month swapped
    assert 0.6 <= m("address", "same_dwelling") <= 0.8
    assert 0.8 <= m("dob", "exact") <= 0.94
    assert 0.04 <= m("dob", "one_digit") + m("dob", "year_off_by_one") <= 0.16
    assert 0.005 <= m("dob", "day_month_swapped") <= 0.08
    text = "\n".join(summary_lines(res, extracts.left, extracts.right))
    assert "m from 200 labelled true pairs (1 naming an id that is not in its file" in text
    assert "200 of them are also labels" in text  # the truth's figures are not held out
    # blocking recall on the labels: the labelled pairs among the candidates
    pairs = pd.read_parquet(res.out)
    found = labelled.merge(
        pairs, left_on=["rec_id", "person_ref"], right_on=["left_id", "right_id"]
    )
    assert res.labels_candidates == len(found) > N_MATCHED // 2 * 0.9
    assert f"labelled pairs among the candidates: {len(found):,} of 200" in text

    def f1_held_out(pairs_path: Path) -> float:
        pairs = pd.read_parquet(pairs_path)
        pairs = pairs[~pairs["left_id"].isin(labelled["rec_id"]) & (pairs["band"] != "discard")]
        true = set(zip(held_out["rec_id"], held_out["person_ref"], strict=True))
        tp = sum((a, b) in true for a, b in zip(pairs["left_id"], pairs["right_id"], strict=True))
        return 2 * tp / (len(pairs) + len(true))

    assert f1_held_out(res.out) >= f1_held_out(result.out) - 0.005
    with pytest.raises(LinkInputError, match="--labels"):
        link(
            extracts.left,
            extracts.right,
            load_mapping(MAPPING),
            None,
            model=model,
            labels=labels,
        )


# --- bad inputs -------------------------------------------------------------------------------


def test_small_link_and_default_truth_columns(tmp_path: Path) -> None:
    """Bad dates become NULL and are counted; truth columns default to the first two when the
    file does not use the mapping's id names."""
    left, right, mapping = mini_link_files(tmp_path)
    right.write_text(
        "ref,fn,sn,dob\nA,Ann,Lee,1980-01-02\nB,Rob,Kay,1975-03-04\nC,Cy,Day,31/12/1990\n",
        "utf-8",
    )
    truth = tmp_path / "t.csv"
    truth.write_text("staff,nominal\n1,A\n2,B\n", "utf-8")
    seen: list[str] = []

    @contextmanager
    def stage(name: str) -> Iterator[None]:
        seen.append(name)
        yield

    res = link(left, right, mapping, tmp_path / "p.parquet", truth=truth, stage=stage)
    assert seen == list(LINK_STEPS)  # the progress bar's steps, in order
    assert res.right.dob_unparsed == 1
    assert res.truth is not None and res.truth.columns == ("staff", "nominal")
    assert res.truth.blocking_recall == 1.0
    pairs = pd.read_parquet(res.out)
    assert {("1", "A"), ("2", "B")} <= set(zip(pairs["left_id"], pairs["right_id"], strict=True))


def test_truth_ids_in_neither_file_still_count(tmp_path: Path) -> None:
    """People are numbered inside the linker; a true pair naming an id that is in neither
    file is still one of the truth's pairs (missed), and two such pairs stay two."""
    left, right, mapping = mini_link_files(tmp_path)
    right.write_text("ref,fn,sn,dob\nA,Ann,Lee,1980-01-02\nB,Rob,Kay,1975-03-04\n", "utf-8")
    truth = tmp_path / "t.csv"
    truth.write_text("staff,nominal\n1,A\n2,B\n1,Q\n9,Z\n8,Y\n", "utf-8")
    res = link(left, right, mapping, tmp_path / "p.parquet", truth=truth)
    assert res.truth is not None and res.truth.truth_pairs == 5
    assert res.truth.blocking_recall == pytest.approx(2 / 5)
    found = res.truth.best
    assert found["true_positive"] == 2 and found["recall"] == pytest.approx(2 / 5)
    assert res.truth.unknown_pairs == 3
    text = "\n".join(summary_lines(res, left, right))
    assert (
        "3 of them name an id that is not in its file: counted as missed (2 left id(s) not in "
        "the left file, 3 right id(s) not in the right file)"
    ) in text
    truth.write_text("nominal,staff\nA,1\nB,2\n", "utf-8")  # the columns the wrong way round
    res = link(left, right, mapping, None, truth=truth)
    assert (
        res.truth is not None and "the columns look the wrong way round" in res.truth.unknown_note
    )


def test_labels_with_no_usable_pair_stop_the_run(tmp_path: Path) -> None:
    left, right, mapping = mini_link_files(tmp_path)
    labels = tmp_path / "labels.csv"
    labels.write_text("staff,nominal\n9,Z\n", "utf-8")
    with pytest.raises(LinkInputError, match="no labelled pair has both ids in the files"):
        link(left, right, mapping, tmp_path / "p.parquet", labels=labels)


def test_names_in_other_scripts_link_and_names_lost_are_reported(tmp_path: Path) -> None:
    """Names written in Cyrillic or Greek on one side and in Latin letters on the other are
    the same names; a side whose names are all symbols is told, not silently scored low."""
    mapping = parse_mapping(
        {
            side: {"id": "id", "forenames": "fn", "surname": "sn", "date_of_birth": "dob"}
            for side in ("left", "right")
        },
        "scripts.toml",
    )
    people = [
        ("Anna", "Ivanova", "Анна", "Иванова"),
        ("Giorgos", "Papadakis", "Γιώργος", "Παπαδάκης"),
    ]
    people += [(f"Name{i}", f"Other{i}", f"Name{i}", f"Else{i}") for i in range(40)]
    left, right = tmp_path / "l.csv", tmp_path / "r.csv"
    left.write_text(
        "id,fn,sn,dob\n"
        + "".join(
            f"L{i},{a},{b},19{60 + i % 30}-0{1 + i % 9}-1{i % 9}\n"
            for i, (a, b, _, _) in enumerate(people)
        ),
        "utf-8",
    )
    right.write_text(
        "id,fn,sn,dob\n"
        + "".join(
            f"R{i},{c},{d},19{60 + i % 30}-0{1 + i % 9}-1{i % 9}\n"
            for i, (_, _, c, d) in enumerate(people)
        ),
        "utf-8",
    )
    res = link(left, right, mapping, tmp_path / "p.parquet")
    pairs = pd.read_parquet(res.out).set_index(["left_id", "right_id"])
    for i in (0, 1):
        assert pairs.loc[(f"L{i}", f"R{i}"), "forename_level"] == "exact"
        assert pairs.loc[(f"L{i}", f"R{i}"), "surname_level"] == "exact"
    assert res.warnings == []

    right.write_text(
        "id,fn,sn,dob\n" + "".join(f"R{i},??,#{i},1970-01-01\n" for i in range(5)), "utf-8"
    )
    res = link(left, right, mapping, None)
    assert res.warnings[0].startswith("warning: no right record has a name (5 have one of titles")


def test_an_output_that_cannot_be_written_is_named(tmp_path: Path) -> None:
    left, right, mapping = mini_link_files(tmp_path)
    with pytest.raises(LinkInputError, match=r"^/proc/pairs.parquet: cannot write"):
        link(left, right, mapping, Path("/proc/pairs.parquet"))


def test_no_dates_of_birth_warns_but_still_ranks(extracts: Extracts, tmp_path: Path) -> None:
    """Without dates of birth the date-of-birth training blocks are empty: the run says so,
    takes the match rate from rare full names, and the true pairs still rank above the others
    and reach the bands."""
    raw = load_mapping(MAPPING)
    no_dob = parse_mapping(
        {
            side: {
                k: (list(v) if isinstance(v, tuple) else v)
                for k, v in vars(raw.side(side)).items()
                if k not in ("date_of_birth", "date_format") and v
            }
            for side in ("left", "right")
        },
        "no_dob.toml",
    )
    res = link(extracts.left, extracts.right, no_dob, None, truth=extracts.truth)
    assert len(res.warnings) == 2 and all("date of birth" in w for w in res.warnings)
    assert res.model.training["match_count_from"] == "same_rare_full_name"
    assert res.truth is not None and res.truth.best["f1"] >= 0.8
    # the match rate is learned, so the default bands call matches (they called none when the
    # rate came from the empty date-of-birth block alone)
    assert res.truth.at_review["recall"] >= 0.5 and res.truth.at_review["precision"] >= 0.8


def test_working_database_uses_the_link_memory_limit(tmp_path: Path) -> None:
    cfg = SweepConfig.from_dict({"engine": {"link_memory_limit": "300MB", "threads": 1}})
    with working_database(cfg, tmp_path) as con:
        limit, threads = con.execute(
            "SELECT current_setting('memory_limit'), current_setting('threads')"
        ).fetchall()[0]
    assert (limit, threads) == ("286.1 MiB", 1)  # DuckDB reports 300 MB in MiB
    assert not list(tmp_path.iterdir())  # the temporary database is removed
    with working_database(SweepConfig(), tmp_path) as con:  # "auto": the floor to start
        assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == "667.5 MiB"


def test_auto_memory_limit_grows_with_the_right_side(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = SweepConfig().engine
    assert engine.link_memory_limit == "auto"
    monkeypatch.setattr("transforms.link._physical_memory", lambda: 24_000_000_000)
    assert link_memory_limit(engine, None) == "700MB"
    assert link_memory_limit(engine, 1_000_000) == "700MB"  # 500 B a row is under the floor
    assert link_memory_limit(engine, 5_000_000) == "2500MB"
    assert link_memory_limit(engine, 100_000_000) == "12000MB"  # half the machine at most
    monkeypatch.setattr("transforms.link._physical_memory", lambda: 1_000_000_000)
    assert link_memory_limit(engine, 5_000_000) == "700MB"  # a small machine: the floor
    fixed = SweepConfig.from_dict({"engine": {"link_memory_limit": "2GB"}}).engine
    assert link_memory_limit(fixed, 5_000_000) == "2GB"
    bad = SweepConfig.from_dict({"engine": {"link_memory_limit": "lots"}}).engine
    with pytest.raises(ValueError, match="engine.link_memory_limit 'lots'"):
        link_memory_limit(bad, 10)


def test_memory_is_the_machine_or_a_lower_container_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = {"SC_PAGE_SIZE": 4096, "SC_PHYS_PAGES": 6_000_000}  # a 24.6 GB machine
    monkeypatch.setattr("transforms.link.os.sysconf", pages.__getitem__)
    unlimited, limited = tmp_path / "memory.max", tmp_path / "memory.limit_in_bytes"
    unlimited.write_text("max\n", encoding="ascii")
    monkeypatch.setattr("transforms.link.CGROUP_MEMORY_LIMITS", (unlimited, tmp_path / "none"))
    assert _physical_memory() == 24_576_000_000  # "max" and a missing file are no limit
    limited.write_text("2000000000\n", encoding="ascii")
    monkeypatch.setattr("transforms.link.CGROUP_MEMORY_LIMITS", (unlimited, limited))
    assert _physical_memory() == 2_000_000_000
    # half the container, not half the host
    assert link_memory_limit(SweepConfig().engine, 5_000_000) == "1000MB"


def test_parquet_rows_reads_the_footer(tmp_path: Path) -> None:
    pq = tmp_path / "people.parquet"
    pd.DataFrame({"id": [str(i) for i in range(1234)]}).to_parquet(pq)
    csv = tmp_path / "people.csv"
    csv.write_text("id\n1\n", encoding="utf-8")
    con = duckdb.connect()
    assert parquet_rows(con, pq) == 1234
    assert parquet_rows(con, csv) is None  # rows of a CSV are known only once read
    (tmp_path / "broken.parquet").write_bytes(b"not parquet")
    assert parquet_rows(con, tmp_path / "broken.parquet") is None


def test_placeholders_for_unknown_names_and_dates_are_missing(tmp_path: Path) -> None:
    """Records that say "not known" (UNKNOWN as a name, 01/01/1900 as a date of birth) are
    no evidence: two of them never agree into review, and a real person recorded with the
    placeholder date of birth is not taken for a parent or child."""
    mapping = parse_mapping(
        {
            side: {
                "id": "id",
                "forenames": "fn",
                "surname": "sn",
                "date_of_birth": "dob",
                "postcode": "pc",
            }
            for side in ("left", "right")
        },
        "unknowns.toml",
    )
    rows = [
        f"{i},Name{i},Other{i},19{60 + i % 30}-0{1 + i % 9}-1{i % 9},LS{i % 9} 1AA"
        for i in range(40)
    ]
    left, right = tmp_path / "l.csv", tmp_path / "r.csv"
    for path, side, unknown, dora in (
        (left, "L", "Unknown,UNKNOWN", "1971-05-06"),
        (right, "R", "unknown,Unknown", "1900-01-01"),
    ):
        lines = [f"{side}{r}" for r in rows]
        lines += [f"{side}U{i},{unknown},1900-01-01," for i in range(5)]
        lines += [f"{side}99,Dora,Quennell,{dora},NN1 1AA"]
        path.write_text("id,fn,sn,dob,pc\n" + "".join(f"{line}\n" for line in lines), "utf-8")
    res = link(left, right, mapping, tmp_path / "p.parquet")
    pairs = pd.read_parquet(res.out)
    unknowns = pairs[pairs["left_id"].str.startswith("LU") & pairs["right_id"].str.startswith("RU")]
    assert (unknowns["band"] == "discard").all()
    dora = pairs[(pairs["left_id"] == "L99") & (pairs["right_id"] == "R99")].iloc[0]
    assert dora["dob_level"] == "missing"
    assert dora["forename_level"] == "exact" and dora["surname_level"] == "exact"


def _swapped_left(raw: object) -> object:
    """The FEBRL mapping with the left side's forenames and surname columns swapped."""
    sides = {
        side: {
            k: (list(v) if isinstance(v, tuple) else v)
            for k, v in vars(raw.side(side)).items()
            if v
        }
        for side in ("left", "right")
    }
    sides["left"]["forenames"], sides["left"]["surname"] = "surname", "given_name"
    return parse_mapping({**sides, "truth": vars(raw.truth)}, "swapped.toml")


def test_names_mapped_the_wrong_way_round_are_told(extracts: Extracts) -> None:
    """With one side's names swapped, no training block meets a match, the match rate falls
    to its floor and every true pair is discarded: the run must say so and why."""
    res = link(extracts.left, extracts.right, _swapped_left(load_mapping(MAPPING)), None)
    text = "\n".join(res.warnings)
    assert "no training block found a match" in text
    assert re.search(
        r"warning: [\d,]+ candidate pairs born the same day agree on their names "
        r"only with forename and surname swapped, against \d+ as written",
        text,
    )
    plain = link(extracts.left, extracts.right, load_mapping(MAPPING), None)
    assert not [w for w in plain.warnings if "swapped" in w or "training" in w]
    found = {
        k: r.bands["auto"] + r.bands["review"] for k, r in (("swapped", res), ("plain", plain))
    }
    assert found["swapped"] < found["plain"] / 2  # what the warnings are for


def test_capped_blocking_keys_are_told_without_truth(tmp_path: Path) -> None:
    """A key shared by more right-side people than blocking.max_block_size makes no pairs
    for its rule: the summary says so on every run, not only in the truth report."""
    left, right, mapping = mini_link_files(tmp_path)
    right.write_text(
        "ref,fn,sn,dob\n" + "".join(f"R{i},Ann,Lee,1980-01-02\n" for i in range(30)), "utf-8"
    )
    cfg = SweepConfig.from_dict({"blocking": {"max_block_size": 10}})
    res = link(left, right, mapping, None, cfg)
    capped = [w for w in res.warnings if "capped" in w]
    assert len(capped) == 1 and "shared by more than 10 right-side people" in capped[0]
    assert "dob_surname_sound" in capped[0]
    assert "capped" not in "\n".join(link(left, right, mapping, None).warnings)


def test_dates_the_format_cannot_read_are_told(tmp_path: Path) -> None:
    """US dates read as day/month: many fail and the rest are misread; a date with a midnight
    time part is read; every date failing is not 'no date of birth'."""
    left, right, mapping = mini_link_files(tmp_path)
    raw = {
        "left": {"id": "pid", "forenames": "fn", "surname": "sn", "date_of_birth": "dob"},
        "right": {
            "id": "ref",
            "forenames": "fn",
            "surname": "sn",
            "date_of_birth": "dob",
            "date_format": "%d/%m/%Y",
        },
    }
    us = [f"R{i},Ann,Lee{i},{1 + i % 12:02d}/{13 + i % 15}/1980\n" for i in range(40)]
    right.write_text("ref,fn,sn,dob\n" + "".join(us), "utf-8")
    res = link(left, right, parse_mapping(raw, "d.toml"), None)
    assert res.right.dob_unparsed == 40
    assert (
        "warning: [right].date_format (%d/%m/%Y) reads none of the 40 right dates of birth "
        "(or they are impossible): compared as missing; check the format"
    ) in res.warnings
    half = us[:20] + [
        f"R{i},Ann,Lee{i},0{1 + i % 9}/0{1 + i % 9}/1980 00:00\n" for i in range(20, 40)
    ]
    right.write_text("ref,fn,sn,dob\n" + "".join(half), "utf-8")
    res = link(left, right, parse_mapping(raw, "d.toml"), None)
    assert res.right.dob_unparsed == 20  # the midnight times are read
    assert any("does not read the dates of birth of 20 of 40 right rows" in w for w in res.warnings)


def _link_with_phones(left: Path, right: Path, tmp_path: Path) -> pd.DataFrame:
    """The pairs ``sweep link`` writes for ``left`` (pid, fn, sn, dob, tel) and ``right``
    (ref, fn, sn, dob, phone)."""
    side = {"forenames": "fn", "surname": "sn", "date_of_birth": "dob"}
    mapping = parse_mapping(
        {
            "left": {"id": "pid", "phone": "tel", **side},
            "right": {"id": "ref", "phone": "phone", **side},
        },
        "phones.toml",
    )
    return pd.read_parquet(link(left, right, mapping, tmp_path / "p.parquet").out)


def _phone_levels_of_same_people(left: Path, right: Path, tmp_path: Path) -> list[str]:
    """Link ``left`` (pid 1, 2, 3: tel) and ``right`` (ref A, B, C: phone), both with fn,
    sn and dob, and give the phone level of pairs 1-A, 2-B and 3-C."""
    pairs = _link_with_phones(left, right, tmp_path)
    same = pairs[pairs["left_id"].map({"1": "A", "2": "B", "3": "C"}) == pairs["right_id"]]
    return same.sort_values("left_id")["phone_level"].tolist()


def test_phones_stored_as_numbers_or_several_to_a_field_are_shared(tmp_path: Path) -> None:
    """A phone column stored as numbers (Parquet int64, or a float written out as text) has
    lost its leading 0, and a field may hold two numbers or an extension: each number still
    meets the same number written out in full on the other side."""
    left = tmp_path / "l.csv"
    left.write_text(
        "pid,fn,sn,dob,tel\n"
        '1,Ann,Lee,1980-01-02,"07497 202582 / 0113 496 0000"\n'
        "2,Bob,Kay,1975-03-04,7911123456.0\n"
        "3,Cy,Day,1990-12-31,07911 654321 ext 12\n",
        "utf-8",
    )
    right = tmp_path / "r.parquet"
    pd.DataFrame(
        {
            "ref": ["A", "B", "C"],
            "fn": ["Ann", "Bob", "Cy"],
            "sn": ["Lee", "Kay", "Day"],
            "dob": ["1980-01-02", "1975-03-04", "1990-12-31"],
            "phone": pd.array([1134960000, 7911123456, 7911654321], dtype="Int64"),
        }
    ).to_parquet(right)
    assert _phone_levels_of_same_people(left, right, tmp_path) == ["shared"] * 3


def test_a_phone_number_in_common_is_a_candidate_whatever_the_names(tmp_path: Path) -> None:
    """``sweep link`` normalises the right side's phones before blocking: a record whose
    name is written another way and has no date of birth meets its person by the number."""
    left = tmp_path / "l.csv"
    left.write_text(
        "pid,fn,sn,dob,tel\n1,Przemyslaw,Dywan,1979-03-05,07482 924533\n"
        "2,Ann,Lee,1980-01-02,07497 202582\n",
        "utf-8",
    )
    right = tmp_path / "r.csv"
    right.write_text(
        "ref,fn,sn,dob,phone\nA,Przemek,DYWAN,,+44 7482 924533\nB,Zoe,Ray,1961-07-08,\n",
        "utf-8",
    )
    pairs = _link_with_phones(left, right, tmp_path)
    assert pairs[["left_id", "right_id", "phone_level"]].values.tolist() == [["1", "A", "shared"]]
    assert list(pairs["rules"].iloc[0]) == ["phone"]


def test_phones_in_scientific_notation_are_read_or_counted_when_digits_are_lost(
    tmp_path: Path,
) -> None:
    """Excel writes a long number as 7.911123456E+09: read when the mantissa carries every
    digit; "7.91E+09" stands for ten million numbers, so it is not used, and the run says
    how many such values each side's column holds, never the values."""
    left = tmp_path / "l.csv"
    left.write_text(
        "pid,fn,sn,dob,home,mobile\n"
        "1,Ann,Lee,1980-01-02,07911 123456,\n"
        "2,Bob,Kay,1975-03-04,07911 654321,\n"
        "3,Cy,Day,1990-12-31,,07497 202582\n",
        "utf-8",
    )
    right = tmp_path / "r.csv"
    right.write_text(
        "ref,fn,sn,dob,tel\n"
        "A,Ann,Lee,1980-01-02,7.911123456E+09\n"
        "B,Bob,Kay,1975-03-04,7.91E+09\n"
        "C,Cy,Day,1990-12-31,7.91E+09\n",
        "utf-8",
    )
    side = {"forenames": "fn", "surname": "sn", "date_of_birth": "dob"}
    mapping = parse_mapping(
        {
            "left": {"id": "pid", "phone": ["home", "mobile"], **side},
            "right": {"id": "ref", "phone": "tel", **side},
        },
        "phones.toml",
    )
    res = link(left, right, mapping, tmp_path / "p.parquet")
    pairs = pd.read_parquet(res.out)
    same = pairs[pairs["left_id"].map({"1": "A", "2": "B", "3": "C"}) == pairs["right_id"]]
    assert same.set_index("left_id")["phone_level"].sort_index().to_dict() == {
        "1": "shared",
        "2": "missing",
        "3": "missing",
    }
    lost = [w for w in res.warnings if "scientific notation" in w]
    assert lost == [
        "warning: 2 right phone value(s) in column 'tel' are in scientific notation with "
        "digits lost (fewer digits before the E than the number has, as Excel writes a long "
        "number): not used, as they would meet other people's numbers; export the column as "
        "text"
    ]
    assert "7.91" not in "\n".join(summary_lines(res, left, right))
    assert res.right.phones_lost == (("tel", 2),) and res.left.phones_lost == ()
    # with several phone columns, each is counted by name
    left.write_text(left.read_text("utf-8").replace("07497 202582", "7.5E+09"), "utf-8")
    res = link(left, right, mapping, None)
    assert res.left.phones_lost == (("mobile", 1),)
    assert any("1 left phone value(s) in column 'mobile'" in w for w in res.warnings)


def test_excel_serial_dates_are_told_with_the_format_that_reads_them(tmp_path: Path) -> None:
    """A date of birth column holding Excel's day numbers (31092 for 14 February 1985) is
    read by none of the strptime formats: the warning names date_format = "excel", and with
    it the dates are read."""
    left, right, mapping = mini_link_files(tmp_path)
    right.write_text("ref,fn,sn,dob\nA,Ann,Lee,29222\nB,Rob,Kay,27457.0\n", "utf-8")
    res = link(left, right, mapping, None)
    assert res.right.dob_unparsed == 2
    assert (
        "warning: [right].date_format (%Y-%m-%d) reads none of the 2 right dates of birth "
        "(or they are impossible): compared as missing; 2 of them are numbers as Excel stores "
        'dates (days since 1899-12-30): set [right].date_format = "excel"'
    ) in res.warnings
    raw = {
        side: {"id": i, "forenames": "fn", "surname": "sn", "date_of_birth": "dob"}
        for side, i in (("left", "pid"), ("right", "ref"))
    }
    raw["right"]["date_format"] = "excel"
    res = link(left, right, parse_mapping(raw, "x.toml"), None)
    assert res.right.dob_unparsed == 0 and not res.warnings
    # some read by the format, some numbers: add "excel" to the formats
    rows = "".join(f"R{i},Ann,Lee{i},1980-01-{1 + i:02d}\n" for i in range(10))
    right.write_text("ref,fn,sn,dob\nA,Ann,Lee,29222\n" + rows, "utf-8")
    res = link(left, right, mapping, None)
    assert (
        "warning: [right].date_format (%Y-%m-%d) does not read the dates of birth of 1 of 11 "
        "right rows (or they are impossible): compared as missing; 1 of them are numbers as "
        'Excel stores dates (days since 1899-12-30): add "excel" to [right].date_format'
    ) in res.warnings


def test_a_footer_row_is_no_person_and_is_told(tmp_path: Path) -> None:
    """ "Total records: 2,,," under the rows: its id column holds text and every other mapped
    field is empty; it was linked as a person. Now it is left out and the run says how many
    such rows and where the first is, never what it holds."""
    left, right, mapping = mini_link_files(tmp_path)
    right.write_text(
        "ref,fn,sn,dob\nA,Ann,Lee,1980-01-02\nB,Rob,Kay,1975-03-04\nC,,Day,\nTotal records: 3,,,\n",
        "utf-8",
    )
    res = link(left, right, mapping, None)
    assert (res.right.rows, res.right.people, res.right.empty_rows) == (3, 3, 1)
    assert (
        "warning: 1 right row(s) have nothing in any mapped field but the id (first at line "
        "5; a footer or total line?): nothing to match on, left out"
    ) in res.warnings
    assert "Total" not in "\n".join(summary_lines(res, left, right))


def _named_people(n: int) -> list[tuple[str, str, str, str]]:
    """(forename, surname, date of birth, sex): ten forenames, each one sex as forenames are,
    and surnames shared by both sexes."""
    fns = ["Ann", "Bob", "Cara", "Dev", "Ella", "Finn", "Gail", "Hugo", "Iris", "Jack"]
    sns = ["Lee", "Kay", "Day", "Shaw", "Moss", "Hart", "Reed", "Cole", "Lowe", "Ford"]
    return [
        (fns[i % 10], sns[i // 10 % 10], f"19{60 + i % 30}-0{1 + i % 9}-1{i % 10}", "FM"[i % 2])
        for i in range(n)
    ]


NAME_SIDES = {
    "columns": {"forenames": "fn", "surname": "sn"},
    "columns swapped": {"forenames": "sn", "surname": "fn"},
    "full name": {"full_name": "name"},  # "Ann Lee", read forenames first: right
    "PNC name": {"full_name": "pnc"},  # "LEE Ann", read forenames first: the wrong way round
}


@pytest.mark.parametrize(
    ("left_side", "right_side", "advice"),
    [
        (
            "columns",
            "PNC name",
            'the [right] full name looks written surname first ("SMITH John"): set '
            '[right].full_name_order = "surname_first" in names.toml',
        ),
        (
            "columns",
            "columns swapped",
            "the [right] forenames and surname look mapped the wrong way round (its forenames "
            'read as surnames): swap them under [right] (forenames = "fn", surname = "sn") in '
            "names.toml",
        ),
        # the full name is right and the other side's columns are not: it was blamed
        (
            "full name",
            "columns swapped",
            "the [right] forenames and surname look mapped the wrong way round (its forenames "
            'read as surnames): swap them under [right] (forenames = "fn", surname = "sn") in '
            "names.toml",
        ),
        (
            "columns swapped",
            "full name",
            "the [left] forenames and surname look mapped the wrong way round (its forenames "
            'read as surnames): swap them under [left] (forenames = "fn", surname = "sn") in '
            "names.toml",
        ),
    ],
)
def test_names_the_wrong_way_round_say_exactly_what_to_set(
    tmp_path: Path, left_side: str, right_side: str, advice: str
) -> None:
    """ "SMITH John" read as forenames first, or a side's name columns mapped the wrong way
    round: the pairs say the names are swapped between the sides, and each side's own names
    say which (its forenames tell its people's sex, its surnames do not). The warning names
    that side's key, whichever it is, and nothing is switched by itself."""
    people = _named_people(40)
    for name in ("l", "r"):
        (tmp_path / f"{name}.csv").write_text(
            "id,name,pnc,fn,sn,dob,sex\n"
            + "".join(
                f"{name.upper()}{i},{f} {s},{s.upper()} {f},{f},{s},{d},{x}\n"
                for i, (f, s, d, x) in enumerate(people)
            ),
            "utf-8",
        )
    mapping = parse_mapping(
        {
            name: {"id": "id", "date_of_birth": "dob", "sex": "sex", **NAME_SIDES[side]}
            for name, side in (("left", left_side), ("right", right_side))
        },
        "names.toml",
    )
    res = link(tmp_path / "l.csv", tmp_path / "r.csv", mapping, None)
    swapped = [w for w in res.warnings if "swapped" in w]
    assert len(swapped) == 1 and swapped[0].endswith(advice), swapped
    assert mapping.right.full_name_order == "forenames_first"  # told, not switched


def test_names_the_wrong_way_round_with_nothing_to_tell_the_side_give_both(tmp_path: Path) -> None:
    """With no sex mapped, the names themselves do not say which side is the wrong way
    round: the warning gives each side's change, the full name's order and the columns'
    swap alike, and says to pick the side whose names are the wrong way round."""
    people = _named_people(40)
    for name in ("l", "r"):
        (tmp_path / f"{name}.csv").write_text(
            "id,name,fn,sn,dob\n"
            + "".join(
                f"{name.upper()}{i},{f} {s},{f},{s},{d}\n" for i, (f, s, d, _) in enumerate(people)
            ),
            "utf-8",
        )
    mapping = parse_mapping(
        {
            "left": {"id": "id", "date_of_birth": "dob", "full_name": "name"},
            "right": {"id": "id", "date_of_birth": "dob", "forenames": "sn", "surname": "fn"},
        },
        "names.toml",
    )
    res = link(tmp_path / "l.csv", tmp_path / "r.csv", mapping, None)
    swapped = [w for w in res.warnings if "swapped" in w]
    assert len(swapped) == 1 and swapped[0].endswith(
        "one side's names look the wrong way round, and its own names do not tell which: set "
        '[left].full_name_order = "surname_first" or swap them under [right] (forenames = '
        '"fn", surname = "sn") in names.toml, for the side whose names are the wrong way round'
    ), swapped


def test_swapped_names_advice_for_full_names_on_both_sides_or_set_surname_first() -> None:
    from transforms.link import _swapped_names_advice

    def advice(left: dict, right: dict, side: str | None = None) -> str:
        return _swapped_names_advice(
            parse_mapping({"left": {"id": "a", **left}, "right": {"id": "b", **right}}, "m.toml"),
            side,
        )

    pnc = {"full_name": "n", "full_name_order": "surname_first"}
    assert advice({"forenames": "f", "surname": "s"}, pnc, "right") == (
        'the [right] full name looks written forenames first ("John Smith"): set '
        '[right].full_name_order = "forenames_first" in m.toml'
    )
    # the side not told: the full name is not assumed to be the one at fault
    assert advice({"forenames": "f", "surname": "s"}, pnc) == (
        "one side's names look the wrong way round, and its own names do not tell which: swap "
        'them under [left] (forenames = "s", surname = "f") or set [right].full_name_order = '
        '"forenames_first" in m.toml, for the side whose names are the wrong way round'
    )
    assert advice({"full_name": "n"}, pnc) == (
        "one side's names look the wrong way round, and its own names do not tell which: set "
        '[left].full_name_order = "surname_first" or set [right].full_name_order = '
        '"forenames_first" in m.toml, for the side whose names are the wrong way round'
    )


def test_a_date_of_birth_that_is_a_year_alone_is_told_with_the_format_that_reads_it(
    tmp_path: Path,
) -> None:
    """A year alone (1985, as a system holding an estimated age writes it) is read by no
    full-date format: however few there are, the warning says so and names "%Y", which
    reads each as 1 January of its year."""
    left, right, mapping = mini_link_files(tmp_path)
    rows = "".join(f"R{i},Ann,Lee{i},1980-{1 + i % 12:02d}-{1 + i // 12:02d}\n" for i in range(40))
    right.write_text("ref,fn,sn,dob\nA,Ann,Lee,1985\nB,Rob,Kay, 1979 \n" + rows, "utf-8")
    res = link(left, right, mapping, None)
    assert (res.right.dob_unparsed, res.right.dob_bare_years) == (2, 2)
    assert [w for w in res.warnings if "date" in w] == [
        "warning: 2 right dates of birth are a year alone (such as 1985), which "
        '[right].date_format (%Y-%m-%d) does not read: compared as missing; add "%Y" to '
        "[right].date_format to read each as 1 January of its year (a date of birth in the "
        "same year then agrees at its own level, same_year)"
    ]
    raw = {
        side: {"id": i, "forenames": "fn", "surname": "sn", "date_of_birth": "dob"}
        for side, i in (("left", "pid"), ("right", "ref"))
    }
    raw["right"]["date_format"] = ["%Y-%m-%d", "%Y"]
    res = link(left, right, parse_mapping(raw, "x.toml"), None)
    assert (res.right.dob_unparsed, res.right.dob_bare_years) == (0, 0)
    assert not [w for w in res.warnings if "date" in w]


def test_a_phone_field_of_three_numbers_without_their_0_meets_each(tmp_path: Path) -> None:
    """A right-side field holding a number and two more stored without their 0, written in
    groups ("07700 900123 7700 900456 7700 900789"), was split only before the last: the
    first two ran together into a 21-digit number no one has. Each of the three now meets
    its own number written out in full on the left."""
    left = tmp_path / "l.csv"
    left.write_text(
        "pid,fn,sn,dob,tel\n"
        "1,Ann,Lee,1980-01-02,07700 900123\n"
        "2,Bob,Kay,1975-03-04,07700 900456\n"
        "3,Cy,Day,1990-12-31,+44 7700 900789\n",
        "utf-8",
    )
    right = tmp_path / "r.csv"
    three = "07700 900123 7700 900456 7700 900789"
    right.write_text(
        "ref,fn,sn,dob,phone\n"
        f"A,Ann,Lee,1980-01-02,{three}\n"
        f"B,Bob,Kay,1975-03-04,{three}\n"
        f"C,Cy,Day,1990-12-31,{three}\n",
        "utf-8",
    )
    assert _phone_levels_of_same_people(left, right, tmp_path) == ["shared"] * 3
