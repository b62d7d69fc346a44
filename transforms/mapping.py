"""A column mapping from any flat person extract onto the linkage engine's source views.

The linkage engine (``transforms/linkage.py``) reads only ``{side}_src_person``,
``{side}_src_alias``, ``{side}_src_address``, ``{side}_src_phone`` and ``{side}_src_vehicle``.
A mapping (TOML, one table per side) names the columns of a flat file (CSV or Parquet) that
hold each field, so two extracts of any shape can be linked by the same engine that screens
staff every night. Format::

    [left]
    id = "staff_id"                       # required; a list is joined with spaces
    forenames = ["first_name", "middle"]  # a column, or columns joined with a space
    surname = "surname"
    previous_surnames = "maiden_names"    # several in one value, split on the separator
    previous_surnames_sep = "|"
    full_name = "name"                    # instead of forenames + surname
    full_name_order = "surname_first"     # "SMITH John" (PNC style); default forenames_first
    date_of_birth = "dob"
    date_format = "%Y%m%d"                # strptime; a list tries each in turn; default ISO;
                                          # "excel": Excel's day numbers (31092 = 1985-02-14)
    sex = "sex"
    address = ["street_number", "address_1", "suburb"]
    postcode = "postcode"
    phone = ["home_phone", "mobile"]      # each column is a separate number
    encoding = "cp1252"                   # a CSV's text encoding: utf-8 (default), utf-16,
                                          # latin-1, cp1252 (Windows)
    [right]
    ...
    [truth]                               # optional: a --truth or --labels file's id columns
    left_id = "staff_id"
    right_id = "nominal_id"
    encoding = "utf-16"                   # and its text encoding, as for a side

Rows repeating an id are one person: the first row carrying a name or date of birth is the
primary record, every address and phone is collected, and a name or date of birth that
differs from the primary becomes an alias. No value from the data ever appears in an error.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import duckdb

from transforms.config import ValidationConfig
from transforms.normalise import PARTICLES, fold_sql, phone_digits_lost_sql, register_functions

SIDES = {"left": "l", "right": "r"}
# Keys whose list of columns is joined with a space into one value.
JOINED_KEYS = (
    "id",
    "forenames",
    "surname",
    "full_name",
    "date_of_birth",
    "sex",
    "address",
    "postcode",
)
# The columns of {s}_map_flat besides the id and phones: a row with none of them (and no
# phone) has nothing to match on.
EMPTY_ROW_COLUMNS = (
    "forenames",
    "surname",
    "previous_surnames",
    "dob_text",
    "sex",
    "address_line",
    "postcode",
)
# A footer as wide as the header ("TOTAL,600,,,,,,"): among the file's last rows, after its
# last person, at most this many (the short footer's limit in ``flat_files`` too), with a
# word of a total in the id or first column (FOOTER_WORD) and nothing in any other mapped
# field but at most FOOTER_MAX_COUNTS numbers (COUNT_LIKE): it can be no person.
FOOTER_MAX_LINES = 5
FOOTER_MAX_COUNTS = 2
FOOTER_WORD = r"^\W*(grand\s+)?(totals?|count|end|records?|rows?)\b"
COUNT_LIKE = r"[0-9][0-9,. ]*"
# Keys whose list of columns holds several values of the same kind.
MULTI_KEYS = ("previous_surnames", "phone")
COLUMN_KEYS = JOINED_KEYS + MULTI_KEYS
DEFAULT_DATE_FORMAT = "%Y-%m-%d"
# A date_format that reads Excel's serial day numbers (the 1900 date system: days since
# 1899-12-30, counting a 29 February 1900 that never was), as a CSV or Parquet file exported
# from a workbook may carry them: "31092", "31092.0" or a number column.
EXCEL_DATE_FORMAT = "excel"
EXCEL_EPOCH = "1899-12-30"
EXCEL_LEAP_DAY = 60  # Excel's 29 February 1900: the days before it are one day later
# An unread date of birth that looks like one of those numbers (a living person's: 10000 is
# 18 May 1927), for the warning that names the format.
EXCEL_SERIAL_LIKE = r"[1-9][0-9]{4}([.][0-9]*)?"
# A date of birth recorded as its year alone (1985), as some systems hold an estimated age.
BARE_YEAR_LIKE = r"(18|19|20)[0-9]{2}"
# How a full name without a comma is written: "John Smith", or "SMITH John" as the Police
# National Computer and many custody systems write it. With a comma it is always surname first.
FULL_NAME_ORDERS = ("forenames_first", "surname_first")
# A CSV's text encodings (the names DuckDB and Python take), with the other spellings a
# mapping may use. DuckDB reads the first three without an extension; Windows-1252, what Excel
# on Windows saves as "CSV", is turned into UTF-8 first (transforms/flat_files.py).
ENCODINGS = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "utf-16": "utf-16",
    "utf16": "utf-16",
    "latin-1": "latin-1",
    "latin1": "latin-1",
    "iso-8859-1": "latin-1",
    "iso8859-1": "latin-1",
    "cp1252": "cp1252",
    "windows-1252": "cp1252",
    "windows1252": "cp1252",
}
# Values of a sex column meaning "not recorded"; male and female words fold to M and F.
_SEX_UNKNOWN = ("U", "UNKNOWN", "NOT KNOWN", "NOT STATED", "N/A", "NA", "?", "-")
_SEX_MALE = ("M", "MALE", "MAN")
_SEX_FEMALE = ("F", "FEMALE", "WOMAN")
# Words that begin a surname when a full name is split on its last word (VAN DER BERG).
_PARTICLES = "|".join(PARTICLES)


class MappingError(ValueError):
    """A mapping that cannot be used: names the mapping (or data) file and the key."""


@dataclass(frozen=True)
class SideMapping:
    """Which columns of one side's file hold each field (empty tuple: not mapped)."""

    id: tuple[str, ...]
    forenames: tuple[str, ...] = ()
    surname: tuple[str, ...] = ()
    previous_surnames: tuple[str, ...] = ()
    previous_surnames_sep: str = "|"
    full_name: tuple[str, ...] = ()
    full_name_order: str = "forenames_first"  # or "surname_first" ("SMITH John")
    date_of_birth: tuple[str, ...] = ()
    date_format: tuple[str, ...] = (DEFAULT_DATE_FORMAT,)
    sex: tuple[str, ...] = ()
    address: tuple[str, ...] = ()
    postcode: tuple[str, ...] = ()
    phone: tuple[str, ...] = ()
    encoding: str = "utf-8"  # of a CSV file (one of ENCODINGS' values); Parquet has its own

    def mapped(self) -> dict[str, tuple[str, ...]]:
        """Every mapped key and its columns."""
        return {k: getattr(self, k) for k in COLUMN_KEYS if getattr(self, k)}

    def id_name(self) -> str | None:
        """The id column's name when the id is one column (the default truth column)."""
        return self.id[0] if len(self.id) == 1 else None


