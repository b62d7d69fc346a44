"""Candidate generation: which rule finds which noise, and capped blocks are reported."""

import pytest

from tests.factories import linkage_db, tables
from transforms.blocking import RULES, generate_candidates
from transforms.config import BlockingConfig
from transforms.normalise import normalise_all

STAFF = [
    {
        "staff_id": "S1",
        "surname": "Oyelaran",
        "forenames": "Robert",
        "date_of_birth": "1984-03-07",
    },
    {
        "staff_id": "S2",
        "surname": "Whitfield",
        "forenames": "Margaret",
        "date_of_birth": "1979-11-21",
    },
]


def _nominal(nominal_id: str, surname: str, forenames: str, dob: str = "") -> dict[str, str]:
    return {
        "nominal_id": nominal_id,
        "surname": surname,
        "forenames": forenames,
        "date_of_birth": dob,
    }


def _candidates(
    nominals,
    aliases=(),
    max_block_size=2000,
    staff_addresses=(),
    addresses=(),
    staff=STAFF,
    staff_phones=(),
    phones=(),
):
    con = linkage_db(
        tables(
            staff=list(staff),
            nominals=list(nominals),
            aliases=list(aliases),
            staff_addresses=list(staff_addresses),
            addresses=list(addresses),
            staff_phones=list(staff_phones),
            phones=list(phones),
        )
    )
    normalise_all(con)
    report = generate_candidates(con, BlockingConfig(max_block_size=max_block_size))
    rows = con.execute("SELECT l_id, r_id, rules FROM candidates").fetchall()
    return {(lid, rid): set(rules) for lid, rid, rules in rows}, report.set_index("rule")


def test_same_name_without_a_date_of_birth_is_a_candidate_but_not_with_another_date():
    pairs, _ = _candidates(
        [
            _nominal("N1", "OYELARAN", "Robert"),
            _nominal("N2", "OYELARAN", "Robert", "1961-08-25"),
        ]
    )
    assert "full_name_no_dob" in pairs[("S1", "N1")]
    assert ("S1", "N2") not in pairs


def test_nickname_with_a_misspelt_surname_and_no_date_of_birth():
    pairs, _ = _candidates([_nominal("N1", "OYELARRAN", "Bob")])
    assert pairs[("S1", "N1")] == {"name_sound_no_dob"}


def test_a_name_typo_that_changes_its_sound_with_no_date_of_birth():
    pairs, report = _candidates(
        [
            _nominal("N1", "OYELARAN", "Rpbert"),  # forename letter changed, surname exact
            _nominal("N2", "Oyelaran", "Rachel"),  # same initial, another forename
            _nominal("N3", "Whitfiekd", "Margaret"),  # surname letter changed, forename exact
            _nominal("N4", "Wainwright", "Margaret"),  # same initial, another surname
            _nominal("N5", "OYELARAN", "Rpbert", "1984-03-07"),  # has a date of birth
            _nominal("N6", "Oyelaran", "Hobert"),  # the first letter changed
            _nominal("N7", "Oyelaran", "Rboert"),  # two letters swapped
            _nominal("N8", "Whitfied", "Margaret"),  # a letter dropped
            _nominal("N9", "Margaret", "Whitfield"),  # swapped names are another rule's
            _nominal("N10", "Oyelaran", "Rupart"),  # two slips: another name
            _nominal("N11", "Whitfield", "Maragret"),  # swapped letters, surname exact
        ]
    )
    forename_typo, surname_typo = (
        "surname_forename_one_edit_no_dob",
        "forename_surname_one_edit_no_dob",
    )
    for typo in (("S1", "N1"), ("S1", "N6"), ("S1", "N7"), ("S2", "N11")):
        assert pairs[typo] == {forename_typo}, typo
    for typo in (("S2", "N3"), ("S2", "N8")):
        assert pairs[typo] == {surname_typo}, typo
    for unlike in (("S1", "N2"), ("S2", "N4"), ("S1", "N10")):
        assert unlike not in pairs, unlike
    assert forename_typo not in pairs.get(("S1", "N5"), set())
    assert forename_typo not in pairs[("S2", "N9")]
    assert report.loc[forename_typo, "pairs"] == 4
    assert report.loc[surname_typo, "pairs"] == 2


