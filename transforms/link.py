"""Link any two person extracts with the nightly flow's engine: ``sweep link``.

Each file (CSV or Parquet) is read into a working DuckDB database, mapped onto the engine's
``{l|r}_src_*`` views (``transforms/mapping.py``), then ``linkage.block`` and
``linkage.compare_and_score`` run as in the nightly flow, with two differences for speed:
people are numbered (and their file ids put back when the pairs are written), and the right
side's phones are normalised only for the people compared. The scored pairs are copied
straight from DuckDB into a Parquet file (temp file + rename), so the large side never passes
through pandas. With a truth file, the blocking report and precision/recall/F1 are computed
against it (``transforms/pair_metrics.py``).
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from transforms.blocking import blocking_recall, capped_warning
from transforms.comparisons import FORENAME_EXACT
from transforms.config import EngineConfig, SweepConfig
from transforms.fellegi_sunter import Model, training_warning
from transforms.flat_files import LinkInputError, TruthPairs, is_parquet, read_side, read_truth
from transforms.linkage import block, compare_and_score
from transforms.mapping import (
    EXCEL_DATE_FORMAT,
    EXCEL_EPOCH,
    FULL_NAME_ORDERS,
    SIDES,
    Mapping,
    SideStats,
    literal,
)
from transforms.pair_metrics import best_f1, curve_from_counts, metrics_from_curve

# Leading columns of the output; every other scored_pairs column follows them.
LEAD_COLUMNS = ("left_id", "right_id", "match_weight", "match_probability", "band")
# Key-value metadata of a pairs file: the model that scored it and the config it ran with
# (JSON), so that ``sweep explain --pairs`` can tell each pair's story from the file alone.
PAIRS_METADATA = ("sweep.model", "sweep.config")


@dataclass
class TruthReport:
    """How the linker did against a set of true pairs."""

    columns: tuple[str, str]  # the truth file's left and right id columns
    truth_pairs: int
    blocking: pd.DataFrame  # rule, pairs, true_pairs (+ capped keys)
    blocking_recall: float | None
    at_review: dict[str, Any]
    at_auto: dict[str, Any]
    at_even_odds: dict[str, Any]  # match weight 0, probability 0.5: other linkers' default
    best: dict[str, Any]
    curve: pd.DataFrame
    labelled_pairs: int = 0  # true pairs that were also --labels: not held out
    unknown_pairs: int = 0  # true pairs naming an id that is not in its file (always missed)
    unknown_note: str = ""  # which side's ids were not found, and a likely cause
    header_note: str = ""  # the file had no header: its first line was read as a pair
    warnings: list[str] = field(default_factory=list)  # a footer left out


@dataclass
class LinkResult:
    """Counts, timings and the model of one link run; the pairs are in the output file."""

    left: SideStats
    right: SideStats
    candidate_pairs: int
    bands: dict[str, int]
    blocking: pd.DataFrame
    model: Model
    out: Path | None
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)
    truth: TruthReport | None = None
    warnings: list[str] = field(default_factory=list)
    memory_limit: str = ""  # DuckDB's, as set for the run
    # with --labels: true pairs m was counted over, those naming an id not in its file, and
    # those among the candidates (the rest show blocking misses on the user's own data)
    labels_used: int | None = None
    labels_unknown: int | None = None
    labels_candidates: int | None = None


# --- the run --------------------------------------------------------------------------------------


# A container's memory limit (cgroup v2, then v1): on a shared host it, not the host's
# memory, is what the process may use. Unlimited reads "max" (v2) or a huge number (v1).
CGROUP_MEMORY_LIMITS = (
    Path("/sys/fs/cgroup/memory.max"),
    Path("/sys/fs/cgroup/memory/memory.limit_in_bytes"),
)


def _physical_memory() -> int | None:
    """Bytes of memory this process may use: the machine's, or its container's limit if that
    is lower; None where neither is known."""
    sizes = []
    with suppress(AttributeError, ValueError, OSError):
        sizes.append(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    for path in CGROUP_MEMORY_LIMITS:
        try:
            text = path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            continue
        if text.isdigit() and int(text) > 0:
            sizes.append(int(text))
    return min(sizes) if sizes else None


# A DuckDB memory size such as '700MB' or '2.5GiB'.
_SIZE = re.compile(r"\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)


def link_memory_limit(engine: EngineConfig, right_rows: int | None) -> str:
    """The DuckDB memory limit for a link run: ``engine.link_memory_limit`` as given, or for
    "auto" the floor raised to so many bytes per right-side row (unknown rows: the floor),
    capped at a share of the memory this process may use but never below the floor."""
    given = engine.link_memory_limit.strip()
    if given.lower() != "auto":
        if not _SIZE.fullmatch(given):
            raise ValueError(
                f"engine.link_memory_limit {given!r}: give 'auto' or a size such as '2GB'"
            )
        return given
    floor = engine.link_memory_floor_mb * 1_000_000
    want = max(floor, (right_rows or 0) * engine.link_memory_bytes_per_right_row)
    physical = _physical_memory()
    if physical:
        want = min(want, max(floor, int(physical * engine.link_memory_max_share)))
    return f"{want // 1_000_000}MB"


def set_memory_limit(
    con: duckdb.DuckDBPyConnection, engine: EngineConfig, right_rows: int | None
) -> str:
    """Set DuckDB's memory limit to :func:`link_memory_limit` and return it."""
    limit = link_memory_limit(engine, right_rows)
    con.execute(f"SET memory_limit = '{limit}'")
    return limit


