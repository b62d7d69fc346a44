"""Candidate generation: a union of blocking rules, each an equality join in DuckDB.

A rule names a key built the same way on both sides (or, for swapped names, crosswise).
Pairs that share a key become candidates; a key shared by more right-side people than
``max_block_size`` is capped (skipped for that rule) and the cap is reported, never silent.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from transforms.config import BlockingConfig


@dataclass(frozen=True)
class BlockingRule:
    """One blocking rule: SQL selecting (id, k) for the left side and for the right side.

    ``{side}`` in the templates is replaced by ``l`` or ``r``; ``r_key`` defaults to ``l_key``.
    """

    name: str
    description: str
    l_key: str
    r_key: str | None = None

    def key_sql(self, side: str) -> str:
        template = self.l_key if side == "l" or self.r_key is None else self.r_key
        return template.replace("{side}", side)


_NAME_SOUND_DOB = """
    SELECT DISTINCT n.id, d.dob::VARCHAR || ':' || p.sn_meta AS k
    FROM {side}_names n JOIN {side}_dobs d USING (id) JOIN phonetic p ON p.sn = n.sn
"""
_FORENAME_GROUP_DOB = """
    SELECT DISTINCT n.id, d.dob::VARCHAR || ':' || coalesce(k.canon, n.fn) AS k
    FROM {side}_names n JOIN {side}_dobs d USING (id) LEFT JOIN nick k ON k.name = n.fn
    WHERE n.fn IS NOT NULL
"""
# A one-digit slip in a date of birth changes one of year, month and day: the other two
# still agree, so three keys (year-month, year-day, month-day) catch it.
_SURNAME_INITIAL_YEAR_MONTH = """
    SELECT DISTINCT n.id, n.sn || ':' || left(n.fn, 1) || ':' || strftime(d.dob, '%Y-%m') AS k
    FROM {side}_names n JOIN {side}_dobs d USING (id)
    WHERE n.sn IS NOT NULL AND n.fn IS NOT NULL
"""
_SURNAME_INITIAL_YEAR_DAY = """
    SELECT DISTINCT n.id, n.sn || ':' || left(n.fn, 1) || ':' || strftime(d.dob, '%Y-%d') AS k
    FROM {side}_names n JOIN {side}_dobs d USING (id)
    WHERE n.sn IS NOT NULL AND n.fn IS NOT NULL
"""
_SURNAME_INITIAL_DAY = """
    SELECT DISTINCT n.id, n.sn || ':' || left(n.fn, 1) || ':' || strftime(d.dob, '%m-%d') AS k
    FROM {side}_names n JOIN {side}_dobs d USING (id)
    WHERE n.sn IS NOT NULL AND n.fn IS NOT NULL
"""
_FULL_NAME = """
    SELECT DISTINCT id, sn || ':' || fn AS k FROM {side}_names
    WHERE sn IS NOT NULL AND fn IS NOT NULL
"""
_NO_DOB = "NOT EXISTS (SELECT 1 FROM {side}_dobs d WHERE d.id = n.id)"
_FULL_NAME_NO_DOB = f"""
    SELECT DISTINCT n.id, n.sn || ':' || n.fn AS k FROM {{side}}_names n
    WHERE n.sn IS NOT NULL AND n.fn IS NOT NULL AND {_NO_DOB}
"""
# Two fuzzy fields at once: the forename (or its nickname group) with a surname that sounds
# alike or its initial, and part of the date of birth, for a surname typo together with a
# date-of-birth typo.
_GROUP_SOUND_YEAR = """
    SELECT DISTINCT n.id,
           coalesce(k.canon, n.fn) || ':' || p.sn_meta || ':' || year(d.dob) AS k
    FROM {side}_names n JOIN {side}_dobs d USING (id) JOIN phonetic p ON p.sn = n.sn
    LEFT JOIN nick k ON k.name = n.fn
    WHERE n.fn IS NOT NULL
