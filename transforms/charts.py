"""Small inline-SVG charts (line, bar, histogram) for self-contained HTML reports.

Each function returns one ``<svg>`` element as text: no script, no external fonts or CSS, no
network at view time, so the file opens the same offline, in a browser or printed. Colours
are the Okabe-Ito palette (distinguishable with the common colour-vision deficiencies), and
series differ by dash pattern / marker too, so a chart survives greyscale printing. Drawn
elements carry a ``class`` (``point``, ``line``, ``bar``, ``marker``) so tests and
stylesheets can find them, and a ``<title>`` with the exact value as a hover tooltip.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from html import escape

# Okabe & Ito (2008): blue, orange, bluish green, vermillion, reddish purple, sky blue, black.
PALETTE: tuple[str, ...] = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#000000",
)
DASHES: tuple[str, ...] = ("", "6 3", "2 2", "8 3 2 3", "1 3", "10 4")
AXIS = "#444"
GRID = "#ddd"

# Plot-area margins: left for y tick labels and the rotated y label, top for title + legend,
# bottom for x tick labels and the x label.
LEFT, RIGHT, TOP, BOTTOM = 68, 20, 52, 50


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering [lo, hi] with about ``count`` intervals (1, 2, 2.5, 5 x 10^k)."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError("axis limits must be finite")
    if hi < lo:
        lo, hi = hi, lo
    if hi == lo:
        lo, hi = (lo - 1, hi + 1) if lo != 0 else (0.0, 1.0)
    raw = (hi - lo) / max(count, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw * (1 - 1e-9))
    first = math.floor(lo / step + 1e-9) * step
    last = math.ceil(hi / step - 1e-9) * step
    n = round((last - first) / step)
    return [round(first + i * step, 12) for i in range(n + 1)]


def fmt_number(v: float, step: float | None = None) -> str:
    """A tick label: thousands separators and the decimals ``step`` needs (0.25 -> 2); with no
    step, a value label: whole numbers as such, others to 3 decimals."""
    if step is None:
        text = f"{v:,.0f}" if float(v).is_integer() else f"{v:,.3f}".rstrip("0").rstrip(".")
        return "0" if text == "-0" else text
    decimals = 0
    while decimals < 6 and abs(round(step, decimals) - step) > 1e-9 * max(abs(step), 1e-12):
        decimals += 1
    text = f"{v:,.{decimals}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text


class _Frame:
    """Linear maps from data to pixels for a plot area inside a ``width`` x ``height`` SVG."""

    def __init__(
        self,
        width: int,
        height: int,
        xticks: Sequence[float],
        yticks: Sequence[float],
        ylo: float | None = None,
    ) -> None:
        self.width, self.height = width, height
        self.x0, self.x1 = LEFT, width - RIGHT
        self.y0, self.y1 = height - BOTTOM, TOP  # pixel y of the bottom and top of the plot
        self.xlo, self.xhi = xticks[0], xticks[-1]
        self.ylo = yticks[0] if ylo is None else ylo
        self.yhi = yticks[-1]

    def x(self, v: float) -> float:
        return self.x0 + (self.x1 - self.x0) * (v - self.xlo) / ((self.xhi - self.xlo) or 1)

    def y(self, v: float) -> float:
        return self.y0 - (self.y0 - self.y1) * (v - self.ylo) / ((self.yhi - self.ylo) or 1)


def _open(width: int, height: int, title: str, kind: str) -> list[str]:
    t = escape(title)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="sans-serif" font-size="12">',
        f"<title>{t}</title>",
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text class="chart-title" x="{LEFT}" y="18" font-size="14" font-weight="bold">{t}</text>',
    ]


def _legend(parts: list[str], entries: Sequence[tuple[str, str, str]], width: int) -> None:
    """One row of legend swatches under the title: (label, colour, dash) each."""
    x, y = LEFT, 36
    for label, colour, dash in entries:
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<g class="legend-item"><line x1="{x}" y1="{y - 4}" x2="{x + 18}" y2="{y - 4}" '
            f'stroke="{colour}" stroke-width="6"{dash_attr}/>'
            f'<text x="{x + 23}" y="{y}">{escape(label)}</text></g>'
        )
        x += 23 + 7 * len(label) + 18
        if x > width - 80:  # wrap is rare; keep the legend inside the chart
            x, y = LEFT, y + 14


def _axes(
    parts: list[str],
    f: _Frame,
    xticks: Sequence[float] | None,
    yticks: Sequence[float],
    x_label: str,
    y_label: str,
    ytick_text: Callable[[float], str] | None = None,
) -> None:
    """Grid lines, y ticks, optional numeric x ticks, both axis lines and labels."""
    ystep = (yticks[1] - yticks[0]) if len(yticks) > 1 else 1.0
    for v in yticks:
        py = f.y(v)
        text = ytick_text(v) if ytick_text else fmt_number(v, ystep)
        parts.append(
            f'<line x1="{f.x0}" y1="{py:.1f}" x2="{f.x1}" y2="{py:.1f}" stroke="{GRID}"/>'
            f'<text x="{f.x0 - 6}" y="{py + 4:.1f}" text-anchor="end">{text}</text>'
        )
    if xticks is not None:
        xstep = (xticks[1] - xticks[0]) if len(xticks) > 1 else 1.0
        for v in xticks:
            px = f.x(v)
            parts.append(
                f'<line x1="{px:.1f}" y1="{f.y0}" x2="{px:.1f}" y2="{f.y0 + 4}" stroke="{AXIS}"/>'
                f'<text x="{px:.1f}" y="{f.y0 + 17}" text-anchor="middle">'
                f"{fmt_number(v, xstep)}</text>"
            )
    parts.append(
        f'<line x1="{f.x0}" y1="{f.y0}" x2="{f.x1}" y2="{f.y0}" stroke="{AXIS}"/>'
        f'<line x1="{f.x0}" y1="{f.y0}" x2="{f.x0}" y2="{f.y1}" stroke="{AXIS}"/>'
        f'<text class="x-label" x="{(f.x0 + f.x1) / 2:.1f}" y="{f.height - 10}" '
        f'text-anchor="middle">{escape(x_label)}</text>'
        f'<text class="y-label" transform="translate(16 {(f.y0 + f.y1) / 2:.1f}) rotate(-90)" '
        f'text-anchor="middle">{escape(y_label)}</text>'
    )


def _no_data(parts: list[str], width: int, height: int) -> str:
    parts.append(
        f'<text class="no-data" x="{width / 2:.1f}" y="{height / 2:.1f}" '
        f'text-anchor="middle" fill="#666">no data</text></svg>'
    )
    return "\n".join(parts)


def line_chart(
    series: dict[str, list[tuple[float, float]]],
    *,
    title: str,
    x_label: str,
    y_label: str,
    width: int = 640,
    height: int = 320,
) -> str:
    """Named series of (x, y) points as lines with a marker at every point.

    Points are drawn in the order given (a precision-recall curve is not sorted by x). The y
    axis starts at 0 unless a value is negative; both axes get round ticks. Non-finite points
    are dropped. Each marker is ``<circle class="point">`` with its series and value as title.
    """
    parts = _open(width, height, title, "line")
    clean = {
        name: [(float(x), float(y)) for x, y in pts if math.isfinite(x) and math.isfinite(y)]
        for name, pts in series.items()
    }
    allpts = [p for pts in clean.values() for p in pts]
    if not allpts:
        return _no_data(parts, width, height)
    xs = [p[0] for p in allpts]
    ys = [p[1] for p in allpts]
    xticks = nice_ticks(min(xs), max(xs))
    yticks = nice_ticks(min(0.0, min(ys)), max(ys))
    f = _Frame(width, height, xticks, yticks)
    entries = [
        (name, PALETTE[i % len(PALETTE)], DASHES[i % len(DASHES)]) for i, name in enumerate(clean)
    ]
    _legend(parts, entries, width)
    _axes(parts, f, xticks, yticks, x_label, y_label)
    for (name, colour, dash), pts in zip(entries, clean.values(), strict=True):
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        coords = " ".join(f"{f.x(x):.1f},{f.y(y):.1f}" for x, y in pts)
        parts.append(f'<g class="series" data-series="{escape(name)}">')
        if len(pts) > 1:
            parts.append(
                f'<polyline class="line" points="{coords}" fill="none" stroke="{colour}" '
                f'stroke-width="2"{dash_attr}/>'
            )
        radius = 3 if len(pts) <= 60 else 1.6
        for x, y in pts:
            parts.append(
                f'<circle class="point" cx="{f.x(x):.1f}" cy="{f.y(y):.1f}" r="{radius}" '
                f'fill="{colour}"><title>{escape(name)}: {escape(x_label)} '
                f"{fmt_number(x)}, {escape(y_label)} {fmt_number(y)}</title></circle>"
            )
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)


def bar_chart(
    categories: Sequence[str],
    series: Mapping[str, Sequence[float]],
    *,
    title: str,
    x_label: str,
    y_label: str,
    width: int = 640,
    height: int | None = None,
    colours: Mapping[str, str] | None = None,
) -> str:
    """Horizontal bars, one row per category (labels can be long: rule names, stages).

    With more than one series the bars stack in the order given, with a legend; zero values
    draw nothing. ``x_label`` names the value axis, ``y_label`` the categories. ``height``
    defaults to fit the rows. Each drawn segment is ``<rect class="bar">`` titled with its
    category, series and exact value.
    """
    n = len(categories)
    for name, vals in series.items():
        if len(vals) != n:
            raise ValueError(f"series {name!r} has {len(vals)} values for {n} categories")
        if any(not math.isfinite(v) or v < 0 for v in vals):
            raise ValueError(f"series {name!r}: bar values must be finite and >= 0")
    row = 24
    height = height or TOP + BOTTOM + max(n, 2) * row
    longest = max((len(c) for c in categories), default=0)
    left = max(LEFT, min(260, 12 + 7 * longest))
    parts = _open(width, height, title, "bar")
    totals = [sum(vals[i] for vals in series.values()) for i in range(n)]
    if not n or not series:
        return _no_data(parts, width, height)
    xticks = nice_ticks(0.0, max(max(totals), 1.0))
    plot_w = width - RIGHT - left
    band = (height - TOP - BOTTOM) / max(n, 1)

    def px(v: float) -> float:
        return left + plot_w * v / (xticks[-1] or 1)

    palette = {
        name: (colours or {}).get(name, PALETTE[i % len(PALETTE)]) for i, name in enumerate(series)
    }
    if len(series) > 1:
        _legend(parts, [(name, palette[name], "") for name in series], width)
    step = xticks[1] - xticks[0]
    bottom = height - BOTTOM
    for v in xticks:
        parts.append(
            f'<line x1="{px(v):.1f}" y1="{TOP}" x2="{px(v):.1f}" y2="{bottom}" stroke="{GRID}"/>'
            f'<text x="{px(v):.1f}" y="{bottom + 17}" text-anchor="middle">'
            f"{fmt_number(v, step)}</text>"
        )
    for i, cat in enumerate(categories):
        top = TOP + i * band
        cy = top + band / 2
        parts.append(
            f'<text class="category" x="{left - 6}" y="{cy + 4:.1f}" text-anchor="end">'
            f"{escape(cat)}</text>"
        )
        acc = 0.0
        for name, vals in series.items():
            v = float(vals[i])
            if v <= 0:
                continue
            parts.append(
                f'<rect class="bar" x="{px(acc):.1f}" y="{top + band * 0.15:.1f}" '
                f'width="{max(px(acc + v) - px(acc), 1):.1f}" height="{band * 0.7:.1f}" '
                f'fill="{palette[name]}" stroke="white" stroke-width="0.5">'
                f"<title>{escape(cat)}{' / ' + escape(name) if len(series) > 1 else ''}: "
                f"{fmt_number(v)}</title></rect>"
            )
            acc += v
        if totals[i] > 0:
            parts.append(
                f'<text class="value" x="{px(totals[i]) + 4:.1f}" y="{cy + 4:.1f}">'
                f"{fmt_number(totals[i])}</text>"
            )
    parts.append(
        f'<line x1="{left}" y1="{bottom}" x2="{width - RIGHT}" y2="{bottom}" stroke="{AXIS}"/>'
        f'<line x1="{left}" y1="{TOP}" x2="{left}" y2="{bottom}" stroke="{AXIS}"/>'
        f'<text class="x-label" x="{(left + width - RIGHT) / 2:.1f}" y="{height - 10}" '
        f'text-anchor="middle">{escape(x_label)}</text>'
        f'<text class="y-label" x="8" y="{TOP - 4}" fill="#666">{escape(y_label)}</text>'
        "</svg>"
    )
    return "\n".join(parts)


def histogram(
    edges: Sequence[float],
    counts: Sequence[int],
    *,
    title: str,
    x_label: str,
    y_label: str,
    colours: Sequence[str] | None = None,
    legend: Mapping[str, str] | None = None,
    markers: Mapping[str, float] | None = None,
    log_y: bool = False,
    width: int = 640,
    height: int = 320,
) -> str:
    """Pre-binned counts (``len(edges) == len(counts) + 1``, or both empty: "no data") as
    adjoining vertical bars.

    ``colours`` gives each bin its colour (e.g. by band), ``legend`` maps label -> colour,
    ``markers`` draws a labelled dashed vertical line at each value (e.g. thresholds); labels
    alternate left and right of their lines so two close markers stay readable.
    ``log_y`` plots log10(count) so a few hundred high scores stay visible beside millions of
    low ones. Empty bins draw nothing; each drawn bin is ``<rect class="bar">``.
    """
    if len(edges) != len(counts) + 1 and (len(edges) or len(counts)):
        raise ValueError(f"{len(edges)} edges for {len(counts)} bins: need one more edge")
    if any(b <= a for a, b in zip(edges, edges[1:], strict=False)):
        raise ValueError("histogram edges must increase")
    if any(c < 0 for c in counts):
        raise ValueError("histogram counts must be >= 0")
    if colours is not None and len(colours) != len(counts):
        raise ValueError(f"{len(colours)} colours for {len(counts)} bins")
    parts = _open(width, height, title, "histogram")
    if not counts or not any(counts):
        return _no_data(parts, width, height)
    marks = dict(markers or {})
    lo = min([edges[0], *marks.values()])
    hi = max([edges[-1], *marks.values()])
    xticks = nice_ticks(lo, hi, 8)
    top = max(counts)
    if log_y:
        # Decades 1, 10, 100 ...; the axis starts at 0.5 so a bin of one pair is still seen.
        yticks = [float(v) for v in range(0, max(1, math.ceil(math.log10(top))) + 1)]
        f = _Frame(width, height, xticks, yticks, ylo=math.log10(0.5))
    else:
        yticks = nice_ticks(0.0, top)
        f = _Frame(width, height, xticks, yticks)
    if legend:
        _legend(parts, [(label, colour, "") for label, colour in legend.items()], width)
    _axes(
        parts,
        f,
        xticks,
        yticks,
        x_label,
        y_label,
        ytick_text=(lambda v: f"{10 ** int(v):,}") if log_y else None,
    )
    for i, c in enumerate(counts):
        if c <= 0:
            continue
        h = math.log10(c) if log_y else c
        x0, x1 = f.x(edges[i]), f.x(edges[i + 1])
        colour = colours[i] if colours is not None else PALETTE[0]
        parts.append(
            f'<rect class="bar" x="{x0:.1f}" y="{f.y(h):.1f}" width="{max(x1 - x0, 1):.1f}" '
            f'height="{f.y0 - f.y(h):.1f}" fill="{colour}" stroke="white" '
            f'stroke-width="0.5"><title>{fmt_number(edges[i])} to {fmt_number(edges[i + 1])}: '
            f"{c:,}</title></rect>"
        )
    for k, (label, v) in enumerate(marks.items()):
        mx = f.x(v)
        parts.append(
            f'<g class="marker"><line x1="{mx:.1f}" y1="{f.y1}" x2="{mx:.1f}" y2="{f.y0}" '
            f'stroke="#000" stroke-width="1.5" stroke-dasharray="5 3"/>'
            f'<text x="{mx + (-4 if k % 2 == 0 else 4):.1f}" y="{f.y1 + 12}" '
            f'text-anchor="{"end" if k % 2 == 0 else "start"}" font-weight="bold">'
            f"{escape(label)}</text></g>"
        )
    parts.append("</svg>")
    return "\n".join(parts)
