"""One HTML table renderer for the run report and the precision-recall report: each cell is
formatted by its column's formatter, then escaped."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from html import escape

import pandas as pd

Formatter = Callable[[object], str]
NUM = ' class="num"'


def plain(v: object) -> object:
    """numpy scalars to Python, so formatting sees ints as ints."""
    return v.item() if hasattr(v, "item") and not isinstance(v, str) else v


def cell(v: object) -> str:
    """A cell as text: missing as '-', booleans as yes/NO, whole numbers with separators,
    other numbers to 2 decimals."""
    v = plain(v)
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return "-"
    if isinstance(v, bool):
        return "yes" if v else "NO"
    if isinstance(v, int) or (isinstance(v, float) and v.is_integer()):
        return f"{int(v):,}"
    if isinstance(v, float):
        return f"{v:,.2f}"
    return str(v)


def html_table(
    frame: pd.DataFrame,
    columns: Mapping[str, str] | None = None,
    *,
    numeric: Sequence[str] = (),
    caption: str | None = None,
    bad_if: str | None = None,
    cls: str = "",
    fmt: Formatter = cell,
    formatters: Mapping[str, Formatter] | None = None,
) -> str:
    """A plain HTML table of ``columns`` (name -> heading; default every column under its
    name); ``numeric`` columns right-aligned; rows where boolean column ``bad_if`` is false
    are marked ``class="bad"``. ``fmt`` formats every cell unless ``formatters`` names one
    for its column."""
    columns = columns if columns is not None else {str(c): str(c) for c in frame.columns}
    form = {c: (formatters or {}).get(c, fmt) for c in columns}
    head = "".join(
        f'<th scope="col"{" class=num" if c in numeric else ""}>{escape(h)}</th>'
        for c, h in columns.items()
    )
    rows = []
    for rec in frame.to_dict("records"):
        bad = bad_if is not None and not bool(rec.get(bad_if))
        cells = "".join(
            f"<td{NUM if c in numeric else ''}>{escape(form[c](plain(rec[c])))}</td>"
            for c in columns
        )
        rows.append(f"<tr{' class=bad' if bad else ''}>{cells}</tr>")
    if not rows:
        rows.append(f'<tr><td colspan="{len(columns)}" class="note">none</td></tr>')
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    attr = f' class="{cls}"' if cls else ""
    return f"<table{attr}>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
