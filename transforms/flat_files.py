"""Reading the flat files ``sweep link`` is given: one side's person extract (CSV or
Parquet, its columns named by the mapping) or a truth or labels file of id pairs.

A file's kind is told by its name or its first bytes (Parquet without its suffix is read; a
workbook is refused with what to do). A CSV is read as text in the mapping's encoding;
Windows-1252, which DuckDB cannot read, through a UTF-8 copy. Every problem raises
:class:`LinkInputError` (or the mapping's :class:`MappingError`) naming the file, and the
line where there is one, never quoting the file's contents: a row whose fields do not line
up with the header is found by reading the file through once, only when DuckDB failed.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import duckdb
import pandas as pd

from transforms.load import content_lines, csv_records
from transforms.mapping import (
    FOOTER_MAX_LINES,
    Locate,
    Mapping,
    MappingError,
    SideMapping,
    SideStats,
    build_source_views,
    check_columns,
    check_types,
    footer_kind_sql,
    literal,
    quote,
    trailing_footer,
)

PARQUET_SUFFIXES = (".parquet", ".pq")
_T = TypeVar("_T")


class LinkInputError(ValueError):
    """A data file that cannot be linked (missing, empty, unreadable): names the file."""


# The first bytes of a file tell Parquet, a workbook and UTF-16 apart from a CSV.
_HEAD_BYTES = 4096


@functools.lru_cache(maxsize=64)
def _read_head(path: str, version: tuple[int, ...]) -> bytes:
    """The first :data:`_HEAD_BYTES` of ``path`` as it is at ``version`` (``_head``)."""
    with open(path, "rb") as f:
        return f.read(_HEAD_BYTES)


def _head(path: Path) -> bytes:
    """The first bytes of ``path``, read once for each version of the file: is_parquet is
    asked of one file at every step of reading it (each read of it, each message about it),
    and each asked by opening it again. A version is the file's device, inode, size and
    change times: a file replaced or rewritten is read again. Raises OSError as open does."""
    st = Path(path).stat()
    version = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    return _read_head(str(path), version)


def is_parquet(path: Path) -> bool:
    """Whether ``path`` is Parquet: by its name, or by its first bytes (a Parquet file saved
    without the suffix, or as .csv)."""
    path = Path(path)
    if path.suffix.lower() in PARQUET_SUFFIXES:
        return True
    try:
        return _head(path).startswith(b"PAR1")
    except OSError:
        return False


def _not_csv(path: Path) -> str | None:
    """Why a file that is not Parquet is not a CSV either, from its first bytes, or None."""
    head = _head(path)
    if head.startswith(b"PK\x03\x04"):
        return f"{path}: is a zip archive (an Excel workbook is one): unzip it, or export the sheet as CSV"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return f"{path}: is an old Excel (.xls) or other Office file: export the sheet as CSV"
    return None


def _reader(path: Path, encoding: str = "utf-8", header: bool = True) -> str:
    """SQL table function reading ``path`` (CSV: every column as text, in ``encoding``, its
    first line the header unless ``header`` is False)."""
    lit = literal(str(path))
    if is_parquet(path):
        return f"read_parquet({lit})"
    return (
        f"read_csv({lit}, header = {str(header).lower()}, all_varchar = true, "
        f"encoding = '{encoding}')"
    )


def _safe_reason(exc: duckdb.Error, key: str) -> str:
    """A DuckDB reading error without any data from the file (only a line number if given),
    and for text in another encoding, the mapping ``key`` that says which."""
    text = str(exc)
    line = re.search(r"[Ll]ine:? (\d+)", text)
    where = f" near line {line.group(1)}" if line else ""
    hint = ""
    if "Invalid unicode" in text or "not utf-8 encoded" in text:
        hint = (
            f": its text is not in the expected encoding; set {key} in the mapping "
            "(utf-8, utf-16, latin-1 or cp1252)"
        )
    elif "not latin-1 encoded" in text:
        hint = (
            ": it holds characters Latin-1 does not have, as a file Excel saves on Windows "
            f'does; set {key} = "cp1252" in the mapping'
        )
    return f"{type(exc).__name__}{where}{hint}"


# A header is split on whichever of these it holds most (DuckDB's sniffer tries the same).
_DELIMITERS = ",;|\t"


def _utf16_hint(path: Path, encoding: str, key: str) -> str | None:
    """Why a CSV read as ``encoding`` is really UTF-16 (a byte order mark, or a NUL byte in
    every other place, as Excel and Windows tools write it), or None."""
    if encoding == "utf-16":
        return None
    head = _head(path)
    if head.startswith(b"\x1f\x8b"):  # gzip: DuckDB reads it, and its bytes are no text
        return None
    nuls = head.count(0)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(head) >= 8 and nuls * 3 > len(head)):
        return f'{path}: the file is UTF-16 text; set {key} = "utf-16" in the mapping'
    return None


# A CSV's last lines with fewer fields than its header, after its last full row, are taken
# for a footer ("TOTAL,600", "*** END OF REPORT ***") when there are at most FOOTER_MAX_LINES
# (as for a footer as wide as the header, in ``mapping``): counted and left out, with a
# warning naming the line. More of them, or such a line before a full row, is a row that
# does not line up: an error naming it.


@dataclasses.dataclass(frozen=True)
class CsvShape:
    """What reading a CSV through with the csv module found (only done when DuckDB failed):
    file lines, never values."""

    width: int  # fields in the header
    ragged: tuple[int, int, int] | None = None  # (first line, last line, fields): a row not
    # lining up with the header, a footer aside
    footer: tuple[int, int, int] | None = None  # (first line, lines, fields of the first)
    spaced_lines: int = 0  # 1: a line of only spaces or tabs, which DuckDB's sniffer cannot
    # read (looked for only where no footer or ragged row was found)


class _Mendable(Exception):
    """Raised on the way to an error about a side's CSV whose only faults are lines of only
    spaces and a footer: :func:`read_side` catches it and reads a copy without them."""

    def __init__(self, shape: CsvShape) -> None:
        super().__init__("mendable")
        self.shape = shape


def _python_encoding(encoding: str) -> str:
    return "utf-8-sig" if encoding == "utf-8" else encoding


def _header_shape(path: Path, python_encoding: str) -> tuple[str, int] | None:
    """(delimiter, fields) of the CSV ``path``'s header: the delimiter it holds most of, as
    DuckDB's sniffer picks it. None if it holds none, or is not text in the encoding."""
    try:
        with path.open(newline="", encoding=python_encoding) as f:
            header = f.readline()
    except (OSError, UnicodeError):
        return None
    delimiter = max(_DELIMITERS, key=header.count)
    if not header.count(delimiter):
        return None
    return delimiter, len(next(csv.reader([header], delimiter=delimiter)))