def parquet_rows(con: duckdb.DuckDBPyConnection, path: Path) -> int | None:
    """Rows of a Parquet file from its footer (no data read); None for CSV or if unreadable."""
    if not is_parquet(Path(path)):
        return None
    lit = literal(str(path))
    try:
        return int(
            con.execute(f"SELECT sum(num_rows) FROM parquet_file_metadata({lit})").fetchone()[0]
        )
    except (duckdb.Error, TypeError):
        return None


@contextmanager
def working_database(
    cfg: SweepConfig, work_dir: Path | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB working database that spills to a temporary folder, removed after.

    In memory, not a database file: nothing of it is kept, and a file made every table pay for
    compression and writing (31.0 s against 35.7 s at 1M nominals, same peak memory). Its
    memory limit starts at :func:`link_memory_limit` for an unknown right side.
    """
    with tempfile.TemporaryDirectory(prefix="sweep-link-", dir=work_dir) as tmp:
        con = duckdb.connect(":memory:")
        try:
            set_memory_limit(con, cfg.engine, None)
            con.execute(f"SET threads = {int(cfg.engine.threads)}")
            con.execute(f"SET temp_directory = '{Path(tmp) / 'spill'}'")
            con.execute("SET preserve_insertion_order = true")
            con.execute("SET enable_progress_bar = false")
            yield con
        finally:
            con.close()


def write_pairs(
    con: duckdb.DuckDBPyConnection,
    out: Path,
    table: str = "scored_pairs",
    metadata: dict[str, str] | None = None,
) -> None:
    """``table`` as Parquet at ``out``, written to a temp file beside it and renamed over;
    the people's numbers are written as the files' ids (``{l|r}_ids``). ``metadata`` goes
    into the file's key-value metadata (:data:`PAIRS_METADATA`: the model and config)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    lit = literal(str(tmp))
    kv = ""
    if metadata:
        pairs = ", ".join(f"{literal(k)}: {literal(v)}" for k, v in metadata.items())
        kv = f", KV_METADATA {{{pairs}}}"
    try:
        con.execute(f"""
            COPY (
                SELECT li.key AS left_id, ri.key AS right_id, s.match_weight,
                       s.match_probability, s.band,
                       s.* EXCLUDE (l_id, r_id, match_weight, match_probability, band)
                FROM {table} s JOIN l_ids li ON li.id = s.l_id JOIN r_ids ri ON ri.id = s.r_id
                ORDER BY s.match_weight DESC, left_id, right_id
            ) TO {lit} (FORMAT parquet, COMPRESSION zstd{kv})
        """)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, out)
    except duckdb.Error as exc:
        raise LinkInputError(f"{out}: cannot write ({type(exc).__name__})") from None
    finally:
        tmp.unlink(missing_ok=True)


def _numbered_truth(con: duckdb.DuckDBPyConnection, truth: pd.DataFrame) -> pd.DataFrame:
    """The true pairs (distinct file ids) as the people's numbers. An id in neither file
    gets a number of its own below zero: the pair is still counted, and never matched."""
    con.register("_truth_keys", truth)
    out = con.execute("""
        WITH t AS (SELECT l_id, r_id, row_number() OVER () AS n FROM _truth_keys)
        SELECT coalesce(li.id, -2 * t.n) AS l_id, coalesce(ri.id, -2 * t.n - 1) AS r_id
        FROM t LEFT JOIN l_ids li ON li.key = t.l_id LEFT JOIN r_ids ri ON ri.key = t.r_id
    """).df()
    con.unregister("_truth_keys")
    return out


