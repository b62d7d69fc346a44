"""The A/B benchmark's parsing of sweep link's time line and its pair-file comparison."""

from pathlib import Path

import duckdb

from benchmarks.ab_link import parse_time_line, same_pairs


def test_parse_time_line() -> None:
    out = (
        "candidate pairs: 893,697 (auto 242, review 2,198, discard 891,257)\n"
        "time: 17.7 s (read_and_map 2.3, normalise_and_block 8.2, compare_train_score 5.5, "
        "write 1.5); DuckDB memory limit 2500MB\n"
    )
    total, stages = parse_time_line(out)
    assert total == 17.7
    assert stages == {
        "read_and_map": 2.3,
        "normalise_and_block": 8.2,
        "compare_train_score": 5.5,
        "write": 1.5,
    }
    assert parse_time_line("no time here") == (None, {})


def _pairs(path: Path, rows: str) -> Path:
    duckdb.sql(
        f"COPY (SELECT left_id, right_id, match_weight::DOUBLE AS match_weight, band "
        f"FROM (VALUES {rows}) t(left_id, right_id, match_weight, band)) "
        f"TO '{path}' (FORMAT parquet)"
    )
    return path


def test_same_pairs(tmp_path: Path) -> None:
    a = _pairs(tmp_path / "a.parquet", "('1', 'A', 10.0, 'auto'), ('2', 'B', -1.0, 'discard')")
    close = _pairs(
        tmp_path / "b.parquet", "('1', 'A', 10.0 + 1e-14, 'auto'), ('2', 'B', -1.0, 'discard')"
    )
    band = _pairs(tmp_path / "c.parquet", "('1', 'A', 10.0, 'review'), ('2', 'B', -1.0, 'discard')")
    weight = _pairs(tmp_path / "d.parquet", "('1', 'A', 10.5, 'auto'), ('2', 'B', -1.0, 'discard')")
    order = _pairs(tmp_path / "e.parquet", "('2', 'B', -1.0, 'discard'), ('1', 'A', 10.0, 'auto')")
    short = _pairs(tmp_path / "f.parquet", "('1', 'A', 10.0, 'auto')")
    assert same_pairs(a, close, 1e-9)[0]
    assert not same_pairs(a, band, 1e-9)[0]
    assert not same_pairs(a, weight, 1e-9)[0]
    assert not same_pairs(a, order, 1e-9)[0]
    same, how = same_pairs(a, short, 1e-9)
    assert not same and how == "2 rows against 1"
