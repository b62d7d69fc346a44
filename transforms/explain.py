"""The waterfall behind one match: each field's level, what it means, and its weight."""

from __future__ import annotations

import json
import math
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from transforms.comparisons import all_comparisons
from transforms.config import SweepConfig

_TEXT_WIDTH = 58  # the words' column; the weights follow it


def waterfall(
    row: Mapping[str, Any], model: Mapping[str, Any], cfg: SweepConfig, title: str
) -> str:
    """Plain words for one scored pair: ``row`` has each comparison's ``{c}_level`` and
    ``{c}_weight``, the name-frequency adjustments, the match weight, probability, band and
    the rules that found it; ``model`` is the trained model's JSON as a dict."""
    prior = model["prior_match_probability"]
    prior_w = math.log2(prior / (1 - prior))
    descriptions = {
        c.name: {lv.label: lv.description for lv in c.levels} for c in all_comparisons(cfg.match)
    }
    lines = [
        title,
        f"found by blocking rules: {', '.join(row['rules'])}",
        "",
        f"{'start: prior odds of a match':<{_TEXT_WIDTH}} {prior_w:+7.2f}",
    ]
    running = prior_w
    for c in model["comparisons"]:
        level, weight = row[f"{c}_level"], float(row[f"{c}_weight"])
        running += weight
        text = descriptions.get(c, {}).get(level, level)
        # a long description wraps onto indented lines under its figures, never cut off
        first, *rest = textwrap.wrap(f"{c}: {text}", _TEXT_WIDTH, subsequent_indent="  ")
        lines.append(f"{first:<{_TEXT_WIDTH}} {weight:+7.2f}   ({running:+.2f})")
        lines.extend(rest)
    for name in ("surname", "forename"):
        tf = float(row[f"{name}_tf_adjustment"])
        if tf:
            running += tf
            word = "rarer" if tf > 0 else "commoner"
            text = f"{name} is {word} than average"
            lines.append(f"{text:<{_TEXT_WIDTH}} {tf:+7.2f}   ({running:+.2f})")
    for column, text in (
        ("household_adjustment", "same home and surname, other forename: a household shares these"),
        ("twin_adjustment", "same home, family and birthday, other forename: twins share these"),
    ):
        bits = float(row.get(column, 0.0) or 0.0)  # 0 in older outputs
        if bits:
            running += bits
            first, *rest = textwrap.wrap(text, _TEXT_WIDTH, subsequent_indent="  ")
            lines.append(f"{first:<{_TEXT_WIDTH}} {bits:+7.2f}   ({running:+.2f})")
            lines.extend(rest)
    lines += [
        "",
        f"match weight {row['match_weight']:+.2f} -> probability {row['match_probability']:.4f}",
        f"band: {row['band']} (auto from {cfg.match.auto_threshold:+.1f}, "
        f"review from {cfg.match.review_threshold:+.1f})",
    ]
    if row["band"] != "auto" and float(row["match_weight"]) >= cfg.match.auto_threshold:
        held = [
            f"{c} {label}"
            for c, label in cfg.match.auto_excluded_levels
            if row.get(f"{c}_level") == label
        ]
        if held:
            lines.append(
                f"not auto: {', '.join(held)}; a person confirms such a match whatever its "
                "weight (twins differ only in forename)"
            )
        else:
            lines.append(
                f"not auto: without the rare-name bonus the weight is "
                f"{row['auto_weight']:+.2f}; a rare name alone never confirms an identity"
            )
    return "\n".join(lines)


def explain_pair(db_path: Path, staff_id: str, nominal_id: str) -> str:
    """Plain-words explanation of a scored pair from the published database."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = con.execute(
            "SELECT * FROM candidate_matches WHERE staff_id = ? AND nominal_id = ?",
            [staff_id, nominal_id],
        ).df()
        if rows.empty:
            return (
                f"{staff_id} and {nominal_id} were not compared: no blocking rule put them "
                "together (see blocking_report)."
            )
        cfg_json, model_json = con.execute(
            "SELECT config_json, model_json FROM runs ORDER BY started_at DESC LIMIT 1"
        ).fetchall()[0]
    cfg = SweepConfig.from_dict(json.loads(cfg_json))
    title = f"Staff {staff_id} against nominal {nominal_id}"
    return waterfall(rows.iloc[0], json.loads(model_json), cfg, title)


def explain_pairs_file(path: Path, left_id: str, right_id: str) -> str:
    """The same for a pair in a ``sweep link`` output, from the model and config recorded in
    the file's metadata. Raises ValueError if the file records none (written by an older
    Sweep, or by something else)."""
    try:
        meta = pq.read_schema(path).metadata or {}
    except (pa.ArrowException, OSError) as exc:
        raise ValueError(f"{path}: not a readable Parquet file ({type(exc).__name__})") from None
    if b"sweep.model" not in meta or b"sweep.config" not in meta:
        raise ValueError(
            f"{path}: no model recorded in the file (written before sweep link recorded "
            "one): link again to explain its pairs"
        )
    with duckdb.connect() as con:
        try:
            rows = con.execute(
                "SELECT * FROM read_parquet(?) WHERE left_id = ? AND right_id = ?",
                [str(path), left_id, right_id],
            ).df()
        except duckdb.Error:
            raise ValueError(
                f"{path}: not a sweep link pairs file (no left_id, right_id)"
            ) from None
        if rows.empty:
            seen_l, seen_r = con.execute(
                "SELECT bool_or(left_id = ?), bool_or(right_id = ?) FROM read_parquet(?)",
                [left_id, right_id, str(path)],
            ).fetchall()[0]
    if rows.empty:
        unknown = [
            f"{side} id {value!r} is in no pair of {path}"
            for side, value, seen in (("left", left_id, seen_l), ("right", right_id, seen_r))
            if not seen
        ]
        if unknown:  # a mistyped id, or the two ids the wrong way round
            raise ValueError(
                "; ".join(unknown) + ": check the id (left first, then right); an id in no "
                "pair was never a candidate of anyone"
            )
        return (
            f"{left_id} and {right_id} were not compared: no blocking rule put them together "
            "(sweep link --truth reports the rules)."
        )
    cfg = SweepConfig.from_dict(json.loads(meta[b"sweep.config"]))
    title = f"Left {left_id} against right {right_id}"
    return waterfall(rows.iloc[0], json.loads(meta[b"sweep.model"]), cfg, title)
