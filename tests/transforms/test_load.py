"""transforms.load: text-only reading, and structural errors that stop the run."""

from __future__ import annotations

import csv
import logging
import random
import shutil
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from transforms.load import StructuralError, find_table_file, load_extract, read_table
from transforms.schema import (
    INTEL_ADDRESSES,
    INTEL_PHONES,
    INTEL_TABLES,
    MARKERS_TABLE,
    MISCONDUCT_OUTCOMES_TABLE,
    NOMINALS,
    STAFF,
    STAFF_PHONES,
    STAFF_TABLES,
    STAFF_VEHICLES,
)

PLANTED = "Quenby-Planted"  # a synthetic surname that must never reach a message
NOMINALS_HEADER = "nominal_id,surname,forenames,date_of_birth,sex"


def write(directory: Path, name: str, text: str | bytes) -> Path:
    path = directory / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_reads_every_column_as_text_stripped_with_empty_as_missing(tmp_path, caplog):
    write(
        tmp_path,
        "nominals.csv",
        "nominal_id, surname ,forenames,date_of_birth,sex,notes\n"
        " N001 ,Smith,,1980-01-01,M,free text\n"
        "\n"
        'N002,"  Jones ",Ann,   ,F,\n'
        "00123,Brown,Li,1975-12-31,U,\n",
    )
    with caplog.at_level(logging.WARNING):
        df = read_table(tmp_path, NOMINALS)

    assert list(df.columns) == [*NOMINALS.column_names, "_row"]
    assert df["_row"].tolist() == [1, 3, 4]  # data row N is file line N + 1: the blank counts
    assert df["nominal_id"].tolist() == ["N001", "N002", "00123"]  # leading zeros kept
    assert df.loc[1, "surname"] == "Jones"
    assert df.loc[0, "forenames"] is pd.NA
    assert df.loc[1, "date_of_birth"] is pd.NA
    assert all(str(df[c].dtype) == "string" for c in NOMINALS.column_names)
    assert "notes" in caplog.text and "free text" not in caplog.text
    assert df.attrs["source_file"] == "nominals.csv"


SAMPLE_STAFF = Path(__file__).resolve().parents[2] / "data" / "sample" / "staff"


def _rewrite(path: Path, column: str, rows: slice, change) -> None:
    """Rewrite ``column`` of the data rows ``rows`` of the CSV ``path`` with ``change``."""
    with path.open(encoding="utf-8", newline="") as fh:
        header, *data = list(csv.reader(fh))
    at = header.index(column)
    for row in data[rows]:
        row[at] = change(row[at])
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([header, *data])


def test_invisible_padding_is_stripped_like_whitespace(tmp_path):
    """A fixed-width export pads with NUL; ids pasted from a web page or joined files carry a
    zero-width space or a byte order mark. Invisible in any editor, they made valid ids fail
    id_format (c31: 80 phone/vehicle/record rows, c39: a staff member and their child rows)
    and a unit padded with NUL a second unit (c39: 37 units instead of 24)."""
    from transforms.config import ValidationConfig
    from transforms.validate import validate_extract

    tables = (STAFF, STAFF_PHONES, STAFF_VEHICLES)
    folder = tmp_path / "staff"
    shutil.copytree(SAMPLE_STAFF, folder)
    _rewrite(folder / "staff.csv", "unit", slice(0, 30), lambda v: v + "\x00\x00")
    _rewrite(folder / "staff.csv", "staff_id", slice(30, 31), lambda v: v + "\x00")
    _rewrite(folder / "staff_phones.csv", "staff_id", slice(0, 40), lambda v: v + "\u200b")
    _rewrite(folder / "staff_vehicles.csv", "staff_id", slice(0, 40), lambda v: "\ufeff" + v)
    _rewrite(folder / "staff_vehicles.csv", "vrm", slice(40, 41), lambda v: "\u2060")
    run_date = date(2026, 11, 27)

    def validated(where: Path):
        return validate_extract(load_extract(where, tables), tables, ValidationConfig(), run_date)

    clean, padded = validated(SAMPLE_STAFF), validated(folder)
    for name in ("staff", "staff_phones"):
        pd.testing.assert_frame_equal(padded.accepted[name], clean.accepted[name])
    assert padded.accepted["staff"]["unit"].nunique() == 24
    # the vrm of only a word joiner is missing: its row is quarantined not_null, as if empty
    assert padded.counts["rows_quarantined"].tolist() == [
        *clean.counts["rows_quarantined"].tolist()[:2],
        clean.counts["rows_quarantined"].tolist()[2] + 1,
    ]
    extra = padded.quarantine.loc[padded.quarantine["table"] == "staff_vehicles"]
    assert extra[["row_number", "field", "rule"]].values.tolist() == [[41, "vrm", "not_null"]]
    assert "id_format" not in set(padded.quarantine["rule"])


