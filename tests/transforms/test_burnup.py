import re
import xml.etree.ElementTree as ET
from datetime import date

import pandas as pd

from transforms.burnup import HEIGHT, PAD, burnup_svg


def _history():
    return pd.DataFrame(
        {
            "run_date": ["2026-12-01", "2026-12-02", "2026-12-03"],
            "screened_total": [100, 200, 300],
            "checked_total": [90, 180, 280],
        }
    )


def test_svg_is_well_formed_and_plots_each_run():
    svg = burnup_svg(_history(), 1000, date(2026, 12, 1), date(2026, 12, 31))
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert len(root.findall(f"{ns}circle")) == 3
    assert "target 1,000 by 2026-12-31" in svg
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_checked_rises_on_the_chart():
    svg = burnup_svg(_history(), 1000, date(2026, 12, 1), date(2026, 12, 31))
    ys = [float(v) for v in re.findall(r'<circle cx="[\d.]+" cy="([\d.]+)"', svg)]
    assert ys == sorted(ys, reverse=True)  # higher count, smaller y
    assert all(PAD <= v <= HEIGHT - PAD for v in ys)


def test_empty_history_still_draws_the_target():
    svg = burnup_svg(_history().head(0), 1000, date(2026, 12, 1), date(2026, 12, 31))
    ET.fromstring(svg)
    assert "target 1,000" in svg and "<circle" not in svg