@dataclass(frozen=True)
class TruthMapping:
    """Column names of the true pairs in a --truth or --labels file (None: the default),
    and its text encoding if it is a CSV."""

    left_id: str | None = None
    right_id: str | None = None
    encoding: str = "utf-8"


@dataclass(frozen=True)
class Mapping:
    """Both sides' column mappings, the truth file's id columns and the mapping's name."""

    left: SideMapping
    right: SideMapping
    truth: TruthMapping = field(default_factory=TruthMapping)
    source: str = "<mapping>"  # the mapping file's name, for error messages

    def side(self, name: str) -> SideMapping:
        return self.left if name == "left" else self.right


# --- loading and validation ---------------------------------------------------------------------


def load_mapping(path: Path) -> Mapping:
    """Read and validate a mapping TOML file."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MappingError(f"{path}: mapping file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise MappingError(f"{path}: not valid TOML ({exc})") from None
    return parse_mapping(raw, str(path))


def parse_mapping(raw: dict[str, Any], source: str = "<mapping>") -> Mapping:
    """Validate a mapping read from TOML; every problem names ``source`` and the key."""
    unknown = set(raw) - {"left", "right", "truth"}
    if unknown:
        raise MappingError(
            f"{source}: unknown table(s) {sorted(unknown)}; expected [left], [right], [truth]"
        )
    sides = {}
    for name in SIDES:
        if name not in raw:
            raise MappingError(f"{source}: missing table [{name}]")
        if not isinstance(raw[name], dict):
            raise MappingError(f"{source}: [{name}] must be a table")
        sides[name] = _parse_side(raw[name], f"{source}: [{name}]")
    truth_raw = raw.get("truth", {})
    if not isinstance(truth_raw, dict):
        raise MappingError(f"{source}: [truth] must be a table")
    bad = set(truth_raw) - {"left_id", "right_id", "encoding"}
    if bad:
        raise MappingError(
            f"{source}: [truth] unknown key(s) {sorted(bad)}; expected left_id, right_id, encoding"
        )
    truth = dict(truth_raw)
    if "encoding" in truth:
        truth["encoding"] = _encoding(truth["encoding"], f"{source}: [truth].encoding")
    for key, value in truth.items():
        if not isinstance(value, str) or not value.strip():
            raise MappingError(f"{source}: [truth].{key} must be a column name")
    return Mapping(sides["left"], sides["right"], TruthMapping(**truth), source)


def _parse_side(raw: dict[str, Any], where: str) -> SideMapping:
    known = {f.name for f in fields(SideMapping)}
    unknown = set(raw) - known
    if unknown:
        raise MappingError(
            f"{where} unknown key(s) {sorted(unknown)}; expected some of {sorted(known)}"
        )
    if "id" not in raw:
        raise MappingError(f"{where}.id is required (the column holding each record's id)")
    kwargs: dict[str, Any] = {}
    for key in COLUMN_KEYS:
        if key in raw:
            kwargs[key] = _columns(raw[key], f"{where}.{key}")
    if "previous_surnames_sep" in raw:
        sep = raw["previous_surnames_sep"]
        if not isinstance(sep, str) or not sep:
            raise MappingError(f"{where}.previous_surnames_sep must be a non-empty string")
        kwargs["previous_surnames_sep"] = sep
    if "date_format" in raw:
        kwargs["date_format"] = _date_formats(raw["date_format"], f"{where}.date_format")
    if "encoding" in raw:
        kwargs["encoding"] = _encoding(raw["encoding"], f"{where}.encoding")
    if "full_name_order" in raw:
        order = raw["full_name_order"]
        if order not in FULL_NAME_ORDERS:
            raise MappingError(
                f"{where}.full_name_order must be one of {', '.join(FULL_NAME_ORDERS)}"
            )
        if "full_name" not in raw and order != FULL_NAME_ORDERS[0]:
            raise MappingError(f"{where}.full_name_order is for a full_name column: map one")
        kwargs["full_name_order"] = order
    if kwargs.get("full_name") and (kwargs.get("forenames") or kwargs.get("surname")):
        raise MappingError(
            f"{where}.full_name is an alternative to forenames and surname: map one or the other"
        )
    if not any(kwargs.get(k) for k in ("forenames", "surname", "full_name", "date_of_birth")):
        raise MappingError(
            f"{where} maps no name and no date of birth: there is nothing to link on"
        )
    return SideMapping(**kwargs)


def _encoding(value: Any, where: str) -> str:
    if not isinstance(value, str) or value.strip().lower() not in ENCODINGS:
        raise MappingError(
            f"{where} must be one of utf-8, utf-16, latin-1, cp1252 (a CSV's text encoding)"
        )
    return ENCODINGS[value.strip().lower()]


def _columns(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise MappingError(f"{where} must be a column name or a non-empty list of column names")
    for v in value:
        if not isinstance(v, str) or not v.strip():
            raise MappingError(f"{where} must be a column name or a non-empty list of column names")
    return tuple(value)


def _date_formats(value: Any, where: str) -> tuple[str, ...]:
    formats = _columns(value, where)
    formats = tuple(
        EXCEL_DATE_FORMAT if f.strip().lower() == EXCEL_DATE_FORMAT else f for f in formats
    )
    with duckdb.connect() as con:
        for fmt in formats:
            if fmt == EXCEL_DATE_FORMAT:
                continue
            if "%" not in fmt:
                raise MappingError(
                    f"{where}: {fmt!r} has no % directive (an strptime format like %Y%m%d, or "
                    f'"{EXCEL_DATE_FORMAT}" for the day numbers Excel stores dates as)'
                )
            try:
                con.execute("SELECT try_strptime('2000-01-01', ?)", [fmt]).fetchall()
            except duckdb.Error:
                raise MappingError(f"{where}: {fmt!r} is not a valid strptime format") from None
    return formats


# --- building the source views -------------------------------------------------------------------


def quote(name: str) -> str:
    """A column name as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A text as a quoted SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _text(col: str) -> str:
    """A column's value as text, trimmed, empty as NULL. Nearly every value needs neither,
    and is tested for it instead of trimmed: trimming every value of a 5M-row file cost
    about 1 CPU-second of the read's 4.4."""
    v = f"CAST({quote(col)} AS VARCHAR)"
    return (
        f"(CASE WHEN {v} = '' OR starts_with({v}, ' ') OR ends_with({v}, ' ') "
        f"THEN nullif(trim({v}), '') ELSE {v} END)"
    )


