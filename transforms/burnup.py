"""The burn-up chart: records checked night by night against the line to the target date,
as a self-contained SVG (no script, no network at view time)."""

from __future__ import annotations

from datetime import date
from html import escape

import pandas as pd

WIDTH, HEIGHT, PAD = 640, 320, 48


def burnup_svg(history: pd.DataFrame, target_records: int, start: date, target: date) -> str:
    """Checked so far per run (filled dots and line), screened so far (thin line), the straight
    line from the campaign start to the target, and the target itself."""
    runs = history.assign(day=pd.to_datetime(history["run_date"]).dt.date).sort_values("day")
    last = max([target, *runs["day"]]) if len(runs) else target
    span = max((last - start).days, 1)
    top = max(target_records, int(runs["screened_total"].max()) if len(runs) else 0, 1)

    def x(d: date) -> float:
        return PAD + (WIDTH - 2 * PAD) * (d - start).days / span

    def y(v: float) -> float:
        return HEIGHT - PAD - (HEIGHT - 2 * PAD) * v / top

    def line(col: str) -> str:
        return " ".join(
            f"{x(d):.1f},{y(v):.1f}" for d, v in zip(runs["day"], runs[col], strict=True)
        )

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="11">',
        "<title>Burn-up: records checked toward the target</title>",
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" stroke="#444"/>',
        f'<line x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{HEIGHT - PAD}" stroke="#444"/>',
        f'<line x1="{x(start):.1f}" y1="{y(0):.1f}" x2="{x(target):.1f}" '
        f'y2="{y(target_records):.1f}" stroke="#999" stroke-dasharray="4 3"/>',
        f'<line x1="{PAD}" y1="{y(target_records):.1f}" x2="{WIDTH - PAD}" '
        f'y2="{y(target_records):.1f}" stroke="#c33"/>',
        f'<text x="{WIDTH - PAD}" y="{y(target_records) - 4:.1f}" text-anchor="end" '
        f'fill="#c33">target {target_records:,} by {target.isoformat()}</text>',
        f'<text x="{PAD}" y="{HEIGHT - PAD + 16}">{start.isoformat()}</text>',
        f'<text x="{WIDTH - PAD}" y="{HEIGHT - PAD + 16}" text-anchor="end">'
        f"{last.isoformat()}</text>",
        f'<text x="{PAD - 4}" y="{y(0):.1f}" text-anchor="end">0</text>',
    ]
    if len(runs):
        parts.append(f'<polyline points="{line("screened_total")}" fill="none" stroke="#7aa6d8"/>')
        parts.append(
            f'<polyline points="{line("checked_total")}" fill="none" stroke="#1f5fa8" '
            f'stroke-width="2"/>'
        )
        for d, v in zip(runs["day"], runs["checked_total"], strict=True):
            parts.append(
                f'<circle cx="{x(d):.1f}" cy="{y(v):.1f}" r="3" fill="#1f5fa8">'
                f"<title>{escape(d.isoformat())}: {int(v):,} checked</title></circle>"
            )
    parts.append(
        f'<text x="{PAD + 6}" y="{PAD - 8}" fill="#1f5fa8">checked</text>'
        f'<text x="{PAD + 64}" y="{PAD - 8}" fill="#7aa6d8">screened</text>'
        f'<text x="{PAD + 130}" y="{PAD - 8}" fill="#999">needed pace</text>'
    )
    parts.append("</svg>")
    return "\n".join(parts)
