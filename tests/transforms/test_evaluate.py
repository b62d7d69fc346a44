"""sweep evaluate: flag and identity metrics, noise kinds, review load, PR curve, thresholds."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from sweep.cli import main
from transforms.config import SweepConfig
from transforms.evaluate import (
    CLEAN,
    NOISE_KINDS,
    OTHER,
    choose_thresholds,
    evaluate,
    noise_kinds,
    read_truth,
    write_pr_report,
    write_threshold_config,
)
from transforms.generate import NOISE_TAGS

SAMPLE_TRUTH = Path(__file__).resolve().parents[2] / "data" / "sample" / "truth"
RUN_ID = "20261125T010203Z-abc123"
TRUTH_COLUMNS = ["case_id", "staff_id", "nominal_id", "kind", "expected_flag", "noise"]


def _truth(rows: list[tuple[str, ...]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=TRUTH_COLUMNS, dtype="string")


def _band(weight: float, auto: float = 15.0, review: float = 6.0) -> str:
    return "auto" if weight >= auto else "review" if weight >= review else "discard"


def _flags_frame(flags: list[tuple[str, str, str]], matches: pd.DataFrame) -> pd.DataFrame:
    """Flags with the identity band of their pair (none for an association), as published."""
    frame = pd.DataFrame(flags, columns=["staff_id", "nominal_id", "flag_kind"])
    band = frame.merge(matches, on=["staff_id", "nominal_id"], how="left")["band"]
    frame["identity_band"] = band.where(frame["flag_kind"] != "association", None).to_numpy()
    return frame


def _database(
    path: Path,
    pairs: list[tuple[str, str, float]],
    flags: list[tuple[str, str, str]],
    *,
    screened: int,
    config: dict | None = None,
    exclusions: list[tuple[str, str, str]] = (),
) -> Path:
    """A published database with just the tables evaluate reads; bands as the run set them."""
    cfg = SweepConfig.from_dict(config or {})
    auto, review = cfg.match.auto_threshold, cfg.match.review_threshold
    matches = pd.DataFrame(pairs, columns=["staff_id", "nominal_id", "match_weight"])
    matches["band"] = [_band(w, auto, review) for w in matches["match_weight"]]
    matches["auto_weight"] = matches["match_weight"]  # no name-frequency adjustments here
    frames = {
        "candidate_matches": matches,
        "flags": _flags_frame(flags, matches),
        "exclusions": pd.DataFrame(list(exclusions), columns=["staff_id", "nominal_id", "reason"]),
        "runs": pd.DataFrame(
            [
                ("20261124T010203Z-old000", "2026-11-24T01:02:03+00:00", "{}"),
                (RUN_ID, "2026-11-25T01:02:03+00:00", cfg.to_json()),
            ],
            columns=["run_id", "started_at", "config_json"],
        ),
        "progress_history": pd.DataFrame(
            [("20261124T010203Z-old000", 3), (RUN_ID, screened)],
            columns=["run_id", "screened_this_run"],
        ),
    }
    with duckdb.connect(str(path)) as con:
        for name, frame in frames.items():
            con.register("_f", frame)
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM _f")
            con.unregister("_f")
    return path


# Hand-made: four flaggable self matches (one missed, one with a wrong extra nominal), two
# duty-only, a named associate's own nominal, a hard negative scored in the review band.
TRUTH = _truth(
    [
        ("C1", "S1", "N1", "self_criminal", "misconduct", ""),
        ("C2", "S2", "N2", "self_criminal", "misconduct", "typo"),
        ("C3", "S3", "N3", "self_welfare", "welfare", "nickname|moved"),
        ("C4", "S4", "N4", "self_known", "excluded_known", "dob_missing"),
        ("C5", "S5", "N5", "self_duty_only", "none", "dob_missing"),
        ("C6", "S6", "N6", "self_duty_only", "none", ""),
        ("C7", "S7", "N7", "assoc_named", "association", "via:N70|typo"),
        ("C8", "S8", "N8", "hard_negative_name_dob", "none", ""),
        ("C9", "S9", "N9", "assoc_address", "association", ""),
    ]
)
PAIRS = [
    ("S1", "N1", 20.0),
    ("S2", "N2", 10.0),
    ("S2", "N22", 7.0),  # a wrong nominal for the staff member whose name has a typo
    ("S3", "N3", 4.0),  # missed at the configured review threshold
    ("S4", "N4", 16.0),
    ("S5", "N5", 12.0),
    ("S6", "N6", -2.0),
    ("S7", "N70", 9.0),
    ("S8", "N8", 8.0),  # hard negative: same name and date of birth, another person
    ("S10", "N100", -5.0),
    ("S11", "N110", 5.0),
]
FLAGS = [
    ("S1", "N1", "misconduct"),
    ("S2", "N2", "misconduct"),
    ("S8", "N8", "misconduct"),  # wrong: raised on the hard negative
    ("S7", "N7", "association"),
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _database(
        tmp_path_factory.mktemp("published") / "sweep.duckdb",
        PAIRS,
        FLAGS,
        screened=20,
        exclusions=[("S4", "N4", "known_matter")],
    )


@pytest.fixture(scope="module")
def result(db: Path) -> dict[str, pd.DataFrame]:
    return evaluate(db, TRUTH)


def test_noise_kinds_group_every_generator_tag() -> None:
    grouped = {t for tags in NOISE_KINDS.values() for t in tags}
    assert grouped == set(NOISE_TAGS)
    assert noise_kinds("") == [CLEAN]
    assert noise_kinds("via:N00000001") == [CLEAN]  # a reference, not noise
    assert noise_kinds("typo|moved") == ["moved_house", "name_typo"]
    assert noise_kinds("previous_surname|hyphenated") == ["previous_surname"]
    assert noise_kinds("typo|sideways") == ["name_typo", OTHER]  # a newer generator's tag


def test_flag_and_identity_metrics_with_f1(result: dict[str, pd.DataFrame]) -> None:
    m = result["metrics"].set_index("measure")
    mis = m.loc["flag:misconduct"]
    assert (mis["truth"], mis["predicted"], mis["true_positive"]) == (2, 3, 2)
    assert mis["recall"] == 1.0 and mis["precision"] == pytest.approx(2 / 3)
    assert mis["f1"] == pytest.approx(0.8)
    assert m.loc["flag:welfare", "recall"] == 0.0
    assert pd.isna(m.loc["flag:welfare", "precision"])  # nothing raised: undefined, not 0
    ident = m.loc["identity:flaggable"]
    # Matched (review or auto): S1N1 S2N2 S2N22 S4N4 S5N5 S7N70 S8N8; planted among them: 5.
    assert (ident["truth"], ident["predicted"], ident["true_positive"]) == (4, 7, 3)
    assert ident["precision"] == pytest.approx(5 / 7)
    assert m.loc["identity:named_associate", "recall"] == 1.0
    assert m.loc["identity:duty_only", "recall"] == 0.5
    auto = m.loc["identity:auto_band"]
    assert (auto["predicted"], auto["true_positive"], auto["precision"]) == (2, 2, 1.0)


def test_planted_cases_raised_under_another_kind_are_counted_apart(tmp_path: Path) -> None:
    """S1's own criminal record scored below review and raised as an association (a namesake
    at home): in front of DPS, though not as misconduct. S3's namesake is raised by nobody."""
    truth = _truth(
        [
            ("C1", "S1", "N1", "self_criminal", "misconduct", "dob_missing"),
            ("C2", "S2", "N2", "self_criminal", "misconduct", ""),
            ("C3", "S3", "N3", "hard_negative_name_dob", "none", ""),
        ]
    )
    db = _database(
        tmp_path / "sweep.duckdb",
        [("S1", "N1", 3.0), ("S2", "N2", 20.0), ("S3", "N3", 2.0)],
        [("S1", "N1", "association"), ("S2", "N2", "misconduct")],
        screened=3,
    )
    kinds = evaluate(db, truth)["by_kind"].set_index("kind")
    assert list(kinds.columns) == ["cases", "correct", "raised", "matched"]
    assert kinds.loc["self_criminal"].tolist() == [2, 1, 2, 1]
    assert kinds.loc["hard_negative_name_dob"].tolist() == [1, 1, 0, 0]


