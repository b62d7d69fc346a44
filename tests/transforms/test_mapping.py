"""mapping: TOML validation with clear errors, and the source views built from a flat file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from transforms.mapping import (
    MappingError,
    build_source_views,
    check_columns,
    load_mapping,
    parse_mapping,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "mappings"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "people.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _views(con: duckdb.DuckDBPyConnection, side: str) -> dict[str, pd.DataFrame]:
    """Each source view with its people's numbers replaced by the file's ids."""
    return {
        name: con.execute(
            f"SELECT i.key AS id, v.* EXCLUDE (id) FROM {side}_src_{name} v "
            f"LEFT JOIN {side}_ids i ON i.id = v.id ORDER BY ALL"
        ).df()
        for name in ("person", "alias", "address", "phone", "vehicle")
    }


def _load(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> str:
    con.register("_frame", frame)
    con.execute("CREATE OR REPLACE TABLE input_rows AS SELECT * FROM _frame")
    con.unregister("_frame")
    return "input_rows"


# --- parsing --------------------------------------------------------------------------------


def test_examples_parse() -> None:
    files = sorted(EXAMPLES.glob("*.toml"))
    assert len(files) >= 2
    for path in files:
        m = load_mapping(path)
        assert m.left.id and m.right.id
        assert m.source == str(path)


def test_strings_and_lists_and_defaults(tmp_path: Path) -> None:
    m = load_mapping(
        _write(
            tmp_path,
            """
            [left]
            id = "rec_id"
            forenames = ["given_name", "middle_name"]
            surname = "surname"
            date_of_birth = "dob"
            date_format = "%Y%m%d"
            phone = ["home", "mobile"]
            [right]
            id = "ref"
            full_name = "name"
            date_of_birth = "dob"
            """,
        )
    )
    assert m.left.forenames == ("given_name", "middle_name")
    assert m.left.phone == ("home", "mobile")
    assert m.left.date_format == ("%Y%m%d",)
    assert m.right.date_format == ("%Y-%m-%d",)  # ISO by default
    assert m.right.previous_surnames_sep == "|"
    assert m.truth.left_id is None and m.left.id_name() == "rec_id"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[left]\nid = "a"\nsurname = "s"\nnickname = "n"\n[right]\nid = "b"\nsurname = "s"',
            r"\[left\] unknown key\(s\) \['nickname'\]",
        ),
        ('[left]\nsurname = "s"\n[right]\nid = "b"\nsurname = "s"', r"\[left\]\.id is required"),
        ('[left]\nid = "a"\nsurname = "s"', r"missing table \[right\]"),
        (
            '[left]\nid = "a"\nsurname = "s"\n[right]\nid = "b"\nsurname = "s"\n[extra]\nx = 1',
            r"unknown table\(s\) \['extra'\]",
        ),
        (
            '[left]\nid = "a"\nsurname = 3\n[right]\nid = "b"\nsurname = "s"',
            r"\[left\]\.surname must be a column name",
        ),
        (
            '[left]\nid = "a"\nsurname = []\n[right]\nid = "b"\nsurname = "s"',
            r"\[left\]\.surname must be",
        ),
        (
            '[left]\nid = "a"\nfull_name = "n"\nsurname = "s"\n[right]\nid = "b"\nsurname = "s"',
            r"\[left\]\.full_name is an alternative",
        ),
        (
            '[left]\nid = "a"\npostcode = "p"\n[right]\nid = "b"\nsurname = "s"',
            r"\[left\] maps no name and no date of birth",
        ),
        (
            '[left]\nid = "a"\nsurname = "s"\ndate_format = "%Q"\n[right]\nid = "b"\nsurname = "s"',
            r"\[left\]\.date_format: '%Q' is not a valid strptime format",
        ),
        (
            '[left]\nid = "a"\nsurname = "s"\ndate_format = "YYYYMMDD"\n[right]\nid = "b"\nsurname = "s"',
            r"\[left\]\.date_format: 'YYYYMMDD' has no % directive \(an strptime format like "
            r"%Y%m%d, or \"excel\" for the day numbers Excel stores dates as\)",
        ),
        (
            '[left]\nid = "a"\nsurname = "s"\n[right]\nid = "b"\nsurname = "s"\n[truth]\nleft = "x"',
            r"\[truth\] unknown key\(s\) \['left'\]",
        ),
        (
            '[left]\nid = "a"\nsurname = "s"\nprevious_surnames_sep = ""\n[right]\nid = "b"\nsurname = "s"',
            r"previous_surnames_sep must be a non-empty string",
        ),
    ],
)
def test_bad_mappings_name_file_and_key(tmp_path: Path, text: str, expected: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(MappingError, match=expected) as err:
        load_mapping(path)
    assert str(path) in str(err.value)


def test_not_toml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="not valid TOML"):
        load_mapping(_write(tmp_path, "[left\nid = "))
    with pytest.raises(MappingError, match="mapping file not found"):
        load_mapping(tmp_path / "nope.toml")


def test_missing_column_names_file_key_and_column() -> None:
    m = parse_mapping(
        {
            "left": {"id": "rec_id", "surname": "surname", "postcode": ["pc"]},
            "right": {"id": "x", "surname": "s"},
        },
        "m.toml",
    )
    check_columns(m.left, ["rec_id", "surname", "pc"], "left", "left.csv", "m.toml")
    with pytest.raises(MappingError) as err:
        check_columns(m.left, ["rec_id", "surname", "postcode"], "left", "left.csv", "m.toml")
    msg = str(err.value)
    assert msg.startswith("left.csv: column 'pc'")
    assert "[left].postcode" in msg and "m.toml" in msg
    assert "(columns: rec_id, surname, postcode)" in msg


def test_a_first_line_of_data_is_not_shown_as_column_names() -> None:
    """A CSV without its header (or with a quote left open) has a person's details where the
    column names should be: most mapped columns are then missing, and nothing is listed."""
    m = parse_mapping(
        {
            "left": {"id": "pid", "forenames": "fn", "surname": "sn", "date_of_birth": "dob"},
            "right": {"id": "x", "surname": "s"},
        },
        "m.toml",
    )
    first_line = ["L001", "Alice", "Hartwell", "1980-03-14", "12 Mill Lane"]
    with pytest.raises(MappingError) as err:
        check_columns(m.left, first_line, "left", "left.csv", "m.toml")
    msg = str(err.value)
    assert msg.startswith("left.csv: column 'pid' named by [left].id in m.toml is not in the file")
    assert "nor are 3 of the other 3 mapped columns: is the file's first line a header?" in msg
    assert not [v for v in first_line if v in msg]


# --- building the views -------------------------------------------------------------------------


def test_repeated_ids_collect_addresses_phones_and_aliases() -> None:
    side = parse_mapping(
        {
            "left": {
                "id": "pid",
                "forenames": ["first", "middle"],
                "surname": "last",
                "previous_surnames": "maiden",
                "previous_surnames_sep": ";",
                "date_of_birth": "dob",
                "date_format": ["%d/%m/%Y", "%Y%m%d"],
                "sex": "gender",
                "address": ["house", "street"],
                "postcode": "pc",
                "phone": ["home", "mobile"],
            },
            "right": {"id": "x", "surname": "s"},
        }
    ).left
    frame = pd.DataFrame(
        {
            # P1: primary row, then a phone-only row, then an alias row with another name/dob
            "pid": ["P1", "P1", "P1", " P2 ", "P3"],
            "first": ["Ann", None, "Annie", "Bob", None],
            "middle": ["Marie", None, None, None, None],
            "last": ["Smith", None, "Jones", "Brown", "Green"],
            "maiden": ["Jones;Black", None, "White", None, None],
            "dob": ["01/02/1980", None, "19800201", "31/02/1970", "1975-05-05"],
            "gender": ["female", None, "F", "M", "u"],
            "house": ["12", None, None, "3", None],
            "street": ["High St", None, None, "Low Rd", None],
            "pc": ["AB1 2CD", None, None, "EF3 4GH", None],
            "home": ["0111 222333", "0777 000111", None, None, None],
            "mobile": [None, "0777 000222", None, "", None],
        }
    )
    with duckdb.connect() as con:
        stats = build_source_views(con, "left", side, _load(con, frame), "people.csv")
        v = _views(con, "l")
        numbers = con.execute("SELECT id, key FROM l_ids ORDER BY id").fetchall()
        alias_numbers = con.execute("SELECT id FROM l_src_alias").fetchall()
    # a person is numbered by their first data row, and the number maps back to the file's id
    assert numbers == [(1, "P1"), (4, "P2"), (5, "P3")]
    assert alias_numbers == [(1,)]
    assert stats.rows == 5 and stats.people == 3
    # 31/02/1970 does not parse; 1975-05-05 matches neither format: both NULL and counted
    assert stats.dob_unparsed == 2
    person = v["person"].set_index("id")
    assert list(person.index) == ["P1", "P2", "P3"]  # ids trimmed
    assert person.loc["P1", "forenames"] == "Ann Marie"
    assert person.loc["P1", "surname"] == "Smith"
    assert person.loc["P1", "dob"] == pd.Timestamp("1980-02-01")
    assert person.loc["P1", "sex"] == "F"
    assert person.loc["P1", "previous_surnames"] == "Black|Jones|White"
    assert pd.isna(person.loc["P2", "dob"]) and pd.isna(person.loc["P3", "sex"])
    alias = v["alias"]
    assert alias[["id", "forenames", "surname"]].values.tolist() == [["P1", "Annie", "Jones"]]
    assert alias["dob"].tolist() == [pd.Timestamp("1980-02-01")]
    addr = v["address"]
    # address columns are lines: joined as a line break reads, so "Ground Floor Flat" |
    # "10 High St" is not read as flat 10 with no house
    assert addr[["id", "address_line", "postcode"]].values.tolist() == [
        ["P1", "12, High St", "AB1 2CD"],
        ["P2", "3, Low Rd", "EF3 4GH"],
    ]
    phones = v["phone"]
    assert phones[["id", "phone"]].values.tolist() == [
        ["P1", "0111 222333"],
        ["P1", "0777 000111"],
        ["P1", "0777 000222"],
    ]
    assert v["vehicle"].empty


def _dobs(frame: pd.DataFrame, formats: list[str] | None = None) -> tuple[list, int]:
    """Each row's date of birth as built, and the count not parsed or impossible."""
    side = {"id": "pid", "surname": "s", "date_of_birth": "dob"}
    if formats:
        side["date_format"] = formats
    mapping = parse_mapping({"left": side, "right": {"id": "x", "surname": "s"}}).left
    with duckdb.connect() as con:
        con.execute("SET TimeZone = 'America/New_York'")  # the machine's zone plays no part
        stats = build_source_views(con, "left", mapping, _load(con, frame), "people")
        dobs = con.execute("SELECT dob FROM l_src_person ORDER BY id").fetchall()
    return [d for (d,) in dobs], stats.dob_unparsed


