"""The one HTML table renderer: formatting per column, escaping, marks for bad rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from transforms.html_table import cell, html_table


def test_cells_are_formatted_by_kind() -> None:
    assert [cell(v) for v in (None, float("nan"), pd.NA, True, False)] == [
        "-",
        "-",
        "-",
        "yes",
        "NO",
    ]
    assert cell(np.int64(12345)) == "12,345" and cell(3.0) == "3" and cell(0.98765) == "0.99"
    assert cell("O'Brien & Sons") == "O'Brien & Sons"  # escaping is the table's job


def test_table_escapes_formats_and_marks_bad_rows() -> None:
    frame = pd.DataFrame(
        {"measure": ["<script>", "recall"], "value": [0.9956, 2000.0], "ok": [True, False]}
    )
    html = html_table(
        frame,
        {"measure": "what", "value": "how much"},
        numeric=["value"],
        bad_if="ok",
        caption="a & b",
    )
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "<caption>a &amp; b</caption>" in html
    assert '<td class="num">1.00</td>' in html and '<td class="num">2,000</td>' in html
    assert html.count("<tr class=bad>") == 1  # the row whose ok is false
    assert "ok" not in html  # only the columns asked for


def test_every_column_by_default_and_formatters_per_column() -> None:
    frame = pd.DataFrame({"name": ["p"], "rate": [0.12345], "n": [7]})
    html = html_table(frame, fmt=lambda v: f"<{v}>", formatters={"rate": lambda v: f"{v:.3f}"})
    assert '<th scope="col">name</th>' in html and '<th scope="col">n</th>' in html
    assert "<td>&lt;p&gt;</td><td>0.123</td><td>&lt;7&gt;</td>" in html


def test_an_empty_table_says_none() -> None:
    html = html_table(pd.DataFrame({"a": [], "b": []}))
    assert '<td colspan="2" class="note">none</td>' in html
