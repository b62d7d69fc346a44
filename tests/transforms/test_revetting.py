"""Re-vetting referrals (Operation Assure), each rule on a few hand-written rows."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from tests.factories import STAFF_DEFAULTS, frame, tables
from transforms.config import FlagConfig
from transforms.revetting import REFERRAL_COLUMNS, revetting_referrals
from transforms.schema import MISCONDUCT_OUTCOMES, REVETTING_TRIGGERS

RUN_DATE = date(2026, 11, 25)
CFG = FlagConfig()


def _staff(*rows: dict[str, str]) -> pd.DataFrame:
    return frame("staff", list(rows), STAFF_DEFAULTS)


def _outcomes(*rows: tuple[str, str, str]) -> pd.DataFrame:
    """(staff_id, outcome, outcome_date) rows; outcome ids O1, O2, ... in order."""
    return frame(
        "misconduct_outcomes",
        [
            {"outcome_id": f"O{i}", "staff_id": s, "outcome": o, "outcome_date": d}
            for i, (s, o, d) in enumerate(rows, start=1)
        ],
    )


STAFF = _staff(
    {"staff_id": "S1"},
    {"staff_id": "S2", "person_type": "staff", "vetting_level": "NPPV2"},
    {"staff_id": "S3", "vetting_status": "withdrawn"},
    {"staff_id": "S4", "vetting_status": "under_review"},
)


@pytest.mark.parametrize("trigger", REVETTING_TRIGGERS)
def test_each_trigger_opens_a_referral(trigger):
    out = revetting_referrals(_outcomes(("S1", trigger, "2026-10-01")), STAFF, RUN_DATE, CFG)
    assert list(out.columns) == REFERRAL_COLUMNS
    assert len(out) == 1
    row = out.iloc[0]
    assert row["staff_id"] == "S1" and row["route"] == "vetting_review"
    assert row["triggers"] == [trigger]
    assert row["latest_trigger_date"] == "2026-10-01"
    assert (row["person_type"], row["vetting_level"], row["vetting_status"]) == (
        "officer",
        "MV",
        "granted",
    )


@pytest.mark.parametrize("outcome", ["management_advice", "no_case_to_answer"])
def test_management_advice_and_no_case_to_answer_do_not(outcome):
    assert outcome in MISCONDUCT_OUTCOMES and outcome not in REVETTING_TRIGGERS
    out = revetting_referrals(_outcomes(("S1", outcome, "2026-10-01")), STAFF, RUN_DATE, CFG)
    assert list(out.columns) == REFERRAL_COLUMNS and len(out) == 0


def test_the_five_triggers_are_those_of_the_domain():
    assert set(REVETTING_TRIGGERS) == {
        "written_warning",
        "final_written_warning",
        "reduction_in_rank",
        "criminal_investigation_concluded",
        "adverse_information",
    }


def test_lookback_includes_both_ends_and_nothing_outside():
    # 365 days before 2026-11-25 is 2025-11-25.
    rows = [
        ("S1", "written_warning", "2025-11-25"),  # first day of the window: in
        ("S2", "written_warning", "2025-11-24"),  # one day earlier: out
        ("S4", "written_warning", "2026-11-25"),  # the run date itself: in
        ("S4", "adverse_information", "2026-11-26"),  # after the run date: out
    ]
    out = revetting_referrals(_outcomes(*rows), STAFF, RUN_DATE, CFG)
    assert list(out["staff_id"]) == ["S1", "S4"]
    assert list(out.set_index("staff_id").loc["S4", "triggers"]) == ["written_warning"]
    shorter = revetting_referrals(
        _outcomes(*rows), STAFF, RUN_DATE, replace(CFG, revetting_lookback_days=30)
    )
    assert list(shorter["staff_id"]) == ["S4"]
    longer = revetting_referrals(
        _outcomes(*rows), STAFF, RUN_DATE, replace(CFG, revetting_lookback_days=366)
    )
    assert list(longer["staff_id"]) == ["S1", "S2", "S4"]


def test_one_referral_per_person_listing_every_trigger_oldest_first():
    out = revetting_referrals(
        _outcomes(
            ("S2", "final_written_warning", "2026-09-01"),
            ("S2", "written_warning", "2026-03-01"),
            ("S2", "management_advice", "2026-10-01"),  # not a trigger: not listed
            ("S2", "written_warning", "2024-01-01"),  # outside the lookback: not listed
        ),
        STAFF,
        RUN_DATE,
        CFG,
    )
    assert len(out) == 1
    row = out.iloc[0]
    assert row["triggers"] == ["written_warning", "final_written_warning"]
    assert row["latest_trigger_date"] == "2026-09-01"
    assert (row["person_type"], row["vetting_level"]) == ("staff", "NPPV2")
    assert "written warning on 2026-03-01; final written warning on 2026-09-01" in row["reason"]
    assert row["reason"].startswith("2 re-vetting triggers in the last 365 days")


def test_withdrawn_vetting_is_skipped_and_counted():
    out = revetting_referrals(
        _outcomes(
            ("S3", "reduction_in_rank", "2026-10-01"),
            ("S3", "written_warning", "2026-10-02"),
            ("S4", "adverse_information", "2026-10-01"),
        ),
        STAFF,
        RUN_DATE,
        CFG,
    )
    assert list(out["staff_id"]) == ["S4"]  # under review is still referred
    assert out.iloc[0]["vetting_status"] == "under_review"
    assert "under review" in out.iloc[0]["reason"]
    assert out.attrs["skipped_withdrawn"] == 1
    only = revetting_referrals(
        _outcomes(("S3", "written_warning", "2026-10-01")), STAFF, RUN_DATE, CFG
    )
    assert len(only) == 0 and only.attrs["skipped_withdrawn"] == 1


def test_referral_ids_are_stable_and_follow_the_latest_trigger():
    first = _outcomes(("S1", "written_warning", "2026-03-01"))
    a = revetting_referrals(first, STAFF, RUN_DATE, CFG)
    b = revetting_referrals(first, STAFF, date(2026, 11, 26), CFG)
    expected = "V" + hashlib.sha256(b"S1|O1").hexdigest()[:16]
    assert a.iloc[0]["referral_id"] == b.iloc[0]["referral_id"] == expected
    # A newer trigger is new information: a new referral id.
    later = _outcomes(
        ("S1", "written_warning", "2026-03-01"), ("S1", "final_written_warning", "2026-11-01")
    )
    c = revetting_referrals(later, STAFF, RUN_DATE, CFG)
    assert c.iloc[0]["referral_id"] == "V" + hashlib.sha256(b"S1|O2").hexdigest()[:16]
    assert c.iloc[0]["referral_id"] != expected


def test_same_day_triggers_are_ordered_by_outcome_id():
    out = revetting_referrals(
        _outcomes(
            ("S1", "adverse_information", "2026-10-01"),
            ("S1", "written_warning", "2026-10-01"),
        ),
        STAFF,
        RUN_DATE,
        CFG,
    )
    assert out.iloc[0]["triggers"] == ["adverse_information", "written_warning"]
    assert out.iloc[0]["referral_id"] == "V" + hashlib.sha256(b"S1|O2").hexdigest()[:16]


def test_outcomes_of_staff_not_screened_tonight_are_ignored():
    out = revetting_referrals(
        _outcomes(("S9", "written_warning", "2026-10-01")), STAFF, RUN_DATE, CFG
    )
    assert len(out) == 0 and out.attrs["skipped_withdrawn"] == 0


@pytest.mark.parametrize("outcomes", [None, "empty"])
def test_absent_or_empty_table_gives_an_empty_frame(outcomes):
    given = tables()["misconduct_outcomes"] if outcomes == "empty" else None
    out = revetting_referrals(given, STAFF, RUN_DATE, CFG)
    assert list(out.columns) == REFERRAL_COLUMNS and len(out) == 0


def test_reason_holds_no_names_or_dates_of_birth():
    staff = _staff({"staff_id": "S1", "surname": "Quigglesworth", "date_of_birth": "1985-01-01"})
    out = revetting_referrals(
        _outcomes(("S1", "criminal_investigation_concluded", "2026-10-01")),
        staff,
        RUN_DATE,
        CFG,
    )
    text = out.astype(str).to_csv()
    assert "Quigglesworth" not in text and "1985-01-01" not in text
    assert "criminal investigation concluded on 2026-10-01" in out.iloc[0]["reason"]
    assert "senior vetting officer" in out.iloc[0]["reason"]