def test_two_digit_years_and_impossible_dates_of_birth() -> None:
    frame = pd.DataFrame(
        {
            "pid": ["A", "B", "C", "D", "E"],
            "s": ["Lee"] * 5,
            "dob": ["14/03/80", "30/01/68", "06/06/1975", "01/01/1066", "01/01/2090"],
        }
    )
    dobs, unparsed = _dobs(frame, ["%d/%m/%Y", "%d/%m/%y"])
    # %Y reads "80" as the year 80: not a living person's, so %y reads it as 1980; a
    # two-digit year is never in the future (68 is 1968, not 2068); 1066 and 2090 are no one's
    assert dobs == [dt.date(1980, 3, 14), dt.date(1968, 1, 30), dt.date(1975, 6, 6), None, None]
    assert unparsed == 2


def test_excel_serial_dates_of_birth_are_read_with_date_format_excel() -> None:
    """Excel stores a date as days since 1899-12-30 and a CSV or Parquet export may carry
    that number: text, a float's text, or a number column; "excel" reads it, alone or
    after other formats."""
    frame = pd.DataFrame(
        {
            "pid": ["A", "B", "C", "D", "E", "F"],
            "s": ["Lee"] * 6,
            "dob": ["31092", "31092.0", " 29281 ", "14/02/1985", "999999", "31092.5"],
        }
    )
    dobs, unparsed = _dobs(frame, ["excel"])
    born = dt.date(1985, 2, 14)
    # 999999 is in the year 4637; a fraction of a day is a time of day
    assert dobs == [born, born, dt.date(1980, 3, 1), None, None, born]
    assert unparsed == 2
    dobs, unparsed = _dobs(frame, ["%d/%m/%Y", "excel"])
    assert dobs[3] == born and unparsed == 1
    # Excel counts 29 February 1900, a day that never was: dates before it are a day on
    numbers = pd.DataFrame(
        {"pid": ["A", "B", "C", "D"], "s": ["Lee"] * 4, "dob": [31092.0, 61.0, 59.0, 60.0]}
    )
    assert _dobs(numbers, ["excel"]) == (
        [born, dt.date(1900, 3, 1), dt.date(1900, 2, 28), None],
        1,
    )
    # without it they are not read, and are counted as numbers Excel stores dates as
    side = {"id": "pid", "surname": "s", "date_of_birth": "dob"}
    left = parse_mapping({"left": side, "right": {"id": "x", "surname": "s"}}).left
    with duckdb.connect() as con:
        stats = build_source_views(con, "left", left, _load(con, frame), "people")
    assert (stats.dob_unparsed, stats.dob_excel_serials) == (6, 4)


