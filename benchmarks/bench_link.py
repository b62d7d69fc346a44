"""Benchmark: Sweep's linker against Splink on the same flat files, head to head.

One run flattens a generated extract (``benchmarks/flatten.py``: one row per person plus
one per nominal's alias, the planted self matches as truth), then links staff x nominals with each engine, each repeat in
a fresh subprocess, alternating which engine goes first:

- Sweep: ``sweep link --left staff.parquet --right nominals.parquet --mapping
  benchmarks/mapping_flat.toml --out pairs.parquet --truth truth.parquet``, timed whole.
- Splink 4 (DuckDB backend): ``benchmarks/splink_side.py`` run by a separate virtual
  environment's python (Splink is never a runtime dependency of Sweep); timed whole, and its
  own train + predict time reported beside it.

Both engines' pairs are scored here by one function (``benchmarks/link_metrics.py``):
candidate pairs, blocking recall, precision / recall / F1 at the headline threshold (Sweep:
band auto or review; Splink: match_probability >= 0.5) and the best F1 over all thresholds.
Peak memory is the child's maximum resident set (``/usr/bin/time``, else psutil polling).

    /tmp/venv/bin/python benchmarks/bench_link.py                      # 50k x 1M at /tmp/big
    /tmp/venv/bin/python benchmarks/bench_link.py --data data/sample --repeats 1

The Splink environment is created on first use from ``benchmarks/requirements-splink.txt``
(or give ``--splink-python``). Prints a table; writes nothing outside ``--work``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import pyarrow.parquet as pq  # noqa: E402

from benchmarks.flatten import FlatCounts, flatten_extract  # noqa: E402
from benchmarks.link_metrics import LinkScores, score_pairs  # noqa: E402

HERE = REPO / "benchmarks"
DEFAULT_DATA = Path("/tmp/big")
DEFAULT_WORK = HERE / "data" / "link"
DEFAULT_SPLINK_VENV = HERE / "data" / "splink-venv"
SPLINK_REQUIREMENTS = HERE / "requirements-splink.txt"
GENERATE = ("--staff", "50000", "--nominals", "1000000", "--seed", "11", "--enrich", "1")
ENGINES = ("sweep", "splink")
# Planted self matches that screening must raise (the rest, self_duty_only, are officers named
# on a record through their work, most held under a name alone).
FLAGGABLE = ("self_criminal", "self_welfare", "self_known", "self_named_associate")
QUIET_ENV = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_LOGGING_LEVEL": "WARNING",
}


@dataclass
class Run:
    """One engine's run in a fresh process: wall time, peak memory, scores."""

    engine: str
    wall_s: float
    peak_rss_mib: float
    inner_s: float | None  # the engine's own figure: Sweep's link time, Splink's train+predict
    scores: LinkScores
    load_before: float
    load_after: float
    extra: dict[str, object] = field(default_factory=dict)
    # Sweep's pairs scored at Splink's probability threshold as well, like for like.
    same_p: LinkScores | None = None


# --- child processes ------------------------------------------------------------------------------


def measure(
    cmd: list[str], env: dict[str, str], log: Path, cwd: Path | None = None
) -> tuple[float, float, str]:
    """Run ``cmd``; return (wall seconds, peak RSS MiB, stdout). stderr goes to ``log``,
    stdout to ``log`` with the suffix ``.out``.

    Peak RSS is GNU time's maximum resident set of the child (exact, whole life); without
    /usr/bin/time, the summed RSS of the child's process tree polled every 50 ms.
    """
    gnu_time = shutil.which("time", path="/usr/bin")
    with tempfile.NamedTemporaryFile(suffix=".rss", delete=False) as fh:
        rss_file = Path(fh.name)
    full = [gnu_time, "-f", "%M", "-o", str(rss_file), *cmd] if gnu_time else cmd
    try:
        with open(log, "w") as err:
            t0 = time.perf_counter()
            proc = subprocess.Popen(
                full, stdout=subprocess.PIPE, stderr=err, env=env, text=True, cwd=cwd
            )
            peak = _poll_peak(proc) if not gnu_time else 0.0
            out, _ = proc.communicate()
            wall = time.perf_counter() - t0
        log.with_suffix(".out").write_text(out)
        if proc.returncode != 0:
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
            raise RuntimeError(f"{cmd[0]} exited {proc.returncode}; last lines of {log}:\n{tail}")
        if gnu_time:
            peak = int(rss_file.read_text().split()[-1]) / 1024.0
        return wall, peak, out
    finally:
        rss_file.unlink(missing_ok=True)


