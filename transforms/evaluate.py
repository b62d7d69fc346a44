"""Precision and recall of a finished run against the planted truth.

The truth file is written by the generator beside the extracts and never read by the
pipeline; only this module (and the tests) compare the published outputs with it.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

FLAG_KINDS = ("misconduct", "welfare", "association")
SELF_KINDS = ("self_criminal", "self_welfare", "self_duty_only", "self_known")


def _pairs(frame: pd.DataFrame) -> set[tuple[str, str]]:
    return set(zip(frame["staff_id"].astype(str), frame["nominal_id"].astype(str), strict=True))


def read_truth(path: Path) -> pd.DataFrame:
    path = Path(path)
    if path.is_dir():
        path = next(p for p in (path / "truth.csv", path / "truth.parquet") if p.exists())
    if path.suffix == ".parquet":
        return pd.read_parquet(path).astype("string")
    return pd.read_csv(path, dtype="string", keep_default_na=False)


def evaluate(db_path: Path, truth: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Metrics by flag kind, identity recall by noise, and the outcome of each planted case."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        flags = con.execute("SELECT staff_id, nominal_id, flag_kind FROM flags").df()
        matches = con.execute(
            "SELECT staff_id, nominal_id, band FROM candidate_matches WHERE band <> 'discard'"
        ).df()
        exclusions = con.execute("SELECT staff_id, nominal_id, reason FROM exclusions").df()

    rows = []
    for kind in FLAG_KINDS:
        t = _pairs(truth[truth["expected_flag"] == kind])
        p = _pairs(flags[flags["flag_kind"] == kind])
        tp = len(t & p)
        rows.append(
            {
                "measure": f"flag:{kind}",
                "truth": len(t),
                "predicted": len(p),
                "true_positive": tp,
                "recall": tp / len(t) if t else None,
                "precision": tp / len(p) if p else None,
            }
        )
    # Identity: did the matcher find the staff member's own nominal? Duty-only appearances
    # (often a name and no date of birth) are reported apart: they raise no flag either way.
    # A named associate's own nominal is in the truth's noise as "via:N...".
    via = truth[truth["noise"].fillna("").str.contains("via:")]
    via_pairs = {
        (s, tag[4:])
        for s, noise in zip(via["staff_id"], via["noise"], strict=True)
        for tag in noise.split("|")
        if tag.startswith("via:")
    }
    all_true = _pairs(truth[truth["kind"].isin(SELF_KINDS)]) | via_pairs
    for label, kinds, band in (
        ("identity:flaggable", ("self_criminal", "self_welfare", "self_known"), None),
        ("identity:duty_only", ("self_duty_only",), None),
        ("identity:auto_band", SELF_KINDS, "auto"),
    ):
        t = _pairs(truth[truth["kind"].isin(kinds)])
        found = matches if band is None else matches[matches["band"] == band]
        p = _pairs(found)
        tp = len(t & p)
        rows.append(
            {
                "measure": label,
                "truth": len(t),
                "predicted": len(p),
                "true_positive": tp,
                "recall": tp / len(t) if t else None,
                # precision over every matched pair, against all planted identities
                "precision": len(p & all_true) / len(p) if p else None,
            }
        )
    p_self = _pairs(matches)
    metrics = pd.DataFrame(rows)

    flagged = _pairs(flags)
    flag_kind = {(s, n): k for s, n, k in flags.itertuples(index=False)}
    excluded = _pairs(exclusions)
    matched = p_self
    cases = truth.copy()
    keys = list(zip(cases["staff_id"], cases["nominal_id"], strict=True))
    cases["matched"] = [k in matched for k in keys]
    cases["flagged_as"] = [flag_kind.get(k) for k in keys]
    cases["excluded"] = [k in excluded for k in keys]
    cases["correct"] = [
        _correct(exp, k in flagged, flag_kind.get(k), k in excluded)
        for exp, k in zip(cases["expected_flag"], keys, strict=True)
    ]
    by_kind = (
        cases.groupby("kind")
        .agg(cases=("case_id", "count"), correct=("correct", "sum"), matched=("matched", "sum"))
        .reset_index()
    )
    self_cases = cases[cases["kind"].isin(SELF_KINDS)].copy()
    self_cases["noise"] = self_cases["noise"].fillna("").replace("", "clean")
    noise = self_cases.assign(tag=self_cases["noise"].str.split("|")).explode("tag")
    noise = noise[~noise["tag"].str.startswith("via:")]
    by_noise = (
        noise.groupby("tag")
        .agg(cases=("case_id", "count"), identity_found=("matched", "sum"))
        .reset_index()
    )
    by_noise["identity_recall"] = by_noise["identity_found"] / by_noise["cases"]
    return {"metrics": metrics, "by_kind": by_kind, "by_noise": by_noise, "cases": cases}


def _correct(expected: str, flagged: bool, kind: str | None, excluded: bool) -> bool:
    if expected in FLAG_KINDS:
        return kind == expected
    if expected in ("excluded_known", "excluded_declared"):
        return not flagged and excluded
    # none / suppressed_common: nothing raised
    return not flagged
