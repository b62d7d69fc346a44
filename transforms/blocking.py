"""Candidate generation: a union of blocking rules, each an equality join in DuckDB.

A rule names a key built the same way on both sides (or, for swapped names, crosswise).
Pairs that share a key become candidates; a key shared by more right-side people than
``max_block_size`` is capped (skipped for that rule) and the cap is reported, never silent.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from transforms.config import BlockingConfig
from transforms.normalise import PARTICLES


@dataclass(frozen=True)
class BlockingRule:
    """One blocking rule: SQL selecting (id, k) for the left side and for the right side.

    ``{side}`` in the templates is replaced by ``l`` or ``r``; ``r_key`` defaults to ``l_key``.
    A key is a 64-bit hash of the fields it joins on (fields that may be NULL are filtered
    out first): a hash joins and counts faster than text, and a collision can only add a
    candidate pair, never lose one.
    """

    name: str
    description: str
    l_key: str
    r_key: str | None = None

    def key_sql(self, side: str) -> str:
        template = self.l_key if side == "l" or self.r_key is None else self.r_key
        return template.replace("{side}", side)


# Most rules read ``{side}_name_keys`` (``normalise.build_name_keys``): one row per name and
# date of birth, with each name field's hash (``h_*``) taken once, so a rule hashes a few
# integers per row, not the names (a third of the time at 5M nominals). The nickname groups
# are kept as a list so that only the rules that read them unnest them.
_NK = "{side}_name_keys"
# One row per nickname group (``h_grp``: the forename itself if it is in none).
_NKG = f"(SELECT * EXCLUDE (h_grps), unnest(h_grps) AS h_grp FROM {_NK})"

_NAME_SOUND_DOB = (
    f"SELECT id, hash(dob, h_meta) AS k FROM {_NK} WHERE dob IS NOT NULL AND h_meta IS NOT NULL"
)
_FORENAME_GROUP_DOB = (
    f"SELECT id, hash(dob, h_grp) AS k FROM {_NKG} WHERE dob IS NOT NULL AND fn IS NOT NULL"
)
# A one-digit slip in a date of birth changes one of year, month and day: the other two
# still agree, so three keys (year-month, year-day, month-day) catch it.
_SURNAME_INITIAL = f"{_NK} WHERE dob IS NOT NULL AND sn IS NOT NULL AND fn IS NOT NULL"
_SURNAME_INITIAL_YEAR_MONTH = (
    f"SELECT id, hash(h_sn, h_fi, year(dob), month(dob)) AS k FROM {_SURNAME_INITIAL}"
)
_SURNAME_INITIAL_YEAR_DAY = (
    f"SELECT id, hash(h_sn, h_fi, year(dob), day(dob)) AS k FROM {_SURNAME_INITIAL}"
)
_SURNAME_INITIAL_DAY = (
    f"SELECT id, hash(h_sn, h_fi, month(dob), day(dob)) AS k FROM {_SURNAME_INITIAL}"
)
_FULL_NAME = f"SELECT id, hash(h_sn, h_fn) AS k FROM {_NK} WHERE sn IS NOT NULL AND fn IS NOT NULL"
# A person with no date of birth has exactly one row per name, with dob NULL.
_FULL_NAME_NO_DOB = (
    f"SELECT id, hash(h_sn, h_fn) AS k FROM {_NK} "
    "WHERE dob IS NULL AND sn IS NOT NULL AND fn IS NOT NULL"
)
# Two fuzzy fields at once: the forename (or its nickname group) with a surname that sounds
# alike, and the year or the birthday (day and month), for a nickname or a surname typo
# together with a date-of-birth typo. (Keyed on the surname's initial, the birthday rule made
# a quarter of the candidates at 5M nominals, 255,543 pairs no other rule made, and no true
# pair at review on any set measured.)
_GROUP_SOUND_YEAR = (
    f"SELECT id, hash(h_grp, h_meta, year(dob)) AS k FROM {_NKG} "
    "WHERE dob IS NOT NULL AND fn IS NOT NULL AND h_meta IS NOT NULL"
)
_GROUP_SOUND_DAY = (
    f"SELECT id, hash(h_grp, h_meta, month(dob), day(dob)) AS k FROM {_NKG} "
    "WHERE dob IS NOT NULL AND fn IS NOT NULL AND h_meta IS NOT NULL"
)
# With no date of birth on the right, the forename may be a nickname or the surname misspelt:
# the forename group with a surname that sounds alike.
_GROUP_SOUND = (
    f"SELECT id, hash(h_grp, h_meta) AS k FROM {_NKG} WHERE fn IS NOT NULL AND h_meta IS NOT NULL"
)
_GROUP_SOUND_NO_DOB = f"{_GROUP_SOUND} AND dob IS NULL"
# Names one typing slip apart (a letter added, dropped or changed, or two swapped) are found
# once, on each side's distinct names, not on every row: a name of three letters or more is
# written out with each letter deleted, and two names one slip apart share such a form (the
# symmetric-delete trick). ``_near_sn`` and ``_near_fn`` pair each left-side name with the
# different right-side names one slip from it. A rule swaps a left row's name for those right
# names, so it stays an equality join, and the right side (the large one) keeps its plain
# key. This catches a slip that changes how a name sounds, which the phonetic rules cannot.
_MIN_EDIT_LENGTH = 3


def _deletions_sql(col: str, side: str) -> str:
    """SQL (name, d): each distinct ``col`` of ``{side}_names`` as written and with each
    letter deleted (names shorter than ``_MIN_EDIT_LENGTH`` only as written)."""
    return f"""
        SELECT DISTINCT name, CASE WHEN i = 0 THEN name
                                   ELSE left(name, i - 1) || substr(name, i + 1) END AS d
        FROM (
            SELECT name, unnest(range(0, CASE WHEN length(name) >= {_MIN_EDIT_LENGTH}
                                              THEN length(name) + 1 ELSE 1 END)) AS i
            FROM (SELECT DISTINCT {col} AS name FROM {side}_names WHERE {col} IS NOT NULL)
        )
    """


def build_near_names(con: duckdb.DuckDBPyConnection) -> None:
    """``_near_sn`` and ``_near_fn`` (l_name, r_name): different names one slip apart."""
    for col in ("sn", "fn"):
        con.execute(f"CREATE OR REPLACE TEMP TABLE _l_del AS {_deletions_sql(col, 'l')}")
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE _near_{col} AS
            SELECT DISTINCT l.name AS l_name, r.name AS r_name
            FROM _l_del l JOIN ({_deletions_sql(col, "r")}) r USING (d)
            WHERE l.name <> r.name
        """)
    con.execute("DROP TABLE _l_del")


