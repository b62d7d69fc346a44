"""Routing rules of DOMAIN.md, each on data that exercises it."""

from datetime import date

import pytest

from tests.factories import linkage_db, tables
from transforms.config import FlagConfig
from transforms.flags import classify
from transforms.normalise import normalise_all

RUN_DATE = date(2026, 11, 25)


def _staff(i: int, **kw: str) -> dict[str, str]:
    return {
        "staff_id": f"S{i}",
        "surname": f"Surname{i}",
        "forenames": "Alex",
        "date_of_birth": "1985-01-01",
        **kw,
    }


def _nominal(i: int, **kw: str) -> dict[str, str]:
    return {
        "nominal_id": f"N{i}",
        "surname": f"Other{i}",
        "forenames": "Sam",
        "date_of_birth": "1970-01-01",
        **kw,
    }


def _addr(pid_col: str, pid: str, line: str, pc: str, start: str, end: str = "") -> dict:
    return {pid_col: pid, "address_line": line, "postcode": pc, "date_from": start, "date_to": end}


@pytest.fixture(scope="module")
def result():
    staff = [_staff(i) for i in range(1, 19)]
    nominals = [_nominal(i) for i in range(1, 20)]
    records = [
        # S1 = N1: suspect on a crime record -> misconduct
        {"nominal_id": "N1", "role": "suspect", "offence_category": "domestic_abuse"},
        {"nominal_id": "N1", "role": "attending_officer", "offence_category": "other"},
        # S12 = N30: suspect on a child-protection record; the business area makes it high
        {
            "nominal_id": "N30",
            "role": "suspect",
            "offence_category": "other",
            "business_area": "child_protection",
        },
        # S14 = N32: suspect on drugs with a drugs investigation already open -> excluded
        {
            "nominal_id": "N32",
            "role": "suspect",
            "offence_category": "drugs",
            "record_date": "2025-06-01",
        },
        # S15 = N33: suspect on drugs; the open case is about violence -> still misconduct
        {
            "nominal_id": "N33",
            "role": "suspect",
            "offence_category": "drugs",
            "record_date": "2025-06-01",
        },
        # S13 = N31: suspect, category other, ordinary crime record -> low
        {"nominal_id": "N31", "role": "suspect", "offence_category": "other"},
        # S2 = N2: victim only -> welfare
        {"nominal_id": "N2", "role": "victim", "offence_category": "violence"},
        # S3 = N3: attending officer only -> no flag, counted
        {"nominal_id": "N3", "role": "attending_officer", "offence_category": "other"},
        # S4 = N4: offender on a matter they declared -> excluded as known
        {
            "nominal_id": "N4",
            "role": "offender",
            "offence_category": "traffic",
            "record_date": "2019-03-10",
            "outcome": "convicted",
        },
        # criminals that staff are associated with
        {"nominal_id": "N10", "role": "suspect", "offence_category": "drugs"},
        {"nominal_id": "N11", "role": "offender", "offence_category": "violence"},
        {"nominal_id": "N12", "role": "suspect", "offence_category": "dishonesty"},
        {"nominal_id": "N13", "role": "suspect", "offence_category": "organised_crime"},
        {"nominal_id": "N14", "role": "offender", "offence_category": "drugs"},
        # N15: a victim only, sharing S9's address -> not criminal, no association
        {"nominal_id": "N15", "role": "victim", "offence_category": "violence"},
        # at S17's address: N35 (same surname as S17) and N36, both suspects
        {"nominal_id": "N35", "role": "suspect", "offence_category": "drugs"},
        {"nominal_id": "N36", "role": "suspect", "offence_category": "drugs"},
        # N37 and N38: suspects known only as N34's associates (no shared identifier)
        {"nominal_id": "N37", "role": "suspect", "offence_category": "violence"},
        {"nominal_id": "N38", "role": "offender", "offence_category": "dishonesty"},
        # at S18's house: N39 in its top floor flat (S18 is on the ground floor), N40 with
        # no flat written; both suspects
        {"nominal_id": "N39", "role": "suspect", "offence_category": "drugs"},
        {"nominal_id": "N40", "role": "suspect", "offence_category": "drugs"},
    ]
    # a hostel: eleven nominals at one address, one of them criminal (N16)
    hostel = [
        _addr("nominal_id", f"N{i}", "Hostel, 1 Station Road, Leeds", "LS1 4HH", "2024-01-01")
        for i in range(16, 20)
    ]
    extra_hostel_nominals = [_nominal(i) for i in range(20, 29)]
    hostel += [
        _addr("nominal_id", f"N{i}", "Hostel, 1 Station Road, Leeds", "LS1 4HH", "2024-01-01")
        for i in range(20, 29)
    ]
    records.append({"nominal_id": "N16", "role": "offender", "offence_category": "drugs"})
    frames = tables(
        staff=staff,
        nominals=nominals
        + extra_hostel_nominals
        + [_nominal(i) for i in (30, 31, 32, 33, 34, 36, 37, 38, 39, 40)]
        # N35 shares S17's surname and address: a relative
        + [_nominal(35, surname="Surname17")],
        records=records,
        markers=[
            {"nominal_id": "N13", "marker": "ocg", "date_added": "2024-01-01"},
            # on S1's own record: named in the self-match flag's summary
            {"nominal_id": "N1", "marker": "weapons", "date_added": "2024-01-01"},
        ],
        open_matters=[
            {
                "matter_id": "M1",
                "staff_id": "S14",
                "matter_type": "criminal_investigation",
                "offence_category": "drugs",
                "opened_date": "2025-05-01",
            },
            {
                "matter_id": "M2",
                "staff_id": "S15",
                "matter_type": "misconduct_investigation",
                "offence_category": "violence",
                "opened_date": "2025-05-01",
            },
        ],
        declared_history=[
            {
                "history_id": "H1",
                "staff_id": "S4",
                "disposal": "conviction",
                "offence_category": "traffic",
                "offence_date": "2019-03-01",
            }
        ],
        staff_addresses=[
            _addr("staff_id", "S5", "Flat 2, 9 Elm Street, Leeds", "LS6 1AA", "2022-01-01"),
            _addr("staff_id", "S9", "5 Ash Grove, Leeds", "LS8 2BB", "2020-01-01"),
            _addr("staff_id", "S10", "Hostel, 1 Station Road, Leeds", "LS1 4HH", "2023-06-01"),
            _addr("staff_id", "S11", "7 Birch Way, Leeds", "LS9 3CC", "2021-01-01"),
            _addr("staff_id", "S17", "3 Oak Road, Leeds", "LS7 1DD", "2021-01-01"),
            _addr("staff_id", "S18", "Ground Floor Flat, 4 Elm Road", "LS6 3EE", "2021-01-01"),
        ],
        addresses=[
            # N10 at S5's flat, dates overlap -> association
            _addr("nominal_id", "N10", "FLAT 2 9 ELM ST, LEEDS", "ls61aa", "2023-02-01"),
            # N15 (victim only) at S9's house -> nothing
            _addr("nominal_id", "N15", "5 Ash Grove, Leeds", "LS8 2BB", "2021-01-01"),
            # N14 at S11's house but moved out before S11 moved in -> no overlap
            _addr("nominal_id", "N14", "7 Birch Way, Leeds", "LS9 3CC", "2015-01-01", "2019-12-31"),
            _addr("nominal_id", "N35", "3 Oak Road, Leeds", "LS7 1DD", "2022-01-01"),
            _addr("nominal_id", "N36", "3 Oak Road, Leeds", "LS7 1DD", "2022-01-01"),
            _addr("nominal_id", "N39", "Top Floor Flat, 4 Elm Road", "LS6 3EE", "2022-01-01"),
            _addr("nominal_id", "N40", "4 Elm Road", "LS6 3EE", "2022-01-01"),
            *hostel,
        ],
        staff_phones=[{"staff_id": "S6", "phone": "07911 123456", "phone_type": "mobile"}],
        phones=[{"nominal_id": "N11", "phone": "+44 7911 123456", "date_from": "2025-01-01"}],
        staff_vehicles=[{"staff_id": "S7", "vrm": "AB12 CDE"}],
        vehicles=[
            {"nominal_id": "N12", "vrm": "ab12cde", "role": "driver", "date_from": "2025-05-01"}
        ],
        # S16 is N34 (no records of their own); N34 is named with criminals N11, N14, N37
        # and N38 (on either side of the association), with itself, and with N15 (a victim
        # only). N37 and N38 reach S16 through nothing else.
        associations=[
            {"nominal_id_a": "N11", "nominal_id_b": "N34", "association_type": "associate"},
            {"nominal_id_a": "N34", "nominal_id_b": "N14", "association_type": "co_accused"},
            {"nominal_id_a": "N37", "nominal_id_b": "N34", "association_type": "associate"},
            {"nominal_id_a": "N34", "nominal_id_b": "N38", "association_type": "gang_member"},
            {"nominal_id_a": "N34", "nominal_id_b": "N34", "association_type": "associate"},
            {"nominal_id_a": "N34", "nominal_id_b": "N15", "association_type": "family"},
        ],
        # S8 declared N13 before the evidence -> not new; S8 also shares a phone with N13
        declared_associations=[
            {
                "declaration_id": "D1",
                "staff_id": "S8",
                "assoc_surname": "Other13",
                "assoc_forenames": "Sam",
                "assoc_date_of_birth": "1970-01-01",
                "relationship": "sibling",
                "declared_date": "2020-01-01",
            }
        ],
    )
    frames["staff_phones"] = tables(
        staff_phones=[
            {"staff_id": "S6", "phone": "07911 123456", "phone_type": "mobile"},
            {"staff_id": "S8", "phone": "07700 900001", "phone_type": "mobile"},
        ]
    )["staff_phones"]
    frames["phones"] = tables(
        phones=[
            {"nominal_id": "N11", "phone": "+44 7911 123456", "date_from": "2025-01-01"},
            {"nominal_id": "N13", "phone": "07700900001", "date_from": "2024-01-01"},
        ]
    )["phones"]
    con = linkage_db(frames)
    normalise_all(con)
    con.execute("""CREATE TABLE scored_pairs AS SELECT *, 'exact' AS forename_level,
        'exact' AS surname_level, 'exact' AS dob_level, 'match' AS sex_level,
        CASE WHEN l_id = 'S2' THEN 'different' ELSE 'same_dwelling' END AS address_level,
        'missing' AS phone_level FROM (VALUES
        ('S1', 'N1', 'auto', 20.0, 0.999), ('S2', 'N2', 'review', 8.0, 0.99),
        ('S3', 'N3', 'review', 8.0, 0.99), ('S4', 'N4', 'auto', 21.0, 0.999),
        ('S12', 'N30', 'auto', 20.0, 0.999), ('S13', 'N31', 'auto', 20.0, 0.999),
        ('S14', 'N32', 'auto', 20.0, 0.999), ('S15', 'N33', 'auto', 20.0, 0.999),
        ('S16', 'N34', 'auto', 20.0, 0.999),
        ('S1', 'N9', 'discard', -5.0, 0.01))
        AS t(l_id, r_id, band, match_weight, match_probability)""")
    classify(con, FlagConfig(), "run-1", RUN_DATE)
    return con


