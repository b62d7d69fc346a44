"""Fellegi-Sunter weights: u from random pairs, m by EM on training blocks, and scoring.

u (how often a level occurs between two *different* people) is estimated from a random sample
of left x right pairs, where true matches are negligible. m (how often it occurs between two
records of the *same* person) is estimated by expectation-maximisation with u held fixed, on
training blocks that are rich in true matches and that each condition on known fields (see
:func:`training_sessions`), so EM learns "same person" rather than "same address". Level 0 of
every comparison (missing) carries no weight. The trained model is a versioned JSON artefact.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from transforms.comparisons import FORENAME_EXACT, Comparison, all_comparisons, check_levels
from transforms.config import MatchConfig
from transforms.households import (
    household_adjustment_sql,
    household_pair_counts,
    household_surname_share,
    household_twin_share,
    twin_adjustment_sql,
)

MODEL_VERSION = 1
TF_MIN = 1e-6  # floor on a surname's term frequency


@dataclass
class Model:
    """m and u per comparison level, the candidate-set match rate, and where they came from."""

    comparisons: list[str]
    labels: dict[str, list[str]]
    m: dict[str, list[float]]
    u: dict[str, list[float]]
    lambda_candidates: float
    prior_match_probability: float
    trained_at: str
    training: dict[str, Any] = field(default_factory=dict)
    version: int = MODEL_VERSION
    # The share of different people at one dwelling who share a surname as family
    # (``households.py``); 0 in a model from before it was measured, which scores as then.
    household_family: float = 0.0
    # The share of family members at one dwelling born the same day as twins; 0 likewise.
    household_twins: float = 0.0

    def weight(self, comparison: str, level: int) -> float:
        if level == 0:
            return 0.0
        return math.log2(self.m[comparison][level] / self.u[comparison][level])

    def weights_table(self) -> pd.DataFrame:
        rows = []
        for c in self.comparisons:
            for i, label in enumerate(self.labels[c]):
                rows.append(
                    {
                        "comparison": c,
                        "level": i,
                        "label": label,
                        "m": self.m[c][i],
                        "u": self.u[c][i],
                        "weight": self.weight(c, i),
                    }
                )
        return pd.DataFrame(rows)

    def to_json(self) -> str:
        return json.dumps(self.__dict__, indent=2, sort_keys=True)

    def save(self, path: Path) -> None:
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(self.to_json(), encoding="utf-8")
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> Model:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        if raw.get("version") != MODEL_VERSION:
            raise ValueError(f"{path}: model version {raw.get('version')} is not {MODEL_VERSION}")
        return cls(**raw)


def sample_u_pairs(con: duckdb.DuckDBPyConnection, cfg: MatchConfig) -> None:
    """``_u_pairs``: ``cfg.u_sample_pairs`` random left x right pairs (seeded), distinct.
    Empty when either side is."""
    n_l = con.execute("SELECT count(*) FROM l_person").fetchall()[0][0]
    n_r = con.execute("SELECT count(*) FROM r_person").fetchall()[0][0]
    rng = np.random.default_rng(cfg.random_seed)
    k = cfg.u_sample_pairs if n_l and n_r else 0
    sample = pd.DataFrame(
        {"li": rng.integers(0, max(n_l, 1), k), "ri": rng.integers(0, max(n_r, 1), k)}
    )
    con.register("_u_idx", sample)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _u_pairs AS
        WITH l AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS i FROM l_person),
             r AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS i FROM r_person)
        SELECT DISTINCT l.id AS l_id, r.id AS r_id
        FROM _u_idx x JOIN l ON l.i = x.li JOIN r ON r.i = x.ri
    """)
    con.unregister("_u_idx")


