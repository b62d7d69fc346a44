"""Each noise a real extract carries lands on the comparison level the spec names."""

import duckdb
import pytest

from tests.factories import linkage_db, tables
from transforms.blocking import generate_candidates
from transforms.compare import compare_pairs
from transforms.comparisons import all_comparisons, forename, surname
from transforms.config import BlockingConfig, MatchConfig
from transforms.normalise import normalise_all

CFG = MatchConfig()

STAFF = [
    {
        "staff_id": "S1",
        "surname": "Oyelaran",
        "forenames": "Robert James",
        "date_of_birth": "1984-03-07",
    },
    {
        "staff_id": "S2",
        "surname": "Whitfield",
        "forenames": "Margaret",
        "previous_surnames": "Hollis",
        "date_of_birth": "1979-11-21",
        "sex": "F",
    },
    {
        "staff_id": "S3",
        "surname": "Pemberton-Clarke",
        "forenames": "Siobhán",
        "date_of_birth": "1990-05-14",
        "sex": "F",
    },
    {
        "staff_id": "S4",
        "surname": "Kowalczyk",
        "forenames": "Tomasz",
        "date_of_birth": "1988-09-30",
    },
]
NOMINALS = [
    # nickname and day/month swap
    {"nominal_id": "N1", "surname": "OYELARAN", "forenames": "Bob", "date_of_birth": "1984-07-03"},
    # maiden name, one digit wrong in the date of birth
    {
        "nominal_id": "N2",
        "surname": "Hollis",
        "forenames": "Margaret",
        "date_of_birth": "1979-11-27",
        "sex": "F",
    },
    # one part of a double-barrelled name, accent dropped
    {
        "nominal_id": "N3",
        "surname": "Clarke",
        "forenames": "Siobhan",
        "date_of_birth": "1990-05-14",
        "sex": "F",
    },
    # forename and surname swapped
    {
        "nominal_id": "N4",
        "surname": "Tomasz",
        "forenames": "Kowalczyk",
        "date_of_birth": "1988-09-30",
    },
    # swapped, and the double-barrelled surname kept its hyphen in the forename field
    {
        "nominal_id": "N5",
        "surname": "Siobhan",
        "forenames": "Pemberton-Clarke",
        "date_of_birth": "1990-05-14",
        "sex": "F",
    },
]


@pytest.fixture(scope="module")
def db():
    con = linkage_db(
        tables(
            staff=STAFF,
            nominals=NOMINALS,
            staff_addresses=[
                {
                    "staff_id": "S1",
                    "address_line": "12 Mill Lane, Leeds",
                    "postcode": "LS6 2AB",
                    "date_from": "2021-01-01",
                },
                {
                    "staff_id": "S1",
                    "address_line": "3 Old Road, Leeds",
                    "postcode": "LS7 1XY",
                    "date_from": "2010-01-01",
                    "date_to": "2020-12-31",
                },
            ],
            addresses=[
                {
                    "nominal_id": "N1",
                    "address_line": "3 OLD RD, LEEDS",
                    "postcode": "ls71xy",
                    "date_from": "2012-01-01",
                }
            ],
        )
    )
    normalise_all(con)
    generate_candidates(con, BlockingConfig())
    compare_pairs(con, "candidates", CFG, "comparisons")
    return con


@pytest.fixture(scope="module")
def levels(db):
    con = db
    labels = {c.name: c.labels() for c in all_comparisons(CFG)}
    rows = con.execute("SELECT * FROM comparisons").df()
    out = {}
    for r in rows.itertuples():
        out[(r.l_id, r.r_id)] = {c: labels[c][getattr(r, c)] for c in labels} | {"rules": r.rules}
    return out


def test_every_planted_pair_is_a_candidate(levels):
    for pair in [("S1", "N1"), ("S2", "N2"), ("S3", "N3"), ("S4", "N4")]:
        assert pair in levels


def test_nickname_and_day_month_swap(levels):
    lv = levels[("S1", "N1")]
    assert lv["forename"] == "nickname"
    assert lv["surname"] == "exact"
    assert lv["dob"] == "day_month_swapped"


def test_moved_house_is_not_a_mismatch(levels):
    # The nominal is recorded at the staff member's previous address.
    assert levels[("S1", "N1")]["address"] == "same_dwelling"


def test_previous_surname_and_one_digit(levels):
    lv = levels[("S2", "N2")]
    assert lv["surname"] == "variant_exact"
    assert lv["forename"] == "exact"
    assert lv["dob"] == "one_digit"


def test_double_barrelled_part_and_accent(levels):
    lv = levels[("S3", "N3")]
    assert lv["surname"] == "variant_exact"
    assert lv["forename"] == "exact"
    assert lv["dob"] == "exact"
    assert lv["sex"] == "match"


def test_swapped_names(levels):
    lv = levels[("S4", "N4")]
    assert lv["name_order"] == "swapped"
    assert lv["forename"] == "exact" and lv["surname"] == "exact"
    assert "names_swapped" in list(lv["rules"])


def test_swapped_names_with_a_hyphenated_surname_in_the_forename_field(levels):
    lv = levels[("S3", "N5")]
    assert lv["name_order"] == "swapped"
    assert lv["forename"] == "exact" and lv["surname"] == "exact"
    assert "names_swapped" in list(lv["rules"])


def test_no_evidence_is_missing_not_disagreement(levels):
    assert levels[("S2", "N2")]["address"] == "missing"
    assert levels[("S2", "N2")]["phone"] == "missing"