def _unknown_ids_note(
    con: duckdb.DuckDBPyConnection, pairs: pd.DataFrame, numbered: pd.DataFrame
) -> str:
    """Which side's ids in a truth or labels file (``pairs``: l_id, r_id text; ``numbered``:
    the same as :func:`_numbered_truth` gives them) are not in its data file, and whether
    the two columns look the wrong way round; '' if all are."""
    l_out, r_out = int((numbered["l_id"] < 0).sum()), int((numbered["r_id"] < 0).sum())
    if not (l_out or r_out):
        return ""
    con.register("_pair_keys", pairs)
    l_in_r, r_in_l = con.execute("""
        SELECT count(*) FILTER (WHERE l_id IN (SELECT key FROM r_ids)),
               count(*) FILTER (WHERE r_id IN (SELECT key FROM l_ids))
        FROM _pair_keys
    """).fetchall()[0]
    con.unregister("_pair_keys")
    note = f"{l_out:,} left id(s) not in the left file, {r_out:,} right id(s) not in the right file"
    if l_in_r + r_in_l > (l_out + r_out) / 2:
        note += (
            "; most of them are the other side's ids: the columns look the wrong way round "
            "(set [truth].left_id and right_id)"
        )
    return note


def load_labels(
    con: duckdb.DuckDBPyConnection, path: Path, mapping: Mapping
) -> tuple[int, int, list[str]]:
    """``_labels`` (l_id, r_id): the labelled true pairs of ``path`` whose two ids are both in
    the files, as people's numbers. Returns (pairs kept, pairs naming an id not in its file,
    notes for the run: the file has no header, a footer left out). Raises LinkInputError if
    no pair is left: there would be nothing to count m over."""
    read = read_truth(con, path, mapping, ids=("l_ids", "r_ids"))
    frame = read.pairs
    numbered = _numbered_truth(con, frame)
    known = numbered[(numbered["l_id"] >= 0) & (numbered["r_id"] >= 0)]
    con.register("_labels_df", known)
    con.execute("CREATE OR REPLACE TEMP TABLE _labels AS SELECT DISTINCT * FROM _labels_df")
    con.unregister("_labels_df")
    kept = con.execute("SELECT count(*) FROM _labels").fetchall()[0][0]
    if not kept:
        raise LinkInputError(
            f"{path}: no labelled pair has both ids in the files ({len(frame):,} pairs read: "
            f"{_unknown_ids_note(con, frame, numbered)})"
        )
    notes = [f"note: --labels {read.header_note}"] if read.header_note else []
    return int(kept), int(len(frame) - kept), notes + truth_footer_warnings("--labels", read)


def evaluate_truth(
    con: duckdb.DuckDBPyConnection,
    truth_path: Path,
    mapping: Mapping,
    cfg: SweepConfig,
    blocking: pd.DataFrame,
    labels: str | None = None,
) -> TruthReport:
    """Blocking recall per rule, and P/R/F1 at the review and auto thresholds and at best;
    with ``labels`` (the table m was counted over), how many true pairs are labels too."""
    read = read_truth(con, truth_path, mapping, ids=("l_ids", "r_ids"))
    text_ids, cols = read.pairs, read.columns
    truth = _numbered_truth(con, text_ids)
    unknown_note = _unknown_ids_note(con, text_ids, truth)
    unknown = int(((truth["l_id"] < 0) | (truth["r_id"] < 0)).sum())
    recall = blocking_recall(con, truth)
    per_rule = dict(zip(recall["rule"], recall["true_pairs"], strict=True))
    report = blocking[["rule", "pairs", "capped_keys"]].copy()
    report["true_pairs"] = [int(per_rule.get(r, 0)) for r in report["rule"]]
    n_truth = len(truth)
    found = int(per_rule.get("ALL", 0))
    con.register("_truth_df", truth)
    curves = {}
    for weight in ("match_weight", "auto_weight"):  # the auto band is read off auto_weight
        counts = con.execute(f"""
            SELECT s.{weight} AS threshold, count(*) AS predicted,
                   count(t.l_id) AS true_positive
            FROM scored_pairs s LEFT JOIN _truth_df t USING (l_id, r_id)
            WHERE s.{weight} IS NOT NULL
            GROUP BY s.{weight}
        """).df()
        curves[weight] = curve_from_counts(counts, n_truth)
    labelled = 0
    if labels is not None:
        labelled = con.execute(
            f"SELECT count(*) FROM _truth_df SEMI JOIN {labels} USING (l_id, r_id)"
        ).fetchall()[0][0]
    con.unregister("_truth_df")
    curve = curves["match_weight"]
    return TruthReport(
        columns=cols,
        truth_pairs=n_truth,
        blocking=report,
        blocking_recall=found / n_truth if n_truth else None,
        at_review=metrics_from_curve(curve, cfg.match.review_threshold, n_truth),
        at_auto=metrics_from_curve(curves["auto_weight"], cfg.match.auto_threshold, n_truth),
        at_even_odds=metrics_from_curve(curve, 0.0, n_truth),
        best=best_f1(curve),
        curve=curve,
        labelled_pairs=int(labelled),
        unknown_pairs=unknown,
        unknown_note=unknown_note,
        header_note=read.header_note,
        warnings=truth_footer_warnings("--truth", read),
    )