def test_a_name_typo_with_a_slip_in_the_date_of_birth():
    pairs, report = _candidates(
        [
            _nominal("N12", "Whitfiekd", "Margaret", "1979-11-28"),  # surname letter, day
            _nominal("N13", "Oyelaran", "Hobert", "1985-03-07"),  # first letter, year
            _nominal("N14", "Oyelarsn", "Robert", "1984-07-03"),  # surname letter, swapped
            _nominal("N15", "Whitfiekd", "Margaret", "1982-04-02"),  # another date of birth
            _nominal("N16", "Whitfiekd", "Margaret"),  # no date of birth: the no-dob rule's
        ]
    )
    forename_typo, surname_typo = (
        "surname_forename_one_edit_birth",
        "forename_surname_one_edit_birth",
    )
    assert pairs[("S2", "N12")] == {surname_typo}
    assert pairs[("S1", "N13")] == {forename_typo}
    assert pairs[("S1", "N14")] == {surname_typo}
    assert ("S2", "N15") not in pairs
    assert pairs[("S2", "N16")] == {"forename_surname_one_edit_no_dob"}
    assert report.loc[surname_typo, "pairs"] == 2
    assert report.loc[forename_typo, "pairs"] == 1


def test_surname_typo_and_year_typo_together():
    pairs, _ = _candidates([_nominal("N1", "Whitfeld", "Maggie", "1978-11-21")])
    assert "forename_group_sound_birth_day" in pairs[("S2", "N1")]


def test_an_alias_date_of_birth_is_blocked_on():
    pairs, _ = _candidates(
        [_nominal("N1", "Whitfield", "Margaret", "1990-01-01")],
        aliases=[
            {
                "alias_id": "A1",
                "alias_type": "alternative_dob",
                **_nominal("N1", "Whitfield", "Maggie", "1979-11-21"),
            }
        ],
    )
    assert {"dob_surname_sound", "dob_forename_group"} <= pairs[("S2", "N1")]


def test_day_and_month_swapped():
    pairs, _ = _candidates([_nominal("N1", "Oyelaran", "R", "1984-07-03")])
    assert "dob_day_month_swapped" in pairs[("S1", "N1")]


def test_a_forename_recorded_as_the_surname_with_the_same_date_of_birth():
    """A name written family name first and split as a western name ("Oyelaran Kayode" /
    "Adewale" for Kayode Adewale Oyelaran), or a given name recorded as the surname
    ("Tunde" / "Robert" for Robert Tunde Oyelaran): one side's forename is the other's
    surname, or is spelt like it, consonant for consonant ("Robbert" / "Oyelarin": crossed and
    spelt another way, as a transliterated name written family name first). With the same
    date of birth that is a candidate; born on another day it is not."""
    pairs, report = _candidates(
        [
            _nominal("N1", "Adewale", "Oyelaran Kayode", "1984-03-07"),
            _nominal("N2", "Robert", "Tunde", "1984-03-07"),
            _nominal("N3", "Robert", "Tunde", "1984-03-08"),
            _nominal("N4", "Robbert", "Oyelarin", "1984-03-07"),
        ]
    )
    assert "dob_names_crossed" in pairs[("S1", "N1")]
    assert "dob_names_crossed" in pairs[("S1", "N2")]
    assert "dob_names_crossed" in pairs[("S1", "N4")]
    assert ("S1", "N3") not in pairs
    assert report.loc["dob_names_crossed", "pairs"] == 3


def test_a_hyphenated_forename_written_as_two_words_or_its_first_part():
    """A hyphenated given name written as two words on the other side ("ZHI QIANG" for
    Zhi-qiang, "Jean Paul" for Jean-Paul: the first word is the forename) pairs on its first
    part, so a slip in the surname and one in the date of birth still make a candidate, in
    either direction; a forename that only starts alike does not."""
    staff = [
        {
            "staff_id": "S1",
            "forenames": "Zhi-qiang",
            "surname": "Cheng",
            "date_of_birth": "1989-02-14",
        },
        {
            "staff_id": "S2",
            "forenames": "Jean Paul",
            "surname": "Martin",
            "date_of_birth": "1971-06-03",
        },
    ]
    pairs, _ = _candidates(
        [
            _nominal("N1", "Chang", "Zhi Qiang", "1989-05-14"),
            _nominal("N2", "Martyn", "Jean-Paul", "1971-09-03"),
            _nominal("N3", "Chang", "Zhiwei", "1989-05-14"),
        ],
        staff=staff,
    )
    assert "forename_surname_one_edit_birth" in pairs[("S1", "N1")]
    assert "forename_surname_one_edit_birth" in pairs[("S2", "N2")]
    assert ("S1", "N3") not in pairs


