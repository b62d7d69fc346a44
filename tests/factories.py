"""Small, readable fixtures: build every input table from a few hand-written rows.

Every value is synthetic. Columns not given take plausible defaults, so a test states only
what it is about.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from transforms.mapping import Mapping, parse_mapping
from transforms.schema import ALL_TABLES, TABLES_BY_NAME

STAFF_DEFAULTS = {
    "collar_number": "",
    "person_type": "officer",
    "rank_grade": "PC",
    "unit": "Response",
    "start_date": "2015-04-01",
    "previous_surnames": "",
    "sex": "M",
    "vetting_level": "MV",
    "vetting_cleared_date": "2022-01-01",
    "vetting_renewal_date": "2029-01-01",
    "vetting_status": "granted",
    "designated_post": "false",
}
NOMINAL_DEFAULTS = {"sex": "M", "date_of_birth": ""}
RECORD_DEFAULTS = {
    "business_area": "crime",
    "record_date": "2025-06-01",
    "source_force": "Force A",
    "grading": "3x5x2",
    "offence_category": "violence",
    "outcome": "charged",
}


def frame(table: str, rows: list[dict[str, str]], defaults: dict[str, str] | None = None):
    cols = TABLES_BY_NAME[table].column_names
    filled = [{**(defaults or {}), **r} for r in rows]
    df = pd.DataFrame(filled, columns=cols).astype("string")
    return df.replace("", pd.NA)


def tables(**given: list[dict[str, str]]) -> dict[str, pd.DataFrame]:
    """Every input table: the given rows (with defaults) and empty frames for the rest."""
    defaults = {"staff": STAFF_DEFAULTS, "nominals": NOMINAL_DEFAULTS, "records": RECORD_DEFAULTS}
    out = {}
    for t in ALL_TABLES:
        rows = given.get(t.name, [])
        if t.name == "records":
            rows = [{"record_id": f"R{i}", **r} for i, r in enumerate(rows)]
        out[t.name] = frame(t.name, rows, defaults.get(t.name))
    return out


def linkage_db(frames: dict[str, pd.DataFrame]) -> duckdb.DuckDBPyConnection:
    """An in-memory working database with the raw tables and source views loaded."""
    from transforms.sources import create_source_views, load_frames

    con = duckdb.connect()
    load_frames(con, frames)
    create_source_views(con)
    return con


def mini_link_files(tmp_path: Path) -> tuple[Path, Path, Mapping]:
    """Two tiny CSV extracts for sweep link (two people each, one pair the same person) and
    their mapping; tests overwrite a file to make the case they need."""
    left = tmp_path / "l.csv"
    right = tmp_path / "r.csv"
    left.write_text("pid,fn,sn,dob\n1,Ann,Lee,1980-01-02\n2,Bob,Kay,1975-03-04\n", "utf-8")
    right.write_text("ref,fn,sn,dob\nA,Ann,Lee,1980-01-02\nB,Rob,Kay,1975-03-04\n", "utf-8")
    mapping = parse_mapping(
        {
            "left": {"id": "pid", "forenames": "fn", "surname": "sn", "date_of_birth": "dob"},
            "right": {"id": "ref", "forenames": "fn", "surname": "sn", "date_of_birth": "dob"},
        },
        "mini.toml",
    )
    return left, right, mapping