def _flags(con):
    return {
        (r[0], r[1]): r[2:]
        for r in con.execute(
            "SELECT staff_id, nominal_id, flag_kind, route, severity FROM flags"
        ).fetchall()
    }


def test_self_match_routes(result):
    flags = _flags(result)
    assert flags[("S1", "N1")] == ("misconduct", "dps_misconduct_triage", "high")
    assert flags[("S2", "N2")][0:2] == ("welfare", "welfare_support")
    assert ("S3", "N3") not in flags
    assert flags[("S12", "N30")][2] == "high"  # child protection
    assert flags[("S13", "N31")][2] == "low"
    assert ("S14", "N32") not in flags  # a live investigation of the same kind
    assert flags[("S15", "N33")][0] == "misconduct"
    assert ("S4", "N4") not in flags
    outcomes = dict(
        ((r[0], r[1]), r[2])
        for r in result.execute(
            "SELECT staff_id, nominal_id, outcome FROM self_match_outcomes"
        ).fetchall()
    )
    assert outcomes[("S3", "N3")] == "duty_only"
    assert outcomes[("S4", "N4")] == "excluded_known"
    assert ("S1", "N9") not in outcomes  # discarded pairs are not matches


def test_self_match_summary_says_what_the_identity_rests_on(result):
    """A person confirming a review-band identity sees which fields agree and which differ."""
    summary = dict(
        ((r[0], r[1]), r[2])
        for r in result.execute(
            "SELECT staff_id, nominal_id, evidence_summary FROM flags"
        ).fetchall()
    )
    assert summary[("S2", "N2")].startswith(
        "identity review (weight 8.0: forename exact, surname exact, date of birth exact, "
        "sex match, address different, phone missing); roles: "
    )
    assert "address same_dwelling" in summary[("S1", "N1")]
    assert summary[("S1", "N1")].endswith("; markers: weapons")


