"""Load accepted input frames into DuckDB and expose them as the standard source views.

This is the one place that knows our extract schema; everything downstream reads only the
``{side}_src_*`` views (left = staff, right = intelligence) or the ``raw_*`` tables.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from transforms.schema import INTEL_TABLES, STAFF_TABLES

_STAFF_VIEWS = {
    "l_src_person": """SELECT staff_id AS id, forenames, surname, previous_surnames,
                              date_of_birth AS dob, sex FROM raw_staff""",
    "l_src_alias": """SELECT NULL::VARCHAR AS id, NULL::VARCHAR AS forenames,
                             NULL::VARCHAR AS surname, NULL::VARCHAR AS dob WHERE FALSE""",
    "l_src_address": """SELECT staff_id AS id, address_line, postcode, date_from, date_to
                        FROM raw_staff_addresses""",
    "l_src_phone": """SELECT staff_id AS id, phone, NULL::VARCHAR AS date_from,
                             NULL::VARCHAR AS date_to FROM raw_staff_phones""",
    "l_src_vehicle": """SELECT staff_id AS id, vrm, NULL::VARCHAR AS role,
                               NULL::VARCHAR AS date_from, NULL::VARCHAR AS date_to
                        FROM raw_staff_vehicles""",
}
_INTEL_VIEWS = {
    "r_src_person": """SELECT nominal_id AS id, forenames, surname,
                              NULL::VARCHAR AS previous_surnames, date_of_birth AS dob, sex
                       FROM raw_nominals""",
    "r_src_alias": """SELECT nominal_id AS id, forenames, surname, date_of_birth AS dob
                      FROM raw_aliases""",
    "r_src_address": """SELECT nominal_id AS id, address_line, postcode, date_from, date_to
                        FROM raw_addresses""",
    "r_src_phone": "SELECT nominal_id AS id, phone, date_from, date_to FROM raw_phones",
    "r_src_vehicle": "SELECT nominal_id AS id, vrm, role, date_from, date_to FROM raw_vehicles",
}


def load_frames(con: duckdb.DuckDBPyConnection, frames: dict[str, pd.DataFrame]) -> None:
    """``raw_<table>`` for every accepted input table, all columns text (plus ``_row``).

    An ``optional`` table the extract did not include becomes an empty ``raw_<table>``.
    """
    for table in STAFF_TABLES + INTEL_TABLES:
        frame = frames.get(table.name)
        if frame is None:
            if not table.optional:
                raise KeyError(f"no frame for required table {table.name}")
            frame = pd.DataFrame({c: pd.Series(dtype="string") for c in table.column_names})
        con.register("_frame", frame)
        casts = ", ".join(f'CAST("{c}" AS VARCHAR) AS "{c}"' for c in table.column_names)
        con.execute(f"CREATE OR REPLACE TABLE raw_{table.name} AS SELECT {casts} FROM _frame")
        con.unregister("_frame")


def create_source_views(con: duckdb.DuckDBPyConnection) -> None:
    for name, sql in {**_STAFF_VIEWS, **_INTEL_VIEWS}.items():
        con.execute(f"CREATE OR REPLACE VIEW {name} AS {sql}")