def _poll_peak(proc: subprocess.Popen) -> float:
    """Largest summed RSS (MiB) of ``proc`` and its children, sampled until it exits."""
    import psutil

    peak = 0
    try:
        root = psutil.Process(proc.pid)
        while proc.poll() is None:
            try:
                total = root.memory_info().rss + sum(
                    c.memory_info().rss for c in root.children(recursive=True)
                )
            except psutil.Error:
                total = 0
            peak = max(peak, total)
            time.sleep(0.05)
    except psutil.NoSuchProcess:
        pass
    return peak / 2**20


def run_sweep(args: argparse.Namespace, flat: Path, out_dir: Path, env: dict[str, str]) -> Run:
    """``sweep link`` on the flat files, timed whole. Headline: pairs in band auto or review
    (Sweep's screening threshold); also scored at Splink's probability threshold."""
    pairs = out_dir / "sweep_pairs.parquet"
    cmd = [
        args.sweep,
        "link",
        "--left",
        str(flat / "staff.parquet"),
        "--right",
        str(flat / "nominals.parquet"),
        "--mapping",
        str(args.mapping),
        "--out",
        str(pairs),
        "--truth",
        str(flat / "truth.parquet"),
    ]
    if args.sweep_config:
        cmd += ["--config", str(args.sweep_config)]
    load_before = os.getloadavg()[0]
    wall, peak, out = measure(cmd, env, out_dir / "sweep.log")
    load_after = os.getloadavg()[0]
    inner = re.search(r"^time: ([0-9.]+) s", out, re.MULTILINE)
    score = partial(score_pairs, pairs, flat / "truth.parquet", left="left_id", right="right_id")
    scores = score(score="match_weight", predicted="band IN ('auto', 'review')")
    same_p = score(score="match_weight", predicted=f"match_probability >= {float(args.threshold)}")
    return Run(
        "sweep",
        wall,
        peak,
        float(inner.group(1)) if inner else None,
        scores,
        load_before,
        load_after,
        same_p=same_p,
    )


def run_splink(args: argparse.Namespace, flat: Path, out_dir: Path, env: dict[str, str]) -> Run:
    """``splink_side.py`` with the Splink environment's python, timed whole."""
    pairs = out_dir / "splink_pairs.parquet"
    cmd = [
        str(args.splink_python),
        str(HERE / "splink_side.py"),
        "--staff",
        str(flat / "staff.parquet"),
        "--nominals",
        str(flat / "nominals.parquet"),
        "--out",
        str(pairs),
        "--u-max-pairs",
        str(args.u_max_pairs),
    ]
    load_before = os.getloadavg()[0]
    wall, peak, out = measure(cmd, env, out_dir / "splink.log")
    load_after = os.getloadavg()[0]
    report = json.loads(out.strip().splitlines()[-1])
    scores = score_pairs(
        pairs,
        flat / "truth.parquet",
        left="staff_id",
        right="nominal_id",
        score="match_probability",
        predicted=f"match_probability >= {float(args.threshold)}",
    )
    return Run(
        "splink",
        wall,
        peak,
        float(report["train_predict_s"]),
        scores,
        load_before,
        load_after,
        extra={k: report[k] for k in ("splink_version", "duckdb_version", "timings")},
    )


# --- setup ----------------------------------------------------------------------------------------