"""
_GROUP_INITIAL_DAY = """
    SELECT DISTINCT n.id,
           coalesce(k.canon, n.fn) || ':' || left(n.sn, 1) || ':' || strftime(d.dob, '%m-%d') AS k
    FROM {side}_names n JOIN {side}_dobs d USING (id) LEFT JOIN nick k ON k.name = n.fn
    WHERE n.sn IS NOT NULL AND n.fn IS NOT NULL
"""
# With no date of birth on the right, the forename may be a nickname or the surname misspelt:
# the forename group with a surname that sounds alike.
_GROUP_SOUND = """
    SELECT DISTINCT n.id, coalesce(k.canon, n.fn) || ':' || p.sn_meta AS k
    FROM {side}_names n JOIN phonetic p ON p.sn = n.sn LEFT JOIN nick k ON k.name = n.fn
    WHERE n.fn IS NOT NULL
"""
_GROUP_SOUND_NO_DOB = f"{_GROUP_SOUND} AND {_NO_DOB}"
_DOB_SWAPPED_SOUND = """
    SELECT DISTINCT n.id,
           make_date(year(d.dob), day(d.dob), month(d.dob))::VARCHAR || ':' || p.sn_meta AS k
    FROM {side}_names n JOIN {side}_dobs d USING (id) JOIN phonetic p ON p.sn = n.sn
    WHERE day(d.dob) <= 12 AND day(d.dob) <> month(d.dob)
"""
_FORENAME_FIRST = """
    SELECT DISTINCT id, fn || ':' || sn AS k FROM {side}_names
    WHERE sn IS NOT NULL AND fn IS NOT NULL
"""
_DWELLING_INITIAL = """
    SELECT DISTINCT a.id, a.dwelling || ':' || left(n.fn, 1) AS k
    FROM {side}_addr a JOIN {side}_names n USING (id)
    WHERE a.pc IS NOT NULL AND a.house IS NOT NULL AND n.fn IS NOT NULL
"""
_DOB_SECTOR = """
    SELECT DISTINCT a.id, d.dob::VARCHAR || ':' || a.pc_sector AS k
    FROM {side}_addr a JOIN {side}_dobs d USING (id) WHERE a.pc_sector IS NOT NULL
