"""Precision, recall and F1 of scored candidate pairs against a set of true pairs.

Used by `sweep link --truth` and the linkage benchmarks. Everything is vectorised: the
scored pairs are marked true or false with one join, sorted by weight once, and counted with
a cumulative sum, so a curve over millions of pairs costs a sort. Recall's denominator is
every distinct truth pair, including those blocking never generated: a pair that was never
scored can never be found, and the figures must say so.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

CURVE_COLUMNS = ("threshold", "predicted", "true_positive", "precision", "recall", "f1")


def _ids(frame: pd.DataFrame, left: str, right: str) -> pd.DataFrame:
    """Both id columns as strings (ids read from CSV and Parquet compare equal), deduplicated."""
    out = pd.DataFrame(
        {
            left: frame[left].astype("string"),
            right: frame[right].astype("string"),
        }
    )
    return out.dropna().drop_duplicates()


def _labelled(
    scored: pd.DataFrame, truth: pd.DataFrame, left: str, right: str, weight: str
) -> tuple[pd.DataFrame, int]:
    """One row per distinct scored pair (its highest weight) with `is_true`; the truth count."""
    truth_ids = _ids(truth, left, right)
    pairs = pd.DataFrame(
        {
            left: scored[left].astype("string"),
            right: scored[right].astype("string"),
            weight: pd.to_numeric(scored[weight], errors="coerce").astype("float64"),
        }
    ).dropna()
    # A pair scored twice (e.g. from two extracts concatenated) counts once, at its best weight.
    pairs = pairs.groupby([left, right], sort=False, as_index=False)[weight].max()
    marked = pairs.merge(truth_ids.assign(is_true=True), on=[left, right], how="left")
    marked["is_true"] = marked["is_true"].fillna(False).astype(bool)
    return marked, len(truth_ids)


def _ratios(predicted: np.ndarray, tp: np.ndarray, n_truth: int) -> tuple[np.ndarray, ...]:
    """Precision, recall, F1 arrays; 0/0 precision or recall is NaN, F1 of nothing found is 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(predicted > 0, tp / np.maximum(predicted, 1), np.nan)
        recall = (
            tp / n_truth if n_truth > 0 else np.full(len(tp), np.nan, dtype="float64")
        ).astype("float64")
        denom = np.nan_to_num(precision) + np.nan_to_num(recall)
        f1 = np.where(denom > 0, 2 * np.nan_to_num(precision) * np.nan_to_num(recall) / denom, 0.0)
    return precision, recall, f1


def pr_curve(
    scored: pd.DataFrame,
    truth: pd.DataFrame,
    *,
    left: str = "left_id",
    right: str = "right_id",
    weight: str = "match_weight",
) -> pd.DataFrame:
    """One row per distinct threshold (descending): threshold, predicted, true_positive,
    precision, recall, f1. Recall's denominator is every truth pair (also those never
    generated as candidates). truth has columns named like `left` and `right`.

    A row's figures are for predicting every pair with weight >= its threshold, so tied
    weights enter together.
    """
    marked, n_truth = _labelled(scored, truth, left, right, weight)
    counts = (
        marked.groupby(weight, sort=False)["is_true"]
        .agg(["size", "sum"])
        .rename(columns={"size": "predicted", "sum": "true_positive"})
        .rename_axis("threshold")
        .reset_index()
    )
    return curve_from_counts(counts, n_truth)


def curve_from_counts(counts: pd.DataFrame, n_truth: int) -> pd.DataFrame:
    """The curve from per-weight counts (threshold, predicted, true_positive; any order, one
    row per distinct weight), e.g. aggregated in DuckDB so millions of pairs never reach
    pandas. ``n_truth`` is the number of distinct truth pairs."""
    if counts.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in CURVE_COLUMNS}).astype(
            {"predicted": "int64", "true_positive": "int64"}
        )
    per_weight = counts.sort_values("threshold", ascending=False, kind="stable")
    predicted = per_weight["predicted"].to_numpy().cumsum().astype("int64")
    tp = per_weight["true_positive"].to_numpy().cumsum().astype("int64")
    precision, recall, f1 = _ratios(predicted, tp, n_truth)
    return pd.DataFrame(
        {
            "threshold": per_weight["threshold"].to_numpy(dtype="float64"),
            "predicted": predicted,
            "true_positive": tp,
            "precision": precision,
            "recall": recall,
            "f1": f1,
        }
    )


