"""The analysts' convenience views, created inside the published DuckDB file.

One view per file under ``transforms/sql/views/<name>.sql`` (sqlmesh style): a header comment
saying what the view is for, then exactly one ``CREATE VIEW <name> AS SELECT ...``. The views
live in the published file itself, so they survive the atomic swap and work from any DuckDB
client. They are created through a connection opened on that file (never through an ATTACH
alias) and may name only unqualified tables, so the stored SQL resolves whatever name or path
the file is opened under later.

Which tables and views a view reads is taken from DuckDB's own parse of its SELECT
(``json_serialize_sql``), so views are created in dependency order without a hand-kept list.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import duckdb

log = logging.getLogger(__name__)

VIEWS_PACKAGE = "transforms"
VIEWS_SUBDIR = ("sql", "views")
_CREATE = re.compile(
    r"^\s*CREATE\s+VIEW\s+([A-Za-z_][A-Za-z0-9_]*)\s+AS\s+(.+?)\s*;?\s*$",
    re.IGNORECASE | re.DOTALL,
)


class ViewDefinitionError(ValueError):
    """A view file that is not one well-formed, unqualified CREATE VIEW named as the file."""


@dataclass(frozen=True)
class ViewSpec:
    """One view file: its name, purpose (the header comment), statement and inputs."""

    name: str
    purpose: str
    sql: str
    requires: frozenset[str]


@dataclass
class AppliedViews:
    """What ``apply_views`` did: the views created, and those skipped with the inputs they lacked."""

    created: list[str] = field(default_factory=list)
    skipped: dict[str, list[str]] = field(default_factory=dict)


def views_dir() -> Traversable:
    """The packaged folder of view files (found through the installed ``transforms`` package)."""
    folder = resources.files(VIEWS_PACKAGE)
    for part in VIEWS_SUBDIR:
        folder = folder / part
    return folder


def _walk(node: object) -> Iterator[dict]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _inputs(select: str, source: str) -> frozenset[str]:
    """The tables and views a SELECT reads (its CTE names excluded), from DuckDB's parse tree.
    A catalog- or schema-qualified name is refused: it would tie the view to one attachment."""
    with duckdb.connect() as con:
        try:
            statements = con.extract_statements(select)
        except duckdb.ParserException as exc:
            raise ViewDefinitionError(f"{source}: {exc}") from exc
        if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
            raise ViewDefinitionError(
                f"{source}: expected one SELECT after AS, not several statements"
            )
        tree = json.loads(con.execute("SELECT json_serialize_sql(?)", [select]).fetchall()[0][0])
    if tree.get("error"):
        raise ViewDefinitionError(f"{source}: {tree.get('error_message', 'does not parse')}")
    tables: set[str] = set()
    ctes: set[str] = set()
    for node in _walk(tree):
        if node.get("type") == "BASE_TABLE":
            if node.get("catalog_name") or node.get("schema_name"):
                qualified = ".".join(node["qualified_name"]["path"])
                raise ViewDefinitionError(
                    f"{source}: {qualified} is qualified; views name tables unqualified"
                )
            tables.add(node["table_name"])
        cte_map = node.get("cte_map")
        if isinstance(cte_map, dict):
            ctes.update(entry["key"] for entry in cte_map.get("map", []))
    return frozenset(tables - ctes)


def parse_view(name: str, text: str) -> ViewSpec:
    """Check one view file's text (header comment, then one CREATE VIEW named ``name``)."""
    source = f"{name}.sql"
    lines = text.strip().splitlines()
    header = []
    for line in lines:
        if not line.startswith("--"):
            break
        header.append(line.removeprefix("--").strip())
    if not header or not header[0]:
        raise ViewDefinitionError(f"{source}: starts with no header comment saying what it is for")
    body = "\n".join(lines[len(header) :])
    match = _CREATE.match(body)
    if not match:
        raise ViewDefinitionError(f"{source}: expected 'CREATE VIEW {name} AS SELECT ...'")
    if match.group(1) != name:
        raise ViewDefinitionError(f"{source}: creates view {match.group(1)!r}, not {name!r}")
    select = match.group(2)
    return ViewSpec(
        name=name,
        purpose=" ".join(header),
        sql=f"CREATE VIEW {name} AS\n{select}",
        requires=_inputs(select, source),
    )


def load_views(folder: Traversable | Path | None = None) -> list[ViewSpec]:
    """Every view file in ``folder`` (default: the packaged one), ordered so that a view comes
    after the views it reads. Raises on a cycle or a malformed file."""
    folder = folder if folder is not None else views_dir()
    specs = {
        entry.name.removesuffix(".sql"): parse_view(
            entry.name.removesuffix(".sql"), entry.read_text(encoding="utf-8")
        )
        for entry in folder.iterdir()
        if entry.name.endswith(".sql")
    }
    ordered: list[ViewSpec] = []
    done: set[str] = set()
    pending = dict(sorted(specs.items()))
    while pending:
        ready = [n for n, s in pending.items() if not (s.requires & specs.keys()) - done]
        if not ready:
            raise ViewDefinitionError(f"views depend on each other in a cycle: {sorted(pending)}")
        for n in ready:
            ordered.append(pending.pop(n))
            done.add(n)
    return ordered


def apply_views(db_path: Path, specs: list[ViewSpec] | None = None) -> AppliedViews:
    """Create the views in the DuckDB file at ``db_path`` through its own connection.

    A view whose input tables are not in the file (a partial publish, as in unit tests) is
    skipped and reported, never created half-bound; any other error raises."""
    specs = specs if specs is not None else load_views()
    result = AppliedViews()
    with duckdb.connect(str(db_path)) as con:
        present = {
            row[0]
            for row in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
            ).fetchall()
        }
        for spec in specs:
            missing = sorted(spec.requires - present)
            if missing:
                result.skipped[spec.name] = missing
                continue
            con.execute(spec.sql)
            purpose = spec.purpose.replace("'", "''")
            con.execute(f"COMMENT ON VIEW {spec.name} IS '{purpose}'")
            present.add(spec.name)
            result.created.append(spec.name)
        con.execute("CHECKPOINT")
    if result.skipped:
        log.info("views not created, inputs not published: %s", result.skipped)
    return result
