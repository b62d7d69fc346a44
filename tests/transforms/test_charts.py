import math
import re
import xml.etree.ElementTree as ET

import pytest

from transforms.charts import (
    PALETTE,
    bar_chart,
    fmt_number,
    histogram,
    line_chart,
    nice_ticks,
)

NS = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # well-formed XML, or this raises
    assert root.tag == f"{NS}svg"
    return root


def _by_class(root: ET.Element, cls: str) -> list[ET.Element]:
    return [e for e in root.iter() if cls in (e.get("class") or "").split()]


def _no_url(svg: str) -> None:
    assert not re.search(r"https?://", svg.replace('xmlns="http://www.w3.org/2000/svg"', ""))
    assert "<script" not in svg


def test_nice_ticks_are_round_and_cover_the_range():
    assert nice_ticks(0, 1) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert nice_ticks(0, 37) == [0, 10, 20, 30, 40]
    ticks = nice_ticks(-47.5, 49.8, 8)
    assert ticks[0] <= -47.5 and ticks[-1] >= 49.8
    steps = {round(b - a, 9) for a, b in zip(ticks, ticks[1:], strict=False)}
    assert steps == {20}
    assert nice_ticks(5, 5) == [4, 4.5, 5, 5.5, 6]  # a flat series still gets an axis
    assert nice_ticks(0, 0)[-1] == 1.0
    with pytest.raises(ValueError):
        nice_ticks(0, math.inf)


def test_fmt_number_uses_the_decimals_the_step_needs():
    assert [fmt_number(v, 0.25) for v in (0, 0.25, 1)] == ["0.00", "0.25", "1.00"]
    assert fmt_number(12500, 2500) == "12,500"
    assert fmt_number(-0.0, 0.2) == "0.0"
    assert fmt_number(0.912345) == "0.912" and fmt_number(40.0) == "40"


def test_line_chart_draws_each_point_of_each_series_in_order():
    pr = {
        # a precision-recall curve runs right to left in recall: order is kept, not sorted
        "model A": [(1.0, 0.62), (0.97, 0.81), (0.9, 0.95), (0.6, 1.0)],
        "model B": [(1.0, 0.5), (0.8, 0.9)],
    }
    svg = line_chart(pr, title="Precision against recall", x_label="recall", y_label="precision")
    root = _parse(svg)
    groups = _by_class(root, "series")
    assert [g.get("data-series") for g in groups] == ["model A", "model B"]
    assert [len(_by_class(g, "point")) for g in groups] == [4, 2]
    assert len(_by_class(root, "line")) == 2
    xs = [float(c.get("cx")) for c in _by_class(groups[0], "point")]
    assert xs == sorted(xs, reverse=True)
    ys = [float(c.get("cy")) for c in _by_class(groups[0], "point")]
    assert ys == sorted(ys, reverse=True)  # higher precision is higher on the page
    for e in (*_by_class(root, "point"),):
        assert 0 <= float(e.get("cx")) <= 640 and 0 <= float(e.get("cy")) <= 320
    texts = "".join(root.itertext())
    assert "Precision against recall" in texts and "recall" in texts and "precision" in texts
    assert "model A" in texts and "model B" in texts  # legend
    assert {c.get("fill") for c in _by_class(root, "point")} == {PALETTE[0], PALETTE[1]}
    _no_url(svg)


def test_line_chart_escapes_labels_and_drops_non_finite_points():
    svg = line_chart(
        {"<b>&": [(0, 1), (1, math.nan), (2, 3), (math.inf, 4)]},
        title="a < b & c",
        x_label="x",
        y_label="y",
        width=400,
        height=200,
    )
    root = _parse(svg)
    assert root.get("width") == "400" and root.get("height") == "200"
    assert len(_by_class(root, "point")) == 2
    assert "<b>" not in svg and "&lt;b&gt;&amp;" in svg


def test_line_chart_with_no_points_says_so():
    root = _parse(line_chart({"empty": []}, title="t", x_label="x", y_label="y"))
    assert _by_class(root, "no-data") and not _by_class(root, "point")


def test_single_point_series_gets_a_marker_but_no_line():
    root = _parse(line_chart({"one": [(3, 3)]}, title="t", x_label="x", y_label="y"))
    assert len(_by_class(root, "point")) == 1 and not _by_class(root, "line")


