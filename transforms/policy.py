"""Policy what-if: who in the workforce would fail a conviction-and-caution rule set.

The 2023 debate in code. Each rule set is an ordered list of named rules, read top to bottom;
the first rule whose condition holds decides a declared-history record (fail or pass), and the
last rule of each set catches everything left, so every record gets exactly one rule. A staff
member fails if any of their records fails. Only ``declared_history`` and ``staff`` are read.

``app`` -- current national guidance (College of Policing vetting APP), as we read it:

1. ``custodial_or_suspended``: any custodial or suspended sentence is rejected.
2. ``sex_offender_registration``: any sex-offender registration is rejected.
3. ``traffic_caution``: a caution for a traffic offence passes. Our reading: the guidance
   presumes rejection for "other convictions and cautions", with discretion; we model that
   discretion only for traffic cautions.
4. ``presumption``: every other conviction or caution is presumed rejected, and we model a
   presumed rejection as a fail. The guidance singles out domestic abuse, hate crime and
   offences against vulnerable people; only domestic abuse is an offence category in our data
   (hate and vulnerability are not recorded), so the reason names domestic abuse when it
   applies and the rest fail by the same presumption.

``met2023`` -- the Metropolitan Police's 2023 proposal:

1. ``absolute_bar``: domestic abuse or sexual offending fails, whatever the disposal or age.
2. ``trivial_young``: passes only if the category is traffic, public order or criminal damage,
   AND the offence was committed before the 18th birthday, AND it was a caution or the sentence
   was a fine or a discharge.
3. ``not_trivial_young``: everything else fails; the reason says which condition was not met.

Data that cannot be read never makes a record pass: an unknown disposal is not a caution, an
unreadable or impossible date of birth or offence date (after ``today``, before birth, or a date
of birth giving an age under the minimum on ``today``) is "unknown", and an unknown age is not
"young". Results carry staff ids, never names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from transforms.config import ValidationConfig

RULE_SETS = ("app", "met2023")
CATEGORY_GROUPS = ("traffic", "dishonesty_violence", "sexual", "other")
_GROUP_OF = {
    "traffic": "traffic",
    "dishonesty": "dishonesty_violence",
    "violence": "dishonesty_violence",
    "sexual": "sexual",
}  # everything else (domestic_abuse, drugs, public_order, ...) is "other"
TRIVIAL_CATEGORIES = ("traffic", "public_order", "criminal_damage")
YOUNG_BEFORE_AGE = 18

CUSTODIAL = r"custod|prison|suspended|detention|\byoi\b|young offender|jail"
REGISTRATION = r"regist|\bsor\b|notification requirement"
FINE_OR_DISCHARGE = r"\bfine[ds]?\b|discharge"

FAILING_COLUMNS = [
    "staff_id",
    "person_type",
    "history_ids",
    "category",
    "offence_category",
    "rule",
    "reason",
]
RECORD_COLUMNS = [
    "history_id",
    "staff_id",
    "person_type",
    "disposal",
    "offence_category",
    "category",
    "outcome",
    "rule",
    "reason",
]

Condition = Callable[[pd.DataFrame], pd.Series]
Reason = Callable[[pd.DataFrame], pd.Series]


@dataclass(frozen=True)
class Rule:
    """One line of a rule set: when ``when`` holds, the record gets ``outcome`` and ``reason``."""

    name: str
    outcome: str  # "fail" | "pass"
    when: Condition
    reason: Reason


def _text(r: pd.DataFrame, template: str) -> pd.Series:
    return pd.Series(template, index=r.index, dtype="string")


def _offence_words(r: pd.DataFrame) -> pd.Series:
    words = r["offence_category"].replace("other", "other offence")
    return words.fillna("unknown category").str.replace("_", " ")


def _with_category(r: pd.DataFrame, template: str) -> pd.Series:
    """``template`` with {disposal} and {offence} filled in per record."""
    offence = _offence_words(r)
    disposal = r["disposal"].fillna("unknown disposal")
    return pd.Series(
        [
            template.format(disposal=d, offence=o)
            for d, o in zip(disposal.tolist(), offence.tolist(), strict=True)
        ],
        index=r.index,
        dtype="string",
    )


def _presumption_reason(r: pd.DataFrame) -> pd.Series:
    base = _with_category(r, "{disposal} for {offence}: presumption of rejection")
    named = r["offence_category"].eq("domestic_abuse").fillna(False)
    return base.where(~named, base + " (domestic abuse is named in the guidance)")


def _not_trivial_young_reason(r: pd.DataFrame) -> pd.Series:
    """Every condition of ``trivial_young`` the record does not meet."""
    parts: list[pd.Series] = [
        r["offence_category"]
        .isin(TRIVIAL_CATEGORIES)
        .map(
            {True: "", False: "not a trivial category"},
        )
        .where(r["offence_category"].notna(), "offence category unknown"),
        pd.Series(
            np.select(
                [
                    r["age_at_offence"].isna().to_numpy(bool),
                    (r["age_at_offence"] >= YOUNG_BEFORE_AGE).fillna(False).to_numpy(bool),
                ],
                ["age at offence unknown", f"committed at {YOUNG_BEFORE_AGE} or over"],
                "",
            ),
            index=r.index,
        ),
        pd.Series(
            np.select(
                [
                    (r["is_caution"] | r["fine_or_discharge"]).to_numpy(bool),
                    r["sentence"].isna().to_numpy(bool),
                ],
                ["", "sentence not recorded"],
                "sentence not a fine or discharge",
            ),
            index=r.index,
        ),
    ]
    joined = pd.concat(parts, axis=1).astype(str)
    text = joined.apply(lambda row: "; ".join(p for p in row if p), axis=1)
    offence = _offence_words(r)
    return (
        r["disposal"].fillna("unknown disposal").astype(str)
        + " for "
        + offence.astype(str)
        + ": "
        + text
    ).astype("string")


RULES: dict[str, tuple[Rule, ...]] = {
    "app": (
        Rule(
            "custodial_or_suspended",
            "fail",
            lambda r: r["custodial"],
            lambda r: _with_category(r, "custodial or suspended sentence for {offence}: rejected"),
        ),
        Rule(
            "sex_offender_registration",
            "fail",
            lambda r: r["registration"],
            lambda r: _with_category(r, "sex-offender registration ({offence}): rejected"),
        ),
        Rule(
            "traffic_caution",
            "pass",
            lambda r: r["is_caution"] & r["offence_category"].eq("traffic").fillna(False),
            lambda r: _text(r, "caution for traffic: passes (our reading)"),
        ),
        Rule("presumption", "fail", lambda r: _always(r), _presumption_reason),
    ),
    "met2023": (
        Rule(
            "absolute_bar",
            "fail",
            lambda r: r["offence_category"].isin(("domestic_abuse", "sexual")).fillna(False),
            lambda r: _with_category(r, "{disposal} for {offence}: absolute bar"),
        ),
        Rule(
            "trivial_young",
            "pass",
            lambda r: (
                r["offence_category"].isin(TRIVIAL_CATEGORIES).fillna(False)
                & (r["age_at_offence"] < YOUNG_BEFORE_AGE).fillna(False)
                & (r["is_caution"] | r["fine_or_discharge"])
            ),
            lambda r: _with_category(
                r, "{disposal} for {offence} before 18, caution or fine/discharge: passes"
            ),
        ),
        Rule("not_trivial_young", "fail", lambda r: _always(r), _not_trivial_young_reason),
    ),
}


def _always(r: pd.DataFrame) -> pd.Series:
    return pd.Series(True, index=r.index)


def category_group(offence_category: pd.Series) -> pd.Series:
    """traffic / dishonesty_violence / sexual / other (the buckets of the Met's 161 officers)."""
    return offence_category.map(_GROUP_OF).fillna("other").astype("string")


def _dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values.astype("string"), format="%Y-%m-%d", errors="coerce")


