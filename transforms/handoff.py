"""The DPS handoff package: flags as CSV and Parquet with only what triage needs, and a
manifest with counts and checksums. Written to a hidden folder and renamed into place, so a
half-written package never looks finished; owner-only permissions."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
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


def _flatten_lists(frame: pd.DataFrame) -> pd.DataFrame:
    """List-valued columns (evidence, triggers) as ``|``-separated text, for CSV and Parquet."""
    frame = frame.copy()
    for col in frame.columns:
        if frame[col].dtype == object and frame[col].map(_is_list).any():
            frame[col] = frame[col].map(lambda v: "|".join(map(str, v)) if _is_list(v) else v)
    return frame


def _is_list(v: object) -> bool:
    return isinstance(v, list | tuple | np.ndarray)


def write_handoff(
    flags: pd.DataFrame,
    out_dir: Path,
    run_id: str,
    recipient: str,
    extra: dict[str, pd.DataFrame] | None = None,
    warnings: list[str] | None = None,
    inputs: dict[str, str] | None = None,
) -> tuple[Path, dict[str, object]]:
    """Write ``out_dir/handoff/<run_id>/`` and return it with its manifest.

    The manifest gives the flags by ``status`` (``rows_by_status``: how many are ``new``
    tonight, how many carried ``unchanged`` from an earlier run), the run's ``warnings`` as
    the operator saw them (e.g. an extract unchanged since the last run: the export may not
    have run, so nothing here is new information), and ``inputs``, each extract's
    fingerprint (``transforms.runlog.extract_fingerprints``).

    ``extra`` adds further outputs beside the flags (``{"revetting": referrals}`` writes
    ``revetting.csv`` and ``revetting.parquet``), each written as given (the caller chooses
    the columns) and listed in the manifest with its row count and checksum.
    """
    for name in extra or {}:
        if name == "flags" or not name.replace("_", "").isalnum():
            raise ValueError(f"bad handoff output name {name!r}")
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
    outputs = {"flags": frame}
    for name, extra_frame in (extra or {}).items():
        outputs[name] = _flatten_lists(extra_frame).reset_index(drop=True)
    files: dict[str, Path] = {}
    row_counts: dict[str, int] = {}
    for name, out in outputs.items():
        csv_path, parquet_path = tmp / f"{name}.csv", tmp / f"{name}.parquet"
        out.to_csv(csv_path, index=False)
        out.to_parquet(parquet_path, index=False)
        for p in (csv_path, parquet_path):
            files[p.name] = p
            row_counts[p.name] = len(out)
    manifest: dict[str, object] = {
        "run_id": run_id,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "schema_version": HANDOFF_SCHEMA_VERSION,
        "recipient": recipient,
        "row_counts": row_counts,
        "rows_by_kind": {str(k): int(v) for k, v in frame["flag_kind"].value_counts().items()},
        "rows_by_status": {str(k): int(v) for k, v in frame["status"].value_counts().items()},
        "warnings": list(warnings or []),
        "input_fingerprints": dict(inputs or {}),
        "files": {
            name: {"sha256": sha256_file(p), "bytes": p.stat().st_size} for name, p in files.items()
        },
        "columns": HANDOFF_COLUMNS,
    }
    if extra:
        manifest["extra_columns"] = {name: list(outputs[name].columns) for name in extra}
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    for p in tmp.iterdir():
        os.chmod(p, 0o600)
    os.replace(tmp, final)
    return final, manifest


_READERS = {".csv": pd.read_csv, ".parquet": pd.read_parquet}


def verify_handoff(folder: Path) -> list[str]:
    """Problems found re-checking a package's counts and checksums (empty: it verifies).

    Every file the manifest lists must exist and match its checksum; every CSV or Parquet file
    must parse and hold the row count the manifest gives. A manifest listing no files, or a
    listed file with no row count, is a problem too.
    """
    problems = []
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    files = manifest.get("files") or {}
    row_counts = manifest.get("row_counts") or {}
    if not files:
        problems.append("manifest.json: lists no files")
    for name in sorted(set(row_counts) - set(files)):
        problems.append(f"{name}: has a row count but no checksum in the manifest")
    for name, meta in files.items():
        p = folder / name
        if not p.exists():
            problems.append(f"{name}: missing")
            continue
        if sha256_file(p) != meta["sha256"]:
            problems.append(f"{name}: sha256 differs from manifest")
        read = _READERS.get(p.suffix)
        if read is None:
            continue
        if name not in row_counts:
            problems.append(f"{name}: no row count in the manifest")
            continue
        try:
            n = len(read(p))
        except Exception as exc:  # any parse failure means the file cannot be trusted
            problems.append(f"{name}: unreadable ({type(exc).__name__})")
            continue
        if n != row_counts[name]:
            problems.append(f"{name}: {n} rows, manifest says {row_counts[name]}")
    return problems
