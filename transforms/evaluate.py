"""Precision and recall of a finished run against the planted truth.

The truth file is written by the generator beside the extracts and never read by the
pipeline; only this module (and the tests) compare the published outputs with it.

What it measures, from the published database and the truth alone:

- flags by kind (precision, recall, F1) and identity matching (did the matcher link a staff
  member to their own nominal, in the review or auto band);
- identity matching by kind of noise the generator planted on the staff member's own
  nominal (``NOISE_KINDS``). Recall is over the planted identities carrying that noise;
  precision is over every pair predicted (review or auto band) for the staff members whose
  planted identity carries that noise, so it says how many wrong nominals come with them;
- the review load: candidate pairs, pairs per band, and review lines per staff member
  screened (review-band pairs / staff screened by the run);
- the precision-recall curve over match weight for self matches, with and without the
  duty-only appearances, and the figures at the run's configured thresholds, drawn into an
  inline-SVG HTML page (``write_pr_report``);
- thresholds chosen from that curve for a precision and a recall target
  (``choose_thresholds``), written as a config fragment ``sweep run --config`` accepts.

Only counts and rates leave this module: no name, date of birth or address is printed.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from transforms.charts import line_chart
from transforms.config import MatchConfig, SweepConfig
from transforms.html_table import html_table
from transforms.pair_metrics import best_f1, metrics_at, pr_curve, threshold_for
from transforms.report import write_text_atomic

FLAG_KINDS = ("misconduct", "welfare", "association")
SELF_KINDS = ("self_criminal", "self_welfare", "self_duty_only", "self_known")
FLAGGABLE_SELF = ("self_criminal", "self_welfare", "self_known")

# The generator's noise tags (transforms/generate.py NOISE_TAGS) grouped into the kinds of
# noise a reader asks about. A case with two tags counts under both kinds.
NOISE_KINDS: dict[str, tuple[str, ...]] = {
    "name_typo": ("typo",),  # one keying error in the forename or surname
    "nickname": ("nickname",),  # recorded under a familiar form of the forename
    "previous_surname": ("previous_surname", "hyphenated"),  # maiden name, double-barrelled
    "name_order": ("swapped",),  # surname and forename recorded the wrong way round
    "alias": ("alias",),  # recorded under another name; the true one is an alias row
    "dob_swap": ("dob_swap",),  # day and month transposed
    "dob_typo": ("dob_digit",),  # one digit of the date of birth wrong
    "moved_house": ("moved",),  # the nominal's address is an older one of the staff member's
    "postcode_format": ("postcode_format",),  # same address, postcode written differently
    "missing_field": ("dob_missing",),  # no date of birth on the nominal
}
CLEAN = "clean"  # no noise tag at all
OTHER = "other"  # a tag this module does not know yet (a newer generator)
_TAG_KIND = {tag: kind for kind, tags in NOISE_KINDS.items() for tag in tags}

# Precision-recall curves over match weight: the planted identities counted as positives.
# Other planted true identities (a duty-only appearance for "flaggable", a named associate's
# own nominal for both) are left out of the scored pairs, neither right nor wrong.
CURVE_SCOPES: dict[str, tuple[str, ...]] = {
    "flaggable": FLAGGABLE_SELF,
    "all_self": SELF_KINDS,
}
CHART_POINTS = 120  # points per series on the HTML chart (the curve itself is not thinned)
_PAIR = ["staff_id", "nominal_id"]


@dataclass(frozen=True)
class RunInfo:
    """The evaluated run: its id, the thresholds it banded with, how many staff it screened."""

    run_id: str
    auto_threshold: float
    review_threshold: float
    staff_screened: int


@dataclass(frozen=True)
class ThresholdChoice:
    """Thresholds chosen from the curve of one scope, with the figures at each."""

    scope: str
    min_precision: float
    min_recall: float
    auto_threshold: float | None
    review_threshold: float | None
    review_clamped: bool  # the recall target was met above the auto threshold: no review band
    figures: pd.DataFrame  # scope, threshold_name, threshold, predicted, ..., f1
    load: pd.DataFrame  # measure, configured, chosen: pairs per band and lines per staff

    def config_fragment(self) -> dict[str, Any]:
        """The ``match`` thresholds as a config fragment; ValueError if one was not chosen."""
        if self.auto_threshold is None or self.review_threshold is None:
            raise ValueError("no config: a threshold could not be chosen")
        return {
            "match": {
                "auto_threshold": self.auto_threshold,
                "review_threshold": self.review_threshold,
            }
        }


def _pairs(frame: pd.DataFrame) -> set[tuple[str, str]]:
    return set(zip(frame["staff_id"].astype(str), frame["nominal_id"].astype(str), strict=True))


def _pair_frame(pairs: set[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(sorted(pairs), columns=_PAIR, dtype="string")


def read_truth(path: Path) -> pd.DataFrame:
    path = Path(path)
    if path.is_dir():
        path = next(p for p in (path / "truth.csv", path / "truth.parquet") if p.exists())
    if path.suffix == ".parquet":
        return pd.read_parquet(path).astype("string")
    return pd.read_csv(path, dtype="string", keep_default_na=False)


def _f1(precision: float | None, recall: float | None) -> float | None:
    if precision is None or recall is None:
        return None
    return 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def noise_kinds(noise: str) -> list[str]:
    """The kinds of noise in a truth ``noise`` value ("typo|moved" -> name_typo, moved_house);
    ``via:`` references are not noise; no tag at all is ``clean``."""
    tags = [t for t in (noise or "").split("|") if t and not t.startswith("via:")]
    kinds = sorted({_TAG_KIND.get(t, OTHER) for t in tags})
    return kinds or [CLEAN]


def _via_pairs(truth: pd.DataFrame) -> set[tuple[str, str]]:
    """A named associate case's staff member and their own nominal (noise ``via:N...``)."""
    via = truth[truth["noise"].fillna("").str.contains("via:")]
    return {
        (str(s), tag[4:])
        for s, noise in zip(via["staff_id"], via["noise"], strict=True)
        for tag in str(noise).split("|")
        if tag.startswith("via:")
    }