def _age_at(dob: pd.Series, when: pd.Series) -> pd.Series:
    """Whole years between two date series (birthday-aware); NA where either is missing."""
    years = when.dt.year - dob.dt.year
    before_birthday = (when.dt.month < dob.dt.month) | (
        (when.dt.month == dob.dt.month) & (when.dt.day < dob.dt.day)
    )
    age = years - before_birthday.astype("Int64")
    return age.astype("Int64").where(dob.notna() & when.notna())


def _prepare(declared_history: pd.DataFrame, staff: pd.DataFrame, today: date) -> pd.DataFrame:
    hist = declared_history.copy()
    for col in ("history_id", "staff_id", "disposal", "offence_category", "offence_date"):
        hist[col] = hist[col].astype("string").str.strip().replace("", pd.NA)
    hist["disposal"] = hist["disposal"].str.lower()
    hist["offence_category"] = hist["offence_category"].str.lower()
    hist["sentence"] = hist["sentence"].astype("string").str.strip().replace("", pd.NA)

    people = staff[["staff_id", "person_type", "date_of_birth"]].copy()
    for col in people.columns:
        people[col] = people[col].astype("string").str.strip().replace("", pd.NA)
    people = people.dropna(subset=["staff_id"]).drop_duplicates("staff_id", keep="first")
    r = hist.merge(people, on="staff_id", how="left", validate="many_to_one")

    now = pd.Timestamp(today)
    dob = _dates(r["date_of_birth"])
    min_age = ValidationConfig().min_age_years
    dob = dob.where(dob <= now - pd.DateOffset(years=min_age))
    offence = _dates(r["offence_date"])
    offence = offence.where((offence <= now) & ~(offence < dob).fillna(False))
    r["age_at_offence"] = _age_at(dob, offence)

    sentence = r["sentence"].fillna("")
    r["is_caution"] = r["disposal"].eq("caution").fillna(False).astype(bool)
    r["custodial"] = sentence.str.contains(CUSTODIAL, case=False, regex=True).astype(bool)
    r["registration"] = sentence.str.contains(REGISTRATION, case=False, regex=True).astype(bool)
    r["fine_or_discharge"] = sentence.str.contains(FINE_OR_DISCHARGE, case=False, regex=True)
    r["fine_or_discharge"] = r["fine_or_discharge"].astype(bool)
    r["category"] = category_group(r["offence_category"])
    return r.reset_index(drop=True)