_NAMES_ONLY = f"{_NK} WHERE sn IS NOT NULL AND fn IS NOT NULL"
# With a date of birth, a name slip comes with a slip in the date: the year or the birthday
# (day and month) still agrees, as it does when day and month are swapped.
_BIRTH_PARTS = (", year(dob)", ", month(dob), day(dob)")
# A date of birth worked out from an age (an event's date less the age in years), or given a
# placeholder day and month (1 January) with such a year: the year is the true one if the
# birthday had passed by the event, else one later. The right side (intelligence) is the
# one that records such dates, so the left side's year is keyed as it is and one later; a
# year earlier as well would add half as many pairs again (5M nominals) for no such date.
_FULL_NAME_YEAR_NEAR_L = " UNION ALL ".join(
    f"SELECT id, hash(h_sn, h_fn, year(dob) + {d}) AS k FROM {_NAMES_ONLY} AND dob IS NOT NULL"
    for d in (0, 1)
)
_FULL_NAME_YEAR = (
    f"SELECT id, hash(h_sn, h_fn, year(dob)) AS k FROM {_NAMES_ONLY} AND dob IS NOT NULL"
)
# A date of birth worked out from an age is written 1 January of that year (the year the
# event's date less the age gives, or the next); recorded so, the forename is often an
# initial too (A Owolabi, 01/01/1991). Only the right side's 1 January dates are keyed.
_SOUND_INITIAL = f"{_NK} WHERE dob IS NOT NULL AND h_meta IS NOT NULL AND fn IS NOT NULL"
_SOUND_INITIAL_YEAR_NEAR_L = " UNION ALL ".join(
    f"SELECT id, hash(h_meta, h_fi, year(dob) + {d}) AS k FROM {_SOUND_INITIAL}" for d in (0, 1)
)
_SOUND_INITIAL_FIRST_JANUARY = (
    f"SELECT id, hash(h_meta, h_fi, year(dob)) AS k FROM {_SOUND_INITIAL} "
    "AND month(dob) = 1 AND day(dob) = 1"
)
# A forename recorded as its initial alone (J Smith), with no date of birth on the right.
# A surname that sounds alike, not the same: with only an initial and no date of birth, a
# record written another way (Pölitz as POELITZ) has nothing else to be found by.
_SURNAME_INITIAL_ANY = (
    f"SELECT id, hash(h_meta, h_fi) AS k FROM {_NAMES_ONLY} AND h_meta IS NOT NULL"
)
_SURNAME_INITIAL_ONLY_NO_DOB = f"{_SURNAME_INITIAL_ANY} AND dob IS NULL AND length(fn) = 1"


