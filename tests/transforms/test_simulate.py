from datetime import date

import numpy as np
import pandas as pd

from transforms.simulate import NATIONAL_MIX, CampaignPlan, synthetic_decisions


def _open(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "flag_id": [f"F{i:03d}" for i in range(n)],
            "flag_kind": ["welfare" if i % 5 == 0 else "misconduct" for i in range(n)],
            "first_raised_run": [f"r{i % 3}" for i in range(n)],
        }
    )


def test_capacity_oldest_first_and_welfare_routed():
    # ten flags were raised on the first night (r0); a capacity of 8 takes only those
    out = synthetic_decisions(_open(30), 8, date(2026, 12, 1), np.random.default_rng(1))
    assert len(out) == 8
    assert set(out["flag_id"]) <= set(_open(30).query("first_raised_run == 'r0'")["flag_id"])
    kinds = _open(30).set_index("flag_id").loc[out["flag_id"], "flag_kind"].to_numpy()
    assert (out["decision"].to_numpy()[kinds == "welfare"] == "welfare_support").all()
    assert set(out.loc[kinds != "welfare", "decision"]) <= set(NATIONAL_MIX)
    assert set(out["decided_on"]) == {"2026-12-01"}


def test_mix_follows_national_outcomes():
    flags = pd.DataFrame(
        {
            "flag_id": [f"F{i}" for i in range(20000)],
            "flag_kind": "misconduct",
            "first_raised_run": "r0",
        }
    )
    out = synthetic_decisions(flags, 20000, date(2026, 12, 1), np.random.default_rng(2))
    share = out["decision"].value_counts(normalize=True)
    total = sum(NATIONAL_MIX.values())
    for name, n in NATIONAL_MIX.items():
        assert abs(share[name] - n / total) < 0.01


def test_nothing_to_decide():
    assert synthetic_decisions(_open(0), 5, date(2026, 12, 1), np.random.default_rng(0)).empty


def test_plan_configs_advance_a_day_a_night():
    plan = CampaignPlan(3, 100, 10, date(2026, 12, 1), 300, date(2027, 1, 1))
    assert [plan.config(n)["run_date"] for n in range(3)] == [
        "2026-12-01",
        "2026-12-02",
        "2026-12-03",
    ]
    assert plan.config(0)["campaign"]["batch_size"] == 100
