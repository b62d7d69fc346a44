import math

import duckdb
import numpy as np
import pandas as pd
import pytest

from transforms.comparisons import Comparison, Level
from transforms.config import MatchConfig
from transforms.fellegi_sunter import Model, estimate_m_em


def _cmp(name: str, n_levels: int) -> Comparison:
    return Comparison(name, name, tuple(Level(f"l{i}", "", "TRUE") for i in range(n_levels)))


COMPARISONS = (_cmp("a", 4), _cmp("b", 3), _cmp("c", 3))
TRUE_M = {"a": [1.0, 0.8, 0.15, 0.05], "b": [1.0, 0.9, 0.1], "c": [1.0, 0.7, 0.3]}
TRUE_U = {"a": [1.0, 0.01, 0.09, 0.9], "b": [1.0, 0.05, 0.95], "c": [1.0, 0.2, 0.8]}


def _sample(n: int, lam: float, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    is_match = rng.random(n) < lam
    cols = {}
    for c in COMPARISONS:
        k = len(c.levels)
        m = np.array(TRUE_M[c.name][1:])
        u = np.array(TRUE_U[c.name][1:])
        lv = np.where(
            is_match, rng.choice(np.arange(1, k), n, p=m), rng.choice(np.arange(1, k), n, p=u)
        )
        missing = rng.random(n) < 0.05  # level 0: no evidence either way
        cols[c.name] = np.where(missing, 0, lv)
    return pd.DataFrame(cols)


def test_em_recovers_m_and_match_rate_with_u_fixed():
    con = duckdb.connect()
    con.register("comparisons", _sample(60_000, lam=0.3))
    m, lam, info = estimate_m_em(con, COMPARISONS, TRUE_U, MatchConfig(), "comparisons")
    assert lam == pytest.approx(0.3, abs=0.01)
    for c in COMPARISONS:
        assert m[c.name][1:] == pytest.approx(TRUE_M[c.name][1:], abs=0.02)
    assert info["em_iterations"] < MatchConfig().em_max_iterations


def test_weights_missing_level_is_zero_and_model_round_trips(tmp_path):
    model = Model(
        comparisons=["a"],
        labels={"a": ["missing", "x", "y", "z"]},
        m=TRUE_M,
        u=TRUE_U,
        lambda_candidates=0.3,
        prior_match_probability=1e-4,
        trained_at="2026-11-25T00:00:00+00:00",
    )
    assert model.weight("a", 0) == 0.0
    assert model.weight("a", 1) == pytest.approx(math.log2(0.8 / 0.01))
    model.save(tmp_path / "m.json")
    again = Model.load(tmp_path / "m.json")
    assert again.m == model.m and again.u == model.u
    table = again.weights_table()
    assert list(table.columns) == ["comparison", "level", "label", "m", "u", "weight"]


def test_model_version_mismatch_is_refused(tmp_path):
    (tmp_path / "m.json").write_text('{"version": 999}')
    with pytest.raises(ValueError, match="model version 999"):
        Model.load(tmp_path / "m.json")
