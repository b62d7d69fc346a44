"""The unseen-data benchmark's generator and flat files, on a small u2-shaped set."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from benchmarks import bench_unseen
from benchmarks.unseen import flat, generate
from transforms.mapping import load_mapping

LEFT, RIGHT = 300, 3_000


@pytest.fixture(scope="module")
def small_set(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("unseen") / "u2"
    generate.build("u2", 2, LEFT, RIGHT, out)
    return out


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_truth_and_hard_negatives_name_real_rows_and_never_overlap(small_set: Path) -> None:
    left = {r["EmpNo"] for r in _rows(small_set / "left.csv")}
    right = {r["NOMINAL_REF"] for r in _rows(small_set / "right.csv")}
    truth = {(r["EmpNo"], r["NOMINAL_REF"]) for r in _rows(small_set / "truth.csv")}
    hard = {(r["EmpNo"], r["NOMINAL_REF"]) for r in _rows(small_set / "hard_negatives.csv")}
    assert len(left) == LEFT
    assert len(right) >= RIGHT
    # u2: about 5% of the left have one or more true copies
    assert 0.03 * LEFT <= len({lid for lid, _ in truth}) <= 0.07 * LEFT
    assert {lid for lid, _ in truth | hard} <= left
    assert {rid for _, rid in truth | hard} <= right
    assert hard and not truth & hard
    load_mapping(small_set / "mapping.toml")


def test_the_same_seed_writes_the_same_files(small_set: Path, tmp_path: Path) -> None:
    again = tmp_path / "u2"
    generate.build("u2", 2, LEFT, RIGHT, again)
    for name in ("left.csv", "right.csv", "truth.csv", "hard_negatives.csv"):
        assert (again / name).read_bytes() == (small_set / name).read_bytes(), name


def test_flat_files_keep_every_row_and_split_names_as_sweep_does(
    small_set: Path, tmp_path: Path
) -> None:
    counts = flat.convert(small_set, tmp_path)
    right = _rows(small_set / "right.csv")
    assert counts["staff_rows"] == LEFT
    assert counts["nominals_rows"] == len(right)
    assert counts["truth_pairs"] == len(_rows(small_set / "truth.csv"))
    con = duckdb.connect()
    nominals = con.execute(
        f"SELECT nominal_id, forenames, surname, date_of_birth FROM '{tmp_path}/nominals.parquet'"
    ).fetchall()
    by_id = {r[0]: r for r in nominals}
    for row in right:
        nid, name = row["NOMINAL_REF"], row["NAME"]
        if "," in name and "(" not in name:
            # "SURNAME, Forenames": the surname is what comes before the comma
            assert by_id[nid][2] == name.split(",")[0].strip(), nid
    dobs = [r[3] for r in nominals if r[3] is not None]
    assert dobs and all(len(d) == 10 and d[4] == "-" and d[7] == "-" for d in dobs)
    # every date text the mapping's formats read is written; the rest are counted
    written = sum(1 for r in right if r["DOB"]) - counts["nominals_dob_text_unparsed"]
    assert len(dobs) == written


def test_a_set_already_written_is_not_generated_again(
    small_set: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("generated again")

    monkeypatch.setattr(generate, "build", refuse)
    assert bench_unseen.ensure_set(small_set.parent, "u2") == small_set


def test_an_unknown_set_is_refused() -> None:
    with pytest.raises(SystemExit):
        bench_unseen.main(["--sets", "u3"])
