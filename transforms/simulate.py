"""A campaign over many nights, with synthetic triage decisions, to show the burn-up
working end to end. Pure pieces here; the CLI drives the flow night by night.

Decisions follow the national outcome mix of 2023 (461 referrals: 9 criminal
investigation, 88 disciplinary, 139 vetting review, 128 management intervention, 97 no
further action); welfare flags are routed to welfare support. A DPS team decides at most a
fixed number of flags a night, oldest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

NATIONAL_MIX = {
    "criminal_investigation": 9,
    "disciplinary_investigation": 88,
    "vetting_review": 139,
    "management_intervention": 128,
    "no_further_action": 97,
}


@dataclass(frozen=True)
class CampaignPlan:
    nights: int
    batch_size: int
    decisions_per_night: int
    start: date
    target_records: int
    target_date: date

    def night_date(self, night: int) -> date:
        return self.start + timedelta(days=night)

    def config(self, night: int) -> dict[str, object]:
        """The run config for one night (JSON-serialisable)."""
        return {
            "run_date": self.night_date(night).isoformat(),
            "campaign": {
                "batch_size": self.batch_size,
                "target_records": self.target_records,
                "start_date": self.start.isoformat(),
                "target_date": self.target_date.isoformat(),
            },
        }


def synthetic_decisions(
    open_flags: pd.DataFrame, capacity: int, decided_on: date, rng: np.random.Generator
) -> pd.DataFrame:
    """Decide up to ``capacity`` open flags, oldest raised first; a decisions file's rows."""
    cols = ["flag_id", "decision", "decided_on", "decided_by"]
    if open_flags.empty or capacity <= 0:
        return pd.DataFrame(columns=cols)
    queue = open_flags.sort_values(["first_raised_run", "flag_id"]).head(capacity)
    names, weights = zip(*NATIONAL_MIX.items(), strict=True)
    p = np.array(weights, dtype=float) / sum(weights)
    drawn = rng.choice(np.array(names), size=len(queue), p=p)
    decision = np.where(queue["flag_kind"].to_numpy() == "welfare", "welfare_support", drawn)
    return pd.DataFrame(
        {
            "flag_id": queue["flag_id"].to_numpy(),
            "decision": decision,
            "decided_on": decided_on.isoformat(),
            "decided_by": rng.choice(["A101", "A102", "A103", "A104"], size=len(queue)),
        }
    )
