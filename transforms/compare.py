"""Compare candidate pairs field by field into the levels of ``comparisons.py``.

Name similarities are scored with rapidfuzz's vectorised ``process.cpdist`` over the aligned
(left variant, right variant) strings of every pair; everything else is SQL in DuckDB.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, JaroWinkler

from transforms.comparisons import (
    PHONE,
    SEX,
    Comparison,
    address,
    dob,
    forename,
    name_order,
    surname,
)
from transforms.config import MatchConfig
from transforms.normalise import (
    address_lines_sql,
    compact_sql,
    floors_apart_sql,
    line_postcode_sql,
    street_sql,
)


def _jw(a: list[str], b: list[str]) -> np.ndarray:
    if not a:
        return np.zeros(0, dtype=np.float32)
    return process.cpdist(
        a, b, scorer=JaroWinkler.normalized_similarity, workers=-1, dtype=np.float32
    )


def _edits(a: list[str], b: list[str]) -> np.ndarray:
    """Typing slips between aligned names, counted up to 2 (2 means two or more): optimal
    string alignment, which equals Damerau-Levenshtein at one slip, and with rapidfuzz's
    cut-off three times as fast as DuckDB's ``damerau_levenshtein`` over whole names."""
    if not a:
        return np.zeros(0, dtype=np.int8)
    return process.cpdist(a, b, scorer=OSA.distance, score_cutoff=1, workers=-1, dtype=np.int8)


# Bits a packed best-name key may use in a BIGINT (the sign bit stays clear).
_BIGINT_BITS = 63
# The pairs being compared, numbered (pn, l_id, r_id).
_PAIRS = "_pairs_n"


