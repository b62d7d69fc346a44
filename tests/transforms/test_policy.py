"""Policy what-if: each rule fires on data made for it, each pass case passes, and the two rule
sets differ on the committed sample."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from transforms.load import load_extract
from transforms.policy import CATEGORY_GROUPS, RULE_SETS, RULES, evaluate_policy, evaluate_records
from transforms.schema import DECLARED_HISTORY, STAFF

SAMPLE_STAFF = Path(__file__).resolve().parents[2] / "data" / "sample" / "staff"
TODAY = date(2026, 11, 25)

# Staff born 1990-06-15: 18th birthday 2008-06-15.
STAFF_ROWS = [
    ("S1", "officer", "1990-06-15"),
    ("S2", "staff", "1990-06-15"),
    ("S3", "pcso", "1990-06-15"),
    ("S4", "special", ""),  # date of birth not recorded
    ("S5", "volunteer", "2031-01-01"),  # impossible date of birth
]


def _staff() -> pd.DataFrame:
    return pd.DataFrame(STAFF_ROWS, columns=["staff_id", "person_type", "date_of_birth"]).astype(
        "string"
    )


def _history(rows: list[tuple[str, str, str, str, str, str]]) -> pd.DataFrame:
    cols = ["history_id", "staff_id", "disposal", "offence_category", "offence_date", "sentence"]
    return pd.DataFrame(rows, columns=cols).astype("string").replace("", pd.NA)


def _decide(rows, rules: str) -> dict[str, tuple[str, str]]:
    rec = evaluate_records(_history(rows), _staff(), rules, TODAY)
    return {h: (o, r) for h, o, r in rec[["history_id", "outcome", "rule"]].itertuples(index=False)}


# --- app ---------------------------------------------------------------------------------------


APP_CASES = [
    # (history row, expected outcome, expected rule)
    (("H1", "S1", "conviction", "violence", "2015-01-01", "12 months imprisonment"), "fail", "custodial_or_suspended"),
    (("H2", "S1", "conviction", "dishonesty", "2015-01-01", "Suspended sentence order, 6 months"), "fail", "custodial_or_suspended"),
    (("H3", "S1", "conviction", "weapons", "2015-01-01", "Custodial sentence 2 years"), "fail", "custodial_or_suspended"),
    (("H4", "S1", "conviction", "sexual", "2015-01-01", "Community order; sex offenders register 5 years"), "fail", "sex_offender_registration"),
    (("H5", "S1", "conviction", "sexual", "2015-01-01", "Fine; SOR notification"), "fail", "sex_offender_registration"),
    (("H6", "S1", "caution", "traffic", "2015-01-01", "Simple caution"), "pass", "traffic_caution"),
    (("H7", "S1", "caution", "traffic", "2015-01-01", ""), "pass", "traffic_caution"),
    (("H8", "S1", "conviction", "traffic", "2015-01-01", "Fine and 3 penalty points"), "fail", "presumption"),
    (("H9", "S1", "caution", "domestic_abuse", "2015-01-01", "Conditional caution"), "fail", "presumption"),
    (("H10", "S1", "caution", "dishonesty", "2015-01-01", ""), "fail", "presumption"),
    (("H11", "S1", "conviction", "public_order", "2006-01-01", "Conditional discharge"), "fail", "presumption"),
]  # fmt: skip


@pytest.mark.parametrize("row, outcome, rule", APP_CASES, ids=[c[0][0] for c in APP_CASES])
def test_app_rules(row, outcome, rule):
    assert _decide([row], "app")[row[0]] == (outcome, rule)


def test_app_custodial_wins_over_presumption_and_reason_names_domestic_abuse():
    rec = evaluate_records(
        _history(
            [
                ("H1", "S1", "conviction", "domestic_abuse", "2015-01-01", "Prison 18 months"),
                ("H2", "S2", "conviction", "domestic_abuse", "2015-01-01", "Fine"),
            ]
        ),
        _staff(),
        "app",
        TODAY,
    ).set_index("history_id")
    assert rec.loc["H1", "rule"] == "custodial_or_suspended"
    assert "domestic abuse is named in the guidance" in rec.loc["H2", "reason"]


def test_unknown_disposal_never_passes():
    # not a caution, so the traffic-caution carve-out cannot apply
    assert _decide([("H1", "S1", "reprimand", "traffic", "2015-01-01", "")], "app") == {
        "H1": ("fail", "presumption")
    }


# --- met2023 -----------------------------------------------------------------------------------


MET_CASES = [
    (("M1", "S1", "caution", "domestic_abuse", "2006-01-01", "Simple caution"), "fail", "absolute_bar"),
    (("M2", "S1", "conviction", "sexual", "2006-01-01", "Fine"), "fail", "absolute_bar"),
    # trivial and young: category, before 18, caution or fine/discharge
    (("M3", "S1", "caution", "traffic", "2006-01-01", ""), "pass", "trivial_young"),
    (("M4", "S1", "conviction", "public_order", "2008-06-14", "Fine"), "pass", "trivial_young"),
    (("M5", "S1", "conviction", "criminal_damage", "2007-03-01", "Conditional discharge"), "pass", "trivial_young"),
    # one condition missing each
    (("M6", "S1", "conviction", "public_order", "2008-06-15", "Fine"), "fail", "not_trivial_young"),  # 18th birthday
    (("M7", "S1", "caution", "dishonesty", "2006-01-01", ""), "fail", "not_trivial_young"),
    (("M8", "S1", "conviction", "traffic", "2006-01-01", "Disqualified 12 months"), "fail", "not_trivial_young"),
    (("M9", "S1", "conviction", "criminal_damage", "2006-01-01", ""), "fail", "not_trivial_young"),
    (("M10", "S4", "caution", "traffic", "2006-01-01", ""), "fail", "not_trivial_young"),  # no dob
    (("M11", "S5", "caution", "traffic", "2006-01-01", ""), "fail", "not_trivial_young"),  # bad dob
    (("M12", "S9", "caution", "traffic", "2006-01-01", ""), "fail", "not_trivial_young"),  # not in staff
    (("M13", "S1", "caution", "traffic", "2027-01-01", ""), "fail", "not_trivial_young"),  # future
    (("M14", "S1", "caution", "traffic", "1980-01-01", ""), "fail", "not_trivial_young"),  # before birth
    (("M15", "S1", "caution", "traffic", "2006-02-30", ""), "fail", "not_trivial_young"),  # not a date
]  # fmt: skip


@pytest.mark.parametrize("row, outcome, rule", MET_CASES, ids=[c[0][0] for c in MET_CASES])
def test_met2023_rules(row, outcome, rule):
    assert _decide([row], "met2023")[row[0]] == (outcome, rule)


def test_met2023_reason_says_which_condition_failed():
    rec = evaluate_records(
        _history(
            [
                ("M1", "S1", "conviction", "public_order", "2012-01-01", "Fine"),
                ("M2", "S1", "conviction", "violence", "2006-01-01", "Fine"),
                ("M3", "S1", "conviction", "traffic", "2006-01-01", "Community order"),
                ("M4", "S1", "conviction", "traffic", "2006-01-01", ""),
                ("M5", "S4", "caution", "traffic", "2006-01-01", ""),
            ]
        ),
        _staff(),
        "met2023",
        TODAY,
    ).set_index("history_id")["reason"]
    assert rec["M1"] == "conviction for public order: committed at 18 or over"
    assert rec["M2"] == "conviction for violence: not a trivial category"
    assert rec["M3"] == "conviction for traffic: sentence not a fine or discharge"
    assert rec["M4"] == "conviction for traffic: sentence not recorded"
    assert rec["M5"] == "caution for traffic: age at offence unknown"


def test_every_rule_set_ends_with_a_catch_all_and_names_are_unique():
    assert set(RULES) == set(RULE_SETS)
    for rules in RULES.values():
        names = [r.name for r in rules]
        assert len(names) == len(set(names))
        assert rules[-1].outcome == "fail"


def test_unknown_rule_set():
    with pytest.raises(ValueError, match="app, met2023"):
        evaluate_policy(_history([]), _staff(), "lenient", TODAY)


# --- per staff and counts ----------------------------------------------------------------------


def test_one_row_per_failing_staff_member_with_the_deciding_record_and_counts():
    hist = _history(
        [
            # S1: traffic presumption and a custodial sentence: the custodial one decides
            ("H1", "S1", "conviction", "traffic", "2012-01-01", "Fine"),
            ("H2", "S1", "conviction", "violence", "2010-01-01", "Prison 6 months"),
            # S2: passes (traffic caution) and fails (sexual presumption)
            ("H3", "S2", "caution", "traffic", "2012-01-01", ""),
            ("H4", "S2", "caution", "sexual", "2014-01-01", ""),
            # S3: only a traffic caution: passes
            ("H5", "S3", "caution", "traffic", "2012-01-01", ""),
            # S4: drugs: other
            ("H6", "S4", "conviction", "drugs", "2012-01-01", "Fine"),
            # S5: traffic conviction
            ("H7", "S5", "conviction", "traffic", "2012-01-01", "Fine and 6 penalty points"),
        ]
    )
    failing, counts = evaluate_policy(hist, _staff(), "app", TODAY)
    assert list(failing.columns) == [
        "staff_id",
        "person_type",
        "history_ids",
        "category",
        "offence_category",
        "rule",
        "reason",
    ]
    rows = failing.set_index("staff_id")
    assert rows.index.tolist() == ["S1", "S2", "S4", "S5"]
    assert rows.loc["S1", "history_ids"] == "H1|H2"
    assert rows.loc["S1", "rule"] == "custodial_or_suspended"
    assert rows.loc["S1", "category"] == "dishonesty_violence"
    assert rows.loc["S1", "reason"].endswith("(and 1 more failing record(s))")
    assert rows.loc["S2", "history_ids"] == "H4"
    assert rows.loc["S2", "category"] == "sexual"
    assert rows.loc["S4", "category"] == "other"
    assert rows.loc["S4", "offence_category"] == "drugs"
    assert rows.loc["S5", "person_type"] == "volunteer"
    assert counts["category"].tolist() == list(CATEGORY_GROUPS)
    assert counts.set_index("category")["staff"].to_dict() == {
        "traffic": 1,
        "dishonesty_violence": 1,
        "sexual": 1,
        "other": 1,
    }
    # records by their own category: H1 and H7 traffic, H2 violence, H4 sexual, H6 drugs
    assert counts.set_index("category")["records"].to_dict() == {
        "traffic": 2,
        "dishonesty_violence": 1,
        "sexual": 1,
        "other": 1,
    }


def test_nobody_fails_gives_empty_list_and_zero_counts():
    failing, counts = evaluate_policy(
        _history([("H1", "S1", "caution", "traffic", "2012-01-01", "")]), _staff(), "app", TODAY
    )
    assert failing.empty
    assert counts["staff"].sum() == 0 and counts["records"].sum() == 0


def test_output_carries_no_names():
    staff = _staff().assign(surname="Okonkwo", forenames="Adaeze")
    failing, _ = evaluate_policy(
        _history([("H1", "S1", "conviction", "traffic", "2012-01-01", "Fine")]),
        staff,
        "met2023",
        TODAY,
    )
    assert "Okonkwo" not in failing.to_csv() and "Adaeze" not in failing.to_csv()


# --- the committed sample ----------------------------------------------------------------------


def test_both_rule_sets_on_the_committed_sample():
    frames = load_extract(SAMPLE_STAFF, [STAFF, DECLARED_HISTORY])
    hist, staff = frames["declared_history"], frames["staff"]
    app, app_counts = evaluate_policy(hist, staff, "app", TODAY)
    met, met_counts = evaluate_policy(hist, staff, "met2023", TODAY)
    # Measured 2026-11-25 on data/sample (30 declared records, 30 staff):
    #   app:     26 fail (traffic 12, dishonesty_violence 6, sexual 0, other 8); the 4 traffic
    #            cautions pass, everything else is presumed rejected (no custodial, suspended or
    #            registration sentence is in the sample).
    #   met2023: 30 fail (traffic 16, dishonesty_violence 6, sexual 0, other 8); 3 domestic
    #            abuse records hit the absolute bar, and no offence was committed before 18, so
    #            nothing is "trivial and young".
    assert len(app) == 26
    assert len(met) == 30
    assert app_counts.set_index("category")["staff"].to_dict() == {
        "traffic": 12,
        "dishonesty_violence": 6,
        "sexual": 0,
        "other": 8,
    }
    assert met_counts.set_index("category")["staff"].to_dict() == {
        "traffic": 16,
        "dishonesty_violence": 6,
        "sexual": 0,
        "other": 8,
    }
    assert set(app["staff_id"]) < set(met["staff_id"])
    assert (met["rule"] == "absolute_bar").sum() == 3
    assert app["rule"].unique().tolist() == ["presumption"]