def _scan_csv(path: Path, encoding: str) -> CsvShape | None:
    """Read the CSV ``path`` through once with the csv module (the nightly loader's reader,
    :func:`~transforms.load.csv_records`), in the delimiter its header holds most of: the
    first row whose fields do not line up with the header (a delimiter missing or extra, a
    quote left open), else its footer (:data:`FOOTER_MAX_LINES`) and lines of only spaces.
    None if it cannot be read so (no delimiter in the header, not text in ``encoding``)."""
    python_encoding = _python_encoding(encoding)
    found = _header_shape(path, python_encoding)
    if found is None:
        return None
    delimiter, width = found
    # the rows not lining up with the header since the last one that does
    pending: list[tuple[int, int, list[str] | None]] = []
    try:
        for first, last, row in csv_records(path, python_encoding, delimiter):
            if row is not None and len(row) == width:
                if pending:  # a full row after it: no footer
                    f0, l0, r0 = pending[0]
                    return CsvShape(width, ragged=(f0, l0, 0 if r0 is None else len(r0)))
                continue
            pending.append((first, last, row))
    except (OSError, UnicodeDecodeError):
        return None
    if not pending:  # lines of only spaces are all that is left to find: is there one?
        return CsvShape(width, spaced_lines=_any_spaced_line(path, python_encoding))
    f0, l0, r0 = pending[0]
    footer = len(pending) <= FOOTER_MAX_LINES and all(
        row is not None and len(row) < width and first == last for first, last, row in pending
    )
    if footer and r0 is not None:  # mended either way: _mended empties those lines
        return CsvShape(width, footer=(f0, len(pending), len(r0)))
    return CsvShape(width, ragged=(f0, l0, 0 if r0 is None else len(r0)))


