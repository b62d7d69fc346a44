"""Compare candidate pairs field by field into the levels of ``comparisons.py``.

Name similarities are scored with rapidfuzz's vectorised ``process.cpdist`` over the aligned
(left variant, right variant) strings of every pair; everything else is SQL in DuckDB.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from transforms.comparisons import ADDRESS, PHONE, SEX, dob, forename, name_order, surname
from transforms.config import MatchConfig


def _jw(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if len(a) == 0:
        return np.zeros(0, dtype=np.float32)
    return process.cpdist(
        list(a), list(b), scorer=JaroWinkler.normalized_similarity, workers=-1, dtype=np.float32
    )


def _name_levels(con: duckdb.DuckDBPyConnection, pairs: str, cfg: MatchConfig) -> None:
    """``_cmp_name``: the best name agreement per pair over all variants, both orientations."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _name_rows AS
        SELECT p.l_id, p.r_id, ln.fn AS lfn, ln.sn AS lsn, ln.src AS lsrc,
               rn.fn AS rfn, rn.sn AS rsn, rn.src AS rsrc, 'straight' AS orient
        FROM {pairs} p JOIN l_names ln ON ln.id = p.l_id JOIN r_names rn ON rn.id = p.r_id
        UNION ALL
        SELECT p.l_id, p.r_id, ln.fn, ln.sn, ln.src, rn.sn, rn.fn, rn.src, 'swapped'
        FROM {pairs} p JOIN l_names ln ON ln.id = p.l_id JOIN r_names rn ON rn.id = p.r_id
        WHERE ln.src = 'primary' AND rn.fn IS NOT NULL
    """)
    cols = con.execute("SELECT lfn, rfn, lsn, rsn FROM _name_rows").fetchnumpy()
    fill = {k: np.where(pd.isna(v), "", v).astype(object) for k, v in cols.items()}
    jw = pd.DataFrame(
        {"jw_fn": _jw(fill["lfn"], fill["rfn"]), "jw_sn": _jw(fill["lsn"], fill["rsn"])}
    )
    con.register("_jw_df", jw)
    fn_cmp, sn_cmp = forename(cfg), surname(cfg)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _name_scored AS
        WITH r AS (
            SELECT n.*, j.jw_fn, j.jw_sn,
                   EXISTS (SELECT 1 FROM nick a JOIN nick b ON a.canon = b.canon
                           WHERE a.name = n.lfn AND b.name = n.rfn) AS nick_eq,
                   (SELECT pa.sn_meta FROM phonetic pa WHERE pa.sn = n.lsn)
                     = (SELECT pb.sn_meta FROM phonetic pb WHERE pb.sn = n.rsn) AS meta_eq
            FROM _name_rows n POSITIONAL JOIN _jw_df j
        )
        SELECT l_id, r_id, lsn, rsn, lsrc, rsrc, orient,
               {fn_cmp.case_sql()} AS forename, {sn_cmp.case_sql()} AS surname,
               {name_order(cfg).case_sql()} AS name_order,
               jw_fn, jw_sn
        FROM r
    """)
    con.unregister("_jw_df")
    # Best row per pair: most agreeing names; as written before swapped.
    n_fn, n_sn = len(fn_cmp.levels), len(sn_cmp.levels)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _cmp_name AS
        SELECT l_id, r_id,
               arg_min(struct_pack(forename, surname, name_order, rsn, jw_fn, jw_sn),
                       ((CASE WHEN surname = 0 THEN {n_sn} ELSE surname END)
                        + (CASE WHEN forename = 0 THEN {n_fn} ELSE forename END)) * 10
                        + name_order) AS b
        FROM _name_scored GROUP BY l_id, r_id
    """)


def _dob_levels(con: duckdb.DuckDBPyConnection, pairs: str, cfg: MatchConfig) -> None:
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _cmp_dob AS
        WITH r AS (
            SELECT p.l_id, p.r_id, ld.dob AS ld, rd.dob AS rd
            FROM {pairs} p
            LEFT JOIN l_dobs ld ON ld.id = p.l_id
            LEFT JOIN r_dobs rd ON rd.id = p.r_id
        )
        SELECT l_id, r_id, min({dob(cfg).case_sql()}) AS dob FROM r GROUP BY l_id, r_id
    """)


