"""docs/SCHEMA.md and docs/queries.sql against the database a real sample run publishes.

The flow runs twice on the committed sample with DPS decisions imported in between, so the
published file holds two runs, decided flags and the decision columns' real types. The schema
document is checked both ways (everything published is documented with the right type, and
everything documented is published); every analyst query runs through `sweep query` in a fresh
read-only process."""

from __future__ import annotations

import io
import json
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from transforms import lifecycle

REPO = Path(__file__).resolve().parent.parent
SCHEMA_DOC = REPO / "docs" / "SCHEMA.md"
QUERIES = REPO / "docs" / "queries.sql"
SWEEP = str(Path(sys.executable).with_name("sweep"))  # the installed console script
SECTIONS = {"Tables": "BASE TABLE", "Views": "VIEW"}
# The sample has no staff member with both a misconduct and an association flag
# (tests/transforms/test_views.py shows that query finding one); every other query has rows.
MAY_BE_EMPTY = {"staff_with_misconduct_and_association_flags"}


@dataclass
class Documented:
    kind: str
    columns: dict[str, str] = field(default_factory=dict)  # name -> type


def parse_schema_doc(text: str) -> dict[str, Documented]:
    """Every `### name` under `## Tables` / `## Views` with its `| column | type | meaning |`
    rows. Raises on a column row outside an object, a duplicate, or an empty meaning."""
    objects: dict[str, Documented] = {}
    kind = current = None
    row = re.compile(r"^\|\s*`([^`]+)`\s*\|\s*([^|]+?)\s*\|\s*(.*?)\s*\|\s*$")
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("## "):
            kind, current = SECTIONS.get(line[3:].strip()), None
        elif line.startswith("### "):
            current = line[4:].strip()
            assert kind, f"SCHEMA.md line {number}: {current} is outside ## Tables / ## Views"
            assert current not in objects, f"SCHEMA.md line {number}: {current} twice"
            objects[current] = Documented(kind)
        elif m := row.match(line):
            assert current, f"SCHEMA.md line {number}: a column row outside any table"
            name, typ, meaning = m.groups()
            assert name not in objects[current].columns, f"{current}.{name}: documented twice"
            assert meaning, f"{current}.{name}: no meaning given"
            objects[current].columns[name] = typ
    return objects


@dataclass
class Query:
    name: str
    answers: str
    columns: list[str]
    sql: str


def read_queries(text: str) -> list[Query]:
    """The `-- name:` blocks of docs/queries.sql with their `-- answers:` and `-- columns:`."""
    queries = []
    for block in re.split(r"(?m)^(?=-- name:)", text)[1:]:
        name = re.search(r"^-- name:\s*(\S+)", block, re.M)
        answers = re.search(r"^-- answers:\s*(.+)", block, re.M)
        columns = re.search(r"^-- columns:\s*(.+)", block, re.M)
        assert name and answers and columns, f"queries.sql: a block lacks a header:\n{block[:200]}"
        cols = [c.strip() for c in columns.group(1).split(",")]
        queries.append(Query(name.group(1), answers.group(1).strip(), cols, block.strip()))
    return queries


QUERY_LIST = read_queries(QUERIES.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def published(tmp_path_factory, prefect_harness) -> Path:
    """out/sweep.duckdb after two sample runs with five association flags decided between."""
    from flows.nightly import nightly_screening
    from sweep.cli import main

    tmp = tmp_path_factory.mktemp("schema_doc")
    config = tmp / "config.json"
    config.write_text(json.dumps({"run_date": "2026-11-25"}))
    out = tmp / "out"
    first = nightly_screening(out_dir=out, config_path=config)
    raised = pd.read_csv(Path(first["handoff"]) / "flags.csv")
    decided = raised[raised["flag_kind"] == "association"].sort_values("flag_id").head(5)
    decisions = tmp / "decisions.csv"
    pd.DataFrame(
        {
            "flag_id": decided["flag_id"],
            "decision": "no_further_action",
            "decided_on": "2026-11-24",
            "decided_by": "A101",
        }
    ).to_csv(decisions, index=False)
    assert main(["dispositions", "import", str(decisions), "--out", str(out)]) == 0
    nightly_screening(out_dir=out, config_path=config)
    return out / "sweep.duckdb"


def _catalog(db: Path) -> dict[str, Documented]:
    with duckdb.connect(str(db), read_only=True) as con:
        objects = {
            name: Documented(kind)
            for name, kind in con.execute(
                "SELECT table_name, table_type FROM information_schema.tables "
                "WHERE table_schema = 'main'"
            ).fetchall()
        }
        for table, column, typ in con.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position"
        ).fetchall():
            objects[table].columns[column] = typ
    return objects


def test_everything_published_is_documented_with_its_type(published):
    doc = parse_schema_doc(SCHEMA_DOC.read_text(encoding="utf-8"))
    problems = []
    for name, real in sorted(_catalog(published).items()):
        if name not in doc:
            problems.append(f"{name} ({real.kind}): published but not in SCHEMA.md")
            continue
        if doc[name].kind != real.kind:
            problems.append(f"{name}: is a {real.kind}, documented as a {doc[name].kind}")
        for column, typ in real.columns.items():
            documented = doc[name].columns.get(column)
            if documented is None:
                problems.append(f"{name}.{column} ({typ}): published but not documented")
            elif documented != typ:
                problems.append(f"{name}.{column}: type is {typ}, SCHEMA.md says {documented}")
    assert not problems, "\n".join(problems)


