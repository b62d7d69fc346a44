"""The HTML run report from published tables: sections, figures, and what it must not show."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from transforms.config import SweepConfig
from transforms.report_html import (
    collect,
    report_from_database,
    report_from_frames,
    weight_edges,
)

# Personal data planted in columns the report must never show (evidence text, quarantine
# detail, input paths): if any of these reaches the page, the test fails.
PERSONAL = ("Bernadette Okonkwo-Hale", "1984-03-02", "12 Acacia Avenue", "SW1A 2AA")
RUNS = [
    ("20261124T010000Z-aaaaaa", "2026-11-24", "2026-11-24T01:00:00+00:00", 52),
    ("20261125T010000Z-bbbbbb", "2026-11-25", "2026-11-25T01:00:00+00:00", 41),
]


def published_frames(runs: int = 2) -> dict[str, pd.DataFrame]:
    """The published tables a sample-sized run leaves, shaped as ``publish`` writes them, with
    ``runs`` nights of history (the last one is the run reported)."""
    rng = np.random.default_rng(7)
    cfg = SweepConfig(run_date=RUNS[runs - 1][1])
    run_rows = [
        {
            "run_id": rid,
            "run_date": day,
            "started_at": start,
            "finished_at": start.replace("01:00:00", f"01:00:{secs:02d}"),
            "status": "completed",
            "user": "operator",
            "host": "sweep-1",
            "recipient": "DPS",
            "staff_dir": f"/data/{PERSONAL[0]}/staff",
            "intel_dir": "/data/intel",
            "config_json": cfg.to_json(),
            "model_json": "{}",
        }
        for rid, day, start, secs in RUNS[:runs]
    ]
    history = pd.DataFrame(
        [
            {
                "run_id": rid,
                "run_date": day,
                "screened_this_run": 1996,
                "screened_total": 1996,
                "checked_total": 1885 + i * 20,
                "awaiting_decision": 111 - i * 20,
                "flags_misconduct": 40 - i * 10,
                "flags_association": 55 - i * 10,
                "flags_welfare": 16,
                "target_records": 50_000,
                "target_date": "2027-08-31",
                "rate_per_day": 78.54 + i,
                "required_rate_per_day": 172.46,
                "projected_completion": "2028-07-30",
                "on_track": False,
            }
            for i, (rid, day, _, _) in enumerate(RUNS[:runs])
        ]
    )
    run_id = RUNS[runs - 1][0]
    kinds = (
        [("misconduct", "dps_misconduct_triage", s) for s in ["high"] * 11 + ["medium"] * 27]
        + [("association", "dps_association_triage", s) for s in ["high"] * 21 + ["low"] * 2]
        + [("welfare", "welfare_support", "welfare")] * 16
    )
    statuses = ["new"] * (len(kinds) - 4) + ["decided", "closed", "unchanged", "reopened"]
    flags = pd.DataFrame(
        {
            "flag_id": [f"F{i:016x}" for i in range(len(kinds))],
            "run_id": run_id,
            "staff_id": [f"S{i:06d}" for i in range(len(kinds))],
            "nominal_id": [f"N{i:08d}" for i in range(len(kinds))],
            "flag_kind": [k for k, _, _ in kinds],
            "route": [r for _, r, _ in kinds],
            "severity": [s for _, _, s in kinds],
            "score": 2.0,
            "evidence_summary": f"shared address {PERSONAL[2]} {PERSONAL[3]} with {PERSONAL[0]}",
            "status": statuses,
        }
    )
    weights = np.concatenate(
        [rng.normal(-30, 8, 390), rng.uniform(6, 15, 187), rng.uniform(15, 50, 73), [np.nan]]
    )
    weights[5] = 15.0  # exactly on the auto threshold: auto, not review
    weights[6] = 6.0
    band = np.where(weights >= 15, "auto", np.where(weights >= 6, "review", "discard"))
    candidates = pd.DataFrame(
        {
            "staff_id": [f"S{i:06d}" for i in range(len(weights))],
            "nominal_id": [f"N{i:08d}" for i in range(len(weights))],
            "match_weight": weights,
            "band": band,
        }
    )
    row_counts = pd.DataFrame(
        [
            ("staff", "staff.csv", 2000, 1996, 4, True),
            ("staff_addresses", "staff_addresses.csv", 3434, 3429, 5, True),
            ("nominals", "nominals.csv", 20000, 19999, 1, True),
            # a table that does not reconcile must stand out, whatever its stored flag says
            ("records", "records.csv", 34337, 34334, 2, True),
        ],
        columns=[
            "table",
            "source_file",
            "rows_read",
            "rows_accepted",
            "rows_quarantined",
            "reconciled",
        ],
    )
    quarantine = pd.DataFrame(
        [
            ("staff.csv", "staff", 16, "staff_id", "unique", "duplicate of row 15"),
            ("staff.csv", "staff", 40, "date_of_birth", "calendar_date", PERSONAL[1]),
            ("staff.csv", "staff", 41, "date_of_birth", "dob_min_age", "too young"),
            ("staff.csv", "staff", 77, "person_type", "in_set", "expected one of"),
            (
                "staff_addresses.csv",
                "staff_addresses",
                9,
                "postcode",
                "postcode_format",
                PERSONAL[3],
            ),
            *[
                ("staff_addresses.csv", "staff_addresses", r, "staff_id", "unknown_parent", "x")
                for r in (3, 4, 5, 6)
            ],
            ("nominals.csv", "nominals", 12, "nominal_id", "not_null", "missing"),
            ("records.csv", "records", 4, "role", "in_set", "expected one of"),
            ("records.csv", "records", 5, "nominal_id", "unknown_parent", "no parent"),
        ],
        columns=["source_file", "table", "row_number", "field", "rule", "detail"],
    )
    quarantine["action"] = "row_quarantined"
    timings = pd.DataFrame(
        [
            ("load_validate", 5.277, 522.8),
            ("normalise_block", 2.533, 614.8),
            ("compare_score", 6.513, 1275.5),
            ("classify", 0.401, 1275.5),
            ("revetting", 0.037, 1275.5),
            ("lifecycle", 0.034, 1275.5),
            ("progress", 0.0, 1275.5),
        ],
        columns=["stage", "seconds", "peak_rss_mib"],
    )
    referrals = pd.DataFrame(
        {"referral_id": ["R1", "R2", "R3"], "run_id": [run_id, run_id, "older-run"]}
    )
    return {
        "runs": pd.DataFrame(run_rows),
        "progress_history": history,
        "flags": flags,
        "candidate_matches": candidates,
        "row_counts": row_counts,
        "quarantine": quarantine,
        "stage_timings": timings,
        "revetting_referrals": referrals,
    }


def published_db(path: Path, frames: dict[str, pd.DataFrame]) -> Path:
    """A published-style DuckDB file holding ``frames`` as tables."""
    with duckdb.connect(str(path)) as con:
        for name, frame in frames.items():
            con.register("_f", frame)
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _f')
            con.unregister("_f")
    return path


class Dom(HTMLParser):
    """Elements of a page with their classes and the ids of their ancestors."""

    VOID = {"meta", "br", "img", "input", "link", "hr", "col", "source", "wbr"}

    def __init__(self, html: str) -> None:
        super().__init__()
        self.stack: list[tuple[str, str | None]] = []
        self.elements: list[tuple[str, set[str], tuple[str, ...], dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        ids = tuple(i for _, i in self.stack if i)
        self.elements.append((tag, set((a.get("class") or "").split()), ids + (a.get("id"),), a))
        if tag not in self.VOID:
            self.stack.append((tag, a.get("id")))

    def handle_startendtag(self, tag, attrs):
        a = dict(attrs)
        ids = tuple(i for _, i in self.stack if i)
        self.elements.append((tag, set((a.get("class") or "").split()), ids + (a.get("id"),), a))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def count(self, tag: str, *, cls: str | None = None, within: str | None = None) -> int:
        return sum(
            1
            for t, classes, ids, _ in self.elements
            if t == tag and (cls is None or cls in classes) and (within is None or within in ids)
        )


def test_page_has_every_section_and_chart(tmp_path):
    html = report_from_frames(published_frames())
    dom = Dom(html)
    for section in ("progress", "flags", "scores", "quality", "timings", "history"):
        assert dom.count("section", within=section) == 1, section
    for chart in (
        "chart-burnup",
        "chart-flags",
        "chart-scores",
        "chart-quarantine-table",
        "chart-quarantine-rule",
        "chart-timings",
    ):
        assert dom.count("svg", within=chart) == 1, chart
    assert dom.count("circle", within="chart-burnup") == 2  # one dot per run
    # open flags only (decided and closed are not): kinds x severities present
    assert dom.count("rect", cls="bar", within="chart-flags") == 5
    assert dom.count("rect", cls="bar", within="chart-quarantine-table") == 4
    assert dom.count("rect", cls="bar", within="chart-quarantine-rule") == 7
    assert dom.count("rect", cls="bar", within="chart-timings") == 6  # a 0 s stage: no bar
    assert dom.count("g", cls="marker", within="chart-scores") == 2


def test_no_external_resource_script_or_url():
    html = report_from_frames(published_frames())
    assert not re.search(r"https?://", html.replace('xmlns="http://www.w3.org/2000/svg"', ""))
    dom = Dom(html)
    assert dom.count("script") == 0 and dom.count("link") == 0 and dom.count("img") == 0
    assert not re.search(r"\b(src|href)=", html)
    assert "@import" not in html and "url(" not in html


def test_no_personal_data_reaches_the_page():
    html = report_from_frames(published_frames())
    for value in PERSONAL:
        assert value not in html
    assert "S000001" not in html  # staff ids stay in the handoff and the database


def test_score_histogram_counts_every_finite_pair_in_its_band():
    frames = published_frames()
    data = report_from_frames_data(frames)
    weights = frames["candidate_matches"]["match_weight"].dropna().to_numpy()
    assert sum(data.weight_counts) == len(weights)
    expected, _ = np.histogram(weights, bins=data.weight_edges)
    # numpy's last bin is closed; ours are half-open with the top edge above the maximum
    assert data.weight_counts == expected.tolist()
    assert data.non_finite_weights == 1
    assert 6.0 in data.weight_edges and 15.0 in data.weight_edges
    html = report_from_frames(frames)
    assert "pairs with no finite weight, not drawn: 1" in html
    bars = re.findall(r'<rect class="bar"[^>]*fill="(#[0-9A-Fa-f]{6})"', _section(html, "scores"))
    assert len(bars) == sum(1 for c in data.weight_counts if c)
    assert {"#999999", "#E69F00", "#0072B2"} <= set(bars)


def report_from_frames_data(frames):
    with duckdb.connect() as con:
        for name, frame in frames.items():
            con.register("_f", frame)
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _f')
            con.unregister("_f")
        return collect(con)


def _section(html: str, sid: str) -> str:
    start = html.index(f'<section id="{sid}">')
    return html[start : html.index("</section>", start)]


def test_weight_edges_put_every_threshold_on_an_edge():
    edges = weight_edges(-47.5, 49.8, (6.0, 15.0))
    assert edges[0] <= -47.5 and edges[-1] > 49.8
    assert 6.0 in edges and 15.0 in edges
    assert len(edges) - 1 <= 62  # at most 60 regular bins plus a split per threshold
    assert edges == sorted(set(edges))
    # a tiny range still gets whole-bit bins, and the maximum falls inside the last bin
    small = weight_edges(7.2, 7.2, (6.0, 15.0))
    assert small[0] <= 7.2 < small[-1] and all(
        b - a == 1 for a, b in zip(small, small[1:], strict=False)
    )
    # a wide range gets wider bins, never more than the cap
    wide = weight_edges(-400, 300, (6.5, 15.0))
    assert len(wide) - 1 <= 62 and 6.5 in wide


def test_reconciliation_failure_is_called_out():
    html = report_from_frames(published_frames())
    quality = _section(html, "quality")
    assert "A TABLE DOES NOT RECONCILE" in quality
    bad = re.findall(r"<tr class=bad>(.*?)</tr>", quality)
    assert len(bad) == 1 and "records" in bad[0] and "NO" in bad[0]
    frames = published_frames()
    frames["row_counts"].loc[3, "rows_accepted"] = 34335
    good = _section(report_from_frames(frames), "quality")
    assert "every table reconciles" in good and "class=bad" not in good


def test_flags_by_kind_severity_route_count_open_flags_only():
    html = report_from_frames(published_frames())
    flags = _section(html, "flags")
    assert "75 open flags" in flags  # 77 flags, of which one decided and one closed
    rows = re.findall(
        r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td><td class=\"num\">(.*?)</td></tr>", flags
    )
    assert ("potential misconduct", "high", "dps_misconduct_triage", "11") in rows
    assert ("welfare", "welfare", "welfare_support", "14") in rows  # 2 of 16 not open


def test_history_is_newest_first_and_capped():
    frames = published_frames()
    html = report_from_frames(frames, history_runs=1)
    hist = _section(html, "history")
    assert RUNS[1][0] in hist and RUNS[0][0] not in hist
    both = _section(report_from_frames(frames), "history")
    assert both.index(RUNS[1][0]) < both.index(RUNS[0][0])
    assert re.search(r"<td class=\"num\">41</td></tr>", both)  # duration of the newest run


def test_an_earlier_run_can_be_reported_without_later_history():
    html = report_from_frames(published_frames(), RUNS[0][0])
    assert f"Sweep run report {RUNS[0][0]}" in html
    assert RUNS[1][0] not in _section(html, "history")
    assert Dom(html).count("circle", within="chart-burnup") == 1


def test_revetting_count_is_this_runs():
    progress = _section(report_from_frames(published_frames()), "progress")
    assert re.search(r"re-vetting referrals this run</td><td class=\"num\">2<", progress)


def test_the_quality_table_says_whether_a_row_went_or_only_a_value():
    frames = published_frames()
    blanked = (
        frames["quarantine"]
        .iloc[[0]]
        .assign(row_number=30, field="collar_number", rule="collar_format", action="value_blanked")
    )
    frames["quarantine"] = pd.concat([frames["quarantine"], blanked], ignore_index=True)
    quality = _section(report_from_frames(frames), "quality")
    assert "<td>value_blanked</td>" in quality and "<td>row_quarantined</td>" in quality
    # a database from before the action column: every line set its row aside
    frames["quarantine"] = frames["quarantine"].drop(columns="action")
    quality = _section(report_from_frames(frames), "quality")
    assert "<td>row_quarantined</td>" in quality and "<td>value_blanked</td>" not in quality


def test_database_is_read_only_and_older_databases_still_render(tmp_path):
    frames = published_frames()
    db = published_db(tmp_path / "sweep.duckdb", frames)
    before = db.stat().st_mtime_ns
    html = report_from_database(db)
    assert db.stat().st_mtime_ns == before
    assert html == report_from_frames(frames)
    # a database from before stage timings, quarantine and scores were published
    older = {k: v for k, v in frames.items() if k in ("runs", "progress_history", "flags")}
    page = report_from_database(published_db(tmp_path / "old.duckdb", older))
    assert "no data" not in _section(page, "progress")
    assert "none" in _section(page, "timings") and "none" in _section(page, "quality")
    assert "no data" in _section(page, "scores")


def test_run_thresholds_come_from_the_runs_own_config():
    frames = published_frames()
    cfg = json.loads(frames["runs"].loc[1, "config_json"])
    cfg["match"]["auto_threshold"] = 20.0
    frames["runs"].loc[1, "config_json"] = json.dumps(cfg)
    html = report_from_frames(frames)
    assert "auto ≥ 20" in html and "auto ≥ 15" not in html


def test_a_database_without_any_run_is_an_error(tmp_path):
    empty = published_frames()
    empty = {k: v.head(0) for k, v in empty.items()}
    with pytest.raises(ValueError, match="no run recorded"):
        report_from_frames(empty)
    with pytest.raises(ValueError, match="not in progress_history"):
        report_from_frames(published_frames(), "no-such-run")


def test_a_config_from_another_version_still_renders():
    frames = published_frames()
    cfg = json.loads(frames["runs"].loc[1, "config_json"])
    cfg["match"]["a_setting_from_a_later_version"] = 1
    cfg["campaign"]["target_records"] = 60_000
    frames["runs"].loc[1, "config_json"] = json.dumps(cfg)
    html = report_from_frames(frames)
    assert "auto ≥ 15" in html
    frames["runs"].loc[1, "config_json"] = None  # no config recorded: defaults
    review = f"{SweepConfig().match.review_threshold:g}"
    assert f"review ≥ {review}" in report_from_frames(frames)


def test_the_runs_warnings_come_first_and_only_that_runs(tmp_path):
    frames = published_frames()
    run_id, older = RUNS[1][0], RUNS[0][0]
    assert Dom(report_from_frames(frames)).count("section", within="warnings") == 0
    frames["run_warnings"] = pd.DataFrame(
        [
            (older, "2026-11-24", "extract_unchanged", "staff", "an older run's <warning>"),
            (run_id, "2026-11-25", "extract_unchanged", "intel", "intel extract unchanged"),
            (run_id, "2026-11-25", "quarantine_share", "phones", "phones lost 9 of 90 rows"),
        ],
        columns=["run_id", "run_date", "kind", "subject", "message"],
    )
    html = report_from_frames(frames)
    dom = Dom(html)
    assert dom.count("li", within="warnings") == 2
    assert html.index('id="warnings"') < html.index('id="progress"')
    assert "intel extract unchanged" in html and "phones lost 9 of 90 rows" in html
    assert "older run" not in html
    assert "Warnings (1)" in report_from_frames(frames, older)
    assert "&lt;warning&gt;" in report_from_frames(frames, older)  # escaped