def test_known_matter_exclusion_recorded(result):
    rows = result.execute("SELECT reason, detail FROM exclusions WHERE staff_id = 'S4'").fetchall()
    assert rows == [
        ("known_matter", "criminal records match known matters (declared history or open case): H1")
    ]


def test_associations_by_address_phone_vehicle(result):
    flags = _flags(result)
    assert flags[("S5", "N10")][0] == "association"
    assert flags[("S6", "N11")][0] == "association"
    assert flags[("S7", "N12")][0] == "association"
    kinds = dict(
        ((r[0], r[1]), r[2])
        for r in result.execute("SELECT staff_id, nominal_id, evidence FROM flags").fetchall()
    )
    assert list(kinds[("S5", "N10")]) == ["address"]
    assert list(kinds[("S6", "N11")]) == ["phone"]
    assert list(kinds[("S7", "N12")]) == ["vehicle"]


def test_no_association_without_criminality_or_overlap(result):
    flags = _flags(result)
    assert ("S9", "N15") not in flags  # a victim, not a criminal
    assert ("S11", "N14") not in flags  # lived there before the staff member


def test_common_address_suppressed_with_count(result):
    assert ("S10", "N16") not in _flags(result)
    rows = result.execute("SELECT reason, detail FROM exclusions WHERE staff_id = 'S10'").fetchall()
    assert rows == [("common_address", "address shared by 13 nominals")]