LINK_STEPS = ("read", "block", "score", "write", "evaluate")


def link(
    left: Path,
    right: Path,
    mapping: Mapping,
    out: Path | None,
    cfg: SweepConfig | None = None,
    model: Model | None = None,
    truth: Path | None = None,
    work_dir: Path | None = None,
    stage: Callable[[str], AbstractContextManager[object]] | None = None,
    labels: Path | None = None,
) -> LinkResult:
    """Link ``left`` against ``right`` as ``mapping`` says and write the scored pairs to
    ``out`` (Parquet; None: not written). A given ``model`` is reused instead of training;
    given ``labels`` (a file of true id pairs), training takes m from them instead of EM.
    ``stage(name)`` wraps each step (the CLI's progress bar); see :data:`LINK_STEPS`."""
    if model is not None and labels is not None:
        raise LinkInputError("--labels trains a model and --model reuses one: give one of them")
    cfg = cfg or SweepConfig()
    stage = stage or (lambda _name: nullcontext())
    started = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(name: str, t0: float) -> float:
        now = time.perf_counter()
        timings[name] = round(now - t0, 3)
        return now

    with working_database(cfg, work_dir) as con:
        t = time.perf_counter()
        with stage("read"):
            left_stats = read_side(con, Path(left), mapping, "left")
            # Sized before the right side is read where its footer gives the rows, then
            # to the rows read (a CSV's are known only then).
            set_memory_limit(con, cfg.engine, parquet_rows(con, Path(right)))
            right_stats = read_side(con, Path(right), mapping, "right")
            memory_limit = set_memory_limit(con, cfg.engine, right_stats.rows)
        t = lap("read_and_map", t)
        # nothing but the comparison reads the right side's phones: normalised for the
        # compared people only
        with stage("block"):
            blocking = block(con, cfg, right_phones=False)
        t = lap("normalise_and_block", t)
        warnings = _input_warnings(con, model, (left_stats, right_stats), mapping)
        if capped := capped_warning(blocking, cfg.blocking):
            warnings.append(capped)
        reused = model is not None
        labels_used = labels_unknown = labels_candidates = None
        with stage("score"):
            if labels is not None:
                labels_used, labels_unknown, labels_notes = load_labels(con, Path(labels), mapping)
                warnings += labels_notes
                labels_candidates = con.execute(
                    "SELECT count(*) FROM _labels SEMI JOIN candidates USING (l_id, r_id)"
                ).fetchall()[0][0]
            model = compare_and_score(
                con, cfg, model, right_phones=False, labels="_labels" if labels else None
            )
        t = lap("compare_train_score", t)
        warnings += _scoring_warnings(con, None if reused else model, mapping)
        n_pairs = con.execute("SELECT count(*) FROM scored_pairs").fetchall()[0][0]
        bands = {b: 0 for b in ("auto", "review", "discard")}
        bands.update(
            dict(con.execute("SELECT band, count(*) FROM scored_pairs GROUP BY 1").fetchall())
        )
        if out is not None:
            with stage("write"):
                meta = dict(zip(PAIRS_METADATA, (model.to_json(), cfg.to_json()), strict=True))
                write_pairs(con, Path(out), metadata=meta)
            t = lap("write", t)
        report = None
        if truth is not None:
            with stage("evaluate"):
                report = evaluate_truth(
                    con, Path(truth), mapping, cfg, blocking, "_labels" if labels else None
                )
            t = lap("evaluate", t)
    return LinkResult(
        left=left_stats,
        right=right_stats,
        candidate_pairs=int(n_pairs),
        bands={k: int(v) for k, v in bands.items()},
        blocking=blocking,
        model=model,
        out=Path(out) if out is not None else None,
        seconds=round(time.perf_counter() - started, 3),
        timings=timings,
        truth=report,
        warnings=warnings,
        memory_limit=memory_limit,
        labels_used=labels_used,
        labels_unknown=labels_unknown,
        labels_candidates=labels_candidates,
    )


