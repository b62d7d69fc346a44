import pandas as pd

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
