"""Reading the flat files sweep link is given: each problem names the file (and the line),
never quotes it; the shapes other agencies export are read."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.factories import mini_link_files
from transforms import flat_files
from transforms.flat_files import LinkInputError
from transforms.link import link, summary_lines
from transforms.mapping import Mapping, MappingError, parse_mapping


def test_missing_id_column(tmp_path: Path) -> None:
    left, right, mapping = mini_link_files(tmp_path)
    right.write_text("reference,fn,sn,dob\nA,Ann,Lee,1980-01-02\n", "utf-8")
    with pytest.raises(MappingError) as err:
        link(left, right, mapping, None)
    msg = str(err.value)
    assert msg.startswith(f"{right}: column 'ref'") and "[right].id" in msg and "mini.toml" in msg


def test_empty_and_header_only_files(tmp_path: Path) -> None:
    left, right, mapping = mini_link_files(tmp_path)
    right.write_text("", "utf-8")
    with pytest.raises(LinkInputError, match=r"r\.csv: file is empty \(0 bytes\)"):
        link(left, right, mapping, None)
    right.write_text("ref,fn,sn,dob\n", "utf-8")
    with pytest.raises(LinkInputError, match=r"r\.csv: no data rows"):
        link(left, right, mapping, None)
    with pytest.raises(LinkInputError, match=r"missing\.csv: file not found"):
        link(left, tmp_path / "missing.csv", mapping, None)


def test_unreadable_file_error_quotes_no_data(tmp_path: Path) -> None:
    left, right, mapping = mini_link_files(tmp_path)
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"Ann Lee 1980-01-02 not a parquet file")
    with pytest.raises(LinkInputError) as err:
        link(left, bad, mapping, None)
    assert "cannot read as Parquet" in str(err.value) and "Ann" not in str(err.value)


@pytest.mark.parametrize(
    ("header", "pair"), [("staff,nominal", "1,A"), ("n,staff,nominal", "7,1,A")]
)
def test_a_bad_row_deep_in_a_truth_or_labels_file_is_named_not_quoted(
    tmp_path: Path, header: str, pair: str
) -> None:
    """DuckDB samples a CSV's first rows to read its shape; a row past the sample that does
    not fit fails later (with more than two columns, when they are told by their values),
    and the message must not carry the row."""
    left, right, mapping = mini_link_files(tmp_path)
    pairs = tmp_path / "pairs.csv"
    width = header.count(",") + 1
    pairs.write_text(
        f"{header}\n" + f"{pair}\n" * 30_000 + "2,B,Alice Hartwell 1980-03-14,x\n", "utf-8"
    )
    for option in ("truth", "labels"):
        with pytest.raises(LinkInputError) as err:
            link(left, right, mapping, tmp_path / "p.parquet", **{option: pairs})
        assert str(err.value).startswith(
            f"{pairs}: line 30002 has 4 fields where the header has {width}"
        )
        assert "Hartwell" not in str(err.value)


@pytest.mark.parametrize("at", [2, 30_002])
def test_a_row_with_too_few_fields_is_named_by_line(tmp_path: Path, at: int) -> None:
    """Early in the file, such a row makes DuckDB's sniffer read the file as one column
    named by its whole header, which used to be reported as every mapped column missing;
    late, it fails the read. Either way the message names the line and never quotes it."""
    left, right, mapping = mini_link_files(tmp_path)
    rows = [f"{i},Ann,Lee{i},1980-01-02\n" for i in range(30_001)]
    rows.insert(at - 2, "99,Alice Hartwell\n")
    left.write_text("pid,fn,sn,dob\n" + "".join(rows), "utf-8")
    with pytest.raises(LinkInputError) as err:
        link(left, right, mapping, tmp_path / "p.parquet")
    assert str(err.value) == (
        f"{left}: line {at} has 2 fields where the header has 4 (a delimiter missing or "
        "extra, or a quote left open); mend or remove that line"
    )


@pytest.mark.parametrize("encoding", ["latin-1", "utf-16"])
def test_csv_in_another_encoding(tmp_path: Path, encoding: str) -> None:
    """A CSV that is not UTF-8 stops with the file, line and the mapping key to set (never
    its text); with [left].encoding set, accented names fold and match."""
    left, right, mapping = mini_link_files(tmp_path)
    left.write_text(
        "pid,fn,sn,dob\n1,Zoë,Müller,1980-01-02\n2,Bob,Kay,1975-03-04\n", encoding=encoding
    )
    right.write_text("ref,fn,sn,dob\nA,ZOE,MULLER,1980-01-02\nB,Rob,Kay,1975-03-04\n", "utf-8")
    with pytest.raises(LinkInputError) as err:
        link(left, right, mapping, tmp_path / "p.parquet")
    msg = str(err.value)
    assert "[left].encoding" in msg and "ller" not in msg and "Zo" not in msg
    if encoding == "utf-16":  # told by its first bytes, whatever DuckDB makes of them
        assert (
            msg == f'{left}: the file is UTF-16 text; set [left].encoding = "utf-16" in the mapping'
        )
    else:
        assert msg.startswith(f"{left}: cannot read as CSV")
    raw = {
        "left": {"id": "pid", "forenames": "fn", "surname": "sn", "date_of_birth": "dob"},
        "right": {"id": "ref", "forenames": "fn", "surname": "sn", "date_of_birth": "dob"},
    }
    raw["left"]["encoding"] = encoding.upper()  # spelt as the user likes
    res = link(left, right, parse_mapping(raw, "enc.toml"), tmp_path / "p.parquet")
    pairs = pd.read_parquet(res.out).set_index(["left_id", "right_id"])
    top = pairs.loc[("1", "A")]
    assert (top["forename_level"], top["surname_level"]) == ("exact", "exact")


def test_utf16_without_a_byte_order_mark_is_told(tmp_path: Path) -> None:
    left, right, mapping = mini_link_files(tmp_path)
    left.write_text("pid,fn,sn,dob\n1,Ann,Lee,1980-01-02\n", encoding="utf-16-le")
    with pytest.raises(LinkInputError, match=r"the file is UTF-16 text; set \[left\].encoding"):
        link(left, right, mapping, tmp_path / "p.parquet")


def test_truth_file_encoding_is_its_own_key(tmp_path: Path) -> None:
    """A truth file in Latin-1 is told to set [truth].encoding, a key that exists; set, its
    accented ids are read."""
    left, right, _ = mini_link_files(tmp_path)
    right.write_text("ref,fn,sn,dob\nAé,Ann,Lee,1980-01-02\nB,Rob,Kay,1975-03-04\n", "utf-8")
    truth = tmp_path / "t.csv"
    truth.write_text("staff,nominal\n1,Aé\n", encoding="latin-1")
    raw = {
        "left": {"id": "pid", "forenames": "fn", "surname": "sn", "date_of_birth": "dob"},
        "right": {"id": "ref", "forenames": "fn", "surname": "sn", "date_of_birth": "dob"},
    }
    with pytest.raises(LinkInputError, match=r"set \[truth\].encoding in the mapping"):
        link(left, right, parse_mapping(raw, "t.toml"), None, truth=truth)
    raw["truth"] = {"encoding": "latin-1"}
    res = link(left, right, parse_mapping(raw, "t.toml"), None, truth=truth)
    assert res.truth is not None and res.truth.best["true_positive"] == 1


def test_unknown_encoding_names_the_key() -> None:
    raw = {
        "left": {"id": "pid", "surname": "sn", "encoding": "shift-jis"},
        "right": {"id": "ref", "surname": "sn"},
    }
    with pytest.raises(MappingError, match=r"enc.toml: \[left\].encoding must be one of"):
        parse_mapping(raw, "enc.toml")


def test_a_nested_parquet_column_is_refused_by_name(tmp_path: Path) -> None:
    left, _right, _mapping = mini_link_files(tmp_path)
    right = tmp_path / "r.parquet"
    pd.DataFrame(
        {
            "ref": ["A"],
            "fn": ["Ann"],
            "sn": ["Lee"],
            "dob": ["1980-01-02"],
            "phones": [["0770", "0771"]],
        }
    ).to_parquet(right)
    mapping = parse_mapping(
        {
            "left": {"id": "pid", "forenames": "fn", "surname": "sn", "date_of_birth": "dob"},
            "right": {"id": "ref", "forenames": "fn", "surname": "sn", "phone": "phones"},
        },
        "nested.toml",
    )
    with pytest.raises(MappingError) as err:
        link(left, right, mapping, None)
    assert str(err.value).startswith(f"{right}: column 'phones' named by [right].phone")
    assert "holds VARCHAR[] values; map columns of one value each" in str(err.value)


def test_truth_columns_are_never_one_column_twice(tmp_path: Path) -> None:
    """Both sides' ids are called "id": a truth file with "id,matched_id" must not pair the
    id column with itself."""
    left, right, _ = mini_link_files(tmp_path)
    left.write_text("id,fn,sn,dob\n1,Ann,Lee,1980-01-02\n2,Bob,Kay,1975-03-04\n", "utf-8")
    right.write_text("id,fn,sn,dob\nA,Ann,Lee,1980-01-02\nB,Rob,Kay,1975-03-04\n", "utf-8")
    side = {"id": "id", "forenames": "fn", "surname": "sn", "date_of_birth": "dob"}
    truth = tmp_path / "t.csv"
    truth.write_text("id,matched_id\n1,A\n2,B\n", "utf-8")
    res = link(left, right, parse_mapping({"left": side, "right": side}), None, truth=truth)
    assert res.truth is not None and res.truth.columns == ("id", "matched_id")
    assert res.truth.unknown_pairs == 0 and res.truth.best["true_positive"] == 2


@pytest.mark.parametrize(
    ("text", "columns"),
    [
        # the values tell: only one column holds left ids, only one right ids
        ("n,staff,nominal,score\n7,1,A,0.9\n8,2,B,0.8\n", ("staff", "nominal")),
        # pair numbers are left ids too: the names tell
        ("pair_no,left_id,right_id\n1,1,A\n2,2,B\n", ("left_id", "right_id")),
        ("id_a,id_b,pair\n1,A,2\n2,B,1\n", ("id_a", "id_b")),
    ],
)
def test_a_truth_file_of_more_than_two_columns_pairs_the_id_columns(
    tmp_path: Path, text: str, columns: tuple[str, str]
) -> None:
    """A truth or labels file with a pair number or a score beside the ids
    ("pair_no,left_id,right_id") was read from its first two columns: the pair number
    against the left ids, and every pair missed (F1 0.000)."""
    left, right, mapping = mini_link_files(tmp_path)
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(text, "utf-8")
    res = link(left, right, mapping, None, truth=pairs, labels=pairs)
    assert res.truth is not None and res.truth.columns == columns
    assert res.truth.unknown_pairs == 0 and res.truth.truth_pairs == 2
    assert res.labels_used == 2 and res.labels_unknown == 0


def test_a_truth_file_whose_id_columns_cannot_be_told_asks_for_them(tmp_path: Path) -> None:
    left, right, mapping = mini_link_files(tmp_path)
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("x,y,z\n1,1,A\n2,2,B\n", "utf-8")
    with pytest.raises(LinkInputError) as err:
        link(left, right, mapping, None, truth=pairs)
    assert str(err.value) == (
        f"{pairs}: 3 columns, and which hold the left and right ids cannot be told from their "
        "values or names: set [truth].left_id and right_id in mini.toml"
    )
    # as the message says
    raw = {
        "left": {"id": "pid", "forenames": "fn", "surname": "sn", "date_of_birth": "dob"},
        "right": {"id": "ref", "forenames": "fn", "surname": "sn", "date_of_birth": "dob"},
        "truth": {"left_id": "y", "right_id": "z"},
    }
    res = link(left, right, parse_mapping(raw), None, truth=pairs)
    assert res.truth is not None and res.truth.unknown_pairs == 0


def test_a_file_is_told_by_its_first_bytes(tmp_path: Path) -> None:
    """A Parquet file saved without its suffix is read as Parquet; a workbook is refused
    with what to do, not as a CSV (or as UTF-16 for the zeros in it)."""
    left, right, mapping = mini_link_files(tmp_path)
    pq = tmp_path / "right_export"
    pd.read_csv(right, dtype=str).to_parquet(pq)
    res = link(left, pq, mapping, None)
    assert res.right.rows == 2 and res.candidate_pairs >= 1
    book = tmp_path / "right.xlsx"
    book.write_bytes(b"PK\x03\x04" + bytes(2000))
    with pytest.raises(
        LinkInputError, match=r"right.xlsx: is a zip archive .*export the sheet as CSV"
    ):
        link(left, book, mapping, None)


def test_a_files_first_bytes_are_read_once(tmp_path: Path, monkeypatch) -> None:
    """is_parquet opened the file again each time it was asked, at every step of reading
    it: 6 binary opens of a Parquet file saved without its suffix, 9 of a CSV (with the
    other first-bytes checks). Read once per version of the file; a CSV's end is read once
    more, for a footer."""
    import builtins
    import collections
    import pathlib

    opened: collections.Counter[str] = collections.Counter()
    real_open, real_path_open = builtins.open, pathlib.Path.open

    def counting_open(file, mode="r", *args, **kwargs):
        if "b" in mode:
            opened[Path(str(file)).name] += 1
        return real_open(file, mode, *args, **kwargs)

    def counting_path_open(self, mode="r", *args, **kwargs):
        if "b" in mode:
            opened[self.name] += 1
        return real_path_open(self, mode, *args, **kwargs)

    left, right, mapping = mini_link_files(tmp_path)
    pq = tmp_path / "right_export"
    pd.read_csv(right, dtype=str).to_parquet(pq)
    monkeypatch.setattr(builtins, "open", counting_open)
    monkeypatch.setattr(pathlib.Path, "open", counting_path_open)
    link(left, right, mapping, None)
    assert opened[right.name] == 2  # its first bytes, and its end for a footer
    link(left, pq, mapping, None)
    assert opened["right_export"] == 1
    # a file rewritten is read again: the same name, now a CSV
    monkeypatch.undo()
    right.replace(pq)
    assert not flat_files.is_parquet(pq)
    assert link(left, pq, mapping, None).right.rows == 2


def test_an_extra_field_among_the_first_rows_is_named_by_line(tmp_path: Path) -> None:
    """An unquoted comma in an early row makes DuckDB's sniffer take a data row for the
    header; the fault is the row, not the mapping."""
    left, right, mapping = mini_link_files(tmp_path)
    left.write_text(
        "pid,fn,sn,dob\n1,Ann,Lee,1980-01-02\n2,Bob,Kay,Jr,1975-03-04\n3,Cy,Day,1990-01-01\n",
        "utf-8",
    )
    with pytest.raises(LinkInputError) as err:
        link(left, right, mapping, None)
    assert str(err.value).startswith(f"{left}: line 3 has 5 fields where the header has 4")
    assert "Kay" not in str(err.value)


def test_windows_1252_text_is_read(tmp_path: Path) -> None:
    """Excel on Windows saves "CSV" in Windows-1252, whose curly apostrophe DuckDB's Latin-1
    refuses: the message says cp1252, and with it set the names fold and match."""
    left, right, _ = mini_link_files(tmp_path)
    left.write_bytes(
        "pid,fn,sn,dob\n1,Ann,O’Lee,1980-01-02\n2,Bob,Kay,1975-03-04\n".encode("cp1252")
    )
    right.write_text("ref,fn,sn,dob\nA,Ann,OLee,1980-01-02\nB,Rob,Kay,1975-03-04\n", "utf-8")
    raw = {
        "left": {
            "id": "pid",
            "forenames": "fn",
            "surname": "sn",
            "date_of_birth": "dob",
            "encoding": "latin-1",
        },
        "right": {"id": "ref", "forenames": "fn", "surname": "sn", "date_of_birth": "dob"},
    }
    with pytest.raises(LinkInputError, match=r'set \[left\]\.encoding = "cp1252"'):
        link(left, right, parse_mapping(raw), None)
    raw["left"]["encoding"] = "windows-1252"
    res = link(left, right, parse_mapping(raw), tmp_path / "p.parquet")
    top = pd.read_parquet(res.out).set_index(["left_id", "right_id"]).loc[("1", "A")]
    assert top["surname_level"] == "exact"


def test_a_truth_or_labels_file_without_a_header_keeps_its_first_pair(tmp_path: Path) -> None:
    """A file of pairs with no header line: its first pair was taken for the column names
    and lost without a word. When the first line holds an id of each file, it is a pair:
    read as one, and the run says the file has no header (never which ids)."""
    left, right, mapping = mini_link_files(tmp_path)
    left.write_text(
        "pid,fn,sn,dob\n" + "".join(f"{i},Ann,Lee{i},1980-01-{i:02d}\n" for i in range(1, 6)),
        "utf-8",
    )
    right.write_text(
        "ref,fn,sn,dob\n" + "".join(f"R{i},Ann,Lee{i},1980-01-{i:02d}\n" for i in range(1, 6)),
        "utf-8",
    )
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("".join(f"{i},R{i}\n" for i in range(1, 6)), "utf-8")
    res = link(left, right, mapping, None, truth=pairs, labels=pairs)
    assert res.truth is not None and res.truth.truth_pairs == 5
    assert res.truth.best["true_positive"] == 5 and res.labels_used == 5
    text = "\n".join(summary_lines(res, left, right))
    note = "pairs.csv has no header: its first line holds an id of each file, so it is a pair"
    assert f"truth: 5 pairs (columns 1 and 2; {note})" in text
    assert f"note: --labels {note}" in text
    assert "R1" not in text
    # a header that names no id is a header, as before
    pairs.write_text("staff,nominal\n" + "".join(f"{i},R{i}\n" for i in range(1, 6)), "utf-8")
    res = link(left, right, mapping, None, truth=pairs)
    assert res.truth is not None and res.truth.truth_pairs == 5
    assert res.truth.columns == ("staff", "nominal") and not res.truth.header_note


def _people(n: int, delimiter: str = ",") -> list[str]:
    return [delimiter.join((f"R{i}", "Ann", f"Lee{i}", f"19{50 + i % 50}-01-02")) for i in range(n)]


@pytest.mark.parametrize(
    ("rows", "footer", "line", "fields"),
    [
        (6, "TOTAL,6\n", 8, 2),
        (6, "\n\n*** END OF REPORT ***\n\n", 10, 1),  # after blank lines, before more
        (6, "Records: 6\r\nExtracted 2026-11-27,by PNC bureau\r\n", 8, 1),  # two lines
        (30_000, "TOTAL,30000\n", 30_002, 2),  # past DuckDB's sample: the read fails late
    ],
)
def test_a_footer_with_fewer_fields_than_the_header_is_counted_and_left_out(
    tmp_path: Path, rows: int, footer: str, line: int, fields: int
) -> None:
    """A total line at the end of an export ("TOTAL,600") has fewer fields than the header:
    it was reported as a row with a delimiter missing, and the file refused. It is no person:
    counted, left out and told by line, never quoted, as the id-only footer is."""
    left, right, mapping = mini_link_files(tmp_path)
    right.write_text("ref,fn,sn,dob\n" + "\n".join(_people(rows)) + "\n" + footer, "utf-8")
    res = link(left, right, mapping, tmp_path / "p.parquet")
    assert res.right.rows == rows and res.right.people == rows
    lines = footer.strip("\n").count("\n") + 1
    assert res.right.footer_lines == lines and res.right.first_footer_line == line
    text = "\n".join(summary_lines(res, left, right))
    assert (
        f"warning: {lines} right line(s) at the end of the file have fewer fields than the "
        f"header (first at line {line:,}: {fields} of 4; a footer or total line?): no person, "
        "left out"
    ) in text
    assert not any(word in text for word in ("TOTAL", "REPORT", "Records", "PNC"))
    ids = set(pd.read_parquet(res.out)["right_id"])
    assert "TOTAL" not in ids and "Records: 6" not in ids


def test_short_rows_that_are_no_footer_are_still_named(tmp_path: Path) -> None:
    """A short row followed by a full one, or more short lines at the end than a footer has
    (a file cut off, or its delimiter changed part way), is a fault to mend, by line."""
    left, right, mapping = mini_link_files(tmp_path)
    people = _people(8)
    right.write_text("ref,fn,sn,dob\n" + "\n".join([*people[:5], "TOTAL,5", *people[5:]]) + "\n")
    with pytest.raises(LinkInputError, match=r"r\.csv: line 7 has 2 fields where the header has 4"):
        link(left, right, mapping, None)
    short = [p.replace(",", ";") for p in people]
    right.write_text("ref,fn,sn,dob\n" + "\n".join(people[:2] + short) + "\n", "utf-8")
    with pytest.raises(LinkInputError) as err:
        link(left, right, mapping, None)
    assert str(err.value).startswith(f"{right}: line 4 has 1 fields where the header has 4")
    assert "Lee" not in str(err.value)


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
@pytest.mark.parametrize("rows", [6, 30_000])
def test_a_line_of_only_spaces_is_skipped_in_any_delimiter(
    tmp_path: Path, delimiter: str, rows: int
) -> None:
    """An export with a blank line, a line of only spaces and a row of empty fields in it
    (blanks_right.csv): DuckDB's sniffer could not tell the delimiter of a file with a line
    of only spaces early on ("read as one column"), and failed the read on one past its
    sample. Such a line is skipped, as the nightly loader skips it and DuckDB an empty one;
    semicolon, tab and pipe files are read as before."""
    left, right, mapping = mini_link_files(tmp_path)
    people = _people(rows, delimiter)
    at = rows - 3
    empty = delimiter * 3
    text = "\n".join(people[:at] + ["", "   ", empty, "  "] + people[at:]) + "\n"
    right.write_text(delimiter.join(("ref", "fn", "sn", "dob")) + "\n" + text, "utf-8")
    res = link(left, right, mapping, tmp_path / "p.parquet")
    assert res.right.rows == rows and res.right.people == rows
    assert res.right.footer_lines == 0
    found = pd.read_parquet(res.out)
    assert set(found["right_id"]) <= {f"R{i}" for i in range(rows)}


def test_a_line_of_only_spaces_does_not_hide_a_ragged_row(tmp_path: Path) -> None:
    left, right, mapping = mini_link_files(tmp_path)
    people = _people(6)
    right.write_text("ref,fn,sn,dob\n" + "\n".join([*people[:2], "  ", "R9,Ann Lee", *people[2:]]))
    with pytest.raises(LinkInputError, match=r"r\.csv: line 5 has 2 fields where the header has 4"):
        link(left, right, mapping, None)


def _export_with_blank_lines(rows: int, no_id: bool) -> tuple[str, int]:
    """A right-side export as agencies send them: a blank line after every 500 rows (pages
    joined), a quoted address spanning two lines, and late in the file a row with nothing but
    an id (no name, date or address) or, with ``no_id``, a person with an empty id. Returns
    the text and the planted row's line as a text editor counts them."""
    lines = ["ref,fn,sn,dob,address"]
    for i in range(rows):
        if i and i % 500 == 0:
            lines.append("")
        if i == 7:
            lines.append(f'R{i},Ann,Lee{i},1980-01-02,"Flat 2\n14 Mill Lane, Leeds"')
        elif i == rows - 20:
            lines.append(",Alice,Hartwell,1980-03-14,2 Kiln Road" if no_id else f"R{i},,,,")
        else:
            lines.append(f"R{i},Ann,Lee{i},19{50 + i % 50}-01-02,{i} High Street")
    text = "\n".join(lines) + "\n"
    planted = ",Alice," if no_id else f"R{rows - 20},,"
    return text, next(n for n, line in enumerate(text.split("\n"), 1) if line.startswith(planted))