def run_info(con: duckdb.DuckDBPyConnection) -> RunInfo:
    """The latest run in the database: its thresholds (from its recorded config) and the
    number of staff it screened (``progress_history``)."""
    row = con.execute(
        "SELECT run_id, config_json FROM runs ORDER BY started_at DESC, run_id DESC LIMIT 1"
    ).fetchone()
    if row is None:
        raise ValueError("the database records no run")
    run_id, config_json = str(row[0]), row[1]
    # Read the two thresholds only: a run recorded under an older config schema still counts.
    match = json.loads(config_json).get("match", {}) if config_json else {}
    defaults = MatchConfig()
    auto = float(match.get("auto_threshold", defaults.auto_threshold))
    review = float(match.get("review_threshold", defaults.review_threshold))
    screened = con.execute(
        "SELECT screened_this_run FROM progress_history WHERE run_id = ?", [run_id]
    ).fetchone()
    if screened is None:
        raise ValueError(f"no progress_history row for run {run_id}")
    return RunInfo(run_id, auto, review, int(screened[0]))


def _scope_pairs(
    scored: pd.DataFrame, truth: pd.DataFrame, kinds: tuple[str, ...], all_true: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The scored pairs of a curve scope (true identities outside the scope removed) and
    its positives."""
    positives = truth.loc[truth["kind"].isin(kinds), _PAIR].drop_duplicates()
    outside = all_true.merge(positives, on=_PAIR, how="left", indicator=True)
    outside = outside.loc[outside["_merge"] == "left_only", _PAIR]
    # Join only the few scored rows of those staff members (a join over every pair is slow).
    near = scored[scored["staff_id"].isin(outside["staff_id"])]
    hit = near.merge(outside, on=_PAIR, how="left", indicator=True)["_merge"] == "both"
    return scored.drop(index=near.index[hit.to_numpy()]), positives


def _at(
    scored: pd.DataFrame, positives: pd.DataFrame, threshold: float, weight: str = "match_weight"
) -> dict[str, Any]:
    """pair_metrics.metrics_at over only the pairs that can count (``weight`` >= threshold).
    The auto band is read off ``auto_weight``, the review band off ``match_weight``."""
    above = scored[scored[weight] >= threshold]
    return metrics_at(
        above, positives, threshold, left="staff_id", right="nominal_id", weight=weight
    )


def _band_weight(band: str) -> str:
    return "auto_weight" if band == "auto" else "match_weight"


def evaluate(db_path: Path, truth: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Metrics by flag kind, identity by noise kind, review load, and the PR curves.

    Keys: ``metrics`` (flag and identity P/R/F1), ``by_kind`` (planted cases handled
    correctly, raised under any flag kind, matched), ``by_noise`` (identity P/R/F1 per scope
    and kind of noise), ``load`` (pairs per band, lines per staff screened), ``thresholds``
    (P/R/F1 at the run's thresholds and at the best F1, per scope), ``curves`` (the PR curve
    per scope), ``run`` (one row: run id, thresholds, staff screened), ``scored`` (every
    candidate pair's match weight and band) and ``cases`` (each planted case's outcome).
    """
    with duckdb.connect(str(db_path), read_only=True) as con:
        flags = con.execute("SELECT staff_id, nominal_id, flag_kind FROM flags").df()
        # One row per pair at its highest weight (a pair is scored once today; be safe).
        scored = con.execute(
            "SELECT c.staff_id, c.nominal_id, max(c.match_weight) AS match_weight, "
            "arg_max(c.auto_weight, c.match_weight) AS auto_weight, "
            "arg_max(c.band, c.match_weight) AS band FROM candidate_matches c GROUP BY ALL"
        ).df()
        exclusions = con.execute("SELECT staff_id, nominal_id, reason FROM exclusions").df()
        info = run_info(con)
        n_flags, n_flags_review = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE identity_band = 'review') FROM flags"
        ).fetchall()[0]
    scored = scored.astype({"staff_id": "string", "nominal_id": "string", "band": "string"})
    matches = scored[scored["band"] != "discard"]

    rows = []
    for kind in FLAG_KINDS:
        t = _pairs(truth[truth["expected_flag"] == kind])
        p = _pairs(flags[flags["flag_kind"] == kind])
        tp = len(t & p)
        precision, recall = _ratio(tp, len(p)), _ratio(tp, len(t))
        rows.append(
            {
                "measure": f"flag:{kind}",
                "truth": len(t),
                "predicted": len(p),
                "true_positive": tp,
                "recall": recall,
                "precision": precision,
                "f1": _f1(precision, recall),
            }
        )
    # Identity: did the matcher find the staff member's own nominal? Duty-only appearances
    # (often a name and no date of birth) are reported apart: they raise no flag either way.
    # A named associate's own nominal is in the truth's noise as "via:N...".
    via_pairs = _via_pairs(truth)
    all_true = _pairs(truth[truth["kind"].isin(SELF_KINDS)]) | via_pairs
    for label, true_pairs, band in (
        ("identity:flaggable", _pairs(truth[truth["kind"].isin(FLAGGABLE_SELF)]), None),
        ("identity:duty_only", _pairs(truth[truth["kind"] == "self_duty_only"]), None),
        ("identity:named_associate", via_pairs, None),
        ("identity:auto_band", _pairs(truth[truth["kind"].isin(SELF_KINDS)]), "auto"),
    ):
        found = matches if band is None else matches[matches["band"] == band]
        p = _pairs(found)
        tp = len(true_pairs & p)
        # precision over every matched pair (of the band), against all planted identities
        precision, recall = _ratio(len(p & all_true), len(p)), _ratio(tp, len(true_pairs))
        rows.append(
            {
                "measure": label,
                "truth": len(true_pairs),
                "predicted": len(p),
                "true_positive": tp,
                "recall": recall,
                "precision": precision,
                "f1": _f1(precision, recall),
            }
        )
    metrics = pd.DataFrame(rows)

    matched = _pairs(matches)
    auto = _pairs(matches[matches["band"] == "auto"])
    flagged = _pairs(flags)
    flag_kind = {(s, n): k for s, n, k in flags.itertuples(index=False)}
    excluded = _pairs(exclusions)
    cases = truth.copy()
    keys = list(zip(cases["staff_id"], cases["nominal_id"], strict=True))
    cases["matched"] = [k in matched for k in keys]
    cases["auto"] = [k in auto for k in keys]
    cases["flagged_as"] = [flag_kind.get(k) for k in keys]
    # raised to DPS under any kind: the officer's own record raised as an association (a
    # namesake at home) is in front of a person, though not as the kind planted
    cases["raised"] = [k in flagged for k in keys]
    cases["excluded"] = [k in excluded for k in keys]
    cases["correct"] = [
        _correct(exp, k in flagged, flag_kind.get(k), k in excluded)
        for exp, k in zip(cases["expected_flag"], keys, strict=True)
    ]
    by_kind = (
        cases.groupby("kind")
        .agg(
            cases=("case_id", "count"),
            correct=("correct", "sum"),
            raised=("raised", "sum"),
            matched=("matched", "sum"),
        )
        .reset_index()
    )
    all_true_frame = _pair_frame(all_true)
    by_noise = _by_noise(cases, matches, all_true_frame)
    load = _load(scored, info, int(n_flags), int(n_flags_review), all_true)

    curves, threshold_rows = [], []
    for scope, kinds in CURVE_SCOPES.items():
        in_scope, positives = _scope_pairs(scored, truth, kinds, all_true_frame)
        curve = pr_curve(
            in_scope, positives, left="staff_id", right="nominal_id", weight="match_weight"
        )
        curves.append(curve.assign(scope=scope))
        for name, t in (("auto", info.auto_threshold), ("review", info.review_threshold)):
            threshold_rows.append(
                {
                    "scope": scope,
                    "threshold_name": name,
                    **_at(in_scope, positives, t, _band_weight(name)),
                }
            )
        threshold_rows.append(
            {"scope": scope, "threshold_name": "best_f1", "truth": len(positives), **best_f1(curve)}
        )
    thresholds = pd.DataFrame(threshold_rows)[
        ["scope", "threshold_name", "threshold", "truth", "predicted", "true_positive"]
        + ["precision", "recall", "f1"]
    ]
    run = pd.DataFrame(
        [
            {
                "run_id": info.run_id,
                "auto_threshold": info.auto_threshold,
                "review_threshold": info.review_threshold,
                "staff_screened": info.staff_screened,
            }
        ]
    )
    return {
        "metrics": metrics,
        "by_kind": by_kind,
        "by_noise": by_noise,
        "load": load,
        "thresholds": thresholds,
        "curves": pd.concat(curves, ignore_index=True),
        "run": run,
        "scored": scored,
        "cases": cases,
    }


