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


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


@dataclass
class StageTimer:
    """Wall time and peak memory per named stage, in the order they ran."""

    rows: list[dict[str, object]] = field(default_factory=list)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.rows.append(
                {
                    "stage": name,
                    "seconds": round(time.perf_counter() - t0, 3),
                    "peak_rss_mib": round(peak_rss_mib(), 1),
                }
            )

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=["stage", "seconds", "peak_rss_mib"])


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
