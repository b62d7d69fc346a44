"""The analysts' views: created inside the published file, readable from any process under any
name, and consistent with the tables they summarise.

Two nights of a small campaign are published with the flow's own lifecycle and progress
functions, so the base tables have the real columns and types: a flag unchanged, one updated
by new intelligence, one closed, one decided, one reopened by intelligence after its decision,
one carried over for a staff member not screened on the second night, and one new."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import transforms.views as views_mod
from transforms import lifecycle
from transforms import progress as prog
from transforms.config import CampaignConfig
from transforms.publish import PUBLISHED_NAME, publish_database, read_previous
from transforms.runlog import append_rows
from transforms.views import (
    ViewDefinitionError,
    ViewSpec,
    apply_views,
    load_views,
    parse_view,
)

VIEWS = {"open_flags", "flag_timeline", "staff_summary", "progress", "data_quality"}
R1, R2 = "20261124T020000Z-aaaaaa", "20261125T020000Z-bbbbbb"
QUERIES = Path(__file__).resolve().parents[2] / "docs" / "queries.sql"
SWEEP = [str(Path(sys.executable).with_name("sweep"))]  # the installed console script


def _flag(letter: str, staff: str, kind: str, severity: str, **kw) -> dict:
    own = kind != "association"
    row = {
        "flag_id": f"F{letter}",
        "staff_id": staff,
        "nominal_id": f"N{letter}",
        "flag_kind": kind,
        "route": {
            "misconduct": "dps_misconduct_triage",
            "welfare": "welfare_support",
            "association": "dps_association_triage",
        }[kind],
        "severity": severity,
        "score": 0.99 if own else 6.0,
        "identity_band": kw.pop("band", "auto") if own else None,
        "match_weight": 18.0 if own else None,
        "evidence": ["suspect"] if own else ["phone"],
        "business_areas": ["crime"],
        "evidence_from": pd.Timestamp("2024-01-10"),
        "evidence_to": pd.Timestamp(kw.pop("evidence_to", "2026-01-01")),
        "record_count": kw.pop("records", 1),
        "evidence_summary": f"synthetic evidence for flag {letter}",
    }
    return {**row, **kw}


NIGHT_1 = [
    _flag("A", "S1", "misconduct", "high"),
    _flag("B", "S1", "association", "medium"),
    _flag("C", "S2", "welfare", "welfare"),
    _flag("D", "S3", "misconduct", "low", band="review"),
    _flag("E", "S4", "association", "high", evidence_to="2026-11-01"),
    _flag("G", "S5", "association", "low"),
]
NIGHT_2 = [
    _flag("A", "S1", "misconduct", "high"),  # unchanged
    _flag("B", "S1", "association", "medium", records=2),  # updated: new intelligence
    # C gone: closed
    _flag("D", "S3", "misconduct", "low", band="review"),  # decided
    _flag("E", "S4", "association", "high", evidence_to="2026-11-22"),  # reopened
    _flag("F", "S7", "misconduct", "medium"),  # new
    # G not re-raised: S5 is not screened tonight, so it is carried over
]
DECISIONS = pd.DataFrame(
    {
        "flag_id": ["FD", "FE"],
        "decision": ["no_further_action", "no_further_action"],
        "decided_on": [date(2026, 11, 24), date(2026, 11, 20)],
    }
)


def _night(
    out: Path,
    run_id: str,
    run_date: date,
    rows: list[dict],
    screened: list[str],
    decisions: pd.DataFrame,
    extra: dict[str, pd.DataFrame],
) -> Path:
    """What the flow does with one night's flags: lifecycle, ledger, progress, publish."""
    current = pd.DataFrame(rows).assign(run_id=run_id)
    flags, hist_rows = lifecycle.apply_lifecycle(
        current, read_previous(out, "flags"), decisions, run_id, set(screened)
    )
    ledger = prog.update_ledger(
        read_previous(out, "screening_ledger"), pd.Series(screened), run_id, run_date
    )
    history = read_previous(out, "progress_history")
    row = prog.progress_row(
        history,
        ledger,
        lifecycle.open_flags(flags),
        len(screened),
        run_id,
        run_date,
        CampaignConfig(target_records=20, start_date="2026-11-01", target_date="2026-12-31"),
    )
    runs = pd.DataFrame(
        [{"run_id": run_id, "run_date": run_date.isoformat(), "status": "completed"}]
    )
    frames = {
        "runs": append_rows(read_previous(out, "runs"), runs, "run_id"),
        "flags": flags,
        "flag_history": append_rows(read_previous(out, "flag_history"), hist_rows, "run_id"),
        "screening_ledger": ledger,
        "staff_directory": append_rows(
            read_previous(out, "staff_directory"),
            pd.DataFrame(
                {
                    "staff_id": screened,
                    "collar_number": None,
                    "person_type": "officer",
                    "unit": "Response",
                    "vetting_level": "MV",
                    "last_screened_run": run_id,
                }
            ),
            "staff_id",
            ignore_case=True,  # as the flow does
        ),
        "progress_history": prog.append_history(history, row),
        **extra,
    }
    with duckdb.connect() as con:
        return publish_database(con, out, [], run_id, frames=frames)


