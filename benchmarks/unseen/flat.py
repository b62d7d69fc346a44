"""Convert an unseen set (generate.py's left.csv / right.csv / truth.csv + mapping.toml) to the
benchmark's flat files (benchmarks/flatten.py columns), reading the data the way Sweep's
mapping reads it, so Sweep and Splink link the same values.

    python -m benchmarks.unseen.flat benchmarks/data/unseen/u1 OUTDIR

Writes OUTDIR/staff.parquet, nominals.parquet, truth.parquet (staff_id, nominal_id, kind).

Rules (each copied from transforms/mapping.py, whose SQL is imported, not re-written, where
it can be):
- CSVs read as Sweep reads them: read_csv(all_varchar = true), values trimmed, '' -> NULL.
- left names: GivenNames / FamilyName as they are (raw text, no cleaning: each engine folds
  its own, as flatten.py does).
- right NAME: split with Sweep's rule (_full_name_parts, order forenames_first): text in
  brackets dropped; with a comma, surname = before the first comma, forenames = after it;
  without, the last word is the surname together with any particles before it (VAN DER,
  AL ...; never the first word), after leading titles and trailing suffixes are removed.
  The split is done on the raw words, so the flat values stay raw text; every row is then
  checked: fold(raw forenames) and fold(raw surname) must equal Sweep's own split of the
  same NAME (Sweep's SQL). Where they differ, Sweep's folded values are written instead
  (counted and printed).
- previous surnames: left PrevFamilyName as it is; right AKA_SURNAMES with "/" -> "|"
  (Sweep's _previous with previous_surnames_sep = "/").
- date of birth: Sweep's own _dob SQL with the mapping's date_format list (each format in
  turn, plausibility check, time-of-day stripped), written as ISO text; unparsed -> NULL.
- sex: the raw text (both engines map it themselves).
- address_line: the mapping's address columns joined with ", ", empty ones skipped
  (Sweep's _joined(cols, ", ")); postcode as it is.
- phone: one column. Left: Mobile. Right: the first non-empty of TEL1, TEL2 (Sweep reads
  both as two phones of the person; the flat files carry one, so a person whose matching
  number is only in TEL2 while TEL1 is filled loses it, for both engines).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import duckdb
import pyarrow as pa

from transforms.mapping import (
    _dob,
    _full_name_parts,
    _joined,
    _previous,
    _text,
    literal,
    load_mapping,
    quote,
)
from transforms.normalise import PARTICLES, fold_sql, register_functions

BRACKETS = re.compile(r"\([^)]*\)?")


def split_raw(name: str | None, fold: dict[str, str | None]) -> tuple[str | None, str | None]:
    """(forenames, surname) of a NAME by Sweep's rule, as raw text."""
    if name is None:
        return None, None
    raw = BRACKETS.sub(" ", name).strip()
    if not raw:
        return None, None
    if "," in raw:
        i = raw.index(",")
        return (raw[i + 1 :].strip() or None), (raw[:i].strip() or None)
    toks = raw.split()
    # leading titles / punctuation and trailing suffixes / punctuation fold to nothing
    while toks and fold.get(toks[0]) is None:
        toks.pop(0)
    while toks and fold.get(toks[-1]) is None:
        toks.pop()
    if not toks:
        return None, None
    if len(toks) == 1:
        return None, toks[0]
    j = len(toks) - 1
    while j - 1 >= 1 and fold.get(toks[j - 1]) in PARTICLES:
        j -= 1
    return " ".join(toks[:j]), " ".join(toks[j:])


