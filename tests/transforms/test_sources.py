"""transforms.sources: raw tables for every input table, an absent optional one included."""

from __future__ import annotations

import duckdb
import pytest

from tests.factories import tables
from transforms.schema import TABLES_BY_NAME
from transforms.sources import load_frames


def test_an_absent_optional_table_becomes_an_empty_raw_table():
    frames = tables(staff=[{"staff_id": "S1"}])
    del frames["misconduct_outcomes"]
    con = duckdb.connect()
    load_frames(con, frames)
    cols = [r[0] for r in con.execute("DESCRIBE raw_misconduct_outcomes").fetchall()]
    assert cols == TABLES_BY_NAME["misconduct_outcomes"].column_names
    assert con.execute("SELECT count(*) FROM raw_misconduct_outcomes").fetchall() == [(0,)]


def test_an_absent_required_table_is_an_error():
    frames = tables(staff=[{"staff_id": "S1"}])
    del frames["staff_phones"]
    with pytest.raises(KeyError, match="staff_phones"):
        load_frames(duckdb.connect(), frames)
