"""Benchmark: Sweep, and Splink beside it, on person data Sweep was never built on.

The sets come from ``benchmarks/unseen/generate.py`` (no name list or habit of Sweep's own
generator; 20,000 x 200,000 each), written under ``--dir`` if they are not there:

- u1 (seed 1): 4,600 true pairs, 200 for each of 23 kinds of variation, one kind a record;
- u2 (seed 2): 5% of the left people have 1,388 true copies, defects at their own rates.

For each set, one ``sweep link`` on the set's own CSVs and mapping (how a user links such
files; its summary is printed as ``sweep link --truth`` gives it), then the set in the flat
files (``benchmarks/unseen/flat.py``: both engines start from the same fields) and
``bench_link.py`` on them: Sweep and Splink head to head, each repeat in a fresh process.

    python benchmarks/bench_unseen.py                        # u1 and u2, Sweep and Splink
    python benchmarks/bench_unseen.py --sets u2 --engines sweep --repeats 1

Arguments after the known ones go to ``bench_link.py``. Writes nothing outside ``--dir``.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks import bench_link  # noqa: E402
from benchmarks.unseen import flat, generate  # noqa: E402

DEFAULT_DIR = REPO / "benchmarks" / "data" / "unseen"
SEEDS = {"u1": 1, "u2": 2}
SIZE = (20_000, 200_000)
# the lines of ``sweep link --truth`` that carry the figures
SUMMARY = re.compile(
    r"^(candidate pairs|review load|time|blocking recall|review|auto|p >=|best|false)"
)


def ensure_set(base: Path, name: str) -> Path:
    """The set ``name`` under ``base``, generated there if its files are not all present."""
    src = base / name
    wanted = ("left.csv", "right.csv", "truth.csv", "mapping.toml")
    if not all((src / f).is_file() for f in wanted):
        print(f"no set at {src}: generating {name} (seed {SEEDS[name]})", flush=True)
        generate.build(name, SEEDS[name], *SIZE, src)
    return src


def sweep_on_own_files(src: Path, work: Path, sweep: str) -> list[str]:
    """``sweep link --truth`` on the set's own CSVs; its wall time, peak and summary lines."""
    work.mkdir(parents=True, exist_ok=True)
    cmd = [
        sweep,
        "link",
        "--left",
        str(src / "left.csv"),
        "--right",
        str(src / "right.csv"),
        "--mapping",
        str(src / "mapping.toml"),
        "--out",
        str(work / "sweep_own_pairs.parquet"),
        "--truth",
        str(src / "truth.csv"),
    ]
    env = {**os.environ, **bench_link.QUIET_ENV}
    wall, peak, out = bench_link.measure(cmd, env, work / "sweep_own.log")
    lines = [f"sweep link on {src.name}'s own files: {wall:.1f} s wall, {peak:,.0f} MiB peak"]
    lines += ["  " + line for line in out.splitlines() if SUMMARY.match(line)]
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="the sets and the runs")
    ap.add_argument("--sets", default="u1,u2", help="comma list: u1,u2")
    ap.add_argument("--sweep", default=str(Path(sys.executable).with_name("sweep")))
    args, rest = ap.parse_known_args(argv)
    sets = [s.strip() for s in args.sets.split(",") if s.strip()]
    unknown = sorted(set(sets) - SEEDS.keys())
    if unknown:
        ap.error(f"unknown set(s) {', '.join(unknown)}: choose from {', '.join(SEEDS)}")
    for name in sets:
        src = ensure_set(args.dir, name)
        work = args.dir / f"{name}-runs"
        print("\n".join(sweep_on_own_files(src, work, args.sweep)), flush=True)
        counts = flat.convert(src, work / "flat")
        print(
            f"{name} as flat files: {counts['staff_rows']:,} x {counts['nominals_rows']:,}, "
            f"{counts['truth_pairs']:,} true pairs",
            flush=True,
        )
        rc = bench_link.main(
            ["--flat", str(work / "flat"), "--work", str(work / "link"), "--sweep", args.sweep]
            + rest
        )
        if rc:
            return rc
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