def _joined(cols: tuple[str, ...], sep: str = " ") -> str:
    """The columns' values joined with ``sep``, empty ones skipped. Address columns are
    lines, joined with ", " as a line break reads: with a space, "Ground Floor Flat" |
    "10 High St" read as flat 10 with no house number."""
    if len(cols) == 1:
        return _text(cols[0])
    return f"nullif(concat_ws({literal(sep)}, {', '.join(_text(c) for c in cols)}), '')"


def _full_name_parts(cols: tuple[str, ...], order: str = "forenames_first") -> tuple[str, str]:
    """(forenames, surname) SQL from a full name: "SURNAME, Forenames" when it has a comma,
    else by ``order``: the last word is the surname (forenames_first), or the first
    (surname_first), with any particles next to it (VAN DER BERG), after titles and suffixes
    are removed. Text in brackets ("(deceased)", "(nee Jones)") is not part of the name."""
    raw = f"nullif(trim(regexp_replace({_joined(cols)}, '\\([^)]*\\)?', ' ', 'g')), '')"
    folded = fold_sql(raw)
    comma_fore = fold_sql(f"substr({raw}, strpos({raw}, ',') + 1)")
    comma_sur = fold_sql(f"split_part({raw}, ',', 1)", surname=True)
    if order == "surname_first":
        split, fore_at, sur_at = f"^((?:(?:{_PARTICLES}) )*[^ ]+) (.*)$", 2, 1
    else:  # forenames, then the surname: its last word with any particles before it
        split, fore_at, sur_at = f"^(.*?) ((?:(?:{_PARTICLES}) )*[^ ]+)$", 1, 2
    fore = (
        f"CASE WHEN strpos({raw}, ',') > 0 THEN {comma_fore} "
        f"ELSE nullif(regexp_extract({folded}, '{split}', {fore_at}), '') END"
    )
    sur = (
        f"CASE WHEN strpos({raw}, ',') > 0 THEN {comma_sur} "
        f"ELSE coalesce(nullif(regexp_extract({folded}, '{split}', {sur_at}), ''), {folded}) END"
    )
    return fore, f"nullif({sur}, '')"


def _plausible_dob(d: str) -> str:
    """``d`` if it can be a living person's date of birth (from 1 January of
    ``ValidationConfig.min_birth_year`` to today, as the nightly flow's rule), else NULL: a
    year keyed as 0080 or a date in the future is no evidence, and is counted as not parsed."""
    earliest = f"DATE '{ValidationConfig().min_birth_year:04d}-01-01'"
    return f"(CASE WHEN {d} BETWEEN {earliest} AND current_date THEN {d} END)"