def test_both_names_written_another_way_with_the_same_date_of_birth():
    """A forename that sounds alike with the same date of birth, whatever the surname: both
    names transliterated or misspelt at once (Robbert Ojelarin, two slips from Oyelaran),
    which no rule keyed on a surname finds. Born a day later, or with a forename that sounds
    otherwise, it is not."""
    pairs, report = _candidates(
        [
            _nominal("N1", "Ojelarin", "Robbert", "1984-03-07"),
            _nominal("N2", "Ojelarin", "Robbert", "1984-03-08"),
            _nominal("N3", "Ojelarin", "Reuben", "1984-03-07"),
        ]
    )
    assert pairs[("S1", "N1")] == {"dob_forename_sound"}
    assert ("S1", "N2") not in pairs
    assert ("S1", "N3") not in pairs
    assert report.loc["dob_forename_sound", "pairs"] == 1


def test_a_full_name_born_within_a_year_whatever_the_day():
    """A date of birth worked out from an age (the event's date less the age), or given 1
    January for a day not known, has the true year or the next; the full name with such a
    year is a candidate, a year earlier or two later it is not."""
    pairs, report = _candidates(
        [
            _nominal("N1", "Oyelaran", "Robert", "1985-01-01"),  # a year on, 1 January
            _nominal("N2", "Oyelaran", "Robert", "1985-11-30"),  # a year on
            _nominal("N3", "Oyelaran", "Robert", "1984-01-01"),  # same year
            _nominal("N4", "Oyelaran", "Robert", "1986-03-08"),  # two years on
            _nominal("N5", "Oyelaran", "Roberta", "1984-01-01"),  # another forename
            _nominal("N6", "Oyelaran", "Robert", "1983-11-30"),  # a year before
        ]
    )
    for near in ("N1", "N2", "N3"):
        assert "full_name_birth_year_near" in pairs[("S1", near)], near
    assert ("S1", "N4") not in pairs
    assert ("S1", "N6") not in pairs
    assert "full_name_birth_year_near" not in pairs.get(("S1", "N5"), set())
    assert report.loc["full_name_birth_year_near", "pairs"] == 3


def test_a_forename_recorded_as_its_initial_with_no_date_of_birth():
    pairs, report = _candidates(
        [
            _nominal("N1", "Oyelaran", "R."),
            _nominal("N2", "Oyelaran", "R", "1950-06-01"),  # a date of birth that differs
            _nominal("N3", "Oyelaran", "T"),  # another initial
            _nominal("N4", "Oyelaran", "Rachel"),  # a forename, not an initial
            _nominal("N5", "Oyeelaran", "R"),  # the surname written another way
            _nominal("N6", "Olayinka", "R"),  # another surname with the same initial
        ]
    )
    assert pairs[("S1", "N1")] == {"surname_initial_only_no_dob"}
    assert pairs[("S1", "N5")] == {"surname_initial_only_no_dob"}
    for other in ("N2", "N3", "N4", "N6"):
        assert ("S1", other) not in pairs, other
    assert report.loc["surname_initial_only_no_dob", "pairs"] == 2


