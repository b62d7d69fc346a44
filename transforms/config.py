"""Typed configuration in one place, serialisable to JSON and recorded with every run."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ValidationConfig:
    """Row-level rules applied to every input table."""

    min_birth_year: int = 1900
    # staff younger than this on the run date are impossible (dob_min_age); a nominal's or an
    # associate's date of birth may be a child's and is only not after the run date
    min_age_years: int = 16
    earliest_date: str = "1900-01-01"
    # An event date (start, clearance, declaration, offence, record, date_from...) later than
    # the run date by more than this many days is quarantined (not_future). 0: the extract is
    # taken before the run and dated in the same calendar; raise it only for an extract dated
    # ahead of the run's clock (another time zone).
    max_days_after_run_date: int = 0
    # Values are stripped before checking, so " ?" suffices (and keeps the regex on pyarrow's RE2).
    postcode_regex: str = r"^[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}$"
    # An intelligence address may give only an area: a postcode, or its outward code alone
    # ("WR2"), which the matcher reads as a district (normalise.build_addresses). A staff
    # address, from HR, must have the whole postcode.
    area_postcode_regex: str = r"^[A-Za-z]{1,2}[0-9][A-Za-z0-9]?(?: ?[0-9][A-Za-z]{2})?$"
    # 7-15 digits, optional leading + and (, single spaces, dashes or brackets between digits.
    phone_regex: str = r"^\+?\(?[0-9](?:[ ()-]{0,2}[0-9]){6,14}$"
    # UK current, prefix, suffix and dateless (incl. Northern Ireland) series, optional space.
    # Upper case only: a value is checked in canonical form (validate.canonical_vrm, upper
    # case), and a case-insensitive [A-Z] also let in the Kelvin sign (U+212A), which folds
    # to k but stays itself in upper case: no K to the matcher (normalise.vrm_sql).
    vrm_regex: str = (
        r"^(?:[A-Z]{2}[0-9]{2} ?[A-Z]{3}"
        r"|[A-Z][0-9]{1,3} ?[A-Z]{3}"
        r"|[A-Z]{3} ?[0-9]{1,3}[A-Z]"
        r"|[0-9]{1,4} ?[A-Z]{1,3}"
        r"|[A-Z]{1,3} ?[0-9]{1,4})$"
    )
    # A date, optionally with a midnight time as SQL and Excel exports write one
    # ("2024-09-21 00:00:00", "2024-09-21T00:00:00.000"): the time is dropped before checking
    # (transforms.validate); any other time of day fails date_format.
    date_regex: str = r"^\d{4}-\d{2}-\d{2}(?:[ T]00:00(?::00(?:\.0{1,9})?)?)?$"
    id_regex: str = r"^[A-Za-z0-9_-]{1,40}$"
    # Values a database export writes for an empty one ("NULL"), read as missing in every
    # column but names and addresses (transforms.validate: a person may be called Null).
    null_tokens: tuple[str, ...] = ("NULL",)
    # A warrant or collar number: letters and digits, a single space or hyphen between them
    # ("4471", "PC 1234", "MPS-220"), at most 20 letters and digits. Excel's forms of a number
    # ("2.81E+05", "280720.0") fail: a bad one is blanked, the row kept (schema.py).
    collar_regex: str = r"^[A-Za-z0-9](?:[ -]?[A-Za-z0-9]){0,19}$"
    # A table with more than this share of its rows quarantined stops the run before matching
    # (a wrong export format, not a few bad rows: e.g. every date dd/mm/yyyy, ids written
    # 1.0): screening the remainder would report staff as checked against a gutted extract.
    max_quarantine_share: float = 0.5
    # A table with more than this share (but not more than max_quarantine_share) of its rows
    # quarantined runs on with a warning of its own in the run output and report: table,
    # rows quarantined of rows read, the share and the commonest field and rule. 0.05: one
    # row in twenty is no longer a few bad rows (the sample loses at most 0.2% of a table).
    warn_quarantine_share: float = 0.05
    # ... neither stops nor warns if it has fewer rows than this: a handful of rows is too few
    # to tell a broken export from a few bad rows (their quarantine lines still say what is
    # wrong).
    quarantine_share_min_rows: int = 20


@dataclass(frozen=True)
class BlockingConfig:
    """Candidate generation: the union of equality joins, and the cap on block sizes."""

    max_block_size: int = 2000  # a blocking key with more nominals than this is capped (logged)


@dataclass(frozen=True)
class MatchConfig:
    """Comparison and Fellegi-Sunter scoring of candidate pairs."""

    name_jw_high: float = 0.94
    name_jw_mid: float = 0.88
    # Two streets with the same house number are one when their words agree this well
    # (rapidfuzz token-set ratio / 100: word order, a word only one side has, and typing
    # slips aside; "CHURCH ROAD LEEDS" and "CHURCH ROAD YORK" score 0.81).
    street_similarity: float = 0.9
    # Term-frequency adjustment of an exact surname or first forename, in bits, is capped both
    # ways: a name seen once in a small extract is not, on its own, proof of identity.
    tf_adjustment_max_bits: float = 4.0
    u_sample_pairs: int = 200_000
    training_max_pairs: int = 400_000  # each EM training block is sampled down to this
    training_name_key_cap: int = 3  # full names on more nominals than this are not trained on
    name_swap_m: float = 0.02  # share of true matches recorded surname-first (fixed by spec)
    em_max_iterations: int = 50
    em_tolerance: float = 1e-6
    m_floor: float = 1e-5  # an m never seen among matches is rare, not impossible
    em_pseudo_count: float = 1.0  # spread over a comparison's levels in each M-step (smoothing)
    dob_generation_years: int = 12  # birth dates this far apart are a parent and child
    # Values that record "not known" rather than a name or a date of birth (as folded: upper
    # case, punctuation as spaces): treated as missing, so two unknowns never agree and an
    # unknown never disagrees with a real value.
    placeholder_names: tuple[str, ...] = (
        "UNKNOWN",
        "NOT KNOWN",
        "NK",
        "UNK",
        "N K",
        "N A",
        "NONE",
        "NULL",
        "REFUSED",
        "NO NAME",
        "TBC",
    )
    placeholder_dobs: tuple[str, ...] = ("1900-01-01",)
    # Fixed m of that level: only a gross recording error puts one person there. At 1e-5 (the
    # m floor) FEBRL 4, whose copies have dates of birth replaced outright, scores better,
    # but a parent and child with one rare name at one address then reach review on the
    # sample (a false welfare flag): 1e-6 keeps them out. Data like FEBRL may set 1e-5.
    dob_generation_m: float = 1e-6
    auto_threshold: float = 15.0  # match weight at and above: auto (name + dob alone stays below)
    # Levels that keep a pair out of auto whatever its weight, so a person confirms it: twins
    # share a surname, a date of birth and a home, and differ only in forename (on the
    # helper-made d2 set, 43 of the 49 false auto pairs).
    auto_excluded_levels: tuple[tuple[str, str], ...] = (("forename", "different"),)
    # At and above: review; below: discard. Chosen with `sweep evaluate --choose-thresholds`
    # on 50,000 x 1,000,000 (seed 11): the highest weight keeping recall of flaggable self
    # matches >= 0.995 was 5.59 (precision 1.000), rounded down to half a bit. The sample
    # (seed 7) raises the same flags at 5.5 as at 6.
    review_threshold: float = 5.5
    # Households (``households.py``): at a shared dwelling, a surname shared by two people
    # whose forenames are at one of these levels is taken as family as often as the
    # extract's own households share surnames. Measured on pairs sharing a dwelling whose
    # forename initials differ and whose dates of birth are more than this many days apart,
    # smoothed toward chance agreement with this many pseudo-pairs.
    household_forename_levels: tuple[str, ...] = (
        "fuzzy_mid",
        "phonetic",
        "short_form",
        "different",
    )
    household_dob_apart_days: int = 366
    # The address levels that put two people in one home for both adjustments: the same
    # dwelling, or the same house on the same street where a postcode is missing or mistyped.
    household_address_levels: tuple[str, ...] = ("same_dwelling", "same_house_street")
    # At a shared dwelling, a date of birth shared by two people whose forenames and surnames
    # are at one of these levels is taken as twins' as often as the extract's own families
    # (one dwelling, one surname, another sex) share a birthday. Not forenames that sound or
    # look alike: born the same day at one home, Sameera and Samira are one woman more often
    # than twins (on the helper-made u2 set, 4 true pairs of 5 at those levels).
    household_twin_forename_levels: tuple[str, ...] = ("different",)
    household_twin_surname_levels: tuple[str, ...] = (
        "exact",
        "variant_exact",
        "fuzzy_high",
        "transliteration",
        "one_edit",
        "phonetic",
    )
    household_prior_pairs: float = 500.0
    random_seed: int = 20231001


@dataclass(frozen=True)
class FlagConfig:
    """Routing and severity of flags, and noise suppression for associations."""

    # Offence categories, warning markers and business areas of the records behind a flag.
    severity_high: tuple[str, ...] = (
        "sexual",
        "domestic_abuse",
        "organised_crime",
        "corruption",
        "sexual_offences",
        "ocg",
        "child_protection",
    )
    severity_medium: tuple[str, ...] = ("violence", "weapons", "drugs", "dishonesty")
    severity_low: tuple[str, ...] = ("traffic", "public_order", "criminal_damage", "other")
    common_address_max_nominals: int = 8  # more nominals than this at one address: suppressed
    known_matter_window_days: int = 90  # a record this close to a declared matter is that matter
    # A re-vetting trigger (misconduct outcome, concluded criminal investigation, adverse
    # information) dated this many days before the run date, or later, opens a referral.
    revetting_lookback_days: int = 365
    evidence_weight: dict[str, float] = field(
        default_factory=lambda: {
            "phone": 3.0,
            "vehicle": 3.0,
            "named_associate": 3.0,
            "address": 2.0,
            "relative_at_address": 2.0,
            "namesake_at_address": 3.0,
        }
    )
    # A criminal nominal at a staff member's home who carries the staff member's own name, or
    # nearly (the pair compared at these forename and surname levels), and whose date of
    # birth does not say otherwise (these levels): possibly the staff member scored below
    # review (with no date of birth, 2-4 bits against a prior of -27.5 at 10M nominals), or
    # a relative of the same name. Raised as an association with evidence
    # ``namesake_at_address``, not ``relative_at_address``.
    namesake_forename_levels: tuple[str, ...] = (
        "exact_and_middle",
        "exact",
        "exact_other_middle",
        "further_forename",
        "nickname",
        "fuzzy_high",
        "transliteration",
        "one_edit",
        "initial",
    )
    namesake_surname_levels: tuple[str, ...] = (
        "exact",
        "variant_exact",
        "fuzzy_high",
        "transliteration",
        "one_edit",
    )
    namesake_dob_levels: tuple[str, ...] = (
        "missing",
        "exact",
        "day_month_swapped",
        "one_digit",
        "year_off_by_one",
    )


@dataclass(frozen=True)
class CampaignConfig:
    """The completion target that progress is measured against."""

    # Records to check by the target date; None: every staff record in the extract (all of
    # them, not one night's batch), so "all checked" means the whole workforce.
    target_records: int | None = None
    start_date: str = "2026-11-01"
    target_date: str = "2027-08-31"
    rate_window_runs: int = 7  # the rate is measured over this many most recent runs
    batch_size: int | None = None  # staff screened per night; None: everyone every night
    batch_priority: str = "designated_first"  # see transforms/batching.py


@dataclass(frozen=True)
class EngineConfig:
    """DuckDB resources for the working database."""

    memory_limit: str = "8GB"  # the nightly flow
    # `sweep link`: a one-off job often run beside other work; DuckDB spills beyond its limit.
    # "auto" grows with the right side: the floor, or so many bytes per right-side row, never
    # above a share of the memory the process may use (the machine's, or a container's limit
    # if lower). Or a fixed DuckDB size such as "2GB". The same
    # pairs come out at any limit; spilling costs time: at 5M, 71.6 s at 700MB against 51.9 s
    # at 2.5GB (benchmarks/RESULTS.md).
    link_memory_limit: str = "auto"
    link_memory_floor_mb: int = 700  # 50k x 1M peaked at 920 MiB with it
    link_memory_bytes_per_right_row: int = 500
    link_memory_max_share: float = 0.5
    threads: int = 2


def _tuples(value: Any) -> Any:
    """JSON's lists as the tuples the config holds, at every depth."""
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