def test_identity_by_noise_kind_recall_precision_f1(result: dict[str, pd.DataFrame]) -> None:
    by = result["by_noise"].set_index(["scope", "noise_kind"])
    clean = by.loc[("flaggable", CLEAN)]
    assert (clean["cases"], clean["found"], clean["auto_found"]) == (1, 1, 1)
    assert (clean["precision"], clean["f1"]) == (1.0, 1.0)
    typo = by.loc[("flaggable", "name_typo")]
    # S2's own nominal found, and a wrong one beside it: precision over S2's two pairs.
    assert (typo["cases"], typo["found"], typo["predicted"], typo["correct"]) == (1, 1, 2, 1)
    assert typo["recall"] == 1.0 and typo["precision"] == 0.5
    assert typo["f1"] == pytest.approx(2 / 3)
    for kind in ("nickname", "moved_house"):  # one case carries both tags; missed
        row = by.loc[("flaggable", kind)]
        assert (row["cases"], row["found"], row["predicted"]) == (1, 0, 0)
        assert pd.isna(row["precision"]) and row["f1"] == 0.0
    assert by.loc[("flaggable", "missing_field"), "auto_recall"] == 1.0
    assert by.loc[("duty_only", "missing_field"), "recall"] == 1.0
    assert by.loc[("duty_only", CLEAN), "recall"] == 0.0
    # The named associate's via tag is not a noise kind, and assoc cases are not identities.
    assert ("flaggable", OTHER) not in by.index
    assert by["cases"].sum() == 7  # 4 flaggable cases (one with two kinds) + 2 duty-only