def _by_noise(cases: pd.DataFrame, matches: pd.DataFrame, all_true: pd.DataFrame) -> pd.DataFrame:
    """Identity P/R/F1 per scope (flaggable self matches, duty-only) and kind of noise.

    Recall: planted identities with that noise found in the review or auto band (and in
    the auto band alone). Precision: of all pairs in those bands for the staff members
    whose planted identity carries that noise, the share that are planted identities.
    """
    ident = cases[cases["kind"].isin(SELF_KINDS)].copy()
    ident["scope"] = np.where(ident["kind"] == "self_duty_only", "duty_only", "flaggable")
    ident["noise_kind"] = [noise_kinds(n) for n in ident["noise"].fillna("")]
    ident = ident.explode("noise_kind")
    recall = (
        ident.groupby(["scope", "noise_kind"])
        .agg(cases=("case_id", "count"), found=("matched", "sum"), auto_found=("auto", "sum"))
        .reset_index()
    )
    staff = ident[["scope", "noise_kind", "staff_id"]].drop_duplicates()
    predicted = (
        matches[_PAIR]
        .merge(all_true.assign(is_true=True), on=_PAIR, how="left")
        .assign(is_true=lambda f: f["is_true"].fillna(False).astype(bool))
    )
    per_kind = (
        staff.merge(predicted, on="staff_id", how="inner")
        .groupby(["scope", "noise_kind"])
        .agg(predicted=("nominal_id", "count"), correct=("is_true", "sum"))
        .reset_index()
    )
    out = recall.merge(per_kind, on=["scope", "noise_kind"], how="left")
    out[["predicted", "correct"]] = out[["predicted", "correct"]].fillna(0).astype("int64")
    out["recall"] = out["found"] / out["cases"]
    out["auto_recall"] = out["auto_found"] / out["cases"]
    out["precision"] = (out["correct"] / out["predicted"].where(out["predicted"] > 0)).astype(
        "float64"
    )
    p, r = out["precision"], out["recall"]
    out["f1"] = (2 * p * r / (p + r)).where(p + r > 0, 0.0)
    order = {k: i for i, k in enumerate([*NOISE_KINDS, OTHER, CLEAN])}
    out = out.sort_values(
        ["scope", "noise_kind"], key=lambda s: s.map(order) if s.name == "noise_kind" else s
    )
    columns = ["scope", "noise_kind", "cases", "found", "recall", "auto_found", "auto_recall"]
    return out[[*columns, "predicted", "correct", "precision", "f1"]].reset_index(drop=True)


