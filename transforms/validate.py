"""Row-level validation: split every table into accepted rows and a quarantine, and reconcile.

Pure functions, no Prefect. Great Expectations 1.x runs the suites from ``expectations`` (one
ephemeral context per process, created once); a few rules GX cannot do cheaply run in pandas and
are named as such:

* ``calendar_date``: a value in YYYY-MM-DD form that is not a real date (2023-02-30). GX's
  ``expect_column_values_to_match_strftime_format`` is a per-row Python ``strptime``.
* ``unique``: GX reports every copy of a duplicated id; here the first copy is kept and the others
  are quarantined as "duplicate of row N".
* ``unknown_parent``: a child row whose parent key is not among the parent table's ACCEPTED rows
  (``validate_extract``; also the ``second_parent`` column of associations).
* ``repeated_header``: a row whose every value is its own column name: the header line again,
  as two exports joined into one file put it mid-file. It is its row's only line (the other
  rules would only say that a column name is no id, date or postcode).

Ids (every ``id`` column of both extracts) are compared by ``id_key``: trimmed (the loader
strips every value) and case-folded, so "S000012" and "s000012" are one id. The uniqueness
rule runs on that key (the derived column ``<column>__key``), and the parent lookup matches
on it: a child key written in another case than its parent's is accepted and rewritten as the
parent row writes it, so every later join on the id (exact, in DuckDB) finds it. Both are
vectorised (Arrow), and the parent lookup folds only when some exact lookup failed.

A vehicle registration is read in canonical form (``canonical_vrm``: upper case, no
whitespace or punctuation, as ``normalise.vrm_sql`` compares it) when that form is one:
"sa 55 fm o" is kept as "SA55FMO"; a value that is no registration either way is left as
written for ``vrm_format`` to quarantine.

A postcode failing ``postcode_format`` only for its spacing ("S1  1AA", the padded 7-character
form some address products write) is read in canonical form (``canonical_postcode``), the
same postcode to ``normalise.postcode_sql``.

A date written with a midnight time ("2024-09-21 00:00:00", as SQL and Excel exports write
one; ``ValidationConfig.date_regex`` allows it) is accepted as that date: the time is dropped
from the accepted value. ``check_quarantine_share`` stops a run whose extract lost more than
``ValidationConfig.max_quarantine_share`` of a table to quarantine (a broken export, not a few
bad rows).

The quarantine has one line per (row, failed rule): source_file, table, row_number, field, rule,
detail, action. ``action`` is ``row_quarantined`` (the row is set aside) or, for a column the
contract marks ``blank_if_invalid`` (collar_number, declared_date), ``value_blanked``: the value is removed and
the row kept, so a cosmetic fault never takes a person out of screening. A row counts as
quarantined when it has at least one ``row_quarantined`` line; rows read = accepted +
quarantined still holds. ``detail`` is built from the contract and configuration only; no data
value ever appears in it, nor in any exception or log message raised here.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

import expectations as ex
from transforms.config import ValidationConfig
from transforms.ids import id_key
from transforms.load import ROW_COLUMN, StructuralError
from transforms.schema import SEX_WORDS, TABLES_BY_NAME, Table

logger = logging.getLogger(__name__)

QUARANTINE_COLUMNS = ["source_file", "table", "row_number", "field", "rule", "detail", "action"]
ROW_QUARANTINED = "row_quarantined"  # the row is set aside
VALUE_BLANKED = "value_blanked"  # the value is removed, the row kept (Column.blank_if_invalid)
COUNT_COLUMNS = [
    "table",
    "source_file",
    "rows_read",
    "rows_accepted",
    "rows_quarantined",
    "reconciled",
]
_TEXT = pd.StringDtype("pyarrow")
_ISO_DATE_LENGTH = len("YYYY-MM-DD")

# COMPLETE for the full unexpected_index_list (pandas index labels of the failing rows), but
# without the failing values themselves (unexpected_list, partial lists and counts) and without
# the index query: results then hold no data values, and are built twice as fast.
RESULT_FORMAT = {
    "result_format": "COMPLETE",
    "partial_unexpected_count": 0,
    "exclude_unexpected_values": True,
    "return_unexpected_index_query": False,
}


class ValidationRunError(RuntimeError):
    """Great Expectations could not evaluate an expectation (a bug or a type problem, not data)."""


class ReconciliationError(RuntimeError):
    """rows_read != rows_accepted + rows_quarantined for some table."""


class QuarantineShareError(StructuralError):
    """A table lost more of its rows to quarantine than ``max_quarantine_share`` allows.

    A structural error (the CLI prints it as one input-error line): the extract, not a few of
    its rows, is wrong, and a run on what is left would count staff as checked.
    """


@dataclass(frozen=True)
class TableValidation:
    table: str
    source_file: str
    accepted: pd.DataFrame  # passing rows: every original column plus _row (values blanked)
    quarantine: pd.DataFrame  # QUARANTINE_COLUMNS, one line per (row, failed rule)
    rows_read: int
    rows_accepted: int
    rows_quarantined: int  # distinct rows with at least one row_quarantined line


@dataclass(frozen=True)
class ExtractValidation:
    tables: dict[str, TableValidation]
    accepted: dict[str, pd.DataFrame]
    quarantine: pd.DataFrame  # all tables, QUARANTINE_COLUMNS
    counts: pd.DataFrame  # COUNT_COLUMNS, one row per table


# --- the Great Expectations context, created once ----------------------------------------------


class _GX:
    """One ephemeral GX context for the process, with a pandas data source and an asset and
    batch definition per table. GX contexts are not thread-safe: every run holds ``lock``."""

    _instance: _GX | None = None
    _create_lock = threading.Lock()

    def __init__(self) -> None:
        import great_expectations as gx
        import great_expectations.execution_engine.pandas_execution_engine as pandas_engine
        from great_expectations.data_context.types.base import ProgressBarsConfig

        # GX fingerprints every pandas batch under 1 GB with hash_pandas_object (about 1 s per
        # 1M rows x 5 text columns, twice per Batch.validate). The fingerprint is only a batch
        # marker; switch it off.
        pandas_engine.HASH_THRESHOLD = 0
        self.gx = gx
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        self.source = self.context.data_sources.add_pandas("sweep")
        self.batches: dict[str, Any] = {}
        self.lock = threading.Lock()

    @classmethod
    def get(cls) -> _GX:
        with cls._create_lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def run(self, table: str, suite: Any, frame: pd.DataFrame) -> list[Any]:
        """Validate ``frame`` against ``suite``; the expectation results, grouped by column.

        The suite runs one column group at a time on a frame of just those columns: GX's pandas
        engine drops the null rows of the expectation's column from the WHOLE frame (a take of
        every column) several times per expectation, so on a wide frame that filtering costs more
        than the checks themselves.
        """
        groups: dict[tuple[str, ...], list[Any]] = {}
        for expectation in suite.expectations:
            kwargs = expectation.configuration.kwargs
            columns = tuple(
                kwargs[k] for k in ("column", "column_A", "column_B") if kwargs.get(k) is not None
            )
            groups.setdefault(columns, []).append(expectation.configuration.to_domain_obj())
        results: list[Any] = []
        with self.lock:
            if table not in self.batches:
                asset = self.source.add_dataframe_asset(name=table)
                self.batches[table] = asset.add_batch_definition_whole_dataframe(f"{table}-whole")
            for columns, expectations in groups.items():
                part = self.gx.ExpectationSuite(
                    name=f"{suite.name}[{','.join(columns)}]", expectations=expectations
                )
                batch = self.batches[table].get_batch(
                    batch_parameters={"dataframe": frame[list(columns)]}
                )
                outcome = batch.validate(part, result_format=RESULT_FORMAT)
                results.extend(outcome.results)
        return results


# --- one table ---------------------------------------------------------------------------------


class _Failures:
    """Collects (positions, field, rule, detail) and builds the quarantine frame at the end.

    A failure on a field of ``blankable`` (the contract's ``blank_if_invalid`` columns) blanks
    that value; any other sets the row aside.
    """

    def __init__(self, blankable: Iterable[str] = ()) -> None:
        self.parts: list[tuple[np.ndarray, str, str, str | np.ndarray]] = []
        self.blankable = frozenset(blankable)

    def add(self, positions: np.ndarray, field: str, rule: str, detail: str | np.ndarray) -> None:
        if len(positions):
            self.parts.append((np.asarray(positions, dtype=np.int64), field, rule, detail))

    def replace_rows(self, rows: np.ndarray, field: str, rule: str, detail: str) -> None:
        """Make (field, rule, detail) the only failure of ``rows`` (a boolean mask by
        position)."""
        self.parts = [
            (p[~rows[p]], f, r, d if isinstance(d, str) else d[~rows[p]])
            for p, f, r, d in self.parts
        ]
        self.parts = [part for part in self.parts if len(part[0])]
        self.add(np.flatnonzero(rows), field, rule, detail)

    def rows_with(self, n: int, rule: str) -> np.ndarray:
        """Rows (a boolean mask by position) with a failure of ``rule``."""
        found = np.zeros(n, dtype=bool)
        for positions, _, r, _ in self.parts:
            if r == rule:
                found[positions] = True
        return found

    def mask(self, n: int, field: str | None = None) -> np.ndarray:
        """Rows (by position) set aside by at least one failure, optionally only on ``field``."""
        bad = np.zeros(n, dtype=bool)
        for positions, f, *_ in self.parts:
            if f not in self.blankable and (field is None or f == field):
                bad[positions] = True
        return bad

    def blanked(self, n: int) -> dict[tuple[str, str], np.ndarray]:
        """(field, rule) -> rows (a boolean mask by position) whose value a failure blanks."""
        out: dict[tuple[str, str], np.ndarray] = {}
        for positions, f, rule, _ in self.parts:
            if f in self.blankable:
                mask = out.setdefault((f, rule), np.zeros(n, dtype=bool))
                mask[positions] = True
        return out

    def frame(self, rows: np.ndarray, table: str, source_file: str) -> pd.DataFrame:
        if not self.parts:
            return empty_quarantine()
        sizes = [len(p) for p, *_ in self.parts]
        pos = np.concatenate([p for p, *_ in self.parts])
        details = np.concatenate(
            [
                np.asarray(d, dtype=object) if isinstance(d, np.ndarray) else np.full(n, d, object)
                for (_, _, _, d), n in zip(self.parts, sizes, strict=True)
            ]
        )
        out = pd.DataFrame(
            {
                "source_file": pd.array(np.full(len(pos), source_file, object), dtype=_TEXT),
                "table": pd.array(np.full(len(pos), table, object), dtype=_TEXT),
                "row_number": rows[pos].astype(np.int64),
                "field": pd.array(np.repeat([f for _, f, _, _ in self.parts], sizes), dtype=_TEXT),
                "rule": pd.array(np.repeat([r for _, _, r, _ in self.parts], sizes), dtype=_TEXT),
                "detail": pd.array(details, dtype=_TEXT),
                "action": pd.array(
                    np.repeat(
                        [
                            VALUE_BLANKED if f in self.blankable else ROW_QUARANTINED
                            for _, f, _, _ in self.parts
                        ],
                        sizes,
                    ),
                    dtype=_TEXT,
                ),
            }
        )
        return out.sort_values(["row_number", "field", "rule"], kind="stable", ignore_index=True)


def empty_quarantine() -> pd.DataFrame:
    return pd.DataFrame(
        {c: pd.Series(dtype="int64" if c == "row_number" else _TEXT) for c in QUARANTINE_COLUMNS}
    )


def _prepare(
    df: pd.DataFrame, table: Table, cfg: ValidationConfig, failures: _Failures
) -> pd.DataFrame:
    """The frame GX sees: the contract's columns plus ``<date column>__day`` for every date
    and ``<id column>__key`` (``id_key``) for every unique id.

    Also records the pandas ``calendar_date`` rule: YYYY-MM-DD form but not a real date.
    """
    frame = df[table.column_names].reset_index(drop=True)
    for name in table.column_names:
        if frame[name].dtype != _TEXT:  # e.g. a frame made by hand with object columns
            frame[name] = frame[name].astype(_TEXT)
    for col in table.columns:
        if col.kind == "id" and col.unique:
            frame[ex.key_column(col.name)] = id_key(frame[col.name])
    for col in table.columns:
        if col.kind not in ex.DATE_KINDS:
            continue
        text = frame[col.name]
        well_formed = text.str.contains(cfg.date_regex, regex=True).fillna(False).to_numpy(bool)
        # strict: 2023-02-30 and 2023-02-29 become NaT (pyarrow's strptime would roll them over)
        parsed = pd.to_datetime(text.where(well_formed), format="%Y-%m-%d", errors="coerce")
        is_date = parsed.notna().to_numpy(bool)
        days = parsed.to_numpy().astype("datetime64[D]").astype(np.int64).astype(np.float64)
        days[~is_date] = np.nan
        frame[ex.day_column(col.name)] = days
        failures.add(
            np.flatnonzero(well_formed & ~is_date),
            col.name,
            ex.CALENDAR_DATE,
            "not a calendar date",
        )
    return frame


def _drop_midnight(df: pd.DataFrame, table: Table, cfg: ValidationConfig) -> pd.DataFrame:
    """Date columns with a midnight time ("2024-09-21 00:00:00") cut to the date itself.

    Only values ``cfg.date_regex`` accepts and longer than a bare ``YYYY-MM-DD`` are cut; any
    other value is left for the date rules to judge.
    """
    for col in table.columns:
        if col.kind not in ex.DATE_KINDS:
            continue
        text = df[col.name].astype(_TEXT)
        longer = (text.str.len() > _ISO_DATE_LENGTH).fillna(False).to_numpy(bool)
        if not longer.any():  # the usual case: no regex pass over the column
            continue
        matches = text.str.contains(cfg.date_regex, regex=True).fillna(False).to_numpy(bool)
        timed = longer & matches
        if timed.any():
            df[col.name] = text.mask(timed, text.str.slice(0, _ISO_DATE_LENGTH))
    return df


# What a UK registration never carries: any whitespace (a no-break space too) and ASCII
# punctuation ("AB12-CDE", "AB12.CDE"). RE2 (pyarrow) syntax.
_VRM_NOISE = r"[\s\pZ!-/:-@\[-`{-~]"


def canonical_vrm(values: pd.Series) -> pd.Series:
    """Vehicle registrations in canonical form: upper case, without whitespace or punctuation
    ("ab12 cde", " AB12CDE ", "Ab12-Cde" -> "AB12CDE"); missing stays missing. The form the
    matcher compares (``normalise.vrm_sql``), on both extracts. Letters outside A-Z are kept,
    so a value with one still fails ``vrm_format``."""
    text = pa.array(values.astype(_TEXT), from_pandas=True)
    canon = pc.utf8_upper(pc.replace_substring_regex(text, _VRM_NOISE, ""))
    return pd.Series(pd.array(canon, dtype=_TEXT), index=values.index)


def _canonical_vrms(df: pd.DataFrame, table: Table, cfg: ValidationConfig) -> pd.DataFrame:
    """Registration columns rewritten in canonical form (``canonical_vrm``) where that form
    is a registration (``cfg.vrm_regex``); any other value is left as written for
    ``vrm_format`` to quarantine. Warns with a count of the values only the canonical form
    let through for their spacing or punctuation (not for their case alone), never a value."""
    for col in table.columns:
        if col.kind != "vrm":
            continue
        text = df[col.name].astype(_TEXT)
        canon = canonical_vrm(text)
        valid = canon.str.contains(cfg.vrm_regex, regex=True).fillna(False).to_numpy(bool)
        if not valid.any():
            continue
        # only a fault of spacing or punctuation is counted: a registration in lower case
        # is as registrations are written (the intelligence side writes most so)
        upper = text.str.upper()
        as_written = upper.str.contains(cfg.vrm_regex, regex=True).fillna(False).to_numpy(bool)
        df[col.name] = text.mask(valid, canon)
        rescued = int((valid & ~as_written).sum())
        if rescued:
            logger.warning(
                "%s: %d %s value(s) valid only in canonical form (upper case, no spaces or "
                "punctuation); read in that form, rows kept",
                table.name,
                rescued,
                col.name,
            )
    return df


def _null_tokens(df: pd.DataFrame, table: Table, cfg: ValidationConfig) -> pd.DataFrame:
    """``cfg.null_tokens`` ("NULL", as a database export writes an empty value) read as
    missing in every column but personal text (names, address lines): an optional date,
    phone or grading so written was a format fault (hostile c42: 2,000 addresses' date_to,
    the run stopped), and a required one is reported missing (not_null) rather than
    malformed. Warns with a count per column, never a value."""
    if not cfg.null_tokens:
        return df
    for col in table.columns:
        if col.kind == "text" and col.pii:
            continue
        text = df[col.name].astype(_TEXT)
        token = text.isin(cfg.null_tokens).to_numpy(bool)
        if token.any():
            df[col.name] = text.mask(token, pd.NA)
            logger.warning(
                "%s: %d %s value(s) were %s (a database's empty value written out); read as "
                "missing",
                table.name,
                int(token.sum()),
                col.name,
                " or ".join(cfg.null_tokens),
            )
    return df


# Each enum column's words for its values, beyond case and spacing (column name -> upper-case
# word -> the contract's value).
_ENUM_WORDS: dict[str, dict[str, str]] = {"sex": SEX_WORDS}


def _enum_key(value: str) -> str:
    """What an enum value is compared by: upper case, runs of spaces, hyphens and underscores
    as one underscore ("Granted With Risk-Mitigation" -> "GRANTED_WITH_RISK_MITIGATION")."""
    return re.sub(r"[\s_-]+", "_", value.strip()).upper()


def _canonical_enums(df: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Enum and true/false columns: a value not among the allowed ones that is one of them
    written in another case or spacing ("VIOLENCE", "Officer", "granted with risk
    mitigation", Excel's "TRUE"), or a word for one
    (``_ENUM_WORDS``: "Male" for M), is read as that value; any other is left as written, for
    ``in_set`` to quarantine. A workforce system's display words otherwise took each such
    person out of screening. Only the distinct values not allowed are looked at (a few), and
    the run log counts the values so read, never shows one."""
    for col in table.columns:
        if col.kind not in ("enum", "bool") or not col.allowed:
            continue
        text = df[col.name].astype(_TEXT)
        off = (text.notna() & ~text.isin(col.allowed)).to_numpy(bool)
        if not off.any():
            continue
        by_key = {_enum_key(v): v for v in col.allowed}
        words = _ENUM_WORDS.get(col.name, {})
        found = {}
        for value in text[off].unique():
            key = _enum_key(value)
            canon = by_key.get(key) or words.get(key.replace("_", " "))
            if canon is not None:
                found[value] = canon
        if not found:
            continue
        read = off & text.isin(list(found)).to_numpy(bool)
        read_values = text[read].map(found).astype(_TEXT)  # only those rows: a few
        df[col.name] = text.mask(read, read_values)
        logger.warning(
            "%s: %d %s value(s) read as the contract's value (written in another case or "
            "spacing, or as a word such as Male for M); rows kept",
            table.name,
            int(read.sum()),
            col.name,
        )
    return df


def canonical_postcode(values: pd.Series) -> pd.Series:
    """Postcodes in canonical form: upper case, one space before the inward code (its last
    three characters), no other whitespace ("S1  1AA", "bs10\u00a08hx", "S1 1 AA" -> "S1 1AA",
    "BS10 8HX"); missing stays missing. ``normalise.postcode_sql`` compares them without
    spaces, so this is the same postcode to the matcher."""
    text = pa.array(values.astype(_TEXT), from_pandas=True)
    bare = pc.utf8_upper(pc.replace_substring_regex(text, r"[\s\pZ]", ""))
    canon = pc.replace_substring_regex(bare, r"^(.+)(.{3})$", r"\1 \2")
    return pd.Series(pd.array(canon, dtype=_TEXT), index=values.index)


def _canonical_postcodes(df: pd.DataFrame, table: Table, cfg: ValidationConfig) -> pd.DataFrame:
    """Postcode columns: a value failing ``cfg.postcode_regex`` (``area_postcode_regex`` for
    an ``area_postcode`` column) only for its spacing (two spaces, as the 7-character "pcd7"
    form pads a short outward code: "S1  1AA"; a tab or a no-break space; a space in the
    wrong place) read in canonical form (``canonical_postcode``); any other value is left as
    written, for ``postcode_format`` to judge (an outward code with a space in it, "W2 1",
    may be a postcode cut short). Warns with a count of the values so read, never a
    value."""
    for col in table.columns:
        if col.kind not in ("postcode", "area_postcode"):
            continue
        regex = cfg.postcode_regex if col.kind == "postcode" else cfg.area_postcode_regex
        text = df[col.name].astype(_TEXT)
        as_written = text.str.contains(regex, regex=True).fillna(True)
        failing = ~as_written.to_numpy(bool)
        if not failing.any():
            continue
        # only the failing values are mended and checked again, not the whole column
        canon = canonical_postcode(text[failing])
        # mended into a whole postcode only, in either kind of column
        valid = canon.str.contains(cfg.postcode_regex, regex=True).fillna(False).to_numpy(bool)
        if not valid.any():
            continue
        rescued = failing.copy()
        rescued[failing] = valid
        df[col.name] = text.mask(rescued, canon[valid])
        logger.warning(
            "%s: %d %s value(s) valid only with their spacing mended (two spaces, a tab or "
            "a no-break space, a space in the wrong place); read so, rows kept",
            table.name,
            int(rescued.sum()),
            col.name,
        )
    return df


def _raised(result: Any) -> bool:
    info = result.exception_info or {}
    if info.get("raised_exception"):
        return True
    return any(isinstance(v, dict) and v.get("raised_exception") for v in info.values())


def _duplicates(
    frame: pd.DataFrame, column: str, positions: np.ndarray, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Of the rows GX flagged as sharing a value of ``column`` (an id's ``__key`` column), all
    but the first; and the first's row number."""
    positions = np.sort(positions)
    values = frame[column].iloc[positions].reset_index(drop=True)
    codes, _ = pd.factorize(values)
    _, first_index = np.unique(codes, return_index=True)
    first_of = positions[first_index][codes]  # position of the first copy, per flagged row
    later = first_of != positions
    detail = np.char.add("duplicate of row ", rows[first_of[later]].astype(str)).astype(object)
    return positions[later], detail


def _check_rows(
    df: pd.DataFrame, table: Table, cfg: ValidationConfig, run_date: date
) -> tuple[pd.DataFrame, np.ndarray, _Failures]:
    """Row rules of one table: (the frame with ``_row`` and a RangeIndex, row numbers, failures)."""
    missing = [c for c in table.column_names if c not in df.columns]
    if missing:
        raise ValueError(f"{table.name}: frame lacks contract column(s): {', '.join(missing)}")
    df = _drop_midnight(_with_rows(df).reset_index(drop=True), table, cfg)
    df = _null_tokens(df, table, cfg)
    df = _canonical_vrms(df, table, cfg)
    df = _canonical_postcodes(df, table, cfg)
    df = _canonical_enums(df, table)
    rows = df[ROW_COLUMN].to_numpy(np.int64)
    if not (np.all(np.diff(rows) > 0) or pd.Index(rows).is_unique):
        raise ValueError(f"{table.name}: {ROW_COLUMN} values are not unique")

    failures = _Failures(c.name for c in table.columns if c.blank_if_invalid)
    frame = _prepare(df, table, cfg, failures)
    if not len(frame):
        return df, rows, failures
    suite = ex.build_suite(table, cfg, run_date)
    results = _GX.get().run(table.name, suite, frame)
    for res in results:
        conf = res.expectation_config
        meta = conf.meta or {}
        if _raised(res):
            raise ValidationRunError(
                f"{table.name}: {conf.type} on {meta.get('field', '?')} could not be evaluated"
            )
        if res.success:
            continue
        index = res.result.get("unexpected_index_list")
        if index is None:
            raise ValidationRunError(
                f"{table.name}: {conf.type} on {meta.get('field', '?')} failed "
                "without an unexpected_index_list"
            )
        positions = np.asarray(index, dtype=np.int64)
        if meta["rule"] == ex.UNIQUE:
            dupes, details = _duplicates(frame, conf.kwargs["column"], positions, rows)
            failures.add(dupes, meta["field"], ex.UNIQUE, details)
        else:
            failures.add(positions, meta["field"], meta["rule"], meta["detail"])
    headers = _repeated_header(df, table)
    if headers.any():
        failures.replace_rows(
            headers,
            table.column_names[0],
            ex.REPEATED_HEADER,
            "the header line again (two exports joined into one file?)",
        )
        logger.warning(
            "%s: %d row(s) repeat the header line (two exports joined into one file?), "
            "first at data row %d; set aside",
            table.name,
            int(headers.sum()),
            int(rows[headers][0]),
        )
    return df, rows, failures


def _repeated_header(df: pd.DataFrame, table: Table) -> np.ndarray:
    """Rows (a boolean mask by position) whose every contract value is its own column name:
    the header line again (as written: the loader found the header's names so). One
    comparison of the first column; the others only if some row matched it."""
    found = np.ones(len(df), dtype=bool)
    for name in table.column_names:
        found &= (df[name] == name).fillna(False).to_numpy(bool)
        if not found.any():
            break
    return found


def _with_rows(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with a ``_row`` column (1..n when the caller did not load it with load.py)."""
    if ROW_COLUMN in df.columns:
        return df
    out = df.copy()
    out[ROW_COLUMN] = np.arange(1, len(out) + 1, dtype=np.int64)
    return out


def row_lines(quarantine: pd.DataFrame) -> pd.DataFrame:
    """The quarantine lines that set their row aside (not those that only blanked a value)."""
    return quarantine.loc[(quarantine["action"] == ROW_QUARANTINED).to_numpy(bool)]


def _finish(
    df: pd.DataFrame, rows: np.ndarray, failures: _Failures, table: str, source_file: str
) -> TableValidation:
    bad = failures.mask(len(df))
    for (field, rule), blank in failures.blanked(len(df)).items():
        df[field] = df[field].mask(blank)  # copy-on-write: the caller's frame is untouched
        kept = int((blank & ~bad).sum())
        if kept:
            logger.warning("%s: %d %s value(s) blanked (%s), rows kept", table, kept, field, rule)
    accepted = df if not bad.any() else df.loc[~bad].reset_index(drop=True)
    return TableValidation(
        table=table,
        source_file=source_file,
        accepted=accepted,
        quarantine=failures.frame(rows, table, source_file),
        rows_read=len(df),
        rows_accepted=len(accepted),
        rows_quarantined=int(bad.sum()),
    )


def validate_table(
    df: pd.DataFrame,
    table: Table,
    cfg: ValidationConfig,
    run_date: date,
    source_file: str,
) -> TableValidation:
    """Validate one table against its suite (no parent check; see ``validate_extract``).

    ``accepted`` keeps every column of ``df`` and ``_row`` (added as 1..n if absent).
    """
    df, rows, failures = _check_rows(df, table, cfg, run_date)
    return _finish(df, rows, failures, table.name, source_file)


# --- a whole extract ---------------------------------------------------------------------------


def _isin(values: pd.Series, keys: pd.Series) -> np.ndarray:
    """``values.isin(keys)`` in Arrow: pandas 3's string ``isin`` loops over ``keys`` in Python
    (about 20 s for a million keys)."""
    haystack = pa.array(keys, from_pandas=True).cast(pa.large_string()).drop_null()
    needles = pa.array(values, from_pandas=True).cast(pa.large_string())
    found = pc.is_in(needles, value_set=haystack, skip_nulls=True)
    return found.to_numpy(zero_copy_only=False).astype(bool)


def _parent_links(table: Table) -> list[tuple[str, str, str]]:
    """(child column, parent table, parent column) for the parent and any second parent."""
    if table.parent is None:
        return []
    column, target = table.parent
    parent_table, parent_column = target.split(".", 1)
    links = [(column, parent_table, parent_column)]
    second = table.extra.get("second_parent")
    if second:
        links.append((second, parent_table, parent_column))
    return links


def _parents_first(tables: Iterable[Table]) -> list[Table]:
    pending = list(tables)
    names = {t.name for t in pending}
    ordered: list[Table] = []
    while pending:
        done = {t.name for t in ordered}
        ready = [
            t
            for t in pending
            if all(p in done or p not in names or p == t.name for _, p, _ in _parent_links(t))
        ]
        if not ready:
            raise ValueError("parent links form a cycle: " + ", ".join(t.name for t in pending))
        ordered.extend(ready)
        pending = [t for t in pending if t not in ready]
    return ordered


def cascade_detail(parent_table: str, parent_column: str) -> str:
    """The detail of an ``unknown_parent`` line whose parent row was itself quarantined."""
    return f"the {parent_table} row with this {parent_column} was quarantined"


def _spelled_as_parent(keys: pd.Series, parent_keys: pd.Series) -> pd.Series:
    """Each of ``keys`` as ``parent_keys`` writes it, matched by ``id_key``; missing where no
    parent key matches. ``parent_keys`` are unique by ``id_key`` (the parent's unique rule)."""
    parent_keys = parent_keys.dropna()
    haystack = pa.array(id_key(parent_keys), from_pandas=True).cast(pa.large_string())
    needles = pa.array(id_key(keys), from_pandas=True).cast(pa.large_string())
    index = pc.index_in(needles, value_set=haystack, skip_nulls=True)
    spelled = pc.take(pa.array(parent_keys, from_pandas=True).cast(pa.large_string()), index)
    return pd.Series(pd.array(spelled, dtype=_TEXT), index=keys.index)


def _check_parents(
    df: pd.DataFrame,
    table: Table,
    failures: _Failures,
    results: Mapping[str, TableValidation],
    frames: Mapping[str, pd.DataFrame],
) -> pd.DataFrame:
    """Add ``unknown_parent`` failures: parent key not among the parent's ACCEPTED rows,
    compared by ``id_key``. A key found only ignoring case is rewritten as its parent row
    writes it (in the returned frame).

    Rows already failing on the key column (missing, malformed) are not looked up again.
    """
    for column, parent_table, parent_column in _parent_links(table):
        if parent_table not in results:
            raise ValueError(f"{table.name}: parent table {parent_table} was not validated")
        parent = results[parent_table]
        keys = df[column]
        eligible = (
            keys.notna().to_numpy(bool)
            & ~failures.mask(len(df), column)
            & ~failures.rows_with(len(df), ex.REPEATED_HEADER)
        )
        orphan = eligible & ~_isin(keys, parent.accepted[parent_column])
        if not orphan.any():
            continue
        # Not found as written: look again ignoring case (only these rows are folded).
        missed = np.flatnonzero(orphan)
        spelled = _spelled_as_parent(keys.iloc[missed], parent.accepted[parent_column])
        found = spelled.notna().to_numpy(bool)
        if found.any():
            rewritten = keys.copy()
            rewritten.iloc[missed[found]] = spelled.iloc[found].to_numpy()
            df[column] = rewritten
            orphan[missed[found]] = False
            logger.warning(
                "%s: %d %s value(s) matched their %s row only ignoring case; "
                "written as the %s row has them",
                table.name,
                int(found.sum()),
                column,
                parent_table,
                parent_table,
            )
            if not orphan.any():
                continue
        # keys of the parent's quarantined rows: a small set
        parent_frame = _with_rows(frames[parent_table])
        dropped = parent_frame.loc[
            parent_frame[ROW_COLUMN].isin(row_lines(parent.quarantine)["row_number"]),
            parent_column,
        ]
        cascaded = np.zeros(len(df), dtype=bool)
        left = np.flatnonzero(orphan)
        cascaded[left] = _isin(id_key(keys.iloc[left]), id_key(dropped))
        failures.add(
            np.flatnonzero(cascaded),
            column,
            ex.UNKNOWN_PARENT,
            cascade_detail(parent_table, parent_column),
        )
        failures.add(
            np.flatnonzero(orphan & ~cascaded),
            column,
            ex.UNKNOWN_PARENT,
            f"no {parent_table} row with this {parent_column}",
        )
    return df


def reconcile(results: Mapping[str, TableValidation]) -> pd.DataFrame:
    """Per-table counts; raises ReconciliationError unless read == accepted + quarantined."""
    records = []
    broken = []
    for name, r in results.items():
        distinct = int(row_lines(r.quarantine)["row_number"].nunique())
        ok = (
            r.rows_read == r.rows_accepted + r.rows_quarantined
            and len(r.accepted) == r.rows_accepted
            and distinct == r.rows_quarantined
        )
        if not ok:
            broken.append(
                f"{name}: read {r.rows_read}, accepted {r.rows_accepted} ({len(r.accepted)} rows), "
                f"quarantined {r.rows_quarantined} ({distinct} distinct rows)"
            )
        records.append((name, r.source_file, r.rows_read, r.rows_accepted, r.rows_quarantined, ok))
    if broken:
        raise ReconciliationError("row counts do not reconcile: " + "; ".join(broken))
    counts = pd.DataFrame.from_records(records, columns=COUNT_COLUMNS)
    return counts.astype(
        {
            "table": _TEXT,
            "source_file": _TEXT,
            "rows_read": "int64",
            "rows_accepted": "int64",
            "rows_quarantined": "int64",
            "reconciled": "bool",
        }
    )


def validate_extract(
    frames: Mapping[str, pd.DataFrame],
    tables: Iterable[Table],
    cfg: ValidationConfig,
    run_date: date,
    source_files: Mapping[str, str] | None = None,
) -> ExtractValidation:
    """Validate every table in ``frames`` (in ``tables`` order), then referential integrity
    against ACCEPTED parent rows, then reconcile the counts.

    A table's source file name comes from ``source_files``, else the frame's
    ``attrs["source_file"]`` (set by ``load_extract``), else ``<table>.csv``.
    """
    source_files = dict(source_files or {})
    present = [t for t in tables if t.name in frames]
    results: dict[str, TableValidation] = {}
    for table in _parents_first(present):
        frame = frames[table.name]
        source = source_files.get(table.name) or frame.attrs.get("source_file", f"{table.name}.csv")
        df, rows, failures = _check_rows(frame, table, cfg, run_date)
        df = _check_parents(df, table, failures, results, frames)
        result = _finish(df, rows, failures, table.name, source)
        results[table.name] = result
        logger.info(
            "%s: %d read, %d accepted, %d quarantined",
            table.name,
            result.rows_read,
            result.rows_accepted,
            result.rows_quarantined,
        )
    ordered = {t.name: results[t.name] for t in present}
    counts = reconcile(ordered)
    parts = [r.quarantine for r in ordered.values() if len(r.quarantine)]
    quarantine = pd.concat(parts, ignore_index=True) if parts else empty_quarantine()
    return ExtractValidation(
        tables=ordered,
        accepted={name: r.accepted for name, r in ordered.items()},
        quarantine=quarantine,
        counts=counts,
    )


# --- a table that lost too much ------------------------------------------------------------------


def _rules_by_rows(lines: pd.DataFrame) -> pd.Series:
    """Rows set aside per (field, rule), most first (ties: contract order)."""
    by_rule = lines.groupby(["field", "rule"], sort=False)["row_number"].nunique()
    return by_rule.sort_values(ascending=False, kind="stable")


def _commonest_rule(quarantine: pd.DataFrame) -> tuple[str, str, int]:
    """(field, rule, rows) of the rule that quarantined the most rows (ties: contract order)."""
    (field, rule), rows = next(iter(_rules_by_rows(quarantine).items()))
    return str(field), str(rule), int(rows)


def _parents_fault(quarantine: pd.DataFrame, table: Table, reported: Iterable[str]) -> np.ndarray:
    """Lines that are the parent table's fault, not this table's: the parent row was
    quarantined, or (when the parent table is itself ``reported``) no parent row matched."""
    links = _parent_links(table)
    details = {cascade_detail(parent, column) for _, parent, column in links}
    columns = {child for child, parent, _ in links if parent in set(reported)}
    return (
        (quarantine["rule"] == ex.UNKNOWN_PARENT)
        & (
            quarantine["detail"].isin(list(details)) | quarantine["field"].isin(list(columns))
        ).fillna(False)
    ).to_numpy(bool)


def quarantine_share_problems(
    result: ExtractValidation, cfg: ValidationConfig
) -> list[tuple[str, str]]:
    """(file, problem) for each table that lost more than ``cfg.max_quarantine_share`` of its
    rows (and has at least ``cfg.quarantine_share_min_rows``), blamed where the fault lies.

    A table whose rows went mostly for want of their parent rows is blamed on the parent:
    counted under the parent's problem when the parent is itself reported, else reported
    naming the parent's commonest rule. Counts, column and rule names only.
    """
    limit = cfg.max_quarantine_share
    too_many = f"more than {limit:.0%} of the table (validation.max_quarantine_share)"
    own_fault: dict[str, tuple[str, str, int]] = {}  # table -> its commonest own rule
    problems: dict[str, tuple[str, str]] = {}  # table -> (file, problem), contract order
    children: dict[str, int] = {}  # reported table -> child tables that lost most rows with it
    for name, r in result.tables.items():
        table = TABLES_BY_NAME[name]
        lines = row_lines(r.quarantine)
        own = lines.loc[~_parents_fault(lines, table, problems)]
        if len(own):
            own_fault[name] = _commonest_rule(own)
        if r.rows_read < cfg.quarantine_share_min_rows or r.rows_quarantined <= limit * r.rows_read:
            continue
        file = Path(r.source_file).name
        lost = f"{r.rows_quarantined:,d} of {r.rows_read:,d} rows quarantined"
        if own["row_number"].nunique() > limit * r.rows_read:
            field, rule, rows = own_fault[name]
            problems[name] = (file, f"{lost} ({field} {rule}: {rows:,d}): {too_many}")
            continue
        parents = list(dict.fromkeys(p for _, p, _ in _parent_links(table)))
        reported = [p for p in parents if p in problems]
        if reported:
            children[reported[0]] = children.get(reported[0], 0) + 1
            continue
        blame = ", ".join(
            f"{Path(result.tables[p].source_file).name} {' '.join(own_fault[p][:2])}"
            for p in parents
            if p in own_fault
        )
        problems[name] = (
            file,
            f"{lost}, most because their parent rows were quarantined ({blame}): {too_many}",
        )
    return [
        (file, f"{problem}; {children[name]} child table(s) lost most rows with it")
        if children.get(name)
        else (file, problem)
        for name, (file, problem) in problems.items()
    ]


def check_quarantine_share(result: ExtractValidation, cfg: ValidationConfig) -> None:
    """Raise :class:`QuarantineShareError` if any table lost too much to quarantine (see
    ``quarantine_share_problems``); the first such file is the error's file, any others
    follow in its problem, each with its counts and commonest rule, and what to do."""
    problems = quarantine_share_problems(result, cfg)
    if not problems:
        return
    (file, first), *rest = problems
    others = "".join(f"; {f}: {p}" for f, p in rest)
    raise QuarantineShareError(file, f"{first}{others}; fix the extract")


def _top_reasons(lines: pd.DataFrame, n: int) -> str:
    """The ``n`` (field, rule) pairs that set the most rows aside, with their rows (ties:
    contract order), and how many others there were. Names and counts only."""
    by_rule = _rules_by_rows(lines)
    top = [f"{field} {rule} {rows:,d}" for (field, rule), rows in by_rule.head(n).items()]
    more = len(by_rule) - n
    return "; ".join(top) + (f"; {more} other field/rule(s)" if more > 0 else "")


def quarantine_share_warnings(
    result: ExtractValidation, cfg: ValidationConfig, top: int = 3
) -> list[tuple[str, str, str]]:
    """(``quarantine_share``, table, message) for each table that lost more than
    ``cfg.warn_quarantine_share`` of its rows to quarantine (and has at least
    ``cfg.quarantine_share_min_rows``): not enough to stop the run
    (``check_quarantine_share``), too many to pass as a few bad rows. The message names the
    table and file, rows quarantined of rows read, the share and the ``top`` fields and
    rules by rows set aside: names and counts only, never a value."""
    warnings = []
    for name, r in result.tables.items():
        if r.rows_read < cfg.quarantine_share_min_rows or r.rows_read == 0:
            continue
        share = r.rows_quarantined / r.rows_read
        if share <= cfg.warn_quarantine_share:
            continue
        message = (
            f"{name} ({Path(r.source_file).name}) lost {r.rows_quarantined:,d} of "
            f"{r.rows_read:,d} rows to quarantine ({share:.1%}, over "
            f"{cfg.warn_quarantine_share:.0%}: validation.warn_quarantine_share); "
            f"top reasons: {_top_reasons(row_lines(r.quarantine), top)}"
        )
        warnings.append(("quarantine_share", name, message))
    return warnings