def test_a_name_whose_words_are_all_among_the_others_with_no_date_of_birth():
    """A middle name used as the forename, a name written family name first, a father's
    name as the surname, Singh moved from forename to surname, forenames written as one
    word: one side's whole name is among the other's words. Two people who share only a
    middle name and a surname are not paired by it, nor is a nominal with a date of birth."""
    staff = [
        {"staff_id": s, "forenames": f, "surname": n, "date_of_birth": "1980-05-05"}
        for s, f, n in (
            ("S1", "David Luke", "Crancombe"),
            ("S2", "Quoc Son", "Nguyen"),
            ("S3", "Ibrahim Yusuf", "Darwish"),
            ("S4", "Jaswinder", "Singh"),
            ("S5", "Jingying", "Wang"),
            ("S6", "Rajinder Singh", "Gill"),
            ("S7", "Steven Christopher", "Midridge-Davies"),
            ("S8", "Juan Carlos", "Rodriguez Garcia"),
        )
    ]
    pairs, report = _candidates(
        [
            _nominal("N1", "Crancombe", "Luke"),
            _nominal("N2", "Son", "Nguyen Quoc"),
            _nominal("N3", "Yusuf", "Ibrahim"),
            _nominal("N4", "bin Yusuf", "Ibrahim"),  # BIN is a particle, no name word
            _nominal("N5", "Dhillon", "Jaswinder Singh"),
            _nominal("N6", "Wang", "Jing Ying"),
            _nominal("N7", "Gill", "Harpreet Singh"),  # shares only SINGH and GILL
            _nominal("N8", "Crancombe", "Luke", "1950-06-01"),  # has a date of birth
            _nominal("N9", "Crancombe", "Luke Peter"),  # neither name within the other
            _nominal("N10", "Midridge-Davies", "Christopher"),  # the surname as one word
            _nominal("N11", "Garcia", "Carlos"),  # a part of the surname as a name
        ],
        staff=staff,
    )
    rule = "name_words_no_dob"
    for found in (("S1", "N1"), ("S2", "N2"), ("S3", "N3"), ("S3", "N4"), ("S4", "N5")):
        assert rule in pairs[found], found
    for found in (("S5", "N6"), ("S7", "N10"), ("S8", "N11")):
        assert rule in pairs[found], found
    for apart in (("S6", "N7"), ("S1", "N8"), ("S1", "N9")):
        assert rule not in pairs.get(apart, set()), apart
    assert report.loc[rule, "pairs"] == 8


def test_a_shared_postcode_with_a_name_key_when_the_date_of_birth_is_wrong():
    """Same full postcode (any address, either history) and a surname that sounds alike,
    or the same forename group; the date of birth and the house number differ."""
    home = {"address_line": "12 Marlow Street, Leeds", "postcode": "LS6 2AB"}
    up_the_road = {"address_line": "40 Marlow Street, Leeds", "postcode": "ls62ab"}
    elsewhere = {"address_line": "40 Marlow Street, Leeds", "postcode": "LS6 2AD"}
    nominals = {
        "N1": (_nominal("N1", "OYELARRAN", "Tunde", "1950-01-01"), up_the_road),
        "N2": (_nominal("N2", "Adeyemi", "Bob", "1990-05-05"), up_the_road),  # new surname
        "N3": (_nominal("N3", "Adeyemi", "Tunde", "1990-05-05"), up_the_road),  # no name key
        "N4": (_nominal("N4", "Oyelaran", "Tunde", "1950-01-01"), elsewhere),
    }
    pairs, report = _candidates(
        [n for n, _ in nominals.values()],
        staff_addresses=[
            {"staff_id": "S1", **elsewhere, "date_from": "2001-01-01", "date_to": "2010-01-01"},
            {"staff_id": "S1", **home, "date_from": "2010-01-01"},
        ],
        addresses=[
            {"nominal_id": i, **a, "date_from": "2015-01-01"} for i, (_, a) in nominals.items()
        ],
    )
    assert pairs[("S1", "N1")] == {"postcode_surname_sound"}
    assert pairs[("S1", "N2")] == {"postcode_forename_group"}
    assert ("S1", "N3") not in pairs
    # the staff member's previous postcode counts like the current one
    assert pairs[("S1", "N4")] == {"postcode_surname_sound"}
    assert report.loc["postcode_surname_sound", "pairs"] == 2


def test_a_date_of_birth_in_the_postcode_district_an_intelligence_record_gives_alone():
    """Names that share no key (a transliteration, say) with the date of birth, and the
    intelligence record gives only the postcode's outward code ("LS6"): paired in the staff
    member's district, not in another, nor with another date. A full postcode in another
    sector of the district is not paired by this rule."""
    nominals = {
        "N1": (_nominal("N1", "Kayode", "Bajo", "1984-03-07"), "LS6"),
        "N2": (_nominal("N2", "Kayode", "Bajo", "1984-03-07"), "LS6 9ZZ"),
        "N3": (_nominal("N3", "Kayode", "Bajo", "1984-03-07"), "LS7"),
        "N4": (_nominal("N4", "Kayode", "Bajo", "1984-03-08"), "LS6"),
    }
    pairs, report = _candidates(
        [n for n, _ in nominals.values()],
        staff_addresses=[
            {"staff_id": "S1", "address_line": "12 Marlow Street", "postcode": "LS6 2AB"}
        ],
        addresses=[
            {"nominal_id": i, "address_line": "Leeds", "postcode": pc}
            for i, (_, pc) in nominals.items()
        ],
    )
    assert pairs[("S1", "N1")] == {"dob_postcode_district_only"}
    assert all(("S1", n) not in pairs for n in ("N2", "N3", "N4"))
    assert report.loc["dob_postcode_district_only", "pairs"] == 1