def test_utf8_bom_and_non_ascii_names_are_fine(tmp_path):
    write(
        tmp_path,
        "nominals.csv",
        ("\ufeff" + NOMINALS_HEADER + "\nN1,Ó Súilleabháin,Siân,1980-01-01,F\n"),
    )
    df = read_table(tmp_path, NOMINALS)
    assert df.loc[0, "surname"] == "Ó Súilleabháin"


def test_reads_parquet_and_casts_typed_columns_to_text(tmp_path):
    table = pa.table(
        {
            "nominal_id": pa.array([1, 2]),
            "surname": pa.array([" Smith", None]),
            "forenames": pa.array(["A", "B"]),
            "date_of_birth": pa.array([None, None], pa.string()),
            "sex": pa.array(["M", ""]),
        }
    )
    pq.write_table(table, tmp_path / "nominals.parquet")
    df = read_table(tmp_path, NOMINALS)
    assert df["nominal_id"].tolist() == ["1", "2"]
    assert df.loc[0, "surname"] == "Smith"
    assert df.loc[1, "surname"] is pd.NA and df.loc[1, "sex"] is pd.NA
    assert df["_row"].tolist() == [1, 2]


def test_parquet_timestamps_at_midnight_read_as_dates(tmp_path):
    # pandas writes a datetime64 date column as timestamp[us]: every marker's date_added was
    # quarantined as "not a date in YYYY-MM-DD form"
    midnight = [datetime(2022, 8, 12), None]
    table = pa.table(
        {
            "nominal_id": ["N1", "N2"],
            "marker": ["drugs", "ocg"],
            "date_added": pa.array(midnight, pa.timestamp("us")),
        }
    )
    pq.write_table(table, tmp_path / "markers.parquet")
    assert read_table(tmp_path, MARKERS_TABLE)["date_added"].tolist() == ["2022-08-12", pd.NA]
    timed = table.set_column(
        2, "date_added", pa.array([datetime(2022, 8, 12, 13, 45), None], pa.timestamp("us"))
    )
    pq.write_table(timed, tmp_path / "markers.parquet")
    text = read_table(tmp_path, MARKERS_TABLE)["date_added"].tolist()
    assert text[0].startswith("2022-08-12 13:45")  # a time of day is kept: validation rejects it


def test_missing_directory(tmp_path):
    with pytest.raises(StructuralError, match="directory not found"):
        read_table(tmp_path / "nope", NOMINALS)
    with pytest.raises(StructuralError, match="directory not found"):
        load_extract(tmp_path / "nope", INTEL_TABLES)


def test_missing_file_names_it(tmp_path):
    with pytest.raises(StructuralError) as err:
        read_table(tmp_path, NOMINALS)
    assert err.value.file == "nominals.csv"
    assert "not found" in err.value.problem


def test_both_csv_and_parquet_is_ambiguous(tmp_path):
    write(tmp_path, "nominals.csv", NOMINALS_HEADER + "\nN1,A,B,,M\n")
    write(tmp_path, "nominals.parquet", b"PAR1")
    with pytest.raises(StructuralError, match="both"):
        find_table_file(tmp_path, NOMINALS)


def test_missing_required_column_is_named(tmp_path):
    write(tmp_path, "nominals.csv", "nominal_id,surname,forenames,sex\nN1,A,B,M\n")
    with pytest.raises(StructuralError) as err:
        read_table(tmp_path, NOMINALS)
    assert "date_of_birth" in err.value.problem
    assert "nominals.csv" in str(err.value)


