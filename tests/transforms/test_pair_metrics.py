"""pair_metrics: curves and point figures checked against answers worked out by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from transforms.pair_metrics import (
    best_f1,
    curve_from_counts,
    metrics_at,
    metrics_from_curve,
    pr_curve,
    threshold_for,
)


@pytest.fixture
def scored() -> pd.DataFrame:
    # Two pairs tie at 8.0; one truth pair (F, 6) is never scored.
    return pd.DataFrame(
        {
            "left_id": ["A", "B", "C", "D", "E"],
            "right_id": ["1", "2", "3", "4", "5"],
            "match_weight": [10.0, 8.0, 8.0, 5.0, 2.0],
        }
    )


@pytest.fixture
def truth() -> pd.DataFrame:
    return pd.DataFrame({"left_id": ["A", "C", "E", "F"], "right_id": ["1", "3", "5", "6"]})


def test_curve_by_hand(scored: pd.DataFrame, truth: pd.DataFrame) -> None:
    curve = pr_curve(scored, truth)
    assert curve["threshold"].tolist() == [10.0, 8.0, 5.0, 2.0]
    assert curve["predicted"].tolist() == [1, 3, 4, 5]
    assert curve["true_positive"].tolist() == [1, 2, 2, 3]
    assert curve["precision"].tolist() == pytest.approx([1.0, 2 / 3, 0.5, 0.6])
    # the never-scored truth pair keeps recall below 1 even at the lowest threshold
    assert curve["recall"].tolist() == pytest.approx([0.25, 0.5, 0.5, 0.75])
    assert curve["f1"].tolist() == pytest.approx([0.4, 4 / 7, 0.5, 2 / 3])


def test_best_f1_and_thresholds(scored: pd.DataFrame, truth: pd.DataFrame) -> None:
    curve = pr_curve(scored, truth)
    best = best_f1(curve)
    assert best["threshold"] == 2.0
    assert best["f1"] == pytest.approx(2 / 3)
    assert best["true_positive"] == 3
    # precision is not monotonic: 0.6 is met at 10, 8 and again at 2 -> lowest is 2
    assert threshold_for(curve, min_precision=0.6) == 2.0
    assert threshold_for(curve, min_precision=0.65) == 8.0
    assert threshold_for(curve, min_recall=0.5) == 8.0
    assert threshold_for(curve, min_recall=0.9) is None
    assert threshold_for(curve, min_precision=0.6, min_recall=0.6) == 2.0
    with pytest.raises(ValueError):
        threshold_for(curve)


def test_metrics_at(scored: pd.DataFrame, truth: pd.DataFrame) -> None:
    m = metrics_at(scored, truth, 8.0)
    assert m == {
        "threshold": 8.0,
        "truth": 4,
        "predicted": 3,
        "true_positive": 2,
        "precision": pytest.approx(2 / 3),
        "recall": 0.5,
        "f1": pytest.approx(4 / 7),
    }
    # between distinct weights: same as the next weight above
    assert metrics_at(scored, truth, 6.0)["predicted"] == 3


def test_empty_prediction(scored: pd.DataFrame, truth: pd.DataFrame) -> None:
    m = metrics_at(scored, truth, 11.0)
    assert m["predicted"] == 0 and m["true_positive"] == 0
    assert m["precision"] is None
    assert m["recall"] == 0.0 and m["f1"] == 0.0


def test_no_scored_pairs(truth: pd.DataFrame) -> None:
    empty = pd.DataFrame({"left_id": [], "right_id": [], "match_weight": []})
    curve = pr_curve(empty, truth)
    assert curve.empty
    assert list(curve.columns) == [
        "threshold",
        "predicted",
        "true_positive",
        "precision",
        "recall",
        "f1",
    ]
    assert best_f1(curve)["threshold"] is None
    assert threshold_for(curve, min_recall=0.1) is None


def test_empty_truth(scored: pd.DataFrame) -> None:
    truth = pd.DataFrame({"left_id": pd.Series([], dtype="string"), "right_id": []})
    curve = pr_curve(scored, truth)
    assert curve["true_positive"].tolist() == [0, 0, 0, 0]
    assert curve["recall"].isna().all()
    assert (curve["f1"] == 0).all()
    assert metrics_at(scored, truth, 0.0)["recall"] is None


def test_ids_compared_as_strings_and_duplicates_count_once() -> None:
    scored = pd.DataFrame(
        {
            "l": ["7", "7", "8"],
            "r": ["100", "100", "200"],
            "w": [1.0, 4.0, float("nan")],
        }
    )
    truth = pd.DataFrame({"l": [7, 7], "r": [100, 100]})  # integers, repeated
    curve = pr_curve(scored, truth, left="l", right="r", weight="w")
    # the duplicate pair counts once at its best weight; the NaN-weight pair is dropped
    assert curve["threshold"].tolist() == [4.0]
    assert curve["predicted"].tolist() == [1]
    assert curve["recall"].tolist() == [1.0]
    m = metrics_at(scored, truth, 2.0, left="l", right="r", weight="w")
    assert m["truth"] == 1 and m["true_positive"] == 1 and m["precision"] == 1.0


def test_all_ties_single_row() -> None:
    scored = pd.DataFrame(
        {"left_id": list("abcd"), "right_id": list("wxyz"), "match_weight": [3.0] * 4}
    )
    truth = pd.DataFrame({"left_id": ["a", "b"], "right_id": ["w", "q"]})
    curve = pr_curve(scored, truth)
    assert len(curve) == 1
    row = curve.iloc[0]
    assert row["predicted"] == 4 and row["true_positive"] == 1
    assert row["precision"] == 0.25 and row["recall"] == 0.5
    assert math.isclose(row["f1"], 2 * 0.25 * 0.5 / 0.75)


def test_curve_from_counts_matches_pr_curve(scored: pd.DataFrame, truth: pd.DataFrame) -> None:
    """Counts aggregated elsewhere (e.g. in DuckDB), in any order, give the same curve."""
    counts = pd.DataFrame(
        {
            "threshold": [2.0, 8.0, 10.0, 5.0],
            "predicted": [1, 2, 1, 1],
            "true_positive": [1, 1, 1, 0],
        }
    )
    direct = pr_curve(scored, truth)
    pd.testing.assert_frame_equal(curve_from_counts(counts, 4), direct)
    for thr in (11.0, 10.0, 6.0, 2.0, -1.0):
        assert metrics_from_curve(direct, thr, 4) == metrics_at(scored, truth, thr)