def _band_counts(scored: pd.DataFrame, auto: float, review: float) -> dict[str, int]:
    """Pairs per band at these thresholds, by the rule ``fellegi_sunter.score`` applies."""
    is_auto = scored["auto_weight"].to_numpy(dtype="float64") >= auto
    w = scored["match_weight"].to_numpy(dtype="float64")
    n_auto = int(is_auto.sum())
    n_review = int(((w >= review) & ~is_auto).sum())
    return {"auto": n_auto, "review": n_review, "discard": int(len(w)) - n_auto - n_review}


def _load(
    scored: pd.DataFrame,
    info: RunInfo,
    n_flags: int,
    n_flags_review: int,
    all_true: set[tuple[str, str]],
) -> pd.DataFrame:
    """Candidate pairs, pairs per band and lines per staff member screened, and how many of
    the review lines are not a planted identity (the lines that waste a reviewer's time);
    then what reaches a person: flags (lines handed to DPS) and those whose identity is in
    the review band. A review-band pair raises no flag when its records only show the
    officer on duty."""
    bands = scored["band"].value_counts()
    n = {b: int(bands.get(b, 0)) for b in ("auto", "review", "discard")}
    per = info.staff_screened
    review = scored[scored["band"] == "review"]
    n_false = len(review) - len(_pairs(review) & all_true)
    rows = [
        ("staff_screened", per),
        ("candidate_pairs", len(scored)),
        ("pairs_auto", n["auto"]),
        ("pairs_review", n["review"]),
        ("pairs_discard", n["discard"]),
        ("staff_with_review_lines", scored.loc[scored["band"] == "review", "staff_id"].nunique()),
        ("candidate_pairs_per_staff", _ratio(len(scored), per)),
        ("auto_lines_per_staff", _ratio(n["auto"], per)),
        ("review_lines_per_staff", _ratio(n["review"], per)),
        ("review_lines_not_planted", n_false),
        ("false_review_lines_per_staff", _ratio(n_false, per)),
        ("flags", n_flags),
        ("flags_per_staff", _ratio(n_flags, per)),
        ("flags_identity_review", n_flags_review),
    ]
    return pd.DataFrame(rows, columns=["measure", "value"]).astype({"value": "float64"})


