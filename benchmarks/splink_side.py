"""The Splink side of the Sweep-vs-Splink benchmark: one link of the flat files, timed.

Run by ``benchmarks/bench_link.py`` with the benchmark's own virtual environment (Splink is
never a runtime dependency of Sweep)::

    SPLINK_PY benchmarks/splink_side.py --staff staff.parquet --nominals nominals.parquet \
        --out splink_pairs.parquet

It follows the recipe in Splink 4's documentation, given the fields Sweep gets:

- standardise: lower-case names, first forename, surname parts plus previous surnames as an
  array, postcode re-spaced, phone as national digits (Splink's docs leave cleaning to the
  user; this is the cleaning a competent user would do, and no more);
- comparisons: NameComparison on the first forename and a surname comparison (both with term
  frequency adjustments; the surname one adds a level for a shared surname part or previous
  surname), DateOfBirthComparison, PostcodeComparison, exact phone, exact sex;
- prediction blocking: date of birth; surname + forename initial; first forename + year of
  birth; postcode; phone; forename and surname swapped;
- training: u by random sampling, the prior from a deterministic rule, m by EM blocked on date
  of birth and then on surname + forename (never on postcode: a postcode block is mostly
  people at one address, and EM then learns households, not persons).

A nominal's alias rows repeat its id (see flatten.py), and Splink needs an id per row: each
row gets the person id plus its row number, and the written pairs are folded back to
people, each pair keeping its best-scoring row (the way a Splink user links an extract with
alias rows).

Prints one JSON line: timings (load, train, predict, write), candidate pairs (people, and
rows before folding), peak RSS. Writes every scored pair of people (staff_id, nominal_id,
match_probability, match_weight) to Parquet, temp file + rename. No data value is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

import duckdb
import splink
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

# Standardisation as SQL over a flat file with the benchmark's columns (see flatten.py).
CLEAN_SQL = """
SELECT
    -- one id per row: a nominal's alias rows repeat its id (the pairs are folded back to
    -- people, each keeping its best-scoring row, when they are written)
    CAST({id} AS VARCHAR) || '{sep}' || row_number() OVER (PARTITION BY {id}) AS unique_id,
    nullif(lower(regexp_replace(split_part(trim(forenames), ' ', 1), '[^A-Za-z''-]', '', 'g')), '')
        AS first_name,
    nullif(lower(trim(regexp_replace(surname, '[^A-Za-z'' -]', '', 'g'))), '') AS surname,
    list_filter(list_distinct(flatten([
        string_split(lower(coalesce(surname, '')), '-'),
        string_split(lower(coalesce(previous_surnames, '')), '|')
    ])), lambda x: trim(x) <> '') AS surname_all,
    nullif(trim(date_of_birth), '') AS date_of_birth,
    CASE WHEN upper(trim(sex)) IN ('M', 'F') THEN upper(trim(sex)) END AS sex,
    nullif(regexp_replace(regexp_replace(upper(postcode), '[^A-Z0-9]', '', 'g'),
                          '^(.+)([0-9][A-Z]{{2}})$', '\\1 \\2'), '') AS postcode,
    nullif(regexp_replace(regexp_replace(phone, '[^0-9]', '', 'g'), '^(00)?44', '0'), '')
        AS phone
FROM read_parquet('{path}')
"""


ROW_SEP = "~row"  # unique_id = person id + ROW_SEP + row number within the person


def person_id_sql(column: str) -> str:
    """SQL: the person id of a row's ``unique_id`` (the text before the last ROW_SEP)."""
    return f"regexp_replace({column}, '{ROW_SEP}[0-9]+$', '')"


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def load_clean(con: duckdb.DuckDBPyConnection, staff: Path, nominals: Path) -> None:
    """Tables ``staff_clean`` and ``nominals_clean`` in Splink's input shape."""
    con.execute(
        "CREATE OR REPLACE TABLE staff_clean AS "
        + CLEAN_SQL.format(id="staff_id", sep=ROW_SEP, path=_sql_path(staff))
    )
    con.execute(
        "CREATE OR REPLACE TABLE nominals_clean AS "
        + CLEAN_SQL.format(id="nominal_id", sep=ROW_SEP, path=_sql_path(nominals))
    )