def test_optional_value_column_must_still_exist(tmp_path):
    # date_to may be empty, but the column is part of the contract
    write(tmp_path, "addresses.csv", "nominal_id,address_line,postcode,date_from\n")
    with pytest.raises(StructuralError, match="date_to"):
        read_table(tmp_path, INTEL_ADDRESSES)


def test_file_without_header_never_echoes_its_first_row(tmp_path):
    write(tmp_path, "nominals.csv", f"N1,{PLANTED},Ann,1980-01-01,F\n")
    with pytest.raises(StructuralError) as err:
        read_table(tmp_path, NOMINALS)
    assert PLANTED not in str(err.value)
    assert "nominal_id" in err.value.problem


def test_non_utf8_bytes_name_file_offset_and_line(tmp_path):
    body = f"{NOMINALS_HEADER}\nN1,Smith,Ann,1980-01-01,F\nN2,{PLANTED}".encode()
    bad_offset = len(body)
    write(tmp_path, "nominals.csv", body + b"\xe9,Bob,1981-01-01,M\n")
    with pytest.raises(StructuralError) as err:
        read_table(tmp_path, NOMINALS)
    assert err.value.file == "nominals.csv"
    assert f"byte offset {bad_offset}" in err.value.problem
    assert "line 3" in err.value.problem
    assert PLANTED not in str(err.value)