@pytest.mark.parametrize("rows", [400, 600, 30_000])
def test_rows_are_named_by_their_file_line_where_blank_lines_come_before(
    tmp_path: Path, rows: int
) -> None:
    """DuckDB skips blank lines, so its row numbers ran behind the file's: a row told as
    "data row N" was lines further on, where no one would look. The warning and the error
    name the file line (as the nightly loader's messages do; its data row is the line minus
    one), in a file of one row a line and in one with blank lines and a value spanning
    lines, near the start and past DuckDB's sample, never quoting the row."""
    left, right, _ = mini_link_files(tmp_path)
    sides = {"id": "ref", "forenames": "fn", "surname": "sn", "date_of_birth": "dob"}
    mapping = parse_mapping(
        {"left": {**sides, "id": "pid"}, "right": {**sides, "address": "address"}}, "mini.toml"
    )
    text, line = _export_with_blank_lines(rows, no_id=False)
    if rows == 400:  # one row a line: no blank line, no value spanning lines
        text = text.replace('"Flat 2\n14 Mill Lane, Leeds"', "14 Mill Lane")
        line -= 1
    right.write_text(text, "utf-8")
    res = link(left, right, mapping, None)
    assert res.right.empty_rows == 1 and res.right.rows == rows - 1
    assert (
        f"warning: 1 right row(s) have nothing in any mapped field but the id (first at line "
        f"{line:,}; a footer or total line?): nothing to match on, left out"
    ) in res.warnings
    text, line = _export_with_blank_lines(rows, no_id=True)
    right.write_text(text, "utf-8")
    with pytest.raises(MappingError) as err:
        link(left, right, mapping, None)
    msg = str(err.value)
    assert msg.endswith(f"first at line {line:,})") and "Hartwell" not in msg