def footer_warnings(
    whose: str,
    what: str,
    how: str,
    short: tuple[int, int, int] | None,
    width: int,
    rows: int,
    first_at: str,
) -> list[str]:
    """The warnings for a file's footer, left out: ``short`` (first line, lines, fields of
    the first) with fewer fields than the header's ``width``, and ``rows`` as wide as the
    header (the first at ``first_at``, told ``how``). ``whose``: "right", "--truth"...;
    ``what``: what such a line is not ("person", "pair"). Counts and lines only."""
    out = []
    if rows:
        out.append(
            f"warning: {rows:,} {whose} row(s) at the end of the file are a footer or total "
            f"line (first at {first_at}: {how}): no {what}, left out"
        )
    if short:
        first, lines, fields = short
        out.append(
            f"warning: {lines:,} {whose} line(s) at the end of the file have fewer fields than "
            f"the header (first at line {first:,}: {fields} of {width}; a footer or total "
            f"line?): no {what}, left out"
        )
    return out


def truth_footer_warnings(option: str, read: TruthPairs) -> list[str]:
    """:func:`footer_warnings` for a ``--truth`` or ``--labels`` file (``option``), and its
    rows with an id missing."""
    empty = (
        [
            f"warning: {read.empty_id_rows:,} {option} row(s) have an empty id (first at "
            f"{read.first_empty_id_at}): no pair, left out"
        ]
        if read.empty_id_rows
        else []
    )
    return empty + footer_warnings(
        option,
        "pair",
        "a total's word for an id of neither file, the other id empty or a number",
        read.short_footer,
        read.header_fields,
        read.footer_rows,
        read.first_footer_at,
    )


# Above this share of a side's rows with a date of birth that cannot be read, the run warns:
# the mapping's date_format is likely wrong for the file (day and month the other way round).
DOB_UNREAD_WARN_SHARE = 0.05