def test_declared_association_not_new(result):
    assert ("S8", "N13") not in _flags(result)
    rows = result.execute("SELECT reason FROM exclusions WHERE staff_id = 'S8'").fetchall()
    assert rows == [("declared_before_evidence",)]


def test_flag_ids_are_stable_and_derived(result):
    ids = result.execute("SELECT flag_id, staff_id, nominal_id, flag_kind FROM flags").fetchall()
    import hashlib

    for flag_id, s, n, k in ids:
        assert flag_id == "F" + hashlib.sha256(f"{s}|{n}|{k}".encode()).hexdigest()[:16]


def test_open_case_exclusion_recorded(result):
    rows = result.execute("SELECT reason, detail FROM exclusions WHERE staff_id = 'S14'").fetchall()
    assert rows == [
        ("known_matter", "criminal records match known matters (declared history or open case): M1")
    ]


def _evidence(con, staff_id: str) -> list[tuple[str, str]]:
    return con.execute(
        "SELECT nominal_id, kind FROM association_evidence WHERE staff_id = ? ORDER BY ALL",
        [staff_id],
    ).fetchall()


def test_named_associates_on_either_side_of_the_association(result):
    """The staff member's own nominal may be either party; a nominal named with itself and
    a named person with no criminality give no evidence."""
    assert _evidence(result, "S16") == [
        ("N11", "named_associate"),
        ("N14", "named_associate"),
        ("N37", "named_associate"),
        ("N38", "named_associate"),
    ]
    flags = _flags(result)
    assert flags[("S16", "N37")][0] == flags[("S16", "N38")][0] == "association"