def test_a_pair_compares_the_same_whatever_else_is_in_the_pass(db):
    """Training compares its pairs in one pass with the candidates: each pair's levels and
    similarities must not depend on the other pairs in the table."""
    db.execute("""
        CREATE OR REPLACE TEMP TABLE _every_pair AS
        SELECT l.id AS l_id, r.id AS r_id FROM l_person l CROSS JOIN r_person r
    """)
    compare_pairs(db, "_every_pair", CFG, "_every_levels")
    n_every, n_cand = db.execute(
        "SELECT (SELECT count(*) FROM _every_levels), (SELECT count(*) FROM comparisons)"
    ).fetchall()[0]
    assert n_every > n_cand  # the pass holds more than the candidates
    differing = db.execute("""
        SELECT count(*) FROM (
            SELECT * EXCLUDE (rules) FROM comparisons
            EXCEPT SELECT v.* FROM _every_levels v SEMI JOIN comparisons c USING (l_id, r_id))
    """).fetchall()[0][0]
    assert differing == 0


# (left, right): a letter changed, swapped, added and dropped at the start, where
# Jaro-Winkler is lowest; two slips; a swap and a change; an empty name.
SLIPS = [
    ("KYLE", "LYLE"),
    ("IAN", "AIN"),
    ("AMY", "MAY"),
    ("ERIN", "KERIN"),
    ("NIAMH", "IAMH"),
    ("AMY", "AMIE"),
    ("SEAN", "SHAUN"),
    ("ORLA", "ROAL"),
    ("TOM", ""),
    ("JO", "JO"),
]


def test_typing_slips_count_as_damerau_levenshtein_does():
    """The slip count from rapidfuzz (cut off at two) agrees with DuckDB's
    damerau_levenshtein wherever the level reads it: one slip or not."""
    import duckdb

    from transforms.compare import _edits

    left, right = [a for a, _ in SLIPS], [b for _, b in SLIPS]
    ours = _edits(left, right).tolist()
    con = duckdb.connect()
    theirs = [
        con.execute("SELECT damerau_levenshtein(?, ?)", [a, b]).fetchone()[0] for a, b in SLIPS
    ]
    assert [min(d, 2) for d in theirs] == ours
    assert ours == [1, 1, 1, 1, 1, 2, 2, 2, 2, 0]


def test_a_forename_one_slip_apart_at_its_start_is_one_edit():
    """Jaro-Winkler rewards a shared start, so a slip in the first letter falls below its
    thresholds; the one-slip level still catches it, and two slips do not."""
    con = linkage_db(
        tables(
            staff=[
                {
                    "staff_id": "S1",
                    "surname": "Oyelaran",
                    "forenames": "Kyle",
                    "date_of_birth": "1984-03-07",
                },
                {
                    "staff_id": "S2",
                    "surname": "Whitfield",
                    "forenames": "Amy",
                    "date_of_birth": "1979-11-21",
                },
            ],
            nominals=[
                {
                    "nominal_id": "N1",
                    "surname": "Oyelaran",
                    "forenames": "Lyle",
                    "date_of_birth": "1984-03-07",
                },
                {
                    "nominal_id": "N2",
                    "surname": "Whitfield",
                    "forenames": "Ada",
                    "date_of_birth": "1979-11-21",
                },
            ],
        )
    )
    normalise_all(con)
    con.execute(
        "CREATE TEMP TABLE p AS SELECT * FROM (VALUES ('S1', 'N1'), ('S2', 'N2')) t(l_id, r_id)"
    )
    compare_pairs(con, "p", CFG, "out")
    labels = all_comparisons(CFG)[0].labels()
    got = dict(
        (l_id, labels[lv]) for l_id, lv in con.execute("SELECT l_id, forename FROM out").fetchall()
    )
    assert got == {"S1": "one_edit", "S2": "different"}


def test_the_best_name_row_is_the_same_when_its_key_needs_a_hugeint(db, monkeypatch):
    """Large vocabularies pack the best-name key into a HUGEINT instead of a BIGINT; the
    pair's levels, matched names and similarities must not change with the width."""
    import transforms.compare as compare

    db.execute("""
        CREATE OR REPLACE TEMP TABLE _every_pair AS
        SELECT l.id AS l_id, r.id AS r_id FROM l_person l CROSS JOIN r_person r
    """)
    compare_pairs(db, "_every_pair", CFG, "_narrow")
    monkeypatch.setattr(compare, "_BIGINT_BITS", 0)
    compare_pairs(db, "_every_pair", CFG, "_wide")
    rows, differing = db.execute("""
        SELECT (SELECT count(*) FROM _wide),
               (SELECT count(*) FROM (SELECT * FROM _narrow EXCEPT SELECT * FROM _wide))
    """).fetchall()[0]
    assert rows == 20 and differing == 0


def test_among_equally_good_names_the_closest_spelling_is_shown():
    """Two aliases agree on the same levels (nickname forename, surname from an alias); the
    pair shows the one spelt closest to the staff member's name (ROB, not BOB, for ROBERT),
    whatever their alphabetical order."""
    from rapidfuzz.distance import JaroWinkler

    alias = {"nominal_id": "N1", "surname": "Oyelaran", "date_of_birth": "1984-03-07"}
    con = linkage_db(
        tables(
            staff=STAFF[:1],
            nominals=[
                {
                    "nominal_id": "N1",
                    "surname": "Oyelaran",
                    "forenames": "Xavier",
                    "date_of_birth": "1984-03-07",
                }
            ],
            aliases=[
                {"alias_id": "A1", "alias_type": "alias", **alias, "forenames": "Bob"},
                {"alias_id": "A2", "alias_type": "alias", **alias, "forenames": "Rob"},
            ],
        )
    )
    normalise_all(con)
    con.execute("CREATE TEMP TABLE p AS SELECT 'S1' AS l_id, 'N1' AS r_id")
    compare_pairs(con, "p", CFG, "out")
    name, similarity, level = con.execute(
        "SELECT matched_forename, forename_similarity, forename FROM out"
    ).fetchone()
    assert all_comparisons(CFG)[0].labels()[level] == "nickname"
    assert name == "ROB"
    assert similarity == pytest.approx(JaroWinkler.normalized_similarity("ROBERT", "ROB"))