def estimate_u(
    con: duckdb.DuckDBPyConnection, comparisons: tuple[Comparison, ...], levels: str
) -> dict[str, list[float]]:
    """u per level from the compared ``levels`` of the random pairs in ``_u_pairs``."""
    names = [c.name for c in comparisons]
    counts = con.execute(
        f"SELECT {', '.join(names)}, count(*) AS n FROM {levels} v "
        "SEMI JOIN _u_pairs p USING (l_id, r_id) GROUP BY ALL"
    ).df()
    u: dict[str, list[float]] = {}
    for c in comparisons:
        per = counts.groupby(c.name)["n"].sum()
        total = per.drop(index=0, errors="ignore").sum()
        # Add-one smoothing over the non-missing levels: rare levels never get u = 0, and
        # with no pairs at all (nobody to screen tonight) u is uniform.
        vals = [1.0]
        for i in range(1, len(c.levels)):
            vals.append((float(per.get(i, 0)) + 1.0) / (float(total) + len(c.levels) - 1))
        u[c.name] = vals
    return u


def _apply_fixed_m(c: Comparison, vals: list[float]) -> list[float]:
    """Normalise m over the non-missing levels, keeping any level's m the spec fixes."""
    fixed = {i: lv.fixed_m for i, lv in enumerate(c.levels) if i > 0 and lv.fixed_m is not None}
    free_total = sum(v for i, v in enumerate(vals) if i > 0 and i not in fixed)
    room = 1.0 - sum(fixed.values())
    return [1.0] + [
        fixed[i] if i in fixed else vals[i] * room / free_total for i in range(1, len(vals))
    ]


def _initial_m(c: Comparison) -> list[float]:
    """Starting point for EM: most mass on the best level, decreasing after it."""
    n = len(c.levels) - 1
    raw = [1.0] + [0.5**i for i in range(n)]
    return _apply_fixed_m(c, raw)


def estimate_m_em(
    con: duckdb.DuckDBPyConnection,
    comparisons: tuple[Comparison, ...],
    u: dict[str, list[float]],
    cfg: MatchConfig,
    table: str = "comparisons",
    where: str = "TRUE",
) -> tuple[dict[str, list[float]], float, dict[str, Any]]:
    """EM for m and the match rate of the pairs ``where`` selects, with u fixed, over level
    patterns. Only ``comparisons`` enter the likelihood; leave out those the selection
    conditions on (their agreement there says nothing about m)."""
    names = [c.name for c in comparisons]
    pat = con.execute(
        f"SELECT {', '.join(names)}, count(*) AS n FROM {table} WHERE {where} GROUP BY ALL"
    ).df()
    if pat.empty:  # an empty training block (e.g. nobody screened tonight) teaches nothing
        return (
            {c.name: _initial_m(c) for c in comparisons},
            0.0,
            {"em_iterations": 0, "patterns": 0},
        )
    counts = pat["n"].to_numpy(dtype=float)
    levels = {c.name: pat[c.name].to_numpy(dtype=int) for c in comparisons}
    m = {c.name: _initial_m(c) for c in comparisons}
    lam = 0.1
    log_u = np.zeros(len(pat))
    for c in comparisons:
        uu = np.array(u[c.name])
        lv = levels[c.name]
        log_u += np.where(lv == 0, 0.0, np.log(uu[lv]))
    it = 0
    delta = float("inf")
    for it in range(1, cfg.em_max_iterations + 1):  # noqa: B007 (reported after the loop)
        log_m = np.zeros(len(pat))
        for c in comparisons:
            mm = np.array(m[c.name])
            lv = levels[c.name]
            log_m += np.where(lv == 0, 0.0, np.log(mm[lv]))
        a = math.log(lam) + log_m
        b = math.log(1 - lam) + log_u
        w = 1.0 / (1.0 + np.exp(np.clip(b - a, -700, 700)))
        wc = w * counts
        new_lam = float(wc.sum() / counts.sum())
        delta = abs(new_lam - lam)
        lam = min(max(new_lam, 1e-9), 1 - 1e-9)
        for c in comparisons:
            lv = levels[c.name]
            present = lv != 0
            denom = wc[present].sum()
            k = len(c.levels) - 1
            pc = cfg.em_pseudo_count
            vals = [1.0]
            for i in range(1, len(c.levels)):
                mi = (wc[lv == i].sum() + pc / k) / (denom + pc)
                vals.append(max(float(mi), cfg.m_floor))
            new = _apply_fixed_m(c, vals)
            delta = max(delta, max(abs(x - y) for x, y in zip(new, m[c.name], strict=True)))
            m[c.name] = new
        if delta < cfg.em_tolerance:
            break
    info = {"em_iterations": it, "em_final_delta": delta, "patterns": len(pat)}
    return m, lam, info