def test_a_nominal_sharing_surname_and_address_is_a_relative_at_the_address(result):
    assert _evidence(result, "S17") == [("N35", "relative_at_address"), ("N36", "address")]


def test_the_other_floor_flat_of_a_house_is_no_shared_address(result):
    """The ground and the top floor flat of one house are two homes (they were one dwelling,
    and N39 was an association); a record of the house with no flat written may be either."""
    assert _evidence(result, "S18") == [("N40", "address")]
    flags = _flags(result)
    assert ("S18", "N39") not in flags and flags[("S18", "N40")][0] == "association"


# --- through validation: what the loader keeps is what the flags see ----------------------------


def _validated(**given: list[dict[str, str]]):
    """The working database after validating ``given`` as the nightly run does (quarantined
    rows left out), normalised and classified; no self matches scored."""
    from transforms.config import ValidationConfig
    from transforms.schema import ALL_TABLES
    from transforms.validate import validate_extract

    ev = validate_extract(tables(**given), ALL_TABLES, ValidationConfig(), RUN_DATE)
    con = linkage_db(ev.accepted)
    normalise_all(con)
    con.execute("""CREATE TABLE scored_pairs AS SELECT * FROM (VALUES
        ('S0', 'N0', 'discard', 0.0, 0.0, 'exact', 'exact', 'exact', 'match', 'different',
         'missing')) AS t(l_id, r_id, band, match_weight, match_probability, forename_level,
        surname_level, dob_level, sex_level, address_level, phone_level) WHERE false""")
    classify(con, FlagConfig(), "run-1", RUN_DATE)
    return ev, con


def test_a_vehicle_written_lower_case_with_spaces_still_links_staff_and_nominal():
    # c18: HR wrote every registration "sa 55 fm o"; the intelligence has "SA55 FMO". The
    # rows were quarantined (vrm_format) and the shared vehicle never seen.
    ev, con = _validated(
        staff=[_staff(1)],
        nominals=[_nominal(1)],
        records=[{"nominal_id": "N1", "role": "suspect", "offence_category": "drugs"}],
        staff_vehicles=[{"staff_id": "S1", "vrm": "sa 55 fm o"}],
        vehicles=[
            {"nominal_id": "N1", "vrm": "SA55 FMO", "role": "owner", "date_from": "2025-01-01"}
        ],
    )
    assert ev.quarantine.empty
    assert _evidence(con, "S1") == [("N1", "vehicle")]
    assert _flags(con)[("S1", "N1")][0] == "association"