def _any_spaced_line(path: Path, python_encoding: str) -> int:
    """1 if the text file ``path`` has a line of only spaces or tabs, else 0 (stops at the
    first)."""
    try:
        with path.open(newline="", encoding=python_encoding) as f:
            for line in f:
                body = line.rstrip("\r\n")
                if body and not body.strip(" \t"):
                    return 1
    except (OSError, UnicodeDecodeError):
        pass
    return 0


def _ragged_message(path: Path, width: int, found: tuple[int, int, int]) -> str:
    first, last, fields = found
    where = f"line {first}" if last == first else f"the row at lines {first}-{last}"
    return (
        f"{path}: {where} has {fields} fields where the header has {width} (a delimiter "
        "missing or extra, or a quote left open); mend or remove that line"
    )


def _ragged_row(path: Path, encoding: str, mend: bool = False) -> str | None:
    """Why DuckDB could not read the CSV ``path``, from reading it through (:func:`_scan_csv`):
    a line whose fields do not line up with the header, or None. DuckDB's sniffer meets such
    a row as a file it cannot parse, or as one column named by the whole header: either way
    the user needs the line number, never its text. With ``mend`` (a side's file), a file
    whose only faults are a footer and lines of only spaces raises :class:`_Mendable`
    instead; else a footer is named as any such line is."""
    shape = _scan_csv(path, encoding)
    if shape is None:
        return None
    if shape.ragged:
        return _ragged_message(path, shape.width, shape.ragged)
    if mend and (shape.footer or shape.spaced_lines):
        raise _Mendable(shape)
    if shape.footer:
        first, _, fields = shape.footer
        return _ragged_message(path, shape.width, (first, first, fields))
    return None


def record_locator(path: Path, encoding: str) -> Locate:
    """Where the ``n``th of the ``records`` rows DuckDB read from ``path`` is, as a user finds
    it: in a CSV, "line L", its first file line (the header is line 1; blank lines and the
    lines of a quoted value spanning several count, as in a text editor and in the nightly
    loader's messages, whose data row number is L - 1); in Parquet, "row n". DuckDB skips
    blank lines, so its row numbers are not the file's. Only run for a message: when every
    record is one line with no blank line between (the file's lines with content are the
    header and the records, a count of line ends), L is n + 1; else the file is read through
    to that row with the nightly loader's reader, which skips the lines DuckDB skips."""
    path = Path(path)
    if is_parquet(path):
        return lambda n, records: f"row {n:,}"

    def locate(n: int, records: int) -> str:
        if encoding != "utf-16" and content_lines(path) == records + 1:
            return f"line {n + 1:,}"
        python_encoding = _python_encoding(encoding)
        found = _header_shape(path, python_encoding)
        if found is not None:
            try:
                for seen, (first, _, _) in enumerate(
                    csv_records(path, python_encoding, found[0]), 1
                ):
                    if seen == n:
                        return f"line {first:,}"
            except (OSError, UnicodeError):
                pass
        return f"data row {n:,}"  # not found so: DuckDB's count, as said

    return locate