def estimate_m_labels(
    con: duckdb.DuckDBPyConnection,
    comparisons: tuple[Comparison, ...],
    cfg: MatchConfig,
    levels: str,
    labels: str,
) -> tuple[dict[str, list[float]], dict[str, Any]]:
    """m per level counted over labelled true pairs: the compared ``levels`` of the pairs in
    ``labels`` (l_id, r_id), smoothed and floored as EM's M-step is. A level the spec fixes
    keeps its m unless a labelled pair shows it: then the labels say how often it happens.
    A comparison no labelled pair has a value for is left out of the result."""
    names = [c.name for c in comparisons]
    counts = con.execute(
        f"SELECT {', '.join(names)}, count(*) AS n FROM {levels} v "
        f"SEMI JOIN {labels} USING (l_id, r_id) GROUP BY ALL"
    ).df()
    m: dict[str, list[float]] = {}
    per_level: dict[str, dict[str, int]] = {}
    for c in comparisons:
        per = counts.groupby(c.name)["n"].sum() if not counts.empty else pd.Series(dtype=float)
        total = float(per.drop(index=0, errors="ignore").sum())
        per_level[c.name] = {lv.label: int(per.get(i, 0)) for i, lv in enumerate(c.levels)}
        if total == 0:
            continue
        k = len(c.levels) - 1
        pc = cfg.em_pseudo_count
        vals = [1.0] + [
            max((float(per.get(i, 0)) + pc / k) / (total + pc), cfg.m_floor)
            for i in range(1, len(c.levels))
        ]
        seen = replace(
            c,
            levels=tuple(
                replace(lv, fixed_m=None) if i and per.get(i, 0) > 0 else lv
                for i, lv in enumerate(c.levels)
            ),
        )
        m[c.name] = _apply_fixed_m(seen, vals)
    info = {"pairs": int(counts["n"].sum()) if not counts.empty else 0, "levels": per_level}
    return m, info


@dataclass(frozen=True)
class TrainingSession:
    """One EM session: a training block (an equality join of its own, not the candidate
    rules), the comparisons that block conditions on (and so cannot estimate), and,
    optionally, the only comparisons it may estimate. ``agrees_on`` and ``reach_sql`` turn
    the matches EM finds in the block into all matches (see :func:`_estimated_matches`)."""

    name: str
    block_sql: str  # SELECT l_id, r_id over the normalised tables
    conditions_on: tuple[str, ...]
    estimates: tuple[str, ...] | None = None
    # levels a true match must reach on each comparison to be in the block
    agrees_on: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # SQL: the share of left people with a match that the block can reach at all (None: all)
    reach_sql: str | None = None


