import json

import pandas as pd
import pytest

from transforms.handoff import HANDOFF_COLUMNS, verify_handoff, write_handoff


def _flags():
    rows = []
    for i, kind in enumerate(["misconduct", "association", "welfare"]):
        row = {c: None for c in HANDOFF_COLUMNS}
        row.update(
            flag_id=f"F{i}",
            run_id="r1",
            staff_id=f"S{i}",
            nominal_id=f"N{i}",
            flag_kind=kind,
            route="dps_misconduct_triage",
            severity="high",
            score=0.99,
            evidence=["suspect"],
            evidence_summary="roles: suspect",
        )
        row["surname"] = "Secretname"  # extra columns must not travel
        rows.append(row)
    return pd.DataFrame(rows)


def test_package_is_minimal_complete_and_verifies(tmp_path):
    folder, manifest = write_handoff(_flags(), tmp_path, "r1", recipient="DPS triage")
    assert sorted(p.name for p in folder.iterdir()) == [
        "flags.csv",
        "flags.parquet",
        "manifest.json",
    ]
    csv = pd.read_csv(folder / "flags.csv")
    assert list(csv.columns) == HANDOFF_COLUMNS
    assert "Secretname" not in (folder / "flags.csv").read_text()
    assert len(pd.read_parquet(folder / "flags.parquet")) == 3
    saved = json.loads((folder / "manifest.json").read_text())
    assert saved["recipient"] == "DPS triage" and saved["row_counts"]["flags.csv"] == 3
    assert saved["rows_by_kind"] == {"misconduct": 1, "association": 1, "welfare": 1}
    assert verify_handoff(folder) == []
    assert (folder.stat().st_mode & 0o777) == 0o700
    assert all((p.stat().st_mode & 0o777) == 0o600 for p in folder.iterdir())
    assert manifest["files"]["flags.csv"]["sha256"] == saved["files"]["flags.csv"]["sha256"]


def test_the_manifest_says_what_is_new_and_what_the_run_warned_of(tmp_path):
    flags = _flags().assign(status=["unchanged", "unchanged", "new"])
    warning = "intel extract unchanged since run r0 of 2026-11-24: the export may not have run"
    folder, manifest = write_handoff(
        flags, tmp_path, "r1", "DPS", warnings=[warning], inputs={"intel": "ab12", "staff": "cd"}
    )
    saved = json.loads((folder / "manifest.json").read_text())
    assert saved["rows_by_status"] == {"unchanged": 2, "new": 1}
    assert saved["warnings"] == [warning]
    assert saved["input_fingerprints"] == {"intel": "ab12", "staff": "cd"}
    assert verify_handoff(folder) == []
    plain, _ = write_handoff(_flags(), tmp_path, "r2", "DPS")
    saved = json.loads((plain / "manifest.json").read_text())
    assert saved["warnings"] == [] and saved["input_fingerprints"] == {}


def test_tampering_is_detected(tmp_path):
    folder, _ = write_handoff(_flags(), tmp_path, "r1", recipient="DPS")
    with open(folder / "flags.csv", "a") as fh:
        fh.write("F9,r1,S9\n")
    problems = verify_handoff(folder)
    assert "flags.csv: sha256 differs from manifest" in problems
    assert any(p.startswith("flags.csv: 4 rows") for p in problems)


def test_a_run_never_overwrites_its_package(tmp_path):
    write_handoff(_flags(), tmp_path, "r1", recipient="DPS")
    with pytest.raises(FileExistsError):
        write_handoff(_flags(), tmp_path, "r1", recipient="DPS")


def _referrals() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "referral_id": ["Vaaa", "Vbbb"],
            "staff_id": ["S1", "S2"],
            "triggers": [["written_warning"], ["written_warning", "adverse_information"]],
            "route": ["vetting_review"] * 2,
        }
    )


def test_extra_outputs_travel_with_the_flags_and_verify(tmp_path):
    folder, manifest = write_handoff(
        _flags(), tmp_path, "r1", recipient="DPS", extra={"revetting": _referrals()}
    )
    assert sorted(p.name for p in folder.iterdir()) == [
        "flags.csv",
        "flags.parquet",
        "manifest.json",
        "revetting.csv",
        "revetting.parquet",
    ]
    assert manifest["row_counts"] == {
        "flags.csv": 3,
        "flags.parquet": 3,
        "revetting.csv": 2,
        "revetting.parquet": 2,
    }
    assert set(manifest["files"]) == set(manifest["row_counts"])
    assert manifest["extra_columns"] == {
        "revetting": ["referral_id", "staff_id", "triggers", "route"]
    }
    csv = pd.read_csv(folder / "revetting.csv")
    assert csv["triggers"].tolist() == ["written_warning", "written_warning|adverse_information"]
    assert pd.read_parquet(folder / "revetting.parquet")["triggers"].tolist() == list(
        csv["triggers"]
    )
    assert verify_handoff(folder) == []
    assert all((p.stat().st_mode & 0o777) == 0o600 for p in folder.iterdir())


def test_every_listed_file_is_checked(tmp_path):
    folder, _ = write_handoff(
        _flags(), tmp_path, "r1", recipient="DPS", extra={"revetting": _referrals()}
    )
    with open(folder / "revetting.csv", "a") as fh:
        fh.write("Vccc,S3,written_warning,vetting_review\n")
    (folder / "revetting.parquet").unlink()
    problems = verify_handoff(folder)
    assert "revetting.csv: sha256 differs from manifest" in problems
    assert "revetting.csv: 3 rows, manifest says 2" in problems
    assert "revetting.parquet: missing" in problems


def test_an_empty_extra_output_still_verifies(tmp_path):
    empty = _referrals().iloc[:0]
    folder, manifest = write_handoff(
        _flags(), tmp_path, "r1", recipient="DPS", extra={"revetting": empty}
    )
    assert manifest["row_counts"]["revetting.csv"] == 0
    assert list(pd.read_csv(folder / "revetting.csv").columns) == list(empty.columns)
    assert verify_handoff(folder) == []


def test_extra_output_may_not_replace_the_flags(tmp_path):
    with pytest.raises(ValueError, match="bad handoff output name"):
        write_handoff(_flags(), tmp_path, "r1", recipient="DPS", extra={"flags": _referrals()})
    with pytest.raises(ValueError, match="bad handoff output name"):
        write_handoff(_flags(), tmp_path, "r2", recipient="DPS", extra={"../x": _referrals()})
    assert not (tmp_path / "handoff").exists()  # refused before anything is written