def test_review_load_per_staff_screened(result: dict[str, pd.DataFrame]) -> None:
    load = result["load"].set_index("measure")["value"]
    assert load["staff_screened"] == 20  # the latest run's, not the earlier one's
    assert load["candidate_pairs"] == 11
    assert (load["pairs_auto"], load["pairs_review"], load["pairs_discard"]) == (2, 5, 4)
    assert load["review_lines_per_staff"] == pytest.approx(5 / 20)
    assert load["staff_with_review_lines"] == 4  # S2 has two review lines
    # review lines that are not a planted identity: S8-N8 (8.0) and S2-N22 (7.0)
    assert load["review_lines_not_planted"] == 2
    assert load["false_review_lines_per_staff"] == pytest.approx(2 / 20)
    # What reaches a person: the flags, and those whose identity is only in the review band.
    assert load["flags"] == 4
    assert load["flags_per_staff"] == pytest.approx(4 / 20)
    assert load["flags_identity_review"] == 2  # S2-N2 (10.0) and S8-N8 (8.0); S1-N1 is auto


def test_pr_curve_scopes_and_configured_thresholds(result: dict[str, pd.DataFrame]) -> None:
    curves = result["curves"]
    flaggable = curves[curves["scope"] == "flaggable"].set_index("threshold")
    # Duty-only and the named associate's own nominal are left out of the flaggable pairs:
    # S1 20, S4 16, S2 10 true; S8 8, S2N22 7, S11 5 false; S3 4 true; S10 -5 false.
    assert list(flaggable.index) == [20.0, 16.0, 10.0, 8.0, 7.0, 5.0, 4.0, -5.0]
    assert flaggable.loc[10.0, "precision"] == 1.0 and flaggable.loc[10.0, "recall"] == 0.75
    assert flaggable.loc[4.0, "recall"] == 1.0
    assert flaggable.loc[4.0, "precision"] == pytest.approx(4 / 7)
    all_self = curves[curves["scope"] == "all_self"].set_index("threshold")
    assert -2.0 in all_self.index and 12.0 in all_self.index  # duty-only pairs count here
    assert all_self.loc[-5.0, "recall"] == 1.0
    at = result["thresholds"].set_index(["scope", "threshold_name"])
    review = at.loc[("flaggable", "review")]
    assert review["threshold"] == SweepConfig().match.review_threshold  # between 5 and 7
    assert (review["predicted"], review["true_positive"]) == (5, 3)
    assert review["precision"] == pytest.approx(0.6) and review["recall"] == 0.75
    assert at.loc[("flaggable", "auto"), "recall"] == 0.5
    assert at.loc[("flaggable", "best_f1"), "threshold"] == 10.0