def _name_pair_levels(
    con: duckdb.DuckDBPyConnection,
    comparison: Comparison,
    names: tuple[str, str],
    out: str,
    flags: tuple[str, ...] = (),
) -> int:
    """``out``: ``comparison``'s level and the Jaro-Winkler similarity for every distinct
    combination of the two ``names`` columns of ``_name_rows`` and its boolean ``flags``
    columns, numbered (``id``, from 1) most similar first, then (surnames) the rarer name
    first, then in the order of the names. Returns how many.

    A name comparison depends only on the two names (and, for surnames, whether both are
    current), so it is computed once per distinct combination, not once per row: the rows
    number millions, the distinct combinations (from small name vocabularies) far fewer. A
    missing name is keyed as '' (names are never empty once folded) and is NULL again when
    the level is computed.
    """
    a, b = names
    cols = (*names, *flags)
    keys_sql = ", ".join([*(f"coalesce({c}, '') AS {c}" for c in names), *flags])
    suffix = "fn" if comparison.name == "forename" else "sn"
    # A surname agreeing as itself and as a part (VANWIJK and VAN, of an alias "van Wijk"
    # against the person's own) ties on the level; the rarer name is the stronger evidence,
    # and the one the term frequency is read for.
    tf_join = f"LEFT JOIN tf_sn t ON t.sn = k.{b}" if suffix == "sn" else ""
    keys = con.sql(f"""
        SELECT k.*, {"coalesce(t.tf, 0)" if tf_join else "0"}::DOUBLE AS _tf
        FROM (SELECT DISTINCT {keys_sql} FROM _name_rows) k {tf_join} ORDER BY ALL
    """).to_arrow_table()
    rarity_of = keys.column("_tf").to_numpy()
    keys = keys.drop_columns(["_tf"])
    names_a, names_b = keys.column(a).to_pylist(), keys.column(b).to_pylist()
    jw, edits = f"jw_{suffix}", f"edits_{suffix}"
    similarity = _jw(names_a, names_b)
    # Numbered most similar first, then the rarer name first, then in the order of the
    # names (as read): among a pair's name rows on the same levels, the one shown (lowest
    # id) is the closest spelling, and of equal spellings the rarest name.
    ids = np.empty(keys.num_rows, dtype=np.int64)
    ids[np.lexsort((rarity_of, -similarity))] = np.arange(1, keys.num_rows + 1)
    keys = keys.append_column("id", pa.array(ids))
    keys = keys.append_column(jw, pa.array(similarity))
    # Similarities, nickname groups, metaphone codes and transliterated spellings are worked
    # out only for a comparison whose levels read them; the lookups are joins on the names,
    # not a subquery per pair.
    levels_sql = comparison.case_sql()
    extra, joins = [], []
    if edits in levels_sql:
        keys = keys.append_column(edits, pa.array(_edits(names_a, names_b)))
    con.register("_name_keys", keys)
    nulls = ", ".join([*(f"nullif(k.{c}, '') AS {c}" for c in names), *(f"k.{c}" for c in flags)])
    if "nick_eq" in levels_sql:
        extra.append("coalesce(list_has_any(na.grps, nb.grps), FALSE) AS nick_eq")
        joins.append(
            f"LEFT JOIN nick_groups na ON na.name = k.{a} "
            f"LEFT JOIN nick_groups nb ON nb.name = k.{b}"
        )
    codes = [c for c in ("meta", "spelt") if f"{c}_eq" in levels_sql]
    if codes:
        table = "phonetic" if suffix == "sn" else "fn_phonetic"
        extra.extend(f"coalesce(pa.{suffix}_{c} = pb.{suffix}_{c}, FALSE) AS {c}_eq" for c in codes)
        joins.append(
            f"LEFT JOIN {table} pa ON pa.{suffix} = k.{a} "
            f"LEFT JOIN {table} pb ON pb.{suffix} = k.{b}"
        )
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {out} AS
        WITH k AS (SELECT {", ".join(f"k.{c} AS _{c}" for c in cols)}, {nulls}, k.*
                   EXCLUDE ({", ".join(cols)}) FROM _name_keys k),
        r AS (SELECT k.*{"".join(", " + e for e in extra)} FROM k {" ".join(joins)})
        SELECT id, {", ".join(f"_{c} AS {c}" for c in cols)}, {jw},
               {comparison.case_sql()} AS level
        FROM r
    """)
    con.unregister("_name_keys")
    return keys.num_rows


def _name_levels(con: duckdb.DuckDBPyConnection, pairs: str, cfg: MatchConfig) -> None:
    """``_cmp_name``: the best name agreement per pair over all variants, both orientations."""
    # The names of both sides are joined to the pairs once; the swapped rows are read off it.
    # The compared people with further forenames, read once per side: their further
    # forenames one by one, and the whole forename field run together (a surname of
    # several words written as the forename: van den Corput, Garcia Lopez).
    with_rest = {
        side: f"""
            SELECT p.id, p.fn_rest, {compact_sql("p.fn || p.fn_rest")} AS fns
            FROM {side}_person p SEMI JOIN {pairs} q ON q.{side}_id = p.id
            WHERE p.fn_rest IS NOT NULL"""
        for side in ("l", "r")
    }
    # Further forenames (a middle name, the name a person goes by, a father's name, Singh
    # or Kaur) are matched only where they equal a name of the other side: rows are added
    # for those pairs alone, flagged so that their levels say how the names agree.
    further = {
        side: f"""
            SELECT DISTINCT x.id, w AS fn, {compact_sql("w")} AS sn
            FROM {side}x x, unnest(string_split(x.fn_rest, ' ')) AS u(w)
            WHERE length(w) >= 2"""
        for side in ("l", "r")
    }
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _name_rows AS
        WITH j AS MATERIALIZED (
            SELECT p.pn, p.l_id, p.r_id, ln.fn AS lfn, ln.sn AS lsn,
                   ln.src = 'primary' AS l_current,
                   rn.fn AS rfn, rn.sn AS rsn, rn.src = 'primary' AS r_current
            FROM {pairs} p JOIN l_names ln ON ln.id = p.l_id JOIN r_names rn ON rn.id = p.r_id
        ),
        lx AS MATERIALIZED ({with_rest["l"]}),
        rx AS MATERIALIZED ({with_rest["r"]}),
        lm AS MATERIALIZED ({further["l"]}),
        rm AS MATERIALIZED ({further["r"]}),
        -- given names written as one word on one side and two on the other (Minhong and
        -- Min Hong, Van Dung and Vandung, Min-Kyung and Min Kyung): the pairs whose
        -- forenames differ and one starts with the other, a few, are read with the next
        -- forename joined on
        -- (both this and the middle names below read the further forenames of the current
        -- names' pairs whose first forenames start alike, from the people read above)
        rest AS MATERIALIZED (
            SELECT j.pn, j.lfn, j.rfn, j.lsn, j.rsn, lx.fn_rest AS l_rest, rx.fn_rest AS r_rest
            FROM (SELECT * FROM j WHERE l_current AND r_current
                  AND (starts_with(lfn, rfn) OR starts_with(rfn, lfn))) j
            LEFT JOIN lx ON lx.id = j.l_id LEFT JOIN rx ON rx.id = j.r_id
        ),
        joined AS (
            SELECT pn, lfn, rfn, lsn, rsn,
                   {compact_sql("lfn || coalesce(split_part(l_rest, ' ', 1), '')")} AS lj,
                   {compact_sql("rfn || coalesce(split_part(r_rest, ' ', 1), '')")} AS rj
            FROM rest WHERE lfn <> rfn
        ),
        -- where the first forenames agree and both sides have further forenames: whether
        -- one of them agrees too (a further forename, or its initial against the other's),
        -- or every one differs ('' where they are only alike: Jurgen and Juergen, Dami and
        -- Damilare, a spelling or a short form of one name)
        mids AS MATERIALIZED (
            SELECT pn, CASE WHEN list_has_any(a, b)
                    OR list_has_any(list_filter(a, lambda x: length(x) = 1),
                                    list_transform(b, lambda x: left(x, 1)))
                    OR list_has_any(list_filter(b, lambda x: length(x) = 1),
                                    list_transform(a, lambda x: left(x, 1)))
                THEN 'agree'
                WHEN len(list_filter(a, lambda x: len(list_filter(b, lambda y:
                    jaro_winkler_similarity(x, y) >= {cfg.name_jw_mid}
                    OR starts_with(x, y) OR starts_with(y, x)
                    OR ends_with(x, y) OR ends_with(y, x))) > 0)) > 0 THEN ''
                ELSE 'differ' END AS mid
            FROM (SELECT pn, string_split(l_rest, ' ') AS a, string_split(r_rest, ' ') AS b
                  FROM rest WHERE lfn = rfn AND l_rest IS NOT NULL AND r_rest IS NOT NULL)
        )
        SELECT j.pn, lfn, lsn, rfn, rsn, l_current AND r_current AS both_current,
               'straight' AS orient, FALSE AS fn_further, FALSE AS sn_further,
               coalesce(CASE WHEN l_current AND r_current AND lfn = rfn THEN m.mid END, '')
                   AS mid
        FROM j LEFT JOIN mids m ON m.pn = j.pn
        UNION ALL
        -- swapped: a forename field may hold a hyphenated surname, which surnames drop
        SELECT pn, {compact_sql("lfn")}, lsn, rsn, {compact_sql("rfn")}, r_current, 'swapped',
               FALSE, FALSE, ''
        FROM j WHERE l_current AND rfn IS NOT NULL
        UNION ALL  -- swapped, one side's whole forename field the other's surname
        SELECT pn, {compact_sql("lfn")}, lsn, rsn, x.fns, TRUE, 'swapped', FALSE, FALSE, ''
        FROM j JOIN rx x ON x.id = j.r_id AND x.fns = j.lsn WHERE l_current AND r_current
        UNION ALL
        SELECT pn, x.fns, lsn, rsn, {compact_sql("rfn")}, TRUE, 'swapped', FALSE, FALSE, ''
        FROM j JOIN lx x ON x.id = j.l_id AND x.fns = j.rsn WHERE l_current AND r_current
        UNION ALL  -- one side's further forename is the other's forename
        SELECT pn, m.fn, lsn, rfn, rsn, r_current, 'straight', TRUE, FALSE, ''
        FROM j JOIN lm m ON m.id = j.l_id AND m.fn = j.rfn WHERE l_current
        UNION ALL
        SELECT pn, lfn, lsn, m.fn, rsn, l_current, 'straight', TRUE, FALSE, ''
        FROM j JOIN rm m ON m.id = j.r_id AND m.fn = j.lfn WHERE r_current
        UNION ALL  -- one side's further forename is the other's surname
        SELECT pn, lfn, m.sn, rfn, rsn, FALSE, 'straight', FALSE, TRUE, ''
        FROM j JOIN lm m ON m.id = j.l_id AND m.sn = j.rsn WHERE l_current
        UNION ALL
        SELECT pn, lfn, lsn, rfn, m.sn, FALSE, 'straight', FALSE, TRUE, ''
        FROM j JOIN rm m ON m.id = j.r_id AND m.sn = j.lsn WHERE r_current
        UNION ALL  -- written family name first and split as a western name: one side's
        -- forename is the other's surname, and its further forename the other's forename
        SELECT pn, lfn, lsn, m.fn, {compact_sql("rfn")}, TRUE, 'swapped', TRUE, FALSE, ''
        FROM j JOIN rm m ON m.id = j.r_id AND m.fn = j.lfn
        WHERE l_current AND r_current AND {compact_sql("rfn")} = lsn
        UNION ALL
        SELECT pn, m.fn, {compact_sql("lfn")}, rfn, rsn, TRUE, 'swapped', TRUE, FALSE, ''
        FROM j JOIN lm m ON m.id = j.l_id AND m.fn = j.rfn
        WHERE l_current AND r_current AND {compact_sql("lfn")} = rsn
        UNION ALL  -- one forename is the other's two joined: the same name
        SELECT pn, name, lsn, name, rsn, TRUE, 'straight', FALSE, FALSE, ''
        FROM (SELECT pn, lsn, rsn, CASE WHEN lj = {compact_sql("rfn")} THEN lj
                                        WHEN rj = {compact_sql("lfn")} THEN rj END AS name
              FROM joined) WHERE name IS NOT NULL
    """)
    fn_cmp, sn_cmp = forename(cfg), surname(cfg)
    fn_keys = _name_pair_levels(con, fn_cmp, ("lfn", "rfn"), "_lvl_fn", flags=("fn_further", "mid"))
    sn_keys = _name_pair_levels(
        con, sn_cmp, ("lsn", "rsn"), "_lvl_sn", flags=("both_current", "sn_further")
    )
    # Best row per pair: most agreeing names; as written before swapped. Ties are broken on
    # the level tables' ids (closest spelling first, then the names themselves), so the
    # choice never depends on how threads split the rows or on the other pairs in the pass.
    # The ordering key and the row it picks are packed into one integer (score 8 bits,
    # levels 4 + 4, then the surname and forename ids in as many bits as they need) so the
    # aggregate is a plain min() over a fixed-size value: a BIGINT where it fits (twice as
    # fast), else a HUGEINT.
    score = f"({sn_cmp.rank_sql('surname')} + {fn_cmp.rank_sql('forename')}) * 10 + name_order"
    f_bits, s_bits = max(fn_keys, 1).bit_length(), max(sn_keys, 1).bit_length()
    at_s, at_levels = f_bits, f_bits + s_bits
    at_score = at_levels + 8
    kind = "BIGINT" if at_score + 8 <= _BIGINT_BITS else "HUGEINT"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _cmp_name AS
        WITH r AS (
            SELECT n.pn, f.id AS fid, s.id AS sid, f.level AS forename, s.level AS surname,
                   {name_order(cfg).case_sql()} AS name_order
            FROM _name_rows n
            JOIN _lvl_fn f ON f.lfn = coalesce(n.lfn, '') AND f.rfn = coalesce(n.rfn, '')
                          AND f.fn_further = n.fn_further AND f.mid = n.mid
            JOIN _lvl_sn s ON s.lsn = coalesce(n.lsn, '') AND s.rsn = coalesce(n.rsn, '')
                          AND s.both_current = n.both_current AND s.sn_further = n.sn_further
        ),
        best AS (
            SELECT pn,
                   min((({score})::{kind} << {at_score})
                       | (surname::{kind} << {at_levels + 4}) | (forename::{kind} << {at_levels})
                       | (sid::{kind} << {at_s}) | fid::{kind}) AS x
            FROM r GROUP BY pn
        )
        SELECT best.pn,
               struct_pack(forename := f.level, surname := s.level,
                           name_order := CAST((best.x >> {at_score}) % 10 AS INTEGER),
                           rsn := nullif(s.rsn, ''), rfn := nullif(f.rfn, ''),
                           jw_fn := f.jw_fn, jw_sn := s.jw_sn) AS b
        FROM best
        JOIN _lvl_fn f ON f.id = CAST(best.x & {(1 << f_bits) - 1} AS BIGINT)
        JOIN _lvl_sn s ON s.id = CAST((best.x >> {at_s}) & {(1 << s_bits) - 1} AS BIGINT)
    """)
    con.execute("DROP TABLE _lvl_fn")
    con.execute("DROP TABLE _lvl_sn")


def _dob_levels(con: duckdb.DuckDBPyConnection, pairs: str, cfg: MatchConfig) -> None:
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _cmp_dob AS
        WITH r AS (
            SELECT p.pn, ld.dob AS ld, rd.dob AS rd
            FROM {pairs} p
            LEFT JOIN l_dobs ld ON ld.id = p.l_id
            LEFT JOIN r_dobs rd ON rd.id = p.r_id
        )
        SELECT pn, min({dob(cfg).case_sql()}) AS dob FROM r GROUP BY pn
    """)