def test_non_utf8_in_header(tmp_path):
    write(tmp_path, "nominals.csv", b"nominal_id,surn\xffame,forenames,date_of_birth,sex\n")
    with pytest.raises(StructuralError, match="byte offset 15 \\(line 1\\)"):
        read_table(tmp_path, NOMINALS)


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-16", "\t"), ("utf-16", ","), ("utf-16-le", "\t"), ("utf-16-be", ",")],
)
def test_a_utf16_file_is_named_as_such(tmp_path, encoding, delimiter):
    """Excel's "Unicode Text" is UTF-16 (with a byte order mark, tab-delimited); other tools
    write it without the mark. c28 stopped with "not valid UTF-8 at byte offset 0 (line 1)",
    or a file without the mark (NUL is valid UTF-8) with its columns "missing"."""
    with (SAMPLE_STAFF / "staff_phones.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))[:200]
    rows[5][1] = PLANTED
    text = "".join(delimiter.join(row) + "\r\n" for row in rows)
    write(tmp_path, "staff_phones.csv", text.encode(encoding))
    with pytest.raises(StructuralError) as err:
        read_table(tmp_path, STAFF_PHONES)
    assert err.value.file == "staff_phones.csv"
    assert err.value.problem.startswith("is UTF-16 text")
    assert "CSV UTF-8" in err.value.problem
    assert PLANTED not in str(err.value)


def test_nul_padding_in_utf8_text_is_not_taken_for_utf16(tmp_path):
    # a fixed-width export padding every field with NUL: runs on odd and even bytes alike
    body = "".join(
        f"S{i:06d}{chr(0) * 9},07700 900{i:03d}{chr(0) * 20},mobile\n" for i in range(99)
    )
    write(tmp_path, "staff_phones.csv", PHONES_HEADER + body)
    df = read_table(tmp_path, STAFF_PHONES)
    assert df["staff_id"].tolist()[:2] == ["S000000", "S000001"]


def test_zero_byte_file(tmp_path):
    write(tmp_path, "phones.csv", b"")
    with pytest.raises(StructuralError, match="0 bytes"):
        read_table(tmp_path, INTEL_PHONES)


def test_header_only_is_allowed_for_a_child_table(tmp_path):
    write(tmp_path, "phones.csv", "nominal_id,phone,date_from,date_to\n")
    df = read_table(tmp_path, INTEL_PHONES)
    assert len(df) == 0
    assert list(df.columns) == [*INTEL_PHONES.column_names, "_row"]


@pytest.mark.parametrize("table", [STAFF, NOMINALS])
def test_header_only_is_an_error_for_staff_and_nominals(tmp_path, table):
    write(tmp_path, f"{table.name}.csv", ",".join(table.column_names) + "\n")
    with pytest.raises(StructuralError, match="no data rows"):
        read_table(tmp_path, table)


def test_ragged_row_is_structural_and_quotes_nothing(tmp_path):
    write(tmp_path, "nominals.csv", f"{NOMINALS_HEADER}\nN1,{PLANTED},Ann,1980-01-01,F,extra\n")
    with pytest.raises(StructuralError) as err:
        read_table(tmp_path, NOMINALS)
    assert "6 fields, expected 5" in err.value.problem
    assert PLANTED not in str(err.value)


def test_duplicate_header_column(tmp_path):
    write(tmp_path, "nominals.csv", NOMINALS_HEADER + ",sex\nN1,A,B,,M,F\n")
    with pytest.raises(StructuralError, match="duplicated column"):
        read_table(tmp_path, NOMINALS)


def test_corrupt_parquet(tmp_path):
    write(tmp_path, "nominals.parquet", b"PAR1 this is not really parquet PAR1")
    with pytest.raises(StructuralError, match="corrupt Parquet"):
        read_table(tmp_path, NOMINALS)


def test_load_extract_reads_every_table(tmp_path):
    write(tmp_path, "staff.csv", ",".join(STAFF.column_names) + "\n" + ",".join(["x"] * 16) + "\n")
    write(tmp_path, "staff_phones.parquet", b"")  # present but empty: structural
    with pytest.raises(StructuralError, match="staff_phones.parquet: file is empty"):
        load_extract(tmp_path, (STAFF, STAFF_PHONES))
    (tmp_path / "staff_phones.parquet").unlink()
    pq.write_table(
        pa.table({c: pa.array([], pa.string()) for c in STAFF_PHONES.column_names}),
        tmp_path / "staff_phones.parquet",
    )
    frames = load_extract(tmp_path, (STAFF, STAFF_PHONES))
    assert set(frames) == {"staff", "staff_phones"}
    assert len(frames["staff"]) == 1 and len(frames["staff_phones"]) == 0
    assert frames["staff_phones"].attrs["source_file"] == "staff_phones.parquet"


def test_an_optional_table_may_be_absent_but_a_required_one_may_not(tmp_path):
    assert MISCONDUCT_OUTCOMES_TABLE in STAFF_TABLES and MISCONDUCT_OUTCOMES_TABLE.optional
    assert [t.name for t in STAFF_TABLES if t.optional] == ["misconduct_outcomes", "open_matters"]
    write(tmp_path, "staff.csv", ",".join(STAFF.column_names) + "\n" + ",".join(["x"] * 16) + "\n")
    frames = load_extract(tmp_path, (STAFF, MISCONDUCT_OUTCOMES_TABLE))
    assert set(frames) == {"staff"}  # an older extract without the file still loads
    write(
        tmp_path,
        "misconduct_outcomes.csv",
        "outcome_id,staff_id,outcome,outcome_date\nM1,x,written_warning,2026-01-05\n",
    )
    frames = load_extract(tmp_path, (STAFF, MISCONDUCT_OUTCOMES_TABLE))
    assert frames["misconduct_outcomes"]["outcome"].tolist() == ["written_warning"]
    with pytest.raises(StructuralError, match="staff_phones.csv: file not found"):
        load_extract(tmp_path, (STAFF, STAFF_PHONES))


# --- the extract folder: every data file is a table of the contract ------------------------------

STAFF_ROW = ",".join(STAFF.column_names) + "\n" + ",".join(["x"] * 16) + "\n"
OUTCOMES = "outcome_id,staff_id,outcome,outcome_date\nM1,x,written_warning,2026-01-05\n"


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        # an optional table in an unreadable form was taken for absent (no re-vetting at all)
        ("misconduct_outcomes.csv/", "is a directory, not a file"),
        ("misconduct_outcomes.csv.gz", "is compressed: decompress it to misconduct_outcomes.csv"),
        ("misconduct_outcomes.CSV", "not lower case: rename it to misconduct_outcomes.csv"),
        ("Misconduct_Outcomes.csv", "not lower case: rename it to misconduct_outcomes.csv"),
        ("misconduct_outcomes.xlsx", "not a .csv or .parquet file"),
        # a required one said "file not found"
        ("staff_phones.csv/", "is a directory, not a file"),
        ("staff_phones.csv.gz", "is compressed: decompress it to staff_phones.csv"),
        # a second part of a table was never read
        ("staff_part2.csv", "if it is part of the staff table, join the parts into staff.csv"),
        ("nominals.csv", "a table of the intel extract, not of this one"),
        ("export.parquet", "not a table of this extract (its tables are declared_associations,"),
    ],
)
def test_a_data_file_that_is_not_a_table_file_stops_the_run(tmp_path, entry, problem):
    write(tmp_path, "staff.csv", STAFF_ROW)
    if entry.endswith("/"):
        (tmp_path / entry).mkdir()
    else:
        write(tmp_path, entry, OUTCOMES)
    with pytest.raises(StructuralError) as err:
        load_extract(tmp_path, (STAFF, MISCONDUCT_OUTCOMES_TABLE))
    assert err.value.file == entry.rstrip("/")
    assert problem in err.value.problem


