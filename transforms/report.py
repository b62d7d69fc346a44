"""The operator's run report: progress in words and the burn-up chart (``<run_id>.md`` +
``<run_id>-burnup.svg``), and, given the published database, the full self-contained HTML
page (``<run_id>.html``, ``transforms/report_html.py``). Each file is written atomically and
copied to ``latest.*``."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pandas as pd

from transforms.burnup import burnup_svg
from transforms.config import CampaignConfig
from transforms.progress import progress_markdown
from transforms.report_html import HISTORY_RUNS, report_from_database


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
) -> Path:
    """Write this run's report and chart, and the ``latest`` copies; returns the markdown
    report. With ``database`` (the published DuckDB holding this run) also the HTML page,
    showing up to ``history_runs`` runs of history."""
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
    for stem in (run_id, "latest"):
        write_text_atomic(reports / f"{stem}-burnup.svg", svg)
        text = progress_markdown(row) + f"\n![burn-up toward the target]({stem}-burnup.svg)\n"
        if html is not None:
            write_text_atomic(reports / f"{stem}.html", html)
            text += f"\nThe full report, with flags, scores, data quality and timings: [{stem}.html]({stem}.html)\n"
        write_text_atomic(reports / f"{stem}.md", text)
    return reports / f"{run_id}.md"
