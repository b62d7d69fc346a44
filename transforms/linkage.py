"""The linkage engine end to end over the ``{side}_src_*`` views: normalise, block, compare,
train (or reuse a saved model), score. Used by the nightly flow; knows nothing of our schema."""

from __future__ import annotations

import duckdb
import pandas as pd

from transforms.blocking import generate_candidates
from transforms.compare import compare_pairs
from transforms.comparisons import all_comparisons
from transforms.config import SweepConfig
from transforms.fellegi_sunter import Model, score, train
from transforms.normalise import normalise_all


def block(con: duckdb.DuckDBPyConnection, cfg: SweepConfig) -> pd.DataFrame:
    normalise_all(con)
    return generate_candidates(con, cfg.blocking)


def compare_and_score(
    con: duckdb.DuckDBPyConnection, cfg: SweepConfig, model: Model | None = None
) -> Model:
    """Compare candidates, train a model unless one is given, and score: ``scored_pairs``."""
    comparisons = all_comparisons(cfg.match)
    compare_pairs(con, "candidates", cfg.match, "comparisons")
    if model is None:
        model = train(con, comparisons, cfg.match)
    score(con, model, cfg.match)
    return model