def test_a_parquet_row_is_named_by_its_position(tmp_path: Path) -> None:
    """A Parquet file has no lines: a row is told by its 1-based position."""
    left, right, mapping = mini_link_files(tmp_path)
    people = [
        ("A", "Ann", "Lee", "1980-01-02"),
        ("B", "Rob", "Kay", "1975-03-04"),
        ("C",) + (None,) * 3,
    ]
    parquet = tmp_path / "r.parquet"
    pd.DataFrame(people, columns=["ref", "fn", "sn", "dob"]).to_parquet(parquet)
    res = link(left, parquet, mapping, None)
    assert any("(first at row 3; a footer or total line?)" in w for w in res.warnings)


_WIDE_HEADER = "ref,forenames,surname,dob,sex,address,postcode,phone"


def _wide_people(n: int) -> list[str]:
    """Right-side rows of a nominal extract with every field a footer might fall in."""
    return [
        f"N{i:07d},Ann,Lee{i},19{50 + i % 50}-01-02,F,{i} Mill Lane,LS{i % 9 + 1} 4AB,"
        f"07700 9{i % 100_000:05d}"
        for i in range(n)
    ]


def _wide_mapping() -> Mapping:
    return parse_mapping(
        {
            "left": {"id": "pid", "forenames": "fn", "surname": "sn", "date_of_birth": "dob"},
            "right": {
                "id": "ref",
                "forenames": "forenames",
                "surname": "surname",
                "date_of_birth": "dob",
                "sex": "sex",
                "address": "address",
                "postcode": "postcode",
                "phone": "phone",
            },
        },
        "wide.toml",
    )


