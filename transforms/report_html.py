"""The operator's HTML run report: one self-contained page per run.

Sections: progress (burn-up toward the target date), flags by kind, severity and route, the
match-score distribution by band with its thresholds, data quality (quarantine and the
read = accepted + quarantined reconciliation), stage timings, and run history. Every chart is
inline SVG (``transforms.charts``, ``transforms.burnup``), the stylesheet is inline and there
is no script, so the file opens offline and prints as it shows.

Built from the published DuckDB opened read-only (``report_from_database``), or from the same
tables as frames (``report_from_frames``); both aggregate in SQL, so the page carries counts
and ids only, never a name, date of birth or address. Pure: no Prefect, no writes.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape
from pathlib import Path

import duckdb
import pandas as pd

from transforms.burnup import burnup_svg
from transforms.charts import bar_chart, histogram, nice_ticks
from transforms.config import CampaignConfig, MatchConfig
from transforms.html_table import html_table, plain

FLAG_KINDS = {
    "misconduct": "potential misconduct",
    "association": "off-duty association",
    "welfare": "welfare",
}
# Welfare flags carry severity "welfare" (a route to support, not a seriousness).
SEVERITY_COLOURS = {
    "high": "#D55E00",
    "medium": "#E69F00",
    "low": "#56B4E9",
    "welfare": "#CC79A7",
    "none": "#999999",
}
BAND_COLOURS = {"discard": "#999999", "review": "#E69F00", "auto": "#0072B2"}
HISTOGRAM_MAX_BINS = 60  # wider bins beyond this; a threshold is always a bin edge
LOG_SCALE_RATIO = 50  # largest / smallest non-empty bin above this: log count axis
CAMPAIGN_FIELDS = ("target_records", "start_date", "target_date")
MATCH_FIELDS = ("review_threshold", "auto_threshold")
HISTORY_RUNS = 14  # runs shown in the history table unless the caller asks for another number

STYLE = """
body { font-family: sans-serif; color: #111; margin: 1.5em auto; max-width: 1100px;
       padding: 0 1em; line-height: 1.4; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; border-bottom: 2px solid #0072B2; padding-bottom: 0.1em;
     margin-top: 1.6em; }