def test_everything_documented_is_published(published):
    real = _catalog(published)
    problems = []
    for name, documented in sorted(parse_schema_doc(SCHEMA_DOC.read_text()).items()):
        if name not in real:
            problems.append(f"{name}: in SCHEMA.md but not in the published database")
            continue
        problems += [
            f"{name}.{column}: in SCHEMA.md but not published"
            for column in documented.columns
            if column not in real[name].columns
        ]
    assert not problems, "\n".join(problems)


def test_schema_doc_parser_names_the_table_and_column():
    doc = parse_schema_doc(
        "## Tables\n### runs\n| column | type | meaning |\n| --- | --- | --- |\n"
        "| `run_id` | VARCHAR | the run |\n## Views\n### v\n| `n` | BIGINT | a count |\n"
    )
    assert doc["runs"].columns == {"run_id": "VARCHAR"} and doc["v"].kind == "VIEW"
    with pytest.raises(AssertionError, match=r"runs\.run_id: no meaning"):
        parse_schema_doc("## Tables\n### runs\n| `run_id` | VARCHAR |  |\n")
    with pytest.raises(AssertionError, match=r"runs\.run_id: documented twice"):
        parse_schema_doc("## Tables\n### runs\n| `run_id` | VARCHAR | a |\n| `run_id` | X | b |\n")


def test_views_agree_with_their_tables_on_the_sample(published):
    with duckdb.connect(str(published), read_only=True) as con:
        flags = con.execute("SELECT * FROM flags").df()
        open_ids = con.execute("SELECT flag_id FROM open_flags").df()["flag_id"]
        summary = con.execute("SELECT * FROM staff_summary").df()
        ledger_rows = con.execute("SELECT count(*) FROM screening_ledger").fetchall()[0][0]
        progress = con.execute("SELECT * FROM progress ORDER BY run_date, run_id").df()
        latest = (
            con.execute("SELECT * FROM progress_history ORDER BY run_id DESC LIMIT 1").df().iloc[0]
        )
        dq = con.execute("SELECT * FROM data_quality").df()
        quarantine_lines = con.execute("SELECT count(*) FROM quarantine").fetchall()[0][0]
        timeline_runs = con.execute("SELECT count(DISTINCT run_id) FROM flag_timeline").fetchall()[
            0
        ][0]
    assert sorted(open_ids) == sorted(lifecycle.open_flags(flags)["flag_id"])
    assert (flags["status"] == "decided").sum() == 5 and len(open_ids) == len(flags) - 5
    assert len(summary) == ledger_rows == 1996
    assert summary["checked"].sum() == latest["checked_total"]
    assert summary["decided_flags"].sum() == 5
    assert len(progress) == 2 and progress["checked_this_run"].iloc[-1] > 0
    assert dq["reconciled"].all() and len(dq) == 16
    assert dq["quarantine_lines"].sum() == quarantine_lines == 18
    assert timeline_runs == 2


def test_queries_file_has_named_documented_queries():
    names = [q.name for q in QUERY_LIST]
    assert len(names) == 6 and len(set(names)) == 6, names
    assert all(q.answers and q.columns for q in QUERY_LIST)


@pytest.mark.parametrize("query", QUERY_LIST, ids=[q.name for q in QUERY_LIST])
def test_each_analyst_query_runs_read_only_and_returns_its_columns(published, query):
    result = subprocess.run(
        [SWEEP, "query", query.sql, "--db", str(published), "--format", "csv"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"{query.name}: {result.stderr}"
    frame = pd.read_csv(io.StringIO(result.stdout))  # the header line even with no rows
    assert list(frame.columns) == query.columns, f"{query.name}: columns differ from -- columns:"
    if query.name not in MAY_BE_EMPTY:
        assert len(frame) > 0, f"{query.name}: no rows on the sample"
    if query.name == "why_review_band_pairs_matched":
        # The contributions (prior and surname frequency included) add up to the match weight.
        sums = frame.groupby("flag_id").agg(total=("weight", "sum"), mw=("match_weight", "first"))
        assert ((sums["total"] - sums["mw"]).abs() < 0.06).all(), sums


def readme_queries() -> list[list[str]]:
    """The `sweep query` command lines shown in README.md, split as a shell would."""
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    return [shlex.split(line)[1:] for line in lines if line.startswith(".venv/bin/sweep query ")]


def test_readme_shows_five_queries():
    assert len(readme_queries()) == 5


@pytest.mark.parametrize("argv", readme_queries(), ids=lambda a: a[1][:40])
def test_each_readme_query_runs_on_the_sample_and_returns_rows(published, argv):
    result = subprocess.run(
        [SWEEP, *argv, "--db", str(published), "--format", "csv"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert len(pd.read_csv(io.StringIO(result.stdout))) > 0, argv[1]