def metrics_from_curve(curve: pd.DataFrame, threshold: float, n_truth: int) -> dict[str, Any]:
    """``metrics_at`` read off a curve: the figures of its lowest threshold >= ``threshold``."""
    above = curve[curve["threshold"] >= threshold]
    predicted = int(above["predicted"].iloc[-1]) if len(above) else 0
    tp = int(above["true_positive"].iloc[-1]) if len(above) else 0
    return _point(threshold, n_truth, predicted, tp)


def _point(threshold: float, n_truth: int, predicted: int, tp: int) -> dict[str, Any]:
    precision, recall, f1 = _ratios(np.array([predicted]), np.array([tp]), n_truth)
    return {
        "threshold": float(threshold),
        "truth": int(n_truth),
        "predicted": int(predicted),
        "true_positive": int(tp),
        "precision": _none_if_nan(precision[0]),
        "recall": _none_if_nan(recall[0]),
        "f1": float(f1[0]),
    }


def metrics_at(
    scored: pd.DataFrame,
    truth: pd.DataFrame,
    threshold: float,
    *,
    left: str = "left_id",
    right: str = "right_id",
    weight: str = "match_weight",
) -> dict[str, Any]:
    """Figures for predicting every pair with weight >= threshold.

    Keys: threshold, truth, predicted, true_positive, precision, recall, f1. precision is
    None when nothing is predicted, recall None when truth is empty.
    """
    marked, n_truth = _labelled(scored, truth, left, right, weight)
    chosen = marked[marked[weight] >= threshold]
    return _point(threshold, n_truth, len(chosen), int(chosen["is_true"].sum()))


def _none_if_nan(value: float) -> float | None:
    return None if value is None or math.isnan(float(value)) else float(value)


def best_f1(curve: pd.DataFrame) -> dict[str, Any]:
    """The curve row with the highest F1 (on a tie, the highest threshold: fewer to review).

    An empty curve gives threshold None and zero counts.
    """
    if curve.empty:
        return {
            "threshold": None,
            "predicted": 0,
            "true_positive": 0,
            "precision": None,
            "recall": None,
            "f1": 0.0,
        }
    # idxmax returns the first maximum; the curve is in descending threshold order.
    row = curve.loc[curve["f1"].idxmax()]
    return {
        "threshold": float(row["threshold"]),
        "predicted": int(row["predicted"]),
        "true_positive": int(row["true_positive"]),
        "precision": _none_if_nan(row["precision"]),
        "recall": _none_if_nan(row["recall"]),
        "f1": float(row["f1"]),
    }


def threshold_for(
    curve: pd.DataFrame,
    *,
    min_precision: float | None = None,
    min_recall: float | None = None,
) -> float | None:
    """The lowest threshold meeting min_precision / the highest meeting min_recall.

    With both, the lowest threshold meeting both (the most recall the precision floor
    allows). None when no threshold qualifies.
    """
    if min_precision is None and min_recall is None:
        raise ValueError("threshold_for needs min_precision or min_recall")
    ok = pd.Series(True, index=curve.index)
    if min_precision is not None:
        ok &= curve["precision"].fillna(-1.0) >= min_precision
    if min_recall is not None:
        ok &= curve["recall"].fillna(-1.0) >= min_recall
    qualifying = curve.loc[ok, "threshold"]
    if qualifying.empty:
        return None
    if min_precision is not None:
        return float(qualifying.min())
    return float(qualifying.max())
