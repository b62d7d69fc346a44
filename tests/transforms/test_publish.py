"""The published database is swapped in whole, even while an analyst holds it open."""

import subprocess
import sys
import time

import duckdb
import pandas as pd
import pytest

from transforms.publish import PUBLISHED_NAME, publish_database, read_previous

READER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("SELECT max(run_id) FROM runs").fetchall()[0][0], flush=True)
sys.stdin.readline()  # hold the file open until told to look again
print(con.execute("SELECT max(run_id), count(*) FROM runs").fetchall()[0], flush=True)
"""


def _publish(tmp_path, run_id: str, n: int):
    con = duckdb.connect()
    con.execute(f"CREATE TABLE runs AS SELECT '{run_id}' AS run_id, range AS i FROM range({n})")
    path = publish_database(
        con, tmp_path, ["runs"], run_id, frames={"extra": pd.DataFrame({"a": [1, 2]})}
    )
    con.close()
    return path


def test_publish_replaces_file_while_a_reader_holds_it(tmp_path):
    path = _publish(tmp_path, "run-1", 3)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "run-1"
        t0 = time.perf_counter()
        _publish(tmp_path, "run-2", 5)  # must not wait for, or fail because of, the reader
        assert time.perf_counter() - t0 < 30
        reader.stdin.write("\n")
        reader.stdin.flush()
        # The reader still sees the whole old run, never a mix.
        assert reader.stdout.readline().strip() == "('run-1', 3)"
    finally:
        reader.stdin.close()
        reader.wait(timeout=30)
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("SELECT max(run_id), count(*) FROM runs").fetchall()[0] == ("run-2", 5)
        assert con.execute("SELECT sum(a) FROM extra").fetchall()[0][0] == 3
    assert [p.name for p in tmp_path.iterdir()] == [PUBLISHED_NAME]
    assert (path.stat().st_mode & 0o777) == 0o600


def test_crash_before_rename_leaves_previous_run(tmp_path, monkeypatch):
    path = _publish(tmp_path, "run-1", 3)
    import transforms.publish as pub

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(pub.os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        _publish(tmp_path, "run-2", 5)
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("SELECT max(run_id) FROM runs").fetchall()[0][0] == "run-1"
    # The half-finished new file is removed, not left beside the published one.
    assert [p.name for p in tmp_path.iterdir()] == [PUBLISHED_NAME]


def test_read_previous(tmp_path):
    assert read_previous(tmp_path, "runs").empty
    _publish(tmp_path, "run-1", 2)
    assert list(read_previous(tmp_path, "runs")["run_id"]) == ["run-1", "run-1"]
    assert read_previous(tmp_path, "no_such_table").empty


def test_check_output_names_a_file_where_a_folder_goes(tmp_path):
    from transforms.publish import OutputError, check_output

    check_output(tmp_path / "new")  # a new output folder is made, with its work folder
    assert (tmp_path / "new" / "work").is_dir()
    (tmp_path / "new" / "handoff").write_text("", encoding="utf-8")
    with pytest.raises(OutputError, match=r"new/handoff: exists and is not a folder"):
        check_output(tmp_path / "new")
    (tmp_path / "file").write_text("", encoding="utf-8")
    with pytest.raises(OutputError, match=r"file: exists and is not a folder"):
        check_output(tmp_path / "file")


def test_last_tables_are_made_once_everything_else_is_written(tmp_path, monkeypatch):
    import transforms.publish as pub

    con = duckdb.connect()
    con.execute("CREATE TABLE runs AS SELECT 'run-1' AS run_id")
    tmp = tmp_path / f".{PUBLISHED_NAME}.run-1.tmp"
    order = []
    real_views = pub.apply_views
    monkeypatch.setattr(pub, "apply_views", lambda db: order.append("views") or real_views(db))

    def timings() -> pd.DataFrame:
        # called with the new file written, its views made, and not yet in place
        order.append("timings")
        assert tmp.exists() and not (tmp_path / PUBLISHED_NAME).exists()
        return pd.DataFrame({"stage": ["load", "publish"], "seconds": [1.0, 0.5]})

    path = publish_database(
        con,
        tmp_path,
        ["runs"],
        "run-1",
        frames={"extra": pd.DataFrame({"a": [1]})},
        last={"stage_timings": timings},
    )
    assert order == ["views", "timings"]
    with duckdb.connect(str(path), read_only=True) as db:
        tables = sorted(r[0] for r in db.execute("SHOW TABLES").fetchall())
        assert tables == ["extra", "runs", "stage_timings"]
        assert db.execute("SELECT stage FROM stage_timings").fetchall() == [("load",), ("publish",)]
    assert [p.name for p in tmp_path.iterdir()] == [PUBLISHED_NAME]

    def broken() -> pd.DataFrame:
        raise RuntimeError("timings failed")

    con.execute("CREATE OR REPLACE TABLE runs AS SELECT 'run-2' AS run_id")
    with pytest.raises(RuntimeError, match="timings failed"):
        publish_database(con, tmp_path, ["runs"], "run-2", last={"stage_timings": broken})
    with duckdb.connect(str(path), read_only=True) as db:  # the last run stays, whole
        assert db.execute("SELECT run_id FROM runs").fetchall() == [("run-1",)]
    assert [p.name for p in tmp_path.iterdir()] == [PUBLISHED_NAME]
    con.close()