def test_a_phone_number_in_common_whatever_the_names_and_dates_of_birth():
    """A number in either history, written in any format, pairs people whose names and
    dates of birth share no key; another number does not."""
    pairs, report = _candidates(
        [
            _nominal("N1", "Adeyemi", "Tunde"),
            _nominal("N2", "Whitfeld", "Peggy", "1969-12-21"),
            _nominal("N3", "Adeyemi", "Tunde"),
        ],
        staff_phones=[
            {"staff_id": "S1", "phone": "07700 900123", "date_to": "2019-01-01"},
            {"staff_id": "S2", "phone": "0113 496 0000"},
        ],
        phones=[
            {"nominal_id": "N1", "phone": "+44 7700 900123"},
            {"nominal_id": "N2", "phone": "(0113) 4960000"},
            {"nominal_id": "N3", "phone": "07700 900124"},
        ],
    )
    assert pairs[("S1", "N1")] == {"phone"}
    assert pairs[("S2", "N2")] == {"phone"}
    assert ("S1", "N3") not in pairs
    assert report.loc["phone", "pairs"] == 2


def test_an_address_written_with_no_postcode_pairs_by_house_street_and_initials():
    """An intelligence record giving the address with no postcode, the names written family
    name first and transliterated (Robert Oyelaran as "OYELARRAN, ROBBIE") and another date
    of birth: paired by house number, street and the two initials in either order, as is one
    giving only the postcode's outward code. Another person at that house with other
    initials, the same house on another street, another house number, and the same address
    written with a full postcode (the postcode rules' ground) are not paired by this rule."""
    nominals = {
        "N1": (_nominal("N1", "Robbie", "OYELARRAN", "1950-01-01"), "12 MARLOW STREET, LEEDS"),
        "N2": (_nominal("N2", "Adeyemi", "Tunde", "1950-01-01"), "12 Marlow Street, Leeds"),
        "N3": (_nominal("N3", "Oyelaran", "Robbie", "1950-01-01"), "12 Lea Street, Leeds"),
        "N4": (_nominal("N4", "Oyelaran", "Robbie", "1950-01-01"), "14 Marlow Street, Leeds"),
        "N5": (_nominal("N5", "Oyelaran", "Robbie", "1950-01-01"), "Flat 2, 12 Marlow St"),
    }
    addresses = [{"nominal_id": i, "address_line": line} for i, (_, line) in nominals.items()] + [
        {"nominal_id": "N6", "address_line": "12 Marlow Street", "postcode": "LS7 4QQ"},
        {"nominal_id": "N7", "address_line": "12 Marlow Street", "postcode": "ls6"},
    ]
    pairs, report = _candidates(
        [n for n, _ in nominals.values()]
        + [_nominal(i, "Oyelaran", "Robbie", "1950-01-01") for i in ("N6", "N7")],
        staff_addresses=[
            {"staff_id": "S1", "address_line": "12 Marlow Street, Leeds", "postcode": "LS6 2AB"}
        ],
        addresses=addresses,
    )
    rule = "house_street_initials"
    assert pairs[("S1", "N1")] == {rule}
    assert pairs[("S1", "N5")] == {rule}  # a flat of the house: the house number is 12
    assert pairs[("S1", "N7")] == {rule}
    assert all(("S1", n) not in pairs for n in ("N2", "N3", "N4", "N6"))
    assert report.loc[rule, "pairs"] == 3


def test_a_shared_postcode_with_names_that_sound_alike_across_fields():
    """At one postcode: the names swapped with a slip (Robert Oyelaran as OYELARRAN in the
    forename field and Robart as the surname), a forename misspelt in no nickname group
    (Robert / Robbert sound alike as RBRT), with dates of birth that say nothing. A
    neighbour sharing neither name, and the swapped names at another postcode, are not
    candidates of this rule."""
    home = {"address_line": "12 Marlow Street, Leeds", "postcode": "LS6 2AB"}
    next_door = {"address_line": "14 Marlow Street, Leeds", "postcode": "LS6 2AB"}
    elsewhere = {"address_line": "40 Marlow Street, Leeds", "postcode": "LS6 2AD"}
    nominals = {
        "N1": (_nominal("N1", "Robart", "OYELARRAN", "1950-01-01"), home),
        "N2": (_nominal("N2", "Adeyemi", "Robbert", "1990-05-05"), next_door),
        "N3": (_nominal("N3", "Adeyemi", "Tunde", "1990-05-05"), next_door),
        "N4": (_nominal("N4", "Robart", "OYELARRAN", "1950-01-01"), elsewhere),
    }
    pairs, report = _candidates(
        [n for n, _ in nominals.values()],
        staff_addresses=[{"staff_id": "S1", **home}],
        addresses=[{"nominal_id": i, **a} for i, (_, a) in nominals.items()],
    )
    rule = "postcode_names_crossed"
    assert rule in pairs[("S1", "N1")] and rule in pairs[("S1", "N2")]
    assert ("S1", "N3") not in pairs
    assert rule not in pairs.get(("S1", "N4"), set())
    assert report.loc[rule, "pairs"] == 2