@pytest.mark.parametrize(
    ("rows", "footer", "line", "count", "empty"),
    [
        (600, "TOTAL,600,,,,,,\n", 602, 1, 0),  # the count falls in the forenames column
        (600, "\nRecords,,,,,,,600\n", 603, 1, 0),  # in the phone column, after a blank line
        (600, 'GRAND TOTAL,,,,,,,"1,234"\nEND OF REPORT,,,,,,,\nCOUNT,3,,,,,,\n', 602, 2, 1),
        (30_000, "Total records:,30000,,,,,,\r\nRows,30000,,,,,30000,\r\n", 30_002, 2, 0),
    ],
)
def test_a_footer_as_wide_as_the_header_is_no_person(
    tmp_path: Path, rows: int, footer: str, line: int, count: int, empty: int
) -> None:
    """A total line at the end of an export written with every delimiter ("TOTAL,600,,,,,,")
    lines up with the header, so the short footer's check never saw it: with its count in a
    name or phone column it was read as a person (a nominal called "600"). At the end of the
    file, with a total's word in the id and nothing else but numbers, it is counted and left
    out, told by line and never quoted; a row with nothing but the id stays an empty row."""
    left, right, _ = mini_link_files(tmp_path)
    right.write_text(_WIDE_HEADER + "\n" + "\n".join(_wide_people(rows)) + "\n" + footer)
    res = link(left, right, _wide_mapping(), tmp_path / "p.parquet")
    assert res.right.rows == rows and res.right.people == rows
    assert (res.right.footer_rows, res.right.empty_rows) == (count, empty)
    text = "\n".join(summary_lines(res, left, right))
    assert (
        f"warning: {count} right row(s) at the end of the file are a footer or total line "
        f"(first at line {line:,}: a total's word in the id or first column, every other field "
        "empty or a number): no person, left out"
    ) in text
    assert not any(word in text for word in ("TOTAL", "Records", "REPORT", "1,234", "Rows,"))
    assert pd.read_parquet(res.out)["right_id"].str.startswith("N").all()