def convert(src: Path, out: Path) -> dict[str, int]:
    out.mkdir(parents=True, exist_ok=True)
    m = load_mapping(src / "mapping.toml")
    con = duckdb.connect()
    con.execute("SET threads = 2")
    register_functions(con)
    counts: dict[str, int] = {}
    for side_name, fname, id_name, table in (
        ("left", "left.csv", "staff_id", "staff"),
        ("right", "right.csv", "nominal_id", "nominals"),
    ):
        side = m.side(side_name)
        source = f"read_csv({literal(str(src / fname))}, header = true, all_varchar = true)"
        types = {
            c: "VARCHAR" for c, *_ in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
        }
        _, dob_date = _dob(side, types)
        if side.full_name:
            name_sql = f"{_joined(side.full_name)} AS full_name, "
            fore_s, sur_s = _full_name_parts(side.full_name, side.full_name_order)
            name_sql += f"{fore_s} AS sweep_fore, {sur_s} AS sweep_sur"
        else:
            name_sql = f"{_joined(side.forenames)} AS forenames, {_joined(side.surname)} AS surname"
        if len(side.phone) > 1:
            phone_sql = f"coalesce({', '.join(_text(c) for c in side.phone)})"
        else:
            phone_sql = _text(side.phone[0]) if side.phone else "NULL::VARCHAR"
        con.execute(f"""
            CREATE OR REPLACE TABLE t_{table} AS
            SELECT row_number() OVER () AS _row, {_text(side.id[0])} AS {id_name}, {name_sql},
                   {_previous(side)} AS previous_surnames,
                   strftime({dob_date}, '%Y-%m-%d') AS date_of_birth,
                   {_joined(side.sex) if side.sex else "NULL::VARCHAR"} AS sex,
                   {_joined(side.address, ", ") if side.address else "NULL::VARCHAR"} AS address_line,
                   {_joined(side.postcode) if side.postcode else "NULL::VARCHAR"} AS postcode,
                   {phone_sql} AS phone,
                   {_joined(side.date_of_birth)} AS _dob_text
            FROM {source}""")
        counts[f"{table}_rows"] = con.execute(f"SELECT count(*) FROM t_{table}").fetchone()[0]
        counts[f"{table}_dob_text_unparsed"] = con.execute(
            f"SELECT count(*) FROM t_{table} WHERE _dob_text IS NOT NULL AND date_of_birth IS NULL"
        ).fetchone()[0]
        if side.full_name:
            # raw split, token folds from Sweep's fold_sql
            names = [
                r[0]
                for r in con.execute(f"SELECT full_name FROM t_{table} ORDER BY _row").fetchall()
            ]
            toks = sorted({t for n in names if n for t in BRACKETS.sub(" ", n).split()})
            # tables in bulk (DuckDB's executemany inserts a row at a time: minutes at 200k)
            con.register("_toks", pa.table({"tok": pa.array(toks, pa.string())}))
            fold = dict(con.execute(f"SELECT tok, {fold_sql('tok')} FROM _toks").fetchall())
            split = [split_raw(n, fold) for n in names]
            raw_split = pa.table(
                {
                    "_row": pa.array(range(1, len(split) + 1), pa.int64()),
                    "fore": pa.array([f for f, _ in split], pa.string()),
                    "sur": pa.array([s for _, s in split], pa.string()),
                }
            )
            con.register("raw_split", raw_split)
            con.execute(f"""
                CREATE OR REPLACE TABLE chk AS
                SELECT t._row, r.fore, r.sur, t.sweep_fore, t.sweep_sur,
                       ({fold_sql("r.fore")} IS NOT DISTINCT FROM t.sweep_fore
                        AND {fold_sql("r.sur", surname=True)} IS NOT DISTINCT FROM t.sweep_sur) AS ok
                FROM t_{table} t JOIN raw_split r USING (_row)""")
            counts["name_split_fallback_to_sweep_folded"] = con.execute(
                "SELECT count(*) FROM chk WHERE NOT ok"
            ).fetchone()[0]
            counts["name_comma_rows"] = sum(1 for n in names if n and "," in n)
            con.execute(f"""
                CREATE OR REPLACE TABLE f_{table} AS
                SELECT t.{id_name},
                       CASE WHEN c.ok THEN c.fore ELSE c.sweep_fore END AS forenames,
                       CASE WHEN c.ok THEN c.sur ELSE c.sweep_sur END AS surname,
                       t.previous_surnames, t.date_of_birth, t.sex, t.address_line,
                       t.postcode, t.phone
                FROM t_{table} t JOIN chk c USING (_row) ORDER BY t._row""")
        else:
            con.execute(f"""
                CREATE OR REPLACE TABLE f_{table} AS
                SELECT {id_name}, forenames, surname, previous_surnames, date_of_birth, sex,
                       address_line, postcode, phone FROM t_{table} ORDER BY _row""")
        counts[f"{table}_no_id"] = con.execute(
            f"SELECT count(*) FROM f_{table} WHERE {id_name} IS NULL"
        ).fetchone()[0]
        counts[f"{table}_dup_id"] = con.execute(
            f"SELECT count(*) - count(DISTINCT {id_name}) FROM f_{table}"
        ).fetchone()[0]
    t = m.truth
    con.execute(f"""
        CREATE OR REPLACE TABLE f_truth AS
        SELECT {quote(t.left_id)} AS staff_id, {quote(t.right_id)} AS nominal_id, kind
        FROM read_csv({literal(str(src / "truth.csv"))}, header = true, all_varchar = true)""")
    counts["truth_pairs"] = con.execute("SELECT count(*) FROM f_truth").fetchone()[0]
    for table in ("staff", "nominals", "truth"):
        dest = out / f"{table}.parquet"
        tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
        con.execute(f"COPY f_{table} TO {literal(str(tmp))} (FORMAT parquet)")
        os.replace(tmp, dest)
    con.close()
    return counts


if __name__ == "__main__":
    src, out = Path(sys.argv[1]), Path(sys.argv[2])
    for k, v in convert(src, out).items():
        print(f"{k}: {v}")