def test_a_dangling_link_is_named_as_such(tmp_path):
    write(tmp_path, "staff.csv", STAFF_ROW)
    (tmp_path / "misconduct_outcomes.csv").symlink_to(tmp_path / "nowhere" / "outcomes.csv")
    with pytest.raises(StructuralError, match="misconduct_outcomes.csv: not a regular file"):
        load_extract(tmp_path, (STAFF, MISCONDUCT_OUTCOMES_TABLE))


def test_notes_and_hidden_files_are_skipped_with_a_warning(tmp_path, caplog):
    write(tmp_path, "staff.csv", STAFF_ROW)
    write(tmp_path, "README.md", "# staff extract, 2026-11\n")
    write(tmp_path, "notes.txt", "exported by HR\n")
    write(tmp_path, ".DS_Store", b"\x00\x01")
    (tmp_path / "archive").mkdir()
    with caplog.at_level(logging.WARNING, logger="transforms.load"):
        frames = load_extract(tmp_path, (STAFF,))
    assert set(frames) == {"staff"}
    skipped = [r.getMessage() for r in caplog.records]
    assert skipped == [
        ".DS_Store: hidden file in the extract folder, skipped",
        "README.md: not a table file of this extract, skipped",
        "archive: not a table file of this extract, skipped",
        "notes.txt: not a table file of this extract, skipped",
    ]


# --- a malformed CSV row is located by line -----------------------------------------------------

PHONES_HEADER = "staff_id,phone,phone_type\n"


def phone_lines(n: int) -> list[str]:
    return [f"S{i:06d},07700 900{i % 1000:03d},mobile\n" for i in range(1, n + 1)]


def test_a_ragged_row_deep_in_a_large_file_is_named_by_line(tmp_path):
    # past pyarrow's first block its threaded reader gives no row number ("a row has 4 fields")
    lines = phone_lines(60_000)
    lines[49_999] = f"S050000,{PLANTED},mobile,extra\n"  # data row 50,000 is file line 50,001
    write(tmp_path, "staff_phones.csv", PHONES_HEADER + "".join(lines))
    with pytest.raises(StructuralError) as err:
        read_table(tmp_path, STAFF_PHONES)
    assert err.value.problem == "malformed CSV: line 50,001 has 4 fields, expected 3"
    assert PLANTED not in str(err.value)


def test_a_ragged_row_after_a_quoted_newline_counts_file_lines(tmp_path):
    lines = phone_lines(5)
    lines[0] = 'S000001,"07700\n900001",mobile\n'  # one row on two lines
    lines[3] = "S000004,mobile\n"  # data row 4, file line 6
    write(tmp_path, "staff_phones.csv", PHONES_HEADER + "".join(lines))
    with pytest.raises(StructuralError, match="malformed CSV: line 6 has 2 fields, expected 3"):
        read_table(tmp_path, STAFF_PHONES)


def test_an_unclosed_quote_names_the_lines_it_swallowed(tmp_path):
    lines = phone_lines(5)
    lines[1] = f'S000002,"{PLANTED},mobile\n'  # the quote runs on into the next line
    write(tmp_path, "staff_phones.csv", PHONES_HEADER + "".join(lines))
    with pytest.raises(StructuralError) as err:
        read_table(tmp_path, STAFF_PHONES)
    assert err.value.problem.startswith("malformed CSV: the row at lines 3-")
    assert "(an unclosed quote?)" in err.value.problem and PLANTED not in str(err.value)