def test_rows_at_the_end_that_may_be_people_are_read_as_people(tmp_path: Path) -> None:
    """Only what can be no person is a footer: a row with a name, date of birth, address or
    sex beside a total's word, a row with no such word, a total line followed by a person,
    and more total lines than a footer has (FOOTER_MAX_LINES) are all read as before."""
    left, right, _ = mini_link_files(tmp_path)
    people = _wide_people(20)
    maybe = [
        "END,Ann,Lee,1980-01-02,,,,",  # named: a person whose id is a word
        "COUNT,,,1981-02-03,,,,",  # a date of birth is no count
        "TOTAL,,,,,1 Mill Lane,,",  # an address
        "N9000001,,,,,,,07700 900123",  # a phone only, with an id: a person
    ]
    for row in maybe:
        right.write_text(_WIDE_HEADER + "\n" + "\n".join([*people, row]) + "\n")
        res = link(left, right, _wide_mapping(), None)
        assert (res.right.rows, res.right.footer_rows) == (21, 0), row
    right.write_text(
        _WIDE_HEADER + "\n" + "\n".join([*people[:10], "TOTAL,10,,,,,,", *people[10:]])
    )
    res = link(left, right, _wide_mapping(), None)
    assert (res.right.rows, res.right.footer_rows) == (21, 0)
    right.write_text(_WIDE_HEADER + "\n" + "\n".join(people + ["TOTAL,20,,,,,,"] * 6) + "\n")
    res = link(left, right, _wide_mapping(), None)
    assert (res.right.rows, res.right.footer_rows) == (26, 0)


