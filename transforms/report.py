"""The operator's short run report: progress in words and the burn-up chart, written
atomically as ``<run_id>.md`` + ``<run_id>-burnup.svg`` and copied to ``latest.*``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from transforms.burnup import burnup_svg
from transforms.config import CampaignConfig
from transforms.progress import progress_markdown


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def write_report(
    reports: Path, run_id: str, row: dict, history: pd.DataFrame, cfg: CampaignConfig
) -> Path:
    """Write this run's report and chart, and the ``latest`` copies; returns the report."""
    reports.mkdir(parents=True, exist_ok=True)
    svg = burnup_svg(
        history,
        cfg.target_records,
        date.fromisoformat(cfg.start_date),
        date.fromisoformat(cfg.target_date),
    )
    for stem in (run_id, "latest"):
        _write(reports / f"{stem}-burnup.svg", svg)
        text = progress_markdown(row) + f"\n![burn-up toward the target]({stem}-burnup.svg)\n"
        _write(reports / f"{stem}.md", text)
    return reports / f"{run_id}.md"