def _sex_levels(con: duckdb.DuckDBPyConnection, pairs: str) -> None:
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _cmp_sex AS
        SELECT p.l_id, p.r_id, {SEX.case_sql()} AS sex
        FROM (SELECT p.l_id, p.r_id, lp.sex AS ls, rp.sex AS rs
              FROM {pairs} p JOIN l_person lp ON lp.id = p.l_id
              JOIN r_person rp ON rp.id = p.r_id) p
    """)


def _address_levels(con: duckdb.DuckDBPyConnection, pairs: str) -> None:
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _cmp_addr AS
        WITH has AS (
            SELECT p.l_id, p.r_id,
                   EXISTS (SELECT 1 FROM l_addr a WHERE a.id = p.l_id AND a.pc IS NOT NULL) AS lh,
                   EXISTS (SELECT 1 FROM r_addr a WHERE a.id = p.r_id AND a.pc IS NOT NULL) AS rh
            FROM {pairs} p
        ),
        near AS (
            SELECT p.l_id, p.r_id, la.pc AS lpc, ra.pc AS rpc, la.house AS lhouse,
                   ra.house AS rhouse, la.flat AS lflat, ra.flat AS rflat,
                   la.pc_sector AS lsector, ra.pc_sector AS rsector,
                   la.pc_district AS ldistrict, ra.pc_district AS rdistrict,
                   la.pc AS la, ra.pc AS ra
            FROM {pairs} p
            JOIN l_addr la ON la.id = p.l_id
            JOIN r_addr ra ON ra.id = p.r_id AND ra.pc_district = la.pc_district
        ),
        best AS (SELECT l_id, r_id, min({ADDRESS.case_sql()}) AS address FROM near GROUP BY ALL)
        SELECT h.l_id, h.r_id,
               CASE WHEN NOT h.lh OR NOT h.rh THEN 0
                    ELSE coalesce(b.address, {len(ADDRESS.levels) - 1}) END AS address
        FROM has h LEFT JOIN best b USING (l_id, r_id)
    """)


def _phone_levels(con: duckdb.DuckDBPyConnection, pairs: str) -> None:
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _cmp_phone AS
        WITH r AS (
            SELECT p.l_id, p.r_id,
                (SELECT any_value(phone) FROM l_phone x WHERE x.id = p.l_id) AS lph,
                (SELECT any_value(phone) FROM r_phone x WHERE x.id = p.r_id) AS rph,
                EXISTS (SELECT 1 FROM l_phone a JOIN r_phone b ON a.phone = b.phone
                        WHERE a.id = p.l_id AND b.id = p.r_id) AS shared
            FROM {pairs} p
        )
        SELECT l_id, r_id, {PHONE.case_sql()} AS phone FROM r
    """)


def compare_pairs(
    con: duckdb.DuckDBPyConnection, pairs: str, cfg: MatchConfig, out_table: str
) -> None:
    """Create ``out_table``: one row per pair with each comparison's level index and the
    raw similarity behind the name levels (kept for explanation)."""
    _name_levels(con, pairs, cfg)
    _dob_levels(con, pairs, cfg)
    _sex_levels(con, pairs)
    _address_levels(con, pairs)
    _phone_levels(con, pairs)
    extra = ", p.rules" if "rules" in _columns(con, pairs) else ""
    con.execute(f"""
        CREATE OR REPLACE TABLE {out_table} AS
        SELECT p.l_id, p.r_id{extra},
               coalesce(n.b.forename, 0) AS forename, coalesce(n.b.surname, 0) AS surname,
               coalesce(n.b.name_order, 0) AS name_order, d.dob, s.sex, a.address, ph.phone,
               n.b.rsn AS matched_surname, n.b.jw_fn AS forename_similarity,
               n.b.jw_sn AS surname_similarity
        FROM {pairs} p
        LEFT JOIN _cmp_name n USING (l_id, r_id)
        JOIN _cmp_dob d USING (l_id, r_id)
        JOIN _cmp_sex s USING (l_id, r_id)
        JOIN _cmp_addr a USING (l_id, r_id)
        JOIN _cmp_phone ph USING (l_id, r_id)
    """)
    for t in (
        "_name_rows",
        "_name_scored",
        "_cmp_name",
        "_cmp_dob",
        "_cmp_sex",
        "_cmp_addr",
        "_cmp_phone",
    ):
        con.execute(f"DROP TABLE IF EXISTS {t}")


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