@contextmanager
def _mended(
    con: duckdb.DuckDBPyConnection, path: Path, encoding: str, shape: CsvShape
) -> Iterator[Path]:
    """A UTF-8 copy of the CSV ``path`` beside the working database, its lines of only spaces
    emptied (DuckDB skips an empty line, as the nightly loader skips both) and its footer
    cut off: every line it keeps is on the line it was."""
    spill = con.execute("SELECT current_setting('temp_directory')").fetchone()[0]
    folder = Path(tempfile.mkdtemp(prefix="mended-", dir=Path(spill).parent))
    copy = folder / path.name
    stop = shape.footer[0] if shape.footer else None
    try:
        with (
            path.open(encoding=_python_encoding(encoding), newline="") as src,
            copy.open("w", encoding="utf-8", newline="") as dst,
        ):
            for number, line in enumerate(src, 1):
                if number == stop:
                    break
                body = line.rstrip("\r\n")
                dst.write(line[len(body) :] if body and not body.strip(" \t") else line)
        yield copy
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _bad_read(
    exc: duckdb.Error, path: Path, encoding: str, section: str, mend: bool = False
) -> str:
    """The message for a file DuckDB failed to read past its sniffing: the ragged line if
    that is what it met, else DuckDB's reason without any data."""
    is_csv = not is_parquet(path)
    ragged = _ragged_row(path, encoding, mend) if is_csv else None
    return ragged or f"{path}: cannot read ({_safe_reason(exc, f'[{section}].encoding')})"


def describe_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    encoding: str = "utf-8",
    section: str = "truth",
    mend: bool = False,
) -> dict[str, str]:
    """Column name -> DuckDB type of a data file; a problem with the file raises
    LinkInputError naming it (never quoting its contents) and, for a CSV in another
    encoding, the mapping key ``[section].encoding`` to set. ``mend``: as for
    :func:`_ragged_row`."""
    path = Path(path)
    key = f"[{section}].encoding"
    if not path.is_file():
        raise LinkInputError(f"{path}: file not found")
    if path.stat().st_size == 0:
        raise LinkInputError(f"{path}: file is empty (0 bytes)")
    is_csv = not is_parquet(path)
    if is_csv and (hint := _not_csv(path) or _utf16_hint(path, encoding, key)):
        raise LinkInputError(hint)
    try:
        rows = con.execute(f"DESCRIBE SELECT * FROM {_reader(path, encoding)}").fetchall()
    except duckdb.Error as exc:
        if is_csv and (ragged := _ragged_row(path, encoding, mend)):
            raise LinkInputError(ragged) from None
        kind = "CSV" if is_csv else "Parquet"
        raise LinkInputError(f"{path}: cannot read as {kind} ({_safe_reason(exc, key)})") from None
    if is_csv and len(rows) == 1 and any(d in rows[0][0] for d in _DELIMITERS):
        # one column named by a whole header: the sniffer gave up on the delimiter
        raise LinkInputError(
            _ragged_row(path, encoding, mend)
            or f"{path}: read as one column: its delimiter could not be told from its rows"
        )
    return {r[0]: r[1] for r in rows}


@contextmanager
def _readable(
    con: duckdb.DuckDBPyConnection, path: Path, encoding: str
) -> Iterator[tuple[Path, str]]:
    """(path, encoding) DuckDB can read. A CSV in Windows-1252 is first written out as UTF-8
    beside the working database (streamed; DuckDB has no Windows-1252 without an extension
    to download); any message about the copy names ``path``, the user's file, whose lines
    are the copy's."""
    path = Path(path)
    if encoding != "cp1252" or is_parquet(path):
        yield path, encoding
        return
    spill = con.execute("SELECT current_setting('temp_directory')").fetchone()[0]
    folder = Path(tempfile.mkdtemp(prefix="text-", dir=Path(spill).parent))
    copy = folder / path.name
    try:
        try:
            with (
                path.open(encoding="cp1252", newline="") as src,
                copy.open("w", encoding="utf-8", newline="") as dst,
            ):
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
        except UnicodeDecodeError:
            raise LinkInputError(
                f"{path}: not Windows-1252 text (a byte it does not define); check the "
                "file's encoding"
            ) from None
        except FileNotFoundError:
            raise LinkInputError(f"{path}: file not found") from None
        try:
            yield copy, "utf-8"
        except (LinkInputError, MappingError) as exc:
            raise type(exc)(str(exc).replace(str(copy), str(path))) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# How much of a CSV's end is read for a footer before DuckDB reads the file.
