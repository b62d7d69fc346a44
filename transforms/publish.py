"""Publish the analysts' DuckDB atomically, and read the state the last run left behind.

DuckDB lets one process write a file and blocks readers from other processes while it does;
so the run never writes the published file. It builds a new file beside it and renames it
over the old one (atomic on POSIX): analysts holding the old file open keep reading the old
run, new readers get the new one, and nobody ever sees a half-written run. The analysts'
convenience views (``transforms/views.py``) are created inside the new file before the rename.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd

from transforms.views import apply_views

PUBLISHED_NAME = "sweep.duckdb"


def fsync_dir(path: Path) -> None:
    """Make a rename inside ``path`` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish_database(
    con: duckdb.DuckDBPyConnection,
    out_dir: Path,
    tables: list[str],
    run_id: str,
    frames: dict[str, pd.DataFrame] | None = None,
) -> Path:
    """Copy ``tables`` from ``con`` (and ``frames``) into a new file, create the analysts'
    views in it, then rename it over ``out_dir/sweep.duckdb``. Returns the published path.
    Owner-only permissions. On any failure the new file is removed and the last published
    run stays in place."""
    out_dir.mkdir(parents=True, exist_ok=True)
    final = out_dir / PUBLISHED_NAME
    tmp = out_dir / f".{PUBLISHED_NAME}.{run_id}.tmp"
    tmp.unlink(missing_ok=True)
    try:
        con.execute(f"ATTACH '{tmp}' AS pub")
        try:
            for t in tables:
                con.execute(f"CREATE TABLE pub.{t} AS SELECT * FROM {t}")
            for name, frame in (frames or {}).items():
                con.register("_pub_frame", frame)
                con.execute(f"CREATE TABLE pub.{name} AS SELECT * FROM _pub_frame")
                con.unregister("_pub_frame")
            con.execute("CHECKPOINT pub")
        finally:
            con.execute("DETACH pub")
        # Views through the file's own connection, not the ``pub`` alias: their stored SQL
        # must resolve however the published file is opened later.
        apply_views(tmp)
        os.chmod(tmp, 0o600)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)
        raise
    fsync_dir(out_dir)
    return final


def read_previous(out_dir: Path, table: str) -> pd.DataFrame:
    """A table from the last published run (read-only), or an empty frame on the first run."""
    path = out_dir / PUBLISHED_NAME
    if not path.exists():
        return pd.DataFrame()
    with duckdb.connect(str(path), read_only=True) as con:
        exists = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]
        ).fetchall()[0][0]
        if not exists:
            return pd.DataFrame()
        return con.execute(f"SELECT * FROM {table}").df()