def _excel_dob(text: str) -> str:
    """SQL DATE: ``text`` read as an Excel serial day number ("31092", "31092.0"; a fraction
    is a time of day), or NULL."""
    n = (
        f"(CASE WHEN regexp_full_match({text}, '\\s*[0-9]{{1,6}}([.][0-9]*)?\\s*') "
        f"THEN CAST(floor(CAST(trim({text}) AS DOUBLE)) AS INTEGER) END)"
    )
    d = (
        f"(CASE WHEN {n} < {EXCEL_LEAP_DAY} THEN DATE '{EXCEL_EPOCH}' + {n} + 1 "
        f"WHEN {n} > {EXCEL_LEAP_DAY} THEN DATE '{EXCEL_EPOCH}' + {n} END)"
    )
    return _plausible_dob(d)


def _parsed_dob(text: str, fmt: str) -> str:
    """SQL DATE: ``text`` read with one strptime format (or as Excel's day number), or
    NULL. %Y takes a two-digit year as year 80, which the plausibility check then refuses,
    so a later %y format can read it; %y puts 00-68 in 2000-2068, and a date of birth is
    never in the future: a century back."""
    if fmt == EXCEL_DATE_FORMAT:
        return _excel_dob(text)
    d = f"CAST(try_strptime({text}, {literal(fmt)}) AS DATE)"
    if "%y" in fmt:
        d = f"(CASE WHEN {d} > current_date THEN CAST({d} - INTERVAL 100 YEAR AS DATE) ELSE {d} END)"
    return _plausible_dob(d)


# A time of day after a date: "T00:00:00", " 00:00", " 00:00:00.000", "T00:00:00Z".
_TIME_PART = r"[T ]+[0-9]{1,2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?Z?[ ]*$"


def _dob(side: SideMapping, types: dict[str, str]) -> tuple[str, str]:
    """(text, DATE) SQL for the date of birth. A DATE or TIMESTAMP column is taken as it is; a
    timestamp with a time zone is read in UTC and rounded to the nearest day, so a date stored
    as local midnight (23:00 UTC the day before in summer) keeps its day on any machine."""
    cols = side.date_of_birth
    if not cols:
        return "NULL::VARCHAR", "NULL::DATE"
    text = _joined(cols)
    kind = types.get(cols[0], "").upper() if len(cols) == 1 else ""
    if kind.startswith("TIMESTAMP") and "TIME ZONE" in kind:
        col = f"timezone('UTC', {quote(cols[0])})"
        return text, _plausible_dob(f"CAST({col} + INTERVAL 12 HOUR AS DATE)")
    if kind.startswith(("DATE", "TIMESTAMP")):
        return text, _plausible_dob(f"CAST({quote(cols[0])} AS DATE)")
    parsed = [_parsed_dob(text, f) for f in side.date_format]
    if not any("%H" in f for f in side.date_format):
        # a date written with a time of day ("1985-03-12T00:00:00", "12/03/1985 00:00", as
        # spreadsheets and databases export dates; a birth time is no evidence either way):
        # tried only where the format failed, and only on text with a ':' (DuckDB evaluates
        # a coalesce's later arguments for every row: unguarded, the regular expression
        # cost 0.5 of the 1.0 CPU-seconds the dates of birth take at 5M rows)
        bare = f"regexp_replace({text}, '{_TIME_PART}', '')"
        parsed += [
            f"(CASE WHEN contains({text}, ':') THEN {_parsed_dob(bare, f)} END)"
            for f in side.date_format
            if f != EXCEL_DATE_FORMAT
        ]
    return text, parsed[0] if len(parsed) == 1 else f"coalesce({', '.join(parsed)})"


def _sex(cols: tuple[str, ...]) -> str:
    if not cols:
        return "NULL::VARCHAR"
    v = f"upper({_joined(cols)})"
    lst = lambda xs: ", ".join(literal(x) for x in xs)  # noqa: E731
    return (
        f"CASE WHEN {v} IS NULL OR {v} IN ({lst(_SEX_UNKNOWN)}) THEN NULL "
        f"WHEN {v} IN ({lst(_SEX_MALE)}) THEN 'M' WHEN {v} IN ({lst(_SEX_FEMALE)}) THEN 'F' "
        f"ELSE {v} END"
    )


def _previous(side: SideMapping) -> str:
    if not side.previous_surnames:
        return "NULL::VARCHAR"
    sep = literal(side.previous_surnames_sep)
    parts = ", ".join(f"replace({_text(c)}, {sep}, '|')" for c in side.previous_surnames)
    return f"nullif(concat_ws('|', {parts}), '')"


def _phones(cols: tuple[str, ...]) -> str:
    """The ``phones`` column of ``{s}_map_flat``: one phone column is kept as text (a list
    per row, unnested again, took three times as long at 5M rows), several as a list."""
    if not cols:
        return "NULL::VARCHAR"
    if len(cols) == 1:
        return _text(cols[0])
    return f"list_filter([{', '.join(_text(c) for c in cols)}], lambda x: x IS NOT NULL)"


def _lost_phones(side: SideMapping, listed: bool) -> str:
    """SQL aggregate over ``{s}_map_rows``: how many phones are in scientific notation with
    digits lost (:func:`~transforms.normalise.phone_digits_lost_sql`). Only a value with an
    E in it is looked at closely."""
    if not side.phone:
        return "0"
    # a CASE, not AND: DuckDB works out both sides of an AND here (19 s, not 0.4, at 10M)
    lost = lambda v: (  # noqa: E731
        f"CASE WHEN contains({v}, 'E') OR contains({v}, 'e') THEN {phone_digits_lost_sql(v)} END"
    )
    if listed:
        return f"coalesce(sum(len(list_filter(phones, lambda x: {lost('x')}))), 0)"
    return f"count(*) FILTER (WHERE {lost('phones')})"