def test_a_date_of_birth_column_typed_in_the_file() -> None:
    local = pd.to_datetime(["1980-07-14", "1975-01-02"]).tz_localize("Europe/London")
    for dob in (
        local,  # local midnight: 23:00 UTC the day before in summer
        local.tz_convert("UTC"),
        pd.to_datetime(["1980-07-14", "1975-01-02"]),  # no zone
        pd.to_datetime(["1980-07-14", "1975-01-02"]).date,  # DATE
    ):
        frame = pd.DataFrame({"pid": ["A", "B"], "s": ["Lee", "Kay"], "dob": dob})
        assert _dobs(frame) == ([dt.date(1980, 7, 14), dt.date(1975, 1, 2)], 0)
    future = pd.DataFrame({"pid": ["A"], "s": ["Lee"], "dob": pd.to_datetime(["2999-01-01"])})
    assert _dobs(future) == ([None], 1)


@pytest.mark.parametrize(
    ("phone", "phones"),
    [
        (["home", "mobile"], ["0111 222333", "0777 000111", "0777 000222"]),
        ("home", ["0111 222333", "0777 000111"]),  # one column: kept as text, not a list
    ],
)
def test_one_row_per_person_builds_what_the_grouped_form_builds(
    phone: str | list[str], phones: list[str]
) -> None:
    side = parse_mapping(
        {
            "left": {
                "id": "pid",
                "forenames": "first",
                "surname": "last",
                "previous_surnames": "maiden",
                "previous_surnames_sep": ";",
                "date_of_birth": "dob",
                "date_format": "%Y-%m-%d",
                "sex": "gender",
                "address": "street",
                "postcode": "pc",
                "phone": phone,
            },
            "right": {"id": "x", "surname": "s"},
        }
    ).left
    frame = pd.DataFrame(
        {
            "pid": ["P1", "P2", "P3", "P4"],
            "first": ["Ann", "Bob", None, "Cy"],
            "last": ["Smith", "Brown", "Green", None],
            "maiden": ["Jones; Black;;Jones", None, " ", "White"],
            "dob": ["1980-02-01", None, "1975-05-05", "bad"],
            "gender": ["female", None, "u", "M"],
            "street": ["12 High St", None, None, "1 Low Rd"],
            "pc": ["AB1 2CD", None, "EF3 4GH", None],
            "home": ["0111 222333", None, "0777 000111", None],
            "mobile": ["0111 222333", None, "0777 000222", ""],
        }
    )
    built, numbers = {}, {}
    for one_row_each in (True, False):
        with duckdb.connect() as con:
            build_source_views(
                con, "left", side, _load(con, frame), "people.csv", one_row_each=one_row_each
            )
            built[one_row_each] = _views(con, "l")
            numbers[one_row_each] = con.execute("SELECT id, key FROM l_ids ORDER BY id").fetchall()
    assert numbers[True] == numbers[False] == [(1, "P1"), (2, "P2"), (3, "P3"), (4, "P4")]
    for name, grouped in built[False].items():
        pd.testing.assert_frame_equal(built[True][name], grouped, check_dtype=False, obj=name)
    person = built[True]["person"].set_index("id")
    assert person.loc["P1", "previous_surnames"] == "Black|Jones"
    assert pd.isna(person.loc["P3", "previous_surnames"])
    assert person.loc["P4", "previous_surnames"] == "White"
    assert built[True]["phone"]["phone"].tolist() == phones