# Training blocks, each dense in true matches and each conditioning on a known set of fields
# (Splink's recipe): the fields a block joins on cannot be estimated from it, the others can.
# - same date of birth and forename: teaches the surname levels (previous names, typos...);
# - same date of birth and surname: teaches the forename levels (nicknames, initials...);
# - same rare full name (shared by few nominals): teaches the date-of-birth levels.
# Phone is learned from all three; address from the two date-of-birth blocks; sex only from
# the one joined on surname (a forename all but fixes the recorded sex: in a block joined on
# it namesakes agree on sex 99% of the time where u says half, and EM took them for matches).
# Candidate pairs are never used: the candidate rules condition on names and dates together,
# so their non-matches agree far more often than random pairs and EM calls nearly all of
# them matches. Nor are postcode blocks:
# EM there learns "same address", not "same person". Common full names are left out of the
# third block: "John Smith" pairs are almost all different people, and EM would model them.
def training_sessions(cfg: MatchConfig) -> tuple[TrainingSession, ...]:
    # Right-side names carry their dates of birth, so the date and name join as one key and
    # never produce every same-birthday pair first.
    r_name_dob = "(SELECT id, fn, sn, dob FROM r_name_keys WHERE dob IS NOT NULL AND NOT part)"
    cap = cfg.training_name_key_cap
    # how many right people carry each full name the left side has (only those are counted)
    name_counts = (
        "SELECT r.sn, r.fn, count(DISTINCT r.id) AS n FROM r_names r "
        "SEMI JOIN l_person l ON l.sn = r.sn AND l.fn = r.fn "
        "WHERE r.sn IS NOT NULL AND r.fn IS NOT NULL GROUP BY ALL"
    )
    return (
        TrainingSession(
            "same_dob_forename",
            "SELECT DISTINCT l.id AS l_id, r.id AS r_id FROM l_person l "
            f"JOIN {r_name_dob} r ON r.dob = l.dob AND r.fn = l.fn",
            ("dob", "forename", "name_order"),
            # a forename all but fixes the recorded sex, so its agreement here is not u's
            estimates=("surname", "address", "phone"),
            agrees_on=(("dob", ("exact",)), ("forename", FORENAME_EXACT)),
        ),
        TrainingSession(
            "same_dob_surname",
            "SELECT DISTINCT l.id AS l_id, r.id AS r_id FROM l_person l "
            f"JOIN {r_name_dob} r ON r.dob = l.dob AND r.sn = l.sn",
            ("dob", "surname", "name_order"),
            agrees_on=(("dob", ("exact",)), ("surname", ("exact", "variant_exact"))),
        ),
        TrainingSession(
            "same_rare_full_name",
            f"WITH k AS ({name_counts} HAVING n <= {cap}) "
            "SELECT DISTINCT l.id AS l_id, r.id AS r_id FROM l_person l "
            "JOIN k ON k.sn = l.sn AND k.fn = l.fn JOIN r_names r ON r.sn = k.sn AND r.fn = k.fn",
            ("forename", "surname", "name_order"),
            # sex follows the forename, and namesakes cluster by place (a family name in a
            # town), so neither sex nor address agrees here at u's rate among non-matches
            estimates=("dob", "phone"),
            agrees_on=(("forename", FORENAME_EXACT), ("surname", ("exact", "variant_exact"))),
            # a left person whose full name is on the right is in the block if few share it
            reach_sql=f"WITH c AS ({name_counts}) "
            f"SELECT avg(CASE WHEN c.n <= {cap} THEN 1.0 ELSE 0.0 END) "
            "FROM l_person l JOIN c ON c.sn = l.sn AND c.fn = l.fn",
        ),
    )


def _session_table(i: int) -> str:
    return f"_train_pairs_{i}"


def sample_training_pairs(
    con: duckdb.DuckDBPyConnection,
    cfg: MatchConfig,
    sessions: tuple[TrainingSession, ...] | None = None,
) -> dict[str, int]:
    """Every pair training reads, before any is compared: ``_u_pairs`` and, per session,
    its block sampled down to ``cfg.training_max_pairs`` (``_train_pairs_<i>``). Returns
    each block's full size. The caller compares them all at once (:func:`training_pair_tables`),
    with the candidates: the sets overlap, and each comparison pass has a fixed cost."""
    sessions = sessions or training_sessions(cfg)
    sample_u_pairs(con, cfg)
    totals: dict[str, int] = {}
    for i, sess in enumerate(sessions):
        con.execute(f"CREATE OR REPLACE TEMP TABLE _train_all AS {sess.block_sql}")
        total = con.execute("SELECT count(*) FROM _train_all").fetchall()[0][0]
        # The pairs with the smallest seeded hashes: a uniform sample that depends only on
        # which pairs the block holds. A seeded reservoir sample depends on the order the
        # rows arrive in, which a parallel join does not fix: the model changed run to run.
        sample = (
            f"ORDER BY hash(l_id, r_id, {cfg.random_seed}), l_id, r_id "
            f"LIMIT {cfg.training_max_pairs}"
            if total > cfg.training_max_pairs
            else ""
        )
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {_session_table(i)} AS SELECT * FROM _train_all {sample}"
        )
        con.execute("DROP TABLE _train_all")
        totals[sess.name] = int(total)
    return totals