def _candidates(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["staff_id", "nominal_id", "band", "match_weight"])


def _inputs(quarantine: list[tuple], counts: list[tuple]) -> dict:
    """Quarantine lines (table, row, field, rule[, action]; the row set aside unless given)."""
    q = pd.DataFrame(
        [(*line, "row_quarantined")[:5] for line in quarantine],
        columns=["table", "row_number", "field", "rule", "action"],
    )
    q.insert(0, "source_file", q["table"] + ".csv")
    q.insert(5, "detail", "synthetic")
    c = pd.DataFrame(counts, columns=["table", "rows_read", "rows_accepted", "rows_quarantined"])
    c.insert(1, "source_file", c["table"] + ".csv")
    c["reconciled"] = c["rows_read"] == c["rows_accepted"] + c["rows_quarantined"]
    return {"quarantine": q, "row_counts": c}


def _referrals(staff: list[str], run_id: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "referral_id": [f"V{s}" for s in staff],
            "run_id": run_id,
            "staff_id": staff,
            "triggers": [["written_warning"] for _ in staff],
            "route": "vetting_review",
        }
    )


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pub")
    _night(
        out,
        R1,
        date(2026, 11, 24),
        NIGHT_1,
        ["S1", "S2", "S3", "S4", "S5"],
        pd.DataFrame(),
        {
            "candidate_matches": _candidates([("S1", "NA", "auto", 20.0)]),
            "revetting_referrals": _referrals([], R1),
            **_inputs([], [("staff", 5, 5, 0), ("nominals", 9, 9, 0)]),
        },
    )
    return _night(
        out,
        R2,
        date(2026, 11, 25),
        NIGHT_2,
        ["S1", "S2", "S3", "S4", "S6", "S7"],
        DECISIONS,
        {
            "candidate_matches": _candidates(
                [
                    ("S1", "NA", "auto", 20.0),
                    ("S1", "N8", "discard", -3.0),
                    ("S3", "ND", "review", 8.0),
                    ("S7", "NF", "auto", 18.0),
                    ("S7", "N9", "review", 7.0),
                ]
            ),
            "revetting_referrals": _referrals(["S4"], R2),
            **_inputs(
                [
                    ("staff", 4, "date_of_birth", "calendar_date"),
                    ("staff", 4, "person_type", "in_set"),
                    ("staff", 6, "collar_number", "collar_format", "value_blanked"),
                    ("staff_phones", 2, "staff_id", "unknown_parent"),
                ],
                [("staff", 8, 7, 1), ("staff_phones", 6, 5, 1), ("nominals", 10, 10, 0)],
            ),
        },
    )


def _df(db: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).df()


# --- the view files ------------------------------------------------------------------------