def _near_key(
    fuzzy: str, birth: bool, forename: str = "h_fn", parts: tuple[str, ...] | None = None
) -> str:
    """SQL (id, k) for the left side: the surname and forename (its ``forename`` key),
    ``fuzzy`` replaced by each right-side name one slip from it, and one key per part of the
    date of birth in ``_BIRTH_PARTS`` if ``birth`` (else the date of birth plays no part on
    the left); ``parts``: other parts instead, over the left rows ``l``."""
    sn = "hash(nr.r_name)" if fuzzy == "sn" else "l.h_sn"
    fn = "hash(nr.r_name)" if fuzzy == "fn" else f"l.{forename}"
    if parts is None:
        parts = tuple(p.replace("(dob)", "(l.dob)") for p in _BIRTH_PARTS) if birth else ("",)
    return " UNION ALL ".join(
        f"""
        SELECT l.id, hash({sn}, {fn}{p}) AS k
        FROM {_NK.replace("{side}", "l")} l JOIN _near_{fuzzy} nr ON nr.l_name = l.{fuzzy}
        WHERE l.sn IS NOT NULL AND l.fn IS NOT NULL {"AND l.dob IS NOT NULL" if birth else ""}
        """
        for p in parts
    )


# The date of birth exact, the forename initial alone agreeing, the surnames one slip apart
# (E Z PRIXE for Erik Zachary Price): a slip that changes the surname's sound, with the
# forename an initial or written another way.
_DOB_INITIAL_NEAR_SN = _near_key("sn", birth=True, forename="h_fi", parts=(", l.dob",))
_DOB_INITIAL = f"SELECT id, hash(h_sn, h_fi, dob) AS k FROM {_NAMES_ONLY} AND dob IS NOT NULL"


def _plain_key(birth: bool) -> str:
    """SQL (id, k): surname and forename as written, with each part of the date of birth in
    ``_BIRTH_PARTS`` if ``birth``, else for rows with no date of birth."""
    if not birth:
        return _FULL_NAME_NO_DOB
    return " UNION ALL ".join(
        f"SELECT id, hash(h_sn, h_fn{p}) AS k FROM {_NAMES_ONLY} AND dob IS NOT NULL"
        for p in _BIRTH_PARTS
    )


# A name whose words are all among the other's, in any order, where the right side records
# no date of birth: a middle name used as the forename (Luke Crancombe for David Luke
# Crancombe), a name written family name first (Nguyen Quoc / Son for Quoc Son Nguyen), a
# father's name recorded as the surname (Ibrahim / Yusuf for Ibrahim Yusuf Darwish), Singh
# or Kaur moved between forename and surname. The words are the forenames and the surname
# (as one word, and as its parts), without particles (AL, VAN, BIN); a name is also taken
# with its forenames joined (Jing Ying / Jingying). Each side keys its whole name (as a
# sorted list of words) and each two of its words; a whole name meets the other side's
# whole name or pairs, but pairs never meet pairs: two people sharing a middle name and a
# surname (Rajinder Singh Gill, Harpreet Singh Gill) are no candidates for it. A tag keeps
# the two ways apart.
_NAME_WORDS_L = (
    "SELECT id, hash(k, 1) AS k FROM _l_name_words "
    "UNION ALL SELECT id, hash(k, 2) AS k FROM _l_name_words WHERE whole"
)
_NAME_WORDS_R = (
    "SELECT id, hash(k, 1) AS k FROM _r_name_words WHERE whole "
    "UNION ALL SELECT id, hash(k, 2) AS k FROM _r_name_words"
)


# Particles written apart from the name they precede (AL HASHIMI, BIN HASSAN, VAN DER
# BERG); MAC, MC, O and ST are kept, since they are as often written joined to it.
_SEPARATE_PARTICLES = tuple(p for p in PARTICLES if p not in ("MAC", "MC", "O", "ST"))


def _name_lists_sql(side: str) -> str:
    """SQL (id, fw, sw, ws, wp): each person's forenames and surname parts as lists of words,
    without particles; ``ws`` the forenames with the surname as one word (its parts joined),
    ``wp`` with its parts apart. Right-side people only if they record no date of birth (on
    no alias either)."""
    no_dob = (
        "WHERE p.dob IS NULL AND NOT EXISTS (SELECT 1 FROM r_dobs d WHERE d.id = p.id AND d.alias)"
        if side == "r"
        else ""
    )
    particles = "[" + ", ".join(f"'{w}'" for w in _SEPARATE_PARTICLES) + "]"
    words = f"lambda w: w <> '' AND NOT list_contains({particles}, w)"
    return f"""
        SELECT *, fw || CASE WHEN len(sw) > 0 THEN [array_to_string(sw, '')] ELSE [] END AS ws,
               fw || sw AS wp
        FROM (
            SELECT id,
                   list_filter(string_split(replace(concat_ws(' ', fn, fn_rest), '-', ' '), ' '),
                               {words}) AS fw,
                   list_filter(string_split(replace(sn_folded, '-', ' '), ' '), {words}) AS sw
            FROM {side}_person p {no_dob}
        )
    """


