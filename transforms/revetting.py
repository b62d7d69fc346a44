"""Re-vetting referrals (Operation Assure): professional-standards outcomes that reopen vetting.

Pure functions, no Prefect. A staff member is referred for a vetting review when the
``misconduct_outcomes`` extract holds at least one triggering outcome dated within the lookback
(``FlagConfig.revetting_lookback_days``) ending at the run date: a written warning, a final
written warning, a reduction in rank, the end of a criminal investigation, or adverse
information reaching DPS. Management advice and no case to answer do not trigger. A senior
vetting officer then maintains, maintains with risk mitigation, or withdraws the clearance.

One referral per staff member, whatever the number of triggers. Staff whose vetting is already
withdrawn are skipped (counted in ``attrs["skipped_withdrawn"]``). The referral carries no
names, dates of birth or addresses: staff id, person type, vetting level and status, the
triggers and the latest trigger's date.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pandas as pd

from transforms.config import FlagConfig
from transforms.schema import REVETTING_TRIGGERS

ROUTE = "vetting_review"
REFERRAL_COLUMNS = [
    "referral_id",
    "staff_id",
    "person_type",
    "vetting_level",
    "vetting_status",
    "triggers",
    "latest_trigger_date",
    "route",
    "reason",
]
_WORDS = {
    "written_warning": "written warning",
    "final_written_warning": "final written warning",
    "reduction_in_rank": "reduction in rank",
    "criminal_investigation_concluded": "criminal investigation concluded",
    "adverse_information": "adverse information reported to DPS",
}


def referral_id(staff_id: str, outcome_id: str) -> str:
    """Stable id: the same staff member and latest trigger give the same referral every run."""
    return "V" + hashlib.sha256(f"{staff_id}|{outcome_id}".encode()).hexdigest()[:16]


def empty_referrals() -> pd.DataFrame:
    frame = pd.DataFrame(
        {c: pd.Series(dtype=object if c == "triggers" else "string") for c in REFERRAL_COLUMNS}
    )
    frame.attrs["skipped_withdrawn"] = 0
    return frame


def revetting_referrals(
    outcomes: pd.DataFrame | None, staff: pd.DataFrame, run_date: date, cfg: FlagConfig
) -> pd.DataFrame:
    """One vetting-review referral per staff member with a trigger in the lookback window.

    ``outcomes`` has the ``misconduct_outcomes`` columns (text, as loaded); None or empty gives
    an empty frame. ``staff`` has at least staff_id, person_type, vetting_level and
    vetting_status; outcomes of staff not in it (not screened tonight) are ignored. The window
    is ``[run_date - revetting_lookback_days, run_date]``, both ends included. Rows are ordered
    by staff id; ``triggers`` lists each trigger in the window, oldest first.
    """
    if outcomes is None or not len(outcomes) or not len(staff):
        return empty_referrals()
    start = (run_date - timedelta(days=cfg.revetting_lookback_days)).isoformat()
    end = run_date.isoformat()
    o = outcomes[["outcome_id", "staff_id", "outcome", "outcome_date"]].astype(object)
    o = o.dropna()
    o = o[
        o["outcome"].isin(REVETTING_TRIGGERS)
        & (o["outcome_date"] >= start)
        & (o["outcome_date"] <= end)
    ]
    people = staff[["staff_id", "person_type", "vetting_level", "vetting_status"]].astype(object)
    o = o.merge(people.drop_duplicates("staff_id"), on="staff_id", how="inner")
    withdrawn = o["vetting_status"] == "withdrawn"
    skipped = int(o.loc[withdrawn, "staff_id"].nunique())
    o = o[~withdrawn]
    if not len(o):
        out = empty_referrals()
        out.attrs["skipped_withdrawn"] = skipped
        return out

    o = o.sort_values(["staff_id", "outcome_date", "outcome_id"], kind="stable")
    rows = []
    for staff_id, g in o.groupby("staff_id", sort=True):
        latest = g.iloc[-1]
        triggers = list(g["outcome"])
        rows.append(
            {
                "referral_id": referral_id(str(staff_id), str(latest["outcome_id"])),
                "staff_id": staff_id,
                "person_type": latest["person_type"],
                "vetting_level": latest["vetting_level"],
                "vetting_status": latest["vetting_status"],
                "triggers": triggers,
                "latest_trigger_date": latest["outcome_date"],
                "route": ROUTE,
                "reason": _reason(g, cfg.revetting_lookback_days),
            }
        )
    out = pd.DataFrame(rows, columns=REFERRAL_COLUMNS)
    for c in REFERRAL_COLUMNS:
        if c != "triggers":
            out[c] = out[c].astype("string")
    out.attrs["skipped_withdrawn"] = skipped
    return out


def _reason(g: pd.DataFrame, lookback_days: int) -> str:
    """Plain words, facts only: what happened and when, and the vetting it bears on."""
    first = g.iloc[0]
    events = "; ".join(
        f"{_WORDS[o]} on {d}" for o, d in zip(g["outcome"], g["outcome_date"], strict=True)
    )
    n = len(g)
    what = "1 re-vetting trigger" if n == 1 else f"{n} re-vetting triggers"
    status = str(first["vetting_status"]).replace("_", " ")
    return (
        f"{what} in the last {lookback_days} days ({events}). Current vetting: "
        f"{first['vetting_level']}, {status}. For a senior vetting officer to maintain, "
        "maintain with risk mitigation, or withdraw."
    )
