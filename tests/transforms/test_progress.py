from datetime import date

import pandas as pd
import pytest

from transforms.config import CampaignConfig
from transforms.progress import append_history, progress_row, update_ledger, workforce_size

CFG = CampaignConfig(target_records=1000, start_date="2026-11-01", target_date="2027-01-30")


def _flags(*staff_kinds):
    return pd.DataFrame(staff_kinds, columns=["staff_id", "flag_kind"])


def test_ledger_keeps_first_screened_date():
    first = update_ledger(pd.DataFrame(), pd.Series(["S1", "S2"]), "r1", date(2026, 11, 10))
    second = update_ledger(first, pd.Series(["S2", "S3"]), "r2", date(2026, 11, 11))
    by_id = second.set_index("staff_id")
    assert list(by_id.index) == ["S1", "S2", "S3"]
    assert by_id.loc["S2", "first_screened_date"] == "2026-11-10"
    assert by_id.loc["S2", "last_screened_run"] == "r2"
    assert by_id.loc["S3", "first_screened_run"] == "r2"
    assert by_id.loc["S1", "last_screened_run"] == "r1"


def test_flagged_records_are_screened_but_not_checked():
    ledger = update_ledger(
        pd.DataFrame(), pd.Series([f"S{i}" for i in range(100)]), "r1", date(2026, 11, 11)
    )
    row = progress_row(
        pd.DataFrame(),
        ledger,
        _flags(("S1", "misconduct"), ("S1", "association"), ("S2", "welfare")),
        100,
        "r1",
        date(2026, 11, 11),
        CFG,
    )
    assert row["screened_total"] == 100
    assert row["awaiting_decision"] == 2
    assert row["checked_total"] == 98
    assert (row["flags_misconduct"], row["flags_association"], row["flags_welfare"]) == (1, 1, 1)
    # 98 checked in 10 days since the start: 9.8 a day; 902 left -> 93 more days, past the date
    assert row["rate_per_day"] == 9.8
    assert row["projected_completion"] == "2027-02-12"
    assert row["on_track"] is False
    assert row["required_rate_per_day"] == round(902 / 80, 2)


def test_rate_uses_recent_runs_and_can_get_on_track():
    history = pd.DataFrame()
    ledger = pd.DataFrame()
    ids: list[str] = []
    for night in range(5):
        run_date = date(2026, 11, 20 + night)
        ids += [f"S{night}-{i}" for i in range(100)]
        ledger = update_ledger(ledger, pd.Series(ids), f"r{night}", run_date)
        row = progress_row(history, ledger, _flags(), 100, f"r{night}", run_date, CFG)
        history = append_history(history, row)
    last = history.iloc[-1]
    assert last["checked_total"] == 500
    assert last["rate_per_day"] == 100.0  # 400 more over the 4 days of the window
    assert last["projected_completion"] == "2026-11-29"
    assert bool(last["on_track"]) is True
    assert len(history) == 5


def test_finished_campaign_projects_today():
    ledger = update_ledger(
        pd.DataFrame(), pd.Series([f"S{i}" for i in range(1000)]), "r1", date(2026, 12, 1)
    )
    row = progress_row(pd.DataFrame(), ledger, _flags(), 1000, "r1", date(2026, 12, 1), CFG)
    assert row["projected_completion"] == "2026-12-01" and row["on_track"] is True


def test_without_a_configured_target_the_whole_workforce_is_the_target():
    ledger = update_ledger(
        pd.DataFrame(), pd.Series([f"S{i}" for i in range(300)]), "r1", date(2026, 11, 11)
    )
    open_target = CampaignConfig(start_date="2026-11-01", target_date="2027-01-30")
    row = progress_row(
        pd.DataFrame(), ledger, _flags(), 300, "r1", date(2026, 11, 11), open_target, 1200
    )
    # 300 of a 1,200-strong workforce, not 300 of some fixed number
    assert row["target_records"] == 1200
    assert row["required_rate_per_day"] == round(900 / 80, 2)
    configured = progress_row(
        pd.DataFrame(), ledger, _flags(), 300, "r1", date(2026, 11, 11), CFG, 1200
    )
    assert configured["target_records"] == 1000
    with pytest.raises(ValueError, match="target_records"):
        progress_row(pd.DataFrame(), ledger, _flags(), 300, "r1", date(2026, 11, 11), open_target)


def test_workforce_counts_every_staff_row_read_quarantined_or_not():
    counts = pd.DataFrame(
        {
            "table": ["staff", "nominals"],
            "rows_read": [2000, 20000],
            "rows_accepted": [1996, 19990],
            "rows_quarantined": [4, 10],
        }
    )
    assert workforce_size(counts) == 2000
    with pytest.raises(ValueError, match="staff"):
        workforce_size(counts[counts["table"] != "staff"])


def test_a_staff_id_in_another_case_is_the_same_person_in_the_ledger():
    # Monday's HR extract wrote s000012, Tuesday's S000012: one person, first screened Monday
    monday = update_ledger(
        pd.DataFrame(), pd.Series(["s000012", "S000013"]), "r1", date(2026, 11, 10)
    )
    tuesday = update_ledger(monday, pd.Series(["S000012"]), "r2", date(2026, 11, 11))
    assert tuesday["staff_id"].tolist() == ["S000012", "S000013"]  # tonight's spelling
    by_id = tuesday.set_index("staff_id")
    assert by_id.loc["S000012", "first_screened_run"] == "r1"
    assert by_id.loc["S000012", "first_screened_date"] == "2026-11-10"
    assert by_id.loc["S000012", "last_screened_run"] == "r2"
    # a flag carried from Monday under Monday's spelling still holds the record back
    row = progress_row(
        pd.DataFrame(),
        tuesday,
        _flags(("s000012", "association")),
        1,
        "r2",
        date(2026, 11, 11),
        CFG,
    )
    assert (row["screened_total"], row["awaiting_decision"], row["checked_total"]) == (2, 1, 1)


def test_a_ledger_that_holds_one_person_twice_is_mended():
    # written before ids were compared ignoring case: s000012 and S000012 as two entries
    legacy = pd.DataFrame(
        {
            "staff_id": ["S000012", "s000012", "S000013"],
            "first_screened_run": ["r2", "r1", "r1"],
            "first_screened_date": ["2026-11-11", "2026-11-10", "2026-11-10"],
            "last_screened_run": ["r2", "r1", "r1"],
        }
    )
    ledger = update_ledger(legacy, pd.Series(["S000013"]), "r3", date(2026, 11, 12))
    assert ledger.values.tolist() == [
        ["S000013", "r1", "2026-11-10", "r3"],
        ["s000012", "r1", "2026-11-10", "r2"],
    ]