def _pairs_sql(words: str) -> str:
    """SQL list: the hash of each two words of the list ``words``, in sorted order."""
    return (
        f"flatten(list_transform(range(1, len({words}) + 1), lambda i: list_transform("
        f"range(i + 1, len({words}) + 1), lambda j: hash(list_sort([{words}[i], {words}[j]])))))"
    )


def build_name_words(con: duckdb.DuckDBPyConnection) -> None:
    """``_l_name_words`` and ``_r_name_words`` (id, k, whole): each person's whole name and
    each two of its words, as the hash of the sorted words (``whole``: the whole name).

    A name is taken with its surname as one word (Midridge-Davies, a part of no other
    name), with its surname's parts apart (Rodriguez / Garcia, each a name of its own),
    and with its forenames joined (Jing Ying / Jingying). Built from lists, not a row per
    word: under a third of the time at 5M nominals."""
    for side in ("l", "r"):
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE _{side}_name_words AS
            WITH p AS MATERIALIZED ({_name_lists_sql(side)})
            SELECT id, hash(list_sort(ws)) AS k, TRUE AS whole FROM p WHERE len(ws) >= 2
            UNION ALL
            SELECT id, hash(list_sort(wp)), TRUE FROM p WHERE len(sw) >= 2
            UNION ALL  -- the forenames joined, where there are two or more
            SELECT id, hash(list_sort([array_to_string(fw, ''), ws[-1]])), TRUE
            FROM p WHERE len(fw) >= 2 AND len(sw) >= 1
            UNION ALL  -- a two-word name's one pair is its whole name, keyed above
            SELECT id, unnest({_pairs_sql("ws")}), FALSE FROM p WHERE len(ws) >= 3
            UNION ALL
            SELECT id, unnest({_pairs_sql("wp")}), FALSE FROM p WHERE len(sw) >= 2
        """)


_DOB_SWAPPED_SOUND = (
    f"SELECT id, hash(make_date(year(dob), day(dob), month(dob)), h_meta) AS k FROM {_NK} "
    "WHERE dob IS NOT NULL AND h_meta IS NOT NULL AND day(dob) <= 12 AND day(dob) <> month(dob)"
)
# Swapped names: the forename field may hold a double-barrelled surname with its hyphen, which
# the surname field drops, so the forename is compared without hyphens (``h_fc``).
_FORENAME_FIRST = f"SELECT id, hash(h_fc, h_sn) AS k FROM {_NAMES_ONLY}"
_SURNAME_FIRST = f"SELECT id, hash(h_sn, h_fc) AS k FROM {_NAMES_ONLY}"
# Names crossed with the same date of birth: one side's forename is the other's surname, or
# spelt alike, in either direction ("Pham Cong" / "Thanh" for Cong Thanh Pham, written
# family name first and split as a western name; "Naveed" / "Mohammed" for Mohammed Naveed
# Khan; "Dohyun" / "Um" for Dohyeon Eom, family name first and transliterated). Spelt alike
# is the match rating codex, not metaphone, which pairs common forenames with common
# surnames (Brian and Brown, Karen and Green): at 50k x 1M the rule made 1,824 pairs on the
# names as written, 4,345 on the codex and 6,570 on metaphone. A tag in the key keeps the
# two directions apart.
_DOB_CROSSED_L = (
    f"SELECT id, hash(dob, 1, h_mra) AS k FROM {_NAMES_ONLY} AND dob IS NOT NULL "
    f"UNION ALL SELECT id, hash(dob, 2, h_fmra) AS k FROM {_NAMES_ONLY} AND dob IS NOT NULL"
)
_DOB_CROSSED_R = (
    f"SELECT id, hash(dob, 1, h_fmra) AS k FROM {_NAMES_ONLY} AND dob IS NOT NULL "
    f"UNION ALL SELECT id, hash(dob, 2, h_mra) AS k FROM {_NAMES_ONLY} AND dob IS NOT NULL"
)
# Both names written another way at once, the date of birth exact: a forename that sounds
# alike (Erifyli / Erifili, Samira / Samirah) with any surname, for a transliterated or
# misspelt surname as well (Mpoziki / Boziki, Islam / Ilsam).
_DOB_FORENAME_SOUND = f"SELECT id, hash(dob, h_fmeta) AS k FROM {_NAMES_ONLY} AND dob IS NOT NULL"
_DWELLING_INITIAL = """
    SELECT a.id, hash(a.dwelling, left(n.fn, 1)) AS k
    FROM {side}_addr a JOIN {side}_names n USING (id)
    WHERE a.pc IS NOT NULL AND a.house IS NOT NULL AND n.fn IS NOT NULL
