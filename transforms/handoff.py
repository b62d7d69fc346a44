"""The DPS handoff package: flags as CSV and Parquet with only what triage needs, and a
manifest with counts and checksums. Written to a hidden folder and renamed into place, so a
half-written package never looks finished; owner-only permissions."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from transforms.runlog import sha256_path as sha256_file

HANDOFF_SCHEMA_VERSION = 1

# What triage needs: who (by staff id and role, not name), what kind, how strong, the role
# on the records, and a fact-only evidence summary. No names, dates of birth, addresses, or
# intelligence free text.
HANDOFF_COLUMNS = [
    "flag_id",
    "run_id",
    "staff_id",
    "collar_number",
    "person_type",
    "unit",
    "vetting_level",
    "nominal_id",
    "flag_kind",
    "status",
    "first_raised_run",
    "route",
    "severity",
    "score",
    "identity_band",
    "match_weight",
    "evidence",
    "evidence_from",
    "evidence_to",
    "record_count",
    "evidence_summary",
]


def write_handoff(
    flags: pd.DataFrame, out_dir: Path, run_id: str, recipient: str
) -> tuple[Path, dict[str, object]]:
    """Write ``out_dir/handoff/<run_id>/`` and return it with its manifest."""
    base = out_dir / "handoff"
    base.mkdir(parents=True, exist_ok=True)
    os.chmod(base, 0o700)
    final = base / run_id
    if final.exists():
        raise FileExistsError(f"handoff for run {run_id} already exists: {final}")
    tmp = base / f".{run_id}.tmp"
    if tmp.exists():
        for f in tmp.iterdir():
            f.unlink()
        tmp.rmdir()
    tmp.mkdir(mode=0o700)
    frame = flags[HANDOFF_COLUMNS].copy()
    for col in ("evidence",):
        frame[col] = frame[col].map(lambda v: "|".join(v) if v is not None else None)
    files = {"flags.csv": tmp / "flags.csv", "flags.parquet": tmp / "flags.parquet"}
    frame.to_csv(files["flags.csv"], index=False)
    frame.to_parquet(files["flags.parquet"], index=False)
    manifest: dict[str, object] = {
        "run_id": run_id,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "schema_version": HANDOFF_SCHEMA_VERSION,
        "recipient": recipient,
        "row_counts": {name: len(frame) for name in files},
        "rows_by_kind": {str(k): int(v) for k, v in frame["flag_kind"].value_counts().items()},
        "files": {
            name: {"sha256": sha256_file(p), "bytes": p.stat().st_size} for name, p in files.items()
        },
        "columns": HANDOFF_COLUMNS,
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    for p in tmp.iterdir():
        os.chmod(p, 0o600)
    os.replace(tmp, final)
    return final, manifest


def verify_handoff(folder: Path) -> list[str]:
    """Problems found re-checking a package's counts and checksums (empty: it verifies)."""
    problems = []
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for name, meta in manifest["files"].items():
        p = folder / name
        if not p.exists():
            problems.append(f"{name}: missing")
            continue
        if sha256_file(p) != meta["sha256"]:
            problems.append(f"{name}: sha256 differs from manifest")
    readers = {"flags.csv": pd.read_csv, "flags.parquet": pd.read_parquet}
    counts: dict[str, int] = {}
    for name, read in readers.items():
        path = folder / name
        if not path.exists():
            continue
        try:
            counts[name] = len(read(path))
        except Exception as exc:  # any parse failure means the file cannot be trusted
            problems.append(f"{name}: unreadable ({type(exc).__name__})")
    for name, n in counts.items():
        if n != manifest["row_counts"][name]:
            problems.append(f"{name}: {n} rows, manifest says {manifest['row_counts'][name]}")
    return problems