def _address_levels(staff_addresses, nominal_addresses):
    """Address level of S1 with each nominal (all named and born as S1, so all candidates)."""
    person = {"surname": "Oyelaran", "forenames": "Robert", "date_of_birth": "1984-03-07"}
    ids = sorted({a["nominal_id"] for a in nominal_addresses} | {"N0"})
    con = linkage_db(
        tables(
            staff=[{"staff_id": "S1", **person}],
            nominals=[{"nominal_id": i, **person} for i in ids],
            staff_addresses=[{"staff_id": "S1", **a} for a in staff_addresses],
            addresses=list(nominal_addresses),
        )
    )
    normalise_all(con)
    generate_candidates(con, BlockingConfig())
    compare_pairs(con, "candidates", CFG, "comparisons")
    labels = {c.name: c for c in all_comparisons(CFG)}["address"].labels()
    rows = con.execute("SELECT r_id, address FROM comparisons").fetchall()
    return {r_id: labels[level] for r_id, level in rows}


def test_the_same_house_on_a_street_written_alike_when_the_postcode_is_not():
    levels = _address_levels(
        [
            {"address_line": "12 Marlow Street, Kettering", "postcode": "NN15 6AB"},
            {"address_line": "Flat 3, 40 Church Road, Leeds", "postcode": "LS6 2AB"},
        ],
        [
            # postcode keyed wrong, a typing slip in the street
            {
                "nominal_id": "N1",
                "address_line": "12 MARLOW STRET KETTERING",
                "postcode": "NN15 6BA",
            },
            # no postcode at all (no address with a postcode: no evidence before)
            {"nominal_id": "N2", "address_line": "12 Marlow St, Kettering", "postcode": ""},
            # the same flat and house number on a street of the same name in another town
            {
                "nominal_id": "N3",
                "address_line": "Flat 3, 40 Church Road, York",
                "postcode": "YO1 7AA",
            },
            # same postcode, house and flat: the dwelling, whatever the street says
            {"nominal_id": "N4", "address_line": "Flat 3, 40 Church Rd", "postcode": "LS6 2AB"},
            # another flat in the same house, another house number on the same street
            {
                "nominal_id": "N5",
                "address_line": "Flat 4, 40 Church Road, Leeds",
                "postcode": "LS6 3ZZ",
            },
            {
                "nominal_id": "N6",
                "address_line": "12A Marlow Street, Kettering",
                "postcode": "NN15 9ZZ",
            },
        ],
    )
    assert levels == {
        "N0": "missing",  # no address
        "N1": "same_house_street",
        "N2": "same_house_street",
        "N3": "different",
        "N4": "same_dwelling",
        "N5": "same_district",
        "N6": "same_district",
    }


def test_a_lettered_house_and_a_lettered_flat_of_that_house_are_one_dwelling():
    """ "94D Valley Parade" and "Flat D, 94 Valley Parade" in one postcode: the same
    dwelling; flat C of the house, or the house itself, is not."""
    levels = _address_levels(
        [{"address_line": "Flat D, 94 Valley Parade, Everton", "postcode": "L20 2XN"}],
        [
            {"nominal_id": "N1", "address_line": "94D Valley Parade", "postcode": "L20 2XN"},
            {"nominal_id": "N2", "address_line": "94C Valley Parade", "postcode": "L20 2XN"},
            {"nominal_id": "N3", "address_line": "94 Valley Parade", "postcode": "L20 2XN"},
        ],
    )
    assert levels == {
        "N0": "missing",
        "N1": "same_dwelling",
        "N2": "same_postcode",
        "N3": "same_postcode",
    }


def test_a_house_and_flat_written_as_two_bare_numbers_are_read_either_way():
    """ "18/6 Marchmont Road" is flat 6 of number 18 in Edinburgh and flat 18 of number 6 in
    the flat-first style used elsewhere: the same dwelling as either written with "Flat", but
    not as another flat. Only the slash form is read both ways: "Flat 2, 18" and "Flat 18, 2"
    are two dwellings."""
    levels = _address_levels(
        [
            {"address_line": "18/6 Marchmont Road", "postcode": "EH9 1HY"},
            {"address_line": "Flat 2, 18 High St", "postcode": "LS6 2AB"},
        ],
        [
            {
                "nominal_id": "N1",
                "address_line": "Flat 6, 18 Marchmont Road",
                "postcode": "EH9 1HY",
            },
            {"nominal_id": "N2", "address_line": "6/18 Marchmont Road", "postcode": "EH9 1HY"},
            {
                "nominal_id": "N3",
                "address_line": "Flat 18, 6 Marchmont Road",
                "postcode": "EH9 1HY",
            },
            {
                "nominal_id": "N4",
                "address_line": "Flat 5, 18 Marchmont Road",
                "postcode": "EH9 1HY",
            },
            {"nominal_id": "N5", "address_line": "18 Marchmont Road", "postcode": "EH9 1HY"},
            {"nominal_id": "N6", "address_line": "Flat 18, 2 High St", "postcode": "LS6 2AB"},
            # the postcode keyed wrong: the house and flat on the same street, either way
            {"nominal_id": "N7", "address_line": "Flat 6, 18 Marchmont Rd", "postcode": "EH9 9ZZ"},
        ],
    )
    assert levels == {
        "N0": "missing",
        "N1": "same_dwelling",
        "N2": "same_dwelling",
        "N3": "same_dwelling",
        "N4": "same_postcode",
        "N5": "same_postcode",
        "N6": "same_postcode",
        "N7": "same_house_street",
    }