def training_pair_tables(sessions: int) -> list[str]:
    """The tables :func:`sample_training_pairs` writes, for ``sessions`` sessions."""
    return ["_u_pairs"] + [_session_table(i) for i in range(sessions)]


# The comparisons a household share needs: who (forename), which family (surname), where;
# and a twin share, when born.
_HOUSEHOLD_COMPARISONS = frozenset({"forename", "surname", "address"})
_TWIN_COMPARISONS = _HOUSEHOLD_COMPARISONS | {"dob"}


def _household(
    con: duckdb.DuckDBPyConnection,
    comparisons: tuple[Comparison, ...],
    u: dict[str, list[float]],
    cfg: MatchConfig,
) -> dict[str, Any]:
    """:func:`households.household_surname_share` where forenames, surnames and addresses are
    compared, else no household share (``family`` 0); with ``twins`` from
    :func:`households.household_twin_share` where dates of birth are compared too, else 0."""
    by_name = {c.name: c for c in comparisons}
    if not by_name.keys() >= _HOUSEHOLD_COMPARISONS:
        return {"family": 0.0, "twins": 0.0}
    counts = household_pair_counts(con, cfg)
    u_exact = u["surname"][by_name["surname"].labels().index("exact")]
    household = household_surname_share(counts, u_exact, cfg)
    household["twins"] = 0.0
    if by_name.keys() >= _TWIN_COMPARISONS:
        u_dob = u["dob"][by_name["dob"].labels().index("exact")]
        twin = household_twin_share(counts, u_dob, cfg)
        household |= {f"twin_{k}" if k != "twins" else k: v for k, v in twin.items()}
    return household


def _estimated_matches(
    con: duckdb.DuckDBPyConnection,
    comparisons: tuple[Comparison, ...],
    sessions: tuple[TrainingSession, ...],
    session_matches: dict[str, float],
    m: dict[str, list[float]],
) -> tuple[str | None, float]:
    """How many true matches there are in all: the matches EM finds in the first block that
    has any, scaled up by the share of true matches that block can hold (the m of the levels
    it needs, times the share of people it reaches). Returns the block's name and the count.

    The first block joins on date of birth; with no date of birth on a side it is empty and
    the rare-full-name block is used instead."""
    by_name = {c.name: c for c in comparisons}
    for sess in sessions:
        found = session_matches.get(sess.name, 0.0)
        if found <= 0 or not sess.agrees_on:
            continue
        share = 1.0
        for name, labels in sess.agrees_on:
            c = by_name[name]
            share *= sum(m[name][c.labels().index(label)] for label in labels)
        if sess.reach_sql is not None:
            share *= float(con.execute(sess.reach_sql).fetchall()[0][0] or 0.0)
        if share > 0:
            return sess.name, found / max(share, 1e-6)
    return None, 0.0