def _input_warnings(
    con: duckdb.DuckDBPyConnection,
    model: Model | None,
    stats: tuple[SideStats, SideStats],
    mapping: Mapping,
) -> list[str]:
    """A side with no names leaves every training block empty, and names with no letter in
    them are compared as missing. A side with no date of birth at all leaves two of the
    three training blocks empty: the match rate then comes from the rare-full-name block
    alone and the name levels are not learned, so the bands are rougher. Dates of birth the
    mapping's format cannot read are missing: many of them mean the format is wrong. Phones
    in scientific notation that lost digits are not used. Say so."""
    out = []
    for side, label in (("l", "left"), ("r", "right")):
        named, with_text = con.execute(
            f"SELECT count(*) FILTER (WHERE fn IS NOT NULL OR sn IS NOT NULL), "
            f"(SELECT count(*) FROM {side}_src_person "
            f"WHERE forenames IS NOT NULL OR surname IS NOT NULL) FROM {side}_person"
        ).fetchall()[0]
        if named == 0:
            emptied = f" ({with_text:,} have one of titles, digits or symbols only)"
            out.append(
                f"warning: no {label} record has a name{emptied if with_text else ''}: every "
                "training block joins on names, so the match rate cannot be learned and true "
                "pairs score low; map the name columns"
            )
        elif with_text > named:
            out.append(
                f"warning: {with_text - named:,} {label} record(s) have a name with nothing left "
                "once titles, digits and symbols are taken out: compared as having no name"
            )
    for (side, label), st in zip((("l", "left"), ("r", "right")), stats, strict=True):
        if st.empty_rows:
            out.append(
                f"warning: {st.empty_rows:,} {label} row(s) have nothing in any mapped field but "
                f"the id (first at {st.first_empty_at}; a footer or total line?): nothing to "
                "match on, left out"
            )
        short = (
            (st.first_footer_line, st.footer_lines, st.footer_fields)
            if st.footer_lines and st.first_footer_line
            else None
        )
        out += footer_warnings(
            label,
            "person",
            "a total's word in the id or first column, every other field empty or a number",
            short,
            st.header_fields,
            st.footer_rows,
            st.first_footer_at,
        )
        n = con.execute(f"SELECT count(dob) FROM {side}_person").fetchall()[0][0]
        fmt = f"[{label}].date_format ({', '.join(mapping.side(label).date_format)})"
        advice = "(or they are impossible): compared as missing; check the format"
        if st.dob_excel_serials:  # the format that reads them, in place of the one given or beside
            key = f"[{label}].date_format"
            fix = (
                f'set {key} = "{EXCEL_DATE_FORMAT}"'
                if n == 0
                else f'add "{EXCEL_DATE_FORMAT}" to {key}'
            )
            advice = (
                f"(or they are impossible): compared as missing; {st.dob_excel_serials:,} of "
                f"them are numbers as Excel stores dates (days since {EXCEL_EPOCH}): {fix}"
            )
        if st.dob_bare_years:  # told however few: a year is evidence the format throws away
            out.append(
                f"warning: {st.dob_bare_years:,} {label} dates of birth are a year alone (such "
                f'as 1985), which {fmt} does not read: compared as missing; add "%Y" to '
                f"[{label}].date_format to read each as 1 January of its year (a date of birth "
                "in the same year then agrees at its own level, same_year)"
            )
        other = st.dob_unparsed > st.dob_bare_years  # not all told of just above
        if n == 0 and other:
            out.append(
                f"warning: {fmt} reads none of the {st.dob_unparsed:,} {label} dates of birth "
                f"{advice}"
            )
        elif other and st.dob_unparsed > DOB_UNREAD_WARN_SHARE * st.rows:
            out.append(
                f"warning: {fmt} does not read the dates of birth of {st.dob_unparsed:,} of "
                f"{st.rows:,} {label} rows {advice}"
            )
        for column, lost in st.phones_lost:
            out.append(
                f"warning: {lost:,} {label} phone value(s) in column {column!r} are in scientific "
                "notation with digits lost (fewer digits before the E than the number has, as "
                "Excel writes a long number): not used, as they would meet other people's "
                "numbers; export the column as text"
            )
        if n == 0 and model is None:
            out.append(
                f"warning: no {label} record has a usable date of birth: the name levels cannot be "
                "learned and the match rate comes from rare full names alone, so the bands "
                "are rough; check them with --truth, or reuse a --model"
            )
    return out


# A side's forenames and surname look mapped the wrong way round when at least this many
# candidate pairs born the same day agree only with the names swapped, and more of them than
# agree as written.
SWAPPED_NAMES_MIN_PAIRS = 20


def _toml_columns(cols: tuple[str, ...]) -> str:
    """A mapping key's columns as TOML writes them: "a", or ["a", "b"]."""
    quoted = [f'"{c}"' for c in cols]
    return quoted[0] if len(quoted) == 1 else f"[{', '.join(quoted)}]"


# Which side's names are the wrong way round, from each side's own names: a forename tells a
# person's sex (nearly everyone called it is one sex) and a surname does not. A side's
# forenames "look like surnames" when its surnames tell sex better than its forenames by
# this share of people, over names held by two or more people of known sex (at least
# NAME_SEX_MIN_PEOPLE such people for each). (A list of forenames was tried: the nicknames
# package's holds Lee, Kay, Day, King and Wood, and took a side of plain English names for
# the swapped one.)
NAME_SEX_MARGIN = 0.15
NAME_SEX_MIN_PEOPLE = 20


def _names_look_swapped(con: duckdb.DuckDBPyConnection, side: str) -> bool | None:
    """Whether ``side``'s (``l`` or ``r``) forenames look like surnames and its surnames like
    forenames (True), the right way round (False), or neither can be told (None: no sex
    mapped, too few names held by several people, or no clear difference), by how well each
    tells its people's sex (:data:`NAME_SEX_MARGIN`). Counts of the side's own names only."""

    def by_sex(col: str) -> str:
        return f"""(SELECT [sum(top) / sum(n), sum(n)] FROM (
            SELECT count(*) AS n, greatest(count(*) FILTER (WHERE sex = 'M'),
                                           count(*) FILTER (WHERE sex = 'F')) AS top
            FROM {side}_person WHERE sex IN ('M', 'F') AND {col} IS NOT NULL
            GROUP BY {col} HAVING count(*) >= 2))"""

    fn_sex, sn_sex = con.execute(f"SELECT {by_sex('fn')}, {by_sex('sn')}").fetchall()[0]
    if (
        fn_sex[1] is None
        or sn_sex[1] is None
        or min(fn_sex[1], sn_sex[1]) < NAME_SEX_MIN_PEOPLE
        or abs(fn_sex[0] - sn_sex[0]) < NAME_SEX_MARGIN
    ):
        return None
    return sn_sex[0] > fn_sex[0]


