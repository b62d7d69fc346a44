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


# --- ids compared as the loader compares them: ignoring case ------------------------------------


def _raised(staff_id: str, nominal_id: str, kind: str = "misconduct", **kw) -> dict:
    """A flag as flags.py raises it: its id derived from the ids as the extract wrote them."""
    import hashlib

    digest = hashlib.sha256(f"{staff_id}|{nominal_id}|{kind}".encode()).hexdigest()[:16]
    return _flag("F" + digest, staff_id=staff_id, nominal_id=nominal_id, flag_kind=kind, **kw)


def test_a_flag_whose_staff_id_changes_case_keeps_its_id_history_and_decision():
    # Monday's HR extract wrote s000012, Tuesday's S000012 (the loader takes them as one id):
    # the same flag, not one closed and another new, and DPS's decision still holds.
    monday, monday_history = _run([_raised("s000012", "N00000042")], run_id="r1")
    raised_id = monday["flag_id"].iloc[0]
    decisions = pd.DataFrame(
        {"flag_id": [raised_id], "decision": ["no_further_action"], "decided_on": ["2025-07-01"]}
    )
    tuesday, tuesday_history = _run(
        [_raised("S000012", "n00000042")],
        previous=monday,
        decisions=decisions,
        earlier=monday_history,
    )
    assert tuesday["flag_id"].tolist() == [raised_id]
    assert tuesday["status"].tolist() == ["decided"]
    assert tuesday["decision"].tolist() == ["no_further_action"]
    assert tuesday["first_raised_run"].tolist() == ["r1"]
    assert tuesday["staff_id"].tolist() == ["S000012"]  # as tonight's extract writes it
    assert tuesday_history[["flag_id", "status"]].values.tolist() == [[raised_id, "decided"]]


def test_a_flag_closed_then_raised_again_in_another_case_keeps_its_id_from_the_history():
    monday, monday_history = _run([_raised("s000012", "N00000042")], run_id="r1")
    tuesday, tuesday_history = _run(
        [_raised("S000013", "N00000043")], previous=monday, run_id="r2", earlier=monday_history
    )
    assert tuesday_history["status"].tolist() == ["new", "closed"]
    wednesday, _ = _run(
        [_raised("S000012", "N00000042")],
        previous=tuesday,
        run_id="r3",
        earlier=pd.concat([monday_history, tuesday_history]),
    )
    assert wednesday["flag_id"].tolist() == monday["flag_id"].tolist()


def test_a_flag_of_someone_screened_tonight_in_another_case_is_closed_not_carried():
    monday, _ = _run(
        [_raised("s000012", "N00000042"), _raised("S000013", "N00000043")], run_id="r1"
    )
    # Tuesday's batch screened S000012 (Monday's s000012), whose flag has gone
    tuesday, history = _run(
        [_raised("S000013", "N00000043")], previous=monday, screened_ids={"S000012", "S000013"}
    )
    assert tuesday["staff_id"].tolist() == ["S000013"]
    closed = history[history["status"] == "closed"]
    assert closed["staff_id"].tolist() == ["s000012"]


def test_a_mistaken_identity_settles_the_pair_whatever_the_case_of_its_ids():
    monday, _ = _run([_raised("s000012", "n00000042")], run_id="r1")
    decisions = pd.DataFrame(
        {
            "flag_id": monday["flag_id"].tolist(),
            "decision": ["not_same_person"],
            "decided_on": ["2025-07-01"],
        }
    )
    welfare = _raised("S000012", "N00000042", "welfare")
    tuesday, _ = _run([welfare], previous=monday, decisions=decisions)
    assert tuesday["status"].tolist() == ["decided"]
    assert tuesday["decision"].tolist() == ["not_same_person"]