def test_thresholds_come_from_the_run_config(tmp_path: Path) -> None:
    config = {"match": {"auto_threshold": 9.5, "review_threshold": 4.5}}
    db = _database(tmp_path / "sweep.duckdb", PAIRS, FLAGS, screened=40, config=config)
    result = evaluate(db, TRUTH)
    run = result["run"].iloc[0]
    assert (run["run_id"], run["auto_threshold"], run["review_threshold"]) == (RUN_ID, 9.5, 4.5)
    load = result["load"].set_index("measure")["value"]
    assert load["pairs_auto"] == 4  # 20, 16, 12, 10 (S7 at 9 is below 9.5)
    assert load["pairs_review"] == 4  # 9, 8, 7, 5 (S3 at 4 is below 4.5)
    assert load["review_lines_per_staff"] == pytest.approx(4 / 40)
    at = result["thresholds"].set_index(["scope", "threshold_name"])
    assert at.loc[("flaggable", "review"), "threshold"] == 4.5


def test_run_recorded_under_an_older_config_schema_still_evaluates(tmp_path: Path) -> None:
    db = _database(tmp_path / "sweep.duckdb", PAIRS, FLAGS, screened=20)
    legacy = json.dumps({"match": {"review_threshold": 5.0, "retired_knob": 1}, "old": {}})
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE runs SET config_json = ? WHERE run_id = ?", [legacy, RUN_ID])
    run = evaluate(db, TRUTH)["run"].iloc[0]
    assert (run["auto_threshold"], run["review_threshold"]) == (15.0, 5.0)