"""
_DOB_SECTOR = """
    SELECT a.id, hash(d.dob, a.pc_sector) AS k
    FROM {side}_addr a JOIN {side}_dobs d USING (id) WHERE a.pc_sector IS NOT NULL
"""
# An address written with no full postcode ("2 ALLEN ROAD, BIRMINGHAM" in an intelligence
# record, or with its outward code alone), which no postcode rule can reach: the house number
# and the street's first word, with the initials of forename and surname in either order (a
# name written family name first, transliterated or shortened keeps its initials: "ZHENG, CHI
# CHIANG" for Zhi-qiang Cheng). Only such right-side lines have a street (``build_addresses``),
# so one key serves both sides, and the right side's names are read for those people alone.
_HOUSE_STREET_INITIALS = """
    WITH a AS (SELECT id, house, split_part(street, ' ', 1) AS word FROM {side}_addr
               WHERE house IS NOT NULL AND street IS NOT NULL),
    n AS (SELECT DISTINCT id, coalesce(left(fn, 1), '') AS i, coalesce(left(sn, 1), '') AS j
          FROM {side}_names WHERE id IN (SELECT id FROM a))
    SELECT a.id, hash(a.house, a.word, least(n.i, n.j), greatest(n.i, n.j)) AS k
    FROM a JOIN n USING (id)
"""
# An intelligence record may give only the postcode's outward code ("WR2"): its district,
# against the left side's districts. (Every right-side district would make a block of each
# left person's date of birth and district: 3% more candidates at 5M nominals.)
_DOB_DISTRICT = """
    SELECT a.id, hash(d.dob, a.pc_district) AS k
    FROM {side}_addr a JOIN {side}_dobs d USING (id) WHERE a.pc_district IS NOT NULL
"""
_DOB_DISTRICT_ONLY_R = f"{_DOB_DISTRICT} AND a.pc IS NULL"
# A phone number in either side's history: one person's records whatever their names and
# dates of birth say (a transliteration, an initial, no date of birth). People sharing a
# number (a household, a business) are compared too, and their names tell them apart.
_PHONE = "SELECT id, hash(phone) AS k FROM {side}_phone"
_PHONE_R = f"{_PHONE} WHERE phone IN (SELECT phone FROM l_phone)"
# A postcode in either address history with a name key: for a date of birth recorded wrong
# together with a name slip or a house number. A full postcode is a few dozen households in
# the UK, so these blocks stay small; where postcodes are coarser they are capped like any.
# ``{pcs}`` is the side's (id, pc) rows; the right side's are cut to the left side's postcodes
# before the join to names, which would otherwise run over every right person.
_PCS = "(SELECT DISTINCT id, pc FROM {side}_addr WHERE pc IS NOT NULL)"
_PCS_R = "(SELECT DISTINCT id, pc FROM r_addr WHERE pc IN (SELECT pc FROM l_addr))"
_POSTCODE_SOUND = (
    f"SELECT a.id, hash(a.pc, n.h_meta) AS k FROM {{pcs}} a "
    f"JOIN {_NK} n USING (id) WHERE n.h_meta IS NOT NULL"
)
_POSTCODE_GROUP = (
    "SELECT id, hash(pc, h_grp) AS k FROM (SELECT a.id, a.pc, unnest(n.h_grps) AS h_grp "
    f"FROM {{pcs}} a JOIN {_NK} n USING (id) WHERE n.fn IS NOT NULL)"
)


def _crossed_key(first: str, second: str) -> str:
    """SQL: the ``{pcs}`` rows' three keys of ``_POSTCODE_CROSSED_*`` (postcode, tag, name
    sound), ``first`` and ``second`` the sounds keyed under tags 1 and 2. The postcodes are
    joined to the names before the keys are made: the right side's names are millions."""
    keys = ", ".join(
        f"CASE WHEN n.{col} IS NOT NULL THEN hash(a.pc, {tag}, n.{col}) END"
        for tag, col in ((1, first), (2, second), (3, "h_fmeta"))
    )
    return (
        f"SELECT id, k FROM (SELECT a.id, unnest([{keys}]) AS k "
        f"FROM {{pcs}} a JOIN {_NK} n USING (id)) WHERE k IS NOT NULL"
    )