def train(
    con: duckdb.DuckDBPyConnection,
    comparisons: tuple[Comparison, ...],
    cfg: MatchConfig,
    levels: str,
    block_sizes: dict[str, int],
    sessions: tuple[TrainingSession, ...] | None = None,
    labels: str | None = None,
) -> Model:
    """Train u by random sampling and m by EM sessions, from ``levels``: the compared pairs
    of :func:`sample_training_pairs` (``block_sizes`` is what it returned). m of each
    comparison is the mean over the sessions that estimated it, or, given ``labels`` (a
    table of true pairs, compared in ``levels`` too), counted over those pairs
    (:func:`estimate_m_labels`). The prior comes from the first session that finds matches
    (:func:`_estimated_matches`), with the m in use."""
    sessions = sessions or training_sessions(cfg)
    u = estimate_u(con, comparisons, levels)
    estimates: dict[str, list[list[float]]] = {c.name: [] for c in comparisons}
    info: dict[str, Any] = {"sessions": {}}
    session_matches: dict[str, float] = {}
    for i, sess in enumerate(sessions):
        total = block_sizes[sess.name]
        free = tuple(
            c
            for c in comparisons
            if c.name not in sess.conditions_on
            and (sess.estimates is None or c.name in sess.estimates)
        )
        # An empty block (no date of birth on a side) returns EM's starting point, which is
        # averaged in like any estimate: on the sample without dates of birth that ranks
        # better (best F1 0.702) than leaving the block out (0.649).
        block = f"(SELECT v.* FROM {levels} v SEMI JOIN {_session_table(i)} USING (l_id, r_id))"
        m_s, lam_s, info_s = estimate_m_em(con, free, u, cfg, block)
        session_matches[sess.name] = lam_s * total
        info["sessions"][sess.name] = {**info_s, "block_pairs": total, "match_rate": lam_s}
        for c in free:
            estimates[c.name].append(m_s[c.name])
    m: dict[str, list[float]] = {}
    for c in comparisons:
        if not estimates[c.name]:
            free_levels = [lv for lv in c.levels[1:] if lv.fixed_m is None]
            if len(free_levels) != 1:
                raise ValueError(f"no training session estimates comparison {c.name!r}")
            m[c.name] = _apply_fixed_m(c, [1.0] * len(c.levels))  # wholly fixed by the spec
            continue
        m[c.name] = _apply_fixed_m(c, np.mean(np.array(estimates[c.name]), axis=0).tolist())
    info["m_from"] = "em"
    if labels is not None:
        m_labels, info["labels"] = estimate_m_labels(con, comparisons, cfg, levels, labels)
        info["m_em"] = {name: m[name] for name in m_labels}
        m.update(m_labels)
        info["m_from"] = "labels"
    prior_from, n_matches = _estimated_matches(con, comparisons, sessions, session_matches, m)
    n_cand = con.execute("SELECT count(*) FROM comparisons").fetchall()[0][0]
    n_l = con.execute("SELECT count(*) FROM l_person").fetchall()[0][0]
    n_r = con.execute("SELECT count(*) FROM r_person").fetchall()[0][0]
    prior = min(max(n_matches / max(n_l * n_r, 1), 1e-12), 0.5)
    household = _household(con, comparisons, u, cfg)
    info["household"] = household
    info.update(
        {
            "candidate_pairs": int(n_cand),
            "left": int(n_l),
            "right": int(n_r),
            "estimated_matches": n_matches,
            "match_count_from": prior_from,
        }
    )
    return Model(
        comparisons=[c.name for c in comparisons],
        labels={c.name: c.labels() for c in comparisons},
        m=m,
        u=u,
        lambda_candidates=n_matches / max(n_cand, 1),
        prior_match_probability=prior,
        trained_at=datetime.now(UTC).isoformat(timespec="seconds"),
        training=info,
        household_family=household["family"],
        household_twins=household["twins"],
    )


# Levels whose agreement is on one name string, adjusted for how common that string is: an
# exact surname, or an identical previous surname, alias or part; an exact first forename.
TF_LEVELS = {"surname": ("exact", "variant_exact"), "forename": FORENAME_EXACT}


