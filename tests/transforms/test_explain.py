"""The explanation waterfall, on a hand-made published database (no flow run needed)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd

from transforms.config import SweepConfig
from transforms.explain import explain_pair


def _db(
    path: Path,
    band: str,
    match_weight: float,
    auto_weight: float,
    forename: str = "exact",
    household: float | None = None,
    twin: float | None = None,
) -> Path:
    model = {
        "comparisons": ["forename", "dob"],
        "prior_match_probability": 0.5,  # prior weight 0
    }
    row = {
        "staff_id": "S1",
        "nominal_id": "N1",
        "rules": [["dob_forename_group"]],
        "forename_level": forename,
        "forename_weight": 6.0,
        "dob_level": "exact",
        "dob_weight": 8.0,
        "surname_tf_adjustment": 0.0,
        "forename_tf_adjustment": match_weight - 14.0,
        "match_weight": match_weight,
        "auto_weight": auto_weight,
        "match_probability": 0.99,
        "band": band,
    }
    if household is not None:  # an output from before households were measured has none
        row["household_adjustment"] = household
        row["forename_tf_adjustment"] = match_weight - 14.0 - household
    if twin is not None:
        row["twin_adjustment"] = twin
        row["forename_tf_adjustment"] -= twin
    with duckdb.connect(str(path)) as con:
        con.register("_m", pd.DataFrame({k: [v] if k != "rules" else v for k, v in row.items()}))
        con.execute("CREATE TABLE candidate_matches AS SELECT * FROM _m")
        con.execute(
            "CREATE TABLE runs AS SELECT ? AS config_json, ? AS model_json, now() AS started_at",
            [SweepConfig().to_json(), json.dumps(model)],
        )
    return path


def test_waterfall_adds_the_forename_frequency_and_says_why_not_auto(tmp_path: Path) -> None:
    # 14 bits of evidence plus 3 for a rare forename: above auto (15), but held in review.
    text = explain_pair(_db(tmp_path / "a.duckdb", "review", 17.0, 14.0), "S1", "N1")
    assert "forename is rarer than average" in text and "+3.00" in text
    assert "match weight +17.00" in text
    assert "not auto" in text and "+14.00" in text


def test_no_not_auto_note_below_the_auto_threshold(tmp_path: Path) -> None:
    text = explain_pair(_db(tmp_path / "b.duckdb", "review", 12.0, 12.0), "S1", "N1")
    assert "forename is commoner than average" in text
    assert "not auto" not in text


def test_a_long_level_description_wraps_whole_under_its_figures(tmp_path: Path) -> None:
    from transforms.comparisons import forename

    text = explain_pair(
        _db(tmp_path / "c.duckdb", "review", 12.0, 12.0, forename="one_edit"), "S1", "N1"
    )
    wanted = {lv.label: lv.description for lv in forename(SweepConfig().match).levels}
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("forename: "))
    assert "+6.00" in lines[start]  # the figures stay on the first line
    words = lines[start].split("+6.00", 1)[0].split()
    for line in lines[start + 1 :]:
        if not line.startswith("  "):
            break
        words += line.split()
    assert " ".join(words) == "forename: " + wanted["one_edit"]


def test_a_pair_held_from_auto_by_a_level_says_which(tmp_path: Path) -> None:
    text = explain_pair(
        _db(tmp_path / "d.duckdb", "review", 17.0, float("nan"), forename="different"), "S1", "N1"
    )
    assert "not auto: forename different; a person confirms" in text
    assert "rare-name bonus" not in text


def test_a_household_adjustment_is_a_line_of_its_own(tmp_path: Path) -> None:
    text = explain_pair(
        _db(tmp_path / "e.duckdb", "review", 7.0, float("nan"), "different", household=-8.0),
        "S1",
        "N1",
    )
    line = next(ln for ln in text.splitlines() if ln.startswith("same home and surname"))
    assert "-8.00" in line and "(+7.00)" in line  # the running total ends at the weight
    assert "household" not in explain_pair(
        _db(tmp_path / "f.duckdb", "review", 7.0, 7.0), "S1", "N1"
    )


def test_a_twin_adjustment_is_a_line_of_its_own(tmp_path: Path) -> None:
    text = explain_pair(
        _db(tmp_path / "g.duckdb", "discard", 1.0, float("nan"), "different", -8.0, -10.0),
        "S1",
        "N1",
    )
    lines = text.splitlines()
    household = next(i for i, ln in enumerate(lines) if ln.startswith("same home and surname"))
    twin = next(i for i, ln in enumerate(lines) if ln.startswith("same home, family and birth"))
    assert twin > household and "-10.00" in lines[twin] and "(+1.00)" in lines[twin]
    assert "twins" not in explain_pair(_db(tmp_path / "h.duckdb", "review", 7.0, 7.0), "S1", "N1")
