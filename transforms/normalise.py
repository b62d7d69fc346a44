"""Normalise both sides of a linkage into the same shapes, in DuckDB.

Each side (``l`` = staff, ``r`` = intelligence) is first exposed as standard source views
(``{side}_src_person``, ``{side}_src_alias``, ``{side}_src_address``, ``{side}_src_phone``,
``{side}_src_vehicle``); everything after that is schema-agnostic. Normalisation is done by
SQL over whole columns, and by Python only over the vocabulary of distinct names (for phonetic
codes), never per row.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata

import duckdb
import jellyfish
import pandas as pd
from anyascii import anyascii

from transforms.config import MatchConfig
from transforms.nicknames_table import nickname_groups

SIDES = ("l", "r")

# Titles come before a name and suffixes after it: only there are they taken out, and only
# when a name is left. Some titles are surnames too ("Jane Lord" keeps hers; a surname
# field holding only "Lord" is the surname LORD).
_SURNAME_TITLES = "SIR|DAME|LORD|LADY"
_TITLES = f"MR|MRS|MS|MISS|MX|DR|PROF|REV|{_SURNAME_TITLES}"
_SUFFIXES = "JR|JNR|SR|SNR|II|III|IV"


# Characters written for an apostrophe in names (O’Brien, D‘Arcy, Oʼ Neill, O´Brien, O′Brien);
# the backtick is ASCII, and fold_sql removes it with the apostrophe.
_APOSTROPHES = "\u2019\u2018\u02bc\u00b4\u2032"

# A hyphenated forename's first part (ZHI of ZHI-QIANG, JEAN of JEAN-PAUL): the forename
# another record writes as two words, or gives alone. Blocking keys carry it beside the
# whole forename (build_name_keys), so the phonetic vocabulary holds it too.
_FORENAME_PART = "split_part(fn, '-', 1)"
_HAS_PART = f"contains(fn, '-') AND length({_FORENAME_PART}) >= 2"

# jellyfish's match rating codex takes letters only; a forename may keep a hyphen.
_NOT_LETTER = re.compile("[^A-Z]")

# The Python function fold_sql calls for text that is not ASCII (register_functions).
_LATIN_UDF = "sweep_latin"


def latin(text: str) -> str:
    """A name in any script in Latin letters ("Иванова" -> "Ivanova", "Γιώργος" ->
    "Giorgos", "王伟" -> "WangWei"), by anyascii; symbols and emoji become spaces first, as
    fold_sql treats them, rather than words (anyascii spells them out). A typographic
    apostrophe (D’Arcy, as word processors write it) is an apostrophe."""
    kept = "".join(
        "'"
        if ch in _APOSTROPHES
        else (ch if unicodedata.category(ch)[0] in "LMNZ" or ch in "-'," else " ")
        for ch in text
    )
    return anyascii(kept)


def register_functions(con: duckdb.DuckDBPyConnection) -> None:
    """Register on ``con`` the Python function that SQL from :func:`fold_sql` calls. Every
    function here that folds names calls this first; doing it again does nothing."""
    with contextlib.suppress(duckdb.NotImplementedException):  # registered already
        con.create_function(_LATIN_UDF, latin, ["VARCHAR"], "VARCHAR", side_effects=False)


def fold_sql(expr: str, surname: bool = False) -> str:
    """SQL expression: upper-case, accents, specials and other scripts written in Latin
    letters, punctuation removed, hyphens and single spaces kept (so double-barrelled names
    can be split), and leading titles and trailing suffixes taken out where a name is left.
    A value that is only a title or suffix is missing ("Mr" as a forename), except a title
    that is also a surname when ``surname`` is set ("Lord"). Only text that is not ASCII (a
    few distinct names) goes through Python (:func:`latin`); the connection needs
    :func:`register_functions`."""
    raw = f"coalesce({expr}, '')"
    text = f"(CASE WHEN strlen({raw}) = length({raw}) THEN {raw} ELSE {_LATIN_UDF}({raw}) END)"
    out = f"upper({text})"  # ASCII from here: anyascii spelt out accents, ß, Ø and the rest
    if surname:  # M'Donald: the apostrophe stands for "ac", and would leave MDONALD
        out = f"regexp_replace({out}, '^\\s*M[''`]\\s*', 'MAC')"
    out = f"regexp_replace({out}, '[''`]', '', 'g')"  # O'Brien, O`Brien -> OBRIEN
    out = f"regexp_replace({out}, '[^A-Z -]', ' ', 'g')"
    out = f"trim(regexp_replace({out}, '\\s+', ' ', 'g'))"
    only = f"{_TITLES}|{_SUFFIXES}"
    if surname:
        only = "|".join(t for t in only.split("|") if t not in _SURNAME_TITLES.split("|"))
    # One pass, each part anchored: leading titles (the space: a name follows), trailing
    # suffixes, or a value that is only a title. The expression so far appears once: DuckDB
    # would work it out again for each time it is written.
    edges = f"^(?:(?:{_TITLES}) )+|(?: (?:{_SUFFIXES}))+$|^(?:{only})$"
    return f"nullif(regexp_replace({out}, '{edges}', '', 'g'), '')"


def known_sql(expr: str, placeholders: tuple[str, ...], cast: str = "VARCHAR") -> str:
    """SQL expression: ``expr``, or NULL where it is one of ``placeholders`` (values that
    record "not known": MatchConfig.placeholder_names and placeholder_dobs)."""
    if not placeholders:
        return expr
    if cast == "VARCHAR":
        # One anchored match, so ``expr`` (a whole name fold) is written once: DuckDB works
        # out each copy in a CASE again, which took a fold of 591,532 names from 0.5 to 1.9 s.
        words = "|".join(re.escape(p).replace("'", "''") for p in placeholders)
        return f"nullif(regexp_replace({expr}, '^(?:{words})$', ''), '')"
    values = ", ".join(f"'{p}'::{cast}" for p in placeholders)
    return f"(CASE WHEN {expr} IN ({values}) THEN NULL ELSE {expr} END)"


# Words that begin a surname and are no name of their own (VAN DER BERG, AL HASHIMI).
PARTICLES = (
    "VAN",
    "VON",
    "DER",
    "DEN",
    "DE",
    "DI",
    "DA",
    "DU",
    "DEL",
    "DELLA",
    "DOS",
    "DAS",
    "LA",
    "LE",
    "AL",
    "EL",
    "BIN",
    "BEN",
    "ST",
    "MAC",
    "MC",
    "O",
)


def compact_sql(expr: str) -> str:
    """SQL expression: a folded name with spaces and hyphens removed (SMITH-JONES -> SMITHJONES)."""
    return f"nullif(replace(replace({expr}, ' ', ''), '-', ''), '')"


def postcode_sql(expr: str) -> str:
    """SQL expression: postcode upper-case with no spaces ("ls6 2ab" -> "LS62AB").

    Nearly every postcode holds only letters, digits and spaces: checking that and removing
    the spaces takes half the time of rewriting every one with a regular expression."""
    up = f"upper(coalesce({expr}, ''))"
    return (
        f"nullif(CASE WHEN regexp_full_match({up}, '[A-Z0-9 ]*') THEN replace({up}, ' ', '') "
        f"ELSE regexp_replace({up}, '[^A-Z0-9]', '', 'g') END, '')"
    )


# A UK postcode's outward code alone ("WR2", "B23", "WV11"), as an intelligence record may give
# an area ("lives in the WR2 area") rather than a street: its district, and no postcode.
OUTWARD_CODE = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
OUTWARD_CODE_MAX_LENGTH = 4

# A UK postcode written in an address line: an outward code (A9, A99, AA9, AA99, A9A or
# AA9A), then an inward code (9AA), with or without a space between, and then a comma or the
# end of the line (a full stop aside), as addresses are written ("BLOCK B2 3RD FLOOR" holds
# none).
POSTCODE_IN_LINE = r"\b([A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2})[\s.]*(?:,|$)"


def line_postcode_sql(postcode: str, line: str) -> str:
    """SQL expression: ``postcode`` normalised (:func:`postcode_sql`), or if it is empty a UK
    postcode written in the address ``line`` (the last one there): an extract that puts the
    whole address in one field keeps its postcode, and with it the address evidence."""
    pc = postcode_sql(postcode)
    found = f"list_last(regexp_extract_all(upper({line}), '{POSTCODE_IN_LINE}', 1))"
    return f"coalesce({pc}, CASE WHEN {line} IS NOT NULL THEN {postcode_sql(found)} END)"


# Where one phone field holds several numbers ("07700 900123 / 0113 496 0000"): between them
# digits_sql puts a '|', and build_phones makes each its own row.
_PHONE_SEPARATORS = r"[/;,|&\r\n]|\bor\b|\band\b"
# An extension at the end of a number ("ext 123", "Ext. 4", "extn 7", "x12", "(ext. 4)"): the
# number is the same line, so the extension is dropped (a letter before the x, as in "Fax", is
# no extension).
_PHONE_EXTENSION = (
    r"([^a-z]|^)\s*\(?\s*(?:extension|extn|ext|x)\s*[.:]?\s*[0-9]{1,6}\s*\)?\s*(\||$)"
)
# A number stored as a float and written out as text ("7596582162.0" from Excel or a DOUBLE).
_PHONE_FLOAT = r"^\s*([0-9]+)\.00?\s*$"
# A number in scientific notation, as Excel writes a long number ("7.596582162E+09"): its
# integer part, the digits after the point, and the power of ten.
_PHONE_SCIENTIFIC = r"^\s*([0-9]+)[.]?([0-9]*)[Ee][+]?([0-9]+)\s*$"
# No phone number has more digits than this (E.164): a field with more holds several numbers.
PHONE_MAX_DIGITS = 15
# Nor fewer than this: a part of a field that has fewer is no number of its own.
PHONE_MIN_DIGITS = 7
# A UK number written out in full has at least this many digits (its 0 and nine or ten more;
# one stored as a number, without its 0, has ten): read that far, the number is whole.
PHONE_WHOLE_DIGITS = 10


def _digit_count(text: str) -> str:
    return f"length(regexp_replace({text}, '[^0-9]', '', 'g'))"


def _scientific_parts(x: str) -> tuple[str, str, str]:
    """SQL (is written in scientific notation, exact, its digits) for ``x``. Exact: the
    digits after the point reach the power of ten (any past it are zeros), so the number is
    whole; "7.60E+09" is not, as it stands for any of ten million numbers."""
    parts = f"regexp_extract({x}, '{_PHONE_SCIENTIFIC}', ['i', 'f', 'e'])"
    power = f"TRY_CAST({parts}.e AS INTEGER)"
    fraction = f"{parts}.f"
    exact = f"(length({fraction}) >= {power} AND ltrim(substr({fraction}, {power} + 1), '0') = '')"
    return (
        f"regexp_full_match({x}, '{_PHONE_SCIENTIFIC}')",
        f"coalesce({exact}, FALSE)",
        f"{parts}.i || left({fraction}, {power})",
    )


def phone_digits_lost_sql(expr: str) -> str:
    """SQL boolean: ``expr`` is a phone in scientific notation that has lost digits (Excel's
    "7.60E+09"): :func:`digits_sql` reads it as no number, and ``sweep link`` counts them."""
    x = f"coalesce({expr}, '')"
    scientific, exact, _ = _scientific_parts(x)
    return f"({scientific} AND NOT {exact})"


def _grouped_sql(part: str, starts: str) -> str:
    """SQL: ``part`` read group by group (between spaces), a '|' put before each group that
    starts a new number: where the number so far is whole (:data:`PHONE_WHOLE_DIGITS`) and
    ``starts`` (SQL over the group ``g`` and the text so far ``acc``) holds."""
    so_far = _digit_count("regexp_extract(acc, '[^|]*$')")
    return (
        f"list_reduce(string_split_regex(trim({part}), '\\s+'), lambda acc, g: "
        f"CASE WHEN {so_far} >= {PHONE_WHOLE_DIGITS} AND {starts} THEN acc || '|' || g "
        "ELSE acc || ' ' || g END)"
    )


def _split_spaced_sql(text: str) -> str:
    """SQL: ``text`` (parts between '|') with a '|' put between numbers that only spaces keep
    apart ("07911 123456 07497 202582"), in any part holding more digits than one number can
    (:data:`PHONE_MAX_DIGITS`); other parts are left as they are, so a number written in
    groups ("0113 496 0000") stays one. Such a part is read group by group: a group starts a
    new number where the number so far is whole (:data:`PHONE_WHOLE_DIGITS`) and the group
    starts as a number does (0, +, or "(0" and a digit), or is a whole number by itself, or
    begins the rest of the part and that rest is UK numbers without their 0 ("07700 900123
    7700 900456 7700 900789": ten digits each, the first not 0) or each with 44 and no +
    (twelve, from the group "44"). Read left to right, the first such place ends the number
    so far. A piece still too long for one number (a number with its 0 after those without:
    "07700 900123 7700 900456 07700 900789") is read again by the last rule alone, its rest
    counted to the piece's end."""

    def no_zero(whole: str) -> str:
        # the rest of ``whole`` from this group on is UK numbers without their 0, or with 44
        rest = f"({_digit_count(whole)} - {_digit_count('acc')})"
        return (
            f"(({rest} % {PHONE_WHOLE_DIGITS} = 0 AND regexp_matches(g, '^[1-9]')) "
            f"OR (g = '44' AND {rest} % {PHONE_WHOLE_DIGITS + 2} = 0))"
        )

    starts = (
        f"(regexp_matches(g, '^[+0]|^[(]0[0-9]') OR {_digit_count('g')} >= {PHONE_WHOLE_DIGITS} "
        f"OR {no_zero('p')})"
    )
    pieces = (
        f"array_to_string(list_transform(string_split({_grouped_sql('p', starts)}, '|'), "
        f"lambda q: CASE WHEN {_digit_count('q')} > {PHONE_MAX_DIGITS} "
        f"THEN {_grouped_sql('q', no_zero('q'))} ELSE q END), '|')"
    )
    return (
        f"array_to_string(list_transform(string_split({text}, '|'), lambda p: "
        f"CASE WHEN {_digit_count('p')} > {PHONE_MAX_DIGITS} THEN {pieces} ELSE p END), '|')"
    )


def digits_sql(expr: str) -> str:
    """SQL expression: a phone number's digits and plus signs only ('' for NULL). A number
    of digits, plus signs and spaces only (nearly all) just loses its spaces, as in
    :func:`postcode_sql`, and one with brackets or hyphens its other characters. Only the
    rest, and a field with more digits than one number has, is read closely: a number in
    scientific notation is written out if it has every digit, else it is no number (Excel's
    "7.60E+09" would meet other people's phones), a float's ".0" is dropped (its digits
    would add a 0), an extension too, and several numbers in the
    field, between separators or only spaces, are kept apart by a '|' for
    :func:`build_phones` to split, instead of being run together into one long number."""
    x = f"coalesce({expr}, '')"
    scientific, exact, digits = _scientific_parts(x)
    # scientific notation: its digits where every one is there, else no number at all
    text = f"(CASE WHEN NOT {scientific} THEN {x} WHEN {exact} THEN {digits} ELSE '' END)"
    text = f"regexp_replace({text}, '{_PHONE_FLOAT}', '\\1')"
    text = f"regexp_replace({text}, '{_PHONE_SEPARATORS}', '|', 'gi')"
    text = f"regexp_replace({text}, '{_PHONE_EXTENSION}', '\\1\\2', 'gi')"
    text = _split_spaced_sql(text)
    # a field short enough is one number at most, without counting its digits (a CASE: DuckDB
    # would count them for every field to work out an OR)
    one = (
        f"(CASE WHEN length({x}) <= {PHONE_MAX_DIGITS} THEN TRUE "
        f"ELSE {_digit_count(x)} <= {PHONE_MAX_DIGITS} END)"
    )
    return (
        f"CASE WHEN regexp_full_match({x}, '[0-9+ ]*') AND {one} THEN replace({x}, ' ', '') "
        f"WHEN regexp_full_match({x}, '[0-9+ ()-]*') AND {one} "
        f"THEN regexp_replace({x}, '[^0-9+]', '', 'g') "
        f"ELSE regexp_replace({text}, '[^0-9+|]', '', 'g') END"
    )


def phone_parts_sql(d: str) -> str:
    """SQL list: the numbers of ``d``, a :func:`digits_sql` output holding '|', each once.
    If a part is too short to be a number (under :data:`PHONE_MIN_DIGITS` digits), the '|'
    was not between numbers ("01632/960868": an area code and its number) and ``d`` is one
    number after all."""
    parts = f"list_filter(string_split({d}, '|'), lambda p: p <> '')"
    whole = (
        f"list_bool_and(list_transform({parts}, "
        f"lambda p: length(replace(p, '+', '')) >= {PHONE_MIN_DIGITS}))"
    )
    return (
        f"CASE WHEN len({parts}) > 1 AND {whole} THEN list_distinct({parts}) "
        f"ELSE [array_to_string({parts}, '')] END"
    )


def phone_sql(expr: str) -> str:
    """SQL expression: a UK phone number in national form ("+44 7911 123456" -> "07911123456",
    "+44 (0)20 7946 0018" -> "02079460018", "7911123456" -> "07911123456"), for a field
    holding one number (:func:`build_phones` splits a field holding several).

    The vectorised equivalent of phonenumbers' national format for GB numbers; the tests check
    it against phonenumbers on varied formats.
    """
    return national_phone_sql(digits_sql(expr))


def national_phone_sql(d: str) -> str:
    """SQL expression: :func:`phone_sql` on ``d``, the output of :func:`digits_sql` (a column,
    so the regular expression runs once per number, not five times). A number with no 0 or +
    in front that has the length of a UK national significant number (10 digits, or 9 for
    01 numbers with five-figure local numbers and 0800: "016977 1234") is a national number
    that lost its trunk 0, as a number stored as a number does; "0" is put back."""
    return (
        f"nullif(CASE WHEN starts_with({d}, '+44') THEN '0' || ltrim(substr({d}, 4), '0') "
        f"WHEN starts_with({d}, '0044') THEN '0' || ltrim(substr({d}, 5), '0') "
        f"WHEN starts_with({d}, '44') AND length({d}) = 12 THEN '0' || substr({d}, 3) "
        f"WHEN length({d}) = 10 AND left({d}, 1) IN ('1', '2', '3', '5', '7', '8', '9') "
        f"AND NOT contains({d}, '+') THEN '0' || {d} "
        f"WHEN length({d}) = 9 AND left({d}, 1) IN ('1', '8') AND NOT contains({d}, '+') "
        f"THEN '0' || {d} "
        f"ELSE replace({d}, '+', '') END, '')"
    )


def vrm_sql(expr: str) -> str:
    """SQL expression: a vehicle registration with no spaces, upper-case."""
    return f"nullif(regexp_replace(upper(coalesce({expr}, '')), '[^A-Z0-9]', '', 'g'), '')"


def date_sql(expr: str) -> str:
    return f"TRY_CAST({expr} AS DATE)"


def build_person(con: duckdb.DuckDBPyConnection, side: str, cfg: MatchConfig | None = None) -> None:
    """``{side}_person``: one row per person with folded first forename and surname (and the
    folded surname before its spaces and hyphens are removed, to split into parts). A name
    or date of birth that records "not known" (``cfg.placeholder_*``) is missing."""
    cfg = cfg or MatchConfig()
    names, dobs = cfg.placeholder_names, cfg.placeholder_dobs
    # Names repeat: each distinct forenames and surname is folded and split once (at 5M
    # people, a tenth as many values as rows), then joined back to the people.
    register_functions(con)
    con.execute(f"""
        CREATE OR REPLACE TABLE {side}_person AS
        WITH fns AS MATERIALIZED (
            SELECT raw, nullif(split_part(fns, ' ', 1), '') AS fn,
                   nullif(trim(substr(fns, length(split_part(fns, ' ', 1)) + 1)), '') AS fn_rest
            FROM (SELECT raw, {known_sql(fold_sql("raw"), names)} AS fns FROM (
                SELECT DISTINCT forenames AS raw FROM {side}_src_person
                WHERE forenames IS NOT NULL))
        ),
        sns AS MATERIALIZED (
            SELECT raw, {compact_sql("sn_f")} AS sn, sn_f
            FROM (SELECT raw, {known_sql(fold_sql("raw", surname=True), names)} AS sn_f FROM (
                SELECT DISTINCT surname AS raw FROM {side}_src_person WHERE surname IS NOT NULL))
        )
        SELECT s.id, f.fn, f.fn_rest, n.sn, {known_sql(date_sql("s.dob"), dobs, "DATE")} AS dob,
               nullif(upper(s.sex), 'U') AS sex, n.sn_f AS sn_folded
        FROM {side}_src_person s
        LEFT JOIN fns f ON f.raw = s.forenames LEFT JOIN sns n ON n.raw = s.surname
    """)


def build_names(con: duckdb.DuckDBPyConnection, side: str, cfg: MatchConfig | None = None) -> None:
    """``{side}_names``: every (forename, surname) a person is known by, with its source.

    Sources: primary; previous (previous surnames); part (one part of a double-barrelled or
    hyphenated surname: the person's own, a previous one or an alias's); alias
    (intelligence aliases and nicknames). A name known from more
    than one source is listed once, under the first. ``{side}_person`` has one row per id.
    Each row carries the person's own date of birth (``dob``), so that names and dates of
    birth meet without a join over every person (:func:`build_name_keys`).
    """
    names = (cfg or MatchConfig()).placeholder_names
    register_functions(con)
    con.execute(f"""
        CREATE OR REPLACE TABLE {side}_names AS
        WITH prev AS MATERIALIZED (
            SELECT id, fn, {compact_sql("sn_f")} AS sn, sn_f, p_fn, p_sn, dob
            FROM (
                SELECT p.id, p.fn, {known_sql(fold_sql("x.s", surname=True), names)} AS sn_f,
                       p.fn AS p_fn, p.sn AS p_sn, p.dob
                FROM (SELECT id, previous_surnames FROM {side}_src_person
                      WHERE previous_surnames IS NOT NULL) s
                JOIN {side}_person p USING (id),
                     unnest(string_split(s.previous_surnames, '|')) AS x(s))
        ),
        -- materialised: else DuckDB folds each alias name again wherever the name is read
        alias AS MATERIALIZED (
            SELECT id, fn, coalesce({compact_sql("sn_f")}, p_sn) AS sn, sn_f, p_fn, p_sn, dob
            FROM (
                SELECT a.id,
                       coalesce(nullif(split_part({known_sql(fold_sql("a.forenames"), names)},
                                                  ' ', 1), ''), p.fn) AS fn,
                       {known_sql(fold_sql("a.surname", surname=True), names)} AS sn_f,
                       p.fn AS p_fn, p.sn AS p_sn, p.dob
                FROM {side}_src_alias a JOIN {side}_person p USING (id))
        ),
        -- each part of a double-barrelled or hyphenated surname, whether the person's own,
        -- a previous one or an alias's (a one-word surname's only part is itself)
        parts AS (
            SELECT q.id, q.fn, x.s AS sn, q.p_fn, q.p_sn, q.dob
            FROM (
                SELECT id, fn, sn_folded AS sn_f, fn AS p_fn, sn AS p_sn, dob FROM {side}_person
                UNION ALL SELECT id, fn, sn_f, p_fn, p_sn, dob FROM prev
                UNION ALL SELECT id, fn, sn_f, p_fn, p_sn, dob FROM alias
            ) q,
                 unnest(string_split(q.sn_f, ' ')) AS y(w),
                 unnest(string_split(y.w, '-')) AS x(s)
            WHERE (contains(q.sn_f, ' ') OR contains(q.sn_f, '-')) AND length(x.s) >= 2
        ),
        other AS MATERIALIZED (
            SELECT id, fn, sn, p_fn, p_sn, dob, 'previous' AS src, 1 AS pri
            FROM prev WHERE sn IS NOT NULL
            UNION ALL SELECT id, fn, sn, p_fn, p_sn, dob, 'part', 2 FROM parts
            UNION ALL SELECT id, fn, sn, p_fn, p_sn, dob, 'alias', 3 FROM alias
        ),
        -- The primary name (one per person) wins over the same name from another source
        -- (each other name carries the person's, so no join is needed to tell); only the
        -- few other names are grouped, not every person.
        extra AS (
            SELECT id, fn, sn, arg_min(src, pri) AS src, dob
            FROM other WHERE (sn IS NOT NULL OR fn IS NOT NULL)
              AND NOT (fn IS NOT DISTINCT FROM p_fn AND sn IS NOT DISTINCT FROM p_sn)
            GROUP BY id, fn, sn, dob
        )
        SELECT id, fn, sn, 'primary' AS src, dob FROM {side}_person
        WHERE sn IS NOT NULL OR fn IS NOT NULL
        UNION ALL SELECT * FROM extra
    """)


def build_dobs(con: duckdb.DuckDBPyConnection, side: str, cfg: MatchConfig | None = None) -> None:
    """``{side}_dobs``: every date of birth a person is recorded with; ``alias`` marks the
    dates only an alias records."""
    # One row per person already: only the aliases' dates are made distinct, not every row.
    dobs = (cfg or MatchConfig()).placeholder_dobs
    con.execute(f"""
        CREATE OR REPLACE TABLE {side}_dobs AS
        WITH a AS (SELECT DISTINCT id, {known_sql(date_sql("dob"), dobs, "DATE")} AS dob
                   FROM {side}_src_alias)
        SELECT id, dob, FALSE AS alias FROM {side}_person WHERE dob IS NOT NULL
        UNION ALL
        SELECT a.id, a.dob, TRUE FROM a WHERE a.dob IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM {side}_person p WHERE p.id = a.id AND p.dob = a.dob)
    """)


_FLAT_WORD = " OR ".join(
    f"contains(line, '{w}')" for w in ("FLAT", "APARTMENT", "APT", "UNIT", "ROOM")
)

# A tenement flat named by its floor and its door on the landing: in Edinburgh 3F1 is the
# third floor's first door (GF1 the ground floor's, PF1 the principal floor's), in Glasgow
# 3/1 (0/1 or G/1 on the ground floor), and "1/F2" is written too. Each is keyed as
# floor/door ("3/1", "0/1", "P/1"): one flat however it is written.
_FLOOR_DOOR = r"(?:[0-9]{1,2}|[GBP])(?:F|\s*/\s*F?)[0-9]{1,2}\b"
# The same with a letter in it, which no house number has (1F2, GF1, G/1, 1/F2).
_FLOOR_DOOR_LETTER = (
    r"(?:[0-9]{1,2}|[GBP])F[0-9]{1,2}\b|[GBP]\s*/\s*F?[0-9]{1,2}\b|[0-9]{1,2}\s*/\s*F[0-9]{1,2}\b"
)

# A flat's number (Flat 12, APT 3B, Flat12), letter (Flat D) or floor and door (Flat 1F2,
# Flat 2/1), after the word that names it. Without floor and door, the expression is twice
# as quick, and nearly every flat is found by it (a flat it reads as "1F", or none, or a line
# with a slash is looked at again).
_FLAT_WORD_BEFORE = "(?:FLAT|APARTMENT|APT|UNIT|ROOM)\\.?\\s*"
# The number ends at a word's end: "Flat 1st Floor" is no flat "1S".
_FLAT_NUMBER_PLAIN = f"{_FLAT_WORD_BEFORE}([0-9]+[A-Z]?\\b|\\b[A-Z]\\b)"
_FLAT_NUMBER = f"{_FLAT_WORD_BEFORE}({_FLOOR_DOOR}|[0-9]+[A-Z]?\\b|\\b[A-Z]\\b)"

# A flat named only by its floor, where no number or letter names it: "Ground Floor Flat",
# "Flat 1st Floor", "Top Flat", "Basement, 12 Hill St", Scotland's "1st Floor Left". The
# floor is no flat key: a record often leaves it out, and "Ground Floor Flat, 12 Hill St"
# and "12 Hill St" stay one dwelling. It only tells two flats of one house apart where both
# records name a floor (``floors_apart_sql``).
_FLOOR_ORDINALS = (
    "FIRST",
    "SECOND",
    "THIRD",
    "FOURTH",
    "FIFTH",
    "SIXTH",
    "SEVENTH",
    "EIGHTH",
    "NINTH",
    "TENTH",
)
_FLOOR_NAME = (
    r"LOWER\s+GROUND|UPPER\s+GROUND|GROUND|GRD|BASEMENT|TOP|"
    + "|".join(_FLOOR_ORDINALS)
    + r"|[0-9]{1,2}(?:ST|ND|RD|TH)"
)
_FLOOR_SIDE = "LEFT|RIGHT|MIDDLE|CENTRE|CENTER|FRONT|BACK|REAR"
_FLAT_BY_FLOOR_NAME = (
    r"LOWER\s+GROUND|UPPER\s+GROUND|GROUND|GRD|BASEMENT|TOP|GARDEN|UPPER|LOWER|G\s*/\s*F|L?GF"
)
_FLOOR_FLAT = (
    rf"(?:\bFLAT\s*,?\s*)?\b(?:({_FLOOR_NAME})\s+(?:FLOOR|FLR)\b\.?"
    rf"(?:\s*,?\s*({_FLOOR_SIDE})\b)?(?:\s*FLAT\b)?|({_FLAT_BY_FLOOR_NAME})\s+FLAT\b"
    r"|^\s*(BASEMENT)\b)"
)
# The floors each name may be, lowest and highest (ground 0, basement -1): a top or upper
# flat is on some floor above the ground, a garden or lower flat on the ground or below it.
# Two named floors are apart where these ranges do not meet.
_FLOOR_RANGE = {
    ("BASEMENT", "LOWERGROUND", "LGF"): (-1, -1),
    ("GARDEN", "LOWER"): (-1, 0),
    ("GROUND", "GRD", "GF", "G/F", "UPPERGROUND"): (0, 0),
    ("TOP", "UPPER"): (1, 99),
}
_FLOOR_SIDE_KEY = {"CENTRE": "MIDDLE", "CENTER": "MIDDLE", "BACK": "REAR"}

# A number followed by the letters of an ordinal (1st, 22nd, 4th) is no house number: it
# names a street ("15 4th Avenue"), a floor or a building ("21st Century House").
_ORDINAL = r"[0-9]+(?:ST|ND|RD|TH)\b"

# What the line starts with, if no word names its flat: a flat by floor and door with a
# letter (1F2, GF1, G/1, 1/F2: ``door``), two numbers with the house number after them
# (Glasgow's "2/1, 15 Byres Road": ``door_house``; "12/3 4th Avenue" has none), or two
# numbers and then the street: a house and a flat, but which is which is not written
# (``first``, ``second``). Edinburgh writes the house first ("18/6 Marchmont Road" is flat 6
# of number 18); elsewhere, as in Australian data, the flat comes first ("2/29 Stafford
# Hill").
_LINE_START = (
    f"^\\s*(?:({_FLOOR_DOOR_LETTER}|[0-9]{{1,2}}\\s*/\\s*[0-9]{{1,2}}\\b)\\s*,?\\s*[0-9]+[A-Z]?\\b"
    f"|({_FLOOR_DOOR_LETTER})|([0-9]+[A-Z]?)\\s*/\\s*([0-9]+[A-Z]?)\\b)"
)
# What is taken out of a line with its flat (the house of a pair of numbers too).
_FLAT_IN_LINE = f"{_FLAT_NUMBER}|^\\s*(?:{_FLOOR_DOOR_LETTER}|[0-9]+[A-Z]?\\s*/\\s*[0-9]+[A-Z]?\\b)"


def _floor_door_sql(flat: str) -> str:
    """SQL expression: a flat keyed by floor and door where it is so written ("1F2", "1/F2",
    "1 / 2" -> "1/2"; "GF1", "G/1" -> "0/1"), else as written ("12", "3B", "D")."""
    key = f"regexp_replace({flat}, '^([0-9]+|[GBP])\\s*(?:F|/\\s*F?)\\s*([0-9]+)$', '\\1/\\2')"
    return (
        f"CASE WHEN contains({flat}, 'F') OR contains({flat}, '/') "
        f"THEN regexp_replace({key}, '^G/', '0/') ELSE {flat} END"
    )


def _floor_bound_sql(name: str, bound: int) -> str:
    """SQL expression: the lowest (``bound`` 0) or highest (1) floor a floor's name (spaces
    taken out: "GROUND", "1ST", "SECOND", "TOP") may be, or NULL."""
    cases = " ".join(
        f"WHEN {name} IN ({', '.join(repr(n) for n in names)}) THEN {rng[bound]}"
        for names, rng in _FLOOR_RANGE.items()
    )
    ordinals = ", ".join(f"'{w}'" for w in _FLOOR_ORDINALS)
    return (
        f"CAST(CASE {cases} WHEN list_position([{ordinals}], {name}) > 0 "
        f"THEN list_position([{ordinals}], {name}) WHEN regexp_matches({name}, '^[0-9]') "
        f"THEN CAST(regexp_extract({name}, '^[0-9]+') AS INTEGER) END AS TINYINT)"
    )


def floors_apart_sql(a: str, b: str) -> str:
    """SQL boolean: two addresses name floors that cannot be one flat (the ground and the top
    floor flat, the first floor left and right), read from the columns ``{a}floor_lo``,
    ``{a}floor_hi``, ``{a}floor_side`` and the same after ``b``. FALSE where either names no
    floor: a floor on one side only is no evidence of another flat."""
    return (
        f"coalesce({a}floor_lo > {b}floor_hi OR {b}floor_lo > {a}floor_hi "
        f"OR {a}floor_side <> {b}floor_side, FALSE)"
    )


def address_lines_sql(rows: str) -> str:
    """SQL: every column of ``rows`` (which has ``line``, an upper-case address line or NULL)
    plus ``flat`` and ``house`` parsed from the line, ``rest``: the line without its flat (the
    street is read off it only where it is compared: :func:`street_sql`), and ``either_way``:
    the line wrote its house and flat as two bare numbers ("18/6 Marchmont Road", or "Flat
    18/6, Marchmont Road" with no other house number), so the other reading (``flat`` the
    house, ``house`` the flat) is as likely as the one given (the flat first). A postcode
    written in the line is taken out first: "ROSE COTTAGE, LS6 2AB" has no house number 6.
    An ordinal (the "4th" of "15 4th Avenue") is no house number. A flat named only by its
    floor ("Ground Floor Flat", "Top Flat") keys no flat: one side often leaves it out, and
    "Ground Floor Flat, 12 Hill St" and "12 Hill St" are then one dwelling. Its floor is
    given as ``floor_lo``, ``floor_hi`` (the floors the name may be) and ``floor_side`` (the
    side of the landing), for :func:`floors_apart_sql`."""
    return f"""
        WITH p AS (
            SELECT * REPLACE (CASE WHEN regexp_matches(line, '{POSTCODE_IN_LINE}')
                THEN regexp_replace(line, '{POSTCODE_IN_LINE}', ' ', 'g') ELSE line END AS line)
            FROM ({rows})
        ), m AS (  -- the regular expressions below run only on lines that can match them
            SELECT *, {_FLAT_WORD} AS has_word, contains(line, '/') AS has_slash,
                   strpos(line, 'F') BETWEEN 2 AND 3 AS has_floor,
                   contains(line, 'FLOOR') OR contains(line, 'FLR') OR contains(line, 'BASEMENT')
                       AS has_floor_word FROM p
        ), b AS (
            SELECT *,
                CASE WHEN has_word THEN nullif(regexp_extract(line,
                    '{_FLAT_NUMBER_PLAIN}', 1), '') END AS flat_plain,
                CASE WHEN has_slash OR has_floor THEN regexp_extract(line, '{_LINE_START}',
                    ['door_house', 'door', 'first', 'second']) END AS s,
                CASE WHEN has_word OR has_slash OR has_floor
                    THEN regexp_replace(line, '{_FLAT_IN_LINE}', '', 'g')
                    ELSE line END AS rest_flat
            FROM m
        ), a AS (  -- a flat by floor and door is rare: looked for only where it may be
            SELECT * EXCLUDE (flat_plain),
                CASE WHEN has_word AND (flat_plain IS NULL OR has_slash OR flat_plain LIKE '%F')
                    THEN nullif(regexp_extract(line, '{_FLAT_NUMBER}', 1), '')
                    ELSE flat_plain END AS flat_a
            FROM b
        ), f AS (
            SELECT *,
                CASE WHEN flat_a IS NOT NULL THEN {_floor_door_sql("flat_a")}
                     WHEN has_slash OR has_floor
                     THEN {_floor_door_sql("coalesce(nullif(s.door_house, ''), nullif(s.door, ''))")}
                END AS flat_w,
                CASE WHEN has_slash AND flat_a IS NULL THEN s.first <> '' ELSE FALSE END
                    AS pair
            FROM a
        ), g AS (  -- a flat named by its floor, where nothing else names the flat
            SELECT *,
                CASE WHEN (has_word OR has_floor_word) AND flat_w IS NULL AND NOT pair
                    THEN regexp_extract(rest_flat, '{_FLOOR_FLAT}',
                                        ['floor', 'side', 'word', 'bare'])
                END AS fl
            FROM f
        ), r AS (  -- the floor's name (one of the three groups matched), and the line without it
            SELECT * EXCLUDE (rest_flat, fl),
                nullif(regexp_replace(fl.floor || fl.word || fl.bare, '\\s+', '', 'g'), '')
                    AS fl_name,
                nullif(fl.side, '') AS fl_side,
                CASE WHEN fl.floor || fl.word || fl.bare <> ''
                    THEN regexp_replace(rest_flat, '{_FLOOR_FLAT}', ' ', 'g')
                    ELSE rest_flat END AS rest
            FROM g
        ), h0 AS (  -- the first number, and the letters it runs into
            SELECT * EXCLUDE (fl_name, fl_side),
                {_floor_bound_sql("fl_name", 0)} AS floor_lo,
                {_floor_bound_sql("fl_name", 1)} AS floor_hi,
                CASE fl_side {" ".join(f"WHEN '{k}' THEN '{v}'" for k, v in _FLOOR_SIDE_KEY.items())}
                     ELSE fl_side END AS floor_side,
                regexp_extract(rest, '([0-9]+)([A-Z]*)', ['n', 'a']) AS num
            FROM r
        ), h1 AS (
            SELECT * EXCLUDE (num),
                CASE WHEN num.a IN ('ST', 'ND', 'RD', 'TH')  -- an ordinal: the next number
                THEN regexp_extract(regexp_replace(rest, '{_ORDINAL}', ' ', 'g'),
                                    '([0-9]+)([A-Z]*)', ['n', 'a'])
                ELSE num END AS num
            FROM h0
        ), h AS (
            SELECT * EXCLUDE (num),
                nullif(num.n || CASE WHEN length(num.a) = 1 THEN num.a ELSE '' END, '')
                    AS house_raw
            FROM h1
        ), l AS (
            -- A house number with a letter and no flat written (94D) is flat D of number 94,
            -- as "Flat D, 94" writes it: read so on both sides, the two forms are one dwelling.
            -- "Flat 18/6" with no house number after it is the bare pair "18/6" (either way).
            SELECT *, coalesce(flat_w IS NULL AND NOT pair
                               AND regexp_full_match(house_raw, '[0-9]+[A-Z]'), FALSE) AS lettered,
                   coalesce(flat_a IS NOT NULL AND house_raw IS NULL
                            AND regexp_full_match(flat_a, '[1-9][0-9]*\\s*/\\s*[0-9]+'), FALSE) AS flat_pair
            FROM h
        )
        SELECT * EXCLUDE (has_word, has_slash, has_floor, has_floor_word, flat_a, s, pair,
                          flat_w, house_raw, lettered, flat_pair),
               CASE WHEN pair THEN s.first WHEN flat_pair THEN split_part(flat_w, '/', 1)
                    WHEN lettered THEN right(house_raw, 1) ELSE flat_w END AS flat,
               CASE WHEN pair THEN s.second WHEN flat_pair THEN split_part(flat_w, '/', 2)
                    WHEN lettered THEN left(house_raw, length(house_raw) - 1)
                    ELSE house_raw END AS house,
               pair OR flat_pair AS either_way
        FROM l
    """


def street_sql(rest: str) -> str:
    """SQL expression: the street of a parsed line (``rest`` of :func:`address_lines_sql`):
    its words without numbers, letters only ("12A MARLOW ST., LEEDS" -> "MARLOW ST LEEDS")."""
    return (
        f"nullif(trim(regexp_replace(regexp_replace({rest}, '[0-9]+[A-Z]?\\b', ' ', 'g'), "
        "'[^A-Z]+', ' ', 'g')), '')"
    )


def build_addresses(
    con: duckdb.DuckDBPyConnection,
    side: str,
    houses_where_postcode_in: str | None = None,
) -> None:
    """``{side}_addr``: addresses keyed for comparison: postcode unit, sector and district,
    house number, flat and street, and a key (postcode + house + flat) identifying the
    dwelling. An address whose house and flat are written as two bare numbers ("18/6
    Marchmont Road": :func:`address_lines_sql`) has two rows, one for each reading, marked
    ``either_way``: it is compared, blocked and shared as either dwelling.

    ``houses_where_postcode_in``: a table with a ``pc`` column. If given, house, flat and
    dwelling are worked out only for addresses with one of its postcodes, and house, flat
    and street for those with no full postcode (none, or an outward code alone), which the
    blocking rule ``house_street_initials`` reaches; NULL for the rest. Houses are compared
    within a postcode, so the large side needs them only where the small side has the
    postcode, and its address lines need not all be parsed (two thirds of the time at 5M
    nominals); across postcodes the comparison parses the compared people's lines itself
    (``compare.py``).
    """
    line = "upper(coalesce(address_line, ''))"
    street_col = street_sql("rest")
    if houses_where_postcode_in:
        line = (
            f"CASE WHEN pc IN (SELECT pc FROM {houses_where_postcode_in}) OR pc IS NULL "
            f"THEN {line} END"
        )
        street_col = f"CASE WHEN pc IS NULL THEN {street_sql('rest')} END"
    rows = f"""
        SELECT id, {line_postcode_sql("postcode", "address_line")} AS pc, address_line,
               {date_sql("date_from")} AS date_from, {date_sql("date_to")} AS date_to
        FROM {side}_src_address
    """
    # An outward code alone is a district, not a postcode: as a postcode its "sector" and
    # "district" would be its first letters, shared with every other area written so.
    rows = f"""
        SELECT *, {line} AS line FROM (
            SELECT * EXCLUDE (pc, outward), CASE WHEN NOT outward THEN pc END AS pc,
                   CASE WHEN outward THEN pc END AS outward_code
            FROM (SELECT *, CASE WHEN length(pc) <= {OUTWARD_CODE_MAX_LENGTH}
                                 THEN regexp_full_match(pc, '{OUTWARD_CODE}') ELSE FALSE END
                                AS outward
                  FROM ({rows})))
    """
    con.execute(f"""
        CREATE OR REPLACE TABLE {side}_addr AS
        SELECT id, pc,
               CASE WHEN pc IS NOT NULL THEN nullif(left(pc, length(pc) - 2), '') END AS pc_sector,
               CASE WHEN outward_code IS NOT NULL THEN outward_code
                    WHEN pc IS NOT NULL THEN nullif(left(pc, length(pc) - 3), '') END
                   AS pc_district,
               flat, house, {street_col} AS street,
               CASE WHEN line IS NOT NULL THEN
                   pc || '|' || coalesce(house, '-') || '|' || coalesce(flat, '-') END AS dwelling,
               date_from, date_to, either_way, floor_lo, floor_hi, floor_side
        FROM ({address_lines_sql(rows)})
    """)
    # A house and flat written as two bare numbers (18/6) are read both ways: a row each.
    con.execute(f"""
        INSERT INTO {side}_addr
        SELECT * REPLACE (house AS flat, flat AS house, pc || '|' || flat || '|' || house AS dwelling)
        FROM {side}_addr WHERE either_way
    """)


def build_phones(
    con: duckdb.DuckDBPyConnection, side: str, people_in: str | None = None, add: bool = False
) -> None:
    """``{side}_phone``: every phone number in national form, one row per number (a field
    holding several is split). ``people_in``: SQL selecting an ``id`` column; if given, only
    those people's numbers are normalised. ``add``: appended to the table, not replacing it."""
    where = f"WHERE id IN (SELECT id FROM ({people_in}))" if people_in else ""
    into = f"INSERT INTO {side}_phone" if add else f"CREATE OR REPLACE TABLE {side}_phone AS"
    con.execute(f"""
        {into}
        WITH d AS MATERIALIZED (  -- else DuckDB inlines digits, running its regex five times
            SELECT id, {digits_sql("phone")} AS digits, date_from, date_to FROM {side}_src_phone
            {where}
        ),
        n AS (  -- only the few fields holding several numbers are split into rows
            SELECT id, digits, date_from, date_to FROM d WHERE NOT contains(digits, '|')
            UNION ALL
            SELECT id, unnest({phone_parts_sql("digits")}) AS digits, date_from, date_to
            FROM d WHERE contains(digits, '|')
        )
        SELECT * FROM (
            SELECT id, {national_phone_sql("digits")} AS phone,
                   {date_sql("date_from")} AS date_from, {date_sql("date_to")} AS date_to
            FROM n
        ) WHERE phone IS NOT NULL
    """)


# The last digits of a number, read off the field without normalising it: a field of digits
# and plus signs once its spaces, hyphens and brackets are taken out, no longer than one
# number written in full ("+447911123456"), ends as its national form does.
_PHONE_TAIL_DIGITS = 6
_PLAIN_NUMBER_LENGTH = 13


def build_right_phones_near_left(con: duckdb.DuckDBPyConnection) -> None:
    """``r_phone`` for the right-side people with a number that may be one of ``l_phone``'s:
    the last digits agree, or the field is written otherwise and is normalised to see. For
    the blocking rule on a shared number where nothing else reads every number (``sweep
    link``; the comparison adds the other compared people's): at 5M nominals, one field in
    twenty is normalised."""
    plain = "replace(replace(replace(replace(phone, ' ', ''), '-', ''), '(', ''), ')', '')"
    people = f"""
        SELECT id FROM (SELECT id, {plain} AS plain FROM r_src_phone)
        WHERE NOT (regexp_full_match(plain, '[0-9+]*') AND length(plain) <= {_PLAIN_NUMBER_LENGTH})
           OR right(plain, {_PHONE_TAIL_DIGITS}) IN
              (SELECT right(phone, {_PHONE_TAIL_DIGITS}) FROM l_phone)
    """
    build_phones(con, "r", people_in=people)


def build_vehicles(con: duckdb.DuckDBPyConnection, side: str) -> None:
    con.execute(f"""
        CREATE OR REPLACE TABLE {side}_vehicle AS
        SELECT id, {vrm_sql("vrm")} AS vrm, role,
               {date_sql("date_from")} AS date_from, {date_sql("date_to")} AS date_to
        FROM {side}_src_vehicle WHERE {vrm_sql("vrm")} IS NOT NULL
    """)


# Names from Cyrillic and Arabic are written in Latin letters by several conventions
# (English, German, French, Polish, official Ukrainian): Shevchenko, Schewtschenko and
# Chevtchenko, Kovalchuk and Kowalczuk, Yevhen and Ievgen, Sayed and Said. metaphone reads
# each as English, so the spellings of one name get different codes; these rewrites first
# bring the conventions to one spelling. Each is a spelling English names rarely use for
# another sound, so nearly every English name keeps its code.
# A name that looks Slavic (a Polish or German digraph, or a Slavic ending) has W read as V
# (Kowalenko, Iwanow): only there, as in English Bowen and Bevan, Lowe and Love differ.
_SLAVIC_LOOK = "CZ|SZ|SCH|ENKO$|SK[IYA]$|SKYI$|CK[IA]$|[UY]K$|[OE]WA?$|[OE]VA?$|ICZ$|[IY]CH$"
# (pattern, replacement, options), in order: RE2 has no look-behind, so a letter kept is
# captured and written back.
_TRANSLIT_STEPS: tuple[tuple[str, str, str], ...] = (
    # Ie, Iu, Io at the start for Ye, Yu, Yo (Ievgen, Iurii); Ia only before three or more
    # letters (Iaroslav, not Ian)
    ("^I([EOU])", "Y\\1", ""),
    ("^IA([A-Z]{3})", "YA\\1", ""),
    # shch: English and Ukrainian SHCH, Polish SZCZ, German SCHTSCH or STSCH
    ("SCHTSCH|STSCH|SZCZ|SHCH", "SH", "g"),
    # ch: German TSCH, French TCH, Polish CZ; sh: German SCH, Polish SZ
    ("TSCH|TCH|CZ", "CH", "g"),
    ("SCH|SZ", "SH", "g"),
    # W before a consonant at the start is V in every language that writes it (Wladimir)
    ("^W([^AEIOUYHR])", "V\\1", ""),
    # Arabic qaf: Qasim, Kassem
    ("Q", "K", "g"),
    # KS written X in one convention (Oxana, Oksana; Alexandr, Aleksandr): metaphone codes
    # them alike already, and so the spelling (X at the start is Z or S: Xavier)
    ("([A-Z])X", "\\1KS", "g"),
    # Y after a letter is I (Dmytro, Dmitri; Sayed, Said; Bryan, Brian), twice for YY; at
    # the start it stays a consonant before a vowel (Yuriy), else it is I
    ("([A-Z])Y", "\\1I", "g"),
    ("([A-Z])Y", "\\1I", "g"),
    ("^Y([^AEIOU]|$)", "I\\1", ""),
    # Polish, Czech and German J for the same sound (Andrij, Andriy; Sergej, Sergei)
    ("IJ([^AEIOU]|$)", "I\\1", "g"),
    ("EJ$", "EI", ""),
    # Ukrainian H for Russian G after L, R or V (Olha, Olga; Serhiy, Sergei; Yevhen, Yevgeny)
    ("([LRV])H([AEIOU])", "\\1G\\2", "g"),
)


def translit_sql(expr: str) -> str:
    """SQL expression: a folded name (upper-case ASCII letters) in one spelling across the
    conventions that write Cyrillic and Arabic names in Latin letters (:data:`_TRANSLIT_STEPS`):
    Schewtschenko and Chevtchenko -> SHEVCHENKO, Kowalczuk -> KOVALCHUK, Ievgen -> YEVGEN,
    Yevhen -> YEVGEN, Sayed -> SAIED, Oxana -> OKSANA. The phonetic code is made from it,
    and the name comparisons' ``transliteration`` level reads it; the other levels compare
    the names as written."""
    out = (
        f"(CASE WHEN regexp_matches({expr}, '{_SLAVIC_LOOK}') "
        f"THEN regexp_replace({expr}, '([A-Z])W', '\\1V', 'g') ELSE {expr} END)"
    )
    for pattern, replacement, options in _TRANSLIT_STEPS:
        flags = f", '{options}'" if options else ""
        out = f"regexp_replace({out}, '{pattern}', '{replacement}'{flags})"
    return out


def build_phonetics(con: duckdb.DuckDBPyConnection) -> None:
    """``phonetic`` (sn, sn_meta, sn_spelt, sn_mra) and ``fn_phonetic`` (fn, fn_meta,
    fn_spelt, fn_mra): every distinct surname and first forename on either side in one
    spelling across transliterations (``*_spelt``, :func:`translit_sql`: Kowalczuk and
    Kovalchuk, Ievgen and Yevhen are each spelt one way), that spelling's metaphone code
    (``*_meta``) and its match rating codex (``*_mra``). The codex is the name's first letter,
    vowel or not, and its consonants (a doubled one once; of a long name the first and last
    three), where metaphone also merges consonants (Brian and Brown, Karen and Green share a
    metaphone code, not a codex): the blocking key that pairs a forename with a surname reads
    it, to stay narrow.

    Computed over the vocabularies (tens of thousands of names), not per row.
    """
    for table, col in (("phonetic", "sn"), ("fn_phonetic", "fn")):
        every = f"SELECT {col} FROM l_names UNION SELECT {col} FROM r_names"
        if col == "fn":
            every += "".join(
                f" UNION SELECT {_FORENAME_PART} FROM {side}_names WHERE {_HAS_PART}"
                for side in SIDES
            )
        vocab = con.execute(
            f"SELECT {col}, {translit_sql(col)} AS spelt FROM (SELECT DISTINCT {col} FROM "
            f"({every}) WHERE {col} IS NOT NULL)"
        ).fetchnumpy()
        names, spelt = vocab[col], vocab["spelt"]
        codes = pd.DataFrame(
            {
                col: names,
                f"{col}_meta": [
                    jellyfish.metaphone(str(t)) or str(s) for s, t in zip(names, spelt, strict=True)
                ],
                f"{col}_spelt": spelt,
                f"{col}_mra": [
                    jellyfish.match_rating_codex(_NOT_LETTER.sub("", str(t))) or str(s)
                    for s, t in zip(names, spelt, strict=True)
                ],
            }
        )
        con.register("_phonetic_df", codes)
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM _phonetic_df")
        con.unregister("_phonetic_df")


def build_nicknames(con: duckdb.DuckDBPyConnection) -> None:
    """``nick``: forename -> canonical group, from the ``nicknames`` data package; and
    ``nick_groups``: each forename's groups as a list (a name can be in several), read by
    the name keys and the forename comparison."""
    con.register("_nick_df", nickname_groups())
    con.execute("CREATE OR REPLACE TABLE nick AS SELECT * FROM _nick_df")
    con.unregister("_nick_df")
    con.execute(
        "CREATE OR REPLACE TABLE nick_groups AS "
        "SELECT name, list(canon ORDER BY canon) AS grps FROM nick GROUP BY name"
    )


def build_name_keys(con: duckdb.DuckDBPyConnection, side: str) -> None:
    """``{side}_name_keys``: every name a person is known by with each date of birth (NULL
    if none). Blocking keys and training blocks are read from it, so names meet dates of
    birth once. A hyphenated forename's row comes again with its first part as the forename
    (``part``: ZHI for ZHI-QIANG, which another record writes "Zhi Qiang"); blocking reads
    those rows, training does not.

    Blocking keys join on the name fields' 64-bit hashes, taken here once for each distinct
    name rather than by every rule for every row: ``h_sn``, ``h_fn``, the initials ``h_si``
    and ``h_fi``, the forename without spaces or hyphens ``h_fc``, the phonetic codes of the
    surname ``h_meta`` and of the forename ``h_fmeta``, their match rating codexes ``h_mra``
    and ``h_fmra``, and the forename's nickname groups ``h_grps`` (a list: a name can be in
    several; the forename itself if it is in none). Each is NULL where its name is. Equal
    names have equal hashes, so a key built from them pairs everything the names would.
    """
    forenames = f"SELECT DISTINCT fn FROM {side}_names WHERE fn IS NOT NULL"
    con.execute(f"""
        CREATE OR REPLACE TABLE {side}_name_keys AS
        WITH fv AS ({_forename_keys_sql(forenames)}),
        sv AS (  -- phonetic holds every surname of both sides
            SELECT sn, hash(sn) AS h_sn, hash(left(sn, 1)) AS h_si, hash(sn_meta) AS h_meta,
                   hash(sn_mra) AS h_mra
            FROM phonetic
        ),
        ad AS (SELECT id, dob FROM {side}_dobs WHERE alias),
        -- Each name with each date of birth, or NULL if the person has none: the person's own
        -- date is on the name's row, and only the few dates from aliases are joined.
        nd AS (
            SELECT id, fn, sn, dob FROM {side}_names WHERE dob IS NOT NULL
            UNION ALL
            SELECT id, fn, sn, dob FROM {side}_names n
            WHERE dob IS NULL AND NOT EXISTS (SELECT 1 FROM ad WHERE ad.id = n.id)
            UNION ALL
            SELECT n.id, n.fn, n.sn, ad.dob FROM {side}_names n JOIN ad USING (id)
        )
        SELECT n.id, n.fn, n.sn, n.dob, sv.h_sn, fv.h_fn, sv.h_si, fv.h_fi, fv.h_fc, sv.h_meta,
               fv.h_grps, fv.h_fmeta, sv.h_mra, fv.h_fmra, FALSE AS part
        FROM nd n LEFT JOIN sv ON sv.sn = n.sn LEFT JOIN fv ON fv.fn = n.fn
    """)
    # The first parts, from the few rows with a hyphenated forename (the surname's hashes
    # are the row's own; reading the names again would join every row twice).
    con.execute(f"""
        INSERT INTO {side}_name_keys BY NAME
        WITH k AS (
            SELECT * EXCLUDE (fn, h_fn, h_fi, h_fc, h_grps, h_fmeta, h_fmra, part),
                   {_FORENAME_PART} AS fn
            FROM {side}_name_keys WHERE {_HAS_PART}
        ),
        fv AS ({_forename_keys_sql("SELECT DISTINCT fn FROM k")})
        SELECT k.*, fv.* EXCLUDE (fn), TRUE AS part FROM k JOIN fv USING (fn)
    """)


def _forename_keys_sql(names: str) -> str:
    """SQL (fn, h_fn, h_fi, h_fc, h_grps, h_fmeta, h_fmra): the forename hashes of
    :func:`build_name_keys` for each forename ``names`` selects."""
    return f"""
        SELECT f.fn, hash(f.fn) AS h_fn, hash(left(f.fn, 1)) AS h_fi,
               hash({compact_sql("f.fn")}) AS h_fc, coalesce(k.h_grps, [hash(f.fn)]) AS h_grps,
               hash(fp.fn_meta) AS h_fmeta, hash(fp.fn_mra) AS h_fmra
        FROM ({names}) f
        LEFT JOIN (SELECT name, list_transform(grps, lambda g: hash(g)) AS h_grps
                   FROM nick_groups) k ON k.name = f.fn
        LEFT JOIN fn_phonetic fp ON fp.fn = f.fn
    """


def build_term_frequencies(con: duckdb.DuckDBPyConnection) -> None:
    """``tf_sn`` and ``tf_fn``: share of right-side people with each surname and each first
    forename (for term-frequency weights). A surname counts every one a person is known by
    (previous, part, alias): a pair agreeing on a part such as AL or VAN agrees on a name
    thousands carry, and one missing from the table took the largest bonus there is."""
    # Each person once per surname: the primary ones as they are (one per person), and only
    # the few other names made distinct (count(DISTINCT id) over every name: 0.6 s at 5M).
    con.execute("""
        CREATE OR REPLACE TABLE tf_sn AS
        WITH other AS (
            SELECT DISTINCT id, sn FROM r_names WHERE src <> 'primary' AND sn IS NOT NULL
        ),
        known AS (
            SELECT sn FROM r_person WHERE sn IS NOT NULL
            UNION ALL
            SELECT o.sn FROM other o ANTI JOIN r_person p ON p.id = o.id AND p.sn = o.sn
        )
        SELECT sn, count(*)::DOUBLE / (SELECT count(*) FROM r_person) AS tf
        FROM known GROUP BY sn
    """)
    con.execute("""
        CREATE OR REPLACE TABLE tf_fn AS
        SELECT fn, count(*)::DOUBLE / (SELECT count(*) FROM r_person) AS tf
        FROM r_person WHERE fn IS NOT NULL GROUP BY fn
    """)


def normalise_all(
    con: duckdb.DuckDBPyConnection, right_phones: bool = True, cfg: MatchConfig | None = None
) -> None:
    """Build every normalised table for both sides from the ``*_src_*`` views (``cfg``: the
    placeholder values read as missing; the defaults if None).

    ``right_phones=False`` builds ``r_phone`` only for the people who may share a number
    with the left side (:func:`build_right_phones_near_left`): where only blocking and the
    comparison read it (``sweep link``), the comparison adds the other compared people's
    (``linkage``).
    """
    for side in SIDES:
        build_person(con, side, cfg)
        build_names(con, side, cfg)
        build_dobs(con, side, cfg)
        # the right side's houses only where the left side has the postcode
        build_addresses(con, side, "l_addr" if side == "r" else None)
        if side == "l" or right_phones:
            build_phones(con, side)
        else:
            build_right_phones_near_left(con)
        build_vehicles(con, side)
    build_phonetics(con)
    build_nicknames(con)
    for side in SIDES:
        build_name_keys(con, side)
    build_term_frequencies(con)