def _sex_levels(con: duckdb.DuckDBPyConnection, pairs: str) -> None:
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _cmp_sex AS
        SELECT p.pn, {SEX.case_sql()} AS sex
        FROM (SELECT p.pn, lp.sex AS ls, rp.sex AS rs
              FROM {pairs} p JOIN l_person lp ON lp.id = p.l_id
              JOIN r_person rp ON rp.id = p.r_id) p
    """)


def _street_similarity(a: list[str], b: list[str]) -> np.ndarray:
    """rapidfuzz's token-set ratio of aligned streets, from 0 to 1."""
    if not a:
        return np.zeros(0, dtype=np.float32)
    return process.cpdist(a, b, scorer=fuzz.token_set_ratio, workers=-1, dtype=np.float32) / 100


def _same_house_street(con: duckdb.DuckDBPyConnection, pairs: str, cfg: MatchConfig) -> None:
    """``_house_street`` (pn, lpc, rpc, lhouse, rhouse, lflat, rflat, floors_apart): address
    pairs with the same house number and flat on streets written alike, but not the same
    postcode (one keyed wrong, or missing).

    Within one postcode ``r_addr`` has the houses; across postcodes the compared right-side
    people's lines are parsed here, and streets are compared only where the house agrees,
    once per distinct pair of streets."""
    # A right-side line can only hold the left house number if it contains it as text:
    # that cheap test comes first, and only the lines that pass are parsed. The join carries
    # the left address's row (l_addr is never updated, so its rowid is stable), not its
    # text: a fifth less time at 300k x 10M. Two statements: in one, DuckDB joins every
    # right-side line to every left house number before the pairs.
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _house_lines AS
        WITH l AS (
            SELECT p.pn, p.r_id, la.rowid AS lrow, la.house AS lhouse
            FROM {pairs} p JOIN l_addr la ON la.id = p.l_id
            WHERE la.house IS NOT NULL AND la.street IS NOT NULL
        ),
        h AS MATERIALIZED (
            SELECT l.pn, l.lrow, s.postcode, upper(s.address_line) AS line
            FROM l JOIN r_src_address s
            ON s.id = l.r_id AND contains(upper(s.address_line), l.lhouse)
        )
        SELECT h.pn, la.pc AS lpc, la.house AS lhouse, la.flat AS lflat, la.street AS lstreet,
               la.floor_lo AS lfloor_lo, la.floor_hi AS lfloor_hi, la.floor_side AS lfloor_side,
               {line_postcode_sql("h.postcode", "h.line")} AS pc, h.line
        FROM h JOIN l_addr la ON la.rowid = h.lrow
    """)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _same_house AS
        SELECT pn, lpc, pc AS rpc, lhouse, lhouse AS rhouse, lflat, lflat AS rflat, lstreet,
               {street_sql("rest")} AS rstreet, {floors_apart_sql("l", "")} AS floors_apart
        FROM ({address_lines_sql("SELECT * FROM _house_lines")})
        WHERE lpc IS DISTINCT FROM pc
          AND (house = lhouse AND flat IS NOT DISTINCT FROM lflat
               OR either_way AND flat = lhouse AND house = lflat)  -- "18/6" read either way
    """)
    con.execute("DROP TABLE _house_lines")
    keys = con.sql(
        "SELECT DISTINCT lstreet, rstreet FROM _same_house WHERE rstreet IS NOT NULL"
    ).to_arrow_table()
    similarity = _street_similarity(
        keys.column("lstreet").to_pylist(), keys.column("rstreet").to_pylist()
    )
    con.register("_street_sim", keys.append_column("similarity", pa.array(similarity)))
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _house_street AS
        SELECT h.* EXCLUDE (lstreet, rstreet)
        FROM _same_house h JOIN _street_sim s USING (lstreet, rstreet)
        WHERE s.similarity >= {cfg.street_similarity!r}
    """)
    con.unregister("_street_sim")
    con.execute("DROP TABLE _same_house")


def _address_levels(con: duckdb.DuckDBPyConnection, pairs: str, cfg: MatchConfig) -> None:
    _same_house_street(con, pairs, cfg)
    comparison = address(cfg)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _cmp_addr AS
        WITH lh AS (SELECT DISTINCT a.id FROM l_addr a SEMI JOIN {pairs} p ON p.l_id = a.id
                    WHERE a.pc_district IS NOT NULL),
        rh AS (SELECT DISTINCT a.id FROM r_addr a SEMI JOIN {pairs} p ON p.r_id = a.id
               WHERE a.pc_district IS NOT NULL),
        has AS (
            SELECT p.pn, lh.id IS NOT NULL AS lh, rh.id IS NOT NULL AS rh
            FROM {pairs} p LEFT JOIN lh ON lh.id = p.l_id LEFT JOIN rh ON rh.id = p.r_id
        ),
        near AS (
            SELECT p.pn, la.pc AS lpc, ra.pc AS rpc, la.house AS lhouse,
                   ra.house AS rhouse, la.flat AS lflat, ra.flat AS rflat,
                   la.pc_sector AS lsector, ra.pc_sector AS rsector,
                   la.pc_district AS ldistrict, ra.pc_district AS rdistrict,
                   la.pc_district AS la, ra.pc_district AS ra, FALSE AS street_alike,
                   {floors_apart_sql("la.", "ra.")} AS floors_apart
            FROM {pairs} p
            JOIN l_addr la ON la.id = p.l_id
            JOIN r_addr ra ON ra.id = p.r_id AND ra.pc_district = la.pc_district
            UNION ALL
            SELECT pn, lpc, rpc, lhouse, rhouse, lflat, rflat, NULL, NULL, NULL, NULL,
                   lhouse AS la, rhouse AS ra, TRUE AS street_alike, floors_apart
            FROM _house_street
        ),
        best AS (SELECT pn, min({comparison.case_sql()}) AS address FROM near GROUP BY pn)
        -- a pair with no address row in common is "different" if both sides have an
        -- address with a postcode or at least its district, else "missing"
        SELECT h.pn,
               CASE WHEN b.address IS NOT NULL THEN b.address
                    WHEN h.lh AND h.rh THEN {len(comparison.levels) - 1}
                    ELSE 0 END AS address
        FROM has h LEFT JOIN best b USING (pn)
    """)
    con.execute("DROP TABLE _house_street")