.status { font-weight: bold; padding: 0.1em 0.5em; border-radius: 3px; color: #fff; }
.status.on-track { background: #009E73; }
.status.behind { background: #D55E00; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.92em; }
th, td { border: 1px solid #bbb; padding: 0.2em 0.6em; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #eef3f8; }
tr.bad td { background: #fde0d0; font-weight: bold; }
figure { margin: 0; display: table; }
figcaption { display: table-caption; caption-side: bottom; padding-top: 0.3em; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.2em; }
td { white-space: nowrap; }
.charts { display: flex; flex-wrap: wrap; gap: 1em; align-items: flex-start; }
svg { max-width: 100%; height: auto; border: 1px solid #ddd; }
.note { color: #444; font-size: 0.9em; }
#warnings { border-left: 6px solid #D55E00; background: #fdf0e8; padding: 0.1em 1em; }
#warnings h2 { border-bottom: none; }
footer { margin-top: 2em; color: #555; font-size: 0.85em; }
@media print {
  body { margin: 0; max-width: none; }
  section { break-inside: avoid; page-break-inside: avoid; }
  h2 { break-after: avoid; }
  svg { border: none; }
}
"""


@dataclass(frozen=True)
class ReportData:
    """Everything the page shows, already aggregated (counts and ids only)."""

    run_id: str
    run_date: str
    progress: dict[str, object]
    progress_history: pd.DataFrame  # every run: run_date, screened_total, checked_total
    campaign: CampaignConfig
    match: MatchConfig
    flags: pd.DataFrame  # flag_kind, severity, route, status, flags (open flags only)
    flag_status: pd.DataFrame  # status, flags (every flag of the run, open or not)
    weight_edges: list[float]
    weight_counts: list[int]
    band_counts: pd.DataFrame  # band, pairs
    non_finite_weights: int
    row_counts: pd.DataFrame  # table, rows_read, rows_accepted, rows_quarantined, reconciled
    quarantine: pd.DataFrame  # table, rule, field, action, lines
    stage_timings: pd.DataFrame  # stage, seconds, peak_rss_mib
    run_history: pd.DataFrame  # last N runs: run_id, run_date, screened, flags, seconds
    revetting_referrals: int | None
    warnings: tuple[str, ...] = ()  # the run's warnings (run_warnings), in the order raised


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }


def weight_edges(lo: float, hi: float, thresholds: Sequence[float]) -> list[float]:
    """Histogram edges covering [lo, hi]: a round width (>= 1 bit) giving at most
    ``HISTOGRAM_MAX_BINS`` bins, plus every threshold inside, so no bin straddles two bands."""
    step = max(1.0, nice_ticks(0.0, max(hi - lo, 1.0), HISTOGRAM_MAX_BINS)[1])
    start = math.floor(lo / step) * step
    stop = math.floor(hi / step) * step + step  # hi itself falls in the last, half-open bin
    edges = [start + i * step for i in range(round((stop - start) / step) + 1)]
    edges += [t for t in thresholds if start < t < stop]
    return sorted(set(edges))


def _weight_histogram(
    con: duckdb.DuckDBPyConnection, match: MatchConfig
) -> tuple[list[float], list[int], int]:
    """Counts of candidate-pair match weights per bin, binned in DuckDB (a range join on the
    edge list), and the number of pairs with no finite weight."""
    lo, hi, bad = con.execute(
        """SELECT min(match_weight) FILTER (WHERE isfinite(match_weight)),
                  max(match_weight) FILTER (WHERE isfinite(match_weight)),
                  count(*) FILTER (WHERE match_weight IS NULL OR NOT isfinite(match_weight))
           FROM candidate_matches"""
    ).fetchone()
    if lo is None:
        return [], [], int(bad)
    edges = weight_edges(float(lo), float(hi), (match.review_threshold, match.auto_threshold))
    rows = con.execute(
        """WITH e AS (SELECT unnest(range(len($lo))) AS i, unnest($lo) AS lo, unnest($hi) AS hi)
           SELECT e.i, count(c.match_weight)
           FROM e LEFT JOIN candidate_matches c
             ON c.match_weight >= e.lo AND c.match_weight < e.hi AND isfinite(c.match_weight)
           GROUP BY e.i ORDER BY e.i""",
        {"lo": edges[:-1], "hi": edges[1:]},
    ).fetchall()
    return edges, [int(n) for _, n in rows], int(bad)


def _run_config(
    con: duckdb.DuckDBPyConnection, run_id: str, have: set[str]
) -> tuple[CampaignConfig, MatchConfig]:
    """The campaign and match settings this run recorded (defaults for any it lacks). Only
    the fields the page needs are read, so a config from an older or newer version, with keys
    this one does not know, still renders."""
    raw: dict = {}
    if "runs" in have:
        row = con.execute("SELECT config_json FROM runs WHERE run_id = ?", [run_id]).fetchone()
        if row and row[0]:
            raw = json.loads(row[0])

    def pick(section: str, fields: tuple[str, ...]) -> dict:
        given = raw.get(section) or {}
        return {k: given[k] for k in fields if k in given}

    return (
        CampaignConfig(**pick("campaign", CAMPAIGN_FIELDS)),
        MatchConfig(**pick("match", MATCH_FIELDS)),
    )


def _latest_run(con: duckdb.DuckDBPyConnection, have: set[str]) -> str:
    """The newest run: latest run date, then run id (ids start with the start time)."""
    orders = {"progress_history": "run_date DESC, run_id DESC", "runs": "started_at DESC"}
    for table, order in orders.items():
        if table in have:
            row = con.execute(f"SELECT run_id FROM {table} ORDER BY {order} LIMIT 1").fetchone()
            if row:
                return str(row[0])
    raise ValueError("no run recorded: neither progress_history nor runs has a row")


def _df(con: duckdb.DuckDBPyConnection, sql: str, params: object = None) -> pd.DataFrame:
    return con.execute(sql, params).df() if params is not None else con.execute(sql).df()


def collect(
    con: duckdb.DuckDBPyConnection, run_id: str | None = None, *, history_runs: int = HISTORY_RUNS
) -> ReportData:
    """Aggregate the report's figures from the published tables on ``con``.

    ``run_id`` defaults to the latest run. Tables a run did not publish give empty sections
    rather than an error, so an older database still renders.
    """
    have = _tables(con)
    run_id = run_id or _latest_run(con, have)
    campaign, match = _run_config(con, run_id, have)
    empty = pd.DataFrame()

    history = (
        _df(con, "SELECT * FROM progress_history ORDER BY run_date, run_id")
        if "progress_history" in have
        else empty
    )
    mine = history[history["run_id"] == run_id] if len(history) else history
    if not len(mine):
        raise ValueError(f"run {run_id} is not in progress_history")
    progress = {k: (None if pd.isna(v) else v) for k, v in mine.iloc[-1].to_dict().items()}
    history = history[history["run_date"] <= progress["run_date"]]

    if "flags" in have:
        flags = _df(
            con,
            """SELECT flag_kind, coalesce(severity, 'none') AS severity, route,
                      count(*) AS flags
               FROM flags WHERE status IN ('new', 'unchanged', 'updated', 'reopened')
               GROUP BY ALL ORDER BY ALL""",
        )
        flag_status = _df(
            con,
            "SELECT status, count(*) AS flags FROM flags GROUP BY ALL ORDER BY flags DESC, status",
        )
    else:
        flags = pd.DataFrame(columns=["flag_kind", "severity", "route", "flags"])
        flag_status = pd.DataFrame(columns=["status", "flags"])

    if "candidate_matches" in have:
        edges, counts, bad = _weight_histogram(con, match)
        bands = _df(
            con,
            """SELECT band, count(*) AS pairs FROM candidate_matches GROUP BY band
               ORDER BY CASE band WHEN 'auto' THEN 0 WHEN 'review' THEN 1 ELSE 2 END""",
        )
    else:
        edges, counts, bad, bands = [], [], 0, pd.DataFrame(columns=["band", "pairs"])

    row_counts = (
        _df(
            con,
            """SELECT "table", rows_read, rows_accepted, rows_quarantined,
                      rows_read = rows_accepted + rows_quarantined AS reconciled
               FROM row_counts ORDER BY 1""",
        )
        if "row_counts" in have
        else pd.DataFrame(columns=["table", "rows_read", "rows_accepted", "rows_quarantined"])
    )
    quarantine = (
        _df(
            con,
            f"""SELECT "table", rule, field, {_quarantine_action(con)}, count(*) AS lines
               FROM quarantine GROUP BY ALL ORDER BY "table", lines DESC, rule, field""",
        )
        if "quarantine" in have
        else pd.DataFrame(columns=["table", "rule", "field", "action", "lines"])
    )
    timings = (
        _df(con, "SELECT stage, seconds, peak_rss_mib FROM stage_timings")
        if "stage_timings" in have
        else pd.DataFrame(columns=["stage", "seconds", "peak_rss_mib"])
    )

    duration = (
        """LEFT JOIN (SELECT run_id, date_diff('second', started_at::TIMESTAMPTZ,
                             finished_at::TIMESTAMPTZ) AS seconds FROM runs) r USING (run_id)"""
        if "runs" in have
        else "LEFT JOIN (SELECT NULL::VARCHAR AS run_id, NULL::BIGINT AS seconds) r USING (run_id)"
    )
    run_history = _df(
        con,
        f"""SELECT run_date, run_id, screened_this_run, screened_total, checked_total,
                   flags_misconduct, flags_association, flags_welfare,
                   flags_misconduct + flags_association + flags_welfare AS flags_open,
                   r.seconds
            FROM progress_history {duration}
            WHERE run_date <= $d
            ORDER BY run_date DESC, run_id DESC LIMIT $n""",
        {"d": str(progress["run_date"]), "n": max(int(history_runs), 1)},
    )

    warnings = run_warnings(con, run_id, have)

    referrals = None
    if "revetting_referrals" in have:
        cols = {
            r[0]
            for r in con.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = 'revetting_referrals'"
            ).fetchall()
        }
        where = " WHERE run_id = ?" if "run_id" in cols else ""
        referrals = int(
            con.execute(
                f"SELECT count(*) FROM revetting_referrals{where}", [run_id] if where else None
            ).fetchone()[0]
        )

    return ReportData(
        run_id=run_id,
        run_date=str(progress["run_date"]),
        progress=progress,
        progress_history=history,
        campaign=campaign,
        match=match,
        flags=flags,
        flag_status=flag_status,
        weight_edges=edges,
        weight_counts=counts,
        band_counts=bands,
        non_finite_weights=bad,
        row_counts=row_counts,
        quarantine=quarantine,
        stage_timings=timings,
        run_history=run_history,
        revetting_referrals=referrals,
        warnings=warnings,
    )


def run_warnings(
    con: duckdb.DuckDBPyConnection, run_id: str, have: set[str] | None = None
) -> tuple[str, ...]:
    """The messages of ``run_id``'s warnings, in the order raised (none in a database from
    before ``run_warnings``)."""
    if "run_warnings" not in (have if have is not None else _tables(con)):
        return ()
    rows = con.execute(
        "SELECT message FROM run_warnings WHERE run_id = ? ORDER BY rowid", [run_id]
    ).fetchall()
    return tuple(str(m) for (m,) in rows)


# ---------------------------------------------------------------- rendering


def _kind(code: str) -> str:
    return FLAG_KINDS.get(code, code)


def _warnings_section(d: ReportData) -> str:
    """The run's warnings first, where the operator cannot miss them (none: no section)."""
    if not d.warnings:
        return ""
    items = "".join(f"<li>{escape(w)}</li>" for w in d.warnings)
    return f'<section id="warnings"><h2>Warnings ({len(d.warnings)})</h2><ul>{items}</ul></section>'


def _progress_section(d: ReportData) -> str:
    p = d.progress
    on_track = bool(p.get("on_track"))
    target = int(p.get("target_records") or d.campaign.target_records or 0)
    checked = int(p.get("checked_total") or 0)
    pct = 100.0 * checked / max(target, 1)
    svg = burnup_svg(
        d.progress_history,
        target,
        date.fromisoformat(d.campaign.start_date),
        date.fromisoformat(str(p.get("target_date") or d.campaign.target_date)),
    )
    facts = pd.DataFrame(
        [
            ("run date", d.run_date),
            ("screened this run", plain(p.get("screened_this_run"))),
            ("screened so far", plain(p.get("screened_total"))),
            ("checked so far", f"{checked:,} ({pct:.1f}% of target)"),
            ("awaiting a decision on a flag", plain(p.get("awaiting_decision"))),
            ("rate (checked per day)", plain(p.get("rate_per_day"))),
            ("rate needed to hit the date", plain(p.get("required_rate_per_day"))),
            ("projected completion", p.get("projected_completion") or "not projectable"),
            (
                "re-vetting referrals this run",
                "-" if d.revetting_referrals is None else d.revetting_referrals,
            ),
        ],
        columns=["measure", "value"],
    )
    status = (
        '<span class="status on-track">ON TRACK</span>'
        if on_track
        else '<span class="status behind">BEHIND</span>'
    )
    return (
        '<section id="progress"><h2>Progress toward the target</h2>'
        f"<p>{status} for {target:,} records by "
        f"{escape(str(p.get('target_date') or d.campaign.target_date))} "
        f"(campaign start {escape(d.campaign.start_date)}).</p>"
        f'<div class="charts"><figure id="chart-burnup">{svg}<figcaption class="note">'
        "Records checked (screened with no flag awaiting a decision) after each run, "
        "records screened, and the straight line to the target.</figcaption></figure>"
        f"{html_table(facts, {'measure': 'measure', 'value': 'value'}, numeric=['value'])}"
        "</div></section>"
    )


def _flags_section(d: ReportData) -> str:
    f = d.flags
    kinds = [k for k in FLAG_KINDS if k in set(f["flag_kind"])] + sorted(
        set(f["flag_kind"]) - set(FLAG_KINDS)
    )
    sevs = [s for s in SEVERITY_COLOURS if s in set(f["severity"])] + sorted(
        set(f["severity"]) - set(SEVERITY_COLOURS)
    )
    pivot = f.pivot_table(
        index="flag_kind", columns="severity", values="flags", aggfunc="sum", fill_value=0
    )
    series = {
        s: [int(pivot.at[k, s]) if k in pivot.index and s in pivot.columns else 0 for k in kinds]
        for s in sevs
    }
    chart = bar_chart(
        [_kind(k) for k in kinds],
        series,
        title="Open flags by kind and severity",
        x_label="open flags (count)",
        y_label="flag kind",
        colours=SEVERITY_COLOURS,
    )
    by_route = f.groupby(["flag_kind", "severity", "route"], as_index=False)["flags"].sum()
    by_route = by_route.sort_values(
        ["flag_kind", "severity", "route"],
        key=lambda col: (
            col.map({v: i for i, v in enumerate([*kinds, *sevs])}).fillna(0)
            if col.name != "route"
            else col
        ),
        ignore_index=True,
    )
    by_route["flag_kind"] = by_route["flag_kind"].map(_kind)
    total = int(f["flags"].sum()) if len(f) else 0
    return (
        '<section id="flags"><h2>Flags for DPS</h2>'
        f"<p>{total:,} open flags (new, unchanged, updated or reopened) go to DPS in this "
        "run's handoff.</p>"
        f'<div class="charts"><figure id="chart-flags">{chart}</figure>'
        + html_table(
            by_route,
            {"flag_kind": "kind", "severity": "severity", "route": "route", "flags": "flags"},
            numeric=["flags"],
            caption="Open flags by kind, severity and route",
            cls="flags-by-route",
        )
        + html_table(
            d.flag_status,
            {"status": "status", "flags": "flags"},
            numeric=["flags"],
            caption="All flags by status",
        )
        + "</div></section>"
    )


def _band_of(lo: float, match: MatchConfig) -> str:
    if lo >= match.auto_threshold:
        return "auto"
    return "review" if lo >= match.review_threshold else "discard"


def _scores_section(d: ReportData) -> str:
    m = d.match
    counts = d.weight_counts
    nonzero = [c for c in counts if c > 0]
    log_y = bool(nonzero) and max(nonzero) > LOG_SCALE_RATIO * min(nonzero)
    chart = histogram(
        d.weight_edges,
        counts,
        title="Match weight of every candidate pair, by band",
        x_label="match weight (bits, log2 of the likelihood ratio)",
        y_label="candidate pairs" + (" (log scale)" if log_y else ""),
        colours=[BAND_COLOURS[_band_of(lo, m)] for lo in d.weight_edges[:-1]],
        legend={
            f"discard (< {m.review_threshold:g})": BAND_COLOURS["discard"],
            f"review ({m.review_threshold:g} to < {m.auto_threshold:g})": BAND_COLOURS["review"],
            f"auto (≥ {m.auto_threshold:g})": BAND_COLOURS["auto"],
        },
        markers={
            f"review ≥ {m.review_threshold:g}": m.review_threshold,
            f"auto ≥ {m.auto_threshold:g}": m.auto_threshold,
        },
        log_y=log_y,
        width=900,
        height=360,
    )
    note = (
        f'<p class="note">Candidate pairs with no finite weight, not drawn: '
        f"{d.non_finite_weights:,}.</p>"
        if d.non_finite_weights
        else ""
    )
    return (
        '<section id="scores"><h2>Match-score distribution</h2>'
        f'<div class="charts"><figure id="chart-scores">{chart}<figcaption class="note">'
        f"Bins are up to {_bin_width(d.weight_edges)} wide, split at the band thresholds (dashed) "
        "from this run's configuration, and coloured by the band their weight range falls in. "
        "A pair above the auto threshold only through a rare name stays in review; the table "
        "counts pairs by the band they were given.</figcaption></figure>"
        + html_table(
            d.band_counts,
            {"band": "band", "pairs": "candidate pairs"},
            numeric=["pairs"],
            caption="Candidate pairs by band",
        )
        + f"</div>{note}</section>"
    )


def _bin_width(edges: Sequence[float]) -> str:
    if len(edges) < 2:
        return "-"
    widths = [b - a for a, b in zip(edges, edges[1:], strict=False)]
    return f"{max(widths):g} bit{'s' if max(widths) != 1 else ''}"


def _quarantine_action(con: duckdb.DuckDBPyConnection) -> str:
    """The quarantine's ``action`` column; a database from before it set every row aside."""
    columns = {
        name
        for (name,) in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'quarantine'"
        ).fetchall()
    }
    return "action" if "action" in columns else "'row_quarantined' AS action"


def _quality_section(d: ReportData) -> str:
    q = d.quarantine
    rc = d.row_counts
    ok = bool(rc["reconciled"].all()) if len(rc) else True
    parts = ['<section id="quality"><h2>Data quality</h2>']
    if len(q):
        charts = []
        for col, what in (("table", "input table"), ("rule", "rule broken")):
            by = q.groupby(col, sort=False)["lines"].sum().sort_values(ascending=False)
            charts.append(
                f'<figure id="chart-quarantine-{col}">'
                + bar_chart(
                    [str(k) for k in by.index],
                    {"lines": [int(v) for v in by]},
                    title=f"Quarantine lines by {what}",
                    x_label="lines (one per bad row and rule)",
                    y_label=what,
                    width=460,
                )
                + "</figure>"
            )
        parts.append(f'<div class="charts">{"".join(charts)}</div>')
    parts.append(
        html_table(
            q,
            {
                "table": "table",
                "rule": "rule",
                "field": "field",
                "action": "action",
                "lines": "lines",
            },
            numeric=["lines"],
            caption=(
                "Quarantine lines by table, rule and field: the row set aside "
                "(row_quarantined) or only the value blanked (value_blanked); no values are shown"
            ),
            cls="quarantine",
        )
    )
    if not len(rc):
        verdict = "row counts were not recorded for this run"
    elif ok:
        verdict = "every table reconciles: rows read = accepted + quarantined"
    else:
        verdict = "A TABLE DOES NOT RECONCILE: rows read differ from accepted + quarantined"
    parts.append(f'<p class="reconciliation">{escape(verdict)}.</p>')
    parts.append(
        html_table(
            rc,
            {
                "table": "table",
                "rows_read": "rows read",
                "rows_accepted": "accepted",
                "rows_quarantined": "quarantined",
                "reconciled": "reconciles",
            },
            numeric=["rows_read", "rows_accepted", "rows_quarantined"],
            caption="Reconciliation by input table",
            bad_if="reconciled",
            cls="reconciliation",
        )
    )
    parts.append("</section>")
    return "".join(parts)


def _timings_section(d: ReportData) -> str:
    t = d.stage_timings
    parts = ['<section id="timings"><h2>Stage timings</h2>']
    if len(t):
        chart = bar_chart(
            [str(s) for s in t["stage"]],
            {"seconds": [max(float(v), 0.0) for v in t["seconds"].fillna(0.0)]},
            title="Wall time per stage",
            x_label="seconds",
            y_label="stage",
        )
        total = float(t["seconds"].sum())
        peak = float(t["peak_rss_mib"].max())
        parts.append(
            f'<div class="charts"><figure id="chart-timings">{chart}<figcaption class="note">'
            f"{total:,.1f} s over {len(t)} stages; peak memory {peak:,.0f} MiB."
            "</figcaption></figure>"
        )
    else:
        parts.append('<div class="charts">')
    parts.append(
        html_table(
            t,
            {"stage": "stage", "seconds": "seconds", "peak_rss_mib": "peak memory (MiB)"},
            numeric=["seconds", "peak_rss_mib"],
        )
        + "</div></section>"
    )
    return "".join(parts)


def _history_section(d: ReportData, history_runs: int) -> str:
    return (
        f'<section id="history"><h2>Run history (newest first, up to {history_runs} runs)</h2>'
        + html_table(
            d.run_history,
            {
                "run_date": "date",
                "run_id": "run",
                "screened_this_run": "staff screened",
                "checked_total": "checked so far",
                "flags_misconduct": "misconduct flags",
                "flags_association": "association flags",
                "flags_welfare": "welfare flags",
                "flags_open": "open flags",
                "seconds": "duration (s)",
            },
            numeric=[
                "screened_this_run",
                "checked_total",
                "flags_misconduct",
                "flags_association",
                "flags_welfare",
                "flags_open",
                "seconds",
            ],
            cls="history",
        )
        + "</section>"
    )


def render_html(d: ReportData, *, history_runs: int = HISTORY_RUNS) -> str:
    """The whole page as one string: inline CSS and SVG, no script, no external resource."""
    title = f"Sweep run report {d.run_id}"
    body = [
        _warnings_section(d),
        _progress_section(d),
        _flags_section(d),
        _scores_section(d),
        _quality_section(d),
        _timings_section(d),
        _history_section(d, history_runs),
    ]
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>",
            f"<header><h1>{escape(title)}</h1>"
            f'<p class="note">Run date {escape(d.run_date)}. Counts and ids only: no names, '
            "dates of birth or addresses. Flags themselves are in the DPS handoff and "
            "<code>sweep.duckdb</code>.</p></header>",
            *(section for section in body if section),
            f"<footer>Sweep nightly screening, run {escape(d.run_id)}. Self-contained: opens "
            "offline, prints as shown.</footer>",
            "</body></html>",
            "",
        ]
    )


def report_from_database(
    database: Path, run_id: str | None = None, *, history_runs: int = HISTORY_RUNS
) -> str:
    """The page for ``run_id`` (default: the latest) from the published DuckDB, opened
    read-only so analysts and the next run are never blocked."""
    with duckdb.connect(str(database), read_only=True) as con:
        data = collect(con, run_id, history_runs=history_runs)
    return render_html(data, history_runs=history_runs)


def report_from_frames(
    frames: Mapping[str, pd.DataFrame],
    run_id: str | None = None,
    *,
    history_runs: int = HISTORY_RUNS,
) -> str:
    """The page from published tables held as frames (name -> frame), aggregated by the same
    SQL in an in-memory DuckDB."""
    with duckdb.connect() as con:
        for name, frame in frames.items():
            con.register(f"_f_{name}", frame)
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM "_f_{name}"')
            con.unregister(f"_f_{name}")
        data = collect(con, run_id, history_runs=history_runs)
    return render_html(data, history_runs=history_runs)