def ensure_data(data: Path, sweep: str) -> Path:
    """The extract at ``data``, generated there (50k x 1M, seed 11) if it is not present."""
    if (data / "staff").is_dir() and (data / "intel").is_dir() and (data / "truth").is_dir():
        return data
    print(f"no extract at {data}: generating one (sweep generate {' '.join(GENERATE)})")
    subprocess.run(
        [sweep, "generate", *GENERATE, "--defects", "0", "--out", str(data)],
        check=True,
        env={**os.environ, **QUIET_ENV},
    )
    return data


def flat_counts(flat: Path) -> FlatCounts:
    """Row counts of ready flat files (one row per person, no alias rows), from the files'
    footers."""

    def rows(name: str) -> int:
        return pq.ParquetFile(flat / f"{name}.parquet").metadata.num_rows

    return FlatCounts(rows("staff"), rows("nominals"), 0, rows("truth"), 0, 0, 0)


def ensure_splink_python(path: Path | None) -> Path:
    """The Splink environment's python: ``path`` if given, else the default venv (created
    from ``benchmarks/requirements-splink.txt`` with this machine's python3 if missing)."""
    if path is not None:
        if not path.is_file():
            raise FileNotFoundError(f"--splink-python {path}: not found")
        return path
    python = DEFAULT_SPLINK_VENV / "bin" / "python"
    if not python.is_file():
        base = shutil.which("python3") or sys.executable
        print(
            f"creating the Splink environment at {DEFAULT_SPLINK_VENV} from {SPLINK_REQUIREMENTS}"
        )
        subprocess.run([base, "-m", "venv", str(DEFAULT_SPLINK_VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "-r", str(SPLINK_REQUIREMENTS)],
            check=True,
        )
    return python


def machine() -> str:
    """One line describing this machine (no host name)."""
    try:
        import psutil

        mem = f"{psutil.virtual_memory().total / 2**30:.0f} GiB"
    except ImportError:
        mem = "? GiB"
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, {mem}, Python "
        f"{platform.python_version()}, Linux {platform.release().split('-')[0]}"
    )


# --- report ---------------------------------------------------------------------------------------