def test_full_name_split() -> None:
    side = parse_mapping(
        {"left": {"id": "id", "full_name": "name"}, "right": {"id": "x", "surname": "s"}}
    ).left
    names = [
        "SMITH, John Paul",
        "Mr John Smith Jr",
        "Maria van der Berg",
        "Sean O'Brien",
        "Cher",
        "Anne-Marie Smith-Jones",
        "Jane Lord",
        "Lord, Jane",
    ]
    frame = pd.DataFrame({"id": [f"i{n}" for n in range(len(names))], "name": names})
    with duckdb.connect() as con:
        build_source_views(con, "left", side, _load(con, frame), "people.csv")
        person = con.execute("SELECT forenames, surname FROM l_src_person ORDER BY id").df()
    got = list(zip(person["forenames"], person["surname"], strict=True))
    assert got[0] == ("JOHN PAUL", "SMITH")
    assert got[1] == ("JOHN", "SMITH")  # title and suffix removed
    assert got[2] == ("MARIA", "VAN DER BERG")
    assert got[3] == ("SEAN", "OBRIEN")
    assert got[4][1] == "CHER" and pd.isna(got[4][0])
    assert got[5] == ("ANNE-MARIE", "SMITH-JONES")
    assert got[6] == ("JANE", "LORD")  # a title only before a name
    assert got[7] == ("JANE", "LORD")


