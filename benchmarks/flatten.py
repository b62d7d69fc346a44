"""Flatten a generated extract to flat files (a row per person and per alias), for the benchmark.

Both engines link the same two flat files, so neither gets help the other lacks:

- ``staff.parquet``: staff_id, forenames, surname, previous_surnames, date_of_birth, sex,
  address_line, postcode, phone. The address is the current one (latest ``date_from``), the
  phone one per person (a mobile first).
- ``nominals.parquet``: nominal_id and the same fields, one row for the nominal's own record
  and then one row per alias (another name or date of birth the intelligence holds for them,
  the rest of the row as the nominal's own), the usual shape of a flat intelligence extract;
  previous_surnames is always missing (the intelligence side has aliases, not maiden names).
  Each engine reads the repeated id its own way: Sweep takes the rows after the first as
  aliases; Splink needs one id per row, so it scores rows and keeps each pair's best.
  ``alias_rows=False`` writes the nominal's own row only (the files before 2026-11-26).
- ``truth.parquet``: staff_id, nominal_id, kind, noise for every planted self match (``kind``
  starts with ``self_``) whose two records both made it into the flat files, and for every
  named associate case the staff member's own nominal (the truth's noise ``via:N...``), as kind
  ``self_named_associate``: that nominal is the same person, so linking it is a true match.
  ``noise`` is the generator's list of what it changed (``typo|dob_missing``...), kept so the
  benchmark can report recall per kind of noise; it is NULL for an associate's own nominal.
  A pair tagged ``alias`` has the staff member's name only in an alias row: without alias
  rows, no engine can find it from these files.

Values are copied as text, untouched (no cleaning): each engine does its own standardisation,
as it would on a real extract. Rows with no id are dropped and a duplicated id keeps its first
row, because an id that is not a key cannot be scored against the truth. All the work is SQL in
DuckDB over the extract files; outputs are written to a temporary file and renamed into place.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

FLAT_FIELDS = (
    "forenames",
    "surname",
    "previous_surnames",
    "date_of_birth",
    "sex",
    "address_line",
    "postcode",
    "phone",
)


@dataclass(frozen=True)
class FlatCounts:
    """Row counts of one flattening, printed by the benchmark (counts only, no values)."""

    staff: int
    nominals: int
    nominal_alias_rows: int
    truth_pairs: int
    truth_pairs_dropped: int
    staff_rows_dropped: int
    nominal_rows_dropped: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def table_source(extract_dir: Path, name: str) -> str:
    """A DuckDB table expression reading ``name`` (.csv or .parquet) with every column as text."""
    csv, parquet = extract_dir / f"{name}.csv", extract_dir / f"{name}.parquet"
    if csv.is_file():
        path = str(csv).replace("'", "''")
        return f"read_csv('{path}', header = true, all_varchar = true)"
    if parquet.is_file():
        path = str(parquet).replace("'", "''")
        return f"(SELECT COLUMNS(*)::VARCHAR FROM read_parquet('{path}'))"
    raise FileNotFoundError(f"{name}: no {name}.csv or {name}.parquet in the extract")


def _register_sources(con: duckdb.DuckDBPyConnection, data: Path, alias_rows: bool) -> None:
    """Views over the source tables the flat files need, blank text turned into NULL."""
    sources = [
        ("src_staff", "staff", "staff"),
        ("src_staff_addresses", "staff", "staff_addresses"),
        ("src_staff_phones", "staff", "staff_phones"),
        ("src_nominals", "intel", "nominals"),
        ("src_addresses", "intel", "addresses"),
        ("src_phones", "intel", "phones"),
    ]
    if alias_rows:
        sources.append(("src_aliases", "intel", "aliases"))
    for view, folder, name in sources:
        src = table_source(data / folder, name)
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT nullif(trim(COLUMNS(*)), '') FROM {src}"
        )
    # Keep the file order: a duplicated id keeps its first row.
    for view in ("src_staff", "src_nominals"):
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {view}_n AS "
            f"SELECT *, row_number() OVER () AS _row FROM {view}"
        )


def _current_address_sql(table: str, key: str) -> str:
    """One row per ``key``: its latest address (latest date_from, open-ended first)."""
    return f"""
               SELECT {key}, address_line, postcode FROM {table}
               WHERE {key} IS NOT NULL
               QUALIFY row_number() OVER (
                   PARTITION BY {key}
                   ORDER BY try_cast(date_from AS DATE) DESC NULLS LAST,
                            try_cast(date_to AS DATE) DESC NULLS FIRST, address_line, postcode) = 1"""


def flatten_sql(
    con: duckdb.DuckDBPyConnection,
    staff_limit: int | None,
    nominals_limit: int | None,
    alias_rows: bool = True,
) -> None:
    """Build temp tables ``flat_staff``, ``flat_nominals``, ``flat_truth`` from the views.

    ``staff_limit`` keeps the first N staff by id; ``nominals_limit`` keeps every nominal
    planted for a kept staff member plus the first nominals by id up to N in all, so a small
    run still has its full share of true matches. ``alias_rows`` adds a row per alias.
    """
    con.execute(
        """CREATE OR REPLACE TEMP TABLE staff_keyed AS
           SELECT * EXCLUDE (_row) FROM src_staff_n WHERE staff_id IS NOT NULL
           QUALIFY row_number() OVER (PARTITION BY staff_id ORDER BY _row) = 1"""
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE nominals_keyed AS
           SELECT * EXCLUDE (_row) FROM src_nominals_n WHERE nominal_id IS NOT NULL
           QUALIFY row_number() OVER (PARTITION BY nominal_id ORDER BY _row) = 1"""
    )
    staff_cap = "" if staff_limit is None else f"ORDER BY staff_id LIMIT {int(staff_limit)}"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE kept_staff AS
            SELECT staff_id FROM staff_keyed {staff_cap}"""
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE truth_all AS
           WITH t AS (
               SELECT staff_id, nominal_id, kind, CAST(noise AS VARCHAR) AS noise
               FROM src_truth WHERE starts_with(kind, 'self_')
               UNION ALL
               SELECT staff_id, substr(tag, 5), 'self_named_associate', NULL
               FROM (SELECT staff_id, unnest(string_split(coalesce(noise, ''), '|')) AS tag
                     FROM src_truth WHERE kind = 'assoc_named')
               WHERE starts_with(tag, 'via:'))
           SELECT staff_id, nominal_id, min(kind) AS kind, min(nullif(noise, '')) AS noise
           FROM t WHERE staff_id IS NOT NULL AND nullif(nominal_id, '') IS NOT NULL
           GROUP BY staff_id, nominal_id"""
    )
    if nominals_limit is None:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE kept_nominals AS SELECT nominal_id FROM nominals_keyed"
        )
    else:
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE kept_nominals AS
                WITH planted AS (
                    SELECT DISTINCT n.nominal_id FROM nominals_keyed n
                    JOIN truth_all t USING (nominal_id) JOIN kept_staff USING (staff_id)),
                others AS (
                    SELECT nominal_id FROM nominals_keyed ANTI JOIN planted USING (nominal_id)
                    ORDER BY nominal_id
                    LIMIT greatest({int(nominals_limit)} - (SELECT count(*) FROM planted), 0))
                SELECT nominal_id FROM planted UNION ALL SELECT nominal_id FROM others"""
        )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE flat_staff AS
           WITH addr AS ({_current_address_sql("src_staff_addresses", "staff_id")}),
           tel AS (
               SELECT staff_id, phone FROM src_staff_phones
               WHERE staff_id IS NOT NULL AND phone IS NOT NULL
               QUALIFY row_number() OVER (
                   PARTITION BY staff_id
                   ORDER BY coalesce(lower(phone_type) = 'mobile', false) DESC, phone) = 1)
           SELECT s.staff_id, s.forenames, s.surname, s.previous_surnames, s.date_of_birth, s.sex,
                  a.address_line, a.postcode, p.phone
           FROM staff_keyed s SEMI JOIN kept_staff k ON s.staff_id = k.staff_id
           LEFT JOIN addr a ON a.staff_id = s.staff_id
           LEFT JOIN tel p ON p.staff_id = s.staff_id
           ORDER BY s.staff_id"""
    )
    # An alias row: the alias's name and date of birth where it gives them, else the
    # nominal's own (an alias may record only another date of birth).
    aliases = (
        """UNION ALL
           SELECT n.nominal_id, coalesce(a.forenames, n.forenames),
                  coalesce(a.surname, n.surname), NULL, coalesce(a.date_of_birth, n.date_of_birth),
                  n.sex, n.address_line, n.postcode, n.phone, 1, a.alias_id
           FROM own n JOIN src_aliases a ON a.nominal_id = n.nominal_id
           WHERE coalesce(a.forenames, a.surname, a.date_of_birth) IS NOT NULL"""
        if alias_rows
        else ""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE flat_nominals AS
           WITH addr AS ({_current_address_sql("src_addresses", "nominal_id")}),
           tel AS (
               SELECT nominal_id, phone FROM src_phones
               WHERE nominal_id IS NOT NULL AND phone IS NOT NULL
               QUALIFY row_number() OVER (
                   PARTITION BY nominal_id
                   ORDER BY (date_to IS NULL) DESC, try_cast(date_from AS DATE) DESC NULLS LAST,
                            phone) = 1),
           own AS (
               SELECT n.nominal_id, n.forenames, n.surname,
                      CAST(NULL AS VARCHAR) AS previous_surnames, n.date_of_birth, n.sex,
                      a.address_line, a.postcode, p.phone
               FROM nominals_keyed n SEMI JOIN kept_nominals k ON n.nominal_id = k.nominal_id
               LEFT JOIN addr a ON a.nominal_id = n.nominal_id
               LEFT JOIN tel p ON p.nominal_id = n.nominal_id)
           SELECT * EXCLUDE (_alias, _alias_id) FROM (
               SELECT *, 0 AS _alias, CAST(NULL AS VARCHAR) AS _alias_id FROM own
               {aliases})
           ORDER BY nominal_id, _alias, _alias_id"""
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE flat_truth AS
           SELECT t.staff_id, t.nominal_id, t.kind, t.noise FROM truth_all t
           SEMI JOIN flat_staff s ON s.staff_id = t.staff_id
           SEMI JOIN flat_nominals n ON n.nominal_id = t.nominal_id
           ORDER BY t.staff_id, t.nominal_id"""
    )