def _swapped_side(con: duckdb.DuckDBPyConnection) -> str | None:
    """The side ("left" or "right") whose names look the wrong way round while the other's
    look right, or None where the evidence does not say which (:func:`_names_look_swapped`)."""
    looks = {label: _names_look_swapped(con, s) for label, s in SIDES.items()}
    if looks["left"] and looks["right"] is False:
        return "left"
    if looks["right"] and looks["left"] is False:
        return "right"
    return None


def _swapped_names_advice(mapping: Mapping, side: str | None = None) -> str:
    """What to set when names agree mostly with forename and surname swapped. The pairs say
    the names are swapped between the sides, not which side; ``side``, where the sides' own
    names tell (:func:`_swapped_side`), is the one to change: its full name's order, or its
    two name columns. Else every side's change is given, for the user to choose: a full
    name's order is the mapping's guess, but separate columns can be named the wrong way
    round as well. Nothing is switched by itself: a mapping says what the file holds."""
    other = {o: FULL_NAME_ORDERS[1 - FULL_NAME_ORDERS.index(o)] for o in FULL_NAME_ORDERS}

    def change(name: str) -> str:
        m = mapping.side(name)
        if m.full_name:
            return f'set [{name}].full_name_order = "{other[m.full_name_order]}"'
        return (
            f"swap them under [{name}] (forenames = {_toml_columns(m.surname)}, "
            f"surname = {_toml_columns(m.forenames)})"
        )

    if side is not None:
        m = mapping.side(side)
        if m.full_name:
            order = other[m.full_name_order]
            how = '("SMITH John")' if order == "surname_first" else '("John Smith")'
            written = order.replace("_", " ")
            return (
                f"the [{side}] full name looks written {written} {how}: {change(side)} in "
                f"{mapping.source}"
            )
        return (
            f"the [{side}] forenames and surname look mapped the wrong way round (its "
            f"forenames read as surnames): {change(side)} in {mapping.source}"
        )
    return (
        "one side's names look the wrong way round, and its own names do not tell which: "
        f"{' or '.join(change(name) for name in SIDES)} in {mapping.source}, for the side "
        "whose names are the wrong way round"
    )


def _scoring_warnings(
    con: duckdb.DuckDBPyConnection, trained: Model | None, mapping: Mapping
) -> list[str]:
    """Training that found no match (``trained``: the model if trained in this run), and
    names that agree mostly the wrong way round (with the mapping key to set): either way
    true pairs score low."""
    out = []
    if trained is not None and (note := training_warning(trained)):
        out.append(note)
    swapped, written = con.execute(
        "SELECT count(*) FILTER (WHERE name_order_level = 'swapped'), "
        "count(*) FILTER (WHERE name_order_level = 'as_written' "
        f"AND forename_level IN {FORENAME_EXACT}) "
        "FROM scored_pairs WHERE dob_level = 'exact'"
    ).fetchall()[0]
    if swapped >= SWAPPED_NAMES_MIN_PAIRS and swapped > written:
        out.append(
            f"warning: {swapped:,} candidate pairs born the same day agree on their names only "
            f"with forename and surname swapped, against {written:,} as written: "
            f"{_swapped_names_advice(mapping, _swapped_side(con))}"
        )
    return out


# --- the printed summary (no names or dates of birth: counts, ids of files and rules only) ------