"""


RULES: tuple[BlockingRule, ...] = (
    BlockingRule(
        "dob_surname_sound",
        "same date of birth and a surname (or previous surname, alias, part) that sounds alike",
        _NAME_SOUND_DOB,
    ),
    BlockingRule(
        "dob_forename_group",
        "same date of birth and the same forename or nickname group",
        _FORENAME_GROUP_DOB,
    ),
    BlockingRule(
        "surname_initial_birth_month",
        "same surname and forename initial, same year and month of birth (a typo in the day)",
        _SURNAME_INITIAL_YEAR_MONTH,
    ),
    BlockingRule(
        "surname_initial_birth_year_day",
        "same surname and forename initial, same year and day of birth (a typo in the month)",
        _SURNAME_INITIAL_YEAR_DAY,
    ),
    BlockingRule(
        "surname_initial_birth_day",
        "same surname and forename initial, same day and month of birth (a typo in the year)",
        _SURNAME_INITIAL_DAY,
    ),
    BlockingRule(
        "full_name_no_dob",
        "same surname and forename where the right side records no date of birth",
        _FULL_NAME,
        r_key=_FULL_NAME_NO_DOB,
    ),
    BlockingRule(
        "name_sound_no_dob",
        "same forename or nickname group and a surname that sounds alike, where the right "
        "side records no date of birth (a nickname or a surname typo)",
        _GROUP_SOUND,
        r_key=_GROUP_SOUND_NO_DOB,
    ),
    BlockingRule(
        "forename_group_sound_birth_year",
        "same forename or nickname group, a surname that sounds alike and the same year of "
        "birth (a surname typo and a typo in day or month)",
        _GROUP_SOUND_YEAR,
    ),
    BlockingRule(
        "forename_group_initial_birth_day",
        "same forename or nickname group, surname initial, day and month of birth (a surname "
        "typo and a typo in the year)",
        _GROUP_INITIAL_DAY,
    ),
    BlockingRule(
        "dob_day_month_swapped",
        "date of birth with day and month swapped, surname that sounds alike",
        _DOB_SWAPPED_SOUND,
        r_key=_NAME_SOUND_DOB,
    ),
    BlockingRule(
        "names_swapped",
        "forename and surname recorded the wrong way round",
        _FORENAME_FIRST,
        r_key=_FULL_NAME,
    ),
    BlockingRule(
        "dwelling_forename_initial",
        "the same dwelling (postcode, house, flat) in any address history, same forename initial",
        _DWELLING_INITIAL,
    ),
    BlockingRule(
        "dob_postcode_sector",
        "same date of birth and an address in the same postcode sector",
        _DOB_SECTOR,
    ),
)


def generate_candidates(
    con: duckdb.DuckDBPyConnection,
    cfg: BlockingConfig,
    rules: tuple[BlockingRule, ...] = RULES,
    out_table: str = "candidates",
) -> pd.DataFrame:
    """Create ``{out_table}(l_id, r_id, rules)`` and return the per-rule report.

    The report has one row per rule: pairs it produced, keys capped and right-side rows in
    those capped keys.
    """
    report = []
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _rule_pairs (l_id VARCHAR, r_id VARCHAR, rule VARCHAR)"
    )
    for rule in rules:
        con.execute(f"CREATE OR REPLACE TEMP TABLE _lk AS {rule.key_sql('l')}")
        # Only right-side keys the left side has can pair (or be capped): filtering on them
        # first keeps the large side's DISTINCT and key counts small.
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE _rk AS
            SELECT * FROM ({rule.key_sql("r")}) WHERE k IN (SELECT k FROM _lk)
        """)
        con.execute("""
            CREATE OR REPLACE TEMP TABLE _rk_size AS
            SELECT k, count(*) AS n FROM _rk GROUP BY k
        """)
        capped_keys, capped_rows = con.execute(
            "SELECT count(*), coalesce(sum(n), 0) FROM _rk_size s "
            "WHERE n > ? AND k IN (SELECT k FROM _lk)",
            [cfg.max_block_size],
        ).fetchall()[0]
        n_pairs = con.execute(
            f"""
            INSERT INTO _rule_pairs
            SELECT DISTINCT lk.id, rk.id, '{rule.name}'
            FROM _lk lk JOIN _rk rk ON lk.k = rk.k
            JOIN _rk_size s ON s.k = rk.k AND s.n <= ?
            """,
            [cfg.max_block_size],
        ).fetchall()[0][0]
        report.append(
            {
                "rule": rule.name,
                "description": rule.description,
                "pairs": int(n_pairs),
                "capped_keys": int(capped_keys),
                "capped_right_rows": int(capped_rows),
            }
        )
    con.execute(f"""
        CREATE OR REPLACE TABLE {out_table} AS
        SELECT l_id, r_id, list(DISTINCT rule ORDER BY rule) AS rules
        FROM _rule_pairs GROUP BY l_id, r_id
    """)
    for t in ("_rule_pairs", "_lk", "_rk", "_rk_size"):
        con.execute(f"DROP TABLE IF EXISTS {t}")
    return pd.DataFrame(report)


def blocking_recall(
    con: duckdb.DuckDBPyConnection, truth_pairs: pd.DataFrame, table: str = "candidates"
) -> pd.DataFrame:
    """Per rule and overall: how many of the true (l_id, r_id) pairs the candidates contain."""
    con.register("_truth_pairs", truth_pairs[["l_id", "r_id"]])
    out = con.execute(f"""
        WITH t AS (SELECT DISTINCT l_id, r_id FROM _truth_pairs),
        hit AS (
            SELECT t.l_id, t.r_id, c.rules FROM t LEFT JOIN {table} c USING (l_id, r_id)
        ),
        per_rule AS (
            SELECT unnest(rules) AS rule, count(*) AS true_pairs FROM hit
            WHERE rules IS NOT NULL GROUP BY 1
        )
        SELECT rule, true_pairs FROM per_rule
        UNION ALL
        SELECT 'ALL', count(*) FILTER (WHERE rules IS NOT NULL) FROM hit
        UNION ALL
        SELECT 'TRUTH', count(*) FROM hit
    """).df()
    con.unregister("_truth_pairs")
    return out