def test_full_name_surname_first_and_brackets() -> None:
    """A full name written "SMITH John" (as the Police National Computer writes it) with
    full_name_order = "surname_first"; a comma still means surname first; text in brackets
    is not part of the name."""
    side = parse_mapping(
        {
            "left": {"id": "id", "full_name": "name", "full_name_order": "surname_first"},
            "right": {"id": "x", "surname": "s"},
        }
    ).left
    names = ["MORRIS Ahmed", "VAN DER BERG Maria Anna", "Lee, Ann", "SMITH John (deceased)"]
    frame = pd.DataFrame({"id": [f"i{n}" for n in range(len(names))], "name": names})
    with duckdb.connect() as con:
        build_source_views(con, "left", side, _load(con, frame), "people.csv")
        got = con.execute("SELECT forenames, surname FROM l_src_person ORDER BY id").fetchall()
    assert got == [
        ("AHMED", "MORRIS"),
        ("MARIA ANNA", "VAN DER BERG"),
        ("ANN", "LEE"),
        ("JOHN", "SMITH"),
    ]
    with pytest.raises(MappingError, match=r"full_name_order must be one of"):
        parse_mapping(
            {
                "left": {"id": "i", "full_name": "n", "full_name_order": "last"},
                "right": {"id": "x", "surname": "s"},
            }
        )


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("1985-03-12T00:00:00", "%Y-%m-%d"),
        ("1985-03-12 00:00:00.000", "%Y-%m-%d"),
        ("12/03/1985 00:00", "%d/%m/%Y"),
        ("1985-03-12T00:00:00Z", "%Y-%m-%d"),
    ],
)
def test_a_date_with_a_midnight_time_is_read(text: str, fmt: str) -> None:
    """Spreadsheets and databases export dates with a time of day; the format names the date."""
    side = parse_mapping(
        {
            "left": {"id": "id", "date_of_birth": "d", "date_format": fmt},
            "right": {"id": "x", "surname": "s"},
        }
    ).left
    with duckdb.connect() as con:
        build_source_views(
            con, "left", side, _load(con, pd.DataFrame({"id": ["a"], "d": [text]})), "f.csv"
        )
        assert con.execute("SELECT dob FROM l_src_person").fetchall() == [(dt.date(1985, 3, 12),)]


def test_typed_parquet_columns(tmp_path: Path) -> None:
    """A DATE column is used as it is; integer ids and yyyymmdd integers are read as text."""
    side = parse_mapping(
        {
            "left": {"id": "id", "surname": "s", "date_of_birth": "dob"},
            "right": {"id": "id", "surname": "s", "date_of_birth": "born", "date_format": "%Y%m%d"},
        }
    )
    with duckdb.connect() as con:
        con.execute("CREATE TABLE a AS SELECT 7 AS id, 'Lee' AS s, DATE '1990-03-04' AS dob")
        con.execute("CREATE TABLE b AS SELECT 8 AS id, 'Lee' AS s, 19900304 AS born")
        build_source_views(con, "left", side.left, "a", "a.parquet")
        build_source_views(con, "right", side.right, "b", "b.parquet")
        got = con.execute(
            "SELECT li.key, l.dob, ri.key, r.dob FROM l_src_person l, r_src_person r, l_ids li, "
            "r_ids ri WHERE li.id = l.id AND ri.id = r.id"
        ).fetchall()
    assert got == [("7", dt.date(1990, 3, 4), "8", dt.date(1990, 3, 4))]