def test_an_initial_with_a_date_worked_out_from_an_age():
    """Robert Oyelaran, born 7 March 1984, recorded as R OYELARIN born 1 January 1984 or
    1985 (an event's date less his age): a surname that sounds alike, the initial, and the
    year or the next. A year earlier, a date not 1 January, or another initial is not."""
    pairs, report = _candidates(
        [
            _nominal("N1", "OYELARIN", "R", "1984-01-01"),
            _nominal("N2", "OYELARAN", "R.", "1985-01-01"),
            _nominal("N3", "OYELARAN", "R", "1983-01-01"),
            _nominal("N4", "OYELARAN", "R", "1984-06-01"),
            _nominal("N5", "OYELARAN", "T", "1984-01-01"),
        ]
    )
    rule = "initial_first_january_year_near"
    assert rule in pairs[("S1", "N1")] and rule in pairs[("S1", "N2")]
    for apart in ("N3", "N4", "N5"):
        assert rule not in pairs.get(("S1", apart), set()), apart
    assert report.loc[rule, "pairs"] == 2


def test_the_date_of_birth_and_initial_with_a_surname_slip_that_changes_its_sound():
    """Robert Oyelaran, born 7 March 1984, as R OYELAKAN born that day (the slip makes the
    surname sound otherwise): a candidate. Another day, another initial, or a surname two
    slips away is not, by this rule."""
    pairs, report = _candidates(
        [
            _nominal("N1", "OYELAKAN", "R", "1984-03-07"),
            _nominal("N2", "OYELAKAN", "R", "1984-03-08"),
            _nominal("N3", "OYELAKAN", "T", "1984-03-07"),
            _nominal("N4", "OYEKAKAN", "R", "1984-03-07"),
        ]
    )
    rule = "dob_initial_surname_one_edit"
    assert rule in pairs[("S1", "N1")]
    for apart in ("N2", "N3", "N4"):
        assert rule not in pairs.get(("S1", apart), set()), apart
    assert report.loc[rule, "pairs"] == 1


def test_an_oversized_block_is_capped_and_reported_not_dropped_silently():
    same = [_nominal(f"N{i}", "Oyelaran", "Robert", "1984-03-07") for i in range(3)]
    pairs, report = _candidates(same, max_block_size=2)
    assert not pairs  # every rule that would pair them is over the cap
    assert report.loc["dob_surname_sound", "capped_keys"] == 1
    assert report.loc["dob_surname_sound", "capped_right_rows"] == 3
    assert report.loc["dob_surname_sound", "pairs"] == 0

    pairs, report = _candidates(same, max_block_size=3)
    assert {("S1", f"N{i}") for i in range(3)} <= set(pairs)
    assert report["capped_keys"].sum() == 0


def test_each_rule_is_listed_once_per_pair_and_rule_names_are_unique():
    """A pair's rules list each rule once, in name order; two rules may not share a name
    (their pairs could not be told apart in the report or the list)."""
    nominal = _nominal("N1", "Oyelaran", "Robert", "1984-03-07")  # S1 exactly
    con = linkage_db(tables(staff=STAFF, nominals=[nominal]))
    normalise_all(con)
    report = generate_candidates(con, BlockingConfig())
    (rules,) = con.execute("SELECT rules FROM candidates WHERE l_id = 'S1'").fetchone()
    assert len(rules) >= 3 and rules == sorted(set(rules))
    assert set(rules) == set(report.loc[report["pairs"] > 0, "rule"])
    with pytest.raises(ValueError, match="unique"):
        generate_candidates(con, BlockingConfig(), rules=(RULES[0], RULES[0]))