def test_a_footer_word_in_the_first_column_when_the_id_is_empty(tmp_path: Path) -> None:
    """An extract whose id is not its first column: the footer's word falls in the first
    column and the id is empty. It was an error (an empty id); it is a footer."""
    left, right, _ = mini_link_files(tmp_path)
    header = "record_type," + _WIDE_HEADER
    people = [f"NOMINAL,{p}" for p in _wide_people(30)]
    right.write_text(header + "\n" + "\n".join([*people, "TOTAL,,,,,,,,30"]) + "\n")
    res = link(left, right, _wide_mapping(), None)
    assert (res.right.rows, res.right.footer_rows, res.right.first_footer_at) == (30, 1, "line 32")


@pytest.mark.parametrize("option", ["truth", "labels"])
@pytest.mark.parametrize(
    ("header", "end", "warning"),
    [
        # a short footer: the file was refused as a row with a delimiter missing
        (
            "pair_no,staff,nominal,checked_by",
            "*** END OF REPORT ***\n",
            "line(s) at the end of the file have fewer fields than the header (first at line "
            "{line}: 1 of 4; a footer or total line?): no pair, left out",
        ),
        # a total as wide as the header: read as a pair of unknown ids, a true pair "missed"
        (
            "staff,nominal",
            "TOTAL,40\n",
            "row(s) at the end of the file are a footer or total line (first at line {line}: "
            "a total's word for an id of neither file, the other id empty or a number): no "
            "pair, left out",
        ),
        # lines of only spaces: the file was refused as read as one column
        ("staff,nominal", "", ""),
    ],
)
def test_a_truth_or_labels_file_is_read_as_a_side_is(
    tmp_path: Path, option: str, header: str, end: str, warning: str
) -> None:
    """A truth or labels file exported from the same systems as the people's files has their
    footers and blank lines: it is mended as they are (the same code), its footer counted,
    left out and told by line, never quoted, so the figures count only true pairs."""
    left, right, mapping = mini_link_files(tmp_path)
    people = _people(40)
    left.write_text("pid,fn,sn,dob\n" + "".join(f"{p[1:]}\n" for p in people), "utf-8")
    right.write_text("ref,fn,sn,dob\n" + "".join(f"{p}\n" for p in people), "utf-8")
    pairs = [f"{i},R{i}" for i in range(40)]
    if header.startswith("pair_no"):
        pairs = [f"{n},{p},DC 1234" for n, p in enumerate(pairs, 1)]
    lines = [header, *pairs[:20], "   ", "\t", *pairs[20:]]
    path = tmp_path / "pairs.csv"
    path.write_text("\n".join(lines) + "\n" + end, "utf-8")
    res = link(left, right, mapping, None, **{option: path})
    text = "\n".join(summary_lines(res, left, right))
    if option == "truth":
        assert res.truth is not None and res.truth.truth_pairs == 40
        assert res.truth.unknown_pairs == 0 and res.truth.blocking_recall == 1.0
    else:
        assert (res.labels_used, res.labels_unknown) == (40, 0)
    if warning:
        expected = f"warning: 1 --{option} " + warning.format(line=len(lines) + 1)
        assert expected in text
    assert not any(word in text for word in ("END OF", "TOTAL", "DC 1234"))