def test_packaged_view_files_load_in_dependency_order():
    specs = load_views()
    names = [s.name for s in specs]
    assert set(names) == VIEWS
    assert names.index("open_flags") < names.index("staff_summary")  # it reads open_flags
    by_name = {s.name: s for s in specs}
    assert by_name["open_flags"].requires == {
        "flags",
        "runs",
        "revetting_referrals",
        "staff_directory",
    }
    assert by_name["data_quality"].requires == {"runs", "row_counts", "quarantine"}
    assert "open_flags" in by_name["staff_summary"].requires
    assert all(s.purpose.startswith(f"{s.name}:") for s in specs)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("CREATE VIEW v AS SELECT 1", "header comment"),
        ("-- v: x\nCREATE VIEW w AS SELECT 1", "creates view 'w', not 'v'"),
        ("-- v: x\nCREATE TABLE v AS SELECT 1", "expected 'CREATE VIEW v AS"),
        ("-- v: x\nCREATE VIEW v AS SELECT * FROM pub.flags", "pub.flags is qualified"),
        ("-- v: x\nCREATE VIEW v AS SELECT 1; DROP TABLE flags;", "several statements"),
        ("-- v: x\nCREATE VIEW v AS SELEC 1", "v.sql"),
    ],
)
def test_malformed_view_files_are_refused_naming_the_file(text, message):
    with pytest.raises(ViewDefinitionError, match=re.escape(message)):
        parse_view("v", text)


def test_views_reading_each_other_in_a_cycle_are_refused(tmp_path):
    (tmp_path / "a.sql").write_text("-- a: x\nCREATE VIEW a AS SELECT * FROM b;\n")
    (tmp_path / "b.sql").write_text("-- b: x\nCREATE VIEW b AS SELECT * FROM a;\n")
    with pytest.raises(ViewDefinitionError, match="cycle"):
        load_views(tmp_path)


def test_cte_names_are_not_inputs():
    spec = parse_view(
        "v", "-- v: x\nCREATE VIEW v AS WITH t AS (SELECT * FROM flags) SELECT * FROM t"
    )
    assert spec.requires == {"flags"}


# --- in the published file -----------------------------------------------------------------


def test_views_are_stored_in_the_published_file_without_the_temp_name(published):
    rows = _df(published, "SELECT view_name, sql, comment FROM duckdb_views() WHERE NOT internal")
    assert set(rows["view_name"]) == VIEWS
    for r in rows.itertuples():
        assert "pub." not in r.sql and ".tmp" not in r.sql and "sweep.duckdb" not in r.sql
        assert r.comment.startswith(f"{r.view_name}:")  # the header, for any client's catalog
    assert [p.name for p in published.parent.iterdir() if p.is_file()] == [PUBLISHED_NAME]


