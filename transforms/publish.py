"""Publish the analysts' DuckDB atomically, and read the state the last run left behind.

DuckDB lets one process write a file and blocks readers from other processes while it does;
so the run never writes the published file. It builds a new file beside it and renames it
over the old one (atomic on POSIX): analysts holding the old file open keep reading the old
run, new readers get the new one, and nobody ever sees a half-written run. The analysts'
convenience views (``transforms/views.py``) are created inside the new file before the rename.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path

import duckdb
import pandas as pd

from transforms.views import apply_views

PUBLISHED_NAME = "sweep.duckdb"


# The folders a run writes under its output folder. They are checked before anything is
# read: a run that cannot write one stops at once, not after it has published its database
# and handoff (a file named "reports" in the output folder did that).
OUTPUT_FOLDERS = ("work", "handoff", "reports", "models")


class OutputError(Exception):
    """The output folder cannot take a run's outputs: names the path and the problem."""


def check_output(out_dir: Path) -> None:
    """Raise OutputError if ``out_dir`` or one of its :data:`OUTPUT_FOLDERS` exists and is
    not a folder, or the output folder cannot be written; make ``out_dir`` and ``work``
    (the working database's; nothing else is made until there is something to publish)."""
    for path in (out_dir, *(out_dir / name for name in OUTPUT_FOLDERS)):
        if path.exists() and not path.is_dir():
            raise OutputError(f"{path}: exists and is not a folder")
    try:
        (out_dir / "work").mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot be written ({exc.strerror})") from None
    if not os.access(out_dir, os.W_OK):
        raise OutputError(f"{out_dir}: cannot be written (permission denied)")


def unreported_message(run_id: str, outputs: dict[str, str], out_dir: Path, exc: OSError) -> str:
    """What to tell the operator when a run published its database and handoff (so it is
    recorded completed, and the handoff disclosed) but its report could not be written."""
    where = f" ({exc.filename})" if exc.filename else ""
    return (
        f"run {run_id} is published ({outputs['database']}; handoff {outputs['handoff']}) "
        f"but its report could not be written: {exc.strerror or exc}{where}; once that is "
        f"mended, write the report with `sweep report --out {out_dir}`"
    )


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
    last: Mapping[str, Callable[[], pd.DataFrame]] | None = None,
) -> Path:
    """Copy ``tables`` from ``con`` (and ``frames``) into a new file, create the analysts'
    views in it, then rename it over ``out_dir/sweep.duckdb``. Returns the published path.
    Owner-only permissions. On any failure the new file is removed and the last published
    run stays in place.

    ``last``: tables made by calling each function once everything else is in the new file,
    just before it is made durable and renamed (the run's stage timings, publishing's own
    included); no view may read one."""
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
        if last:
            with duckdb.connect(str(tmp)) as late:
                for name, make in last.items():
                    late.register("_pub_frame", make())
                    late.execute(f"CREATE TABLE {name} AS SELECT * FROM _pub_frame")
                    late.unregister("_pub_frame")
                late.execute("CHECKPOINT")
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