def _phone_levels(con: duckdb.DuckDBPyConnection, pairs: str) -> None:
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _cmp_phone AS
        WITH lp AS (SELECT x.id, any_value(x.phone) AS ph FROM l_phone x
                    SEMI JOIN {pairs} p ON p.l_id = x.id GROUP BY x.id),
        rp AS (SELECT x.id, any_value(x.phone) AS ph FROM r_phone x
               SEMI JOIN {pairs} p ON p.r_id = x.id GROUP BY x.id),
        sh AS (SELECT DISTINCT p.pn FROM {pairs} p
               JOIN l_phone a ON a.id = p.l_id JOIN r_phone b ON b.id = p.r_id AND b.phone = a.phone),
        r AS (
            SELECT p.pn, lp.ph AS lph, rp.ph AS rph, sh.pn IS NOT NULL AS shared
            FROM {pairs} p LEFT JOIN lp ON lp.id = p.l_id LEFT JOIN rp ON rp.id = p.r_id
            LEFT JOIN sh ON sh.pn = p.pn
        )
        SELECT pn, {PHONE.case_sql()} AS phone FROM r
    """)


def compare_pairs(
    con: duckdb.DuckDBPyConnection, pairs: str, cfg: MatchConfig, out_table: str
) -> None:
    """Create ``out_table``: one row per pair with each comparison's level index and the
    raw similarity behind the name levels (kept for explanation)."""
    # Pairs are numbered once: each comparison's table and the name rows (millions) carry
    # one integer, and are joined on it, not on two text ids.
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {_PAIRS} AS
        SELECT row_number() OVER () AS pn, l_id, r_id FROM (SELECT DISTINCT l_id, r_id FROM {pairs})
    """)
    _name_levels(con, _PAIRS, cfg)
    _dob_levels(con, _PAIRS, cfg)
    _sex_levels(con, _PAIRS)
    _address_levels(con, _PAIRS, cfg)
    _phone_levels(con, _PAIRS)
    rules = "rules" in _columns(con, pairs)
    con.execute(f"""
        CREATE OR REPLACE TABLE {out_table} AS
        SELECT p.l_id, p.r_id{", c.rules" if rules else ""},
               coalesce(n.b.forename, 0) AS forename, coalesce(n.b.surname, 0) AS surname,
               coalesce(n.b.name_order, 0) AS name_order, d.dob, s.sex, a.address, ph.phone,
               n.b.rsn AS matched_surname, n.b.rfn AS matched_forename,
               n.b.jw_fn AS forename_similarity,
               n.b.jw_sn AS surname_similarity
        FROM {_PAIRS} p
        LEFT JOIN _cmp_name n USING (pn)
        JOIN _cmp_dob d USING (pn)
        JOIN _cmp_sex s USING (pn)
        JOIN _cmp_addr a USING (pn)
        JOIN _cmp_phone ph USING (pn)
        {f"JOIN {pairs} c ON c.l_id = p.l_id AND c.r_id = p.r_id" if rules else ""}
    """)
    for t in (
        _PAIRS,
        "_name_rows",
        "_cmp_name",
        "_cmp_dob",
        "_cmp_sex",
        "_cmp_addr",
        "_cmp_phone",
    ):
        con.execute(f"DROP TABLE IF EXISTS {t}")


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
