"""The run record's input fingerprints, and the warning for an extract seen the night before."""

from __future__ import annotations

import shutil

import pandas as pd

from transforms.runlog import (
    WARNING_COLUMNS,
    extract_fingerprints,
    input_hashes,
    unchanged_extracts,
    warnings_frame,
)


def _extract(folder, nominals="nominal_id\nN1\n", staff="staff_id\nS1\n"):
    (folder / "intel").mkdir(parents=True)
    (folder / "staff").mkdir(parents=True)
    (folder / "intel" / "nominals.csv").write_text(nominals)
    (folder / "intel" / "records.csv").write_text("record_id\nR1\n")
    (folder / "staff" / "staff.csv").write_text(staff)
    return _extract_paths(folder)


def _runs(*rows):
    return pd.DataFrame(
        [
            {
                "run_id": run_id,
                "run_date": run_date,
                "started_at": started,
                **{f"{side}_fingerprint": fp for side, fp in fps.items()},
            }
            for run_id, run_date, started, fps in rows
        ]
    )


def test_a_fingerprint_is_the_files_names_sizes_and_contents_wherever_they_are(tmp_path):
    first = extract_fingerprints(input_hashes(_extract(tmp_path / "monday")))
    assert set(first) == {"staff", "intel"}
    copy = tmp_path / "copy"
    shutil.copytree(tmp_path / "monday", copy)
    assert extract_fingerprints(input_hashes(_extract_paths(copy))) == first
    # one byte of one intel file: the intel fingerprint changes, the staff one does not
    tuesday = extract_fingerprints(input_hashes(_extract(tmp_path / "tue", "nominal_id\nN2\n")))
    assert tuesday["staff"] == first["staff"] and tuesday["intel"] != first["intel"]
    # the same bytes under another file name is another extract
    renamed = _extract_paths(copy)
    renamed["records"] = renamed["records"].rename(copy / "intel" / "records_2.csv")
    assert extract_fingerprints(input_hashes(renamed))["intel"] != first["intel"]
    assert extract_fingerprints(input_hashes({})) == {}


def _extract_paths(folder):
    return {
        "nominals": folder / "intel" / "nominals.csv",
        "records": folder / "intel" / "records.csv",
        "staff": folder / "staff" / "staff.csv",
    }


def test_an_extract_identical_to_the_last_published_runs_is_named_with_that_run():
    tonight = {"staff": "s2", "intel": "i1"}
    runs = _runs(
        ("R2", "2026-11-26", "2026-11-26T02:00:00+00:00", {"staff": "s1", "intel": "i1"}),
        ("R1", "2026-11-25", "2026-11-25T02:00:00+00:00", {"staff": "s2", "intel": "i0"}),
    )
    # compared with the latest run (R2), not any earlier one: the staff extract matches R1's
    assert unchanged_extracts(tonight, runs, pd.DataFrame()) == [
        (
            "extract_unchanged",
            "intel",
            "intel extract unchanged since run R2 of 2026-11-26: the export may not have run "
            "(the same files, byte for byte)",
        )
    ]
    assert unchanged_extracts({"staff": "s3", "intel": "i3"}, runs, pd.DataFrame()) == []
    assert unchanged_extracts(tonight, pd.DataFrame(), pd.DataFrame()) == []  # first run


def test_a_run_recorded_before_fingerprints_is_compared_by_its_input_files(tmp_path):
    files = _extract(tmp_path / "x")
    hashes = input_hashes(files)
    old = pd.DataFrame([{"run_id": "R0", "run_date": "2026-11-24", "started_at": "2026-11-24"}])
    warned = unchanged_extracts(extract_fingerprints(hashes), old, hashes)
    assert [(k, s) for k, s, _ in warned] == [
        ("extract_unchanged", "staff"),
        ("extract_unchanged", "intel"),
    ]
    assert warned[0][2].startswith("staff extract unchanged since run R0 of 2026-11-24: ")


def test_warnings_frame_is_typed_text_even_when_empty():
    empty = warnings_frame("R1", "2026-11-25", [])
    assert list(empty.columns) == WARNING_COLUMNS and len(empty) == 0
    assert all(str(t) == "string" for t in empty.dtypes)
    one = warnings_frame("R1", "2026-11-25", [("extract_unchanged", "intel", "m")])
    assert one.iloc[0].tolist() == ["R1", "2026-11-25", "extract_unchanged", "intel", "m"]


def test_a_stage_still_running_is_timed_so_far_only_when_asked():
    from transforms.runlog import StageTimer

    timer = StageTimer()
    with timer.stage("load"):
        pass
    with timer.stage("publish"):
        assert list(timer.frame()["stage"]) == ["load"]
        inside = timer.frame(unfinished=True)
        assert list(inside["stage"]) == ["load", "publish"] and inside["seconds"].ge(0).all()
    assert list(timer.frame()["stage"]) == ["load", "publish"]
    assert timer.running == {}