def evaluate_records(
    declared_history: pd.DataFrame, staff: pd.DataFrame, rules: str, today: date
) -> pd.DataFrame:
    """One row per declared-history record: the rule that decided it, pass or fail, and why."""
    if rules not in RULES:
        raise ValueError(f"unknown rule set {rules!r} (allowed: {', '.join(RULE_SETS)})")
    r = _prepare(declared_history, staff, today)
    decided = pd.Series(False, index=r.index)
    r["outcome"] = pd.Series(pd.NA, index=r.index, dtype="string")
    r["rule"] = pd.Series(pd.NA, index=r.index, dtype="string")
    r["reason"] = pd.Series(pd.NA, index=r.index, dtype="string")
    r["_rule_order"] = -1
    for order, rule in enumerate(RULES[rules]):
        hit = rule.when(r).fillna(False).astype(bool) & ~decided
        if not hit.any():
            continue
        sub = r[hit]
        r.loc[hit, "outcome"] = rule.outcome
        r.loc[hit, "rule"] = rule.name
        r.loc[hit, "reason"] = rule.reason(sub).astype("string")
        r.loc[hit, "_rule_order"] = order
        decided |= hit
    assert bool(decided.all()), "every rule set must end with a rule that catches everything"
    return r[[*RECORD_COLUMNS, "offence_date", "_rule_order"]]


def evaluate_policy(
    declared_history: pd.DataFrame, staff: pd.DataFrame, rules: str, today: date
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Staff who would fail ``rules``, and counts by category.

    Failing: one row per staff member, [staff_id, person_type, history_ids, category,
    offence_category, rule, reason]. ``history_ids`` lists every failing record
    (``|``-separated); the other columns describe the deciding one: the earliest rule in the
    set, then the gravest category (sexual, dishonesty_violence, other, traffic), then the
    latest offence. Counts: one row per category in :data:`CATEGORY_GROUPS`, ``staff`` (failing
    staff by their deciding record; sums to the failing list) and ``records`` (failing records
    by their own category).
    """
    rec = evaluate_records(declared_history, staff, rules, today)
    fails = rec[rec["outcome"] == "fail"].copy()
    gravity = {"sexual": 0, "dishonesty_violence": 1, "other": 2, "traffic": 3}
    fails["_gravity"] = fails["category"].map(gravity).fillna(2).astype(int)
    fails["_when"] = _dates(fails["offence_date"])
    fails = fails.sort_values(
        ["staff_id", "_rule_order", "_gravity", "_when", "history_id"],
        ascending=[True, True, True, False, True],
        na_position="last",
        kind="stable",
    )
    ids = fails.groupby("staff_id", sort=True)["history_id"].agg(
        lambda s: "|".join(sorted(s.dropna().astype(str)))
    )
    n = fails.groupby("staff_id", sort=True).size()
    first = fails.groupby("staff_id", sort=True).head(1).set_index("staff_id")
    failing = first.assign(history_ids=ids)
    more = (n - 1).reindex(failing.index)
    failing["reason"] = failing["reason"].where(
        more == 0, failing["reason"] + " (and " + more.astype(str) + " more failing record(s))"
    )
    failing = failing.reset_index()[FAILING_COLUMNS].astype("string").reset_index(drop=True)

    counts = pd.DataFrame(
        {
            "category": list(CATEGORY_GROUPS),
            "staff": [int((failing["category"] == g).sum()) for g in CATEGORY_GROUPS],
            "records": [int((fails["category"] == g).sum()) for g in CATEGORY_GROUPS],
        }
    )
    assert int(counts["staff"].sum()) == len(failing)
    return failing, counts
