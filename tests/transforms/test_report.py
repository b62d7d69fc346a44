import pandas as pd
import pytest

from transforms.config import CampaignConfig
from transforms.report import write_report


def test_report_and_chart_written_with_latest_copies(tmp_path):
    history = pd.DataFrame(
        {
            "run_date": ["2026-11-20", "2026-11-21"],
            "screened_total": [100, 200],
            "checked_total": [95, 190],
        }
    )
    row = {
        "run_id": "r2",
        "run_date": "2026-11-21",
        "screened_this_run": 100,
        "screened_total": 200,
        "checked_total": 190,
        "awaiting_decision": 10,
        "flags_misconduct": 4,
        "flags_association": 5,
        "flags_welfare": 1,
        "target_records": 1000,
        "target_date": "2027-01-31",
        "rate_per_day": 95.0,
        "required_rate_per_day": 11.59,
        "projected_completion": "2026-11-30",
        "on_track": True,
    }
    path = write_report(tmp_path, "r2", row, history, CampaignConfig(target_records=1000))
    assert path == tmp_path / "r2.md"
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["latest-burnup.svg", "latest.md", "r2-burnup.svg", "r2.md"]
    text = path.read_text()
    assert "ON TRACK" in text and "![burn-up toward the target](r2-burnup.svg)" in text
    assert (tmp_path / "latest-burnup.svg").read_text().count("<circle") == 2


def test_with_the_database_the_html_page_is_written_and_linked(tmp_path):
    from tests.transforms.test_report_html import RUNS, published_db, published_frames

    frames = published_frames()
    db = published_db(tmp_path / "sweep.duckdb", frames)
    reports = tmp_path / "reports"
    run_id = RUNS[1][0]
    row = frames["progress_history"].iloc[-1].to_dict()
    path = write_report(
        reports, run_id, row, frames["progress_history"], CampaignConfig(), database=db
    )
    names = sorted(p.name for p in reports.iterdir())
    assert names == sorted(
        [
            f"{run_id}.md",
            f"{run_id}.html",
            f"{run_id}-burnup.svg",
            "latest.md",
            "latest.html",
            "latest-burnup.svg",
        ]
    )  # no temporary file left behind
    page = (reports / f"{run_id}.html").read_text(encoding="utf-8")
    assert page == (reports / "latest.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and f"Sweep run report {run_id}" in page
    assert f"[{run_id}.html]({run_id}.html)" in path.read_text()
    assert "[latest.html](latest.html)" in (reports / "latest.md").read_text()


def test_a_failed_page_leaves_the_last_report_in_place(tmp_path):
    from tests.transforms.test_report_html import published_db, published_frames

    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "latest.html").write_text("last night's page")
    empty = published_db(tmp_path / "empty.duckdb", {"flags": published_frames()["flags"]})
    history = published_frames()["progress_history"]
    with pytest.raises(ValueError, match="run r9 is not in progress_history"):
        write_report(
            reports, "r9", history.iloc[-1].to_dict(), history, CampaignConfig(), database=empty
        )
    assert (reports / "latest.html").read_text() == "last night's page"
    assert not list(reports.glob(".*.tmp"))


def test_the_runs_warnings_head_the_markdown_report(tmp_path):
    from tests.transforms.test_report_html import RUNS, published_db, published_frames
    from transforms.report import write_published_report

    frames = published_frames()
    frames["run_warnings"] = pd.DataFrame(
        [(RUNS[1][0], RUNS[1][1], "extract_unchanged", "intel", "intel extract unchanged")],
        columns=["run_id", "run_date", "kind", "subject", "message"],
    )
    db = published_db(tmp_path / "sweep.duckdb", frames)
    text = write_published_report(db, tmp_path / "reports").read_text()
    assert text.index("- **Warning:** intel extract unchanged") < text.index("records by")
    earlier = write_published_report(db, tmp_path / "earlier", RUNS[0][0]).read_text()
    assert "Warning" not in earlier
