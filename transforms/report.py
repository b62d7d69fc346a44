"""The operator's run report: progress in words and the burn-up chart (``<run_id>.md`` +
``<run_id>-burnup.svg``), and, given the published database, the full self-contained HTML
page (``<run_id>.html``, ``transforms/report_html.py``). Each file is written atomically and
copied to ``latest.*``."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from transforms.burnup import burnup_svg
from transforms.config import CampaignConfig, SweepConfig
from transforms.progress import progress_markdown
from transforms.report_html import HISTORY_RUNS, report_from_database, run_warnings


def write_text_atomic(path: Path, text: str, *, private: bool = False) -> None:
    """Write ``text`` to a temporary file beside ``path``, fsync it and rename it over: a
    reader sees the old file or the new, never half of one. ``private``: owner-only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            if private:
                os.chmod(tmp, 0o600)
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_report(
    reports: Path,
    run_id: str,
    row: dict,
    history: pd.DataFrame,
    cfg: CampaignConfig,
    database: Path | None = None,
    *,
    history_runs: int = HISTORY_RUNS,
    latest: bool = True,
    warnings: Sequence[str] = (),
) -> Path:
    """Write this run's report and chart, and (``latest``) the ``latest`` copies; returns the
    markdown report, which begins with the run's ``warnings``. With ``database`` (the
    published DuckDB holding this run) also the HTML page, showing up to ``history_runs``
    runs of history."""
    reports.mkdir(parents=True, exist_ok=True)
    svg = burnup_svg(
        history,
        int(row["target_records"]),
        date.fromisoformat(cfg.start_date),
        date.fromisoformat(cfg.target_date),
    )
    html = (
        report_from_database(database, run_id, history_runs=history_runs)
        if database is not None
        else None
    )
    for stem in (run_id, "latest") if latest else (run_id,):
        write_text_atomic(reports / f"{stem}-burnup.svg", svg)
        text = (
            progress_markdown(row, warnings)
            + f"\n![burn-up toward the target]({stem}-burnup.svg)\n"
        )
        if html is not None:
            write_text_atomic(reports / f"{stem}.html", html)
            text += f"\nThe full report, with flags, scores, data quality and timings: [{stem}.html]({stem}.html)\n"
        write_text_atomic(reports / f"{stem}.md", text)
    return reports / f"{run_id}.md"


def write_published_report(database: Path, reports: Path, run_id: str | None = None) -> Path:
    """Write a published run's report from the database alone (default: the latest run,
    which also refreshes the ``latest`` copies): its progress row and history from
    ``progress_history``, the campaign it was measured against from its recorded config.
    The flow writes each run's report so once it has published; ``sweep report`` writes it
    again, the same, for a run whose report failed after that."""
    with duckdb.connect(str(database), read_only=True) as con:
        history = con.execute("SELECT * FROM progress_history ORDER BY rowid").df()
        runs = con.execute("SELECT run_id, config_json FROM runs").df()
        newest = history["run_id"].iloc[-1] if len(history) else None
        run_id = run_id or newest
        warned = run_warnings(con, run_id) if run_id else ()
    if run_id not in set(history["run_id"]):
        raise LookupError(f"{database}: no run {run_id!r} in progress_history")
    upto = history.index[history["run_id"] == run_id][0]
    history = history.loc[:upto].reset_index(drop=True)
    row = {k: (None if pd.isna(v) else v) for k, v in history.iloc[-1].to_dict().items()}
    config_json = runs.loc[runs["run_id"] == run_id, "config_json"]
    if config_json.empty:
        raise LookupError(f"{database}: run {run_id!r} has no row in runs")
    campaign = SweepConfig.from_dict(json.loads(config_json.iloc[0])).campaign
    return write_report(
        reports,
        run_id,
        row,
        history,
        campaign,
        database=database,
        latest=run_id == newest,
        warnings=warned,
    )