def _median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def _median_f1_run(runs: list[Run], engine: str) -> Run | None:
    """The engine's run with the median F1 (the one whose per-kind figures are shown)."""
    rs = sorted((r for r in runs if r.engine == engine), key=lambda r: r.scores.f1)
    return rs[len(rs) // 2] if rs else None


def _noise_table(runs: list[Run]) -> list[str]:
    """Recall per noise tag, the engines side by side (median-F1 run of each). Tags with
    fewer than 10 planted pairs are left out; ``alias`` pairs cannot be found from the flat
    files (the name is only in an alias row)."""
    medians = {e: _median_f1_run(runs, e) for e in ENGINES}
    by_engine = {e: r.scores.by_noise for e, r in medians.items() if r is not None}
    tags = sorted({t for v in by_engine.values() for t, c in v.items() if c[0] >= 10})
    if not tags:
        return []
    engines = list(by_engine)
    head = " | ".join(f"{e} headline / best-F1 / candidates" for e in engines)
    lines = [
        "",
        "Recall by kind of noise (a pair with two tags counts under each): found / planted",
        f"| noise | planted | {head} |",
        "| --- | ---: |" + " ---: |" * len(engines),
    ]
    for tag in tags:
        n = max(v.get(tag, (0, 0, 0, 0))[0] for v in by_engine.values())
        cells = []
        for e in engines:
            _, cand, pred, best = by_engine[e].get(tag, (0, 0, 0, 0))
            cells.append(f"{pred / n:.3f} / {best / n:.3f} / {cand / n:.3f}")
        lines.append(f"| {tag} | {n:,} | " + " | ".join(cells) + " |")
    return lines


def _kind_table(runs: list[Run]) -> list[str]:
    """Recall per kind of planted self match, for each engine's median-F1 run."""
    lines = [
        "",
        "Recall by kind of planted self match (median-F1 run): found / planted at the headline "
        "threshold, at the best-F1 threshold, and among candidates",
        "| engine | kind | planted | headline | best-F1 threshold | candidates |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for engine in ENGINES:
        median_run = _median_f1_run(runs, engine)
        if median_run is None:
            continue
        kinds = median_run.scores.by_kind
        flaggable = [kinds[k] for k in FLAGGABLE if k in kinds]
        rows = list(kinds.items())
        if flaggable:
            rows.append(
                (
                    "flaggable (" + ", ".join(FLAGGABLE) + ")",
                    tuple(map(sum, zip(*flaggable, strict=True))),
                )
            )
        for kind, (n, cand, pred, best) in rows:
            lines.append(f"| {engine} | {kind} | {n:,} | {pred:,} | {best:,} | {cand:,} |")
    return lines


def summarise(runs: list[Run], threshold: float) -> str:
    """The table: medians over repeats for each engine, then every run's wall time and load."""
    lines = [
        "| engine | wall s (median) | engine's own s | peak RSS MiB | candidate pairs | "
        "blocking recall | predicted | precision | recall | F1 | best F1 (P / R at threshold) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for engine in ENGINES:
        rs = [r for r in runs if r.engine == engine]
        if not rs:
            continue

        def med(f, rs: list[Run] = rs) -> float:
            return _median([f(r) for r in rs])

        median_run = _median_f1_run(rs, engine)
        assert median_run is not None
        head = "band auto/review" if engine == "sweep" else f"p >= {threshold:g}"
        inner = med(lambda r: r.inner_s if r.inner_s is not None else float("nan"))
        rows = [(head, median_run.scores)]
        if median_run.same_p is not None:
            rows.append((f"p >= {threshold:g}, as Splink", median_run.same_p))
        for label, s in rows:
            thr = "-" if s.best_threshold is None else f"{s.best_threshold:.3g}"
            lines.append(
                f"| {engine} ({label}) | {med(lambda r: r.wall_s):.1f} | {inner:.1f} | "
                f"{med(lambda r: r.peak_rss_mib):,.0f} | {s.candidate_pairs:,} | "
                f"{s.candidate_recall:.4f} | {s.predicted:,} | {s.precision:.3f} | "
                f"{s.recall:.3f} | {s.f1:.3f} | {s.best_f1:.3f} "
                f"({s.best_precision:.3f} / {s.best_recall:.3f} at {thr}) |"
            )
    if any(r.scores.by_kind for r in runs):
        lines.extend(_kind_table(runs))
    lines.extend(_noise_table(runs))
    lines.append("")
    lines.append("Every run (wall s, peak RSS MiB, F1, 1-min load average before -> after):")
    for r in runs:
        lines.append(
            f"  {r.engine:6s} {r.wall_s:7.1f} s  {r.peak_rss_mib:8,.0f} MiB  F1 {r.scores.f1:.4f}  "
            f"best {r.scores.best_f1:.4f}  load {r.load_before:.2f} -> {r.load_after:.2f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Sweep vs Splink on the same flat files")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="extract (generated if absent)")
    ap.add_argument(
        "--flat",
        type=Path,
        default=None,
        help="ready flat files (staff, nominals, truth .parquet) instead of --data",
    )
    ap.add_argument("--work", type=Path, default=DEFAULT_WORK, help="flat files and outputs")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--staff-limit", type=int, default=None, help="first N staff only")
    ap.add_argument(
        "--nominals-limit", type=int, default=None, help="planted nominals + others up to N"
    )
    ap.add_argument("--engines", default=",".join(ENGINES), help="comma list: sweep,splink")
    ap.add_argument(
        "--sweep",
        default=str(Path(sys.executable).with_name("sweep")),
        help="the sweep command (default: beside this python)",
    )
    ap.add_argument("--sweep-config", type=Path, default=None, help="JSON config for sweep link")
    ap.add_argument("--mapping", type=Path, default=HERE / "mapping_flat.toml")
    ap.add_argument("--splink-python", type=Path, default=None, help="python with Splink 4")
    ap.add_argument("--u-max-pairs", type=float, default=1e7, help="Splink u sampling pairs")
    ap.add_argument("--threshold", type=float, default=0.5, help="Splink match_probability")
    ap.add_argument("--json-out", type=Path, default=None, help="also write every run as JSON")
    ap.add_argument(
        "--no-alias-rows",
        action="store_true",
        help="one row per nominal, aliases left out (the flat files before 2026-11-26)",
    )
    args = ap.parse_args(argv)
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = set(engines) - set(ENGINES)
    if unknown or not engines or args.repeats < 1:
        ap.error(f"--engines takes {','.join(ENGINES)}; --repeats must be at least 1")

    started = datetime.now(UTC)
    print(f"machine: {machine()}; load average at start {os.getloadavg()[0]:.2f}")
    if args.flat:
        flat, counts = args.flat, flat_counts(args.flat)
        source = f"ready flat files {flat}"
    else:
        data = ensure_data(args.data, args.sweep)
        flat = args.work / "flat"
        t0 = time.perf_counter()
        counts = flatten_extract(
            data, flat, args.staff_limit, args.nominals_limit, alias_rows=not args.no_alias_rows
        )
        source = f"flattened {data} in {time.perf_counter() - t0:.1f} s"
    if "splink" in engines:
        args.splink_python = ensure_splink_python(args.splink_python)
    print(
        f"{source}: {counts.staff:,} staff, "
        f"{counts.nominals:,} nominals (+{counts.nominal_alias_rows:,} alias rows), "
        f"{counts.truth_pairs:,} true self-match pairs "
        f"({counts.truth_pairs_dropped} dropped; rows without a usable id: "
        f"{counts.staff_rows_dropped} staff, {counts.nominal_rows_dropped} nominals)"
    )
    env = {**os.environ, **QUIET_ENV}
    runs: list[Run] = []
    for rep in range(args.repeats):
        order = engines if rep % 2 == 0 else list(reversed(engines))
        for engine in order:
            out_dir = args.work / f"run{rep}"
            out_dir.mkdir(parents=True, exist_ok=True)
            fn = run_sweep if engine == "sweep" else run_splink
            r = fn(args, flat, out_dir, env)
            runs.append(r)
            print(
                f"repeat {rep + 1}/{args.repeats} {engine}: {r.wall_s:.1f} s, "
                f"{r.peak_rss_mib:,.0f} MiB, F1 {r.scores.f1:.3f}, best F1 "
                f"{r.scores.best_f1:.3f}, load {r.load_before:.2f} -> {r.load_after:.2f}",
                flush=True,
            )
    print()
    print(
        f"{started:%Y-%m-%d %H:%M} UTC, {args.repeats} repeat(s), each engine in a fresh process; "
        f"{counts.staff:,} staff x {counts.nominals:,} nominals, {counts.truth_pairs:,} true pairs"
    )
    splink_runs = [r for r in runs if r.engine == "splink"]
    if splink_runs:
        x = splink_runs[0].extra
        print(
            f"Splink {x['splink_version']} (DuckDB {x['duckdb_version']}), u from "
            f"{args.u_max_pairs:g} sampled pairs; engine's own s = train + predict"
        )
    print(summarise(runs, args.threshold))
    loads = [v for r in runs for v in (r.load_before, r.load_after)]
    print(
        f"load average (1 min) over the runs: min {min(loads):.2f}, max {max(loads):.2f} "
        f"on {os.cpu_count()} cores"
    )
    if args.json_out:
        payload = {
            "started": started.isoformat(),
            "machine": machine(),
            "flat": counts.as_dict(),
            "runs": [
                {
                    "engine": r.engine,
                    "wall_s": r.wall_s,
                    "peak_rss_mib": r.peak_rss_mib,
                    "inner_s": r.inner_s,
                    "load": [r.load_before, r.load_after],
                    "scores": r.scores.as_dict(),
                    "scores_at_splink_threshold": r.same_p.as_dict() if r.same_p else None,
                    **r.extra,
                }
                for r in runs
            ],
        }
        tmp = args.json_out.with_name(f".{args.json_out.name}.tmp")
        tmp.write_text(json.dumps(payload, indent=2))
        os.replace(tmp, args.json_out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