def choose_thresholds(
    result: dict[str, pd.DataFrame],
    truth: pd.DataFrame,
    *,
    scope: str = "flaggable",
    min_precision: float = 0.99,
    min_recall: float = 0.995,
) -> ThresholdChoice:
    """Auto threshold: the lowest match weight whose auto band (pairs at or above it) has
    precision >= ``min_precision``. Review threshold: the highest weight keeping recall >=
    ``min_recall``. Both read off the ``scope`` curve; figures are given for every scope.

    If the recall target is met above the auto threshold the review threshold is lowered
    to the auto threshold (no review band) and ``review_clamped`` says so. The choice is
    in-sample: it fits the planted truth of this extract.
    """
    if scope not in CURVE_SCOPES:
        raise ValueError(f"unknown scope {scope!r}; one of {sorted(CURVE_SCOPES)}")
    curves = result["curves"]
    curve = curves[curves["scope"] == scope]
    scored = result["scored"]
    all_true = _pair_frame(_pairs(truth[truth["kind"].isin(SELF_KINDS)]) | _via_pairs(truth))
    # The auto band is read off auto_weight: its own curve.
    auto_curve = pr_curve(
        *_scope_pairs(scored, truth, CURVE_SCOPES[scope], all_true),
        left="staff_id",
        right="nominal_id",
        weight="auto_weight",
    )
    auto = threshold_for(auto_curve, min_precision=min_precision)
    review = threshold_for(curve, min_recall=min_recall)
    clamped = auto is not None and review is not None and review > auto
    if clamped:
        review = auto
    lowest = min((t for t in (auto, review) if t is not None), default=math.inf)
    near = scored[scored["match_weight"] >= lowest]  # only these pairs count at either
    rows = []
    for name, t in (("auto", auto), ("review", review)):
        if t is None:
            continue
        for sc, kinds in CURVE_SCOPES.items():
            in_scope, positives = _scope_pairs(near, truth, kinds, all_true)
            rows.append(
                {
                    "scope": sc,
                    "threshold_name": name,
                    **_at(in_scope, positives, t, _band_weight(name)),
                }
            )
    figures = pd.DataFrame(
        rows,
        columns=["scope", "threshold_name", "threshold", "truth", "predicted", "true_positive"]
        + ["precision", "recall", "f1"],
    )
    run = result["run"].iloc[0]
    staff = int(run["staff_screened"])
    configured = _band_counts(scored, float(run["auto_threshold"]), float(run["review_threshold"]))
    load_rows = []
    chosen = _band_counts(scored, auto, review) if auto is not None and review is not None else None
    for band in ("auto", "review"):
        c = chosen[band] if chosen else None
        load_rows.append((f"pairs_{band}", configured[band], c))
        load_rows.append(
            (
                f"{band}_lines_per_staff",
                _ratio(configured[band], staff),
                _ratio(c, staff) if c is not None else None,
            )
        )
    load = pd.DataFrame(load_rows, columns=["measure", "configured", "chosen"])
    return ThresholdChoice(scope, min_precision, min_recall, auto, review, clamped, figures, load)