def test_views_resolve_read_only_from_a_fresh_process_under_another_name(published, tmp_path):
    copy = tmp_path / "renamed" / "analyst_copy.duckdb"
    copy.parent.mkdir()
    shutil.copy(published, copy)
    counts = ", ".join(f"(SELECT count(*) FROM {v}) AS {v}" for v in sorted(VIEWS))
    result = subprocess.run(
        [*SWEEP, "query", f"SELECT {counts}", "--db", str(copy), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)[0]
    assert set(got) == VIEWS and all(n > 0 for n in got.values()), got
    # Read-only: a view cannot be dropped through sweep query.
    result = subprocess.run(
        [*SWEEP, "query", "DROP VIEW open_flags", "--db", str(copy)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2 and "read-only" in result.stderr


def test_open_flags_are_the_flags_lifecycle_calls_open(published):
    flags = _df(published, "SELECT * FROM flags")
    expected = lifecycle.open_flags(flags)
    got = _df(published, "SELECT * FROM open_flags")
    assert sorted(got["flag_id"]) == sorted(expected["flag_id"]) == ["FA", "FB", "FE", "FF", "FG"]
    assert set(flags["status"]) - set(got["status"]) == {"decided"}
    assert list(got["severity_rank"]) == sorted(got["severity_rank"])  # most severe first
    by_id = got.set_index("flag_id")
    assert by_id.loc["FB", "status"] == "updated"
    assert by_id.loc["FE", "status"] == "reopened"
    assert by_id.loc["FE", "previous_decision"] == "no_further_action"
    assert by_id.loc["FE", "previous_decided_on"] == pd.Timestamp("2026-11-20")
    assert by_id.loc["FE", "revetting_referral"]
    assert pd.isna(by_id.loc["FA", "previous_decision"])
    assert by_id.loc["FA", "days_open"] == 1  # raised on the 24th, open on the 25th
    assert by_id.loc["FF", "days_open"] == 0
    assert by_id.loc["FG", "raised_in_run"] == R1  # S5 was not screened on night 2
    assert by_id.loc["FA", "first_raised_run"] == R1


def test_staff_summary_counts_match_flags_ledger_and_progress(published):
    summary = _df(published, "SELECT * FROM staff_summary").set_index("staff_id")
    ledger = _df(published, "SELECT * FROM screening_ledger")
    assert sorted(summary.index) == sorted(ledger["staff_id"])  # one row per screened staff
    latest = _df(published, "SELECT * FROM progress_history ORDER BY run_id").iloc[-1]
    assert summary["checked"].sum() == latest["checked_total"] == 3  # S2, S3, S6
    assert summary["open_flags"].sum() == len(_df(published, "SELECT * FROM open_flags"))
    s1 = summary.loc["S1"]
    assert (s1.open_misconduct, s1.open_association, s1.open_welfare) == (1, 1, 0)
    assert s1.highest_open_severity == "high"
    assert (s1.candidates_auto, s1.candidates_review, s1.candidates_discard) == (1, 0, 1)
    assert s1.best_match_weight == 20.0
    s3 = summary.loc["S3"]
    assert s3.decided_flags == 1 and s3.checked and pd.isna(s3.highest_open_severity)
    assert summary.loc["S4", "revetting_referral"] and not summary.loc["S1", "revetting_referral"]
    s5 = summary.loc["S5"]  # screened on night 1 only, flag carried over
    assert s5.last_screened_run == R1 and s5.last_screened_date == pd.Timestamp("2026-11-24")
    assert s5.open_association == 1 and not s5.checked
    s6 = summary.loc["S6"]  # screened, nothing found
    assert s6.open_flags == 0 and s6.checked and s6.candidates_auto == 0
    assert s6.first_screened_date == pd.Timestamp("2026-11-25")


def test_flag_timeline_follows_each_flag_across_runs(published):
    tl = _df(published, "SELECT * FROM flag_timeline")
    history = _df(published, "SELECT * FROM flag_history")
    assert len(tl) == len(history)

    def statuses(fid: str) -> list:
        return list(tl[tl["flag_id"] == fid].sort_values("run_number")["status"])

    assert statuses("FC") == ["new", "closed"]
    assert statuses("FD") == ["new", "decided"]
    assert statuses("FE") == ["new", "reopened"]
    assert statuses("FF") == ["new"]
    c = tl[tl["flag_id"] == "FC"].sort_values("run_number")
    assert list(c["current_status"]) == ["closed", "closed"]
    assert list(c["previous_status"].fillna("-")) == ["-", "new"]
    g = tl[tl["flag_id"] == "FG"].sort_values("run_number")
    assert list(g["status_changed"]) == [True, False]  # carried over as it was
    assert list(g["run_date"]) == [pd.Timestamp("2026-11-24"), pd.Timestamp("2026-11-25")]


def test_a_staff_id_written_in_another_case_is_one_person_and_one_flag(tmp_path):
    # HR wrote s000012 on the first night and S000012 on the second (the loader takes them
    # as one id); flags.py derives each night's flag id from the ids as written.
    import hashlib

    def night(run_id: str, run_date: date, staff: str) -> Path:
        digest = hashlib.sha256(f"{staff}|N00000042|association".encode()).hexdigest()[:16]
        flag = _flag("X", staff, "association", "high", flag_id="F" + digest)
        extra = {
            "candidate_matches": _candidates([(staff, "N00000007", "discard", -3.0)]),
            "revetting_referrals": _referrals(["S000099"], run_id),  # typed, not DOUBLE
            **_inputs([], [("staff", 1, 1, 0)]),
        }
        return _night(tmp_path, run_id, run_date, [flag], [staff], pd.DataFrame(), extra)

    night(R1, date(2026, 11, 24), "s000012")
    db = night(R2, date(2026, 11, 25), "S000012")
    summary = _df(db, "SELECT * FROM staff_summary")
    assert summary["staff_id"].tolist() == ["S000012"]
    assert summary["first_screened_date"].tolist() == [pd.Timestamp("2026-11-24")]
    assert summary["open_association"].tolist() == [1]
    assert _df(db, "SELECT staff_id FROM staff_directory")["staff_id"].tolist() == ["S000012"]
    timeline = _df(db, "SELECT flag_id, status FROM flag_timeline ORDER BY run_number")
    assert timeline["flag_id"].nunique() == 1
    assert timeline["status"].tolist() == ["new", "unchanged"]
    progress = _df(db, "SELECT screened_total, checked_total FROM progress ORDER BY run_id")
    assert progress.values.tolist() == [[1, 0], [1, 0]]


def test_progress_is_night_by_night_against_the_target(published):
    p = _df(published, "SELECT * FROM progress")
    assert list(p["run_id"]) == [R1, R2]
    assert p["checked_this_run"].sum() == p["checked_total"].iloc[-1]
    assert list(p["remaining"]) == list(20 - p["checked_total"])
    assert list(p["pct_of_target"]) == [round(100 * c / 20, 2) for c in p["checked_total"]]
    assert list(p["days_to_target"]) == [37, 36]


def test_data_quality_reconciles_with_row_counts_and_quarantine(published):
    dq = _df(published, "SELECT * FROM data_quality").set_index("table")
    counts = _df(published, "SELECT * FROM row_counts").set_index("table")
    assert sorted(dq.index) == sorted(counts.index)
    assert (dq["rows_read"] == counts.loc[dq.index, "rows_read"]).all()
    assert dq["reconciled"].all()
    assert set(dq["run_id"]) == {R2}
    assert dq.loc["staff", "rows_quarantined"] == 1
    # one row set aside for two rules, and a collar number blanked on a row that was kept
    assert dq.loc["staff", "quarantine_lines"] == 3
    assert dict(dq.loc["staff", "quarantined_by_rule"]) == {
        "calendar_date": 1,
        "collar_format": 1,
        "in_set": 1,
    }
    assert dq.loc["staff", "values_blanked"] == 1
    assert dq.loc["staff_phones", "values_blanked"] == 0
    assert dq.loc["nominals", "quarantine_lines"] == 0 == dq.loc["nominals", "values_blanked"]
    assert dict(dq.loc["nominals", "quarantined_by_rule"]) == {}
    assert dq["quarantine_lines"].sum() == len(_df(published, "SELECT * FROM quarantine"))


def test_the_two_kinds_query_finds_staff_with_misconduct_and_association(published):
    """docs/queries.sql's query returns no rows on the sample (no one there has both); here S1
    has both."""
    blocks = re.split(r"(?m)^(?=-- name:)", QUERIES.read_text())[1:]
    sql = next(b for b in blocks if "name: staff_with_misconduct_and_association_flags" in b)
    rows = _df(published, sql)
    assert list(rows["staff_id"]) == ["S1"]


# --- failures ------------------------------------------------------------------------------


def test_partial_publish_skips_views_whose_inputs_are_missing(tmp_path):
    with duckdb.connect() as con:
        con.execute("CREATE TABLE flags AS SELECT 'F1' AS flag_id, 'new' AS status")
        path = publish_database(con, tmp_path, ["flags"], "r1")
    assert _df(path, "SELECT count(*) AS n FROM duckdb_views() WHERE NOT internal")["n"][0] == 0
    copy = tmp_path / "copy.duckdb"
    shutil.copy(path, copy)
    applied = apply_views(copy)
    assert applied.created == []
    assert applied.skipped["open_flags"] == ["revetting_referrals", "runs", "staff_directory"]


def test_a_failing_view_leaves_the_previous_run_published_and_no_temp_file(
    published, tmp_path, monkeypatch
):
    out = tmp_path / "out"
    shutil.copytree(published.parent, out)
    broken = ViewSpec(
        "broken",
        "broken: x",
        "CREATE VIEW broken AS SELECT no_such_column FROM runs",
        frozenset({"runs"}),
    )
    monkeypatch.setattr(views_mod, "load_views", lambda: [broken])
    with duckdb.connect() as con, pytest.raises(duckdb.BinderException, match="no_such_column"):
        con.execute(f"CREATE TABLE runs AS SELECT '{R2}x' AS run_id")
        publish_database(con, out, ["runs"], R2 + "x")
    assert sorted(p.name for p in out.iterdir()) == [PUBLISHED_NAME]
    assert _df(out / PUBLISHED_NAME, "SELECT max(run_id) AS r FROM runs")["r"][0] == R2
