"""Benchmark: ``sweep link`` at this checkout against an earlier commit, taking turns.

The machine's speed drifts by 20-30% within minutes, so a speed claim compares two commits
run alternately on the same files in one session, never figures from different days. The
earlier commit is checked out into a git worktree under ``--work`` and run by the same
python with that worktree first on ``PYTHONPATH``; each run is a fresh process. Prints each
run, the medians (wall, the stages ``sweep link`` reports, peak memory) and whether the two
commits wrote the same pairs (every column; weights within ``--tolerance``).

    .venv/bin/python benchmarks/ab_link.py --base 24a24c9 \\
        --left /tmp/flat5m/staff.parquet --right /tmp/flat5m/nominals.parquet

The 5M files of benchmarks/RESULTS.md: ``sweep generate --staff 50000 --nominals 5000000
--seed 13 --enrich 1 --out X``, then ``flatten_extract(X, Y, alias_rows=False)``
(``benchmarks/flatten.py``). Writes nothing outside ``--work`` (the worktree stays there for
the next run; ``git worktree remove`` takes it away). It stops if both sides would import
the same code.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.bench_link import machine, measure  # noqa: E402

DEFAULT_WORK = REPO / "benchmarks" / "data" / "ab"
# "time: 17.7 s (read_and_map 2.3, normalise_and_block 8.2, ...)" as sweep link prints it
_TIME_LINE = re.compile(r"^time: ([0-9.]+) s \(([^)]*)\)", re.MULTILINE)


@dataclass
class ABRun:
    side: str  # "base" or "head"
    wall_s: float
    peak_mib: float
    link_s: float | None
    stages: dict[str, float]


def parse_time_line(out: str) -> tuple[float | None, dict[str, float]]:
    """The total and per-stage seconds ``sweep link`` printed (None, {} if absent)."""
    m = _TIME_LINE.search(out)
    if not m:
        return None, {}
    stages = {}
    for part in m.group(2).split(","):
        name, _, value = part.strip().rpartition(" ")
        if name:
            stages[name] = float(value)
    return float(m.group(1)), stages


def same_pairs(a: Path, b: Path, tolerance: float) -> tuple[bool, str]:
    """Whether two pair files hold the same rows in the same order: every non-float column
    equal, floats within ``tolerance``. Returns (same, one line saying how they differ)."""
    con = duckdb.connect()
    lit = lambda p: "'" + str(p).replace("'", "''") + "'"  # noqa: E731
    cols_a = con.execute(f"DESCRIBE SELECT * FROM read_parquet({lit(a)})").fetchall()
    cols_b = con.execute(f"DESCRIBE SELECT * FROM read_parquet({lit(b)})").fetchall()
    if [c[:2] for c in cols_a] != [c[:2] for c in cols_b]:
        return False, "the columns differ"
    floats = [c[0] for c in cols_a if c[1] in ("DOUBLE", "FLOAT")]
    others = [c[0] for c in cols_a if c[0] not in floats]
    q = lambda c: '"' + c.replace('"', '""') + '"'  # noqa: E731
    differ = " OR ".join(f"x.{q(c)} IS DISTINCT FROM y.{q(c)}" for c in others) or "FALSE"
    gap = ", ".join(f"max(abs(x.{q(c)} - y.{q(c)}))" for c in floats) or "0"
    rows_a, rows_b = con.execute(
        f"SELECT (SELECT count(*) FROM read_parquet({lit(a)})), "
        f"(SELECT count(*) FROM read_parquet({lit(b)}))"
    ).fetchall()[0]
    if rows_a != rows_b:
        return False, f"{rows_a:,} rows against {rows_b:,}"
    row = con.execute(f"""
        WITH x AS (SELECT row_number() OVER () AS n, * FROM read_parquet({lit(a)})),
             y AS (SELECT row_number() OVER () AS n, * FROM read_parquet({lit(b)}))
        SELECT count(*) FILTER (WHERE {differ}), {gap} FROM x JOIN y USING (n)
    """).fetchall()[0]
    worst = max([v or 0.0 for v in row[1:]], default=0.0)
    same = row[0] == 0 and worst <= tolerance
    return same, (
        f"{rows_a:,} pairs; {row[0]:,} rows differ in a non-float column; "
        f"largest float difference {worst:.2g}"
    )


def worktree(rev: str, work: Path) -> Path:
    """A detached worktree of ``rev`` under ``work`` (made once, reused)."""
    sha = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", rev],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    path = work / f"base-{sha}"
    if not (path / "transforms").is_dir():
        subprocess.run(
            ["git", "-C", str(REPO), "worktree", "add", "--detach", str(path), sha],
            check=True,
            capture_output=True,
        )
    return path


def run_once(side: str, code: Path, args: argparse.Namespace, out: Path) -> ABRun:
    cmd = [sys.executable, "-c", "from sweep.cli import main; main()", "link"]
    cmd += ["--left", str(args.left), "--right", str(args.right)]
    cmd += ["--mapping", str(args.mapping), "--out", str(out)]
    if args.truth:
        cmd += ["--truth", str(args.truth)]
    # run from the code's own folder: ``python -c`` puts the working folder first on sys.path
    env = {**os.environ, "PYTHONPATH": str(code)}
    wall, peak, stdout = measure(cmd, env, out.with_suffix(".log"), cwd=code)
    link_s, stages = parse_time_line(stdout)
    return ABRun(side, wall, peak, link_s, stages)


def _imported_from(code: Path) -> str:
    """Where a run with ``code`` first on the path imports ``transforms`` from."""
    return subprocess.run(
        [sys.executable, "-c", "import transforms; print(transforms.__file__)"],
        env={**os.environ, "PYTHONPATH": str(code)},
        cwd=code,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def summarise(runs: list[ABRun], names: dict[str, str]) -> list[str]:
    lines = []
    for side in ("base", "head"):
        mine = [r for r in runs if r.side == side]
        link = [r.link_s for r in mine if r.link_s is not None]
        stage_names = list(mine[0].stages) if mine else []
        stages = ", ".join(
            f"{s} {statistics.median(r.stages.get(s, 0.0) for r in mine):.1f}" for s in stage_names
        )
        lines.append(
            f"{side} {names[side]}: sweep link {statistics.median(link):.1f} s median "
            f"({', '.join(f'{x:.1f}' for x in link)}); wall "
            f"{statistics.median(r.wall_s for r in mine):.1f} s; peak "
            f"{max(r.peak_mib for r in mine):,.0f} MiB; stages (medians) {stages}"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="sweep link: this checkout against --base")
    ap.add_argument("--base", required=True, help="the earlier commit (any git revision)")
    ap.add_argument("--left", type=Path, required=True)
    ap.add_argument("--right", type=Path, required=True)
    ap.add_argument("--mapping", type=Path, default=REPO / "benchmarks" / "mapping_flat.toml")
    ap.add_argument("--truth", type=Path, default=None)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--work", type=Path, default=DEFAULT_WORK)
    ap.add_argument("--tolerance", type=float, default=1e-9, help="largest weight difference")
    args = ap.parse_args(argv)
    for key in ("left", "right", "mapping", "truth", "work"):
        if getattr(args, key) is not None:
            setattr(args, key, getattr(args, key).resolve())
    if args.repeats < 1:
        ap.error("--repeats must be at least 1")
    args.work.mkdir(parents=True, exist_ok=True)
    base = worktree(args.base, args.work)
    codes = {"base": base, "head": REPO}
    names = {"base": base.name.removeprefix("base-"), "head": "this checkout"}
    print(f"machine: {machine()}; load average at start {os.getloadavg()[0]:.2f}")
    runs: list[ABRun] = []
    for rep in range(args.repeats):
        order = ("base", "head") if rep % 2 == 0 else ("head", "base")
        for side in order:
            run = run_once(side, codes[side], args, args.work / f"{side}.parquet")
            runs.append(run)
            print(
                f"repeat {rep + 1}/{args.repeats} {side}: {run.link_s} s as printed, "
                f"{run.wall_s:.1f} s wall, {run.peak_mib:,.0f} MiB"
            )
    imported = {side: _imported_from(codes[side]) for side in codes}
    if imported["base"] == imported["head"]:
        raise SystemExit(f"both sides imported the code at {imported['base']}: not an A/B")
    print("\n".join(summarise(runs, names)))
    same, how = same_pairs(args.work / "base.parquet", args.work / "head.parquet", args.tolerance)
    print(f"same pairs: {'yes' if same else 'NO'} ({how})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
