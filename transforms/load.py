"""Load one extract's tables as text, and stop the run on anything structurally wrong.

Every column is read as text (strict UTF-8 for CSV), surrounding whitespace and invisible
padding (NUL, zero-width characters, a stray byte order mark) are stripped and an empty value
becomes missing (``pd.NA``). A ``_row`` column holds the data row number, so
quarantine lines can point back into the file: in a CSV, the row's first file line minus one
(the header is line 1, so data row N is line N + 1). Blank lines, and lines of only spaces or
tabs, are skipped but still counted, and so are the extra lines of a quoted value spanning
several lines: the number is where the row is in a text editor, whatever came before it. In a
Parquet file, the row's 1-based position. A CSV row with the wrong number of fields is located
by file line too (pyarrow's threaded reader does not say where it is).

Structural problems raise :class:`StructuralError` and stop the run: a missing directory or file,
an unreadable, corrupt or 0-byte file, a missing header or required column, and a root table
(``staff``, ``nominals``) with no data rows. ``load_extract`` also checks the folder itself
(``check_extract_folder``): a data file that is not exactly ``<table>.csv`` or
``<table>.parquet`` of this extract (compressed, a directory, an upper-case extension, a split
part, another extract's or no table's) stops the run rather than being ignored, so a table is
never quietly read in part or taken for absent. Hidden files and other files (notes, READMEs)
are skipped with a warning. Row-level problems are not checked here; that is
``transforms.validate``. No message raised or logged here ever contains a data value: only file
names, column names from the contract, counts and positions.
"""

from __future__ import annotations

import codecs
import csv
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from transforms.schema import ALL_TABLES, Table

logger = logging.getLogger(__name__)

ROW_COLUMN = "_row"
SUFFIXES = (".csv", ".parquet")
_STRING = pd.StringDtype("pyarrow")  # missing values are pd.NA
_SCAN_CHUNK = 16 * 1024 * 1024
# Name endings (any of a file's suffixes, any case) that mark a file in an extract folder as
# data: such a file must be exactly one table's ``.csv`` or ``.parquet``. Anything else there
# (README.md, notes.txt, hidden files) is skipped with a warning.
_DATA_SUFFIXES = frozenset(
    {".csv", ".tsv", ".psv", ".dat", ".parquet", ".pq", ".xlsx", ".xls", ".json", ".jsonl"}
)
_COMPRESSED_SUFFIXES = frozenset({".gz", ".gzip", ".bz2", ".xz", ".zip", ".zst", ".7z"})
# Delimiters other than ',' that a one-column header betrays (European Excel writes ';').
_OTHER_DELIMITERS = {";": "';'", "\t": "tabs", "|": "'|'"}


class StructuralError(Exception):
    """A problem with a whole file (not a row) that stops the run.

    ``file`` names the file (or directory) and ``problem`` says what is wrong; neither ever
    contains a data value.
    """

    def __init__(self, file: str, problem: str) -> None:
        super().__init__(f"{file}: {problem}")
        self.file = file
        self.problem = problem


def find_table_file(extract_dir: Path, table: Table) -> Path | None:
    """The table's ``.csv`` or ``.parquet`` file, None if neither exists; both is an error."""
    found = [extract_dir / f"{table.name}{s}" for s in SUFFIXES]
    found = [p for p in found if p.is_file()]
    if len(found) > 1:
        raise StructuralError(
            f"{table.name}.csv", f"both {table.name}.csv and {table.name}.parquet exist"
        )
    return found[0] if found else None


def read_table(extract_dir: Path, table: Table) -> pd.DataFrame:
    """Read one table of an extract: all schema columns as text, plus ``_row``."""
    extract_dir = Path(extract_dir)
    if not extract_dir.is_dir():
        raise StructuralError(str(extract_dir), "extract directory not found")
    path = find_table_file(extract_dir, table)
    if path is None:
        raise StructuralError(f"{table.name}.csv", "file not found (no .csv or .parquet)")
    empty = None if table.parent else f"no data rows (the {table.name} table must not be empty)"
    frame = read_file(path, table, empty)
    frame.attrs["source_file"] = path.name
    logger.info("%s: read %d rows", path.name, len(frame))
    return frame