_TAIL_BYTES = 64 * 1024
_LINE_END = re.compile(r"\r\n|\r|\n")


def _tail_footer(path: Path, encoding: str) -> CsvShape | None:
    """The footer of the CSV ``path`` told from its last bytes, or None: lines after its last
    row as wide as the header, each with fewer fields and no quote (so none is part of a
    value a line before left open), at most
    :data:`FOOTER_MAX_LINES`. Found so, the file is mended before DuckDB reads it: a footer
    past DuckDB's sample otherwise fails its read only at the end, and the file was then
    read through once more to find why (at 1M rows, 4 to 5 s before the read that counts).
    Lines are numbered back from the file's last line with content (a count of line ends);
    any other fault is found as before, in the copy, whose lines are the file's. None too
    where that cannot be told so (UTF-16, no delimiter, a quote or wide line at the end)."""
    if encoding == "utf-16" or is_parquet(path):
        return None
    python_encoding = _python_encoding(encoding)
    found = _header_shape(path, python_encoding)
    if found is None:
        return None
    delimiter, width = found
    with path.open("rb") as f:
        size = f.seek(0, 2)
        f.seek(max(0, size - _TAIL_BYTES))
        tail = f.read().rstrip(b" \t\r\n\x0b\x0c")
    lines = _LINE_END.split(tail.decode(python_encoding, errors="replace"))[1:]  # whole lines
    footer: list[tuple[int, int]] = []  # (lines back from the last, fields)
    for back, line in enumerate(reversed(lines)):
        if not line.strip(" \t"):
            continue
        fields = len(next(csv.reader([line], delimiter=delimiter)))
        # (no quote in a footer line: none closes a value that a line before left open)
        if fields == width and footer and len(footer) <= FOOTER_MAX_LINES:
            last = content_lines(path)
            if last is None:
                return None
            back0, fields0 = footer[-1]
            return CsvShape(width, footer=(last - back0, len(footer), fields0))
        if not 0 < fields < width or '"' in line:
            return None
        footer.append((back, fields))
    return None


def _read_mending(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    encoding: str,
    read: Callable[[Path, str, bool], _T],
) -> tuple[_T, CsvShape | None]:
    """``read(path, encoding, mend)``, and the shape found if it had to be mended: a CSV
    that DuckDB cannot read only for lines of only spaces or a footer (lines with fewer
    fields than the header after the last row, :class:`_Mendable`) is read again from a
    copy without them (:func:`_mended`), in UTF-8; a message about the copy names
    ``path``. A footer told from the file's end (:func:`_tail_footer`) is mended before
    the first read. For a side's file and a truth or labels file alike."""
    shape = _tail_footer(path, encoding)
    if shape is None:
        try:
            return read(path, encoding, True), None
        except _Mendable as found:
            shape = found.shape
    with _mended(con, path, encoding, shape) as copy:
        try:
            return read(copy, "utf-8", False), shape
        except (LinkInputError, MappingError) as exc:
            raise type(exc)(str(exc).replace(str(copy), str(path))) from None


def read_side(
    con: duckdb.DuckDBPyConnection, path: Path, mapping: Mapping, side_name: str
) -> SideStats:
    """Read the mapped columns of one side's file into DuckDB and build its source views. A
    CSV that DuckDB cannot read only for lines of only spaces or a footer is read from a
    copy without them (:func:`_read_mending`): the footer lines are counted in the stats,
    for the run to warn."""
    with _readable(con, Path(path), mapping.side(side_name).encoding) as (readable, encoding):
        side = mapping.side(side_name)

        def read(file: Path, text: str, mend: bool) -> SideStats:
            mapped = dataclasses.replace(side, encoding=text)
            return _read_side(con, file, mapped, mapping.source, side_name, mend)

        stats, shape = _read_mending(con, readable, encoding, read)
        if shape is not None and shape.footer:
            first, lines, fields = shape.footer
            stats = dataclasses.replace(
                stats,
                footer_lines=lines,
                first_footer_line=first,
                footer_fields=fields,
                header_fields=shape.width,
            )
        return stats