# Names that sound alike across fields at one postcode: one side's forename like the other's
# surname in either direction (a name swapped or written family name first, then a slip or
# a nickname besides), or forename like forename (Sara / Zara, in no nickname group). A tag
# keeps the three apart.
_POSTCODE_CROSSED_L = _crossed_key("h_fmeta", "h_meta")
_POSTCODE_CROSSED_R = _crossed_key("h_meta", "h_fmeta")
# The right side's addresses are cut to dwellings, postcodes and sectors the left side has
# before they are joined to names or dates of birth: the join would otherwise run over every
# right row.
_DWELLING_INITIAL_R = f"{_DWELLING_INITIAL} AND a.dwelling IN (SELECT dwelling FROM l_addr)"
_DOB_SECTOR_R = f"{_DOB_SECTOR} AND a.pc_sector IN (SELECT pc_sector FROM l_addr)"


def _postcode_rule(name: str, description: str, key: str, r_key: str | None = None) -> BlockingRule:
    """A rule keyed on ``{pcs}`` rows: each side's own, the right side's cut to the left's.
    ``r_key``: the right side's key where it differs from the left's."""
    return BlockingRule(
        name,
        description,
        key.replace("{pcs}", _PCS),
        r_key=(r_key or key).replace("{pcs}", _PCS_R),
    )


