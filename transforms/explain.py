"""The waterfall behind one match: each field's level, what it means, and its weight."""

from __future__ import annotations

import json
import math
import textwrap
from pathlib import Path

import duckdb

from transforms.comparisons import all_comparisons
from transforms.config import SweepConfig

_TEXT_WIDTH = 58  # the words' column; the weights follow it


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
    row = rows.iloc[0]
    cfg = SweepConfig.from_dict(json.loads(cfg_json))
    model = json.loads(model_json)
    prior = model["prior_match_probability"]
    prior_w = math.log2(prior / (1 - prior))
    descriptions = {
        c.name: {lv.label: lv.description for lv in c.levels} for c in all_comparisons(cfg.match)
    }
    lines = [
        f"Staff {staff_id} against nominal {nominal_id}",
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
    lines += [
        "",
        f"match weight {row['match_weight']:+.2f} -> probability {row['match_probability']:.4f}",
        f"band: {row['band']} (auto from {cfg.match.auto_threshold:+.1f}, "
        f"review from {cfg.match.review_threshold:+.1f})",
    ]
    if row["band"] != "auto" and float(row["match_weight"]) >= cfg.match.auto_threshold:
        lines.append(
            f"not auto: without the rare-name bonus the weight is {row['auto_weight']:+.2f}; "
            "a rare name alone never confirms an identity"
        )
    return "\n".join(lines)