def test_a_tenement_flat_by_floor_and_door_is_one_dwelling_however_written():
    """Edinburgh's 1F2 (first floor, second door), "Flat 1F2" and "1/F2"; Glasgow's 0/1,
    G/1 and GF1 for the ground floor. Another floor or door of the same stair is another
    dwelling (1F2 was read as house 1, flat F: 1F1 and 1F2 of one stair were one dwelling)."""
    cities = [  # the staff member's line and postcode; each nominal's line and level
        (
            ("1F2, 35 Nelson Row", "EH3 6LJ"),
            [
                ("Flat 1F2, 35 Nelson Row", "same_dwelling"),
                ("1/F2 35 Nelson Row", "same_dwelling"),
                ("35 Nelson Row, Flat 1F2", "same_dwelling"),
                ("1F1, 35 Nelson Row", "same_postcode"),
                ("2F2, 35 Nelson Row", "same_postcode"),
                ("1F2, 37 Nelson Row", "same_postcode"),
            ],
        ),
        (
            ("0/1, 15 Byres Road", "G11 5RD"),
            [
                ("Flat G/1, 15 Byres Road", "same_dwelling"),
                ("GF1 15 Byres Road", "same_dwelling"),
                ("15 Byres Road, Flat 0/1", "same_dwelling"),
                ("1/0, 15 Byres Road", "same_postcode"),
                ("0/2, 15 Byres Road", "same_postcode"),
            ],
        ),
    ]
    for (line, postcode), nominals in cities:
        got = _address_levels(
            [{"address_line": line, "postcode": postcode}],
            [
                {"nominal_id": f"N{i}", "address_line": n, "postcode": postcode}
                for i, (n, _) in enumerate(nominals, 1)
            ],
        )
        want = {"N0": "missing"} | {f"N{i}": lv for i, (_, lv) in enumerate(nominals, 1)}
        assert got == want, line


def test_a_lettered_flat_is_one_dwelling_in_either_case():
    """ "Flat b", "Flat B" and "12b": flat B of number 12; words naming a flat with no number
    or letter ("Ground Floor Flat") key no flat, as the house alone does."""
    levels = _address_levels(
        [{"address_line": "Flat b, 12 High St", "postcode": "LS6 2AB"}],
        [
            {"nominal_id": "N1", "address_line": "12b High St", "postcode": "LS6 2AB"},
            {"nominal_id": "N2", "address_line": "FLAT B 12 HIGH ST", "postcode": "LS6 2AB"},
            {"nominal_id": "N3", "address_line": "Flat A, 12 High St", "postcode": "LS6 2AB"},
            {
                "nominal_id": "N4",
                "address_line": "Ground Floor Flat, 12 High St",
                "postcode": "LS6 2AB",
            },
        ],
    )
    assert levels == {
        "N0": "missing",
        "N1": "same_dwelling",
        "N2": "same_dwelling",
        "N3": "same_postcode",
        "N4": "same_postcode",
    }


def _numbered(*lines: tuple[str, str]) -> list[dict[str, str]]:
    """Nominal addresses N1, N2, ... from (address line, postcode) pairs."""
    return [
        {"nominal_id": f"N{i}", "address_line": line, "postcode": pc}
        for i, (line, pc) in enumerate(lines, 1)
    ]


def test_a_flat_named_only_by_its_floor_is_the_house_left_without_it():
    """ "Ground Floor Flat, 12 Hill Street" and "12 Hill Street" are one dwelling: a record
    often leaves the floor out. Where both name a floor, the ground and the top floor flat
    of one house are two (they were one dwelling); "GF Flat" is the ground floor, and a
    garden flat may be; a numbered flat is another dwelling, as before. N7 and N8 are the
    same house with its postcode keyed wrong: the floors still tell them apart."""
    levels = _address_levels(
        [{"address_line": "Ground Floor Flat, 12 Hill Street", "postcode": "LS6 2AB"}],
        _numbered(
            ("12 Hill Street", "LS6 2AB"),
            ("Top Flat, 12 Hill Street", "LS6 2AB"),
            ("Flat 1, 12 Hill Street", "LS6 2AB"),
            ("GF Flat, 12 Hill St", "LS6 2AB"),
            ("Garden Flat, 12 Hill St", "LS6 2AB"),
            ("First Floor Flat, 12 Hill Street", "LS6 2AB"),
            ("Top Flat, 12 Hill Street", "LS7 9ZZ"),
            ("Ground Flat, 12 Hill Street", "LS7 9ZZ"),
        ),
    )
    assert levels == {
        "N0": "missing",
        "N1": "same_dwelling",
        "N2": "same_postcode",
        "N3": "same_postcode",
        "N4": "same_dwelling",
        "N5": "same_dwelling",
        "N6": "same_postcode",
        "N7": "different",
        "N8": "same_house_street",
    }


def test_flats_on_one_floor_are_told_apart_by_the_side_of_the_landing():
    """Scotland's "1st Floor Left" and "First Floor Right" of one stair are two flats; "Top
    Flat" may be the first floor, so it is not told apart from either."""
    levels = _address_levels(
        [{"address_line": "1st Floor Left, 12 Hill Street", "postcode": "G12 8QQ"}],
        _numbered(
            ("First Floor Left, 12 Hill St", "G12 8QQ"),
            ("First Floor Right, 12 Hill St", "G12 8QQ"),
            ("Top Flat, 12 Hill St", "G12 8QQ"),
            ("2nd Floor Left, 12 Hill St", "G12 8QQ"),
        ),
    )
    assert levels == {
        "N0": "missing",
        "N1": "same_dwelling",
        "N2": "same_postcode",
        "N3": "same_dwelling",
        "N4": "same_postcode",
    }