def settings() -> SettingsCreator:
    """The model: comparisons and prediction blocking rules (see the module docstring)."""
    surname = cl.CustomComparison(
        output_column_name="surname",
        comparison_levels=[
            cll.NullLevel("surname"),
            cll.ExactMatchLevel("surname", term_frequency_adjustments=True),
            cll.JaroWinklerLevel("surname", 0.92),
            cll.JaroWinklerLevel("surname", 0.88),
            cll.ArrayIntersectLevel("surname_all", min_intersection=1),
            cll.JaroWinklerLevel("surname", 0.7),
            cll.ElseLevel(),
        ],
        comparison_description="surname, surname parts and previous surnames",
    )
    return SettingsCreator(
        link_type="link_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            surname,
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True),
            cl.PostcodeComparison("postcode"),
            cl.ExactMatch("phone"),
            cl.ExactMatch("sex"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("date_of_birth"),
            block_on("surname", "substr(first_name, 1, 1)"),
            block_on("first_name", "substr(date_of_birth, 1, 4)"),
            block_on("postcode"),
            block_on("phone"),
            "l.first_name = r.surname AND l.surname = r.first_name",
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def run(args: argparse.Namespace) -> dict[str, object]:
    """Load, train, predict and write; return timings and counts."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    con = duckdb.connect(args.db)
    if args.threads:
        con.execute(f"SET threads = {int(args.threads)}")
    con.execute("SET enable_progress_bar = false")
    load_clean(con, Path(args.staff), Path(args.nominals))
    timings["load"] = time.perf_counter() - t0

    t = time.perf_counter()
    db_api = DuckDBAPI(connection=con)
    linker = Linker(
        ["staff_clean", "nominals_clean"],
        settings(),
        db_api=db_api,
        input_table_aliases=["staff", "nominals"],
        set_up_basic_logging=args.verbose,
    )
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "date_of_birth")], recall=args.prior_recall
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=args.u_max_pairs, seed=args.seed)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("surname", "first_name")
    )
    timings["train"] = time.perf_counter() - t

    t = time.perf_counter()
    predictions = linker.inference.predict()
    timings["predict"] = time.perf_counter() - t

    t = time.perf_counter()
    out = Path(args.out)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    table = predictions.physical_name
    staff_row = "CASE WHEN source_dataset_l = 'staff' THEN unique_id_l ELSE unique_id_r END"
    nominal_row = "CASE WHEN source_dataset_l = 'staff' THEN unique_id_r ELSE unique_id_l END"
    con.execute(
        f"""COPY (
            SELECT {person_id_sql(staff_row)} AS staff_id,
                   {person_id_sql(nominal_row)} AS nominal_id,
                   max(match_probability) AS match_probability,
                   max(match_weight) AS match_weight
            FROM {table} GROUP BY ALL) TO '{_sql_path(tmp)}' (FORMAT parquet)"""
    )
    os.replace(tmp, out)
    candidate_rows = int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])
    candidates = int(
        con.execute(f"SELECT count(*) FROM read_parquet('{_sql_path(out)}')").fetchall()[0][0]
    )
    timings["write"] = time.perf_counter() - t
    if args.model_json:
        linker.misc.save_model_to_json(args.model_json, overwrite=True)
    con.close()
    return {
        "engine": "splink",
        "splink_version": splink.__version__,
        "duckdb_version": duckdb.__version__,
        "timings": timings,
        "train_predict_s": timings["train"] + timings["predict"],
        "candidate_pairs": candidates,
        "candidate_row_pairs": candidate_rows,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--staff", required=True, help="flat staff Parquet (flatten.py)")
    ap.add_argument("--nominals", required=True, help="flat nominals Parquet (flatten.py)")
    ap.add_argument("--out", required=True, help="Parquet of every scored pair")
    ap.add_argument("--db", default=":memory:", help="DuckDB database (default in memory)")
    ap.add_argument("--threads", type=int, default=0, help="DuckDB threads (0: DuckDB default)")
    ap.add_argument("--u-max-pairs", type=float, default=1e7, help="u sampling pairs")
    ap.add_argument("--seed", type=int, default=None, help="u sampling seed (default random)")
    ap.add_argument(
        "--prior-recall",
        type=float,
        default=0.7,
        help="assumed recall of exact first name + surname + dob, for the match prior",
    )
    ap.add_argument("--model-json", default=None, help="also save the trained model here")
    ap.add_argument("--verbose", action="store_true", help="Splink's own INFO logging")
    args = ap.parse_args(argv)
    result = run(args)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