def _phone_rows(table: str, listed: bool) -> str:
    """SQL (id, phone): every phone of every row of ``table``, NULLs included."""
    if listed:
        return f"SELECT id, unnest(list_distinct(phones)) AS phone FROM {table}"
    return f"SELECT id, phones AS phone FROM {table}"


def check_columns(
    side: SideMapping, columns: list[str], side_name: str, file: str, source: str
) -> None:
    """Every mapped column must be in the file: the error names the file, key and column,
    and lists the file's columns. When most mapped columns are missing, the file's first line
    is likely data, not a header (or a quote left open made it so): then its "columns" would
    be a person's details, so they are counted, never listed."""
    present = set(columns)
    wanted = [(key, col) for key, cols in side.mapped().items() for col in cols]
    missing = [(key, col) for key, col in wanted if col not in present]
    if not missing:
        return
    key, col = missing[0]
    where = f"{file}: column {col!r} named by [{side_name}].{key} in {source} is not in the file"
    if len(missing) * 2 > len(wanted):
        raise MappingError(
            f"{where}, nor are {len(missing) - 1} of the other {len(wanted) - 1} mapped "
            f"columns: is the file's first line a header? ({len(columns)} columns read from it, "
            "not shown: they may be data)"
        )
    shown = ", ".join(columns[:40]) + (" ..." if len(columns) > 40 else "")
    raise MappingError(f"{where} (columns: {shown})")


def check_types(
    side: SideMapping, types: dict[str, str], side_name: str, file: str, source: str
) -> None:
    """A mapped column must hold one value per row: a list, struct, map or union (Parquet's
    nested types) would be compared as its text ("[0770..., 0770...]"), so it is refused."""
    for key, cols in side.mapped().items():
        for col in cols:
            kind = types.get(col, "").upper()
            if kind.endswith("]") or kind.startswith(("STRUCT", "MAP", "UNION")):
                raise MappingError(
                    f"{file}: column {col!r} named by [{side_name}].{key} in {source} holds "
                    f"{kind.split('(')[0]} values; map columns of one value each (several "
                    "phones: a list of columns)"
                )


@dataclass(frozen=True)
class SideStats:
    """What building one side's views found: rows read, people, unparsed dates of birth."""

    rows: int  # data rows read as people's rows (repeated headers and empty rows not among them)
    people: int
    dob_unparsed: int
    aliases: int
    header_rows: int = 0  # rows repeating the header inside the file, left out
    empty_rows: int = 0  # rows with an id at most and no other mapped field (footers), left out
    first_empty_row: int | None = None  # the data row of the first of them
    first_empty_at: str = ""  # where that is, as a user finds it (``Locate``: "line 103")
    # rows at the end as wide as the header that are a footer ("TOTAL,600,,,,"), left out
    footer_rows: int = 0
    first_footer_at: str = ""
    dob_excel_serials: int = 0  # of dob_unparsed: numbers as Excel stores dates (EXCEL_SERIAL_LIKE)
    dob_bare_years: int = 0  # of dob_unparsed: a year alone (BARE_YEAR_LIKE)
    # (column, values): phones in scientific notation with digits lost ("7.60E+09"), not used
    phones_lost: tuple[tuple[str, int], ...] = ()
    # a CSV's last lines with fewer fields than its header (a footer: "TOTAL,600"), left out:
    # how many, the file line of the first, its fields and the header's
    footer_lines: int = 0
    first_footer_line: int | None = None
    footer_fields: int = 0
    header_fields: int = 0


# Where a file's ``n``th record of ``records`` is, for a message: "line 103" in a CSV (see
# :func:`transforms.flat_files.record_locator`); by default its data row as DuckDB counts them.
Locate = Callable[[int, int], str]


def data_row(n: int, records: int) -> str:
    """The default :data:`Locate`: the ``n``th of the rows read (a table has no lines)."""
    return f"data row {n:,}"


