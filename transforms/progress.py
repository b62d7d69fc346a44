"""Progress toward the completion target: a ledger of who has been screened, and one row of
history per run with the rate, the projected completion date and whether it is on track.

A staff record counts as *screened* once a run has compared it, and as *checked* when it is
screened and has no flag awaiting a decision (a record with no flag is checked on screening).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta

import pandas as pd

from transforms.config import CampaignConfig
from transforms.ids import id_key

LEDGER_COLUMNS = ["staff_id", "first_screened_run", "first_screened_date", "last_screened_run"]
HISTORY_COLUMNS = [
    "run_id",
    "run_date",
    "screened_this_run",
    "screened_total",
    "checked_total",
    "awaiting_decision",
    "flags_misconduct",
    "flags_association",
    "flags_welfare",
    "target_records",
    "target_date",
    "rate_per_day",
    "required_rate_per_day",
    "projected_completion",
    "on_track",
]


def _one_entry_per_person(ledger: pd.DataFrame) -> pd.DataFrame:
    """``ledger`` with a ``_key`` column (``id_key``) and one entry per key: the earliest first
    screening (with its spelling) and the latest last screening. A ledger written before ids
    were compared ignoring case may hold one person twice ("s000012" and "S000012")."""
    ledger = ledger.assign(_key=id_key(ledger["staff_id"]))
    if ledger["_key"].is_unique:
        return ledger
    ledger = ledger.sort_values(["first_screened_run", "staff_id"], kind="stable")
    last = ledger.groupby("_key")["last_screened_run"].max()
    first = ledger.drop_duplicates("_key", keep="first")
    return first.assign(last_screened_run=first["_key"].map(last).to_numpy())


def update_ledger(
    previous: pd.DataFrame, screened_ids: pd.Series, run_id: str, run_date: date
) -> pd.DataFrame:
    """The screening ledger after this run: earlier entries keep their first-screened date.

    Staff ids are compared by ``id_key`` (ignoring case), as the loader compares them: a
    person screened as "s000012" and tonight as "S000012" is one entry, under tonight's
    spelling (the one tonight's flags and staff directory carry)."""
    prev = previous[LEDGER_COLUMNS] if len(previous) else pd.DataFrame(columns=LEDGER_COLUMNS)
    prev = _one_entry_per_person(prev.astype({"staff_id": "string"}))
    now = pd.DataFrame({"staff_id": pd.Series(screened_ids, dtype="string").drop_duplicates()})
    now["_key"] = id_key(now["staff_id"])
    now = now.drop_duplicates("_key")
    merged = now.merge(prev.drop(columns="staff_id"), on="_key", how="left")
    merged["first_screened_run"] = merged["first_screened_run"].fillna(run_id)
    merged["first_screened_date"] = merged["first_screened_date"].fillna(run_date.isoformat())
    merged["last_screened_run"] = run_id
    untouched = prev[~prev["_key"].isin(now["_key"]).to_numpy(bool)]
    out = pd.concat([untouched[LEDGER_COLUMNS], merged[LEDGER_COLUMNS]], ignore_index=True)
    return out.sort_values("staff_id", ignore_index=True)


def workforce_size(counts: pd.DataFrame, table: str = "staff") -> int:
    """Staff records in the extract: rows read from the staff file, accepted or quarantined
    (a quarantined record still has to be checked once it is mended)."""
    rows = counts.loc[counts["table"] == table, "rows_read"]
    if rows.empty:
        raise ValueError(f"no row counts for table {table!r}")
    return int(rows.iloc[0])


def progress_row(
    history: pd.DataFrame,
    ledger: pd.DataFrame,
    flags: pd.DataFrame,
    screened_this_run: int,
    run_id: str,
    run_date: date,
    cfg: CampaignConfig,
    workforce: int | None = None,
) -> dict[str, object]:
    """This run's row of progress history. The target is ``cfg.target_records`` or, when
    that is not set, ``workforce`` (the staff records in the extract)."""
    target_records = cfg.target_records if cfg.target_records is not None else workforce
    if target_records is None:
        raise ValueError("campaign.target_records is not set and the workforce is not known")
    screened = set(id_key(ledger["staff_id"]).dropna()) if len(ledger) else set()
    screened_total = len(screened)
    flagged_staff = set(id_key(flags["staff_id"]).dropna()) if len(flags) else set()
    awaiting = len(flagged_staff & screened)
    checked_total = screened_total - awaiting
    kinds = flags["flag_kind"].value_counts() if len(flags) else pd.Series(dtype=int)

    start = date.fromisoformat(cfg.start_date)
    target_date = date.fromisoformat(cfg.target_date)
    window = history.tail(max(cfg.rate_window_runs - 1, 0)) if len(history) else history
    if len(window):
        first = window.iloc[0]
        days = max((run_date - date.fromisoformat(str(first["run_date"]))).days, 1)
        rate = max(checked_total - int(first["checked_total"]), 0) / days
        if rate == 0:
            rate = checked_total / max((run_date - start).days, 1)
    else:
        rate = checked_total / max((run_date - start).days, 1)
    remaining = max(target_records - checked_total, 0)
    days_left = (target_date - run_date).days
    required = remaining / days_left if days_left > 0 else float(remaining)
    if remaining == 0:
        projected: date | None = run_date
    elif rate > 0:
        projected = run_date + timedelta(days=math.ceil(remaining / rate))
    else:
        projected = None
    return {
        "run_id": run_id,
        "run_date": run_date.isoformat(),
        "screened_this_run": int(screened_this_run),
        "screened_total": screened_total,
        "checked_total": checked_total,
        "awaiting_decision": awaiting,
        "flags_misconduct": int(kinds.get("misconduct", 0)),
        "flags_association": int(kinds.get("association", 0)),
        "flags_welfare": int(kinds.get("welfare", 0)),
        "target_records": int(target_records),
        "target_date": cfg.target_date,
        "rate_per_day": round(rate, 2),
        "required_rate_per_day": round(required, 2),
        "projected_completion": projected.isoformat() if projected else None,
        "on_track": bool(projected is not None and projected <= target_date),
    }


def append_history(history: pd.DataFrame, row: dict[str, object]) -> pd.DataFrame:
    new = pd.DataFrame([row], columns=HISTORY_COLUMNS)
    if not len(history):
        return new
    kept = history[history["run_id"] != row["run_id"]][HISTORY_COLUMNS]
    return pd.concat([kept, new], ignore_index=True)


def progress_markdown(row: dict[str, object], warnings: Sequence[str] = ()) -> str:
    """A short, plain report of where the campaign stands, after the run's ``warnings``."""
    status = "ON TRACK" if row["on_track"] else "BEHIND"
    pct = 100.0 * int(row["checked_total"]) / max(int(row["target_records"]), 1)
    warned = [f"- **Warning:** {w}" for w in warnings]
    return "\n".join(
        [
            f"# Sweep progress: run {row['run_id']}",
            "",
            *([*warned, ""] if warned else []),
            f"**{status}** for {row['target_records']:,} records by {row['target_date']}.",
            "",
            "| measure | value |",
            "| --- | --- |",
            f"| run date | {row['run_date']} |",
            f"| screened this run | {int(row['screened_this_run']):,} |",
            f"| screened so far | {int(row['screened_total']):,} |",
            f"| checked so far | {int(row['checked_total']):,} ({pct:.1f}% of target) |",
            f"| awaiting a decision on a flag | {int(row['awaiting_decision']):,} |",
            f"| flags: potential misconduct | {row['flags_misconduct']} |",
            f"| flags: off-duty association | {row['flags_association']} |",
            f"| flags: welfare | {row['flags_welfare']} |",
            f"| rate (checked per day) | {row['rate_per_day']} |",
            f"| rate needed to hit the date | {row['required_rate_per_day']} |",
            f"| projected completion | {row['projected_completion'] or 'not projectable'} |",
            "",
        ]
    )
