"""The operator's HTML report, rendered by a real headless Chromium.

One nightly run of the real flow on the committed sample (run date 2026-11-25) writes
``reports/latest.html``; Chromium loads it from disk with networking off,
and the rendered DOM must hold every section and every chart with the number of bars and
points the published database implies. A screenshot must be a real, non-blank page.
Skipped only when ``/usr/bin/chromium`` is absent (CI installs Debian's ``chromium``).
"""

from __future__ import annotations

import json
import re
import struct
import subprocess
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from tests.transforms.test_report_html import Dom
from transforms.report_html import weight_edges

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WINDOW = (1280, 2400)
RUN_DATES = ("2026-11-25",)
SAMPLE_STAFF = Path(__file__).resolve().parents[2] / "data" / "sample" / "staff"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium absent: apt-get install -y chromium"
)


def _chromium(page: Path, profile: Path, *extra: str) -> str:
    """Run headless Chromium on a local file; its stdout (the DOM with --dump-dom)."""
    done = subprocess.run(
        [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory, prefect_harness):
    """The real flow on data/sample, once per run date; returns the output folder."""
    from flows.nightly import nightly_screening

    out = tmp_path_factory.mktemp("out")
    for day in RUN_DATES:
        config = out / f"config-{day}.json"
        config.write_text(json.dumps({"run_date": day}))
        nightly_screening(out_dir=out, config_path=config)
    return out


@pytest.fixture(scope="module")
def rendered(sample_run, tmp_path_factory):
    """The report's HTML as written, and its DOM as Chromium rendered it."""
    page = sample_run / "reports" / "latest.html"
    profile = tmp_path_factory.mktemp("chromium-profile")
    return page.read_text(encoding="utf-8"), Dom(_chromium(page, profile, "--dump-dom"))


def _expected(out: Path) -> dict[str, int]:
    """What the published database says each chart must draw."""
    with duckdb.connect(str(out / "sweep.duckdb"), read_only=True) as con:
        q = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
        config = json.loads(q("SELECT config_json FROM runs ORDER BY started_at DESC LIMIT 1"))[
            "match"
        ]
        weights = con.execute(
            "SELECT match_weight FROM candidate_matches WHERE isfinite(match_weight)"
        ).fetchnumpy()["match_weight"]
        edges = weight_edges(
            float(weights.min()),
            float(weights.max()),
            (config["review_threshold"], config["auto_threshold"]),
        )
        counts, _ = np.histogram(weights, bins=edges)
        return {
            "runs": q("SELECT count(*) FROM progress_history"),
            "flag_bars": q(
                """SELECT count(*) FROM (SELECT DISTINCT flag_kind, severity FROM flags
                   WHERE status IN ('new', 'unchanged', 'updated', 'reopened'))"""
            ),
            "score_bars": int((counts > 0).sum()),
            "pairs": q("SELECT count(*) FROM candidate_matches"),
            "quarantine_tables": q('SELECT count(DISTINCT "table") FROM quarantine'),
            "quarantine_rules": q("SELECT count(DISTINCT rule) FROM quarantine"),
            "stages": q("SELECT count(*) FROM stage_timings WHERE seconds > 0"),
            "input_tables": q("SELECT count(*) FROM row_counts"),
        }


def test_every_section_renders(rendered):
    _, dom = rendered
    for section in ("progress", "flags", "scores", "quality", "timings", "history"):
        assert dom.count("section", within=section) == 1, section
        assert dom.count("h2", within=section) == 1, section


def test_each_chart_has_the_bars_and_points_the_data_implies(sample_run, rendered):
    _, dom = rendered
    want = _expected(sample_run)
    assert want["runs"] == len(RUN_DATES)
    assert dom.count("circle", within="chart-burnup") == want["runs"]
    assert dom.count("rect", cls="bar", within="chart-flags") == want["flag_bars"] > 0
    assert dom.count("rect", cls="bar", within="chart-scores") == want["score_bars"] > 0
    assert dom.count("g", cls="marker", within="chart-scores") == 2
    assert (
        dom.count("rect", cls="bar", within="chart-quarantine-table") == want["quarantine_tables"]
    )
    assert dom.count("rect", cls="bar", within="chart-quarantine-rule") == want["quarantine_rules"]
    assert dom.count("rect", cls="bar", within="chart-timings") == want["stages"]
    assert dom.count("tr", within="history") == 1 + want["runs"]  # heading row + one per run
    assert dom.count("tr", cls="bad") == 0  # the sample reconciles
    tables = [t for t, c, _, _ in dom.elements if t == "table" and "reconciliation" in c]
    assert len(tables) == 1 and want["input_tables"] >= 15


def test_score_bars_add_up_to_every_candidate_pair(sample_run, rendered):
    html, _ = rendered
    scores = html[html.index('<section id="scores">') :]
    scores = scores[: scores.index("</section>")]
    titles = re.findall(r'<rect class="bar"[^>]*><title>[^<]*: ([\d,]+)</title>', scores)
    assert sum(int(t.replace(",", "")) for t in titles) == _expected(sample_run)["pairs"]


def test_the_page_needs_no_network(rendered):
    html, dom = rendered
    assert not re.search(r"https?://", html.replace('xmlns="http://www.w3.org/2000/svg"', ""))
    assert dom.count("script") == 0 and dom.count("link") == 0 and dom.count("img") == 0
    assert "url(" not in html and "@import" not in html


def test_no_personal_data_in_the_page(rendered):
    """No sample staff member's full name, date of birth or postcode is in the page."""
    html, _ = rendered
    people = pd.read_csv(SAMPLE_STAFF / "staff.csv", dtype=str, keep_default_na=False)
    addresses = pd.read_csv(SAMPLE_STAFF / "staff_addresses.csv", dtype=str, keep_default_na=False)
    first = people["forenames"].str.split().str[0]
    checks = {
        "full name": set(first + " " + people["surname"]) | set(people["surname"] + ", " + first),
        "date of birth": set(people["date_of_birth"]),
        "postcode": set(addresses["postcode"]),
    }
    for what, values in checks.items():
        leaked = [v for v in values if len(v) >= 6 and v in html]
        assert not leaked, f"{len(leaked)} {what} values appear in the report"


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_screenshot_is_a_full_non_blank_page(sample_run, tmp_path):
    page = sample_run / "reports" / "latest.html"
    shot = tmp_path / "report.png"
    size = f"--window-size={WINDOW[0]},{WINDOW[1]}"
    _chromium(page, tmp_path / "p1", f"--screenshot={shot}", size)
    assert _png_size(shot) == WINDOW
    # Compressed size measures content: the same window of an empty white page is a few KB.
    blank = tmp_path / "blank.html"
    blank.write_text("<!DOCTYPE html><html><body></body></html>")
    blank_shot = tmp_path / "blank.png"
    _chromium(blank, tmp_path / "p2", f"--screenshot={blank_shot}", size)
    assert _png_size(blank_shot) == WINDOW
    assert shot.stat().st_size > 10 * blank_shot.stat().st_size, (
        shot.stat().st_size,
        blank_shot.stat().st_size,
    )