def test_a_flat_pair_after_the_word_flat_is_read_either_way():
    """ "Flat 18/6, Marchmont Road" (no house number after it) is the Edinburgh pair "18/6":
    the same dwelling as "Flat 6, 18 Marchmont Road" or "18/6 Marchmont Road" (it was read as
    floor 18, door 6 of no house, and met neither)."""
    levels = _address_levels(
        [{"address_line": "Flat 18/6, Marchmont Road", "postcode": "EH9 1HY"}],
        [
            {
                "nominal_id": "N1",
                "address_line": "Flat 6, 18 Marchmont Road",
                "postcode": "EH9 1HY",
            },
            {"nominal_id": "N2", "address_line": "18/6 Marchmont Road", "postcode": "EH9 1HY"},
            {
                "nominal_id": "N3",
                "address_line": "Flat 5, 18 Marchmont Road",
                "postcode": "EH9 1HY",
            },
        ],
    )
    assert levels == {
        "N0": "missing",
        "N1": "same_dwelling",
        "N2": "same_dwelling",
        "N3": "same_postcode",
    }


def test_a_postcode_written_only_in_the_address_line_is_still_compared():
    """An extract with the whole address in one field (no postcode column): the postcode is
    read off the line, so the dwelling, a neighbour and a house move score as they would
    with the postcode in its own field."""
    levels = _address_levels(
        [{"address_line": "Rose Cottage, Mill Lane, Leeds", "postcode": "LS6 2AB"}],
        [
            {"nominal_id": "N1", "address_line": "Rose Cottage, Mill Lane, Leeds, LS6 2AB"},
            {"nominal_id": "N2", "address_line": "4 Mill Lane, Leeds LS62AD"},
            {"nominal_id": "N3", "address_line": "9 Ash Grove, York, YO1 7AA"},
            # a written postcode beats one in the line
            {"nominal_id": "N4", "address_line": "Mill Lane, LS6 2AB", "postcode": "LS6 9ZZ"},
        ],
    )
    assert levels == {
        "N0": "missing",
        "N1": "same_dwelling",  # no house number: "6" of LS6 is not taken for one
        "N2": "same_sector",
        "N3": "different",
        "N4": "same_district",
    }


def test_a_postcode_given_only_as_its_district_agrees_at_the_district():
    """An intelligence record with only an area ("LS6"): the same district as the staff
    member's postcode, not a different address; another area is different."""
    levels = _address_levels(
        [{"address_line": "12 Marlow Street, Leeds", "postcode": "LS6 2AB"}],
        [
            {"nominal_id": "N1", "address_line": "Leeds", "postcode": "LS6"},
            {"nominal_id": "N2", "address_line": "Leeds", "postcode": "LS7"},
        ],
    )
    assert levels == {"N0": "missing", "N1": "same_district", "N2": "different"}


def test_street_similarity_ignores_word_order_and_missing_words_not_other_towns():
    from transforms.compare import _street_similarity

    pairs = [
        ("MARLOW STREET KETTERING", "MARLOW STRET KETTERING"),  # a slip
        ("MARLOW STREET", "MARLOW STREET KETTERING"),  # the town on one side only
        ("KETTERING MARLOW STREET", "MARLOW STREET KETTERING"),  # order
        ("CHURCH ROAD LEEDS", "CHURCH ROAD YORK"),  # another town
        ("MILL LANE", "OLD ROAD"),
    ]
    sim = _street_similarity([a for a, _ in pairs], [b for _, b in pairs])
    alike = (sim >= CFG.street_similarity).tolist()
    assert alike == [True, True, True, False, False]


def _levels_of_numbered_pairs(pairs: list[tuple[dict, dict]], comparison: str) -> dict:
    """Staff S<i> and nominal N<i> from the i-th (staff fields, nominal fields) of ``pairs``,
    compared with each other only; each staff id's level of ``comparison``."""
    staff = [{"staff_id": f"S{i}", **a} for i, (a, _) in enumerate(pairs)]
    nominals = [{"nominal_id": f"N{i}", **b} for i, (_, b) in enumerate(pairs)]
    con = linkage_db(tables(staff=staff, nominals=nominals))
    normalise_all(con)
    values = ", ".join(f"('S{i}', 'N{i}')" for i in range(len(staff)))
    con.execute(f"CREATE TEMP TABLE p AS SELECT * FROM (VALUES {values}) t(l_id, r_id)")
    compare_pairs(con, "p", CFG, "out")
    labels = next(c for c in all_comparisons(CFG) if c.name == comparison).labels()
    rows = con.execute(f"SELECT l_id, {comparison} FROM out").fetchall()
    return {sid: labels[level] for sid, level in rows}


def _field_levels(
    cases: list[tuple[str, str, str]], person: dict, field: str, comparison: str
) -> tuple[dict, dict]:
    """Each (staff value, nominal value, level) of ``cases`` as a pair that differs from
    ``person`` only in ``field``: the ``comparison`` levels got, and the ones wanted."""
    pairs = [({**person, field: a}, {**person, field: b}) for a, b, _ in cases]
    got = _levels_of_numbered_pairs(pairs, comparison)
    return got, {f"S{i}": want for i, (*_, want) in enumerate(cases)}