def test_rows_given_twice_are_one_piece_of_evidence():
    # c41: the intelligence addresses export appended to yesterday's file (every row twice)
    # doubled association_evidence (476 -> 952 address rows on the sample) though nothing
    # new was known; HR listing one phone twice did too.
    home = _addr("staff_id", "S1", "12 Kings Road, Leeds", "LS6 2AB", "2020-01-01")
    shared = _addr("nominal_id", "N1", "12 KINGS ROAD, LEEDS", "LS6 2AB", "2022-05-01")
    phone = {"staff_id": "S1", "phone": "07700 900001", "phone_type": "mobile"}
    _, con = _validated(
        staff=[_staff(1), _staff(2)],
        nominals=[_nominal(1)],
        records=[{"nominal_id": "N1", "role": "suspect", "offence_category": "drugs"}],
        staff_addresses=[home, home, _addr("staff_id", "S2", "1 A St", "B1 1AA", "2020-01-01")],
        addresses=[shared, shared],
        staff_phones=[phone, phone],
        phones=[{"nominal_id": "N1", "phone": "07700900001", "date_from": "2024-01-01"}],
    )
    rows = con.execute(
        "SELECT staff_id, nominal_id, kind, count(*) FROM association_evidence "
        "GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    assert rows == [("S1", "N1", "address", 1), ("S1", "N1", "phone", 1)]
    assert _flags(con)[("S1", "N1")][0] == "association"
    assert con.execute("SELECT count(*) FROM flags").fetchone()[0] == 1


def _at_home(scored: str, cfg: FlagConfig | None = None):
    """S1 (Alex Surname1, born 1985) at 3 Oak Road, and at the same home three suspects: N1
    with S1's name and no date of birth, N2 with S1's surname and another forename, N3 with
    S1's name born 1955; ``scored`` the VALUES of their compared levels (forename, surname,
    date of birth), all below review."""
    home = "3 Oak Road, Leeds"
    con = linkage_db(
        tables(
            staff=[_staff(1)],
            nominals=[
                _nominal(1, surname="Surname1", forenames="Alex", date_of_birth=""),
                _nominal(2, surname="Surname1"),
                _nominal(3, surname="Surname1", forenames="Alex", date_of_birth="1955-01-01"),
            ],
            records=[
                {"nominal_id": f"N{i}", "role": "suspect", "offence_category": "drugs"}
                for i in (1, 2, 3)
            ],
            staff_addresses=[_addr("staff_id", "S1", home, "LS7 1DD", "2021-01-01")],
            addresses=[
                _addr("nominal_id", f"N{i}", home, "LS7 1DD", "2022-01-01") for i in (1, 2, 3)
            ],
        )
    )
    normalise_all(con)
    con.execute(f"""CREATE TABLE scored_pairs AS SELECT *, 'discard' AS band,
        2.5 AS match_weight, 0.01 AS match_probability, 'match' AS sex_level,
        'same_dwelling' AS address_level, 'missing' AS phone_level
        FROM (VALUES {scored}) AS t(l_id, r_id, forename_level, surname_level, dob_level)""")
    classify(con, cfg or FlagConfig(), "run-1", RUN_DATE)
    return con


def test_a_nominal_at_home_with_the_staff_members_own_name_is_a_namesake():
    """N1 may be S1 (a self match with no date of birth scores below review at millions of
    nominals) or a relative of the same name: evidence of its own kind for DPS, where it
    was a relative like N2. N3 is born thirty years before S1: a relative (a father)."""
    con = _at_home(
        "('S1', 'N1', 'nickname', 'exact', 'missing'), "
        "('S1', 'N2', 'different', 'exact', 'different'), "
        "('S1', 'N3', 'exact', 'exact', 'generation_apart')"
    )
    assert _evidence(con, "S1") == [
        ("N1", "namesake_at_address"),
        ("N2", "relative_at_address"),
        ("N3", "relative_at_address"),
    ]
    flags = _flags(con)
    assert {n for (_, n), f in flags.items() if f[0] == "association"} == {"N1", "N2", "N3"}
    summary = con.execute("SELECT evidence_summary FROM flags WHERE nominal_id = 'N1'").fetchone()
    assert summary[0].startswith("shared: namesake_at_address since 2022-01-01")


def test_a_pair_blocking_never_compared_is_no_namesake():
    con = _at_home("('S9', 'N9', 'exact', 'exact', 'exact')")
    assert [kind for _, kind in _evidence(con, "S1")] == ["relative_at_address"] * 3


def test_a_namesake_level_the_spec_does_not_have_is_an_error():
    with pytest.raises(ValueError, match="'nicknme' is not a forename level"):
        _at_home(
            "('S9', 'N9', 'exact', 'exact', 'exact')",
            FlagConfig(namesake_forename_levels=("nicknme",)),
        )


def _declared(declared_date: str, assoc_dob: str = "1970-01-01"):
    """S1 shares a phone since 2024-01-01 with N1, a suspect, and declared N1 on the register
    on ``declared_date``, born ``assoc_dob``."""
    return _validated(
        staff=[_staff(1)],
        nominals=[_nominal(1)],
        records=[{"nominal_id": "N1", "role": "suspect", "offence_category": "drugs"}],
        staff_phones=[{"staff_id": "S1", "phone": "07700 900001", "phone_type": "mobile"}],
        phones=[{"nominal_id": "N1", "phone": "07700900001", "date_from": "2024-01-01"}],
        declared_associations=[
            {
                "declaration_id": "D1",
                "staff_id": "S1",
                "assoc_surname": "Other1",
                "assoc_forenames": "Sam",
                "assoc_date_of_birth": assoc_dob,
                "relationship": "sibling",
                "declared_date": declared_date,
            }
        ],
    )


def test_a_declaration_dated_in_the_future_still_excludes_the_association_it_declares():
    # The register says S1 declared N1; its date, 2062 for 2026, is impossible. The loader
    # quarantined the whole declaration (not_future), so the declared association went to
    # DPS as an undeclared one. Now the date is blanked and the declaration kept: not new
    # information, excluded with a reason that says its timing was not checked.
    ev, con = _declared("2062-11-02")
    assert ("S1", "N1") not in _flags(con)
    q = ev.quarantine
    assert q[["source_file", "row_number", "field", "rule", "action"]].values.tolist() == [
        ["declared_associations.csv", 1, "declared_date", "not_future", "value_blanked"]
    ]
    rows = con.execute("SELECT reason, detail FROM exclusions WHERE staff_id = 'S1'").fetchall()
    assert rows == [
        (
            "declared_date_unknown",
            "declaration D1 has no valid declared date (see quarantine): "
            "not checked against the evidence date",
        )
    ]


@pytest.mark.parametrize(
    ("assoc_dob", "rule"),
    [
        ("01/01/1970", "date_format"),  # the register's own form
        ("19700101", "date_format"),  # (NULL is read as missing: test_validate)
        ("2062-01-01", "not_future"),
        ("1970-02-30", "calendar_date"),
    ],
)
def test_a_declaration_with_a_bad_associate_date_of_birth_still_excludes(assoc_dob, rule):
    # The whole declaration was quarantined for its associate's date of birth, so the
    # association it declares went to DPS as undeclared (hostile cases c46, c47: 3 and 4
    # false flags). Now the date is blanked and the declaration kept, read as one recorded
    # without a date of birth: matched on names, among the nominals linked to S1 anyway.
    ev, con = _declared("2020-01-01", assoc_dob)
    assert ("S1", "N1") not in _flags(con)
    q = ev.quarantine
    assert q[["source_file", "row_number", "field", "rule", "action"]].values.tolist() == [
        ["declared_associations.csv", 1, "assoc_date_of_birth", rule, "value_blanked"]
    ]
    assert assoc_dob not in q.to_csv()
    assert con.execute("SELECT reason FROM exclusions").fetchall() == [
        ("declared_before_evidence",)
    ]


def test_a_declared_associate_born_on_another_day_is_someone_else():
    # a valid date of birth that differs still tells the declared person from the nominal
    _, con = _declared("2020-01-01", "1971-01-01")
    assert _flags(con)[("S1", "N1")][0] == "association"


def test_a_valid_declared_date_is_still_checked_against_the_evidence():
    _, before = _declared("2020-01-01")
    assert ("S1", "N1") not in _flags(before)
    assert before.execute("SELECT reason, detail FROM exclusions").fetchall() == [
        ("declared_before_evidence", "declaration D1 on 2020-01-01")
    ]
    _, late = _declared("2025-06-01")  # declared after the shared phone began: raised
    assert _flags(late)[("S1", "N1")][0] == "association"
    summary = late.execute("SELECT evidence_summary FROM flags").fetchone()[0]
    assert summary.endswith("; declared only after the evidence date")
    assert late.execute("SELECT count(*) FROM exclusions").fetchone()[0] == 0