RULES: tuple[BlockingRule, ...] = (
    BlockingRule(
        "dob_surname_sound",
        "same date of birth and a surname (or previous surname, alias, part) that sounds alike",
        _NAME_SOUND_DOB,
    ),
    BlockingRule(
        "dob_forename_group",
        "same date of birth and the same forename or nickname group",
        _FORENAME_GROUP_DOB,
    ),
    BlockingRule(
        "surname_initial_birth_month",
        "same surname and forename initial, same year and month of birth (a typo in the day)",
        _SURNAME_INITIAL_YEAR_MONTH,
    ),
    BlockingRule(
        "surname_initial_birth_year_day",
        "same surname and forename initial, same year and day of birth (a typo in the month)",
        _SURNAME_INITIAL_YEAR_DAY,
    ),
    BlockingRule(
        "surname_initial_birth_day",
        "same surname and forename initial, same day and month of birth (a typo in the year)",
        _SURNAME_INITIAL_DAY,
    ),
    BlockingRule(
        "full_name_no_dob",
        "same surname and forename where the right side records no date of birth",
        _FULL_NAME,
        r_key=_FULL_NAME_NO_DOB,
    ),
    BlockingRule(
        "name_sound_no_dob",
        "same forename or nickname group and a surname that sounds alike, where the right "
        "side records no date of birth (a nickname or a surname typo)",
        _GROUP_SOUND,
        r_key=_GROUP_SOUND_NO_DOB,
    ),
    BlockingRule(
        "surname_initial_only_no_dob",
        "a surname that sounds alike, and the right side records the forename as its initial "
        "alone and no date of birth (J Smith, R POELITZ for Ramazan Pölitz)",
        _SURNAME_INITIAL_ANY,
        r_key=_SURNAME_INITIAL_ONLY_NO_DOB,
    ),
    BlockingRule(
        "full_name_birth_year_near",
        "same surname and forename, the right side born in the same year or the next (a "
        "date of birth worked out from an age, a placeholder day and month)",
        _FULL_NAME_YEAR_NEAR_L,
        r_key=_FULL_NAME_YEAR,
    ),
    BlockingRule(
        "initial_first_january_year_near",
        "a surname that sounds alike and the same forename initial, the right side born on 1 "
        "January of the same year or the next (a date of birth worked out from an age)",
        _SOUND_INITIAL_YEAR_NEAR_L,
        r_key=_SOUND_INITIAL_FIRST_JANUARY,
    ),
    BlockingRule(
        "surname_forename_one_edit_no_dob",
        "same surname and forenames one typing slip apart, where the right side records no "
        "date of birth (a forename typo)",
        _near_key("fn", birth=False),
        r_key=_plain_key(birth=False),
    ),
    BlockingRule(
        "forename_surname_one_edit_no_dob",
        "same forename and surnames one typing slip apart, where the right side records no "
        "date of birth (a surname typo)",
        _near_key("sn", birth=False),
        r_key=_plain_key(birth=False),
    ),
    BlockingRule(
        "surname_forename_one_edit_birth",
        "same surname, forenames one typing slip apart, and the same year of birth or "
        "birthday (a forename typo and a slip in the date of birth)",
        _near_key("fn", birth=True),
        r_key=_plain_key(birth=True),
    ),
    BlockingRule(
        "forename_surname_one_edit_birth",
        "same forename, surnames one typing slip apart, and the same year of birth or "
        "birthday (a surname typo and a slip in the date of birth)",
        _near_key("sn", birth=True),
        r_key=_plain_key(birth=True),
    ),
    BlockingRule(
        "dob_initial_surname_one_edit",
        "same date of birth and forename initial, surnames one typing slip apart (a slip "
        "that changes the surname's sound, the forename an initial or misspelt)",
        _DOB_INITIAL_NEAR_SN,
        r_key=_DOB_INITIAL,
    ),
    BlockingRule(
        "forename_group_sound_birth_year",
        "same forename or nickname group, a surname that sounds alike and the same year of "
        "birth (a surname typo and a typo in day or month)",
        _GROUP_SOUND_YEAR,
    ),
    BlockingRule(
        "forename_group_sound_birth_day",
        "same forename or nickname group, a surname that sounds alike, and the same day and "
        "month of birth (a surname typo and a typo in the year)",
        _GROUP_SOUND_DAY,
    ),
    BlockingRule(
        "dob_day_month_swapped",
        "date of birth with day and month swapped, surname that sounds alike",
        _DOB_SWAPPED_SOUND,
        r_key=_NAME_SOUND_DOB,
    ),
    BlockingRule(
        "names_swapped",
        "forename and surname recorded the wrong way round",
        _FORENAME_FIRST,
        r_key=_SURNAME_FIRST,
    ),
    BlockingRule(
        "dob_names_crossed",
        "same date of birth and one side's forename spelt like the other's surname (a name "
        "written family name first, a given name recorded as the surname)",
        _DOB_CROSSED_L,
        r_key=_DOB_CROSSED_R,
    ),
    BlockingRule(
        "dob_forename_sound",
        "same date of birth and a forename that sounds alike (both names written another "
        "way: a transliterated surname, a typo in each)",
        _DOB_FORENAME_SOUND,
    ),
    BlockingRule(
        "name_words_no_dob",
        "one side's whole name is among the other's name words, in any order, where the right "
        "side records no date of birth (a middle name used as the forename, a name written "
        "family name first, a father's name or Singh as the surname)",
        _NAME_WORDS_L,
        r_key=_NAME_WORDS_R,
    ),
    BlockingRule(
        "dwelling_forename_initial",
        "the same dwelling (postcode, house, flat) in any address history, same forename initial",
        _DWELLING_INITIAL,
        r_key=_DWELLING_INITIAL_R,
    ),
    BlockingRule(
        "dob_postcode_sector",
        "same date of birth and an address in the same postcode sector",
        _DOB_SECTOR,
        r_key=_DOB_SECTOR_R,
    ),
    BlockingRule(
        "dob_postcode_district_only",
        "same date of birth, and the right side gives only the district of a postcode the "
        "left side has (an area, not an address)",
        _DOB_DISTRICT,
        r_key=_DOB_DISTRICT_ONLY_R,
    ),
    BlockingRule(
        "house_street_initials",
        "the same house number and street, where the right side writes the address with no "
        "full postcode, and the same initials in either order (names written another way)",
        _HOUSE_STREET_INITIALS,
    ),
    BlockingRule(
        "phone",
        "a phone number in common in either history (names and date of birth written "
        "another way or missing)",
        _PHONE,
        r_key=_PHONE_R,
    ),
    _postcode_rule(
        "postcode_surname_sound",
        "the same full postcode in any address history and a surname that sounds alike (a "
        "date of birth recorded wrong)",
        _POSTCODE_SOUND,
    ),
    _postcode_rule(
        "postcode_forename_group",
        "the same full postcode in any address history and the same forename or nickname "
        "group (a date of birth recorded wrong, a new surname)",
        _POSTCODE_GROUP,
    ),
    _postcode_rule(
        "postcode_names_crossed",
        "the same full postcode in any address history and a forename that sounds like the "
        "other side's surname or forename (names swapped with a slip or a nickname, a "
        "forename misspelt)",
        _POSTCODE_CROSSED_L,
        _POSTCODE_CROSSED_R,
    ),
)