def read_file(path: Path, table: Table, empty_problem: str | None) -> pd.DataFrame:
    """One CSV or Parquet file as ``table``'s columns in text, plus ``_row``. A 0-byte file is
    a structural error, and so is a header-only one when ``empty_problem`` names why."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise StructuralError(path.name, f"cannot read file ({type(exc).__name__})") from None
    if size == 0:
        raise StructuralError(path.name, "file is empty (0 bytes)")
    if path.suffix == ".csv":
        arrow, rows = _read_csv(path)
    else:
        arrow = _read_parquet(path)
        rows = np.arange(1, arrow.num_rows + 1, dtype="int64")
    arrow = _select_columns(arrow, table, path.name)
    if arrow.num_rows == 0 and empty_problem:
        raise StructuralError(path.name, empty_problem)
    frame = _to_text_frame(arrow)
    frame[ROW_COLUMN] = rows
    return frame


def check_extract_folder(extract_dir: Path, tables: tuple[Table, ...] | list[Table]) -> None:
    """Raise StructuralError for the first entry of the folder that looks like data but is
    not exactly one of its extract's ``<table>.csv`` / ``<table>.parquet`` files; warn about
    and skip the rest (hidden files, notes). The extract's tables are all the contract's
    tables of the extracts (staff, intel) that ``tables`` belong to."""
    extracts = {t.extract for t in tables}
    mine = {t.name for t in ALL_TABLES if t.extract in extracts}
    others = {t.name: t.extract for t in ALL_TABLES if t.extract not in extracts}
    expected = {f"{name}{suffix}" for name in mine for suffix in SUFFIXES}
    for entry in sorted(extract_dir.iterdir()):
        name = entry.name
        if name in expected and entry.is_file():
            continue
        if name.startswith("."):
            logger.warning("%s: hidden file in the extract folder, skipped", name[:60])
            continue
        problem = _folder_entry_problem(entry, mine, others)
        if problem:
            raise StructuralError(name, problem)
        logger.warning("%s: not a table file of this extract, skipped", name[:60])


def _folder_entry_problem(entry: Path, mine: set[str], others: dict[str, str]) -> str | None:
    """What is wrong with a folder entry that is not an expected table file; None: not data."""
    name = entry.name
    stem, _, rest = name.partition(".")
    suffixes = {f".{s}" for s in rest.lower().split(".")} if rest else set()
    table = next((t for t in sorted(mine) if stem.lower() == t), None)
    if table is not None:
        if entry.is_dir():
            return f"is a directory, not a file: the {table} table must be {table}.csv or .parquet"
        if f".{rest}" in SUFFIXES and stem == table:
            return "not a regular file (a broken link?)"
        if suffixes & _COMPRESSED_SUFFIXES:
            return f"is compressed: decompress it to {table}.csv (or {table}.parquet)"
        if f".{rest.lower()}" in SUFFIXES:
            return f"extension or name is not lower case: rename it to {table}.{rest.lower()}"
        return f"not a .csv or .parquet file: write the {table} table as {table}.csv or .parquet"
    if not suffixes & (_DATA_SUFFIXES | _COMPRESSED_SUFFIXES):
        return None
    if stem.lower() in others:
        return (
            f"a table of the {others[stem.lower()]} extract, not of this one: "
            "is the folder the right one?"
        )
    part_of = next((t for t in sorted(mine, key=len, reverse=True) if stem.startswith(t)), None)
    if part_of is not None:
        return (
            f"not a table of this extract; if it is part of the {part_of} table, "
            f"join the parts into {part_of}.csv"
        )
    return "not a table of this extract (its tables are " + ", ".join(sorted(mine)) + ")"


def load_extract(
    extract_dir: Path, tables: tuple[Table, ...] | list[Table]
) -> dict[str, pd.DataFrame]:
    """Read every table of an extract; an ``optional`` table may be absent (then it is left out).

    The folder is checked first (``check_extract_folder``): a table in an unreadable form is
    an error, never taken for absent. Each frame's ``attrs["source_file"]`` holds the file
    name it was read from.
    """
    extract_dir = Path(extract_dir)
    if not extract_dir.is_dir():
        raise StructuralError(str(extract_dir), "extract directory not found")
    check_extract_folder(extract_dir, tables)
    frames: dict[str, pd.DataFrame] = {}
    for table in tables:
        if table.optional and find_table_file(extract_dir, table) is None:
            logger.info("%s: optional table absent, skipped", table.name)
            continue
        frames[table.name] = read_table(extract_dir, table)
    return frames


# --- CSV ---------------------------------------------------------------------------------------


def _is_utf16(path: Path) -> bool:
    """Whether the file looks like UTF-16 text, as Excel saves "Unicode Text" and Windows
    tools write: a UTF-16 byte order mark, or a NUL in nearly every other byte of its start
    and almost nowhere else (UTF-16 without a mark; NUL padding in UTF-8 text comes in
    runs, on odd and even bytes alike)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    half = len(head) // 2
    nuls = sorted((head[0::2].count(0), head[1::2].count(0)))
    return half >= 4 and nuls[1] > 0.8 * half and nuls[0] < 0.1 * half