def test_a_line_of_only_spaces_is_skipped_like_an_empty_one(tmp_path):
    lines = phone_lines(4)
    write(
        tmp_path,
        "staff_phones.csv",
        PHONES_HEADER + "".join(lines[:2]) + "   \n\t\n\n" + "".join(lines[2:]),
    )
    df = read_table(tmp_path, STAFF_PHONES)
    assert df["staff_id"].tolist() == ["S000001", "S000002", "S000003", "S000004"]
    assert df["_row"].tolist() == [1, 2, 6, 7]  # lines 7 and 8: the skipped lines still count


# --- hints when contract columns look missing ---------------------------------------------------


def test_a_header_in_another_case_is_named_as_such(tmp_path):
    write(tmp_path, "staff_phones.csv", "Staff_ID,Phone,phone_type\nS1,07700 900001,mobile\n")
    with pytest.raises(StructuralError) as err:
        read_table(tmp_path, STAFF_PHONES)
    assert err.value.problem == (
        "required column(s) missing: staff_id, phone "
        "(staff_id, phone present in another case: column names are lower case)"
    )


def test_a_semicolon_delimited_file_is_named_as_such(tmp_path):
    write(tmp_path, "staff_phones.csv", f"staff_id;phone;phone_type\nS1;{PLANTED};mobile\n")
    with pytest.raises(StructuralError) as err:
        read_table(tmp_path, STAFF_PHONES)
    assert err.value.problem == (
        "required column(s) missing: staff_id, phone, phone_type "
        "(the header is one column holding ';': save the file with ',')"
    )
    assert PLANTED not in str(err.value)


# --- row numbers are file lines ------------------------------------------------------------------
#
# A data row's number (``_row``, the quarantine's row_number) is its first file line minus one:
# the header is line 1, so data row N is line N + 1, in a text editor as in `sed -n`. Blank
# lines and the extra lines of a quoted value that spans lines count, so a later row is still
# found where the number says.


def reference_rows(path: Path) -> list[int]:
    """Each record's first file line minus one, by Python's csv module (the slow, obvious way)."""
    out = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        while True:
            first = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return out
            if row and not (len(row) == 1 and not row[0].strip()):
                out.append(first - 1)


def test_blank_lines_do_not_shift_the_rows_after_them(tmp_path):
    text = PHONES_HEADER + "".join(phone_lines(2)) + "\n\n" + "".join(phone_lines(3)[2:])
    path = write(tmp_path, "staff_phones.csv", text)
    df = read_table(tmp_path, STAFF_PHONES)
    assert df["_row"].tolist() == [1, 2, 5]  # S000003 is on line 6
    assert text.split("\n")[5].startswith("S000003")
    assert df["_row"].tolist() == reference_rows(path)


def test_a_value_spanning_lines_counts_its_lines(tmp_path):
    lines = phone_lines(4)
    lines[0] = 'S000001,"07700\n900001",mobile\n'  # one row on lines 2-3
    lines[2] = 'S000003,"07700\r\n\r\n900003",mobile\n'  # lines 5-7, a blank line inside
    path = write(tmp_path, "staff_phones.csv", PHONES_HEADER + "".join(lines))
    df = read_table(tmp_path, STAFF_PHONES)
    assert df["_row"].tolist() == [1, 3, 4, 7]
    assert df["_row"].tolist() == reference_rows(path)


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_blank_lines_and_values_spanning_lines_together(tmp_path, newline):
    rows = [
        "S000001,07700 900001,mobile",
        "",
        "   ",
        'S000002,"07700' + newline + newline + "  " + newline + '900002",mobile',
        "\t",
        'S000003,"a' + newline + 'b",mobile',
        'S000004,07700 900004,"home' + newline + '"',
        "",
        "S000005,07700 900005,mobile",
    ]
    text = newline.join(["staff_id,phone,phone_type", *rows]) + newline + newline
    path = write(tmp_path, "staff_phones.csv", text.encode("utf-8"))
    df = read_table(tmp_path, STAFF_PHONES)
    assert df["staff_id"].tolist() == [f"S00000{i}" for i in range(1, 6)]
    assert df["_row"].tolist() == [1, 4, 9, 11, 14]
    assert df["_row"].tolist() == reference_rows(path)


