"""Benchmark: generate 50,000 staff x 1,000,000 nominals, run the whole nightly flow, and
print stage timings and peak memory. Run by hand: ``make benchmark`` or
``python benchmarks/bench_pipeline.py --staff 50000 --nominals 1000000 --repeats 3``.

Each repeat runs in a fresh process so peak memory is per run. The baseline in the same run
is what a first attempt would do (every staff member against every nominal born the same day,
kept when both names are Jaro-Winkler > 0.9), timed on the same files so a change of machine
shows up in both columns, and scored for recall so like is compared with like.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

ONE_RUN = r"""
import json, sys, time
from pathlib import Path
from sweep import environment
environment.apply()
from prefect.testing.utilities import prefect_test_harness
from flows.nightly import nightly_screening
data, out = Path(sys.argv[1]), Path(sys.argv[2])
with prefect_test_harness(server_startup_timeout=90):
    t0 = time.perf_counter()
    result = nightly_screening(staff_dir=data / "staff", intel_dir=data / "intel", out_dir=out)
    total = time.perf_counter() - t0
from transforms.runlog import peak_rss_mib
print(json.dumps({"total": total, "timings": result["timings"], "peak_rss_mib": peak_rss_mib(),
                  "flags": result["flags"]}))
"""

BASELINE = r"""
import json, sys, time
import duckdb
from pathlib import Path
from transforms.load import load_extract
from transforms.schema import STAFF, NOMINALS
from transforms.runlog import peak_rss_mib
data, out = Path(sys.argv[1]), sys.argv[2]
t0 = time.perf_counter()
staff = load_extract(data / "staff", (STAFF,))["staff"]
nominals = load_extract(data / "intel", (NOMINALS,))["nominals"]
con = duckdb.connect()
con.register("s", staff)
con.register("n", nominals)
con.execute(f'''
    COPY (SELECT s.staff_id, n.nominal_id FROM s JOIN n ON s.date_of_birth = n.date_of_birth
          WHERE jaro_winkler_similarity(upper(s.surname), upper(n.surname)) > 0.9
            AND jaro_winkler_similarity(upper(s.forenames), upper(n.forenames)) > 0.9)
    TO '{out}' (FORMAT parquet)''')
print(json.dumps({"total": time.perf_counter() - t0, "peak_rss_mib": peak_rss_mib()}))
"""


def _run(code: str, *args: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PREFECT_LOGGING_LEVEL": "WARNING"}
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--staff", type=int, default=50_000)
    ap.add_argument("--nominals", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--data", default=str(REPO / "benchmarks" / "data"))
    args = ap.parse_args()

    data = Path(args.data) / f"s{args.staff}_n{args.nominals}_seed{args.seed}"
    if not (data / "intel" / "nominals.csv").exists():
        from transforms.generate import GenerateSpec, generate, write_extracts

        t0 = time.perf_counter()
        write_extracts(generate(GenerateSpec(args.staff, args.nominals, args.seed)), data, "csv")
        print(f"generate: {time.perf_counter() - t0:.1f} s")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {platform.platform()}"
    )
    runs, bases = [], []
    for i in range(args.repeats):
        out = Path(args.data) / f"out_{i}"
        subprocess.run(["rm", "-rf", str(out)], check=True)
        runs.append(_run(ONE_RUN, str(data), str(out)))
        bases.append(_run(BASELINE, str(data), str(Path(args.data) / "baseline_pairs.parquet")))
        print(
            f"repeat {i + 1}: sweep {runs[-1]['total']:.1f} s, "
            f"{runs[-1]['peak_rss_mib']:.0f} MiB; baseline {bases[-1]['total']:.1f} s"
        )
    stages = [s["stage"] for s in runs[0]["timings"]]
    print("\nstage                median s   peak RSS MiB (max)")
    for st in stages:
        secs = [next(t["seconds"] for t in r["timings"] if t["stage"] == st) for r in runs]
        rss = [next(t["peak_rss_mib"] for t in r["timings"] if t["stage"] == st) for r in runs]
        print(f"{st:20s} {statistics.median(secs):8.1f}   {max(rss):8.0f}")
    print(
        f"{'whole flow':20s} {statistics.median(r['total'] for r in runs):8.1f}   "
        f"{max(r['peak_rss_mib'] for r in runs):8.0f}"
    )
    print(
        f"{'baseline (dob join)':20s} {statistics.median(b['total'] for b in bases):8.1f}   "
        f"{max(b['peak_rss_mib'] for b in bases):8.0f}"
    )
    print(f"flags: {runs[0]['flags']}")
    from transforms.evaluate import evaluate, read_truth

    result = evaluate(Path(args.data) / "out_0" / "sweep.duckdb", read_truth(data / "truth"))
    print()
    print(result["metrics"].to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print()
    print(result["by_kind"].to_string(index=False))
    truth = read_truth(data / "truth")
    flaggable = truth[truth["kind"].isin(["self_criminal", "self_welfare", "self_known"])]
    base = pd.read_parquet(Path(args.data) / "baseline_pairs.parquet")
    hit = flaggable.merge(base, on=["staff_id", "nominal_id"])
    found = result["metrics"].set_index("measure").loc["identity:flaggable", "true_positive"]
    print(
        f"\nbaseline (same dob, Jaro-Winkler > 0.9 on both names): {len(base):,} pairs, "
        f"finds {len(hit)} of {len(flaggable)} flaggable self matches "
        f"(recall {len(hit) / len(flaggable):.3f}); Sweep finds {found}"
    )


if __name__ == "__main__":
    main()