def _read_csv(path: Path) -> tuple[pa.Table, np.ndarray]:
    """The file as text columns, and each row's data row number (``data_rows``)."""
    if _is_utf16(path):
        raise StructuralError(
            path.name,
            'is UTF-16 text (as Excel saves "Unicode Text"), not UTF-8: save it as '
            '"CSV UTF-8 (comma delimited)"',
        )
    header = read_csv_header(path)
    _check_header(header, path.name)
    try:
        arrow = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(use_threads=True),
            parse_options=pacsv.ParseOptions(
                newlines_in_values=True, invalid_row_handler=_skip_blank_line
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                check_utf8=True,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, OSError) as exc:
        raise _csv_error(path, exc) from None
    header_lines = 1 + sum(len(_TERMINATOR.findall(name)) for name in header)
    return arrow, data_rows(path, arrow, header_lines)


def _skip_blank_line(row: pacsv.InvalidRow) -> str:
    """A line of only spaces or tabs is skipped like an empty one; any other bad row stops."""
    return "skip" if not row.text.strip() else "error"


def read_csv_header(path: Path) -> list[str]:
    try:
        with path.open("r", encoding="utf-8-sig", newline="", errors="strict") as fh:
            header = next(csv.reader(fh), None)
    except UnicodeDecodeError:
        raise _utf8_error(path) from None
    except (OSError, csv.Error) as exc:
        raise StructuralError(path.name, f"cannot read header ({type(exc).__name__})") from None
    if not header or all(not h.strip() for h in header):
        raise StructuralError(path.name, "no header row")
    return header


def _check_header(header: list[str], file: str) -> None:
    stripped = [h.strip() for h in header]
    if any(not h for h in stripped):
        raise StructuralError(file, "header has an empty column name")
    if len(set(stripped)) != len(stripped):
        raise StructuralError(file, "header has a duplicated column name")


_FIELD_COUNT = re.compile(r"Expected (\d+) columns, got (\d+)")


def _csv_error(path: Path, exc: Exception) -> StructuralError:
    """Turn a pyarrow error into a StructuralError without echoing its text (it quotes rows)."""
    message = str(exc)
    if "UTF8" in message or "UTF-8" in message:
        return _utf8_error(path)
    counts = _FIELD_COUNT.search(message)
    if counts:
        expected = int(counts.group(1))
        found = first_ragged_row(path, expected)
        if found is None:  # the csv module parsed it differently: say what pyarrow saw
            where, got = "a row", counts.group(2)
        else:
            first, last, n = found
            where = f"line {first:,d}"
            if last > first:
                where = f"the row at lines {first:,d}-{last:,d} (an unclosed quote?)"
            got = str(n)
        return StructuralError(
            path.name, f"malformed CSV: {where} has {got} fields, expected {expected}"
        )
    return StructuralError(path.name, f"unreadable or corrupt CSV ({type(exc).__name__})")