def _copy_atomic(con: duckdb.DuckDBPyConnection, table: str, dest: Path) -> None:
    """COPY a table to Parquet beside ``dest`` and rename it into place."""
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    con.execute(f"COPY {table} TO '{str(tmp).replace(chr(39), chr(39) * 2)}' (FORMAT parquet)")
    os.replace(tmp, dest)


def flatten_extract(
    data: Path,
    out_dir: Path,
    staff_limit: int | None = None,
    nominals_limit: int | None = None,
    threads: int = 2,
    alias_rows: bool = True,
) -> FlatCounts:
    """Write ``staff.parquet``, ``nominals.parquet`` and ``truth.parquet`` for ``data``.

    ``data`` holds ``staff/``, ``intel/`` and ``truth/truth.csv`` as ``sweep generate`` writes
    them. Returns row counts; raises FileNotFoundError naming a missing table.
    """
    data, out_dir = Path(data), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    truth_file = data / "truth" / "truth.csv"
    if not truth_file.is_file():
        raise FileNotFoundError("truth/truth.csv: not found in the extract")
    con = duckdb.connect()
    try:
        con.execute(f"SET threads = {int(threads)}")
        con.execute("SET enable_progress_bar = false")
        _register_sources(con, data, alias_rows)
        con.execute(
            "CREATE OR REPLACE TEMP VIEW src_truth AS SELECT * FROM "
            + table_source(data / "truth", "truth")
        )
        flatten_sql(con, staff_limit, nominals_limit, alias_rows)
        for table, name in (
            ("flat_staff", "staff"),
            ("flat_nominals", "nominals"),
            ("flat_truth", "truth"),
        ):
            _copy_atomic(con, table, out_dir / f"{name}.parquet")
        one = lambda q: int(con.execute(q).fetchall()[0][0])  # noqa: E731
        n_staff = one("SELECT count(*) FROM flat_staff")
        n_nom = one("SELECT count(DISTINCT nominal_id) FROM flat_nominals")
        n_alias_rows = one("SELECT count(*) FROM flat_nominals") - n_nom
        n_truth = one("SELECT count(*) FROM flat_truth")
        planted_kept = one(
            "SELECT count(*) FROM truth_all t SEMI JOIN flat_staff s ON s.staff_id = t.staff_id"
        )
        return FlatCounts(
            staff=n_staff,
            nominals=n_nom,
            nominal_alias_rows=n_alias_rows,
            truth_pairs=n_truth,
            truth_pairs_dropped=planted_kept - n_truth,
            staff_rows_dropped=one("SELECT count(*) FROM src_staff_n")
            - one("SELECT count(*) FROM staff_keyed"),
            nominal_rows_dropped=one("SELECT count(*) FROM src_nominals_n")
            - one("SELECT count(*) FROM nominals_keyed"),
        )
    finally:
        con.close()
