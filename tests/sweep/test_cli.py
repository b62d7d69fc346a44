"""The command line, on real files (the flow itself is tested in tests/flows)."""

import json

import duckdb
import pandas as pd

from sweep.cli import SAMPLE, build_parser, main
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


def test_query_is_read_only_and_errors_are_plain(tmp_path, capsys):
    db = _published(tmp_path)
    assert main(["query", "DELETE FROM flags", "--db", str(db)]) == 2
    assert "read-only" in capsys.readouterr().err
    assert main(["query", "SELEC 1", "--db", str(db)]) == 2
    assert capsys.readouterr().err.startswith("sweep query: Parser Error")
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


# --- dispositions import -----------------------------------------------------------------------


def _decisions(tmp_path, body, name="decisions.csv"):
    path = tmp_path / name
    path.write_text("flag_id,decision,decided_on,decided_by\n" + body, encoding="utf-8")
    return path


def test_dispositions_import_all_good_exits_0(tmp_path, capsys):
    from transforms.dispositions import current_decisions

    _published(tmp_path)
    path = _decisions(
        tmp_path, "F1,no_further_action,2026-01-05,A123\nF2,vetting_review,2026-01-06,A7\n"
    )
    assert main(["dispositions", "import", str(path), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "read 2, accepted 2, rejected 0" in out
    store = tmp_path / "state" / "dispositions.parquet"
    assert current_decisions(store)["decision"].tolist() == ["no_further_action", "vetting_review"]


def test_dispositions_import_some_rejected_exits_1_and_keeps_good_rows(tmp_path, capsys):
    from transforms.dispositions import read_store

    _published(tmp_path)
    path = _decisions(
        tmp_path,
        "F1,no_further_action,2026-01-05,A123\n"
        "F404,vetting_review,2026-01-05,A123\n"
        "F2,promote,2999-01-01,A123\n",
    )
    assert main(["dispositions", "import", str(path), "--out", str(tmp_path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "read 3, accepted 1, rejected 2"
    assert "row 2: flag_id: unknown flag id 'F404' (not a flag Sweep ever raised)" in lines
    assert any(line.startswith("row 3: decision: unknown decision 'promote'") for line in lines)
    assert "row 3: decided_on: date in the future" in "\n".join(lines)
    assert read_store(tmp_path / "state" / "dispositions.parquet")["flag_id"].tolist() == ["F1"]


def test_dispositions_import_knows_flag_history_ids(tmp_path, capsys):
    con = duckdb.connect()
    con.execute("CREATE TABLE flags AS SELECT 'F1' AS flag_id")
    con.execute("CREATE TABLE flag_history AS SELECT * FROM (VALUES ('F1'), ('F0LD')) t(flag_id)")
    publish_database(con, tmp_path, ["flags", "flag_history"], "r1")
    path = _decisions(tmp_path, "F0LD,no_further_action,2026-01-05,A1\n")
    assert main(["dispositions", "import", str(path), "--out", str(tmp_path)]) == 0


def test_dispositions_import_structural_and_no_database_exit_2(tmp_path, capsys):
    path = _decisions(tmp_path, "F1,no_further_action,2026-01-05,A1\n")
    assert main(["dispositions", "import", str(path), "--out", str(tmp_path)]) == 2
    assert "no published database" in capsys.readouterr().err

    _published(tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text("flag_id,decision\nF1,no_further_action\n", encoding="utf-8")
    assert main(["dispositions", "import", str(bad), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "bad.csv" in err and "decided_on" in err
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert main(["dispositions", "import", str(empty), "--out", str(tmp_path)]) == 2
    assert "empty" in capsys.readouterr().err
    assert not (tmp_path / "state" / "dispositions.parquet").exists()


# --- policy ------------------------------------------------------------------------------------


def test_policy_rule_choices_match_the_module():
    from transforms.policy import RULE_SETS

    sub = next(a for a in build_parser()._actions if a.dest == "command")
    rules = next(a for a in sub.choices["policy"]._actions if a.dest == "rules")
    assert tuple(rules.choices) == RULE_SETS


def test_policy_on_the_sample_prints_counts_and_ids_never_names(capsys):
    assert main(["policy", "--rules", "app"]) == 0
    out = capsys.readouterr().out
    assert "26 of 30 staff with declared history would fail" in out
    assert "dishonesty_violence" in out and "S000022" in out
    staff = pd.read_csv(SAMPLE / "staff" / "staff.csv", dtype=str)
    s22 = staff.set_index("staff_id").loc["S000022"]
    assert s22["surname"] not in out and s22["forenames"] not in out


def test_policy_csv_format(capsys):
    import io

    assert main(["policy", "--rules", "met2023", "--format", "csv"]) == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype=str)
    assert len(frame) == 30
    assert frame.columns[0] == "staff_id"
    assert "surname" not in frame.columns


def test_policy_missing_extract_exits_2(tmp_path, capsys):
    assert main(["policy", "--rules", "app", "--staff", str(tmp_path / "none")]) == 2
    assert "input error" in capsys.readouterr().err


def test_run_input_error_is_one_line_not_tracebacks(tmp_path):
    """Prefect logs a failed task and flow with their tracebacks; for an extract that cannot
    be read the console shows the one-line reason, not some 90 lines of engine frames."""
    import shutil
    import subprocess
    import sys

    staff, intel = tmp_path / "staff", tmp_path / "intel"
    shutil.copytree(SAMPLE / "staff", staff)
    shutil.copytree(SAMPLE / "intel", intel)
    history = staff / "declared_history.csv"
    history.write_bytes(history.read_bytes() + b"S000001,\x92bad\n")  # Windows-1252, not UTF-8
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "sweep.cli",
            "run",
            "--staff",
            str(staff),
            "--intel",
            str(intel),
            "--out",
            str(tmp_path / "out"),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 2
    assert "sweep run: input error: declared_history.csv: not valid UTF-8" in run.stderr
    assert "Traceback" not in run.stderr + run.stdout
