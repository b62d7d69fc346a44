import pandas as pd

from transforms.lifecycle import apply_lifecycle, open_flags


def _flag(fid: str, records: int = 1, evidence_to: str = "2025-06-01", **kw) -> dict:
    return {
        "flag_id": fid,
        "staff_id": f"S{fid}",
        "nominal_id": f"N{fid}",
        "flag_kind": "misconduct",
        "severity": "medium",
        "record_count": records,
        "evidence_to": evidence_to,
        "evidence": ["suspect"],
        **kw,
    }


def _run(current, previous=None, decisions=None, run_id="r2", screened_ids=None, earlier=None):
    return apply_lifecycle(
        pd.DataFrame(current),
        previous if previous is not None else pd.DataFrame(),
        decisions if decisions is not None else pd.DataFrame(),
        run_id,
        screened_ids,
        earlier=earlier,
    )


def test_first_run_everything_is_new():
    flags, history = _run([_flag("1"), _flag("2")], run_id="r1")
    assert list(flags["status"]) == ["new", "new"]
    assert list(flags["first_raised_run"]) == ["r1", "r1"]
    assert list(history["status"]) == ["new", "new"]


def test_unchanged_updated_and_closed_against_the_last_run():
    monday, _ = _run([_flag("1"), _flag("2"), _flag("3")], run_id="r1")
    tuesday, history = _run(
        [_flag("1"), _flag("2", records=2, evidence_to="2025-09-01")], previous=monday
    )
    by_id = tuesday.set_index("flag_id")
    assert by_id.loc["1", "status"] == "unchanged"
    assert by_id.loc["2", "status"] == "updated"  # new intelligence
    assert by_id.loc["1", "first_raised_run"] == "r1"
    closed = history[history["status"] == "closed"]
    assert list(closed["flag_id"]) == ["3"] and list(closed["run_id"]) == ["r2"]


def test_decided_flag_is_not_raised_again_unless_newer_intelligence():
    monday, _ = _run([_flag("1"), _flag("2")], run_id="r1")
    decisions = pd.DataFrame(
        {
            "flag_id": ["1", "2"],
            "decision": ["no_further_action", "vetting_review"],
            "decided_on": ["2025-07-01", "2025-07-01"],
        }
    )
    tuesday, _ = _run(
        [_flag("1"), _flag("2", records=2, evidence_to="2025-10-01")],
        previous=monday,
        decisions=decisions,
    )
    by_id = tuesday.set_index("flag_id")
    assert by_id.loc["1", "status"] == "decided"
    assert by_id.loc["2", "status"] == "reopened"
    assert by_id.loc["2", "decision"] == "vetting_review"
    assert list(open_flags(tuesday)["flag_id"]) == ["2"]


def test_flags_of_staff_not_screened_tonight_are_carried_not_closed():
    monday, _ = _run([_flag("1"), _flag("2")], run_id="r1")
    # Tuesday's batch screened only S1 (who still has flag 1); S2 was not screened.
    tuesday, history = _run([_flag("1")], previous=monday, run_id="r2", screened_ids={"S1"})
    assert sorted(tuesday["flag_id"]) == ["1", "2"]
    assert tuesday.set_index("flag_id").loc["2", "status"] == "new"
    assert "closed" not in set(history["status"])
    # Wednesday re-screens S2, whose flag has gone: now it closes.
    _, history = _run([_flag("1")], previous=tuesday, run_id="r3", screened_ids={"S2"})
    assert list(history.loc[history["status"] == "closed", "flag_id"]) == ["2"]


def test_not_the_same_person_never_reopens_and_settles_the_pairs_identity_flags():
    # S1 = N1 was a mistaken identity: the misconduct flag was decided so, and new
    # intelligence on the nominal must not put it (or a welfare flag on the same pair)
    # back in front of DPS; the same decision on an association flag just never reopens
    monday, _ = _run(
        [_flag("1"), _flag("3", flag_kind="association"), _flag("4")],
        run_id="r1",
    )
    welfare = _flag("2", flag_kind="welfare", staff_id="S1", nominal_id="N1")
    decisions = pd.DataFrame(
        {
            "flag_id": ["1", "3", "4"],
            "decision": ["not_same_person", "not_same_person", "no_further_action"],
            "decided_on": ["2025-07-01"] * 3,
        }
    )
    later = {"records": 3, "evidence_to": "2025-10-01"}
    tuesday, _ = _run(
        [
            _flag("1", **later),
            welfare,
            _flag("3", flag_kind="association", **later),
            _flag("4", **later),
        ],
        previous=monday,
        decisions=decisions,
    )
    by_id = tuesday.set_index("flag_id")
    assert list(by_id["status"]) == ["decided", "decided", "decided", "reopened"]
    assert by_id.loc["2", "decision"] == "not_same_person"
    assert str(by_id.loc["2", "decided_on"]) == "2025-07-01"
    assert list(open_flags(tuesday)["flag_id"]) == ["4"]


def test_a_mistaken_identity_decided_on_a_closed_flag_still_settles_the_pair():
    # the misconduct flag closed (its records were removed) and a welfare flag on the
    # same pair appears later: the pair is still not the same person
    monday, _ = _run([_flag("1")], run_id="r1")
    decisions = pd.DataFrame(
        {"flag_id": ["1"], "decision": ["not_same_person"], "decided_on": ["2025-07-01"]}
    )
    welfare = _flag("2", flag_kind="welfare", staff_id="S1", nominal_id="N1")
    tuesday, history = _run([welfare], previous=monday, decisions=decisions)
    assert list(tuesday["status"]) == ["decided"]
    assert list(history.sort_values("flag_id")["status"]) == ["closed", "decided"]


def test_a_mistaken_identity_on_a_flag_closed_runs_ago_is_found_in_the_history():
    monday, monday_history = _run([_flag("1")], run_id="r1")
    tuesday, tuesday_history = _run([_flag("9")], previous=monday, run_id="r2")  # 1 closes
    decisions = pd.DataFrame(
        {"flag_id": ["1"], "decision": ["not_same_person"], "decided_on": ["2025-07-01"]}
    )
    welfare = _flag("2", flag_kind="welfare", staff_id="S1", nominal_id="N1")
    wednesday, _ = _run(
        [welfare],
        previous=tuesday,
        decisions=decisions,
        run_id="r3",
        earlier=pd.concat([monday_history, tuesday_history]),
    )
    assert list(wednesday["status"]) == ["decided"]