def test_forenames_that_sound_alike_beyond_any_similarity_are_phonetic():
    """Spellings of one name across transliterations (Mohammed, Muhammad) are too far apart
    for the similarity levels but sound alike; a pair the similarity levels reach keeps its
    level, and names that only share letters stay different."""
    pairs = [
        ("Mohammed", "Muhammad"),
        ("Catherine", "Kathryn"),
        ("Steven", "Stephen"),
        ("Amy", "Zoe"),
    ]
    person = {"surname": "Hussain", "date_of_birth": "1984-03-07"}
    got = _levels_of_numbered_pairs(
        [({**person, "forenames": a}, {**person, "forenames": b}) for a, b in pairs], "forename"
    )
    assert got == {"S0": "phonetic", "S1": "phonetic", "S2": "fuzzy_mid", "S3": "different"}


def test_names_spelt_alike_across_transliterations_take_their_own_level():
    """One Ukrainian, Russian or Arabic name written by two conventions (Kowalczuk and
    Kovalchuk, Serhiy and Serhii) is spelt alike once they are set aside: a level above the
    slips and sounds that took it (or nothing did: Schewtschenko and Shevchenko were
    "different"). A pair the similarity levels reach keeps its level; names that only sound
    alike stay phonetic."""
    person = {"forenames": "Ivan", "date_of_birth": "1984-03-07"}
    surnames = [
        ("Shevchenko", "Schewtschenko", "transliteration"),
        ("Kovalchuk", "Kowalczuk", "transliteration"),
        ("Kravchenko", "Krawczenko", "transliteration"),
        ("Kovalenko", "Kowalenko", "fuzzy_high"),
        ("Kassem", "Qasim", "phonetic"),
        ("Bowen", "Bevan", "different"),
    ]
    got, want = _field_levels(surnames, person, "surname", "surname")
    assert got == want
    person = {"surname": "Melnyk", "date_of_birth": "1984-03-07"}
    forenames = [
        ("Serhiy", "Serhii", "transliteration"),
        ("Yuriy", "Iurii", "transliteration"),
        ("Tetiana", "Tetyana", "transliteration"),
        ("Yevhen", "Ievgen", "transliteration"),
        ("Oxana", "Oksana", "transliteration"),
        ("Iryna", "Irina", "transliteration"),
        ("Oksana", "Olena", "different"),
    ]
    got, want = _field_levels(forenames, person, "forenames", "forename")
    assert got == want


def test_a_date_of_birth_in_the_same_year_or_within_one_is_not_different():
    """A placeholder day and month (1 January), or a date worked out from an age, lands on
    its own level, so "different" is left with people born years apart (siblings)."""
    pairs = [
        ("1985-06-17", "1985-01-01", "same_year"),
        ("1985-12-20", "1986-03-02", "within_a_year"),
        ("1985-06-17", "1988-02-11", "different"),
        ("1985-06-17", "1985-06-17", "exact"),
        ("1989-06-17", "1990-06-17", "year_off_by_one"),
        ("1985-06-17", "1965-06-18", "generation_apart"),
    ]
    person = {"surname": "Hussain", "forenames": "Amir"}
    got = _levels_of_numbered_pairs(
        [({**person, "date_of_birth": a}, {**person, "date_of_birth": b}) for a, b, _ in pairs],
        "dob",
    )
    assert got == {f"S{i}": want for i, (_, _, want) in enumerate(pairs)}


def test_a_further_forename_agreeing_with_the_other_sides_name_has_its_own_level():
    """A person known by a middle name, a family name first, a father's name or Singh/Kaur
    recorded as the surname: the further forename is matched where it equals a name on the
    other side, in either direction. A middle name that agrees with nothing is no evidence,
    and names that agree as written keep their own levels."""
    cases = [  # staff forenames, surname; nominal forenames, surname; forename, surname
        ("Sarah Christine", "Kelbury", "Christine", "Kelbury", "further_forename", "exact"),
        ("Rachel Emma", "White", "Emma Rachel", "White", "further_forename", "exact"),
        ("Huong", "Pham", "Thi Huong", "Pham", "further_forename", "exact"),
        ("Ali Karim", "Al-Najjar", "Ali", "bin Karim", "exact", "further_forename"),
        ("Tariq Yusuf", "Al-Hashimi", "Tariq", "Yusuf", "exact", "further_forename"),
        ("Jaswinder", "Singh", "Jaswinder Singh", "Dhillon", "exact", "further_forename"),
        ("Mark Edward", "Evans", "Mark", "Evans", "exact", "exact"),
        ("Mark Edward", "Evans", "Paul Anthony", "Evans", "different", "exact"),
        ("Mark Edward", "Evans", "Mark", "Jones", "exact", "different"),
    ]
    born = {"date_of_birth": "1984-03-07"}
    pairs = [
        ({**born, "forenames": a, "surname": b}, {**born, "forenames": c, "surname": d})
        for a, b, c, d, *_ in cases
    ]
    forenames = _levels_of_numbered_pairs(pairs, "forename")
    surnames = _levels_of_numbered_pairs(pairs, "surname")
    got = {s: (forenames[s], surnames[s]) for s in forenames}
    assert got == {f"S{i}": (fn, sn) for i, (*_, fn, sn) in enumerate(cases)}


