"""Analysts' triage decisions on flags: check a CSV of them, and keep every one in a store.

A dispositions file is CSV (UTF-8) with one row per decision::

    flag_id,decision,decided_on,decided_by
    F0a1b2c3d4e5f6a7b,no_further_action,2026-11-20,A123

- ``decision`` is one of :data:`DECISIONS` (the routing categories after triage); case, spaces
  and hyphens are forgiven (``No further action`` is ``no_further_action``).
- ``decided_on`` is an ISO date, not after the import date.
- ``decided_by`` is an analyst id (letters then digits, such as ``A123``), never a name: the
  store must not collect the names of the people who decide.
- Other columns are ignored, each with a warning naming it.

A structural problem (file missing, empty, not UTF-8, malformed, a required column missing, no
data rows) raises :class:`transforms.load.StructuralError` naming the file and the problem. A bad
row is rejected with its data row number (its file line minus one, as ``transforms.load``
numbers rows), the field and the reason, and the good rows go
on; rows read = accepted + rejected, always. A reason may quote a flag id or a decision, never
any other value (a ``decided_by`` that is not an id could be someone's name).

The store (by default ``<out>/state/dispositions.parquet``) keeps every decision ever imported,
each with when, by whom and from which file it was imported; :func:`current_decisions` gives the
one in force per flag. It is rewritten whole on each import (temp file, then ``os.replace``),
under a lock, in a 0700 folder, owner-only (0600).
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from transforms.load import ROW_COLUMN, StructuralError, read_csv_header, read_file
from transforms.publish import fsync_dir as _fsync_dir
from transforms.runlog import sha256_path, who_and_where
from transforms.schema import Column, Table

logger = logging.getLogger(__name__)

DECISIONS = (
    "criminal_investigation",
    "disciplinary_investigation",
    "vetting_review",
    "management_intervention",
    "no_further_action",
    "welfare_support",
    "not_same_person",  # mistaken identity: never reopened (transforms/lifecycle.py)
)
FIELDS = ("flag_id", "decision", "decided_on", "decided_by")
DEFAULT_STORE = Path("state") / "dispositions.parquet"  # under the output folder
ANALYST_ID = re.compile(r"^[A-Za-z]{1,4}[0-9]{1,8}$")
_DATE = r"^\d{4}-\d{2}-\d{2}$"

DISPOSITIONS_TABLE = Table(
    name="dispositions",
    extract="dispositions",
    description="Analysts' triage decisions on flags.",
    columns=tuple(Column(name) for name in FIELDS),
)

ACCEPTED_COLUMNS = ["row_number", *FIELDS]
REJECTED_COLUMNS = ["row_number", "field", "reason"]
STORE_COLUMNS = [
    *FIELDS,
    "source_file",
    "source_row",
    "source_sha256",
    "imported_at",
    "imported_by",
]


@dataclass
class ImportResult:
    """What one import did. ``rejected`` has one line per (row, problem); a row with two
    problems is one rejected row."""

    accepted: pd.DataFrame
    rejected: pd.DataFrame
    rows_read: int
    store: Path | None = None
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def rejected_rows(self) -> int:
        return int(self.rejected["row_number"].nunique())


# --- reading -----------------------------------------------------------------------------------


def read_dispositions(csv_path: Path) -> tuple[pd.DataFrame, list[str]]:
    """The file's four columns as text (plus ``_row``), and the names of ignored columns."""
    csv_path = Path(csv_path)
    if not csv_path.is_file():
        raise StructuralError(csv_path.name, "file not found")
    frame = read_file(csv_path, DISPOSITIONS_TABLE, "no data rows (header only)")
    header = read_csv_header(csv_path)  # read_file logs a warning naming each column it drops
    ignored = [n.strip()[:60] for n in header if n.strip() not in DISPOSITIONS_TABLE.column_names]
    return frame, ignored


# --- validation --------------------------------------------------------------------------------


def _quote(value: object) -> str:
    return repr(str(value)[:60])


def normalise_decision(values: pd.Series) -> pd.Series:
    return values.astype("string").str.strip().str.lower().str.replace(r"[\s-]+", "_", regex=True)