@pytest.mark.parametrize(
    ("ending", "lines"),
    [("TOTAL,30000\n", 1), ("TOTAL,30000\r\n\r\n*** END ***\r\n  \r\n", 2)],
)
def test_a_footer_past_the_sample_is_mended_before_the_first_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ending: str, lines: int
) -> None:
    """A footer past DuckDB's sample failed its read only at the end, and the file was then
    read through with the csv module to find why, before the copy without it was read: at
    1M rows about 4 s before the read that counts. Told from the file's last bytes, it is
    mended before the first read, with the same counts and line; a ragged row before it is
    still named by its line, from the copy."""
    left, right, mapping = mini_link_files(tmp_path)
    people = _people(30_000)
    people[5] = 'R5,"Ann, Mary",Lee5,1955-01-02'  # a quoted value is no bar
    right.write_text("ref,fn,sn,dob\n" + "\n".join(people) + "\n" + ending, "utf-8")
    scans: list[Path] = []
    scan = flat_files._scan_csv
    monkeypatch.setattr(flat_files, "_scan_csv", lambda p, e: scans.append(p) or scan(p, e))
    res = link(left, right, mapping, None)
    stats = res.right
    assert (stats.rows, stats.footer_lines, stats.first_footer_line) == (30_000, lines, 30_002)
    assert scans == []  # no failed read, no read through to find why
    people[29_000] = "R29000,Ann Lee"
    right.write_text("ref,fn,sn,dob\n" + "\n".join(people) + "\n" + ending, "utf-8")
    with pytest.raises(LinkInputError) as err:
        link(left, right, mapping, None)
    assert str(err.value) == (
        f"{right}: line 29002 has 2 fields where the header has 4 (a delimiter missing or "
        "extra, or a quote left open); mend or remove that line"
    )


@pytest.mark.parametrize("option", ["truth", "labels"])
def test_a_truth_or_labels_row_with_an_id_missing_is_counted_and_told(
    tmp_path: Path, option: str
) -> None:
    """A row of a truth or labels file with one id empty names no pair: it is left out, as
    before, but counted and told with its line, never dropped silently."""
    left, right, mapping = mini_link_files(tmp_path)
    people = _people(30)
    left.write_text("pid,fn,sn,dob\n" + "".join(f"{p[1:]}\n" for p in people), "utf-8")
    right.write_text("ref,fn,sn,dob\n" + "".join(f"{p}\n" for p in people), "utf-8")
    lines = ["pid,ref", *(f"{i},R{i}" for i in range(30))]
    lines[8], lines[20] = "7,", ",R19"  # file lines 9 and 21
    path = tmp_path / "pairs.csv"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    res = link(left, right, mapping, None, **{option: path})
    text = "\n".join(summary_lines(res, left, right))
    if option == "truth":
        assert res.truth is not None and res.truth.truth_pairs == 28
    else:
        assert (res.labels_used, res.labels_unknown) == (28, 0)
    assert f"warning: 2 --{option} row(s) have an empty id (first at line 9)" in text