def test_a_name_written_family_name_first_agrees_swapped() -> None:
    """Cong Thanh Pham written family name first, "Pham Cong", and split as a western name
    ("Pham Cong" / "Thanh"); Mohammed Naveed Khan as "Naveed" / "Mohammed": one side's
    forename is the other's surname and its further forename the other's forename. The pair
    agrees on both names, swapped. A further forename that agrees with nothing does not."""
    cases = [  # staff forenames, surname; nominal forenames, surname; levels
        ("Cong Thanh", "Pham", "Pham Cong", "Thanh", ("further_forename", "exact", "swapped")),
        ("Pham Cong", "Thanh", "Cong Thanh", "Pham", ("further_forename", "exact", "swapped")),
        ("Mohammed Naveed", "Khan", "Naveed", "Mohammed", ("further_forename", "exact", "swapped")),
        ("Cong Thanh", "Pham", "Pham Minh", "Thanh", ("different", "exact", "swapped")),
    ]
    born = {"date_of_birth": "1984-03-07"}
    pairs = [
        ({**born, "forenames": a, "surname": b}, {**born, "forenames": c, "surname": d})
        for a, b, c, d, _ in cases
    ]
    levels = [
        _levels_of_numbered_pairs(pairs, comparison)
        for comparison in ("forename", "surname", "name_order")
    ]
    got = {s: tuple(lv[s] for lv in levels) for s in levels[0]}
    assert got == {f"S{i}": want for i, (*_, want) in enumerate(cases)}


def test_given_names_written_as_one_word_or_two_agree_exactly() -> None:
    """Minhong and Min Hong, Van Dung and Vandung, Min-Kyung and Min Kyung, Jo Anne and
    Joanne: one side's forename is the other's first two joined, the same name. A forename
    that only starts the other (Ann, Anne Marie) is not read so."""
    cases = [  # staff forenames; nominal forenames; forename level
        ("Minhong", "Min Hong", "exact"),
        ("Van Dung", "Vandung", "exact"),
        ("Min-Kyung", "Min Kyung", "exact"),
        ("Jo Anne", "Joanne", "exact"),
        ("Huu Dung Minh", "Huudung", "exact"),
        ("Ann", "Anne Marie", "nickname"),
    ]
    person = {"surname": "Nguyen", "date_of_birth": "1984-03-07"}
    got, want = _field_levels(cases, person, "forenames", "forename")
    assert got == want


def test_a_forename_cut_short_at_either_end_is_a_short_form() -> None:
    """Bola for Adebola, Kemi for Oluwakemi, Sade for Folasade: a short form no nickname
    table lists has its own level, after every other. Two letters are too few (Jo), and a
    name inside another but at neither end is different."""
    cases = [
        ("Adebola", "Bola", "short_form"),
        ("Oluwakemi", "Kemi", "short_form"),
        ("Folasade", "Sade", "short_form"),
        ("Olusegun", "Segun", "short_form"),
        ("Jo", "Jolanta", "different"),
        ("Dara", "Adaraolu", "different"),
        ("Amelia", "Amelia", "exact"),
    ]
    person = {"surname": "Adeyemi", "date_of_birth": "1990-11-02"}
    got, want = _field_levels(cases, person, "forenames", "forename")
    assert got == want


def test_a_short_form_ranks_with_different_when_a_pairs_best_name_row_is_chosen() -> None:
    """Choosing among a pair's name rows (as written, swapped, aliases), a short form counts
    as no agreement (Van is the start of Vanessa), so a row whose surname agrees still wins;
    adding the level left every other row's rank as it was."""
    fn = forename(CFG)
    labels = fn.labels()
    con = duckdb.connect()
    ranks = dict(
        con.execute(f"SELECT l, {fn.rank_sql('l')} FROM range({len(labels)}) t(l)").fetchall()
    )
    by_label = {labels[i]: r for i, r in ranks.items()}
    assert by_label["short_form"] == by_label["different"] == by_label["phonetic"] + 1
    assert by_label["missing"] == by_label["different"] + 1
    assert [by_label[x] for x in ("exact", "further_forename", "nickname")] == [1, 2, 3]
    sn = surname(CFG)
    assert sn.rank_sql("s") == f"(CASE s WHEN 0 THEN {len(sn.levels)} ELSE s END)"


def test_mac_mc_and_m_apostrophe_are_one_surname_prefix() -> None:
    """MacDonald, McDonald, Mac Donald and M'Donald are one name as records write it; the
    prefix is read so only for equality, so two different Mac and Mc names do not look alike
    for sharing "MC" (MacEgan and McLean stay different)."""
    cases = [  # staff surname; nominal surname; surname level
        ("MacDonald", "McDonald", "exact"),
        ("M'Donald", "MacDonald", "exact"),
        ("Mac Donald", "McDonald", "exact"),
        ("McNamara", "M’Namara", "exact"),
        ("MacEgan", "McLean", "different"),
        ("Mace", "Mace", "exact"),
    ]
    person = {"forenames": "Padraig", "date_of_birth": "1979-05-21"}
    got, want = _field_levels(cases, person, "surname", "surname")
    assert got == want


def test_middle_names_split_an_exact_forename_three_ways() -> None:
    """With the first forenames identical: a further forename (or its initial) also agreeing
    is strong evidence, every further forename differing is weak (a namesake, or a middle
    name recorded wrong), and no middle name to compare, or two only alike (a spelling, a
    short form), leaves plain exact."""
    cases = [
        ("John Paul", "John Paul", "exact_and_middle"),
        ("John P", "John Paul", "exact_and_middle"),
        ("Sarah Jane Emma", "Sarah Emma", "exact_and_middle"),
        ("John Paul", "John Michael", "exact_other_middle"),
        ("Felix Jurgen", "Felix Juergen", "exact"),
        ("John Damilare", "John Dami", "exact"),
        ("John", "John Paul", "exact"),
        ("John", "John", "exact"),
    ]
    got, want = _field_levels(
        cases, {"surname": "Okafor", "date_of_birth": "1988-02-14"}, "forenames", "forename"
    )
    assert got == want