def generate_candidates(
    con: duckdb.DuckDBPyConnection,
    cfg: BlockingConfig,
    rules: tuple[BlockingRule, ...] = RULES,
    out_table: str = "candidates",
) -> pd.DataFrame:
    """Create ``{out_table}(l_id, r_id, rules)`` and return the per-rule report.

    The report has one row per rule: pairs it produced, keys capped and right-side rows in
    those capped keys. Each rule adds its pairs once, so a pair's rules need no DISTINCT
    (half the time of grouping at 5M nominals); rule names must be unique.
    """
    names = [rule.name for rule in rules]
    if len(set(names)) != len(names):
        raise ValueError(f"blocking rule names must be unique: {names}")
    report = []
    # ids keep the sides' own type (text in the nightly flow, numbers in ``sweep link``)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _rule_pairs AS
        SELECT l.id AS l_id, r.id AS r_id, NULL::VARCHAR AS rule
        FROM (SELECT id FROM l_person LIMIT 0) l, (SELECT id FROM r_person LIMIT 0) r
    """)
    build_near_names(con)
    build_name_words(con)
    for rule in rules:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _lk AS SELECT DISTINCT * FROM ({rule.key_sql('l')})"
        )
        # Only right-side keys the left side has can pair (or be capped): filtering on them
        # before the DISTINCT keeps the large side's DISTINCT and key counts small.
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE _rk AS
            SELECT DISTINCT * FROM ({rule.key_sql("r")}) WHERE k IN (SELECT k FROM _lk)
        """)
        # _rk is distinct on (id, k): one row per person per key.
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _rk_size AS SELECT k, count(*) AS n FROM _rk GROUP BY k"
        )
        capped_keys, capped_rows = con.execute(
            "SELECT count(*), coalesce(sum(n), 0) FROM _rk_size WHERE n > ?",
            [cfg.max_block_size],
        ).fetchall()[0]
        n_pairs = con.execute(
            f"""
            INSERT INTO _rule_pairs
            SELECT DISTINCT lk.id, rk.id, '{rule.name}'
            FROM _lk lk JOIN _rk rk ON lk.k = rk.k
            JOIN _rk_size s ON s.k = rk.k AND s.n <= ?
            """,
            [cfg.max_block_size],
        ).fetchall()[0][0]
        report.append(
            {
                "rule": rule.name,
                "description": rule.description,
                "pairs": int(n_pairs),
                "capped_keys": int(capped_keys),
                "capped_right_rows": int(capped_rows),
            }
        )
    con.execute(f"""
        CREATE OR REPLACE TABLE {out_table} AS
        SELECT l_id, r_id, list(rule ORDER BY rule) AS rules
        FROM _rule_pairs GROUP BY l_id, r_id
    """)
    for t in (
        "_rule_pairs",
        "_lk",
        "_rk",
        "_rk_size",
        "_near_sn",
        "_near_fn",
        "_l_name_words",
        "_r_name_words",
    ):
        con.execute(f"DROP TABLE IF EXISTS {t}")
    return pd.DataFrame(report)


def blocking_recall(
    con: duckdb.DuckDBPyConnection, truth_pairs: pd.DataFrame, table: str = "candidates"
) -> pd.DataFrame:
    """Per rule and overall: how many of the true (l_id, r_id) pairs the candidates contain."""
    con.register("_truth_pairs", truth_pairs[["l_id", "r_id"]])
    out = con.execute(f"""
        WITH t AS (SELECT DISTINCT l_id, r_id FROM _truth_pairs),
        hit AS (
            SELECT t.l_id, t.r_id, c.rules FROM t LEFT JOIN {table} c USING (l_id, r_id)
        ),
        per_rule AS (
            SELECT unnest(rules) AS rule, count(*) AS true_pairs FROM hit
            WHERE rules IS NOT NULL GROUP BY 1
        )
        SELECT rule, true_pairs FROM per_rule
        UNION ALL
        SELECT 'ALL', count(*) FILTER (WHERE rules IS NOT NULL) FROM hit
        UNION ALL
        SELECT 'TRUTH', count(*) FROM hit
    """).df()
    con.unregister("_truth_pairs")
    return out


def capped_warning(report: pd.DataFrame, cfg: BlockingConfig) -> str | None:
    """One line naming the rules that capped keys and how many, or None. A capped key's
    pairs are not generated by that rule (other rules may still pair its people), which the
    user must hear on every run, not only with a truth file."""
    capped = report[report["capped_keys"] > 0]
    if capped.empty:
        return None
    per_rule = ", ".join(f"{r.rule} {r.capped_keys:,}" for r in capped.itertuples(index=False))
    return (
        f"warning: {int(capped['capped_keys'].sum()):,} blocking keys shared by more than "
        f"{cfg.max_block_size:,} right-side people were capped ({per_rule}): those rules "
        "made no pairs on them, so people who share only such a key are not compared; raise "
        "blocking.max_block_size in the config if the time allows"
    )