def _read_side(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    side: SideMapping,
    source: str,
    side_name: str,
    mend: bool = False,
) -> SideStats:
    types = describe_file(con, path, side.encoding, side_name, mend)
    wanted = {c for cols in side.mapped().values() for c in cols}
    # A row with an extra field among the first ones makes DuckDB's sniffer skip the header
    # and take a data row for it: the ragged row is the fault to name.
    if (
        not wanted <= set(types)
        and not is_parquet(Path(path))
        and (ragged := _ragged_row(Path(path), side.encoding, mend))
    ):
        raise LinkInputError(ragged)
    check_columns(side, list(types), side_name, str(path), source)
    check_types(side, types, side_name, str(path), source)
    try:
        stats = build_source_views(
            con,
            side_name,
            side,
            _reader(path, side.encoding),
            str(path),
            locate=record_locator(path, side.encoding),
        )
    except duckdb.Error as exc:  # a bad row past the sniffer's sample
        raise LinkInputError(_bad_read(exc, path, side.encoding, side_name, mend)) from None
    if stats.rows == 0:
        raise LinkInputError(f"{path}: no data rows")
    return stats


@dataclasses.dataclass(frozen=True)
class TruthPairs:
    """A truth or labels file read: its distinct pairs, the columns they came from, and
    (for a file with no header line) what to tell the user."""

    pairs: pd.DataFrame  # l_id, r_id as text
    columns: tuple[str, str]
    header_note: str = ""  # "": the file's first line was its header
    # lines at the end with fewer fields than the header, left out: (first line, lines,
    # fields of the first) as CsvShape.footer, and the header's fields
    short_footer: tuple[int, int, int] | None = None
    header_fields: int = 0
    # rows at the end as wide as the header that are a total line ("TOTAL,600"), left out
    footer_rows: int = 0
    first_footer_at: str = ""
    # rows (before any footer) with one id or both empty: no pair, left out and counted
    empty_id_rows: int = 0
    first_empty_id_at: str = ""


def read_truth(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    mapping: Mapping,
    ids: tuple[str, str] | None = None,
) -> TruthPairs:
    """True pairs (a --truth or --labels file) as ``(l_id, r_id)`` text, distinct. Columns:
    [truth] in the mapping, else the mapping's id column names if the file has both, else of
    more than two columns the two holding the left and the right ids (by values, else names:
    :func:`_truth_columns`), else its two columns. ``ids``: tables (``key``: a file's id) of the left and right people;
    given them, a CSV whose first line holds an id of each side (either way round) has no
    header, and that line is read as a pair, and a total line at the end ("TOTAL,600") is
    left out and counted (:func:`_truth_footer`). Lines of only spaces and a short footer
    are mended as in a side's file (:func:`_read_mending`)."""
    with _readable(con, Path(path), mapping.truth.encoding) as (readable, encoding):

        def read(file: Path, text: str, mend: bool) -> TruthPairs:
            return _read_truth(con, file, text, mapping, ids, Path(path).name, mend)

        pairs, shape = _read_mending(con, readable, encoding, read)
    if shape is not None and shape.footer:
        pairs = dataclasses.replace(pairs, short_footer=shape.footer, header_fields=shape.width)
    return pairs


