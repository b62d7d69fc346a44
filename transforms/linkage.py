"""The linkage engine end to end over the ``{side}_src_*`` views: normalise, block, compare,
train (or reuse a saved model), score. Used by the nightly flow; knows nothing of our schema."""

from __future__ import annotations

import duckdb
import pandas as pd

from transforms.blocking import generate_candidates
from transforms.compare import compare_pairs
from transforms.comparisons import Comparison, all_comparisons
from transforms.config import SweepConfig
from transforms.fellegi_sunter import (
    Model,
    sample_training_pairs,
    score,
    train,
    training_pair_tables,
    training_sessions,
)
from transforms.normalise import SIDES, build_phones, normalise_all


def block(
    con: duckdb.DuckDBPyConnection, cfg: SweepConfig, right_phones: bool = True
) -> pd.DataFrame:
    """Normalise both sides and generate the candidates. ``right_phones=False``: the right
    side's phones are normalised only where they may share a number with the left side (for
    blocking), and :func:`compare_and_score` adds the other compared people's (when nothing
    but blocking and the comparison reads them)."""
    normalise_all(con, right_phones=right_phones, cfg=cfg.match)
    return generate_candidates(con, cfg.blocking)


def _right_phones_for(con: duckdb.DuckDBPyConnection, pairs: str) -> None:
    """``r_phone`` for the right-side people in ``pairs`` only (at 5M nominals, the candidates
    and training pairs hold a tenth of them). The numbers blocking normalised
    (``normalise.build_right_phones_near_left``) are kept for those people, not worked out
    again; only the others' are added."""
    compared = f"SELECT DISTINCT r_id AS id FROM {pairs}"
    con.execute(f"DELETE FROM r_phone WHERE id NOT IN ({compared})")
    people = f"{compared} WHERE r_id NOT IN (SELECT id FROM r_phone)"
    build_phones(con, "r", people_in=people, add=True)


def _drop_name_keys(con: duckdb.DuckDBPyConnection) -> None:
    """Blocking and training have read ``{side}_name_keys``; it is as large as the names."""
    for side in SIDES:
        con.execute(f"DROP TABLE IF EXISTS {side}_name_keys")


def check_model_levels(model: Model, comparisons: tuple[Comparison, ...]) -> None:
    """Raise ValueError unless ``model`` has a weight for every level of ``comparisons``, in
    their order: a level is known by its position, so a model trained on other levels would
    put weights on the wrong ones."""
    expected = {c.name: c.labels() for c in comparisons}
    differing = sorted(
        name
        for name in expected.keys() | model.labels.keys()
        if expected.get(name) != model.labels.get(name)
    )
    if differing:
        raise ValueError(
            "the model was trained with other comparison levels "
            f"({', '.join(differing)}): train a new one"
        )


def compare_and_score(
    con: duckdb.DuckDBPyConnection,
    cfg: SweepConfig,
    model: Model | None = None,
    right_phones: bool = True,
    labels: str | None = None,
) -> Model:
    """Compare candidates, train a model unless one is given, and score: ``scored_pairs``.

    When training, the candidates and every pair training reads are compared in one pass:
    the sets overlap, and each pass has a cost that grows with the right side, not the pairs.
    ``right_phones``: as given to :func:`block`; if False, ``r_phone`` is cut to the
    compared people and the phones of those blocking left out are normalised here.
    ``labels``: a table of true pairs (l_id, r_id) to take m from (``fellegi_sunter.train``);
    not with a given model.
    """
    if model is not None and labels is not None:
        raise ValueError("labels train a model: they cannot be used with a given one")
    comparisons = all_comparisons(cfg.match)
    if model is not None:
        check_model_levels(model, comparisons)
        _drop_name_keys(con)
        if not right_phones:
            _right_phones_for(con, "candidates")
        compare_pairs(con, "candidates", cfg.match, "comparisons")
    else:
        sessions = training_sessions(cfg.match)
        block_sizes = sample_training_pairs(con, cfg.match, sessions)
        _drop_name_keys(con)
        tables = training_pair_tables(len(sessions))
        compared = ["candidates", *tables, *([labels] if labels else [])]
        union = " UNION ".join(f"SELECT l_id, r_id FROM {t}" for t in compared)
        con.execute(f"CREATE OR REPLACE TEMP TABLE _compared_pairs AS {union}")
        if not right_phones:
            _right_phones_for(con, "_compared_pairs")
        compare_pairs(con, "_compared_pairs", cfg.match, "_compared_levels")
        con.execute("""
            CREATE OR REPLACE TABLE comparisons AS
            SELECT c.l_id, c.r_id, c.rules, v.* EXCLUDE (l_id, r_id)
            FROM candidates c JOIN _compared_levels v USING (l_id, r_id)
        """)
        model = train(
            con, comparisons, cfg.match, "_compared_levels", block_sizes, sessions, labels
        )
        for t in ["_compared_pairs", "_compared_levels", *tables]:
            con.execute(f"DROP TABLE IF EXISTS {t}")
    score(con, model, cfg.match)
    return model