def _people_from_repeated_rows(con: duckdb.DuckDBPyConnection, s: str, listed: bool) -> None:
    """``{s}_map_person``, ``_alias``, ``_address`` and ``_phone`` from a file where a person
    may have several rows: the first row with a name or date of birth is the person, other
    names and dates are aliases, and addresses and phones are collected from every row.
    A person's number (``id``) is the data row number of their first row; ``{s}_ids`` maps
    it to the file's id."""
    con.execute(f"""
        CREATE OR REPLACE TABLE {s}_ids AS
        SELECT min(_row) AS id, key FROM {s}_map_rows GROUP BY key
    """)
    con.execute(f"""
        CREATE OR REPLACE TABLE {s}_map_numbered AS
        SELECT i.id, r.* EXCLUDE (key) FROM {s}_map_rows r JOIN {s}_ids i USING (key)
    """)
    # Primary record per id: the first row with a name or date of birth (else the first row).
    con.execute(f"""
        CREATE OR REPLACE TABLE {s}_map_primary AS
        SELECT * EXCLUDE (rn) FROM (
            SELECT id, _row, forenames, surname, dob,
                   row_number() OVER (PARTITION BY id ORDER BY
                       (forenames IS NULL AND surname IS NULL AND dob IS NULL), _row) AS rn
            FROM {s}_map_numbered
        ) WHERE rn = 1
    """)
    con.execute(f"""
        CREATE OR REPLACE TABLE {s}_map_person AS
        WITH prev AS (
            SELECT id, string_agg(DISTINCT trim(x.s), '|' ORDER BY trim(x.s)) AS previous_surnames
            FROM {s}_map_numbered, unnest(string_split(previous_surnames, '|')) AS x(s)
            WHERE previous_surnames IS NOT NULL AND trim(x.s) <> ''
            GROUP BY id
        ),
        sx AS (
            SELECT id, arg_min(sex, _row) AS sex FROM {s}_map_numbered WHERE sex IS NOT NULL GROUP BY id
        )
        SELECT p.id, p.forenames, p.surname, prev.previous_surnames, p.dob, sx.sex
        FROM {s}_map_primary p LEFT JOIN prev USING (id) LEFT JOIN sx USING (id)
    """)
    con.execute(f"""
        CREATE OR REPLACE TABLE {s}_map_alias AS
        SELECT DISTINCT f.id, f.forenames, f.surname, f.dob
        FROM {s}_map_numbered f JOIN {s}_map_primary p USING (id)
        WHERE f._row <> p._row
          AND ((f.forenames IS NOT NULL AND f.forenames IS DISTINCT FROM p.forenames)
            OR (f.surname IS NOT NULL AND f.surname IS DISTINCT FROM p.surname)
            OR (f.dob IS NOT NULL AND f.dob IS DISTINCT FROM p.dob))
    """)
    con.execute(f"""
        CREATE OR REPLACE TABLE {s}_map_address AS
        SELECT DISTINCT id, address_line, postcode, NULL::DATE AS date_from, NULL::DATE AS date_to
        FROM {s}_map_numbered WHERE address_line IS NOT NULL OR postcode IS NOT NULL
    """)
    con.execute(f"""
        CREATE OR REPLACE TABLE {s}_map_phone AS
        SELECT DISTINCT id, phone, NULL::DATE AS date_from, NULL::DATE AS date_to
        FROM ({_phone_rows(f"{s}_map_numbered", listed)}) WHERE phone IS NOT NULL
    """)
    con.execute(f"DROP TABLE {s}_map_primary")
    con.execute(f"DROP TABLE {s}_map_numbered")


def _people_from_one_row_each(con: duckdb.DuckDBPyConnection, s: str, listed: bool) -> None:
    """The same tables as :func:`_people_from_repeated_rows`, for a file with one row per
    person, as views over ``{s}_map_rows``: no grouping, window or self-join over millions
    of rows (at 5M rows the grouped form took about 10 s of the read), and no copy. A
    person's number (``id``) is their data row number."""
    con.execute(f"""
        CREATE OR REPLACE VIEW {s}_map_numbered AS
        SELECT _row AS id, * EXCLUDE (_row, key) FROM {s}_map_rows
    """)
    con.execute(f"CREATE OR REPLACE VIEW {s}_ids AS SELECT _row AS id, key FROM {s}_map_rows")
    con.execute(f"""
        CREATE OR REPLACE VIEW {s}_map_person AS
        SELECT id, forenames, surname,
               -- one name (nearly all) is already trimmed and not empty: only lists are split
               CASE WHEN contains(previous_surnames, '|') THEN
                   nullif(array_to_string(list_sort(list_distinct(list_filter(
                       list_transform(string_split(previous_surnames, '|'), lambda x: trim(x)),
                       lambda x: x <> ''))), '|'), '')
               ELSE previous_surnames END AS previous_surnames,
               dob, sex
        FROM {s}_map_numbered
    """)
    con.execute(f"""
        CREATE OR REPLACE VIEW {s}_map_alias AS
        SELECT id, forenames, surname, dob FROM {s}_map_numbered WHERE FALSE
    """)
    con.execute(f"""
        CREATE OR REPLACE VIEW {s}_map_address AS
        SELECT id, address_line, postcode, NULL::DATE AS date_from, NULL::DATE AS date_to
        FROM {s}_map_numbered WHERE address_line IS NOT NULL OR postcode IS NOT NULL
    """)
    con.execute(f"""
        CREATE OR REPLACE VIEW {s}_map_phone AS
        SELECT id, phone, NULL::DATE AS date_from, NULL::DATE AS date_to
        FROM ({_phone_rows(f"{s}_map_numbered", listed)}) WHERE phone IS NOT NULL
    """)


def footer_kind_sql(value: str) -> str:
    """SQL: what the text ``value`` is to a footer: 0 nothing, 1 a total's word
    (:data:`FOOTER_WORD`), 2 a number (:data:`COUNT_LIKE`), 3 anything else."""
    return (
        f"(CASE WHEN {value} IS NULL THEN 0 "
        f"WHEN regexp_matches({value}, {literal(FOOTER_WORD)}, 'i') THEN 1 "
        f"WHEN regexp_full_match({value}, {literal(COUNT_LIKE)}) THEN 2 ELSE 3 END)::TINYINT"
    )