def _first_line_is_a_pair(
    con: duckdb.DuckDBPyConnection, path: Path, encoding: str, ids: tuple[str, str]
) -> bool:
    """Whether the first line of the CSV ``path`` holds an id of each side in its first two
    fields (the file's "header" is a pair): read as data, not as DuckDB's column names,
    which it may have changed (two alike, or empty)."""
    reader = _reader(path, encoding, header=False)
    first = con.execute(f"SELECT * FROM {reader} LIMIT 1").fetchall()
    if not first or len(first[0]) < 2:
        return False
    a, b = (str(v).strip() if v is not None else None for v in first[0][:2])
    left, right = ids
    return bool(
        con.execute(
            f"SELECT (EXISTS (SELECT 1 FROM {left} WHERE key = $a) "
            f"AND EXISTS (SELECT 1 FROM {right} WHERE key = $b)) "
            f"OR (EXISTS (SELECT 1 FROM {left} WHERE key = $b) "
            f"AND EXISTS (SELECT 1 FROM {right} WHERE key = $a))",
            {"a": a, "b": b},
        ).fetchone()[0]
    )


# Column names that say which side's ids a truth file's column holds ("left_id", "id_l",
# "staff_ref"...: the words as parts of the name, between underscores, spaces or hyphens).
_LEFT_WORDS = frozenset({"left", "l", "a", "source", "src", "from"})
_RIGHT_WORDS = frozenset({"right", "r", "b", "target", "tgt", "to", "matched"})


def _truth_columns(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    encoding: str,
    names: list[str],
    mapping: Mapping,
    ids: tuple[str, str] | None,
    mend: bool = False,
) -> tuple[str, str]:
    """The left and right id columns of a truth file with more than two columns ("pair_no,
    left_id, right_id, score"), with no [truth] keys and no columns named as the mapping's
    ids: by their values, the column holding the most left ids and the one holding the most
    right ids (``ids``: the people's tables), if each leads alone and they differ; else by
    their names (one left-like, one right-like). Neither: LinkInputError asking for the keys."""
    if ids is not None:
        left, right = ids
        reader = _reader(Path(path), encoding)
        query = (
            "SELECT "
            + ", ".join(
                f"count(DISTINCT v{i}) FILTER (WHERE v{i} IN (SELECT key FROM {left})), "
                f"count(DISTINCT v{i}) FILTER (WHERE v{i} IN (SELECT key FROM {right}))"
                for i in range(len(names))
            )
            + " FROM (SELECT "
            + ", ".join(f"trim(CAST({quote(c)} AS VARCHAR)) AS v{i}" for i, c in enumerate(names))
            + f" FROM {reader})"
        )
        try:
            counts = con.execute(query).fetchall()[0]
        except duckdb.Error as exc:  # a bad row past the sniffer's sample: never quote it
            raise LinkInputError(_bad_read(exc, Path(path), encoding, "truth", mend)) from None
        in_left, in_right = counts[0::2], counts[1::2]

        def leader(found: tuple[int, ...]) -> int | None:
            best = max(found)
            return found.index(best) if best and found.count(best) == 1 else None

        lc, rc = leader(in_left), leader(in_right)
        if lc is not None and rc is not None and lc != rc:
            return names[lc], names[rc]

    def words(name: str) -> set[str]:
        return set(re.split(r"[^a-z0-9]+", name.lower()))

    lefts = [n for n in names if words(n) & _LEFT_WORDS]
    rights = [n for n in names if words(n) & _RIGHT_WORDS and n not in lefts]
    if len(lefts) == 1 and len(rights) == 1:
        return lefts[0], rights[0]
    raise LinkInputError(
        f"{path}: {len(names)} columns, and which hold the left and right ids cannot be told "
        f"from their values or names: set [truth].left_id and right_id in {mapping.source}"
    )