def write_threshold_config(choice: ThresholdChoice, path: Path) -> Path:
    """Write the chosen thresholds as a config fragment (checked to load), atomically."""
    fragment = choice.config_fragment()
    SweepConfig.from_dict(fragment)  # what `sweep run --config` will do with it
    text = json.dumps(fragment, indent=2, sort_keys=True) + "\n"
    write_text_atomic(Path(path), text, private=True)
    return Path(path)


def _thin(curve: pd.DataFrame, points: int = CHART_POINTS) -> pd.DataFrame:
    """At most ``points`` rows of a curve, evenly spaced in weight: for each grid weight g,
    the figures for predicting every pair at or above g (the curve row just above g)."""
    if len(curve) <= points:
        return curve
    asc = curve.sort_values("threshold")
    weights = asc["threshold"].to_numpy()
    grid = np.linspace(weights[0], weights[-1], points)
    idx = np.unique(np.minimum(np.searchsorted(weights, grid, side="left"), len(asc) - 1))
    return asc.iloc[idx].sort_values("threshold", ascending=False)


def _fmt(v: Any, digits: int = 3) -> str:
    """A table cell: text as is, counts with separators, rates to ``digits`` decimals."""
    if isinstance(v, str):
        return v
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    if isinstance(v, (int, np.integer)):
        return f"{int(v):,}"
    return f"{float(v):.{digits}f}"


