"""How far a shared home explains a shared surname, measured on the extract and applied."""

from __future__ import annotations

import math

import duckdb
import pytest

from tests.factories import linkage_db, tables
from transforms.config import MatchConfig
from transforms.households import (
    household_adjustment_sql,
    household_pair_counts,
    household_surname_share,
    household_twin_share,
    twin_adjustment_sql,
)
from transforms.normalise import normalise_all

U_SURNAME = 0.002
U_DOB = 5e-5


def _home(i: int) -> dict[str, str]:
    return {"address_line": f"{i + 1} Marlow Street, Kettering", "postcode": "NN15 6AB"}


def _extract(relatives: int, lodgers: int) -> duckdb.DuckDBPyConnection:
    """Ten officers, each at a home of their own. At each home the right side has the officer's
    own record (same forename and date of birth), another with the year of birth mistyped
    (same initial), a twin (same date of birth), and one of a
    brother (the surname, another forename, born five years later: the first ``relatives``
    homes) or a lodger (another surname and forename, born five years earlier: the next
    ``lodgers``)."""
    staff, nominals, addresses = [], [], []
    for i in range(10):
        staff.append(
            {"staff_id": f"S{i}", "forenames": "Robert", "surname": f"Oyelaran{chr(65 + i)}"}
        )
        staff[-1]["date_of_birth"] = "1984-03-07"
        people = [
            ("self", "Robert", staff[-1]["surname"], "1984-03-07"),
            ("slip", "Rob", staff[-1]["surname"], "1948-03-07"),
            ("twin", "Thomas", staff[-1]["surname"], "1984-03-07"),
        ]
        if i < relatives:
            people.append(("brother", "Daniel", staff[-1]["surname"], "1989-06-01"))
        elif i < relatives + lodgers:
            people.append(("lodger", "Kwame", f"Mensah{chr(65 + i)}", "1979-01-15"))
        for kind, forename, surname, dob in people:
            nid = f"N{i}{kind}"
            nominals.append(
                {"nominal_id": nid, "forenames": forename, "surname": surname}
                | {"date_of_birth": dob}
            )
            addresses.append({"nominal_id": nid, **_home(i)})
    con = linkage_db(
        tables(
            staff=staff,
            nominals=nominals,
            staff_addresses=[{"staff_id": f"S{i}", **_home(i)} for i in range(10)],
            addresses=addresses,
        )
    )
    normalise_all(con)
    return con


def _counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return household_pair_counts(con, MatchConfig())


def test_the_share_counts_only_plainly_different_people_at_one_home():
    """The officer's own records (same initial) and the twin (born the same day) are left out:
    only the brothers and lodgers are plainly other people. Half share the surname."""
    cfg = MatchConfig(household_prior_pairs=0.0)
    got = household_surname_share(_counts(_extract(relatives=4, lodgers=4)), U_SURNAME, cfg)
    assert (got["pairs"], got["surname_agree"]) == (8, 4)
    assert got["share"] == pytest.approx(0.5)
    assert got["family"] == pytest.approx((0.5 - U_SURNAME) / (1 - U_SURNAME))


def test_the_share_is_smoothed_toward_chance_agreement():
    cfg = MatchConfig(household_prior_pairs=500.0)
    got = household_surname_share(_counts(_extract(relatives=4, lodgers=4)), U_SURNAME, cfg)
    assert got["share"] == pytest.approx((4 + 500 * U_SURNAME) / (8 + 500))


def test_homes_whose_people_share_no_surname_beyond_chance_have_no_family_share():
    """Lodgers only (as in FEBRL, whose people live alone): nothing to take away."""
    got = household_surname_share(
        _counts(_extract(relatives=0, lodgers=8)), U_SURNAME, MatchConfig()
    )
    assert (got["pairs"], got["surname_agree"]) == (8, 0)
    assert got["family"] == 0.0


def _adjust(family: float, rows: list[tuple[str, str, str, float]]) -> list[float]:
    sql = household_adjustment_sql(
        family, {"exact": U_SURNAME, "variant_exact": 0.004}, MatchConfig(), "tf"
    )
    return _over(sql, "tf DOUBLE", rows)