@dataclass(frozen=True)
class SweepConfig:
    """Everything a run needs to know beyond its inputs."""

    validation: ValidationConfig = field(default_factory=ValidationConfig)
    blocking: BlockingConfig = field(default_factory=BlockingConfig)
    match: MatchConfig = field(default_factory=MatchConfig)
    flags: FlagConfig = field(default_factory=FlagConfig)
    campaign: CampaignConfig = field(default_factory=CampaignConfig)
    engine: EngineConfig = field(default_factory=EngineConfig)
    run_date: str | None = None  # None: today; fixed in tests for reproducibility

    def effective_run_date(self) -> date:
        return date.fromisoformat(self.run_date) if self.run_date else date.today()

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), indent=2, sort_keys=True)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> SweepConfig:
        sections = {
            "validation": ValidationConfig,
            "blocking": BlockingConfig,
            "match": MatchConfig,
            "flags": FlagConfig,
            "campaign": CampaignConfig,
            "engine": EngineConfig,
        }
        unknown = set(raw) - set(sections) - {"run_date"}
        if unknown:
            raise ValueError(f"unknown config sections: {sorted(unknown)}")
        kwargs: dict[str, Any] = {}
        for key, klass in sections.items():
            section = dict(raw.get(key, {}))
            names = {f.name for f in dataclasses.fields(klass)}
            bad = set(section) - names
            if bad:
                raise ValueError(f"unknown keys in config section {key!r}: {sorted(bad)}")
            for f in dataclasses.fields(klass):
                if f.name in section and isinstance(section[f.name], list):
                    section[f.name] = _tuples(section[f.name])
            kwargs[key] = klass(**section)
        if "run_date" in raw:
            kwargs["run_date"] = raw["run_date"]
        return cls(**kwargs)

    @classmethod
    def load(cls, path: Path | None) -> SweepConfig:
        if path is None:
            return cls()
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