def trailing_footer(
    con: duckdb.DuckDBPyConnection, table: str, footer: str, kept: str
) -> tuple[int, int]:
    """(rows, 1-based row of the first) of the footer as wide as the header at the end of
    ``table`` (rows in file order by rowid), or (0, 0): the rows where the SQL ``footer``
    holds after the last row that is neither a footer nor left out anyway (``kept``, SQL).
    Only the last rows are looked at; more than :data:`FOOTER_MAX_LINES` of them are no
    footer, left to be read as they are."""
    found, first = con.execute(f"""
        WITH tail AS (
            SELECT rowid + 1 AS r, CASE WHEN {kept} THEN {footer} END AS footer, {kept} AS kept
            FROM {table}
            WHERE rowid >= (SELECT count(*) FROM {table}) - {2 * FOOTER_MAX_LINES}
        ),
        last AS (SELECT coalesce(max(r) FILTER (WHERE kept AND NOT footer), 0) AS r FROM tail)
        SELECT count(*), min(tail.r) FROM tail, last WHERE tail.footer AND tail.r > last.r
    """).fetchall()[0]
    if not found or found > FOOTER_MAX_LINES:
        return 0, 0
    return int(found), int(first)


def _side_footer(side: SideMapping, first_kind: bool) -> str:
    """SQL over ``{s}_map_flat``: a row that is a footer as wide as the header
    ("TOTAL,600,,,,,,": :func:`trailing_footer`), as no person can be: a total's word in
    the id (or, the id empty, in the first column: ``first_kind``), every other mapped field
    empty or a number, at most :data:`FOOTER_MAX_COUNTS` of them. (A row with nothing but
    an id is an empty row, counted as before.)"""
    listed = len(side.phone) > 1
    key = footer_kind_sql("key")
    count = literal(COUNT_LIKE)
    filled = " + ".join(
        [f"({c} IS NOT NULL)::INT" for c in EMPTY_ROW_COLUMNS]
        + ["(coalesce(len(phones), 0) > 0)::INT" if listed else "(phones IS NOT NULL)::INT"]
    )
    numbers = " AND ".join(
        [f"({c} IS NULL OR regexp_full_match({c}, {count}))" for c in EMPTY_ROW_COLUMNS]
        + [
            f"len(list_filter(phones, lambda x: NOT regexp_full_match(x, {count}))) = 0"
            if listed
            else f"(phones IS NULL OR regexp_full_match(phones, {count}))"
        ]
    )
    # _first is there for a row with no id: its word, else the id's
    word = f"({key} = 1 OR _first = 1) AND coalesce(_first, 0) <> 3" if first_kind else f"{key} = 1"
    return f"{word} AND {numbers} AND {filled} <= {FOOTER_MAX_COUNTS}"