def _tf_adjustment_sql(model: Model, cfg: MatchConfig, comparison: str, alias: str) -> str:
    """``{comparison}_tf_adjustment``: at a level of ``TF_LEVELS``, log2(the level's u / the
    agreed name's share of the right side), capped both ways; 0 at any other level. Agreeing
    on a rare name is stronger evidence than the level's average agreement, on a common one
    weaker (Splink's term-frequency adjustment)."""
    cap = cfg.tf_adjustment_max_bits
    share = f"greatest(coalesce({alias}.tf, {TF_MIN!r}), {TF_MIN!r})"
    whens = []
    labels = model.labels[comparison]
    spec = next(c for c in all_comparisons(cfg) if c.name == comparison)
    rank_as = {lv.label: lv.rank_as for lv in spec.levels}
    for label in TF_LEVELS[comparison]:
        if label not in labels:
            continue
        level = labels.index(label)
        # a level that ranks as another (an exact forename with middle names) is adjusted
        # for the name against that level's u: its own u counts the middle names too
        ref = rank_as.get(label) if rank_as.get(label) in labels else label
        u = model.u[comparison][labels.index(ref)]
        whens.append(
            f"WHEN t.{comparison} = {level} "
            f"THEN least(greatest(log2({u!r} / {share}), -{cap!r}), {cap!r})"
        )
    return f"CASE {' '.join(whens)} ELSE 0.0 END AS {comparison}_tf_adjustment"


def _auto_excess_sql(model: Model, cfg: MatchConfig) -> str:
    """SQL over a scored row's ``{comparison}_level`` labels: how far its levels that rank
    as another level weigh above that level ('' if none can)."""
    parts = []
    for spec in all_comparisons(cfg):
        if spec.name not in model.comparisons:
            continue
        labels = model.labels[spec.name]
        whens = []
        for lv in spec.levels:
            if lv.rank_as is None or lv.label not in labels or lv.rank_as not in labels:
                continue
            over = model.weight(spec.name, labels.index(lv.label)) - model.weight(
                spec.name, labels.index(lv.rank_as)
            )
            if over > 0:
                whens.append(f"WHEN '{lv.label}' THEN {over!r}")
        if whens:
            parts.append(f"(CASE {spec.name}_level {' '.join(whens)} ELSE 0.0 END)")
    return " - ".join(parts)


def score(
    con: duckdb.DuckDBPyConnection,
    model: Model,
    cfg: MatchConfig,
    table: str = "comparisons",
    out_table: str = "scored_pairs",
) -> None:
    """``out_table``: each pair with every comparison's level label and weight, the surname
    and forename term-frequency adjustments, the household adjustment (``households.py``),
    match weight, probability and review band.

    Band: ``auto`` when ``auto_weight`` (the match weight counting only the name-frequency
    adjustments that lower it, so never above it; NULL at a level of
    ``cfg.auto_excluded_levels``) reaches the auto threshold, ``review``
    when the match weight reaches the review threshold, else ``discard``."""
    weights = model.weights_table()
    con.register("_weights", weights)
    prior_w = math.log2(model.prior_match_probability / (1 - model.prior_match_probability))
    joins, cols, total = [], [], [f"{prior_w!r}"]
    for c in model.comparisons:
        a = f"w_{c}"
        joins.append(f"JOIN _weights {a} ON {a}.comparison = '{c}' AND {a}.level = t.{c}")
        cols.append(f"{a}.label AS {c}_level, {a}.weight AS {c}_weight")
        total.append(f"{a}.weight")
    tf_cols = [
        _tf_adjustment_sql(model, cfg, comparison, alias)
        for comparison, alias in (("surname", "tf_s"), ("forename", "tf_f"))
    ]
    household = _household_sql(model, cfg)
    twin = _twin_sql(model, cfg)
    households = "household_adjustment + twin_adjustment"
    w = f"base_weight + surname_tf_adjustment + forename_tf_adjustment + {households}"
    # A rare name counts toward review but never confirms an identity on its own: for the
    # auto band a name-frequency adjustment may take weight away, not add it.
    auto_w = (
        "base_weight + least(surname_tf_adjustment, 0) + least(forename_tf_adjustment, 0) "
        f"+ {households}"
    )
    # A level that ranks as another (``Level.rank_as``) counts toward auto no more than that
    # level: a namesake sharing forename, middle name, surname and date of birth is no more
    # confirmed than one sharing forename, surname and date of birth.
    over = _auto_excess_sql(model, cfg)
    if over:
        auto_w = f"{auto_w} - {over}"
    # A level that keeps a pair out of auto leaves it no auto weight (NULL): no threshold
    # makes it auto, here or when thresholds are chosen from the weights.
    spec = {c.name: c.labels() for c in all_comparisons(cfg)}
    for c, label in cfg.auto_excluded_levels:
        if label not in spec.get(c, ()):
            raise ValueError(
                f"match.auto_excluded_levels: {c!r} {label!r} is not a comparison level; "
                f"levels: {'; '.join(f'{n}: ' + ', '.join(ls) for n, ls in spec.items())}"
            )
    kept_out = [
        f"{c}_level = '{label}'" for c, label in cfg.auto_excluded_levels if c in model.comparisons
    ]
    if kept_out:
        auto_w = f"CASE WHEN {' OR '.join(kept_out)} THEN NULL ELSE {auto_w} END"
    con.execute(f"""
        CREATE OR REPLACE TABLE {out_table} AS
        WITH s AS (
            SELECT t.l_id, t.r_id, t.rules, {", ".join(cols)},
                   {", ".join(tf_cols)},
                   {" + ".join(total)} AS base_weight,
                   t.forename_similarity, t.surname_similarity
            FROM {table} t {" ".join(joins)}
            LEFT JOIN tf_sn tf_s ON tf_s.sn = t.matched_surname
            LEFT JOIN tf_fn tf_f ON tf_f.fn = t.matched_forename
        ),
        h AS (SELECT *, {household}, {twin} FROM s)
        SELECT *, {w} AS match_weight, {auto_w} AS auto_weight,
               pow(2, {w}) / (1 + pow(2, {w})) AS match_probability,
               CASE WHEN {auto_w} >= {cfg.auto_threshold!r} THEN 'auto'
                    WHEN {w} >= {cfg.review_threshold!r} THEN 'review'
                    ELSE 'discard' END AS band
        FROM h
    """)
    con.unregister("_weights")