def _csv_records(fh: TextIO, delimiter: str = ",") -> Iterator[tuple[int, int, list[str] | None]]:
    """(first line, last line, fields) of each CSV record after the header, in 1-based file
    lines; blank records, and records of only spaces or tabs, are skipped as pyarrow's reader
    skips them. A malformed record (a quote left open at the end) ends it with fields None."""
    reader = csv.reader(fh, delimiter=delimiter)
    next(reader, None)  # the header, however many lines it takes
    while True:
        first = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield first, reader.line_num, None
            return
        if row and not (len(row) == 1 and not row[0].strip()):
            yield first, reader.line_num, row


def csv_records(
    path: Path, encoding: str = "utf-8-sig", delimiter: str = ","
) -> Iterator[tuple[int, int, list[str] | None]]:
    """(first line, last line, fields) of each record of the CSV ``path`` after its header,
    as :func:`first_ragged_row` reads them (blank records and records of only spaces
    skipped; a quote left open ends it with fields None). Raises OSError or
    UnicodeDecodeError as reading does."""
    with path.open("r", encoding=encoding, newline="", errors="strict") as fh:
        yield from _csv_records(fh, delimiter)


def first_ragged_row(
    path: Path, expected: int, encoding: str = "utf-8-sig", delimiter: str = ","
) -> tuple[int, int, int] | None:
    """(first line, last line, fields) of the first CSV row without ``expected`` fields, or
    None. Lines are 1-based file lines (the header is line 1); blank lines, and lines of only
    spaces or tabs, are skipped as the reader skips them. Only run on the error path: it reads
    the whole file with the csv module. (``sweep link`` finds its files' ragged rows with it
    too, in their own encoding and delimiter.)"""
    try:
        with path.open("r", encoding=encoding, newline="", errors="strict") as fh:
            for first, last, row in _csv_records(fh, delimiter):
                if row is None or len(row) != expected:
                    return first, last, 0 if row is None else len(row)
    except (OSError, UnicodeDecodeError):
        return None
    return None


def _utf8_error(path: Path) -> StructuralError:
    found = first_invalid_utf8(path)
    if found is None:
        return StructuralError(path.name, "not valid UTF-8")
    offset, line = found
    return StructuralError(path.name, f"not valid UTF-8 at byte offset {offset} (line {line})")