def build_source_views(
    con: duckdb.DuckDBPyConnection,
    side_name: str,
    side: SideMapping,
    source: str,
    file: str,
    one_row_each: bool | None = None,
    locate: Locate = data_row,
) -> SideStats:
    """Create the engine's ``{l|r}_src_*`` views for ``side_name`` from ``source``: a table
    or table function (``read_csv(...)``) giving the flat file's rows in file order. Only the
    mapped columns are read, once, into a table whose row ids number the file's rows.
    ``one_row_each``: whether every id is on one row (None: count them); the same tables are
    then built without grouping. ``locate`` says where a row is in the file, for messages
    (a CSV's line: DuckDB skips blank lines, so its row numbers are not the file's).

    The views' ``id`` is a number, the data row number of the person's first row, and
    ``{l|r}_ids`` (id, key) maps it to the file's id: every join in linkage is on a person's
    id, and at 5M nominals ``sweep link`` took 17.7 s on integers against 20.5 s on text ids.

    A row with nothing in any mapped field but the id (a footer, or a row empty throughout)
    is counted (``SideStats.empty_rows``) and left out. Raises MappingError if any other row
    has an empty id (naming the file, count and first row).
    """
    s = SIDES[side_name]
    register_functions(con)  # a full name is folded to be split
    types = dict(
        con.execute(
            f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM {source})"
        ).fetchall()
    )
    if side.full_name:
        fore, sur = _full_name_parts(side.full_name, side.full_name_order)
    else:
        fore = _joined(side.forenames) if side.forenames else "NULL::VARCHAR"
        sur = _joined(side.surname) if side.surname else "NULL::VARCHAR"
    if len(side.id) == 1:
        id_sql = _text(side.id[0])
    else:  # a composite id needs every part
        parts = [_text(c) for c in side.id]
        id_sql = f"CASE WHEN {' OR '.join(p + ' IS NULL' for p in parts)} THEN NULL ELSE concat_ws(' ', {', '.join(parts)}) END"
    dob_text, dob_date = _dob(side, types)
    # the first column, where it is not the id, as far as a footer's word goes, for a row
    # with no id only (looked at in every row, it cost 0.2 s a million rows)
    first = next(iter(types))
    first_kind = (
        ""
        if side.id == (first,)
        else f", CASE WHEN {id_sql} IS NULL THEN {footer_kind_sql(_text(first))} END AS _first"
    )
    con.execute(f"""
        CREATE OR REPLACE TABLE {s}_map_flat AS
        SELECT {id_sql} AS key, {fore} AS forenames, {sur} AS surname,
               {_previous(side)} AS previous_surnames, {dob_text} AS dob_text, {dob_date} AS dob,
               {_sex(side.sex)} AS sex,
               {_joined(side.address, ", ") if side.address else "NULL::VARCHAR"} AS address_line,
               {_joined(side.postcode) if side.postcode else "NULL::VARCHAR"} AS postcode,
               {_phones(side.phone)} AS phones{first_kind}
        FROM {source}
    """)
    # A header repeated inside the file (parts of an export joined end to end) is no
    # person: its id is the id column's own name. Counted and left out after the rows are
    # numbered, so data row numbers stay the file's.
    header_key = literal(" ".join(side.id))
    listed = len(side.phone) > 1
    # A row with nothing but an id (a footer: "Total records: 600,,,,") carries nothing to
    # match on: counted, with its data row, and left out. One field besides is a person.
    nothing = " AND ".join(
        [f"{c} IS NULL" for c in EMPTY_ROW_COLUMNS]
        + ["coalesce(len(phones), 0) = 0" if listed else "phones IS NULL"]
    )
    records, headers, empty, first_empty = con.execute(f"""
        SELECT count(*), count(*) FILTER (WHERE key = {header_key}),
               count(*) FILTER (WHERE key IS DISTINCT FROM {header_key} AND {nothing}),
               min(rowid + 1) FILTER (WHERE key IS DISTINCT FROM {header_key} AND {nothing})
        FROM {s}_map_flat
    """).fetchall()[0]
    skip = [f"key IS DISTINCT FROM {header_key}"] if headers else []
    skip += [f"NOT ({nothing})"] if empty else []
    footers, first_footer = trailing_footer(
        con,
        f"{s}_map_flat",
        _side_footer(side, bool(first_kind)),
        f"key IS DISTINCT FROM {header_key} AND NOT ({nothing})",
    )
    skip += [f"_row < {first_footer}"] if footers else []
    # Insertion order is the file's order, so rowid + 1 is the data row number.
    con.execute(
        f"CREATE OR REPLACE VIEW {s}_map_rows AS "
        f"SELECT * FROM (SELECT rowid + 1 AS _row, *{' EXCLUDE (_first)' if first_kind else ''} "
        f"FROM {s}_map_flat) " + (f"WHERE {' AND '.join(skip)}" if skip else "")
    )
    unread = "dob_text IS NOT NULL AND dob IS NULL"
    serial = (
        f"regexp_full_match(dob_text, '{EXCEL_SERIAL_LIKE}') AND TRY_CAST(split_part(dob_text, '.', 1) "
        f"AS INTEGER) <= current_date - DATE '{EXCEL_EPOCH}'"
    )
    year = f"regexp_full_match(trim(dob_text), '{BARE_YEAR_LIKE}')"
    rows, no_id, first_no_id, unparsed, ids, lost, serials, years = con.execute(f"""
        SELECT count(*), count(*) FILTER (WHERE key IS NULL), min(_row) FILTER (WHERE key IS NULL),
               count(*) FILTER (WHERE {unread}), count(DISTINCT key),
               {_lost_phones(side, listed)}, count(*) FILTER (WHERE CASE WHEN {unread} THEN {serial} END),
               count(*) FILTER (WHERE CASE WHEN {unread} THEN {year} END)
        FROM {s}_map_rows
    """).fetchall()[0]
    if no_id:
        raise MappingError(
            f"{file}: {no_id} row(s) have an empty id ([{side_name}].id = "
            f"{', '.join(side.id)}; first at {locate(int(first_no_id), int(records))})"
        )
    if one_row_each is None:  # detected from the file; False forces the grouped form
        one_row_each = ids == rows
    phones_lost = ((side.phone[0], lost),) if lost else ()
    if lost and listed:  # which columns hold them: read again, only when some do
        counts = con.execute(
            "SELECT "
            + ", ".join(
                f"count(*) FILTER (WHERE {phone_digits_lost_sql(_text(c))})" for c in side.phone
            )
            + f" FROM {source}"
        ).fetchall()[0]
        phones_lost = tuple((c, n) for c, n in zip(side.phone, counts, strict=True) if n)
    if one_row_each:
        _people_from_one_row_each(con, s, listed)
    else:
        _people_from_repeated_rows(con, s, listed)
    views = {
        "person": f"SELECT id, forenames, surname, previous_surnames, dob, sex FROM {s}_map_person",
        "alias": f"SELECT id, forenames, surname, dob FROM {s}_map_alias",
        "address": f"SELECT id, address_line, postcode, date_from, date_to FROM {s}_map_address",
        "phone": f"SELECT id, phone, date_from, date_to FROM {s}_map_phone",
        "vehicle": "SELECT NULL::BIGINT AS id, NULL::VARCHAR AS vrm, NULL::VARCHAR AS role, "
        "NULL::DATE AS date_from, NULL::DATE AS date_to WHERE FALSE",
    }
    for name, sql in views.items():
        con.execute(f"CREATE OR REPLACE VIEW {s}_src_{name} AS {sql}")
    people, aliases = con.execute(
        f"SELECT (SELECT count(*) FROM {s}_map_person), (SELECT count(*) FROM {s}_map_alias)"
    ).fetchall()[0]
    if not one_row_each:  # else the views read them
        con.execute(f"DROP VIEW {s}_map_rows")
        con.execute(f"DROP TABLE {s}_map_flat")
    return SideStats(
        rows=int(rows),
        people=int(people),
        dob_unparsed=int(unparsed),
        aliases=int(aliases),
        header_rows=int(headers),
        empty_rows=int(empty),
        first_empty_row=None if first_empty is None else int(first_empty),
        first_empty_at="" if first_empty is None else locate(int(first_empty), int(records)),
        footer_rows=footers,
        first_footer_at=locate(first_footer, int(records)) if footers else "",
        dob_excel_serials=int(serials),
        dob_bare_years=int(years),
        phones_lost=tuple((c, int(n)) for c, n in phones_lost),
    )
