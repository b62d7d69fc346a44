"""Precision, recall and F1 of one engine's scored pairs against the planted truth, in DuckDB.

The benchmark scores both engines with this one function, from their Parquet outputs, so the
figures are computed the same way whatever each engine reports about itself. A pair scored
more than once counts once (its highest score; predicted if any copy is). Recall's denominator
is every distinct truth pair, including those blocking never produced.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from transforms.pair_metrics import best_f1, curve_from_counts


@dataclass(frozen=True)
class LinkScores:
    """How one engine's pairs compare with the truth (counts and ratios, no data values)."""

    candidate_pairs: int
    truth_pairs: int
    candidate_true: int  # truth pairs that blocking produced at all
    predicted: int
    true_positive: int
    precision: float
    recall: float
    f1: float
    best_f1: float
    best_threshold: float | None
    best_precision: float
    best_recall: float
    # kind -> (truth pairs, candidates, predicted, found at the best-F1 threshold); {} if the
    # truth file has no kind column
    by_kind: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)
    # the same per noise tag (a pair with two tags counts under each); {} without a noise column
    by_noise: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)

    @property
    def candidate_recall(self) -> float:
        return self.candidate_true / self.truth_pairs if self.truth_pairs else float("nan")

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "candidate_recall": self.candidate_recall}


def _path(p: Path) -> str:
    return "'" + str(p).replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _ratio(num: float, den: float) -> float:
    return num / den if den else 0.0


def score_pairs(
    pairs: Path,
    truth: Path,
    *,
    left: str,
    right: str,
    score: str,
    predicted: str,
    truth_left: str = "staff_id",
    truth_right: str = "nominal_id",
    truth_kind: str = "kind",
    truth_noise: str = "noise",
    threads: int = 2,
) -> LinkScores:
    """Score ``pairs`` (Parquet) against ``truth`` (Parquet).

    ``left``/``right`` name the id columns and ``score`` the ranking column of ``pairs``;
    ``predicted`` is a SQL condition over ``pairs`` columns marking a predicted match (for
    example ``band IN ('auto', 'review')`` or ``match_probability >= 0.5``). The best F1 is over
    every threshold on ``score``: predict the pairs scoring at least the threshold. If the
    truth has a ``truth_kind`` column, ``by_kind`` breaks the recall down by kind; if it has a
    ``truth_noise`` column ('|'-separated tags), ``by_noise`` breaks it down by tag.
    """
    con = duckdb.connect()
    try:
        con.execute(f"SET threads = {int(threads)}")
        con.execute("SET enable_progress_bar = false")
        cols = {
            str(c[0])
            for c in con.execute(f"DESCRIBE SELECT * FROM read_parquet({_path(truth)})").fetchall()
        }
        kind = f"CAST({_ident(truth_kind)} AS VARCHAR)" if truth_kind in cols else "NULL::VARCHAR"
        noise = (
            f"CAST({_ident(truth_noise)} AS VARCHAR)" if truth_noise in cols else "NULL::VARCHAR"
        )
        con.execute(
            f"""CREATE TEMP TABLE truth AS
                SELECT CAST({_ident(truth_left)} AS VARCHAR) AS l,
                       CAST({_ident(truth_right)} AS VARCHAR) AS r,
                       min({kind}) AS kind, min({noise}) AS noise
                FROM read_parquet({_path(truth)})
                WHERE {_ident(truth_left)} IS NOT NULL AND {_ident(truth_right)} IS NOT NULL
                GROUP BY ALL"""
        )
        con.execute(
            f"""CREATE TEMP TABLE marked AS
                WITH p AS (
                    SELECT CAST({_ident(left)} AS VARCHAR) AS l,
                           CAST({_ident(right)} AS VARCHAR) AS r,
                           max(CAST({_ident(score)} AS DOUBLE)) AS s,
                           bool_or(coalesce(({predicted}), false)) AS predicted
                    FROM read_parquet({_path(pairs)})
                    GROUP BY ALL)
                SELECT p.*, t.l IS NOT NULL AS is_true
                FROM p LEFT JOIN truth t ON t.l = p.l AND t.r = p.r"""
        )
        n_truth = int(con.execute("SELECT count(*) FROM truth").fetchall()[0][0])
        cands, cand_true, pred, tp = con.execute(
            """SELECT count(*), count(*) FILTER (WHERE is_true),
                      count(*) FILTER (WHERE predicted),
                      count(*) FILTER (WHERE predicted AND is_true)
               FROM marked"""
        ).fetchall()[0]
        counts = con.execute(
            """SELECT s AS threshold, count(*) AS predicted,
                      count(*) FILTER (WHERE is_true) AS true_positive
               FROM marked WHERE s IS NOT NULL GROUP BY s"""
        ).df()
        best = best_f1(curve_from_counts(counts, n_truth))
        cut = best["threshold"] if best["true_positive"] else None
        kinds = con.execute(
            """SELECT t.kind, count(*), count(m.l), count(*) FILTER (WHERE m.predicted),
                      count(*) FILTER (WHERE m.s >= ?)
               FROM truth t LEFT JOIN marked m ON m.l = t.l AND m.r = t.r
               WHERE t.kind IS NOT NULL GROUP BY t.kind ORDER BY t.kind""",
            [cut],
        ).fetchall()
        tags = con.execute(
            """WITH t AS (SELECT l, r, unnest(string_split(noise, '|')) AS tag FROM truth
                          WHERE noise IS NOT NULL)
               SELECT t.tag, count(*), count(m.l), count(*) FILTER (WHERE m.predicted),
                      count(*) FILTER (WHERE m.s >= ?)
               FROM t LEFT JOIN marked m ON m.l = t.l AND m.r = t.r
               WHERE t.tag <> '' GROUP BY t.tag ORDER BY t.tag""",
            [cut],
        ).fetchall()
    finally:
        con.close()
    precision, recall = _ratio(tp, pred), _ratio(tp, n_truth)
    found = cut is not None  # a best threshold that finds nothing is reported as none
    b_f1 = best["f1"] if found else 0.0
    b_prec = (best["precision"] or 0.0) if found else 0.0
    b_rec = (best["recall"] or 0.0) if found else 0.0
    return LinkScores(
        candidate_pairs=int(cands),
        truth_pairs=n_truth,
        candidate_true=int(cand_true),
        predicted=int(pred),
        true_positive=int(tp),
        precision=precision,
        recall=recall,
        f1=_ratio(2 * precision * recall, precision + recall),
        best_f1=float(b_f1),
        best_threshold=cut,
        best_precision=b_prec,
        best_recall=b_rec,
        by_kind={str(k): (int(n), int(c), int(p), int(b)) for k, n, c, p, b in kinds},
        by_noise={str(k): (int(n), int(c), int(p), int(b)) for k, n, c, p, b in tags},
    )
