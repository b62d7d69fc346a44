"""Benchmark: m from labelled pairs (``sweep link --labels``) against EM, on held-out people.

For each flat-file folder (``staff.parquet``, ``nominals.parquet``, ``truth.parquet``, as
``flatten.py`` and ``febrl.py`` write them) the left people are split by a seeded hash of
their id: the true pairs of a ``--share`` of them become the labels, the rest are held out.
Sweep links the whole files twice, once training m by EM and once from the labels, and both
runs are scored only on the held-out people (their pairs and their true pairs), so no
labelled pair is ever counted in its own favour::

    .venv/bin/python benchmarks/labels.py --febrl --share 0.5     # FEBRL sets 1-4 (febrl.py)
    .venv/bin/python benchmarks/labels.py --flat /tmp/flat1m --share 0.1

Prints one row per run: P / R / F1 at the review band and at probability 0.5, and the best
F1. Quality only (one run each: the results do not vary); writes nothing outside ``--work``.
"""

from __future__ import annotations

import argparse
import sys
import zlib
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks import febrl  # noqa: E402
from benchmarks.link_metrics import LinkScores, score_pairs  # noqa: E402
from transforms.config import SweepConfig  # noqa: E402
from transforms.link import link  # noqa: E402
from transforms.mapping import load_mapping  # noqa: E402

DEFAULT_WORK = REPO / "benchmarks" / "data" / "labels"
MAPPING = REPO / "benchmarks" / "mapping_flat.toml"
LEFT, RIGHT = "staff_id", "nominal_id"
READINGS = {"review band": "band <> 'discard'", "p >= 0.5": "match_probability >= 0.5"}


def split_truth(truth: pd.DataFrame, share: float, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(labels, held out): the true pairs of the left people whose seeded hash of the id falls
    in ``share``, and the rest. A person's pairs all go the same way."""
    key = truth[LEFT].astype(str).map(lambda s: zlib.crc32(f"{seed}:{s}".encode()) % 10_000)
    chosen = key < round(share * 10_000)
    return truth[chosen].reset_index(drop=True), truth[~chosen].reset_index(drop=True)


def held_out_pairs(pairs: Path, labelled_left: set[str], out: Path) -> Path:
    """``pairs`` without the labelled people's rows, written to ``out``."""
    frame = pd.read_parquet(pairs)
    frame[~frame["left_id"].isin(labelled_left)].to_parquet(out, index=False)
    return out


def scores(pairs: Path, truth: Path) -> dict[str, LinkScores]:
    return {
        name: score_pairs(
            pairs, truth, left="left_id", right="right_id", score="match_weight", predicted=cond
        )
        for name, cond in READINGS.items()
    }


def run(flat: Path, share: float, seed: int, work: Path, name: str) -> list[str]:
    """Link ``flat`` with EM and with labels; the table rows of both, named ``name``."""
    work.mkdir(parents=True, exist_ok=True)
    truth = pd.read_parquet(flat / "truth.parquet")[[LEFT, RIGHT]]
    labels, held = split_truth(truth, share, seed)
    labels.to_parquet(work / "labels.parquet", index=False)
    held.to_parquet(work / "held_out_truth.parquet", index=False)
    labelled_left = set(labels[LEFT].astype(str))
    mapping = load_mapping(MAPPING)
    rows = []
    for how in ("EM", "labels"):
        out = work / f"pairs_{how}.parquet"
        res = link(
            flat / "staff.parquet",
            flat / "nominals.parquet",
            mapping,
            out,
            SweepConfig(),
            labels=work / "labels.parquet" if how == "labels" else None,
        )
        s = scores(
            held_out_pairs(out, labelled_left, work / f"held_{how}.parquet"),
            work / "held_out_truth.parquet",
        )
        cells = [
            f"{x.precision:.3f} / {x.recall:.3f} / {x.f1:.3f}"
            for x in (s["review band"], s["p >= 0.5"])
        ]
        rows.append(
            f"| {name} | {how} | {len(labels):,} | {len(held):,} | {cells[0]} | {cells[1]} | "
            f"{s['review band'].best_f1:.3f} | {res.seconds:.1f} |"
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--flat", type=Path, action="append", default=[], help="flat-file folder")
    ap.add_argument("--febrl", action="store_true", help="FEBRL sets 1-4 (downloaded once)")
    ap.add_argument("--share", type=float, default=0.5, help="share of left people labelled")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", type=Path, default=DEFAULT_WORK)
    args = ap.parse_args(argv)
    named = {str(flat): flat for flat in args.flat}
    if args.febrl:
        sets = febrl.fetch(febrl.DEFAULT_DIR)
        for number in sorted(febrl.SIZES):
            flat = febrl.flat_dir(febrl.DEFAULT_DIR, number)
            febrl.write_flat(sets, flat, number)
            named[f"FEBRL {number}"] = flat
    if not named:
        ap.error("give --flat DIR or --febrl")
    print(
        f"labels: the true pairs of {args.share:.0%} of left people (seed {args.seed}); "
        "scored on the others"
    )
    print(
        "| files | m from | labelled pairs | held-out true pairs | review band P / R / F1 | "
        "p >= 0.5 P / R / F1 | best F1 | link s |"
    )
    print("| --- | --- | ---: | ---: | --- | --- | ---: | ---: |")
    for i, (name, flat) in enumerate(named.items()):
        for row in run(flat, args.share, args.seed, args.work / str(i), name):
            print(row, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