def test_a_part_of_an_aliass_or_previous_double_barrelled_surname_is_a_variant() -> None:
    """The parts of a double-barrelled surname were split from a person's own surname only:
    a nominal known as "Lewis Marti" with the alias "Jack Paul Ford-Manrique" was scored
    surnames `different` against Jack Paul Manrique, and a maiden name "Hill-Ward" was no
    help to a nominal recorded as Hill."""
    born = {"date_of_birth": "1992-08-13"}
    staff = [
        {"staff_id": "S1", "forenames": "Jack Paul", "surname": "Manrique", **born},
        {
            "staff_id": "S2",
            "forenames": "Rosa",
            "surname": "Okafor",
            "previous_surnames": "Hill-Ward",
            **born,
        },
    ]
    nominals = [
        {"nominal_id": "N1", "forenames": "Lewis", "surname": "Marti", **born},
        {"nominal_id": "N2", "forenames": "Rosa", "surname": "Hill", **born},
    ]
    aliases = [
        {"alias_id": "A1", "nominal_id": "N1", "forenames": "Jack Paul", "surname": "Ford-Manrique"}
    ]
    con = linkage_db(tables(staff=staff, nominals=nominals, aliases=aliases))
    normalise_all(con)
    parts = con.execute("SELECT id, fn, sn FROM r_names WHERE src = 'part' ORDER BY ALL").fetchall()
    assert parts == [("N1", "JACK", "FORD"), ("N1", "JACK", "MANRIQUE")]
    con.execute(
        "CREATE TEMP TABLE p AS SELECT * FROM (VALUES ('S1', 'N1'), ('S2', 'N2')) t(l_id, r_id)"
    )
    compare_pairs(con, "p", CFG, "out")
    labels = {c.name: c.labels() for c in all_comparisons(CFG)}
    got = {
        l_id: (labels["forename"][fn], labels["surname"][sn])
        for l_id, fn, sn in con.execute("SELECT l_id, forename, surname FROM out").fetchall()
    }
    assert got == {"S1": ("exact", "variant_exact"), "S2": ("exact", "variant_exact")}


def test_a_surname_agreeing_whole_and_in_part_is_shown_as_the_rarer_name() -> None:
    """Alexander van Wijk against a nominal whose alias is "Alexander van Wijk": VANWIJK
    agrees and so do its parts VAN and WIJK, all `variant_exact`. The row shown (whose
    term frequency scores the pair) is the rarest, not the first in the alphabet: VAN, a
    part that thousands carry, cost such pairs 4-7 bits."""
    born = {"date_of_birth": "1979-05-24"}
    staff = [{"staff_id": "S1", "forenames": "Alexander", "surname": "van Wijk", **born}]
    nominals = [
        {"nominal_id": "N1", "forenames": "Euan", "surname": "Cameron", **born},
        # other people named van Something make VAN common
        *(
            {"nominal_id": f"N{i}", "forenames": "Piet", "surname": f"van {s}"}
            for i, s in enumerate(("Dijk", "Berg", "Leeuwen", "Vliet"), start=2)
        ),
    ]
    aliases = [
        {"alias_id": "A1", "nominal_id": "N1", "forenames": "Alexander", "surname": "van Wijk"}
    ]
    con = linkage_db(tables(staff=staff, nominals=nominals, aliases=aliases))
    normalise_all(con)
    con.execute("CREATE TEMP TABLE p AS SELECT 'S1' AS l_id, 'N1' AS r_id")
    compare_pairs(con, "p", CFG, "out")
    labels = surname(CFG).labels()
    level, shown = con.execute("SELECT surname, matched_surname FROM out").fetchall()[0]
    assert (labels[level], shown) == ("variant_exact", "VANWIJK")


def test_a_surname_one_typing_slip_apart_is_one_edit_where_similarity_falls_short() -> None:
    """Jaro-Winkler punishes a slip in a short surname (Hara and Hlra, 0.85) or where the
    changed letter recurs nearby (Wilkinson and Winkinson, 0.84): both were `different`,
    and the 300k x 10M run left two planted criminals so, unflagged. A slip stays behind
    the similarity that reaches it; two slips, or a name under three letters, do not count."""
    cases = [  # staff surname; nominal surname; surname level
        ("Hara", "Hlra", "one_edit"),
        ("Wilkinson", "Winkinson", "one_edit"),
        ("Okafor", "Okafro", "fuzzy_high"),
        ("Hara", "Hlro", "different"),
        ("Ng", "Na", "different"),
    ]
    person = {"forenames": "Darren", "date_of_birth": "1980-08-26"}
    got, want = _field_levels(cases, person, "surname", "surname")
    assert got == want


def test_a_surname_of_several_words_in_the_forename_field_agrees_swapped() -> None:
    """A nominal recorded as forenames "van den Corput", surname "Faustino": the swapped
    comparison read only the first word of the forename field (VAN) and called the
    surnames `different` (a planted criminal with no date of birth, at his own dwelling,
    unflagged in the 300k x 10M run). The whole field, run together, is now compared, on
    either side; another surname of several words is still another surname."""
    born = {"date_of_birth": "1983-04-18"}

    def person(forenames: str, surname: str) -> dict[str, str]:
        return {"forenames": forenames, "surname": surname, **born}

    pairs = [
        (person("Faustino", "van den Corput"), person("van den Corput", "Faustino")),
        (person("Garcia Lopez", "Ana"), person("Ana", "Garcia-Lopez")),
        (person("Faustino", "van den Berg"), person("van den Corput", "Faustino")),
    ]
    got = _levels_of_numbered_pairs(pairs, "surname")
    assert got == {"S0": "exact", "S1": "exact", "S2": "different"}