def _read_truth(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    encoding: str,
    mapping: Mapping,
    ids: tuple[str, str] | None,
    name: str,
    mend: bool = False,
) -> TruthPairs:
    types = describe_file(con, path, encoding, mend=mend)
    names = list(types)
    t = mapping.truth
    reader = _reader(Path(path), encoding)
    note = ""
    if t.left_id or t.right_id:
        cols = (t.left_id or mapping.left.id_name(), t.right_id or mapping.right.id_name())
        for key, col in zip(("left_id", "right_id"), cols, strict=True):
            if col not in types:
                raise MappingError(
                    f"{path}: column {col!r} named by [truth].{key} in {mapping.source} is not "
                    f"in the file (columns: {', '.join(names[:40])})"
                )
    elif (
        mapping.left.id_name() in types
        and mapping.right.id_name() in types
        and mapping.left.id_name() != mapping.right.id_name()  # one column is not a pair
    ):
        cols = (mapping.left.id_name(), mapping.right.id_name())
    elif len(names) > 2:
        cols = _truth_columns(con, path, encoding, names, mapping, ids, mend)
    elif len(names) == 2:
        cols = (names[0], names[1])
        if (
            ids is not None
            and not is_parquet(Path(path))
            and _first_line_is_a_pair(con, Path(path), encoding, ids)
        ):
            reader = _reader(Path(path), encoding, header=False)
            cols = tuple(
                r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()[:2]
            )
            note = f"{name} has no header: its first line holds an id of each file, so it is a pair"
    else:
        raise LinkInputError(f"{path}: a truth file needs two id columns")
    try:  # in file order, for a footer at the end
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _truth_rows AS "
            f"SELECT nullif(trim(CAST({quote(cols[0])} AS VARCHAR)), '') AS l_id, "
            f"nullif(trim(CAST({quote(cols[1])} AS VARCHAR)), '') AS r_id FROM {reader}"
        )
    except duckdb.Error as exc:  # a bad row past the sniffer's sample: never quote it
        raise LinkInputError(_bad_read(exc, Path(path), encoding, "truth", mend)) from None
    footers, first_footer = (0, 0) if ids is None else _truth_footer(con, ids)
    before_footer = f"rowid + 1 < {first_footer}" if footers else "TRUE"
    frame = con.execute(
        "SELECT DISTINCT l_id, r_id FROM _truth_rows "
        f"WHERE l_id IS NOT NULL AND r_id IS NOT NULL AND {before_footer}"
    ).df()
    # a row with an id missing names no pair: counted and told, never lost silently
    records, empty, first_empty = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE (l_id IS NULL OR r_id IS NULL) AND "
        f"{before_footer}), min(rowid + 1) FILTER (WHERE (l_id IS NULL OR r_id IS NULL) AND "
        f"{before_footer}) FROM _truth_rows"
    ).fetchall()[0]
    con.execute("DROP TABLE _truth_rows")
    locate = record_locator(path, encoding)
    # with no header, DuckDB's row n is the (n - 1)th after the first line
    at = locate(first_footer - bool(note), records - bool(note)) if footers else ""
    empty_at = locate(first_empty - bool(note), records - bool(note)) if empty else ""
    if note:  # the columns are named by place, not by the file
        cols = ("1", "2")
    return TruthPairs(
        frame,
        (str(cols[0]), str(cols[1])),
        note,
        footer_rows=footers,
        first_footer_at=at,
        empty_id_rows=int(empty),
        first_empty_id_at=empty_at,
    )


def _truth_footer(con: duckdb.DuckDBPyConnection, ids: tuple[str, str]) -> tuple[int, int]:
    """(rows, 1-based row of the first) of a total line at the end of ``_truth_rows``
    ("TOTAL,600", "Records,"), as :func:`~transforms.mapping.trailing_footer` finds it: one
    id a total's word that is no id of either file (``ids``: their tables), the other empty
    or a number. Such a pair names no one, and would count as a true pair missed."""
    left, right = ids
    known = f"(SELECT key FROM {left} UNION ALL SELECT key FROM {right})"

    def total(word: str, other: str) -> str:
        return (
            f"({footer_kind_sql(word)} = 1 AND {footer_kind_sql(other)} IN (0, 2) "
            f"AND {word} NOT IN {known})"
        )

    return trailing_footer(
        con,
        "_truth_rows",
        f"{total('l_id', 'r_id')} OR {total('r_id', 'l_id')}",
        "l_id IS NOT NULL OR r_id IS NOT NULL",
    )