def test_empty_id_is_an_error_without_values() -> None:
    side = parse_mapping(
        {"left": {"id": "pid", "surname": "s"}, "right": {"id": "x", "surname": "s"}}
    ).left
    frame = pd.DataFrame({"pid": ["A", " ", None, "B"], "s": ["Secretname", "Other", "X", "Y"]})
    with duckdb.connect() as con, pytest.raises(MappingError) as err:
        build_source_views(con, "left", side, _load(con, frame), "people.csv")
    msg = str(err.value)
    assert msg.startswith("people.csv: 2 row(s) have an empty id")
    assert "first at data row 2" in msg
    assert "Secretname" not in msg and "Other" not in msg


def test_a_header_repeated_inside_the_file_is_no_person() -> None:
    """Parts of an export joined end to end repeat the header: that row is counted and left
    out, and the rows after it keep their data row numbers."""
    side = parse_mapping(
        {"left": {"id": "pid", "surname": "sn"}, "right": {"id": "x", "surname": "s"}}
    ).left
    frame = pd.DataFrame({"pid": ["a", "b", "pid", "c"], "sn": ["Lee", "Kay", "sn", "Day"]})
    with duckdb.connect() as con:
        stats = build_source_views(con, "left", side, _load(con, frame), "people.csv")
        ids = con.execute("SELECT id, key FROM l_ids ORDER BY id").fetchall()
    assert (stats.rows, stats.people, stats.header_rows) == (3, 3, 1)
    assert ids == [(1, "a"), (2, "b"), (4, "c")]


def test_a_row_with_nothing_but_an_id_is_counted_and_left_out() -> None:
    """A footer ("Total records: 600,,,,") fills the id column and nothing else: it carries
    nothing to match on, so it is no person; it is counted with its data row. A row with an
    id and one field (a surname, a phone) is a person, and a row empty throughout is left
    out with the footers rather than stopping the run as an empty id."""
    side = parse_mapping(
        {
            "left": {"id": "pid", "surname": "sn", "date_of_birth": "dob", "phone": ["h", "m"]},
            "right": {"id": "x", "surname": "s"},
        }
    ).left
    frame = pd.DataFrame(
        {
            "pid": ["a", "b", "c", None, "Total records: 600"],
            "sn": ["Lee", "Kay", None, None, None],
            "dob": ["1980-01-02", None, None, None, None],
            "h": [None, None, "07911 123456", None, None],
            "m": [None, None, None, None, None],
        }
    )
    with duckdb.connect() as con:
        stats = build_source_views(con, "left", side, _load(con, frame), "people.csv")
        ids = con.execute("SELECT id, key FROM l_ids ORDER BY id").fetchall()
    assert (stats.rows, stats.people, stats.empty_rows, stats.first_empty_row) == (3, 3, 2, 4)
    assert ids == [(1, "a"), (2, "b"), (3, "c")]


def test_values_are_trimmed_and_empty_ones_are_missing() -> None:
    """Each value is read trimmed, and one empty or only spaces is missing, whether the
    column is text or numbers; untouched values (nearly all) are kept as they are."""
    side = parse_mapping(
        {
            "left": {"id": "pid", "forenames": "fn", "surname": "sn", "phone": "ph"},
            "right": {"id": "x", "surname": "s"},
        }
    ).left
    frame = pd.DataFrame(
        {
            "pid": [" a", "b ", "  c  ", "d"],
            "fn": ["Ann", "", "   ", " Bo Jo "],
            "sn": ["Lee", "  Kay", "Roe  ", " "],
            "ph": [7911123456, 7911123457, 7911123458, 7911123459],
        }
    )
    with duckdb.connect() as con:
        build_source_views(con, "left", side, _load(con, frame), "people.csv")
        rows = con.execute(
            "SELECT k.key, p.forenames, p.surname, ph.phone FROM l_src_person p "
            "JOIN l_ids k USING (id) JOIN l_src_phone ph USING (id) ORDER BY k.key"
        ).fetchall()
    assert rows == [
        ("a", "Ann", "Lee", "7911123456"),
        ("b", None, "Kay", "7911123457"),
        ("c", None, "Roe", "7911123458"),
        ("d", "Bo Jo", None, "7911123459"),
    ]
