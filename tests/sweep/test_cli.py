"""The command line, on real files (the flow itself is tested in tests/flows)."""

import json

import duckdb
import pandas as pd
import pytest

from sweep.cli import main
from transforms.handoff import HANDOFF_COLUMNS, write_handoff
from transforms.publish import publish_database


def _published(tmp_path):
    con = duckdb.connect()
    con.execute("""CREATE TABLE flags AS SELECT * FROM (VALUES
        ('F1', 'S1', 'N1', 'misconduct', 'high'), ('F2', 'S2', 'N2', 'association', 'low'))
        AS t(flag_id, staff_id, nominal_id, flag_kind, severity)""")
    return publish_database(con, tmp_path, ["flags"], "r1")


def test_generate_writes_both_extracts_and_truth(tmp_path, capsys):
    assert (
        main(
            [
                "generate",
                "--staff",
                "60",
                "--nominals",
                "400",
                "--seed",
                "3",
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "nominals" in out and "staff" in out
    assert (tmp_path / "staff" / "staff.csv").exists()
    assert (tmp_path / "intel" / "records.csv").exists()
    assert (tmp_path / "truth" / "truth.csv").exists()
    assert len(pd.read_csv(tmp_path / "staff" / "staff.csv")) == 60


def test_query_formats(tmp_path, capsys):
    db = _published(tmp_path)
    sql = "SELECT flag_kind, count(*) AS n FROM flags GROUP BY 1 ORDER BY 1"
    assert main(["query", sql, "--db", str(db), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {"flag_kind": "association", "n": 1},
        {"flag_kind": "misconduct", "n": 1},
    ]
    assert main(["query", sql, "--db", str(db), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["flag_kind,n", "association,1", "misconduct,1"]


def test_query_is_read_only(tmp_path, capsys):
    db = _published(tmp_path)
    with pytest.raises(duckdb.Error, match="read-only"):
        main(["query", "DELETE FROM flags", "--db", str(db)])
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM flags").fetchall()[0][0] == 2


def test_query_without_database_says_so(tmp_path, capsys):
    assert main(["query", "SELECT 1", "--db", str(tmp_path / "none.duckdb")]) == 2
    assert "no published database" in capsys.readouterr().err


def test_handoff_verify_exit_codes(tmp_path, capsys):
    flags = pd.DataFrame(
        [
            {
                "flag_id": "F1",
                "run_id": "r1",
                "staff_id": "S1",
                "flag_kind": "misconduct",
                "evidence": ["suspect"],
            }
        ]
    )
    full = flags.reindex(columns=HANDOFF_COLUMNS)
    full["evidence"] = [["suspect"]]
    folder, _ = write_handoff(full, tmp_path, "r1", "DPS")
    assert main(["handoff", "verify", str(folder)]) == 0
    assert "verified" in capsys.readouterr().out
    (folder / "flags.parquet").write_bytes(b"tampered")
    assert main(["handoff", "verify", str(folder)]) == 1
