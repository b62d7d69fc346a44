"""What a run records about itself: id, who and where, input hashes, stage timings, memory.

Section 62 of the DPA 2018 asks who ran what, on which data, when; this is that record.
"""

from __future__ import annotations

import getpass
import hashlib
import resource
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from transforms.ids import id_key
from transforms.schema import TABLES_BY_NAME

EXTRACTS = ("staff", "intel")
WARNING_COLUMNS = ["run_id", "run_date", "kind", "subject", "message"]


def new_run_id(now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


def sha256_path(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def input_hashes(files: dict[str, Path]) -> pd.DataFrame:
    """One row per input file: table, path, bytes, sha256."""
    rows = [
        {"table": t, "path": str(p), "bytes": p.stat().st_size, "sha256": sha256_path(p)}
        for t, p in sorted(files.items())
    ]
    return pd.DataFrame(rows, columns=["table", "path", "bytes", "sha256"])


def extract_fingerprints(hashes: pd.DataFrame) -> dict[str, str]:
    """One fingerprint per extract (``staff``, ``intel``) from its rows of ``input_hashes``:
    the SHA-256 of each file's name, size and SHA-256, in name order. Equal fingerprints:
    the same files, byte for byte (wherever the folder is). An extract with no files has
    none. The files' own SHA-256 is the cost (1.0-1.3 GB/s here, streamed in 1 MiB
    chunks); this adds nothing measurable."""
    if hashes.empty:
        return {}
    extract = hashes["table"].map(lambda t: t in TABLES_BY_NAME and TABLES_BY_NAME[t].extract)
    out: dict[str, str] = {}
    for side in EXTRACTS:
        files = hashes[extract == side]
        if files.empty:
            continue
        listing = sorted(
            f"{Path(str(path)).name}\t{int(size)}\t{sha}"
            for path, size, sha in zip(files["path"], files["bytes"], files["sha256"], strict=True)
        )
        out[side] = hashlib.sha256("\n".join(listing).encode()).hexdigest()
    return out


def unchanged_extracts(
    fingerprints: dict[str, str], previous_runs: pd.DataFrame, previous_inputs: pd.DataFrame
) -> list[tuple[str, str, str]]:
    """(``extract_unchanged``, extract, message) for each extract byte-identical to the last
    published run's (``previous_runs``: the published ``runs``; ``previous_inputs``: the
    published ``input_files``, that run's files, for a run recorded before fingerprints
    were): a second night on the same files, as when the export job did not run. Names the
    run and its date; ids only."""
    if previous_runs.empty or "run_id" not in previous_runs:
        return []
    order = [c for c in ("started_at", "run_id") if c in previous_runs]
    last = previous_runs.sort_values(order, kind="stable").iloc[-1]
    before = {
        side: last.get(f"{side}_fingerprint")
        for side in EXTRACTS
        if isinstance(last.get(f"{side}_fingerprint"), str)
    } or extract_fingerprints(previous_inputs)
    return [
        (
            "extract_unchanged",
            side,
            f"{side} extract unchanged since run {last['run_id']} of {last.get('run_date')}: "
            "the export may not have run (the same files, byte for byte)",
        )
        for side in EXTRACTS
        if side in fingerprints and before.get(side) == fingerprints[side]
    ]


def warnings_frame(
    run_id: str, run_date: str, warnings: list[tuple[str, str, str]]
) -> pd.DataFrame:
    """The ``run_warnings`` rows of one run from (kind, subject, message) triples."""
    frame = pd.DataFrame(
        [(run_id, run_date, *w) for w in warnings], columns=WARNING_COLUMNS, dtype=object
    )
    return frame.astype("string")


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


@dataclass
class StageTimer:
    """Wall time and peak memory per named stage, in the order they ran."""

    rows: list[dict[str, object]] = field(default_factory=list)
    running: dict[str, float] = field(default_factory=dict)  # stage -> its start

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        t0 = time.perf_counter()
        self.running[name] = t0
        try:
            yield
        finally:
            del self.running[name]
            self.rows.append(self._row(name, t0))

    @staticmethod
    def _row(name: str, t0: float) -> dict[str, object]:
        return {
            "stage": name,
            "seconds": round(time.perf_counter() - t0, 3),
            "peak_rss_mib": round(peak_rss_mib(), 1),
        }

    def frame(self, *, unfinished: bool = False) -> pd.DataFrame:
        """The finished stages; with ``unfinished``, then each stage still running with its
        time so far (the publish stage, read as it writes the run's last table)."""
        rows = self.rows + (
            [self._row(name, t0) for name, t0 in self.running.items()] if unfinished else []
        )
        return pd.DataFrame(rows, columns=["stage", "seconds", "peak_rss_mib"])


def who_and_where() -> dict[str, str]:
    try:
        user = getpass.getuser()
    except Exception:  # no login name in some containers
        user = "unknown"
    return {"user": user, "host": socket.gethostname()}


def append_rows(
    previous: pd.DataFrame, rows: pd.DataFrame, key: str, ignore_case: bool = False
) -> pd.DataFrame:
    """An audit table carried from run to run: earlier rows kept, this run's replace any
    with the same key (with ``ignore_case``, compared as the loader compares ids:
    ``transforms.ids.id_key``)."""
    if previous.empty:
        return rows.reset_index(drop=True)
    if ignore_case:
        replaced = id_key(previous[key]).isin(id_key(rows[key]).dropna()).to_numpy(bool)
    else:
        replaced = previous[key].isin(rows[key]).to_numpy(bool)
    return pd.concat([previous[~replaced], rows], ignore_index=True)


def disclosure_row(
    manifest: dict[str, object], path: str, purpose: str, who: dict[str, str]
) -> pd.DataFrame:
    """One disclosure-log row for a handoff package: who made it, when, for whom and why."""
    files = manifest["files"]
    assert isinstance(files, dict)
    return pd.DataFrame(
        [
            {
                "run_id": manifest["run_id"],
                "created_at": manifest["created_at"],
                "made_by": who["user"],
                "host": who["host"],
                "recipient": manifest["recipient"],
                "purpose": purpose,
                "package": path,
                "rows": manifest["row_counts"]["flags.csv"],  # type: ignore[index]
                "flags_csv_sha256": files["flags.csv"]["sha256"],
            }
        ]
    )