def test_bar_chart_stacks_series_and_skips_zero_segments():
    svg = bar_chart(
        ["potential misconduct", "off-duty association", "welfare"],
        {"high": [11, 21, 0], "medium": [27, 32, 0], "welfare": [0, 0, 16]},
        title="Open flags",
        x_label="flags",
        y_label="kind",
        colours={"high": "#D55E00"},
    )
    root = _parse(svg)
    bars = _by_class(root, "bar")
    assert len(bars) == 5
    titles = [b.find(f"{NS}title").text for b in bars]
    assert "off-duty association / medium: 32" in titles
    assert {b.get("fill") for b in bars if b.find(f"{NS}title").text.endswith("/ high: 11")} == {
        "#D55E00"
    }
    # stacked: medium starts where high ends in the same row
    high, medium = bars[0], bars[1]
    assert float(medium.get("x")) == pytest.approx(
        float(high.get("x")) + float(high.get("width")), abs=0.2
    )
    values = [t.text for t in _by_class(root, "value")]
    assert values == ["38", "53", "16"]  # row totals printed at the bar ends
    _no_url(svg)


def test_bar_chart_rejects_bad_input():
    with pytest.raises(ValueError, match="2 values for 3"):
        bar_chart(["a", "b", "c"], {"s": [1, 2]}, title="t", x_label="x", y_label="y")
    with pytest.raises(ValueError, match=">= 0"):
        bar_chart(["a"], {"s": [-1]}, title="t", x_label="x", y_label="y")
    with pytest.raises(ValueError, match="finite"):
        bar_chart(["a"], {"s": [math.nan]}, title="t", x_label="x", y_label="y")


def test_bar_chart_of_nothing():
    root = _parse(bar_chart([], {"s": []}, title="t", x_label="x", y_label="y"))
    assert _by_class(root, "no-data")


def test_histogram_draws_non_empty_bins_in_their_colours_with_markers():
    edges = [-4, -2, 0, 2, 4, 6, 8]
    counts = [120, 0, 30, 4, 1, 7]
    colours = ["#999999"] * 4 + ["#E69F00", "#0072B2"]
    svg = histogram(
        edges,
        counts,
        title="Match weights",
        x_label="match weight (bits)",
        y_label="pairs",
        colours=colours,
        legend={"discard": "#999999", "review": "#E69F00", "auto": "#0072B2"},
        markers={"review ≥ 4": 4, "auto ≥ 6": 6},
    )
    root = _parse(svg)
    bars = _by_class(root, "bar")
    assert len(bars) == 5
    assert [b.get("fill") for b in bars] == ["#999999"] * 3 + ["#E69F00", "#0072B2"]
    assert sum(int(b.find(f"{NS}title").text.split(": ")[1]) for b in bars) == sum(counts)
    heights = [float(b.get("height")) for b in bars]
    assert heights[0] == max(heights)
    marks = _by_class(root, "marker")
    assert [m.find(f"{NS}text").text for m in marks] == ["review ≥ 4", "auto ≥ 6"]
    # bars are adjacent: each starts where the previous bin ends
    assert float(bars[3].get("x")) + float(bars[3].get("width")) == pytest.approx(
        float(bars[4].get("x")), abs=0.2
    )


def test_histogram_log_scale_keeps_a_single_pair_visible():
    svg = histogram(
        [0, 1, 2],
        [250_000, 1],
        title="t",
        x_label="x",
        y_label="pairs (log scale)",
        log_y=True,
    )
    root = _parse(svg)
    bars = _by_class(root, "bar")
    assert len(bars) == 2 and float(bars[1].get("height")) > 5
    assert "100,000" in "".join(root.itertext())  # decade ticks as counts, not exponents


def test_histogram_rejects_mismatched_input_and_draws_empty():
    with pytest.raises(ValueError, match="one more edge"):
        histogram([0, 1], [1, 2], title="t", x_label="x", y_label="y")
    with pytest.raises(ValueError, match="increase"):
        histogram([0, 2, 1], [1, 2], title="t", x_label="x", y_label="y")
    with pytest.raises(ValueError, match="colours"):
        histogram([0, 1, 2], [1, 2], title="t", x_label="x", y_label="y", colours=["#000"])
    root = _parse(histogram([0, 1], [0], title="t", x_label="x", y_label="y"))
    assert _by_class(root, "no-data") and not _by_class(root, "bar")