def first_invalid_utf8(path: Path) -> tuple[int, int] | None:
    """(byte offset, 1-based line) of the first byte that is not valid UTF-8, or None."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    consumed = 0  # bytes handed to the decoder so far
    newlines = 0  # newlines in those bytes
    with path.open("rb") as fh:
        while True:
            chunk = fh.read(_SCAN_CHUNK)
            final = not chunk
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(chunk, final=final)
            except UnicodeDecodeError as exc:
                # exc.start indexes the decoder's pending bytes followed by this chunk
                offset = consumed - pending + exc.start
                in_chunk = max(offset - consumed, 0)
                line = newlines + chunk[:in_chunk].count(b"\n") + 1
                if offset < consumed:  # the bad sequence began in the previous chunk
                    line = newlines + 1
                return offset, line
            if final:
                return None
            consumed += len(chunk)
            newlines += chunk.count(b"\n")


# --- row numbers: file lines --------------------------------------------------------------------

# What ends a line, for pyarrow's reader, Python's csv module and a text editor alike: \n, \r\n
# or a lone \r.
_TERMINATOR = re.compile(r"\r\n|\r|\n")
# Bytes that are not blank: anything but space, tab, vertical tab, form feed, \r and \n.
_SOLID = np.ones(256, dtype=bool)
_SOLID[[9, 10, 11, 12, 13, 32]] = False


def data_rows(path: Path, arrow: pa.Table, header_lines: int = 1) -> np.ndarray:
    """Each row's data row number: its first file line minus one (``header_lines`` is how many
    lines the header takes, 1 unless a quoted name spans lines).

    Vectorised, no loop over rows. The usual file (one row per line, blank lines only at the
    end) costs one count of its line ends. Otherwise each row's embedded line ends are counted
    in its values (numpy over the Arrow buffers); if they account for every line, rows follow on from each other.
    Else blank lines lie between rows: the file's non-blank lines are found (numpy, in chunks)
    and each row's first line is the next non-blank line not taken by the rows before it (a
    value's own blank lines, between two line ends inside it, are known from its text).
    Should those counts ever disagree with the rows read (a line of only non-ASCII spaces,
    which the reader skips), the lines are found row by row with the csv module instead.
    """
    n = arrow.num_rows
    first = header_lines + 1  # the first data row's line, when no blank line comes before
    lines = content_lines(path)
    if lines is not None and lines == header_lines + n:
        return np.arange(first - 1, first - 1 + n, dtype="int64")
    embedded, blank_inside = _line_ends_in_values(arrow)
    taken = 1 + embedded  # lines each row takes
    offsets = np.concatenate(([0], np.cumsum(taken)[:-1])).astype("int64") if n else taken
    if lines is not None and lines == header_lines + int(taken.sum()):
        return first - 1 + offsets
    nonblank = _nonblank_lines(path)
    nonblank = nonblank[nonblank >= first]
    counted = 1 + embedded - blank_inside  # non-blank lines each row takes
    if len(nonblank) == int(counted.sum()):
        at = np.concatenate(([0], np.cumsum(counted)[:-1])).astype("int64") if n else counted
        return nonblank[at] - 1
    logger.warning("%s: line numbers found row by row (slow): unusual blank lines", path.name)
    found = _rows_by_csv_module(path)
    if len(found) == n:
        return found
    logger.warning("%s: row numbers count rows, not file lines", path.name)
    return np.arange(1, n + 1, dtype="int64")


def content_lines(path: Path) -> int | None:
    """The number of the file's last line holding anything but blanks (1-based; line ends
    as in ``_line_ends``); None if the file ends in more than ``_SCAN_CHUNK`` blank bytes.
    Bytes, numpy: for text whose line ends are single bytes (UTF-8, Latin-1), not UTF-16."""
    ends = 0
    with path.open("rb") as fh:
        previous = b""
        while chunk := fh.read(_SCAN_CHUNK):
            ends += _count_line_ends(np.frombuffer(chunk, dtype=np.uint8), previous == b"\r")
            previous = chunk[-1:]
        size = fh.tell()
        fh.seek(max(0, size - _SCAN_CHUNK))
        tail = fh.read()
    kept = tail.rstrip(b" \t\r\n\x0b\x0c")
    if not kept and size > len(tail):
        return None
    trailing = np.frombuffer(tail[len(kept) :], dtype=np.uint8)
    return ends - _count_line_ends(trailing, kept.endswith(b"\r")) + 1


def _count_line_ends(data: np.ndarray, after_cr: bool = False) -> int:
    """Line ends in ``data``: each \n, and each \r not followed by \n (the \r of a \r\n
    split from its \n by the chunk boundary is counted by the chunk holding it; ``after_cr``:
    the previous chunk ended in \r, so a leading \n is that line end's second byte)."""
    lf = int(np.count_nonzero(data == 10))
    cr = data == 13
    crs = int(np.count_nonzero(cr))
    pairs = int(np.count_nonzero(cr[:-1] & (data[1:] == 10))) if crs else 0
    return lf + crs - pairs - int(after_cr and len(data) > 0 and data[0] == 10)


def _line_ends(data: np.ndarray, value_ends: np.ndarray | None = None) -> np.ndarray:
    """Positions in ``data`` of its line ends: each \n, and each \r not followed by \n
    within the same value (``value_ends``: the last byte of each value, where a \r ends)."""
    lf = data == 10
    cr = data == 13
    lone_cr = cr.copy()
    lone_cr[:-1] &= ~lf[1:]
    if value_ends is not None and len(value_ends):
        lone_cr[value_ends] = cr[value_ends]
    return np.flatnonzero(lf | lone_cr)


def _line_ends_in_values(arrow: pa.Table) -> tuple[np.ndarray, np.ndarray]:
    """Per row: line ends inside its values (quoted values spanning lines), and how many of
    the lines they start are blank (only blanks between two line ends in one value; the last
    line of a value ends with its closing quote, so is never blank). Numpy over each text
    column's Arrow buffers."""
    n = arrow.num_rows
    embedded = np.zeros(n, dtype="int64")
    blank = np.zeros(n, dtype="int64")
    for column in arrow.columns:
        at = 0
        for chunk in column.chunks:
            e, b = _chunk_line_ends(chunk)
            embedded[at : at + len(chunk)] += e
            blank[at : at + len(chunk)] += b
            at += len(chunk)
    return embedded, blank


def _chunk_line_ends(chunk: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    m = len(chunk)
    none = np.zeros(m, dtype="int64")
    _, offsets_buffer, data_buffer = chunk.buffers()
    if m == 0 or data_buffer is None:
        return none, none
    width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
    offsets = np.frombuffer(offsets_buffer, dtype=width)[chunk.offset : chunk.offset + m + 1]
    offsets = offsets.astype(np.int64)
    data = np.frombuffer(data_buffer, dtype=np.uint8)[offsets[0] : offsets[-1]]
    offsets -= offsets[0]
    if not len(data) or not (np.any(data == 10) or np.any(data == 13)):
        return none, none
    filled = offsets[1:] > offsets[:-1]
    ends = _line_ends(data, offsets[1:][filled] - 1)
    rows = np.searchsorted(offsets, ends, side="right") - 1
    embedded = np.bincount(rows, minlength=m)
    # a blank line inside a value: only blank bytes between two line ends of that value
    same = rows[1:] == rows[:-1]
    start, stop = ends[:-1][same] + 1, ends[1:][same]
    solid = np.zeros(len(start), dtype=bool)
    spans = start < stop
    if spans.any():
        bounds = np.empty(2 * int(spans.sum()), dtype=np.int64)
        bounds[0::2], bounds[1::2] = start[spans], stop[spans]
        reduced = np.maximum.reduceat(_SOLID[data].view(np.uint8), bounds)[0::2]
        solid[spans] = reduced.astype(bool)
    blank = np.bincount(rows[1:][same][~solid], minlength=m)
    return embedded, blank


def _nonblank_lines(path: Path) -> np.ndarray:
    """1-based numbers of the file's lines holding anything but blanks (numpy over the
    bytes, ``_SCAN_CHUNK`` at a time)."""
    data = np.memmap(path, dtype=np.uint8, mode="r")
    flags: list[np.ndarray] = []
    carry = False  # the line running on from the previous chunk has a non-blank byte
    for start in range(0, len(data), _SCAN_CHUNK):
        chunk = np.asarray(data[start : start + _SCAN_CHUNK + 1])  # one byte ahead for \r\n
        ends = _line_ends(chunk)
        ends = ends[ends < min(_SCAN_CHUNK, len(data) - start)]
        solid = _SOLID[chunk[:_SCAN_CHUNK]]
        if not len(ends):
            carry = carry or bool(solid.any())
            continue
        starts = np.concatenate(([0], ends[:-1] + 1))
        ended = solid[: ends[-1] + 1].view(np.uint8)  # what follows is the next line's
        line_solid = np.maximum.reduceat(ended, starts).astype(bool)
        line_solid[0] |= carry
        flags.append(line_solid)
        carry = bool(solid[ends[-1] + 1 :].any())
    flags.append(np.array([carry]))  # the last line, ended by the end of the file
    return np.flatnonzero(np.concatenate(flags)).astype("int64") + 1


def _rows_by_csv_module(path: Path) -> np.ndarray:
    """Each row's first line minus one, row by row (the reader's skip rule for blank lines)."""
    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        firsts = [first for first, _, row in _csv_records(fh) if row is not None]
    return np.asarray(firsts, dtype="int64") - 1


# --- Parquet -----------------------------------------------------------------------------------


def _read_parquet(path: Path) -> pa.Table:
    try:
        arrow = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise StructuralError(
            path.name, f"unreadable or corrupt Parquet ({type(exc).__name__})"
        ) from None
    header = list(arrow.column_names)
    _check_header(header, path.name)
    columns = []
    for name, column in zip(header, arrow.columns, strict=True):
        try:
            columns.append(pc.cast(_midnight_as_date(column), pa.string()))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            raise StructuralError(
                path.name, f"column {name.strip()!r} cannot be read as text"
            ) from None
    return pa.Table.from_arrays(columns, names=header)


def _midnight_as_date(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """A timestamp column whose every value is at midnight as dates, so it reads as
    ``YYYY-MM-DD`` (what pandas writes for a datetime64 date column); any other column as is."""
    if not pa.types.is_timestamp(column.type):
        return column
    try:
        dates = pc.cast(column, pa.date32())  # drops any time of day
        at_midnight = pc.all(pc.equal(pc.cast(dates, column.type), column)).as_py()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return column
    return dates if at_midnight in (True, None) else column  # None: every value is null


# --- shared ------------------------------------------------------------------------------------


def _select_columns(arrow: pa.Table, table: Table, file: str) -> pa.Table:
    """Keep the contract's columns in contract order; a missing one is a StructuralError."""
    by_name = {name.strip(): i for i, name in enumerate(arrow.column_names)}
    missing = [c for c in table.column_names if c not in by_name]
    if missing:
        # Only contract names are reported: a file without a header would otherwise echo its
        # first data row as "column names".
        hint = _missing_columns_hint(list(arrow.column_names), missing)
        raise StructuralError(file, f"required column(s) missing: {', '.join(missing)}{hint}")
    for extra in (n for n in by_name if n not in set(table.column_names)):
        logger.warning("%s: dropping unexpected column %r", file, extra[:60])
    return pa.Table.from_arrays(
        [arrow.column(by_name[c]) for c in table.column_names], names=table.column_names
    )


def _missing_columns_hint(header: list[str], missing: list[str]) -> str:
    """Why contract columns may look missing: a header in another case (names are matched
    exactly: the contract's are lower case), or a file split on another delimiter than ','.
    Names only contract columns and the delimiter, never the header's text."""
    if len(header) == 1:
        for delimiter, called in _OTHER_DELIMITERS.items():
            if delimiter in header[0]:
                return f" (the header is one column holding {called}: save the file with ',')"
    folded = {name.strip().lower() for name in header}
    other_case = [c for c in missing if c in folded]
    if other_case:
        return f" ({', '.join(other_case)} present in another case: column names are lower case)"
    return ""


# What is stripped from both ends of every value: whitespace (Python's, a no-break space
# too) and characters that show as nothing: NUL (a fixed-width database export pads with
# it), zero-width spaces and joiners, the word joiner and U+FEFF (a byte order mark left
# inside a file by joining two, or pasted with a value). An id "S000001" followed by a
# zero-width space looks right in every editor yet fails id_format; a unit "CID" padded
# with NULs would be a second unit in every count by unit.
_PADDING = "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace()) + (
    "\x00\u200b\u200c\u200d\u2060\ufeff"
)


def _clean_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Strip surrounding whitespace and invisible padding (``_PADDING``); an empty string
    becomes null."""
    trimmed = pc.utf8_trim(column, characters=_PADDING)
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)


def _to_text_frame(arrow: pa.Table) -> pd.DataFrame:
    data = {
        name: pd.Series(
            pd.array(_clean_text(arrow.column(name)), dtype=_STRING), copy=False, name=name
        )
        for name in arrow.column_names
    }
    frame = pd.DataFrame(data)
    frame.index = pd.RangeIndex(len(frame))
    return frame