def _over(sql: str, last: str, rows: list[tuple]) -> list[float]:
    """The adjustment ``sql`` on ``rows`` of (address, surname and forename levels, and the
    column ``last``)."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE t (i INT, address_level VARCHAR, surname_level VARCHAR, "
        f"forename_level VARCHAR, {last})"
    )
    con.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?)", [(i, *r) for i, r in enumerate(rows)])
    return [r[0] for r in con.execute(f"SELECT {sql} FROM t ORDER BY i").fetchall()]


def test_the_adjustment_takes_the_shared_surname_as_family_only_where_it_can_be():
    f = 0.3
    got = _adjust(
        f,
        [
            ("same_dwelling", "exact", "different", 0.0),  # a twin or sibling: adjusted
            ("same_dwelling", "exact", "phonetic", 0.0),  # Jon / Jan: adjusted
            ("same_dwelling", "exact", "exact", 0.0),  # the same forename: not family-like
            ("same_dwelling", "exact", "nickname", 0.0),
            ("same_postcode", "exact", "different", 0.0),  # another house
            ("same_dwelling", "different", "different", 0.0),  # a lodger
            ("same_dwelling", "exact", "different", 3.0),  # a rare surname
            ("same_dwelling", "variant_exact", "different", 0.0),  # a maiden name
            ("same_house_street", "exact", "different", 0.0),  # one home, a postcode missing
        ],
    )
    family_like = math.log2(U_SURNAME / (f + (1 - f) * U_SURNAME))
    assert got[0] == pytest.approx(family_like) and got[1] == pytest.approx(family_like)
    assert got[2:6] == [0.0, 0.0, 0.0, 0.0]
    rare = U_SURNAME / 2**3
    assert got[6] == pytest.approx(math.log2(rare / (f + (1 - f) * rare)))
    assert got[6] < got[0]  # what made the name rare counts for nothing in one family
    assert got[7] == pytest.approx(math.log2(0.004 / (f + (1 - f) * 0.004)))
    assert got[8] == pytest.approx(family_like)


def test_no_family_share_no_adjustment():
    assert _adjust(0.0, [("same_dwelling", "exact", "different", 0.0)]) == [0.0]


def _family(people: list[tuple[str, str, str, str]]) -> duckdb.DuckDBPyConnection:
    """One officer, Robert Okafor (male, born 1984-03-07), at one home, and on the right side
    ``people`` (forename, surname, sex, date of birth) at the same home."""
    nominals = [
        {"nominal_id": f"N{i}", "forenames": fn, "surname": sn, "sex": sex, "date_of_birth": dob}
        for i, (fn, sn, sex, dob) in enumerate(people)
    ]
    con = linkage_db(
        tables(
            staff=[
                {"staff_id": "S0", "forenames": "Robert", "surname": "Okafor"}
                | {"sex": "M", "date_of_birth": "1984-03-07"}
            ],
            nominals=nominals,
            staff_addresses=[{"staff_id": "S0", **_home(0)}],
            addresses=[{"nominal_id": n["nominal_id"], **_home(0)} for n in nominals],
        )
    )
    normalise_all(con)
    return con


def test_the_twin_share_counts_family_of_the_other_sex_born_the_same_day():
    """Of the family at the home whose sex differs from the officer's (a twin sister, a
    sister, a mother), one was born the same day. The officer's own record under another
    forename (Bobby, same sex, same day), a twin brother (the same sex), a lodger (another
    surname) and a sister with no date of birth are not counted."""
    con = _family(
        [
            ("Grace", "Okafor", "F", "1984-03-07"),  # twin sister: counted, same day
            ("Ada", "Okafor", "F", "1987-11-02"),  # sister: counted
            ("Ngozi", "Okafor", "F", "1958-05-20"),  # mother: counted
            ("Bobby", "Okafor", "M", "1984-03-07"),  # himself, by another name
            ("Chidi", "Okafor", "M", "1984-03-07"),  # twin brother
            ("Marta", "Kowalska", "F", "1984-03-07"),  # a lodger born the same day
            ("Ife", "Okafor", "F", ""),  # no date of birth
        ]
    )
    got = household_twin_share(_counts(con), U_DOB, MatchConfig(household_prior_pairs=0.0))
    assert (got["pairs"], got["same_day"]) == (3, 1)
    assert got["twins"] == pytest.approx((1 / 3 - U_DOB) / (1 - U_DOB))
    smoothed = household_twin_share(_counts(con), U_DOB, MatchConfig(household_prior_pairs=500.0))
    assert smoothed["share"] == pytest.approx((1 + 500 * U_DOB) / (3 + 500))


def test_one_person_under_other_forenames_is_no_twin():
    """As in FEBRL, where the records at one home are copies of one person with the forename
    replaced: all of one sex, so no pair counts and there is no twin share."""
    con = _family([("Bobby", "Okafor", "M", "1984-03-07"), ("Rob", "Okafor", "M", "1984-03-07")])
    got = household_twin_share(_counts(con), U_DOB, MatchConfig())
    assert (got["pairs"], got["same_day"], got["twins"]) == (0, 0, 0.0)


def _twin_adjust(twins: float, rows: list[tuple[str, str, str, str]]) -> list[float]:
    return _over(twin_adjustment_sql(twins, U_DOB, MatchConfig()), "dob_level VARCHAR", rows)


def test_the_twin_adjustment_takes_a_shared_birthday_as_twins_only_where_it_can_be():
    t = 0.05
    got = _twin_adjust(
        t,
        [
            ("same_dwelling", "exact", "different", "exact"),  # twins: adjusted
            ("same_dwelling", "one_edit", "different", "exact"),  # Tan / Tam: adjusted
            ("same_dwelling", "exact", "phonetic", "exact"),  # Sameera / Samira: one woman
            ("same_dwelling", "exact", "exact", "exact"),  # the same forename
            ("same_dwelling", "exact", "different", "one_digit"),  # not the same birthday
            ("same_postcode", "exact", "different", "exact"),  # another house
            ("same_dwelling", "different", "different", "exact"),  # a lodger
            ("same_house_street", "exact", "different", "exact"),  # one home, no postcode
        ],
    )
    twin_like = math.log2(U_DOB / (t + (1 - t) * U_DOB))
    assert got[0] == pytest.approx(twin_like) and got[1] == pytest.approx(twin_like)
    assert twin_like == pytest.approx(-10.0, abs=0.1)  # one in 20,000 becomes one in 20
    assert got[2:7] == [0.0] * 5
    assert got[7] == pytest.approx(twin_like)


def test_no_twin_share_no_twin_adjustment():
    assert _twin_adjust(0.0, [("same_dwelling", "exact", "different", "exact")]) == [0.0]
