"""The benchmark's flattening (one row per person) and its pair scoring, on small extracts.

Splink-free and quick: hand-written CSV extracts in a temp folder, every value synthetic.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from benchmarks.flatten import flatten_extract
from benchmarks.link_metrics import score_pairs

STAFF_COLS = [
    "staff_id", "collar_number", "person_type", "rank_grade", "unit", "start_date", "surname",
    "forenames", "previous_surnames", "date_of_birth", "sex", "vetting_level",
    "vetting_cleared_date", "vetting_renewal_date", "vetting_status", "designated_post",
]  # fmt: skip


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=header)
        w.writeheader()
        for row in rows:
            w.writerow({k: row.get(k, "") for k in header})


def _staff(sid: str, surname: str, forenames: str, dob: str, prev: str = "") -> dict[str, str]:
    return {
        "staff_id": sid,
        "person_type": "officer",
        "surname": surname,
        "forenames": forenames,
        "previous_surnames": prev,
        "date_of_birth": dob,
        "sex": "F",
    }


@pytest.fixture
def extract(tmp_path: Path) -> Path:
    """Three staff (one id duplicated, one row with no id) and four nominals."""
    d = tmp_path / "extract"
    _write(
        d / "staff" / "staff.csv",
        STAFF_COLS,
        [
            _staff("S1", "Okafor", "Grace Ada", "1984-03-02", "Bell|Hart"),
            _staff("S2", "Lindqvist", "Maja", "1990-11-30"),
            _staff("S1", "Duplicate", "Second", "1970-01-01"),  # same id again: dropped
            _staff("", "Noid", "Nobody", "1971-01-01"),  # no id: dropped
            _staff("S3", " Price ", "  ", ""),  # blank forenames and dob become missing
        ],
    )
    _write(
        d / "staff" / "staff_addresses.csv",
        ["staff_id", "address_line", "postcode", "date_from", "date_to"],
        [
            {"staff_id": "S1", "address_line": "1 Old Road, Leeds", "postcode": "LS1 1AA",
             "date_from": "2010-01-01", "date_to": "2015-06-30"},
            {"staff_id": "S1", "address_line": "9 New Street, York", "postcode": "YO1 7HH",
             "date_from": "2015-07-01", "date_to": ""},
            {"staff_id": "S1", "address_line": "5 Mid Lane, Hull", "postcode": "HU1 2BB",
             "date_from": "2012-01-01", "date_to": "2014-01-01"},
            {"staff_id": "S2", "address_line": "3 Quay, Bristol", "postcode": "BS1 4DJ",
             "date_from": "2019-02-01", "date_to": ""},
        ],
    )  # fmt: skip
    _write(
        d / "staff" / "staff_phones.csv",
        ["staff_id", "phone", "phone_type"],
        [
            {"staff_id": "S1", "phone": "0113 496 0000", "phone_type": "home"},
            {"staff_id": "S1", "phone": "07700 900123", "phone_type": "mobile"},
            {"staff_id": "S2", "phone": "07700 900456", "phone_type": "home"},
        ],
    )
    _write(
        d / "intel" / "nominals.csv",
        ["nominal_id", "surname", "forenames", "date_of_birth", "sex"],
        [
            {"nominal_id": "N1", "surname": "OKAFOR", "forenames": "Grace",
             "date_of_birth": "1984-03-02", "sex": "F"},
            {"nominal_id": "N2", "surname": "Lindqvist", "forenames": "Maja",
             "date_of_birth": "", "sex": "F"},
            {"nominal_id": "N3", "surname": "Okafor", "forenames": "Grace",
             "date_of_birth": "1984-03-02", "sex": "F"},
            {"nominal_id": "N9", "surname": "Ng", "forenames": "Wei",
             "date_of_birth": "1960-05-05", "sex": "M"},
        ],
    )  # fmt: skip
    _write(
        d / "intel" / "addresses.csv",
        ["nominal_id", "address_line", "postcode", "date_from", "date_to"],
        [
            {"nominal_id": "N1", "address_line": "9 NEW STREET, YORK", "postcode": "YO17HH",
             "date_from": "2020-01-01", "date_to": ""},
            {"nominal_id": "N1", "address_line": "1 Old Road, Leeds", "postcode": "LS1 1AA",
             "date_from": "2011-01-01", "date_to": "2012-01-01"},
        ],
    )  # fmt: skip
    _write(
        d / "intel" / "phones.csv",
        ["nominal_id", "phone", "date_from", "date_to"],
        [
            {"nominal_id": "N1", "phone": "+44 7700 900999", "date_from": "2024-01-01",
             "date_to": ""},
            {"nominal_id": "N1", "phone": "07700900123", "date_from": "2018-01-01",
             "date_to": "2019-01-01"},
        ],
    )  # fmt: skip
    _write(
        d / "intel" / "aliases.csv",
        ["alias_id", "nominal_id", "alias_type", "surname", "forenames", "date_of_birth"],
        [
            {"alias_id": "A2", "nominal_id": "N1", "alias_type": "alias", "surname": "Bell",
             "forenames": "Grace"},
            {"alias_id": "A1", "nominal_id": "N2", "alias_type": "alternative_dob",
             "date_of_birth": "1990-11-30"},
            {"alias_id": "A3", "nominal_id": "N3", "alias_type": "alias"},  # blank: no row
            {"alias_id": "A4", "nominal_id": "N404", "alias_type": "alias",
             "surname": "Nobody"},  # no such nominal: no row
        ],
    )  # fmt: skip
    _write(
        d / "truth" / "truth.csv",
        ["case_id", "staff_id", "nominal_id", "kind", "expected_flag", "noise"],
        [
            {"case_id": "C1", "staff_id": "S1", "nominal_id": "N1", "kind": "self_criminal"},
            {"case_id": "C2", "staff_id": "S2", "nominal_id": "N2", "kind": "self_duty_only",
             "noise": "typo|dob_missing"},
            {"case_id": "C3", "staff_id": "S1", "nominal_id": "N3",
             "kind": "hard_negative_name_dob"},
            {"case_id": "C4", "staff_id": "S2", "nominal_id": "N404", "kind": "self_welfare"},
            {"case_id": "C5", "staff_id": "S3", "nominal_id": "", "kind": "assoc_named"},
            # A named associate: S3's own nominal is N9 (noise "via:N9"); N2 is the criminal.
            {"case_id": "C6", "staff_id": "S3", "nominal_id": "N2", "kind": "assoc_named",
             "noise": "typo|via:N9"},
        ],
    )  # fmt: skip
    return d


def _read(path: Path) -> pd.DataFrame:
    return duckdb.sql(f"SELECT * FROM read_parquet('{path}')").df()


def test_flatten_one_row_per_person_with_current_address_and_one_phone(extract, tmp_path):
    out = tmp_path / "flat"
    counts = flatten_extract(extract, out)
    staff = _read(out / "staff.parquet").set_index("staff_id")
    assert list(staff.index) == ["S1", "S2", "S3"]
    s1 = staff.loc["S1"]
    assert s1["surname"] == "Okafor" and s1["forenames"] == "Grace Ada"  # first S1 row kept
    assert s1["previous_surnames"] == "Bell|Hart"
    assert (s1["address_line"], s1["postcode"]) == ("9 New Street, York", "YO1 7HH")
    assert s1["phone"] == "07700 900123"  # the mobile, not the first row
    assert staff.loc["S2", "phone"] == "07700 900456"  # no mobile: the one there is
    assert staff.loc["S3", "surname"] == "Price"  # trimmed
    assert pd.isna(staff.loc["S3", "forenames"]) and pd.isna(staff.loc["S3", "date_of_birth"])
    assert pd.isna(staff.loc["S3", "address_line"]) and pd.isna(staff.loc["S3", "phone"])

    rows = _read(out / "nominals.parquet")
    assert list(rows["nominal_id"]) == ["N1", "N1", "N2", "N2", "N3", "N9"]
    nominals = rows.drop_duplicates("nominal_id").set_index("nominal_id")  # own rows first
    assert nominals.loc["N1", "surname"] == "OKAFOR"
    assert nominals["previous_surnames"].isna().all()
    assert nominals.loc["N1", "postcode"] == "YO17HH"  # copied as it is: no cleaning
    assert nominals.loc["N1", "phone"] == "+44 7700 900999"  # the current number
    assert pd.isna(nominals.loc["N2", "date_of_birth"]) and pd.isna(nominals.loc["N2", "phone"])
    assert list(nominals.columns) == list(staff.columns)  # same fields on both sides
    # An alias row: the alias's name, the nominal's own date of birth, address and phone;
    # an alias with only another date of birth keeps the nominal's name.
    aliases = rows[rows.duplicated("nominal_id")].set_index("nominal_id")
    assert tuple(aliases.loc["N1", ["forenames", "surname", "date_of_birth", "postcode"]]) == (
        "Grace",
        "Bell",
        "1984-03-02",
        "YO17HH",
    )
    assert tuple(aliases.loc["N2", ["forenames", "surname", "date_of_birth"]]) == (
        "Maja",
        "Lindqvist",
        "1990-11-30",
    )
    assert aliases["previous_surnames"].isna().all()

    truth = _read(out / "truth.parquet")
    assert sorted(map(tuple, truth[["staff_id", "nominal_id", "kind"]].to_numpy())) == [
        ("S1", "N1", "self_criminal"),
        ("S2", "N2", "self_duty_only"),
        ("S3", "N9", "self_named_associate"),
    ]  # identities only: self_ kinds and a named associate's own nominal, never the
    # associate (N2 for S3) or a hard negative; the pair naming an unknown nominal is dropped
    noise = dict(zip(truth["nominal_id"], truth["noise"], strict=True))
    assert noise["N2"] == "typo|dob_missing"  # the generator's tags, for recall per noise
    assert pd.isna(noise["N1"]) and pd.isna(noise["N9"])  # none; an associate's own nominal
    assert counts.as_dict() == {
        "staff": 3,
        "nominals": 4,
        "nominal_alias_rows": 2,
        "truth_pairs": 3,
        "truth_pairs_dropped": 1,
        "staff_rows_dropped": 2,
        "nominal_rows_dropped": 0,
    }
    assert sorted(p.name for p in out.iterdir()) == [
        "nominals.parquet",
        "staff.parquet",
        "truth.parquet",
    ]  # no temp files left behind


def test_limits_keep_planted_nominals_of_kept_staff(extract, tmp_path):
    out = tmp_path / "flat"
    counts = flatten_extract(extract, out, staff_limit=1, nominals_limit=2)
    assert list(_read(out / "staff.parquet")["staff_id"]) == ["S1"]
    # N1 is planted for S1 and kept; one more by id fills the limit.
    assert list(_read(out / "nominals.parquet")["nominal_id"].unique()) == ["N1", "N2"]
    assert counts.truth_pairs == 1 and counts.truth_pairs_dropped == 0


def test_limit_smaller_than_planted_still_keeps_every_planted_nominal(extract, tmp_path):
    out = tmp_path / "flat"
    flatten_extract(extract, out, nominals_limit=1)
    assert list(_read(out / "nominals.parquet")["nominal_id"].unique()) == ["N1", "N2", "N9"]


def test_without_alias_rows_one_row_per_nominal_and_no_aliases_table_needed(extract, tmp_path):
    (extract / "intel" / "aliases.csv").unlink()
    with pytest.raises(FileNotFoundError, match="aliases"):
        flatten_extract(extract, tmp_path / "with")
    counts = flatten_extract(extract, tmp_path / "flat", alias_rows=False)
    assert list(_read(tmp_path / "flat" / "nominals.parquet")["nominal_id"]) == [
        "N1",
        "N2",
        "N3",
        "N9",
    ]
    assert counts.nominal_alias_rows == 0


def test_parquet_extract_reads_like_csv(extract, tmp_path):
    pq_dir = tmp_path / "pq"
    for src in extract.rglob("*.csv"):
        dest = pq_dir / src.relative_to(extract).with_suffix(".parquet")
        if src.parent.name == "truth":
            dest = dest.with_suffix(".csv")
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(src.read_bytes())
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        duckdb.sql(f"COPY (SELECT * FROM read_csv('{src}', all_varchar = true)) TO '{dest}'")
    flatten_extract(extract, tmp_path / "a")
    flatten_extract(pq_dir, tmp_path / "b")
    for name in ("staff", "nominals", "truth"):
        pd.testing.assert_frame_equal(
            _read(tmp_path / "a" / f"{name}.parquet"), _read(tmp_path / "b" / f"{name}.parquet")
        )


def test_missing_table_is_named(extract, tmp_path):
    (extract / "intel" / "phones.csv").unlink()
    with pytest.raises(FileNotFoundError, match="phones"):
        flatten_extract(extract, tmp_path / "flat")
    (extract / "truth" / "truth.csv").unlink()
    with pytest.raises(FileNotFoundError, match="truth"):
        flatten_extract(extract, tmp_path / "flat")


def _parquet(path: Path, frame: pd.DataFrame) -> Path:
    duckdb.from_df(frame).write_parquet(str(path))
    return path


def test_score_pairs_counts_precision_recall_and_best_f1(tmp_path):
    truth = _parquet(
        tmp_path / "truth.parquet",
        pd.DataFrame(
            {
                "staff_id": ["S1", "S2", "S3", "S4"],
                "nominal_id": ["N1", "N2", "N3", "N4"],
                "kind": ["self_criminal", "self_duty_only", "self_duty_only", "self_criminal"],
                "noise": ["typo", "typo|dob_missing", None, "alias"],
            }
        ),
    )
    pairs = _parquet(
        tmp_path / "pairs.parquet",
        pd.DataFrame(
            {
                "left_id": ["S1", "S1", "S2", "S5", "S6", "S3", "S7"],
                "right_id": ["N1", "N1", "N2", "N5", "N6", "N3", "N7"],
                "match_weight": [20.0, 3.0, 12.0, 11.0, 1.0, 2.0, -5.0],
                "band": ["auto", "discard", "review", "review", "discard", "discard", "discard"],
            }
        ),
    )
    s = score_pairs(
        pairs,
        truth,
        left="left_id",
        right="right_id",
        score="match_weight",
        predicted="band IN ('auto', 'review')",
    )
    # S1-N1 is listed twice: one candidate, predicted (one copy is auto), at its best weight 20.
    assert (s.candidate_pairs, s.truth_pairs, s.candidate_true) == (6, 4, 3)
    assert (s.predicted, s.true_positive) == (3, 2)
    assert s.precision == pytest.approx(2 / 3) and s.recall == pytest.approx(0.5)
    assert s.f1 == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))
    assert s.candidate_recall == pytest.approx(0.75)
    # Thresholds 20, 12, 11, 2, 1, -5: at 2, 4 predicted with 3 true: F1 = 6 / 8 is the best.
    assert s.best_threshold == pytest.approx(2.0)
    assert s.best_f1 == pytest.approx(6 / 8)
    assert (s.best_precision, s.best_recall) == (pytest.approx(0.75), pytest.approx(0.75))
    # per kind: (truth pairs, candidates, predicted, found at the best-F1 threshold)
    assert s.by_kind == {"self_criminal": (2, 1, 1, 1), "self_duty_only": (2, 2, 1, 2)}
    # per noise tag, a pair counted under each of its tags; S3 (no noise) under none
    assert s.by_noise == {"typo": (2, 2, 2, 2), "dob_missing": (1, 1, 1, 1), "alias": (1, 0, 0, 0)}


def test_score_pairs_with_nothing_found(tmp_path):
    truth = _parquet(
        tmp_path / "truth.parquet", pd.DataFrame({"staff_id": ["S1"], "nominal_id": ["N1"]})
    )
    pairs = _parquet(
        tmp_path / "pairs.parquet",
        pd.DataFrame({"staff_id": ["S2"], "nominal_id": ["N2"], "match_probability": [0.9]}),
    )
    s = score_pairs(
        pairs,
        truth,
        left="staff_id",
        right="nominal_id",
        score="match_probability",
        predicted="match_probability >= 0.5",
    )
    assert (s.predicted, s.true_positive, s.precision, s.recall, s.f1) == (1, 0, 0.0, 0.0, 0.0)
    assert s.best_f1 == 0.0 and s.best_threshold is None
    assert s.by_kind == {}  # no kind column in this truth file