def _fmt(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def summary_lines(result: LinkResult, left: Path, right: Path) -> list[str]:
    """The short summary ``sweep link`` prints: rows in, pairs by band, time, and (with a
    truth file) the blocking report and precision/recall/F1."""
    lines = []
    for label, path, s in (("left ", left, result.left), ("right", right, result.right)):
        headers = (
            f" (and {s.header_rows:,} repeating the header, left out)" if s.header_rows else ""
        )
        lines.append(
            f"{label} {Path(path).name}: {s.rows:,} rows{headers}, {s.people:,} people, "
            f"{s.aliases:,} alias records, {s.dob_unparsed:,} dates of birth not parsed or "
            "impossible (NULL)"
        )
    b = result.bands
    lines.append(
        f"candidate pairs: {result.candidate_pairs:,} (auto {b.get('auto', 0):,}, "
        f"review {b.get('review', 0):,}, discard {b.get('discard', 0):,})"
    )
    people = max(result.left.people, 1)
    lines.append(
        f"review load: {(b.get('auto', 0) + b.get('review', 0)) / people:.4f} lines (auto or "
        "review) per left person"
    )
    steps = ", ".join(f"{k} {v:.1f}" for k, v in result.timings.items())
    lines.append(
        f"time: {result.seconds:.1f} s ({steps}); DuckDB memory limit {result.memory_limit}"
    )
    if result.out is not None:
        lines.append(f"pairs written to {result.out}")
    household = result.model.training.get("household", {})
    if household.get("pairs"):  # as the model was trained (this run, or a reused model's)
        lines.append(
            f"households: {household['surname_agree']:,} of {household['pairs']:,} pairs of "
            "different people at one dwelling share a surname; at a shared home a shared "
            f"surname with another forename counts as family ({household['family']:.3f})"
        )
    if household.get("twin_pairs"):
        lines.append(
            f"twins: {household['twin_same_day']:,} of {household['twin_pairs']:,} pairs at one "
            "dwelling with one surname and another sex were born the same day; there a "
            f"shared birthday with another forename counts as twins' ({household['twins']:.3f})"
        )
    if result.labels_used is not None:
        lines.append(
            f"m from {result.labels_used:,} labelled true pairs ({result.labels_unknown:,} "
            "naming an id that is not in its file left out); u from random pairs, the match "
            "rate by EM"
        )
        found = result.labels_candidates or 0
        share = found / result.labels_used if result.labels_used else None
        lines.append(
            f"labelled pairs among the candidates: {found:,} of {result.labels_used:,} "
            f"(blocking recall on the labels {_fmt(share, 4)})"
        )
    lines += result.warnings
    t = result.truth
    if t is None:
        return lines
    columns = (
        f"columns 1 and 2; {t.header_note}"
        if t.header_note
        else f"columns {t.columns[0]}, {t.columns[1]}"
    )
    lines += ["", f"truth: {t.truth_pairs:,} pairs ({columns})", *t.warnings]
    if t.unknown_pairs:
        lines.append(
            f"  {t.unknown_pairs:,} of them name an id that is not in its file: counted as "
            f"missed ({t.unknown_note})"
        )
    if t.labelled_pairs:
        lines.append(
            f"  {t.labelled_pairs:,} of them are also labels: m was counted over them, so the "
            "figures below are not held out"
        )
    wide = max([len("blocking rule"), *map(len, t.blocking["rule"])])
    lines.append(f"{'blocking rule':<{wide}} {'pairs':>12} {'true pairs':>11} {'capped keys':>12}")
    for row in t.blocking.itertuples(index=False):
        lines.append(
            f"{row.rule:<{wide}} {row.pairs:>12,} {row.true_pairs:>11,} {row.capped_keys:>12,}"
        )
    found = round((t.blocking_recall or 0) * t.truth_pairs)
    lines.append(
        # four digits: the target is 0.999, and 0.9996 must not print as 1.000
        f"blocking recall: {_fmt(t.blocking_recall, 4)} ({found:,} of {t.truth_pairs:,} true pairs "
        "are candidates)"
    )
    lines.append(
        f"{'':<16} {'threshold':>9} {'predicted':>10} {'true pos':>9} {'precision':>9} "
        f"{'recall':>7} {'f1':>6}"
    )
    rows = (
        ("review (default)", t.at_review),
        ("auto", t.at_auto),
        ("p >= 0.5", t.at_even_odds),
        ("best F1", t.best),
    )
    for label, m in rows:
        thr = "-" if m["threshold"] is None else f"{m['threshold']:.2f}"
        lines.append(
            f"{label:<16} {thr:>9} {m['predicted']:>10,} {m['true_positive']:>9,} "
            f"{_fmt(m['precision']):>9} {_fmt(m['recall']):>7} {_fmt(m['f1']):>6}"
        )
    false_lines = t.at_review["predicted"] - t.at_review["true_positive"]
    lines.append(
        f"false lines at the review band: {false_lines:,} ({false_lines / people:.4f} per left "
        "person)"
    )
    return lines
