"""transforms.defects: planted bad rows give exactly the expected quarantine, and spare truth."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sweep.cli import build_parser
from transforms import schema as sc
from transforms.config import ValidationConfig
from transforms.defects import DEFECT_COLUMNS, plant_defects
from transforms.generate import GenerateSpec, generate, main, write_extracts
from transforms.load import ROW_COLUMN, load_extract
from transforms.validate import ExtractValidation, validate_extract

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"
RUN_DATE = date(2026, 11, 25)
CFG = ValidationConfig()
SPEC = GenerateSpec(staff=400, nominals=3000, seed=3, enrich=5, defects=2)

# (table, field, rule) of every planted kind; each is planted ``defects`` times.
PLANTED = {
    ("staff", "staff_id", "unique"),
    ("staff", "date_of_birth", "dob_min_age"),
    ("staff", "date_of_birth", "calendar_date"),
    ("staff", "person_type", "in_set"),
    ("staff_addresses", "postcode", "postcode_format"),
    ("nominals", "nominal_id", "not_null"),
    ("addresses", "nominal_id", "unknown_parent"),
    ("records", "role", "in_set"),
    ("phones", "date_to", "date_order"),
}


def _validate(folder: Path) -> tuple[dict[str, pd.DataFrame], ExtractValidation, ExtractValidation]:
    frames: dict[str, pd.DataFrame] = {}
    results = []
    for extract, tables in (("staff", sc.STAFF_TABLES), ("intel", sc.INTEL_TABLES)):
        loaded = load_extract(folder / extract, tables)
        frames.update(loaded)
        results.append(validate_extract(loaded, tables, CFG, RUN_DATE))
    return frames, results[0], results[1]


def _lines(frame: pd.DataFrame) -> set[tuple[str, int, str, str]]:
    return set(
        zip(
            frame["table"].astype(str),
            frame["row_number"].astype(int),
            frame["field"].astype(str),
            frame["rule"].astype(str),
            strict=True,
        )
    )


def _protected(truth: pd.DataFrame) -> tuple[set[str], set[str]]:
    staff = set(truth["staff_id"])
    noms = set(truth["nominal_id"])
    noms |= set(truth["noise"].str.extract(r"via:(N\d+)")[0].dropna())
    return staff, noms


def _check(folder: Path, truth: pd.DataFrame, defects: pd.DataFrame) -> pd.DataFrame:
    frames, staff_v, intel_v = _validate(folder)
    quarantine = pd.concat([staff_v.quarantine, intel_v.quarantine], ignore_index=True)
    counts = pd.concat([staff_v.counts, intel_v.counts], ignore_index=True).set_index("table")

    # exactly the planted lines, no more and no fewer, one line each
    assert len(quarantine) == len(defects)
    assert _lines(quarantine) == _lines(defects)

    # counts reconcile, and the quarantined rows per table are the defects' distinct rows
    assert counts["reconciled"].all()
    assert (counts["rows_read"] == counts["rows_accepted"] + counts["rows_quarantined"]).all()
    per_table = defects.groupby("table")["row_number"].nunique()
    for name, row in counts.iterrows():
        assert row["rows_read"] == len(frames[name]), name
        assert row["rows_quarantined"] == per_table.get(name, 0), name

    # no row of a planted truth case is quarantined
    staff_ids, nominal_ids = _protected(truth)
    for name, group in quarantine.groupby("table"):
        rows = frames[str(name)].set_index(ROW_COLUMN).loc[group["row_number"].astype(int)]
        for column, protected in (
            ("staff_id", staff_ids),
            ("nominal_id", nominal_ids),
            ("nominal_id_a", nominal_ids),
            ("nominal_id_b", nominal_ids),
        ):
            if column in rows.columns:
                assert not rows[column].isin(protected).any(), (name, column)
    return quarantine


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> tuple[Path, dict[str, pd.DataFrame]]:
    folder = tmp_path_factory.mktemp("defects")
    frames = generate(SPEC)
    write_extracts(frames, folder, "csv")
    return folder, frames


def test_quarantine_is_exactly_the_planted_defects(planted):
    folder, frames = planted
    defects = pd.read_csv(folder / "truth" / "defects.csv", dtype=str, keep_default_na=False)
    assert list(defects.columns) == DEFECT_COLUMNS
    pd.testing.assert_frame_equal(defects, frames["defects"])
    _check(folder, frames["truth"], defects)
    # every kind planted SPEC.defects times; everything else is the unknown_parent cascade
    kinds = defects.groupby(["table", "field", "rule"]).size()
    for kind in PLANTED:
        if kind[2] == "unknown_parent":  # the cascade may add more
            assert kinds.get(kind, 0) >= SPEC.defects, kind
        else:
            assert kinds.get(kind, 0) == SPEC.defects, kind
    extra = set(kinds.index) - PLANTED
    assert {rule for _, _, rule in extra} <= {"unknown_parent"}


def test_defects_only_in_the_truth_folder(planted):
    folder, _ = planted
    assert (folder / "truth" / "defects.csv").is_file()
    assert not list((folder / "staff").glob("defects*"))
    assert not list((folder / "intel").glob("defects*"))


def test_existing_rows_keep_their_numbers(planted):
    _, frames = planted
    clean = generate(GenerateSpec(staff=400, nominals=3000, seed=3, enrich=5))
    assert "defects" not in clean
    defects = frames["defects"].assign(row_number=lambda d: d["row_number"].astype(int))
    for t in sc.ALL_TABLES:
        a, b = clean[t.name], frames[t.name]
        assert len(b) >= len(a), t.name
        touched = set(defects.loc[defects["table"] == t.name, "row_number"] - 1)
        same = np.array([i not in touched for i in range(len(a))])
        pd.testing.assert_frame_equal(
            a[same].reset_index(drop=True), b.iloc[: len(a)][same].reset_index(drop=True)
        )
        appended = set(range(len(a), len(b)))
        assert appended <= touched, t.name  # every appended row is a planted defect
    assert frames["truth"].equals(clean["truth"])


def test_plant_defects_is_pure_and_seeded():
    frames = generate(GenerateSpec(staff=300, nominals=2000, seed=4, enrich=5))
    before = {k: v.copy() for k, v in frames.items()}
    a, da = plant_defects(frames, seed=4, per_table=1)
    b, db = plant_defects(frames, seed=4, per_table=1)
    _, dc = plant_defects(frames, seed=5, per_table=1)
    for k, v in frames.items():
        pd.testing.assert_frame_equal(v, before[k])
        pd.testing.assert_frame_equal(a[k], b[k])
    pd.testing.assert_frame_equal(da, db)
    assert not da.equals(dc)
    assert da["row_number"].dtype == np.int64
    none, dn = plant_defects(frames, seed=4, per_table=0)
    assert dn.empty and list(dn.columns) == DEFECT_COLUMNS
    assert all(none[k] is frames[k] for k in frames)


def test_cli_flags(tmp_path):
    args = ["--staff", "200", "--nominals", "1000", "--seed", "1", "--enrich", "5"]
    assert main([*args, "--defects", "1", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "truth" / "defects.csv").is_file()
    parsed = build_parser().parse_args(["generate", *args, "--defects", "2", "--out", "x"])
    assert parsed.defects == 2
    assert build_parser().parse_args(["generate", *args, "--out", "x"]).defects == 0
    with pytest.raises(ValueError):
        generate(GenerateSpec(staff=200, nominals=1000, defects=-1))


def test_committed_sample_quarantine_is_the_planted_defects():
    defects = pd.read_csv(SAMPLE / "truth" / "defects.csv", dtype=str, keep_default_na=False)
    truth = pd.read_csv(SAMPLE / "truth" / "truth.csv", dtype=str, keep_default_na=False)
    assert len(defects) > 0
    planted_kinds = set(zip(defects["table"], defects["field"], defects["rule"], strict=True))
    assert planted_kinds >= PLANTED
    _check(SAMPLE, truth, defects)