def test_choose_thresholds_and_write_a_config_run_accepts(
    result: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    choice = choose_thresholds(result, TRUTH, min_precision=0.99, min_recall=0.995)
    assert (choice.auto_threshold, choice.review_threshold) == (10.0, 4.0)
    assert not choice.review_clamped
    fig = choice.figures.set_index(["scope", "threshold_name"])
    assert fig.loc[("flaggable", "auto"), "precision"] == 1.0
    assert fig.loc[("flaggable", "review"), "recall"] == 1.0
    assert ("all_self", "review") in fig.index
    load = choice.load.set_index("measure")
    # Chosen bands over every pair: auto 20 16 12 10; review 9 8 7 5 4.
    assert load.loc["pairs_auto", "chosen"] == 4 and load.loc["pairs_review", "chosen"] == 5
    assert load.loc["review_lines_per_staff", "configured"] == pytest.approx(5 / 20)
    path = write_threshold_config(choice, tmp_path / "cfg" / "thresholds.json")
    cfg = SweepConfig.load(path)
    assert (cfg.match.auto_threshold, cfg.match.review_threshold) == (10.0, 4.0)
    assert cfg.match.name_jw_high == SweepConfig().match.name_jw_high  # the rest untouched
    assert [p.name for p in path.parent.iterdir()] == ["thresholds.json"]  # no temp left


def test_choose_thresholds_clamps_and_reports_unreachable_targets(
    result: dict[str, pd.DataFrame],
) -> None:
    loose = choose_thresholds(result, TRUTH, min_precision=0.5, min_recall=0.995)
    # Precision 0.5 is met down to -5, below the recall threshold (4): no review band.
    assert loose.auto_threshold == -5.0 and loose.review_threshold == -5.0
    assert loose.review_clamped
    impossible = choose_thresholds(result, TRUTH, min_precision=1.01)
    assert impossible.auto_threshold is None
    with pytest.raises(ValueError, match="could not be chosen"):
        impossible.config_fragment()
    with pytest.raises(ValueError, match="unknown scope"):
        choose_thresholds(result, TRUTH, scope="everyone")


def test_pr_report_written_for_the_run_and_latest(
    result: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    paths = write_pr_report(result, tmp_path / "reports")
    assert [p.name for p in paths] == [f"{RUN_ID}-pr.html", "latest-pr.html"]
    html = paths[0].read_text(encoding="utf-8")
    assert paths[1].read_text(encoding="utf-8") == html
    assert html.count("<svg") == 2 and "<script" not in html
    review = f"{SweepConfig().match.review_threshold:g}"
    assert "auto threshold 15" in html and f"review threshold {review}" in html
    assert f"flaggable at review {review}" in html  # the operating point on the PR chart
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == sorted(p.name for p in paths)


def test_sample_truth_through_evaluate(tmp_path: Path) -> None:
    """The committed sample's truth (2,000 staff), with every planted identity scored by how
    noisy it is and decoys for every staff member: all noise tags map to a kind, recall per
    kind follows the scores, and the report and thresholds come out."""
    truth = read_truth(SAMPLE_TRUTH)
    selves = truth[truth["kind"].str.startswith("self_")]
    rng = np.random.default_rng(3)
    n_tags = selves["noise"].map(lambda n: len([t for t in n.split("|") if t]))
    # Clean identities score high, one tag mid, two tags below the review threshold.
    weights = np.select([n_tags == 0, n_tags == 1], [18.0, 8.0], 3.0) + rng.uniform(
        0, 1, len(n_tags)
    )
    pairs = list(zip(selves["staff_id"], selves["nominal_id"], weights, strict=True))
    staff = [f"S{i:06d}" for i in range(1, 2001)]
    decoys = rng.normal(-10, 5, len(staff))
    pairs += [
        (s, f"X{i:06d}", float(w)) for i, (s, w) in enumerate(zip(staff, decoys, strict=True))
    ]
    db = _database(tmp_path / "sweep.duckdb", pairs, [], screened=2000)
    result = evaluate(db, truth)
    by = result["by_noise"]
    assert OTHER not in set(by["noise_kind"])
    two_tag_cases = int((n_tags == 2).sum())
    assert by["cases"].sum() == len(selves) + two_tag_cases
    clean = by[by["noise_kind"] == CLEAN]
    assert (clean["recall"] == 1.0).all() and (clean["auto_recall"] == 1.0).all()
    load = result["load"].set_index("measure")["value"]
    review = SweepConfig().match.review_threshold
    expected_review = int(((weights >= review) & (weights < 15)).sum() + (decoys >= review).sum())
    assert load["pairs_review"] == expected_review
    assert load["review_lines_per_staff"] == pytest.approx(expected_review / 2000)
    choice = choose_thresholds(result, truth, min_precision=0.99, min_recall=0.995)
    assert choice.review_threshold is not None and choice.review_threshold < 4.0
    paths = write_pr_report(result, tmp_path / "reports")
    assert all(p.exists() for p in paths)


def test_cli_evaluate_prints_everything_and_writes_config(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    truth_csv = tmp_path / "truth.csv"
    TRUTH.to_csv(truth_csv, index=False)
    cfg = tmp_path / "chosen.json"
    code = main(
        ["evaluate", "--db", str(db), "--truth", str(truth_csv), "--write-config", str(cfg)]
    )
    out = capsys.readouterr().out
    assert code == 0
    for heading in ("identity by kind of noise", "review load", "best F1", "auto   from 10.0"):
        assert heading in out
    assert (db.parent / "reports" / "latest-pr.html").exists()
    assert json.loads(cfg.read_text()) == {
        "match": {"auto_threshold": 10.0, "review_threshold": 4.0}
    }
    code = main(
        ["evaluate", "--db", str(db), "--truth", str(truth_csv), "--choose-thresholds"]
        + ["--min-precision", "1.01"]
    )
    captured = capsys.readouterr()
    assert code == 1 and "no config written" in captured.err
    assert main(["evaluate", "--db", str(tmp_path / "none.duckdb")]) == 2