def _household_sql(model: Model, cfg: MatchConfig) -> str:
    """``household_adjustment`` for :func:`score` (``households.py``): 0 unless the model
    measured a household share and compares forenames, surnames and addresses."""
    if not set(model.comparisons) >= _HOUSEHOLD_COMPARISONS:
        return "0.0::DOUBLE AS household_adjustment"
    check_levels("match.household_forename_levels", "forename", cfg.household_forename_levels, cfg)
    check_levels("match.household_address_levels", "address", cfg.household_address_levels, cfg)
    labels = model.labels["surname"]
    u = {lv: model.u["surname"][labels.index(lv)] for lv in TF_LEVELS["surname"] if lv in labels}
    return household_adjustment_sql(
        model.household_family, u, cfg, "coalesce(surname_tf_adjustment, 0.0)"
    )


def _twin_sql(model: Model, cfg: MatchConfig) -> str:
    """``twin_adjustment`` for :func:`score` (``households.py``): 0 unless the model measured
    a twin share and compares forenames, surnames, dates of birth and addresses."""
    if not set(model.comparisons) >= _TWIN_COMPARISONS:
        return "0.0::DOUBLE AS twin_adjustment"
    for name in ("forename", "surname"):
        option = f"household_twin_{name}_levels"
        check_levels(f"match.{option}", name, getattr(cfg, option), cfg)
    u_dob = model.u["dob"][model.labels["dob"].index("exact")]
    return twin_adjustment_sql(model.household_twins, u_dob, cfg)


def training_warning(model: Model) -> str | None:
    """A warning when training found no match in any block, or None. The match rate then
    falls to its floor (1e-12) and every pair scores low, however well it agrees: the
    usual cause is names mapped the wrong way round, or no name or date of birth shared."""
    if model.training.get("m_from") is None or model.training.get("match_count_from"):
        return None  # a model from before this was recorded, or one that found matches
    return (
        "warning: no training block found a match (they pair people born the same day with "
        "the same forename or surname, or sharing a rare full name), so the match rate "
        "could not be learned and every pair scores low; check that forenames and surname "
        "are mapped the right way round and that dates of birth are read, or reuse a --model"
    )