def validate_dispositions(
    frame: pd.DataFrame, known_flag_ids: set[str], today: date
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split decisions into accepted rows and rejected (row_number, field, reason) lines.

    ``frame`` has the four text columns (missing values as NA) and optionally ``_row`` (the
    1-based data row; else the position is used). Every problem of a row is listed. A flag id
    seen earlier in the file rejects the later row ("duplicate of row N"), whether or not the
    earlier row was itself accepted: the file says two things about one flag, so a person must
    say which it means.
    """
    missing_cols = [c for c in FIELDS if c not in frame.columns]
    if missing_cols:
        raise ValueError(f"dispositions frame lacks column(s): {', '.join(missing_cols)}")
    df = frame.reset_index(drop=True)
    rows = (
        df[ROW_COLUMN].astype("int64").to_numpy()
        if ROW_COLUMN in df.columns
        else np.arange(1, len(df) + 1, dtype="int64")
    )
    text = {c: df[c].astype("string").str.strip().replace("", pd.NA) for c in FIELDS}
    problems: list[tuple[int, int, str, str]] = []  # (row, field order, field, reason)

    def reject(mask: np.ndarray, fld: str, reasons: object) -> None:
        order = FIELDS.index(fld)
        idx = np.flatnonzero(mask)
        if isinstance(reasons, str):
            problems.extend((int(rows[i]), order, fld, reasons) for i in idx)
        else:
            problems.extend((int(rows[i]), order, fld, reasons(i)) for i in idx)  # type: ignore[operator]

    present = {c: text[c].notna().to_numpy() for c in FIELDS}
    for c in FIELDS:
        reject(~present[c], c, "missing value")

    # flag_id: one Sweep raised, and not already decided earlier in this file
    flag = text["flag_id"]
    known = flag.isin(list(known_flag_ids)).to_numpy()
    reject(
        present["flag_id"] & ~known,
        "flag_id",
        lambda i: f"unknown flag id {_quote(flag.iat[i])} (not a flag Sweep ever raised)",
    )
    first_row: dict[str, int] = {}
    dup_of = np.zeros(len(df), dtype="int64")
    for i, value in enumerate(flag.tolist()):
        if value is pd.NA or value is None:
            continue
        if value in first_row:
            dup_of[i] = first_row[value]
        else:
            first_row[value] = int(rows[i])
    reject(dup_of > 0, "flag_id", lambda i: f"duplicate of row {dup_of[i]}")

    # decision: one of the routing categories
    decision = normalise_decision(text["decision"])
    allowed = decision.isin(list(DECISIONS)).to_numpy()
    reject(
        present["decision"] & ~allowed,
        "decision",
        lambda i: (
            f"unknown decision {_quote(text['decision'].iat[i])} (allowed: {', '.join(DECISIONS)})"
        ),
    )

    # decided_on: a real ISO date, not in the future
    raw_date = text["decided_on"]
    shaped = raw_date.str.fullmatch(_DATE).fillna(False).astype(bool).to_numpy()
    parsed = pd.to_datetime(raw_date.where(shaped), format="%Y-%m-%d", errors="coerce")
    is_date = shaped & parsed.notna().to_numpy()
    reject(present["decided_on"] & ~is_date, "decided_on", "not a date (expected YYYY-MM-DD)")
    future = is_date & (parsed > pd.Timestamp(today)).fillna(False).to_numpy()
    reject(future, "decided_on", f"date in the future (after {today.isoformat()})")

    # decided_by: an analyst id, never a name (and never echoed: it might be one)
    analyst = text["decided_by"]
    is_id = analyst.str.fullmatch(ANALYST_ID.pattern).fillna(False).astype(bool).to_numpy()
    reject(
        present["decided_by"] & ~is_id,
        "decided_by",
        "not an analyst id (letters then digits, such as A123; never a name)",
    )

    problems.sort(key=lambda p: (p[0], p[1]))
    rejected = pd.DataFrame(
        [(r, f, why) for r, _, f, why in problems], columns=REJECTED_COLUMNS
    ).astype({"row_number": "int64", "field": "string", "reason": "string"})
    bad_rows = set(rejected["row_number"].tolist())
    good = ~np.isin(rows, list(bad_rows))
    accepted = pd.DataFrame(
        {
            "row_number": rows[good],
            "flag_id": flag[good].to_numpy(),
            "decision": decision[good].to_numpy(),
            "decided_on": [d.date() for d in parsed[good]],
            "decided_by": analyst[good].str.upper().to_numpy(),
        },
        columns=ACCEPTED_COLUMNS,
    )
    accepted = accepted.astype(
        {"flag_id": "string", "decision": "string", "decided_by": "string"}
    ).reset_index(drop=True)
    return accepted, rejected


# --- the store ---------------------------------------------------------------------------------


def _empty_store() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "flag_id": pd.Series([], dtype="string"),
            "decision": pd.Series([], dtype="string"),
            "decided_on": pd.Series([], dtype="object"),
            "decided_by": pd.Series([], dtype="string"),
            "source_file": pd.Series([], dtype="string"),
            "source_row": pd.Series([], dtype="int64"),
            "source_sha256": pd.Series([], dtype="string"),
            "imported_at": pd.Series([], dtype="datetime64[us, UTC]"),
            "imported_by": pd.Series([], dtype="string"),
        },
        columns=STORE_COLUMNS,
    )


def read_store(store: Path) -> pd.DataFrame:
    """Every decision ever imported (empty, with the store's columns, if there is no store)."""
    store = Path(store)
    if not store.exists():
        return _empty_store()
    try:
        frame = pd.read_parquet(store)
    except (pa.ArrowException, OSError) as exc:
        raise StructuralError(
            store.name, f"unreadable or corrupt dispositions store ({type(exc).__name__})"
        ) from None
    missing = [c for c in STORE_COLUMNS if c not in frame.columns]
    if missing:
        raise StructuralError(store.name, f"store lacks column(s): {', '.join(missing)}")
    return frame[STORE_COLUMNS]


def current_decisions(store: Path) -> pd.DataFrame:
    """The decision in force for each flag: the latest by ``decided_on``; on the same day, the
    one imported last (and within one file, the later row)."""
    history = read_store(store)
    if history.empty:
        return history.reset_index(drop=True)
    ordered = history.assign(_seq=np.arange(len(history))).sort_values(
        ["flag_id", "decided_on", "imported_at", "_seq"], kind="stable"
    )
    latest = ordered.groupby("flag_id", sort=True).tail(1)
    return latest.drop(columns="_seq").sort_values("flag_id").reset_index(drop=True)


@contextmanager
def _locked(store: Path) -> Iterator[None]:
    """One import at a time per store (an advisory lock beside it)."""
    lock = store.parent / f".{store.name}.lock"
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _write_atomic(frame: pd.DataFrame, store: Path) -> None:
    tmp = store.parent / f".{store.name}.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            frame.to_parquet(fh, index=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, store)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(store.parent)


def append_to_store(
    accepted: pd.DataFrame,
    store: Path,
    source_file: str,
    source_sha256: str,
    imported_at: datetime | None = None,
) -> Path:
    """Add accepted decisions to the store, keeping every earlier one."""
    store = Path(store)
    store.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(store.parent, 0o700)
    stamp = pd.Timestamp(imported_at or datetime.now(UTC)).tz_convert("UTC").as_unit("us")
    new = pd.DataFrame(
        {
            "flag_id": accepted["flag_id"].astype("string").to_numpy(),
            "decision": accepted["decision"].astype("string").to_numpy(),
            "decided_on": list(accepted["decided_on"]),
            "decided_by": accepted["decided_by"].astype("string").to_numpy(),
            "source_file": source_file,
            "source_row": accepted["row_number"].astype("int64").to_numpy(),
            "source_sha256": source_sha256,
            "imported_at": stamp,
            "imported_by": who_and_where()["user"],
        },
        columns=STORE_COLUMNS,
    ).astype(_empty_store().dtypes.to_dict())
    with _locked(store):
        previous = read_store(store)
        combined = new if previous.empty else pd.concat([previous, new], ignore_index=True)
        _write_atomic(combined, store)
    return store


def import_dispositions(
    csv_path: Path, store: Path, known_flag_ids: set[str], today: date
) -> ImportResult:
    """Read, check and store one file of decisions; bad rows are rejected, good ones kept."""
    csv_path = Path(csv_path)
    frame, ignored = read_dispositions(csv_path)
    accepted, rejected = validate_dispositions(frame, known_flag_ids, today)
    result = ImportResult(
        accepted=accepted, rejected=rejected, rows_read=len(frame), ignored_columns=ignored
    )
    assert result.rows_read == len(accepted) + result.rejected_rows, (
        f"{csv_path.name}: rows read {result.rows_read} != accepted {len(accepted)} "
        f"+ rejected {result.rejected_rows}"
    )
    if len(accepted):
        result.store = append_to_store(accepted, store, csv_path.name, sha256_path(csv_path))
    logger.info(
        "%s: read %d, accepted %d, rejected %d",
        csv_path.name,
        result.rows_read,
        len(accepted),
        result.rejected_rows,
    )
    return result