def test_trailing_blank_lines_and_a_bom_change_nothing(tmp_path):
    text = "\ufeff" + PHONES_HEADER.replace("\n", "\r\n")
    text += "".join(line.replace("\n", "\r\n") for line in phone_lines(3)) + "\r\n\r\n  \r\n"
    write(tmp_path, "staff_phones.csv", text.encode("utf-8"))
    assert read_table(tmp_path, STAFF_PHONES)["_row"].tolist() == [1, 2, 3]


def messy_phones(tmp_path: Path, rows: int, seed: int, newline: str = "\n") -> Path:
    """staff_phones.csv with blank lines, lines of spaces, and quoted values spanning lines
    (some with blank lines inside), in random places."""
    rng = random.Random(seed)
    parts = [PHONES_HEADER.replace("\n", newline)]
    for i in range(1, rows + 1):
        phone = f"07700 900{i % 1000:03d}"
        kind = rng.random()
        if kind < 0.05:
            parts.append(rng.choice(["\n", "  \n", "\t\n", "\r\n", "\r"]))
        if kind < 0.1:
            inner = rng.choice(["\n", "\r\n", "\n\n", "\n  \n", "\r", "\r\r\n ", "\n\r"])
            phone = f'"07700{inner}900{i % 1000:03d}"'
        parts.append(f"S{i:06d},{phone},mobile{newline}")
    return write(tmp_path, "staff_phones.csv", "".join(parts).encode("utf-8"))


@pytest.mark.parametrize("chunk", [5, 7, 64, 16 * 1024 * 1024])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_row_numbers_are_right_across_scan_chunks(tmp_path, monkeypatch, caplog, chunk, newline):
    import transforms.load as load

    monkeypatch.setattr(load, "_SCAN_CHUNK", chunk)  # a \r\n or a line split between chunks
    path = messy_phones(tmp_path, 300, seed=chunk, newline=newline)
    with caplog.at_level(logging.WARNING):
        rows = read_table(tmp_path, STAFF_PHONES)["_row"].tolist()
    assert rows == reference_rows(path)
    assert "row by row" not in caplog.text


def test_row_numbers_match_the_csv_module_on_a_messy_file(tmp_path, caplog):
    path = messy_phones(tmp_path, 3000, seed=7)
    with caplog.at_level(logging.WARNING):
        df = read_table(tmp_path, STAFF_PHONES)
    assert len(df) == 3000
    assert df["_row"].tolist() == reference_rows(path)
    assert "row by row" not in caplog.text  # the vectorised path, not the slow one


def test_a_line_of_other_spaces_falls_back_to_the_csv_module_and_stays_right(tmp_path, caplog):
    # the reader skips a line of only no-break spaces (str.strip); the byte scan sees text
    lines = phone_lines(3)
    text = PHONES_HEADER + lines[0] + "\u00a0\u00a0\n" + 'S000002,"a\nb",mobile\n' + lines[2]
    path = write(tmp_path, "staff_phones.csv", text)
    with caplog.at_level(logging.WARNING):
        df = read_table(tmp_path, STAFF_PHONES)
    assert df["_row"].tolist() == [1, 3, 5] == reference_rows(path)
    assert "line numbers found row by row" in caplog.text


def test_a_quarantine_line_names_the_file_line_after_blank_and_multi_line_rows(tmp_path):
    from transforms.config import ValidationConfig
    from transforms.validate import validate_extract

    write(
        tmp_path,
        "nominals.csv",
        NOMINALS_HEADER
        + "\n"
        + 'N1,"Smith\nJones",Ann,1980-01-01,F\n'  # lines 2-3
        + "\n"  # line 4
        + "N2,Brown,Li,1975-12-31,X\n"  # line 5: data row 4
        + "N1,Brown,Li,1975-12-31,F\n",  # line 6: data row 5, a second N1
    )
    frames = load_extract(tmp_path, (NOMINALS,))
    ev = validate_extract(frames, (NOMINALS,), ValidationConfig(), date(2026, 11, 25))
    q = ev.quarantine
    assert q[["row_number", "field", "rule"]].values.tolist() == [
        [4, "sex", "in_set"],
        [5, "nominal_id", "unique"],
    ]
    assert q["detail"].tolist()[1] == "duplicate of row 1"