def _count_or_rate(v: Any) -> str:
    """A review-load figure: whole numbers as counts, ratios to 4 decimals."""
    return f"{int(v):,}" if float(v).is_integer() else f"{float(v):.4f}"


def pr_report_html(result: dict[str, pd.DataFrame]) -> str:
    """A self-contained HTML page: PR curves over match weight with the run's thresholds
    marked, the figures at those thresholds, and the review load. Aggregates only."""
    run = result["run"].iloc[0]
    auto, review = float(run["auto_threshold"]), float(run["review_threshold"])
    curves = result["curves"]
    by_weight: dict[str, list[tuple[float, float]]] = {}
    pr: dict[str, list[tuple[float, float]]] = {}
    for scope in CURVE_SCOPES:
        thin = _thin(curves[curves["scope"] == scope])
        by_weight[f"{scope} precision"] = list(
            zip(thin["threshold"], thin["precision"], strict=True)
        )
        by_weight[f"{scope} recall"] = list(zip(thin["threshold"], thin["recall"], strict=True))
        pr[scope] = list(zip(thin["recall"], thin["precision"], strict=True))
    by_weight[f"auto threshold {auto:g}"] = [(auto, 0.0), (auto, 1.0)]
    by_weight[f"review threshold {review:g}"] = [(review, 0.0), (review, 1.0)]
    at = result["thresholds"]
    for name, t in (("auto", auto), ("review", review)):
        for scope in CURVE_SCOPES:
            row = at[(at["scope"] == scope) & (at["threshold_name"] == name)].iloc[0]
            if row["precision"] is not None and not pd.isna(row["precision"]):
                pr[f"{scope} at {name} {t:g}"] = [(float(row["recall"]), float(row["precision"]))]
    chart_weight = line_chart(
        by_weight,
        title="Self matches: precision and recall of pairs at or above a match weight",
        x_label="match weight (bits)",
        y_label="precision / recall",
    )
    chart_pr = line_chart(
        pr,
        title="Self matches: precision against recall",
        x_label="recall",
        y_label="precision",
    )
    load = result["load"]
    generated = datetime.now(UTC).isoformat(timespec="seconds")
    scopes = "; ".join(f"{s}: {', '.join(k)}" for s, k in CURVE_SCOPES.items())
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Sweep run {escape(str(run["run_id"]))}: precision and recall of self matches</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:1em auto}}
table{{border-collapse:collapse;margin:.5em 0 1.5em}}td,th{{border:1px solid #ccc;padding:2px 8px}}
td{{text-align:right}}td:first-child,td:nth-child(2){{text-align:left}}</style></head><body>
<h1>Precision and recall of self matches, run {escape(str(run["run_id"]))}</h1>
<p>Against the planted truth (synthetic data). A point at weight w counts every candidate
pair scored at or above w. Positives per scope ({escape(scopes)}); planted true identities
outside a scope are left out of its pairs. Recall counts true pairs blocking never produced
as missed. Thresholds of this run: auto from {auto:g}, review from {review:g}. Written
{generated}.</p>
{chart_weight}
{chart_pr}
<h2>At this run's thresholds, and at the best F1</h2>
{html_table(at, fmt=_fmt)}
<h2>Review load</h2>
{html_table(load, fmt=_fmt, formatters={"value": _count_or_rate})}
</body></html>
"""


def write_pr_report(result: dict[str, pd.DataFrame], reports: Path) -> list[Path]:
    """Write ``<run_id>-pr.html`` and ``latest-pr.html`` into ``reports``, atomically."""
    html = pr_report_html(result)
    run_id = str(result["run"].iloc[0]["run_id"])
    paths = [Path(reports) / f"{run_id}-pr.html", Path(reports) / "latest-pr.html"]
    for p in paths:
        write_text_atomic(p, html, private=True)
    return paths


def _correct(expected: str, flagged: bool, kind: str | None, excluded: bool) -> bool:
    if expected in FLAG_KINDS:
        return kind == expected
    if expected in ("excluded_known", "excluded_declared"):
        return not flagged and excluded
    # none / suppressed_common: nothing raised
    return not flagged
