"""Synthetic HR and intelligence extracts with planted, known cases (the truth file).

Pure functions: :func:`generate` builds every table of :mod:`transforms.schema` plus ``truth``
as all-text frames; :func:`write_extracts` writes them atomically as CSV or Parquet.

How it is built, so that millions of rows take seconds:

* Name, street and town pools are built once (Faker en_GB, seeded, plus curated extras with
  accents, apostrophes and double-barrelled names) and sampled with one
  ``numpy.random.default_rng(seed)``; surnames and forenames follow Zipf-Mandelbrot weights
  over the pool, so Smith and David are common.
* Addresses come from a universe of synthetic postcode units that cluster by town (real town
  names and postcode areas, made-up districts/sectors/units and streets).
* The background (most staff and nominals) is vectorised. Planted cases (few) are built one by
  one in Python and recorded in the truth file; everything a case needs is planted with it.
* Accidental links are removed: background nominals never share an address, phone or vehicle
  with any staff member, nor the same (surname, first forename, date of birth).

Nothing here prints or logs personal data.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from transforms import schema as sc

# ------------------------------------------------------------------------------------------
# Rates (per 10,000 staff, multiplied by GenerateSpec.enrich) and other calibration
# ------------------------------------------------------------------------------------------

RATES_PER_10K: dict[str, float] = {
    "self_criminal": 38.0,
    "self_welfare": 13.0,
    "self_known": 5.0,
    # 55 off-duty associations in total
    "assoc_address": 18.0,
    "assoc_phone": 10.0,
    "assoc_vehicle": 8.0,
    "assoc_named": 9.0,
    "assoc_relative_undeclared": 10.0,
    # already declared on the register
    "assoc_declared": 5.0,
    "assoc_relative_declared": 5.0,
    "assoc_common_address": 5.0,
    "hard_negative_name_dob": 5.0,
}
DUTY_ONLY_SHARE_OF_OFFICERS = 0.30  # not enriched
# Planted traps that are not in the truth file (expected: no flag), per 10,000 staff x enrich.
NEG_RELATIVE_PER_10K = 20.0  # non-criminal relative at the staff member's current address
NEG_PAST_OCCUPANT_PER_10K = 10.0  # criminal nominal at the address, but left before staff moved in
NAMESAKES_PER_STAFF = 0.10  # background nominals with a staff member's name, different DOB
DECLARED_ASSOC_SHARE = 0.03
DECLARED_HISTORY_SHARE = 0.015
# Live investigations already open (open_matters): share of staff, none on a planted case.
OPEN_MATTER_SHARE = 0.005
# Professional-standards outcomes (misconduct_outcomes): share of staff with any, dated in the
# last MISCONDUCT_OUTCOME_YEARS before the reference date, and the mix of outcomes.
MISCONDUCT_OUTCOME_SHARE = 0.012
MISCONDUCT_OUTCOME_YEARS = 2
MISCONDUCT_OUTCOME_P: dict[str, float] = {
    "written_warning": 0.22,
    "final_written_warning": 0.10,
    "reduction_in_rank": 0.04,  # officers only; others get a final written warning instead
    "criminal_investigation_concluded": 0.10,
    "adverse_information": 0.14,
    "management_advice": 0.25,
    "no_case_to_answer": 0.15,
}
# Staff whose vetting is under review or withdrawn are this many times likelier to have one.
MISCONDUCT_VETTING_WEIGHT = 8.0
CLEAN_SHARE = 0.40

NAME_TAGS = ("typo", "nickname", "previous_surname", "swapped", "hyphenated")
DOB_TAGS = ("dob_swap", "dob_digit", "dob_missing")
ADDRESS_TAGS = ("moved", "postcode_format")
NOISE_TAGS = NAME_TAGS + DOB_TAGS + ADDRESS_TAGS + ("alias",)

MISSING = np.int64(-(10**7))  # internal "no date" (days since 1970-01-01)
YEAR = 365.25

PERSON_TYPE_P = {
    "officer": 0.68,
    "staff": 0.28,
    "pcso": 0.025,
    "special": 0.012,
    "volunteer": 0.003,
}

# (town, postcode area, districts, dialling code, staff weight, intel weight)
TOWNS: tuple[tuple[str, str, tuple[int, ...], str, float, float], ...] = (
    ("London", "E", tuple(range(1, 19)), "020", 10.0, 5.0),
    ("London", "N", tuple(range(1, 23)), "020", 9.0, 4.5),
    ("London", "SE", tuple(range(1, 29)), "020", 12.0, 6.0),
    ("London", "SW", tuple(range(1, 21)), "020", 10.0, 4.5),
    ("London", "W", tuple(range(1, 15)), "020", 6.0, 3.5),
    ("London", "NW", tuple(range(1, 12)), "020", 6.0, 3.5),
    ("Croydon", "CR", tuple(range(0, 10)), "020", 4.0, 2.0),
    ("Romford", "RM", tuple(range(1, 15)), "01708", 4.0, 1.5),
    ("Ilford", "IG", tuple(range(1, 12)), "020", 3.0, 1.5),
    ("Harrow", "HA", tuple(range(0, 10)), "020", 3.0, 1.2),
    ("Bromley", "BR", tuple(range(1, 9)), "020", 3.0, 1.0),
    ("Kingston upon Thames", "KT", tuple(range(1, 10)), "020", 3.0, 1.0),
    ("Enfield", "EN", tuple(range(1, 12)), "020", 3.0, 1.2),
    ("Sutton", "SM", tuple(range(1, 8)), "020", 2.0, 0.8),
    ("Twickenham", "TW", tuple(range(1, 21)), "020", 2.0, 0.8),
    ("Uxbridge", "UB", tuple(range(1, 12)), "01895", 2.0, 1.0),
    ("Watford", "WD", tuple(range(17, 26)), "01923", 2.0, 0.8),
    ("Dartford", "DA", tuple(range(1, 19)), "01322", 2.0, 1.0),
    ("Slough", "SL", tuple(range(1, 7)), "01753", 1.0, 0.8),
    ("Chelmsford", "CM", tuple(range(1, 4)), "01245", 1.0, 0.6),
    ("Luton", "LU", tuple(range(1, 5)), "01582", 0.8, 1.0),
    ("Reading", "RG", tuple(range(1, 7)), "0118", 0.8, 0.8),
    ("Guildford", "GU", tuple(range(1, 6)), "01483", 0.8, 0.5),
    ("Leeds", "LS", tuple(range(1, 30)), "0113", 0.5, 4.0),
    ("Bradford", "BD", tuple(range(1, 25)), "01274", 0.2, 2.5),
    ("Manchester", "M", tuple(range(1, 41)), "0161", 0.5, 5.0),
    ("Liverpool", "L", tuple(range(1, 39)), "0151", 0.3, 3.5),
    ("Birmingham", "B", tuple(range(1, 49)), "0121", 0.5, 5.0),
    ("Sheffield", "S", tuple(range(1, 37)), "0114", 0.2, 2.5),
    ("Bristol", "BS", tuple(range(1, 17)), "0117", 0.3, 2.5),
    ("Newcastle upon Tyne", "NE", tuple(range(1, 16)), "0191", 0.2, 2.0),
    ("Nottingham", "NG", tuple(range(1, 18)), "0115", 0.2, 2.0),
    ("Leicester", "LE", tuple(range(1, 10)), "0116", 0.2, 1.5),
    ("Coventry", "CV", tuple(range(1, 7)), "024", 0.2, 1.2),
    ("Cardiff", "CF", tuple(range(3, 25)), "029", 0.2, 1.5),
    ("Glasgow", "G", tuple(range(1, 54)), "0141", 0.1, 2.5),
    ("Edinburgh", "EH", tuple(range(1, 18)), "0131", 0.1, 1.2),
    ("Brighton", "BN", tuple(range(1, 4)), "01273", 0.5, 1.0),
    ("Southampton", "SO", tuple(range(14, 20)), "023", 0.3, 1.0),
    ("Hull", "HU", tuple(range(1, 18)), "01482", 0.1, 1.0),
    ("Stoke-on-Trent", "ST", tuple(range(1, 11)), "01782", 0.1, 1.0),
)
HOME_FORCE = "Metropolitan Police Service"
OTHER_FORCES = (
    "West Yorkshire Police",
    "Greater Manchester Police",
    "West Midlands Police",
    "Merseyside Police",
    "South Yorkshire Police",
    "Avon and Somerset Constabulary",
    "Northumbria Police",
    "Nottinghamshire Police",
    "Leicestershire Police",
    "South Wales Police",
    "Police Scotland",
    "Sussex Police",
    "Hampshire and Isle of Wight Constabulary",
    "Kent Police",
    "Essex Police",
    "Hertfordshire Constabulary",
    "Thames Valley Police",
    "Surrey Police",
    "City of London Police",
    "British Transport Police",
)

STREET_SUFFIXES = (
    ("Road", 24),
    ("Street", 14),
    ("Lane", 10),
    ("Avenue", 8),
    ("Close", 8),
    ("Drive", 6),
    ("Way", 5),
    ("Crescent", 4),
    ("Grove", 4),
    ("Gardens", 4),
    ("Place", 3),
    ("Terrace", 3),
    ("Court", 2),
    ("Walk", 2),
    ("Hill", 2),
    ("Rise", 1),
)
ABBREVIATIONS = (
    ("Road", "Rd"),
    ("Street", "St"),
    ("Lane", "Ln"),
    ("Avenue", "Ave"),
    ("Close", "Cl"),
    ("Drive", "Dr"),
    ("Crescent", "Cres"),
    ("Gardens", "Gdns"),
    ("Place", "Pl"),
    ("Terrace", "Terr"),
    ("Court", "Ct"),
)
COMMON_STREETS = (
    "High Street",
    "Station Road",
    "Church Road",
    "Park Road",
    "Victoria Road",
    "Green Lane",
    "Manor Road",
    "Church Street",
    "Kings Road",
    "London Road",
    "Mill Lane",
    "Queens Road",
    "Harehills Lane",
    "New Road",
    "Grange Road",
)

# Curated additions to Faker's en_GB pools: (name, rank to insert at).
EXTRA_SURNAMES = (
    ("Khan", 30),
    ("Singh", 35),
    ("Ahmed", 55),
    ("Ali", 60),
    ("Hussain", 70),
    ("Begum", 90),
    ("Kaur", 110),
    ("Shah", 150),
    ("Rahman", 180),
    ("Murphy", 80),
    ("Kelly", 85),
    ("O'Reilly", 260),
    ("D'Souza", 400),
    ("McDonald", 120),
    ("MacDonald", 200),
    ("McLaughlin", 300),
    ("Nowak", 320),
    ("Kowalski", 420),
    ("Wiśniewski", 500),
    ("Nguyen", 380),
    ("Okafor", 450),
    ("Adeyemi", 460),
    ("Mensah", 470),
    ("Da Silva", 350),
    ("De Souza", 480),
    ("Müller", 520),
    ("Yılmaz", 530),
    ("Núñez", 540),
    ("Ní Bhriain", 560),
    ("Van der Berg", 550),
    ("Le Roux", 545),
    ("Smith-Jones", 330),
    ("Lloyd-Webber", 600),
    ("Bowes-Lyon", 610),
    ("Fox-Talbot", 620),
    ("Hughes-Davies", 580),
)
EXTRA_MALE = (
    ("Mohammed", 25),
    ("Muhammad", 45),
    ("Seán", 70),
    ("Ciarán", 110),
    ("Oisín", 150),
    ("Éamon", 160),
    ("Pádraig", 170),
    ("José", 140),
    ("Łukasz", 130),
    ("Józef", 175),
    ("Arjun", 120),
    ("Raj", 100),
    ("Kwame", 165),
    ("Chukwuemeka", 180),
    ("Tomás", 155),
    ("Noël", 185),
    ("Zoltán", 190),
    ("Aarav", 145),
)
EXTRA_FEMALE = (
    ("Zoë", 60),
    ("Siobhán", 80),
    ("Sinéad", 90),
    ("Aoife", 100),
    ("Niamh", 70),
    ("Róisín", 120),
    ("Chloë", 110),
    ("Renée", 140),
    ("Anaïs", 170),
    ("Agnieszka", 130),
    ("Małgorzata", 160),
    ("Priya", 95),
    ("Fatima", 75),
    ("Aisha", 85),
    ("Amara", 150),
    ("Mei", 165),
    ("Olamide", 175),
    ("Begoña", 185),
)

OFFICER_RANKS = (
    ("Constable", 0.56),
    ("Detective Constable", 0.14),
    ("Sergeant", 0.12),
    ("Detective Sergeant", 0.05),
    ("Inspector", 0.05),
    ("Detective Inspector", 0.02),
    ("Chief Inspector", 0.03),
    ("Superintendent", 0.02),
    ("Chief Superintendent", 0.01),
)
STAFF_GRADES = (
    ("Band A", 0.05),
    ("Band B", 0.10),
    ("Band C", 0.20),
    ("Band D", 0.30),
    ("Band E", 0.20),
    ("Band F", 0.10),
    ("Senior Manager", 0.05),
)
OFFICER_UNITS = (
    "Response",
    "Neighbourhood Policing",
    "CID",
    "Roads Policing",
    "Public Protection",
    "Custody",
    "Firearms",
    "Professional Standards",
    "Counter Terrorism",
    "Dog Support",
    "Training",
    "Territorial Support Group",
)
STAFF_UNITS = (
    "Contact Centre",
    "Custody",
    "Human Resources",
    "Finance",
    "Digital Services",
    "Intelligence",
    "Forensics",
    "Estates",
    "Vetting Unit",
    "Corporate Communications",
    "Criminal Justice",
    "Professional Standards",
)
VETTING_P = {
    "officer": ((0.55, 0.30, 0.0, 0.05, 0.10)),
    "staff": ((0.40, 0.15, 0.10, 0.20, 0.15)),
    "pcso": ((0.80, 0.05, 0.0, 0.15, 0.0)),
    "special": ((0.85, 0.05, 0.0, 0.10, 0.0)),
    "volunteer": ((0.20, 0.0, 0.50, 0.30, 0.0)),
}
VETTING_YEARS = {"RV": 10, "MV": 7, "NPPV1": 3, "NPPV2": 5, "NPPV3": 5}
UNIT_LETTERS = np.array(list("ABDEFGHJLNPQRSTUWXYZ"))
VRM_LETTERS = np.array(list("ABCDEFGHJKLMNOPRSTUVWXYZ"))
VRM_FIRST = np.array(list("ABCDEFGHKLMNOPRSVWY"))

CRIME_CATS = np.array(sc.OFFENCE_CATEGORIES)
FORCES = (HOME_FORCE, *OTHER_FORCES)
# Intelligence grading "source/assessment/handling"; GRADINGS[0] is '' (not intelligence).
GRADING_SOURCE = ("1", "2", "3")
GRADING_ASSESSMENT = ("A", "B", "C", "D", "E")
GRADING_HANDLING = ("P", "C")
GRADINGS = ("",) + tuple(
    f"{s}/{a}/{h}" for s in GRADING_SOURCE for a in GRADING_ASSESSMENT for h in GRADING_HANDLING
)
# offence category weights for criminal records (order of schema.OFFENCE_CATEGORIES)
CRIMINAL_CAT_P = np.array([18, 3, 10, 20, 5, 18, 6, 8, 7, 2, 0.5, 2.5], dtype=float)
VICTIM_CAT_P = np.array([30, 6, 20, 1, 3, 25, 4, 3, 6, 0.5, 0.0, 1.5], dtype=float)
DECLARED_CAT_P = np.array([8, 0, 2, 6, 1, 10, 55, 8, 7, 0, 0, 3], dtype=float)
MARKER_P = np.array([35, 12, 25, 5, 15, 8], dtype=float)


@dataclass(frozen=True)
class GenerateSpec:
    """What to generate. ``enrich`` multiplies the planted-case rates (not duty-only)."""

    staff: int
    nominals: int
    seed: int = 7
    enrich: float = 1.0
    fmt: str = "csv"
    reference_date: str = "2026-11-01"
    defects: int = 0  # rows per defect kind planted by transforms.defects (0: a clean extract)


# ------------------------------------------------------------------------------------------
# Small helpers
# ------------------------------------------------------------------------------------------


def _days(iso: str) -> int:
    return int(np.datetime64(iso, "D").astype(np.int64))


def _iso(days: int) -> str:
    return str(np.datetime64(int(days), "D"))


def _date_strings(days: np.ndarray) -> np.ndarray:
    days = np.asarray(days, dtype=np.int64)
    missing = days == MISSING
    out = np.datetime_as_string(np.where(missing, 0, days).astype("datetime64[D]"), unit="D")
    out = out.astype(object)
    out[missing] = ""
    return out


def _nominal_ids(perm: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """Final nominal ids of internal nominal indices (made per chunk, never all held)."""
    return _ids("N", perm[owner] + 1, 8)


def _codes(vocabulary: tuple[str, ...], values: tuple[str, ...]) -> list[int]:
    """Positions of ``values`` in ``vocabulary`` (codes of a categorical)."""
    return [vocabulary.index(v) for v in values]


def _grading_code(source: np.ndarray, assessment: np.ndarray, handling: np.ndarray) -> np.ndarray:
    """Codes into GRADINGS of (source, assessment, handling) positions."""
    return 1 + (source * len(GRADING_ASSESSMENT) + assessment) * len(GRADING_HANDLING) + handling


def _compact(frame: pd.DataFrame) -> pd.DataFrame:
    """Store int64 columns whose values fit as int32 (half the memory; same values)."""
    small = np.iinfo(np.int32)
    for col in frame.columns:
        values = frame[col].to_numpy()
        if values.dtype == np.int64 and (
            not len(values) or (values.min() >= small.min and values.max() <= small.max)
        ):
            frame[col] = values.astype(np.int32)
    return frame


def _like(frame: pd.DataFrame, model: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the compact dtypes of ``model`` (int32, categoricals) where it has them,
    so that joining the two keeps them; raises if a value would not survive the cast."""
    for col, dtype in model.dtypes.items():
        categorical = isinstance(dtype, pd.CategoricalDtype)
        if not categorical and dtype != np.int32:
            continue
        values = frame[col]
        cast = values.astype(dtype)
        if categorical:
            lost = cast.isna() & values.notna()
        else:
            lost = cast.astype(np.int64) != values.astype(np.int64)
        if lost.any():
            raise ValueError(f"{col}: values outside the compact type {dtype}")
        frame[col] = cast
    return frame


def _zipf_weights(n: int, s: float, q: float) -> np.ndarray:
    w = 1.0 / (np.arange(1, n + 1) + q) ** s
    return w / w.sum()


def _insert_ranked(base: list[str], extras: tuple[tuple[str, int], ...]) -> list[str]:
    out = [n for n in base if n not in {e for e, _ in extras}]
    for name, rank in sorted(extras, key=lambda e: e[1]):
        out.insert(min(rank, len(out)), name)
    return out


def _count(rate_per_10k: float, staff: int, enrich: float) -> int:
    return int(np.floor(rate_per_10k * staff * enrich / 10_000 + 0.5))


def _ids(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    return (prefix + pd.Series(np.asarray(numbers).astype(str)).str.zfill(width)).to_numpy(
        dtype=object
    )


# ------------------------------------------------------------------------------------------
# Pools and the address universe
# ------------------------------------------------------------------------------------------


@dataclass
class _Pools:
    male: np.ndarray
    male_p: np.ndarray
    female: np.ndarray
    female_p: np.ndarray
    surname: np.ndarray
    surname_p: np.ndarray
    streets: np.ndarray
    nick: dict[str, tuple[str, ...]]
    words: np.ndarray  # for common-address labels


def _build_pools(seed: int) -> _Pools:
    from faker import Faker
    from faker.providers.person.en_GB import Provider as PersonProvider
    from nicknames import NickNamer

    fk = Faker("en_GB")
    fk.seed_instance(seed)
    male = _insert_ranked(list(dict.fromkeys(PersonProvider.first_names_male)), EXTRA_MALE)
    female = _insert_ranked(list(dict.fromkeys(PersonProvider.first_names_female)), EXTRA_FEMALE)
    ln = PersonProvider.last_names
    by_freq = sorted(ln, key=lambda k: (-ln[k], k))
    surnames = _insert_ranked(by_freq, EXTRA_SURNAMES)

    # Streets: Faker surnames and first names (drawn once, seeded) with UK suffixes.
    sfx = np.array([s for s, _ in STREET_SUFFIXES])
    sfx_p = np.array([w for _, w in STREET_SUFFIXES], dtype=float)
    sfx_p /= sfx_p.sum()
    srng = np.random.default_rng([seed, 11])
    words = sorted({fk.last_name() for _ in range(1500)} | {fk.first_name() for _ in range(300)})
    words_arr = np.array(words, dtype=object)
    street_set: dict[str, None] = dict.fromkeys(COMMON_STREETS)
    picks = srng.integers(0, len(words_arr), 6000)
    suffixes = srng.choice(sfx, size=6000, p=sfx_p)
    for w, s in zip(words_arr[picks], suffixes, strict=True):
        street_set.setdefault(f"{w} {s}")
    streets = np.array(list(street_set), dtype=object)

    # The long tail: other Faker locales (Latin script only), less frequent one by one.
    trng = np.random.default_rng([seed, 13])
    male, male_p = _with_tail(
        male, _locale_names("first_names_male"), trng, 0.9, 3.0, FORENAME_MASS
    )
    female, female_p = _with_tail(
        female, _locale_names("first_names_female"), trng, 0.9, 3.0, FORENAME_MASS
    )
    surnames, surname_p = _with_tail(
        surnames, _locale_names("last_names"), trng, 0.9, 5.0, SURNAME_MASS
    )

    nn = NickNamer()
    nick: dict[str, tuple[str, ...]] = {}
    for name in list(male) + list(female):
        found = sorted(nn.nicknames_of(name.lower()))
        found = [n.capitalize() for n in found if n.isalpha() and n != name.lower()]
        if found:
            nick[name] = tuple(found)
    return _Pools(
        male=np.array(male, dtype=object),
        male_p=male_p,
        female=np.array(female, dtype=object),
        female_p=female_p,
        surname=np.array(surnames, dtype=object),
        surname_p=surname_p,
        streets=streets,
        nick=nick,
        words=words_arr,
    )


# Share of people whose name comes from the en_GB core (Zipf by rank), from the English-language
# tail, and from the rest of the tail. Smith ends up near its real 1.3%.
SURNAME_MASS = (0.45, 0.40, 0.15)
FORENAME_MASS = (0.70, 0.20, 0.10)
ANGLO_LOCALES = ("en_US", "en_IE", "en_NZ")
OTHER_LOCALES = (
    "en_IN",
    "it_IT",
    "es_ES",
    "de_DE",
    "fr_FR",
    "pt_PT",
    "tr_TR",
    "ro_RO",
    "lt_LT",
    "yo_NG",
    "tw_GH",
    "nl_NL",
    "sv_SE",
    "cs_CZ",
    "hu_HU",
)


def _latin(name: str) -> bool:
    import unicodedata

    return bool(name) and all(
        c in " '-" or unicodedata.name(c, "").startswith("LATIN") for c in name
    )


def _locale_names(attr: str) -> tuple[list[str], list[str]]:
    import importlib

    out: list[list[str]] = []
    for group in (ANGLO_LOCALES, OTHER_LOCALES):
        names: dict[str, None] = {}
        for loc in group:
            provider = importlib.import_module(f"faker.providers.person.{loc}").Provider
            for n in getattr(provider, attr, ()):
                if _latin(n) and len(n) > 1:
                    names.setdefault(n)
        out.append(sorted(names))
    return out[0], out[1]


def _with_tail(
    core: list[str],
    tails: tuple[list[str], list[str]],
    rng: np.random.Generator,
    s: float,
    q: float,
    mass: tuple[float, float, float],
) -> tuple[list[str], np.ndarray]:
    """Core names by Zipf rank, then two tails (shuffled, gently skewed) with set masses."""
    seen = set(core)
    names = list(core)
    weights = [mass[0] * _zipf_weights(len(core), s, q)]
    for tail, m in zip(tails, mass[1:], strict=True):
        t = [n for n in tail if n not in seen]
        seen.update(t)
        t = [t[i] for i in rng.permutation(len(t))]
        names += t
        weights.append(m * _zipf_weights(len(t), 0.6, 50.0))
    p = np.concatenate(weights)
    return names, p / p.sum()


@dataclass
class _Universe:
    """Synthetic postcode units, each one street in one town with a run of house numbers."""

    town: np.ndarray  # int, index into TOWNS
    postcode: np.ndarray  # canonical "LS6 2AB"
    street: np.ndarray
    base: np.ndarray  # first house number of the run
    town_start: np.ndarray
    town_count: np.ndarray
    # common addresses (hostels, custody suites, section houses, blocks)
    common_kind: list[str] = field(default_factory=list)
    common_line: list[str] = field(default_factory=list)
    common_postcode: list[str] = field(default_factory=list)
    common_town: list[int] = field(default_factory=list)


HOUSES_PER_UNIT = 30


def _build_universe(rng: np.random.Generator, pools: _Pools, n_units: int) -> _Universe:
    staff_w = np.array([t[4] for t in TOWNS])
    intel_w = np.array([t[5] for t in TOWNS])
    w = staff_w / staff_w.sum() + 2 * intel_w / intel_w.sum()
    w /= w.sum()
    draw = int(n_units * 1.15) + 100
    town = rng.choice(len(TOWNS), size=draw, p=w)
    district = np.empty(draw, dtype=object)
    area = np.empty(draw, dtype=object)
    for t, (_, ar, dists, _, _, _) in enumerate(TOWNS):
        m = town == t
        district[m] = np.array(dists)[rng.integers(0, len(dists), int(m.sum()))].astype(str)
        area[m] = ar
    sector = rng.integers(0, 10, draw).astype(str)
    u1 = UNIT_LETTERS[rng.integers(0, len(UNIT_LETTERS), draw)]
    u2 = UNIT_LETTERS[rng.integers(0, len(UNIT_LETTERS), draw)]
    pc = (
        pd.Series(area, dtype="str")
        + pd.Series(district, dtype="str")
        + " "
        + pd.Series(sector, dtype="str")
        + pd.Series(u1, dtype="str")
        + pd.Series(u2, dtype="str")
    ).to_numpy(dtype=object)
    _, first = np.unique(pc, return_index=True)
    keep = np.sort(first)[:n_units]
    town, pc = town[keep], pc[keep]
    order = np.argsort(town, kind="stable")
    town, pc = town[order], pc[order]
    n = len(town)
    street = pools.streets[rng.integers(0, len(pools.streets), n)]
    base = rng.integers(1, 180, n)
    counts = np.bincount(town, minlength=len(TOWNS))
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    return _Universe(
        town=town,
        postcode=pc,
        street=street,
        base=base,
        town_start=starts,
        town_count=counts,
    )


# ------------------------------------------------------------------------------------------
# Column-oriented row buffers
# ------------------------------------------------------------------------------------------

ADDR_COLS = ("owner", "unit", "house", "flat", "common", "date_from", "date_to", "lvar", "pvar")
PHONE_COLS = ("owner", "code", "local", "var", "ptype", "date_from", "date_to")
VEH_COLS = ("owner", "vrm", "var", "role", "date_from", "date_to")
REC_COLS = ("owner", "area", "date", "force", "grading", "role", "offence", "outcome")


class _Rows:
    """Append-only row buffer for the per-case (Python) part."""

    def __init__(self, cols: tuple[str, ...]):
        self.cols = cols
        self.rows: list[tuple] = []

    def add(self, *values: object) -> None:
        self.rows.append(values)

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=list(self.cols))


# Rows made into text at a time when a table is written: bounds the memory of the text (about
# 60 bytes a cell as Python str) while the table itself stays in numbers and shared strings.
CHUNK_ROWS = 500_000
# Output column order of each table, by name.
COLUMNS: dict[str, list[str]] = {t.name: list(t.column_names) for t in sc.ALL_TABLES} | {
    "truth": list(sc.TRUTH_COLUMNS)
}


@dataclass(frozen=True)
class _Table:
    """One finished output table: its row count and a function making rows [a, b) as a frame
    (columns by name, any order). :meth:`text` gives those rows as the final all-text frame."""

    name: str
    n_rows: int
    rows: Callable[[slice], pd.DataFrame]

    @classmethod
    def of_frame(cls, name: str, frame: pd.DataFrame) -> _Table:
        """A table already held whole (the small ones)."""
        return cls(name, len(frame), lambda at: frame.iloc[at])

    def text(self, at: slice | None = None) -> pd.DataFrame:
        """Rows ``at`` (default: all) in output column order, every value text."""
        at = slice(0, self.n_rows) if at is None else at
        return self.rows(at)[COLUMNS[self.name]].astype("str")

    def chunks(self, size: int | None = None) -> Iterator[pd.DataFrame]:
        """The text of the table, ``size`` (CHUNK_ROWS) rows at a time (one empty frame if
        no rows)."""
        size = size or CHUNK_ROWS
        for start in range(0, max(self.n_rows, 1), size):
            yield self.text(slice(start, min(start + size, self.n_rows)))


# ------------------------------------------------------------------------------------------
# The builder
# ------------------------------------------------------------------------------------------


class _Builder:
    def __init__(self, spec: GenerateSpec):
        if spec.staff < 1 or spec.nominals < 0:
            raise ValueError("staff must be >= 1 and nominals >= 0")
        if spec.enrich < 0:
            raise ValueError("enrich must be >= 0")
        self.spec = spec
        self.rng = np.random.default_rng(spec.seed)
        self.ref = _days(spec.reference_date)
        self.pools = _build_pools(spec.seed)
        n_units = max(20_000, (6 * spec.staff + 2 * spec.nominals) // 4)
        self.uni = _build_universe(self.rng, self.pools, n_units)
        self.staff_w = np.array([t[4] for t in TOWNS]) / sum(t[4] for t in TOWNS)
        self.intel_w = np.array([t[5] for t in TOWNS]) / sum(t[5] for t in TOWNS)
        # planted nominals (indices 0.. in planted space; shifted after the background)
        self.p_noms: list[tuple] = []  # (surname, forenames, dob, sex)
        self.p_addr = _Rows(ADDR_COLS)
        self.p_phone = _Rows(PHONE_COLS)
        self.p_veh = _Rows(VEH_COLS)
        self.p_rec = _Rows(REC_COLS)
        self.p_mark = _Rows(("owner", "marker", "date"))
        self.p_alias = _Rows(("owner", "type", "surname", "forenames", "dob"))
        self.p_assoc = _Rows(("a", "b", "type", "date"))
        self.truth: list[tuple] = []  # (staff, pidx, kind, tags, via_pidx)
        self.decl = _Rows(("staff", "surname", "forenames", "dob", "rel", "date"))
        self.hist = _Rows(("staff", "disposal", "category", "date", "sentence"))
        self.outc = _Rows(("staff", "outcome", "date"))

    # ---------------------------------------------------------------- random primitives
    def _day(self, lo: int, hi: int) -> int:
        """A uniform day in [lo, hi]; lo when the range is empty; never after the reference."""
        lo, hi = int(lo), int(hi)
        if hi <= lo:
            return min(lo, self.ref)
        return min(int(self.rng.integers(lo, hi + 1)), self.ref)

    def _forename(self, sex: str) -> str:
        if sex == "U":
            sex = "M" if self.rng.random() < 0.5 else "F"
        p = self.pools
        names, probs = (p.male, p.male_p) if sex == "M" else (p.female, p.female_p)
        return str(names[self.rng.choice(len(names), p=probs)])

    def _surname(self, avoid: str = "") -> str:
        p = self.pools
        while True:
            s = str(p.surname[self.rng.choice(len(p.surname), p=p.surname_p)])
            if s.lower() != avoid.lower():
                return s

    def _draw_forenames(self, sex: np.ndarray) -> np.ndarray:
        """First forenames by sex, vectorised (U: either)."""
        rng, p = self.rng, self.pools
        n = len(sex)
        male = (sex == "M") | ((sex == "U") & (rng.random(n) < 0.5))
        out = np.empty(n, dtype=object)
        out[male] = p.male[rng.choice(len(p.male), size=int(male.sum()), p=p.male_p)]
        out[~male] = p.female[rng.choice(len(p.female), size=int((~male).sum()), p=p.female_p)]
        return out

    def _draw_surnames(self, n: int, hyphen_p: float = 0.015) -> np.ndarray:
        rng, p = self.rng, self.pools
        out = p.surname[rng.choice(len(p.surname), size=n, p=p.surname_p)]
        hy = np.flatnonzero(rng.random(n) < hyphen_p)
        if len(hy):
            other = p.surname[rng.choice(len(p.surname), size=len(hy), p=p.surname_p)]
            a_s = pd.Series(out[hy], dtype="str")
            b_s = pd.Series(other, dtype="str")
            ok = (
                ~a_s.str.contains("-", regex=False)
                & ~b_s.str.contains("-", regex=False)
                & (a_s != b_s)
            ).to_numpy()
            out = out.copy()
            out[hy[ok]] = (
                pd.Series(out[hy[ok]], dtype="str") + "-" + pd.Series(other[ok], dtype="str")
            ).to_numpy(dtype=object)
        return out

    def _with_middle(self, first: np.ndarray, sex: np.ndarray, share: float) -> np.ndarray:
        n = len(first)
        mid = self.rng.random(n) < share
        second = self._draw_forenames(sex[mid])
        out = first.copy()
        same = second == first[mid]
        idx = np.flatnonzero(mid)[~same]
        out[idx] = (
            pd.Series(first[idx], dtype="str") + " " + pd.Series(second[~same], dtype="str")
        ).to_numpy(dtype=object)
        return out

    def _draw_units(self, n: int, weights: np.ndarray) -> np.ndarray:
        town = self.rng.choice(len(TOWNS), size=n, p=weights)
        cnt = self.uni.town_count[town]
        # towns with no units fall back to any unit
        off = np.floor(self.rng.random(n) * np.maximum(cnt, 1)).astype(np.int64)
        unit = self.uni.town_start[town] + off
        bad = cnt == 0
        if bad.any():
            unit[bad] = self.rng.integers(0, len(self.uni.town), int(bad.sum()))
        return unit

    def _draw_addresses(self, n: int, weights: np.ndarray, flat_p: float):
        rng = self.rng
        unit = self._draw_units(n, weights)
        house = self.uni.base[unit] + 2 * rng.integers(0, HOUSES_PER_UNIT, n)
        flat = np.where(rng.random(n) < flat_p, rng.integers(1, 25, n), 0)
        return unit, house, flat

    @staticmethod
    def _addr_key(unit, house, flat, common):
        unit = np.asarray(unit, dtype=np.int64)
        common = np.asarray(common, dtype=np.int64)
        key = unit * 1_000_000 + np.asarray(house, dtype=np.int64) * 100 + np.asarray(flat)
        return np.where(common >= 0, -(common + 1), key)

    def _random_address_tuple(self) -> tuple[int, int, int]:
        """One intel address that no staff member has ever lived at."""
        while True:
            u, h, f = self._draw_addresses(1, self.intel_w, 0.12)
            key = int(self._addr_key(u, h, f, [-1])[0])
            if key not in self.staff_addr_keys:
                return int(u[0]), int(h[0]), int(f[0])

    def _vrm(self) -> str:
        r = self.rng
        a = VRM_FIRST[r.integers(0, len(VRM_FIRST))] + VRM_LETTERS[r.integers(0, len(VRM_LETTERS))]
        yy = int(r.integers(2, 26))
        age = yy + (50 if r.random() < 0.5 else 0)
        tail = "".join(VRM_LETTERS[r.integers(0, len(VRM_LETTERS), 3)])
        return f"{a}{age:02d} {tail}"

    # ---------------------------------------------------------------- staff (vectorised)
    def build_staff(self) -> None:
        rng, spec, ref = self.rng, self.spec, self.ref
        n = spec.staff
        types = np.array(list(PERSON_TYPE_P))
        ptype = rng.choice(types, size=n, p=np.array(list(PERSON_TYPE_P.values())))
        male_p = np.select(
            [ptype == "officer", ptype == "staff", ptype == "pcso"], [0.67, 0.40, 0.55], 0.55
        )
        u = rng.random(n)
        sex = np.where(u < 0.003, "U", np.where(u < 0.003 + male_p, "M", "F")).astype(object)
        age = np.clip(rng.normal(41, 10.5, n), 19, 66)
        volunteers = ptype == "volunteer"
        age[volunteers] = np.clip(rng.normal(50, 14, int(volunteers.sum())), 19, 75)
        dob = (ref - age * YEAR - rng.integers(0, 365, n)).astype(np.int64)
        max_service = np.maximum((ref - dob) / YEAR - 18.5, 0.2)
        service = np.minimum(rng.gamma(1.6, 6.0, n), max_service)
        service = np.maximum(service, 30 / YEAR + rng.random(n) * 0.1)
        start = (ref - service * YEAR).astype(np.int64)

        first = self._draw_forenames(sex)
        forenames = self._with_middle(first, sex, 0.35)
        surname = self._draw_surnames(n, 0.02)
        prev = np.full(n, "", dtype=object)
        married = ((sex == "F") & (rng.random(n) < 0.40)) | ((sex != "F") & (rng.random(n) < 0.03))
        idx = np.flatnonzero(married)
        maiden = self._draw_surnames(len(idx), 0.0)
        ok = maiden != surname[idx]
        prev[idx[ok]] = maiden[ok]
        two = idx[ok][rng.random(int(ok.sum())) < 0.06]
        if len(two):
            more = self._draw_surnames(len(two), 0.0)
            prev[two] = (
                pd.Series(prev[two], dtype="str") + "|" + pd.Series(more, dtype="str")
            ).to_numpy(dtype=object)

        rank = np.empty(n, dtype=object)
        unit = np.empty(n, dtype=object)
        for t in types:
            m = ptype == t
            k = int(m.sum())
            if t == "officer":
                rank[m] = rng.choice(
                    [r for r, _ in OFFICER_RANKS], size=k, p=[p for _, p in OFFICER_RANKS]
                )
                unit[m] = rng.choice(OFFICER_UNITS, size=k)
            elif t == "staff":
                rank[m] = rng.choice(
                    [r for r, _ in STAFF_GRADES], size=k, p=[p for _, p in STAFF_GRADES]
                )
                unit[m] = rng.choice(STAFF_UNITS, size=k)
            elif t == "pcso":
                rank[m] = "PCSO"
                unit[m] = "Neighbourhood Policing"
            elif t == "special":
                rank[m] = np.where(rng.random(k) < 0.9, "Special Constable", "Special Sergeant")
                unit[m] = "Special Constabulary"
            else:
                rank[m] = "Police Support Volunteer"
                unit[m] = "Volunteer Programme"

        # promotion takes service: too junior for the rank drawn -> (Detective) Constable
        years = (ref - start) / YEAR
        need = np.select(
            [
                np.isin(rank, ("Sergeant", "Detective Sergeant")),
                np.isin(rank, ("Inspector", "Detective Inspector")),
                rank == "Chief Inspector",
                np.isin(rank, ("Superintendent", "Chief Superintendent")),
            ],
            [3.0, 6.0, 10.0, 14.0],
            0.0,
        )
        junior = years < need
        rank[junior] = np.where(
            rng.random(int(junior.sum())) < 0.8, "Constable", "Detective Constable"
        )
        collar = np.full(n, "", dtype=object)
        uniformed = np.isin(ptype, ("officer", "pcso", "special"))
        nums = rng.choice(np.arange(1000, 300000), size=int(uniformed.sum()), replace=False)
        prefix = np.select(
            [ptype[uniformed] == "pcso", ptype[uniformed] == "special"], ["P", "SC"], ""
        )
        collar[uniformed] = (
            pd.Series(prefix, dtype="str") + pd.Series(nums.astype(str), dtype="str")
        ).to_numpy(dtype=object)

        levels = np.array(sc.VETTING_LEVELS)
        vlevel = np.empty(n, dtype=object)
        for t in types:
            m = ptype == t
            p = np.array(VETTING_P[t], dtype=float)
            vlevel[m] = rng.choice(levels, size=int(m.sum()), p=p / p.sum())
        validity = np.array([VETTING_YEARS[v] for v in vlevel]) * YEAR
        since = rng.random(n) * validity * 1.04
        cleared = np.maximum((ref - since).astype(np.int64), start - rng.integers(30, 180, n))
        renewal = (cleared + validity).astype(np.int64)
        overdue = renewal < ref
        vstat = rng.choice(
            np.array(sc.VETTING_STATUSES), size=n, p=[0.955, 0.03, 0.01, 0.005]
        ).astype(object)
        vstat[overdue & (rng.random(n) < 0.6)] = "under_review"
        designated = np.where(rng.random(n) < 0.08, "true", "false").astype(object)

        self.s_type = ptype
        self.s_sex = sex
        self.s_dob = dob
        self.s_start = start
        self.s_first = first
        self.s_forenames = forenames
        self.s_surname = surname
        self.s_prev = prev
        self.staff_cols = {
            "collar_number": collar,
            "person_type": ptype.astype(object),
            "rank_grade": rank,
            "unit": unit,
            "vetting_level": vlevel,
            "vetting_cleared_date": cleared,
            "vetting_renewal_date": renewal,
            "vetting_status": vstat,
            "designated_post": designated,
        }
        self._staff_addresses()
        self._staff_phones_vehicles()

    def _staff_addresses(self) -> None:
        rng, ref, n = self.rng, self.ref, self.spec.staff
        n_addr = rng.choice([1, 2, 3], size=n, p=[0.45, 0.35, 0.20])
        adult = self.s_dob + int(18 * YEAR)
        span0 = np.maximum(ref - adult - 30, 60)
        from0 = ref - np.minimum(rng.integers(60, int(15 * YEAR), n), span0)
        rows_owner = [np.arange(n)]
        rows_from = [from0]
        rows_to = [np.full(n, MISSING)]
        prev_from = from0
        for k in (1, 2):
            has = n_addr > k
            to_k = prev_from - rng.integers(0, 60, n)
            from_k = to_k - rng.integers(365, int(8 * YEAR), n)
            from_k = np.maximum(from_k, self.s_dob + int(16 * YEAR))
            has &= to_k - from_k > 90
            rows_owner.append(np.flatnonzero(has))
            rows_from.append(from_k[has])
            rows_to.append(to_k[has])
            prev_from = np.where(has, from_k, prev_from)
        owner = np.concatenate(rows_owner)
        m = len(owner)
        unit, house, flat = self._draw_addresses(m, self.staff_w, 0.15)
        for _ in range(50):  # no two staff rows at one address (nor one person twice)
            key = pd.Series(self._addr_key(unit, house, flat, np.full(m, -1)))
            dup = np.flatnonzero(key.duplicated().to_numpy())
            if not len(dup):
                break
            unit[dup], house[dup], flat[dup] = self._draw_addresses(len(dup), self.staff_w, 0.15)
        df = pd.DataFrame(
            {
                "owner": owner,
                "unit": unit,
                "house": house,
                "flat": flat,
                "common": np.full(m, -1),
                "date_from": np.concatenate(rows_from),
                "date_to": np.concatenate(rows_to),
                "lvar": rng.choice(5, size=m, p=[0.92, 0.0, 0.03, 0.05, 0.0]),
                "pvar": rng.choice(4, size=m, p=[0.98, 0.02, 0.0, 0.0]),
            }
        )
        df = df.sort_values(["owner", "date_from"], ascending=[True, False], kind="stable")
        self.s_addr = df.reset_index(drop=True)
        self.s_addr_start = np.searchsorted(self.s_addr["owner"].to_numpy(), np.arange(n + 1))
        self.staff_addr_keys = set(
            self._addr_key(df["unit"], df["house"], df["flat"], df["common"]).tolist()
        )

    def _staff_phones_vehicles(self) -> None:
        rng, n = self.rng, self.spec.staff
        two = rng.random(n) < 0.3
        owner = np.concatenate([np.arange(n), np.flatnonzero(two)])
        m = len(owner)
        second = np.arange(m) >= n
        landline = second & (rng.random(m) < 0.6)
        code, local = self._mobiles(m)
        # home landlines: dialling code of the town of the current address
        cur_unit = self.s_addr["unit"].to_numpy()[self.s_addr_start[:-1]]
        dial = np.array([t[3] for t in TOWNS], dtype=object)[self.uni.town[cur_unit]]
        ll_code = dial[owner[landline]]
        ll_len = 11 - pd.Series(ll_code, dtype="str").str.len().to_numpy()
        digits8 = pd.Series(
            rng.integers(2 * 10**7, 9 * 10**7, int(landline.sum())).astype(str), dtype="str"
        )
        ll_local = digits8.to_numpy(dtype=object)
        for k in np.unique(ll_len):
            at = ll_len == k
            ll_local[at] = digits8[at].str.slice(0, int(k)).to_numpy(dtype=object)
        code[landline] = ll_code
        local[landline] = ll_local
        ptype = np.where(landline, "home", np.where(second, "work", "mobile")).astype(object)
        self.s_phone = pd.DataFrame(
            {
                "owner": owner,
                "code": code,
                "local": local,
                "var": rng.choice(6, size=m, p=[0.7, 0.2, 0.0, 0.0, 0.0, 0.1]),
                "ptype": ptype,
            }
        ).sort_values("owner", kind="stable", ignore_index=True)
        nveh = rng.choice([0, 1, 2], size=n, p=[0.40, 0.45, 0.15])
        vowner = np.repeat(np.arange(n), nveh)
        self.s_veh = pd.DataFrame(
            {
                "owner": vowner,
                "vrm": self._vrms(len(vowner)),
                "var": rng.choice(4, size=len(vowner), p=[0.9, 0.08, 0.01, 0.01]),
            }
        )
        self.staff_phone_keys = set((self.s_phone["code"] + self.s_phone["local"]).tolist())
        self.staff_vrm_keys = set(self.s_veh["vrm"].tolist())

    def _mobiles(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        rng = self.rng
        d3 = rng.choice(np.array(["4", "5", "7", "8", "9"]), size=n)
        rest = pd.Series(rng.integers(0, 10**8, n).astype(str), dtype="str").str.zfill(8)
        digits = "07" + pd.Series(d3, dtype="str") + rest
        return (
            digits.str.slice(0, 5).to_numpy(dtype=object),
            digits.str.slice(5).to_numpy(dtype=object),
        )

    def _vrms(self, n: int) -> np.ndarray:
        rng = self.rng
        a = pd.Series(VRM_FIRST[rng.integers(0, len(VRM_FIRST), n)], dtype="str")
        b = pd.Series(VRM_LETTERS[rng.integers(0, len(VRM_LETTERS), n)], dtype="str")
        yy = rng.integers(2, 26, n) + np.where(rng.random(n) < 0.5, 50, 0)
        age = pd.Series(yy.astype(str), dtype="str").str.zfill(2)
        tail = [
            pd.Series(VRM_LETTERS[rng.integers(0, len(VRM_LETTERS), n)], dtype="str")
            for _ in range(3)
        ]
        current = a + b + age + " " + tail[0] + tail[1] + tail[2]
        # some older prefix-style plates: A123 BCD
        old = rng.random(n) < 0.08
        num = pd.Series(rng.integers(1, 1000, n).astype(str), dtype="str")
        prefix = a + num + " " + tail[0] + tail[1] + tail[2]
        return np.where(old, prefix.to_numpy(dtype=object), current.to_numpy(dtype=object))

    # ---------------------------------------------------------------- staff lookups
    def _staff_addr_rows(self, s: int) -> pd.DataFrame:
        a, b = self.s_addr_start[s], self.s_addr_start[s + 1]
        return self.s_addr.iloc[a:b]

    def _current_addr(self, s: int) -> pd.Series:
        return self.s_addr.iloc[self.s_addr_start[s]]

    # ---------------------------------------------------------------- planted nominals
    def _nominal(self, surname: str, forenames: str, dob: int, sex: str) -> int:
        self.p_noms.append((surname, forenames, int(dob), sex))
        return len(self.p_noms) - 1

    def _grading(self) -> str:
        r = self.rng
        source = r.choice(["1", "2", "3"], p=[0.3, 0.5, 0.2])
        assessment = r.choice(list("ABCDE"), p=[0.2, 0.35, 0.3, 0.1, 0.05])
        handling = r.choice(["P", "C"], p=[0.85, 0.15])
        return f"{source}/{assessment}/{handling}"

    def _record(self, owner: int, role: str, day: int, offence: str | None = None) -> None:
        r = self.rng
        if offence is None:
            p = VICTIM_CAT_P if role in sc.WELFARE_ROLES else CRIMINAL_CAT_P
            offence = str(r.choice(CRIME_CATS, p=p / p.sum()))
        if offence == "domestic_abuse" and r.random() < 0.6:
            area = "domestic_abuse"
        elif role == "suspect":
            area = str(r.choice(["intelligence", "crime", "custody"], p=[0.4, 0.4, 0.2]))
        elif role == "offender":
            area = str(r.choice(["crime", "custody"], p=[0.55, 0.45]))
        elif role in sc.WELFARE_ROLES:
            area = str(r.choice(["crime", "child_protection"], p=[0.9, 0.1]))
        elif role in sc.DUTY_ROLES:
            area = str(r.choice(["crime", "custody", "intelligence"], p=[0.7, 0.2, 0.1]))
        else:
            area = str(r.choice(["intelligence", "child_protection", "crime"], p=[0.6, 0.2, 0.2]))
        if area == "intelligence":
            outcome = "intelligence_only"
        elif role == "suspect":
            outcome = str(
                r.choice(["under_investigation", "charged", "no_further_action"], p=[0.3, 0.3, 0.4])
            )
        elif role == "offender":
            outcome = str(r.choice(["convicted", "cautioned", "charged"], p=[0.6, 0.25, 0.15]))
        else:
            outcome = "not_applicable"
        force = HOME_FORCE if r.random() < 0.65 else str(r.choice(OTHER_FORCES))
        grading = self._grading() if area == "intelligence" else ""
        self.p_rec.add(owner, area, int(day), force, grading, role, offence, outcome)

    def _criminal_history(self, owner: int, lo: int, hi: int, markers_p: float = 0.4) -> None:
        """Suspect/offender records (dated in [lo, hi]) and maybe markers."""
        r = self.rng
        for _ in range(int(r.choice([1, 2, 3], p=[0.5, 0.3, 0.2]))):
            self._record(
                owner, str(r.choice(["suspect", "offender"], p=[0.6, 0.4])), self._day(lo, hi)
            )
        if r.random() < markers_p:
            mk = r.choice(
                np.array(sc.MARKERS),
                size=int(r.integers(1, 3)),
                replace=False,
                p=MARKER_P / MARKER_P.sum(),
            )
            for m in sorted(mk):
                self.p_mark.add(owner, str(m), self._day(lo, hi))

    def _criminal_nominal(
        self,
        avoid_surname: str,
        lo: int,
        surname: str | None = None,
        sex: str | None = None,
        dob: int | None = None,
    ) -> int:
        """A criminal nominal (records as suspect/offender from ``lo``; some markers-only)."""
        r = self.rng
        sex = sex or str(r.choice(["M", "F"], p=[0.8, 0.2]))
        if dob is None:
            dob = self.ref - int((16 + r.gamma(2.5, 7.0)) * YEAR) - self._day(0, 364)
        fore = self._forename(sex)
        if r.random() < 0.25:
            second = self._forename(sex)
            if second != fore:
                fore = f"{fore} {second}"
        pidx = self._nominal(surname or self._surname(avoid_surname), fore, dob, sex)
        lo = max(lo, dob + int(16 * YEAR))
        hi = self.ref - 7
        if r.random() < 0.15:  # markers and intelligence only
            self._record(pidx, "other", self._day(lo, hi))
            mk = str(r.choice(np.array(sc.MARKERS), p=MARKER_P / MARKER_P.sum()))
            self.p_mark.add(pidx, mk, self._day(lo, hi))
        else:
            self._criminal_history(pidx, lo, hi)
        if r.random() < 0.4:  # an older address of their own elsewhere
            u, h, f = self._random_address_tuple()
            to = self._day(lo - int(3 * YEAR), lo - 30)
            self.p_addr.add(pidx, u, h, f, -1, to - self._day(200, 2000), to, -1, -1)
        return pidx

    # ---------------------------------------------------------------- noise
    def _applicable(self, s: int, tag: str, has_address: bool) -> bool:
        dob = _iso(self.s_dob[s])
        if tag == "nickname":
            return self.s_first[s] in self.pools.nick
        if tag == "previous_surname":
            return bool(self.s_prev[s]) or self.s_sex[s] == "F"
        if tag == "dob_swap":
            d, m = int(dob[8:10]), int(dob[5:7])
            return d <= 12 and d != m
        if tag == "moved":
            return has_address and len(self._staff_addr_rows(s)) >= 2
        if tag == "postcode_format":
            return has_address
        return True

    def _choose_tags(self, s: int, has_address: bool, dob_missing_p: float = 0.0) -> list[str]:
        """Clean (exactly CLEAN_SHARE of each kind, by plan) or 1-2 applicable noise tags."""
        r = self.rng
        tags: list[str] = []
        if not next(self._clean_plan):
            groups = [NAME_TAGS, DOB_TAGS, ADDRESS_TAGS, ("alias",)]
            gp = np.array([0.40, 0.22, 0.28, 0.10])
            n = 1 if r.random() < 0.65 else 2
            order = r.choice(4, size=4, replace=False, p=gp)
            for g in order:
                ok = [t for t in groups[g] if self._applicable(s, t, has_address)]
                if "moved" in ok and r.random() < 0.6:  # people move; intel lags behind
                    tags.append("moved")
                elif ok:
                    tags.append(str(r.choice(ok)))
                if len(tags) == n:
                    break
        if dob_missing_p and not any(t in DOB_TAGS for t in tags) and r.random() < dob_missing_p:
            tags = tags[:1] + ["dob_missing"]
        return tags

    def _typo(self, word: str) -> str:
        r = self.rng
        letters = [i for i, c in enumerate(word) if c.isalpha()]
        if len(word) < 3 or not letters:
            return word + "e"
        for _ in range(20):
            i = int(r.choice(letters))
            op = int(r.integers(0, 4))
            c = word[i]
            if op == 0:  # substitute
                new = str(r.choice(list("aeioulnrstmdhk")))
                new = new.upper() if c.isupper() else new
                out = word[:i] + new + word[i + 1 :]
            elif op == 1 and i > 0:  # delete (not the initial)
                out = word[:i] + word[i + 1 :]
            elif op == 2:  # double a letter
                out = (
                    word[: i + 1] + c.lower() + word[i + 1 :]
                    if i > 0
                    else word[0] + word[0].lower() + word[1:]
                )
            elif i + 1 < len(word) and word[i + 1].isalpha() and i > 0:  # transpose
                out = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
            else:
                continue
            if out != word and out.lower() != word.lower():
                return out
        return word + "e"

    def _dob_digit(self, dob: int) -> int:
        s = _iso(dob)
        r = self.rng
        for _ in range(50):
            pos = int(r.choice([2, 3, 5, 6, 8, 9]))
            d = str(r.integers(0, 10))
            if d == s[pos]:
                continue
            cand = s[:pos] + d + s[pos + 1 :]
            try:
                v = date.fromisoformat(cand)
            except ValueError:
                continue
            days = _days(v.isoformat())
            if days < self.ref - int(16 * YEAR) and days > _days("1920-01-01"):
                return days
        return dob + 1 if int(s[8:10]) < 28 else dob - 1

    def _noisy_identity(self, s: int, tags: list[str]) -> tuple[str, str, int, tuple | None]:
        """Name and DOB the planted nominal is recorded under, and an alias row if any."""
        r = self.rng
        sur = str(self.s_surname[s])
        fore = str(self.s_forenames[s])
        first = str(self.s_first[s])
        dob = int(self.s_dob[s])
        for t in tags:
            if t == "typo":
                if r.random() < 0.5:
                    parts = fore.split(" ")
                    parts[0] = self._typo(parts[0])
                    fore = " ".join(parts)
                else:
                    sur = self._typo(sur)
            elif t == "nickname":
                fore = str(r.choice(self.pools.nick[first]))
            elif t == "previous_surname":
                if not self.s_prev[s]:
                    self.s_prev[s] = self._surname(sur)
                sur = str(r.choice(str(self.s_prev[s]).split("|")))
            elif t == "swapped":
                sur, fore = first, sur
            elif t == "hyphenated":
                if "-" in sur:
                    sur = str(r.choice(sur.split("-")))
                else:
                    other = self._surname(sur)
                    sur = f"{sur}-{other}" if r.random() < 0.5 else f"{other}-{sur}"
            elif t == "dob_swap":
                iso = _iso(dob)
                dob = _days(f"{iso[:4]}-{iso[8:10]}-{iso[5:7]}")
            elif t == "dob_digit":
                dob = self._dob_digit(dob)
            elif t == "dob_missing":
                dob = int(MISSING)
        alias = None
        if "alias" in tags:
            alias = (sur, fore)
            sex = str(self.s_sex[s])
            sur = self._surname(sur)
            fore = self._forename(sex)
        return sur, fore, dob, alias

    def _self_nominal(
        self, s: int, kind: str, dob_missing_p: float = 0.0, with_address: bool = True
    ) -> tuple[int, list[str]]:
        """The staff member as a nominal with realistic noise; address from their history."""
        r = self.rng
        tags = self._choose_tags(s, with_address, dob_missing_p)
        sur, fore, dob, alias = self._noisy_identity(s, tags)
        pidx = self._nominal(sur, fore, dob, str(self.s_sex[s]))
        if alias is not None:
            alias_dob = int(self.s_dob[s]) if r.random() < 0.5 else int(MISSING)
            self.p_alias.add(pidx, "alias", alias[0], alias[1], alias_dob)
        if with_address:
            rows = self._staff_addr_rows(s)
            row = rows.iloc[int(r.integers(1, len(rows)))] if "moved" in tags else rows.iloc[0]
            dfrom = int(row["date_from"])
            dto = int(row["date_to"]) if row["date_to"] != MISSING else self.ref
            a = self._day(dfrom, dfrom + max(0, (dto - dfrom) // 2))
            if row["date_to"] == MISSING and r.random() < 0.6:
                b = int(MISSING)
            else:
                b = min(self._day(a + 30, dto), dto)
            pvar = int(row["pvar"])  # as HR has it, unless the tag says otherwise
            if "postcode_format" in tags:
                pvar = int(r.choice([v for v in (1, 2, 3) if v != pvar]))
            self.p_addr.add(
                pidx,
                int(row["unit"]),
                int(row["house"]),
                int(row["flat"]),
                int(row["common"]),
                a,
                b,
                -1,
                pvar,
            )
            self._maybe_share_contact(s, pidx)
        return pidx, tags

    def _maybe_share_contact(self, s: int, pidx: int) -> None:
        r = self.rng
        if r.random() < 0.25:
            ph = self.s_phone[self.s_phone["owner"] == s].iloc[0]
            self.p_phone.add(
                pidx,
                ph["code"],
                ph["local"],
                int(r.integers(0, 6)),
                "",
                self._day(self.ref - int(4 * YEAR), self.ref - 30),
                int(MISSING),
            )
        if r.random() < 0.10:
            vs = self.s_veh[self.s_veh["owner"] == s]
            if len(vs):
                self.p_veh.add(
                    pidx,
                    vs.iloc[0]["vrm"],
                    int(r.integers(0, 4)),
                    "owner",
                    self._day(self.ref - int(4 * YEAR), self.ref - 30),
                    int(MISSING),
                )

    def _duty_records(self, pidx: int, s: int, k: int) -> None:
        lo = max(int(self.s_start[s]), self.ref - int(10 * YEAR))
        for _ in range(k):
            role = str(self.rng.choice(sc.DUTY_ROLES, p=[0.55, 0.45]))
            self._record(pidx, role, self._day(lo, self.ref - 1))

    # ---------------------------------------------------------------- planted cases
    def plan_cases(self) -> dict[str, np.ndarray]:
        spec, rng = self.spec, self.rng
        counts = {k: _count(v, spec.staff, spec.enrich) for k, v in RATES_PER_10K.items()}
        need = sum(counts.values())
        order = rng.permutation(spec.staff)
        if need > spec.staff:
            raise ValueError(
                f"{need} planted cases need as many staff; lower enrich or raise staff"
            )
        cases: dict[str, np.ndarray] = {}
        pos = 0
        for kind in sc.TRUTH_KINDS:
            if kind == "self_duty_only":
                continue
            cases[kind] = order[pos : pos + counts[kind]]
            pos += counts[kind]
        rest = order[pos:]
        officers = rest[self.s_type[rest] == "officer"]
        n_officers = int((self.s_type == "officer").sum())
        n_duty = min(len(officers), int(np.floor(DUTY_ONLY_SHARE_OF_OFFICERS * n_officers + 0.5)))
        cases["self_duty_only"] = np.sort(officers[:n_duty])
        left = rest[~np.isin(rest, cases["self_duty_only"])]
        n_rel = min(len(left), _count(NEG_RELATIVE_PER_10K, spec.staff, spec.enrich))
        n_past = min(len(left) - n_rel, _count(NEG_PAST_OCCUPANT_PER_10K, spec.staff, spec.enrich))
        self.neg_relative = left[:n_rel]
        self.neg_past = left[n_rel : n_rel + n_past]
        self.planted_staff = set(order[:pos].tolist())
        return cases

    def plant(self, cases: dict[str, np.ndarray]) -> None:
        self._make_common_addresses()
        for kind in sc.TRUTH_KINDS:
            n = len(cases[kind])
            clean = np.arange(n) < int(np.floor(CLEAN_SHARE * n + 0.5))
            self._clean_plan = iter(self.rng.permutation(clean).tolist())
            for s in cases[kind]:
                getattr(self, f"_plant_{kind}")(int(s))
        for s in self.neg_relative:
            self._plant_neg_relative(int(s))
        for s in self.neg_past:
            self._plant_neg_past(int(s))

    def _new_info_window(self, s: int) -> tuple[int, int]:
        lo = max(int(self.s_start[s]) + 30, self.ref - int(5 * YEAR))
        return min(lo, self.ref - 60), self.ref - 7

    def _plant_self_criminal(self, s: int) -> None:
        r = self.rng
        pidx, tags = self._self_nominal(s, "self_criminal")
        lo, hi = self._new_info_window(s)
        self._criminal_history(pidx, lo, hi, markers_p=0.3)
        if r.random() < 0.2:
            self._record(pidx, str(r.choice(sc.WELFARE_ROLES)), self._day(lo, hi))
        if self.s_type[s] == "officer" and r.random() < 0.3:
            self._duty_records(pidx, s, int(r.integers(1, 4)))
        if r.random() < 0.10:  # an unrelated, older declared matter: does not make this known
            d = self._day(int(self.s_dob[s]) + int(17 * YEAR), lo - int(2 * YEAR))
            if d < lo - int(YEAR):
                self.hist.add(s, "conviction", "traffic", d, "Fine and 6 penalty points")
        self.truth.append((s, pidx, "self_criminal", tags, None))

    def _plant_self_welfare(self, s: int) -> None:
        r = self.rng
        pidx, tags = self._self_nominal(s, "self_welfare")
        lo, hi = self._new_info_window(s)
        for _ in range(int(r.choice([1, 2], p=[0.7, 0.3]))):
            self._record(pidx, str(r.choice(sc.WELFARE_ROLES, p=[0.7, 0.3])), self._day(lo, hi))
        if self.s_type[s] == "officer" and r.random() < 0.3:
            self._duty_records(pidx, s, int(r.integers(1, 4)))
        self.truth.append((s, pidx, "self_welfare", tags, None))

    def _plant_self_duty_only(self, s: int) -> None:
        r = self.rng
        pidx, tags = self._self_nominal(s, "self_duty_only", dob_missing_p=0.6, with_address=False)
        self._duty_records(pidx, s, int(r.choice([1, 2, 3, 4, 5], p=[0.3, 0.25, 0.2, 0.15, 0.1])))
        self.truth.append((s, pidx, "self_duty_only", tags, None))

    def _plant_self_known(self, s: int) -> None:
        r = self.rng
        pidx, tags = self._self_nominal(s, "self_known")
        p = DECLARED_CAT_P / DECLARED_CAT_P.sum()
        cat = str(r.choice(CRIME_CATS, p=p))
        disposal = str(r.choice(sc.DISPOSALS, p=[0.6, 0.4]))
        adult = int(self.s_dob[s]) + int(17 * YEAR)
        if r.random() < 0.7:
            d = self._day(adult, int(self.s_start[s]) - 60)
        else:
            d = self._day(int(self.s_start[s]) + 30, self.ref - 90)
        self.hist.add(s, disposal, cat, d, self._sentence(disposal, cat))
        outcome = "convicted" if disposal == "conviction" else "cautioned"
        rec_day = min(d + self._day(0, 30), self.ref - 1)
        force = HOME_FORCE if r.random() < 0.6 else str(r.choice(OTHER_FORCES))
        area = str(r.choice(["crime", "custody"]))
        self.p_rec.add(pidx, area, rec_day, force, "", "offender", cat, outcome)
        self.truth.append((s, pidx, "self_known", tags, None))

    def _sentence(self, disposal: str, cat: str) -> str:
        r = self.rng
        if disposal == "caution":
            return str(r.choice(["", "Simple caution", "Conditional caution"]))
        if cat == "traffic":
            return str(
                r.choice(
                    [
                        "Fine and 3 penalty points",
                        "Fine and 6 penalty points",
                        "Disqualified 12 months",
                        "Fine",
                    ]
                )
            )
        return str(r.choice(["Fine", "Conditional discharge", "Community order", ""]))

    def _overlap_link(self, dfrom: int, dto: int, not_before: int | None = None) -> tuple[int, int]:
        """A (from, to) overlapping [dfrom, dto] (dto: MISSING = current) by >= 60 days."""
        r = self.rng
        end = self.ref if dto == MISSING else int(dto)
        lo = dfrom - int(2 * YEAR) if not_before is None else max(not_before, dfrom - int(2 * YEAR))
        a = self._day(lo, end - 90)
        lo_to = max(a, dfrom) + 60
        b = int(MISSING) if r.random() < 0.5 or lo_to >= end else self._day(lo_to, end)
        return a, b

    def _link_address(self, s: int, pidx: int, lvar: int = -1, pvar: int = -1) -> tuple[int, int]:
        row = self._current_addr(s)
        a, b = self._overlap_link(int(row["date_from"]), int(row["date_to"]))
        self.p_addr.add(
            pidx,
            int(row["unit"]),
            int(row["house"]),
            int(row["flat"]),
            int(row["common"]),
            a,
            b,
            lvar,
            pvar,
        )
        return a, b

    def _link_phone(self, s: int, pidx: int, lo: int) -> None:
        r = self.rng
        ph = self.s_phone[self.s_phone["owner"] == s].iloc[0]
        var = int(r.choice([v for v in range(6) if v != int(ph["var"])]))
        a = self._day(lo, self.ref - 90)
        b = int(MISSING) if r.random() < 0.7 else self._day(a + 60, self.ref)
        self.p_phone.add(pidx, ph["code"], ph["local"], var, "", a, b)

    def _link_vehicle(self, s: int, pidx: int, lo: int) -> bool:
        r = self.rng
        vs = self.s_veh[self.s_veh["owner"] == s]
        if not len(vs):
            vrm = self._vrm()
            self.s_veh = pd.concat(
                [self.s_veh, pd.DataFrame({"owner": [s], "vrm": [vrm], "var": [0]})],
                ignore_index=True,
            )
            self.staff_vrm_keys.add(vrm)
            vs = self.s_veh[self.s_veh["owner"] == s]
        v = vs.iloc[0]
        var = int(r.choice([x for x in range(4) if x != int(v["var"])]))
        a = self._day(lo, self.ref - 90)
        b = int(MISSING) if r.random() < 0.7 else self._day(a + 60, self.ref)
        role = str(r.choice(sc.VEHICLE_ROLES, p=[0.3, 0.45, 0.25]))
        self.p_veh.add(pidx, v["vrm"], var, role, a, b)
        return True

    def _plant_assoc_address(self, s: int) -> None:
        row = self._current_addr(s)
        lo = int(row["date_from"]) - int(2 * YEAR)
        c = self._criminal_nominal(str(self.s_surname[s]), lo)
        self._link_address(s, c, pvar=int(self.rng.choice(4, p=[0.8, 0.1, 0.05, 0.05])))
        self.truth.append((s, c, "assoc_address", [], None))

    def _plant_assoc_phone(self, s: int) -> None:
        lo = self.ref - int(3 * YEAR)
        c = self._criminal_nominal(str(self.s_surname[s]), lo)
        self._link_phone(s, c, lo)
        self.truth.append((s, c, "assoc_phone", [], None))

    def _plant_assoc_vehicle(self, s: int) -> None:
        lo = self.ref - int(3 * YEAR)
        c = self._criminal_nominal(str(self.s_surname[s]), lo)
        self._link_vehicle(s, c, lo)
        self.truth.append((s, c, "assoc_vehicle", [], None))

    def _plant_assoc_named(self, s: int) -> None:
        r = self.rng
        own, tags = self._self_nominal(s, "assoc_named")
        lo = self.ref - int(4 * YEAR)
        if r.random() < 0.5:
            self._record(own, "other", self._day(lo, self.ref - 7))
        c = self._criminal_nominal(str(self.s_surname[s]), lo)
        kind = str(r.choice(["associate", "family", "gang_member"], p=[0.8, 0.15, 0.05]))
        a, b = (own, c) if r.random() < 0.5 else (c, own)
        self.p_assoc.add(a, b, kind, self._day(lo, self.ref - 30))
        self.truth.append((s, c, "assoc_named", tags, own))

    def _relative_identity(self, s: int) -> tuple[str, str, int, str]:
        """A relative: same surname, a different forename and date of birth."""
        r = self.rng
        dob = int(self.s_dob[s])
        rel = str(r.choice(["parent", "child", "sibling", "spouse"], p=[0.3, 0.25, 0.3, 0.15]))
        staff_sex = str(self.s_sex[s])
        if rel == "parent":
            d = dob - int(r.uniform(20, 40) * YEAR)
        elif rel == "child":
            d = min(dob + int(r.uniform(20, 35) * YEAR), self.ref - int(16.5 * YEAR))
        elif rel == "sibling":
            d = dob + int(r.choice([-1, 1]) * r.uniform(1, 8) * YEAR)
            d = min(d, self.ref - int(16.5 * YEAR))
        else:
            d = dob + int(r.uniform(-8, 8) * YEAR)
            d = min(d, self.ref - int(18 * YEAR))
        if abs(d - dob) < 200:
            d = dob - 400
        other_sex = "F" if staff_sex == "M" else "M"
        sex = other_sex if rel == "spouse" else str(r.choice(["M", "F"]))
        while True:
            fore = self._forename(sex)
            if fore.split(" ")[0] != str(self.s_first[s]):
                break
        return fore, sex, d, rel

    def _plant_relative(self, s: int, declared: bool, kind: str) -> None:
        r = self.rng
        fore, sex, d, rel = self._relative_identity(s)
        row = self._current_addr(s)
        decl_day = None
        lo = int(row["date_from"]) - int(2 * YEAR)
        if declared:
            last = self.ref - int(2 * YEAR)
            decl_day = self._day(min(max(int(self.s_start[s]), lo), last), last)
            lo = decl_day + 30
        pidx = self._nominal(str(self.s_surname[s]), fore, d, sex)
        self._criminal_history(pidx, max(lo, d + int(16 * YEAR)), self.ref - 7)
        a, b = self._overlap_link(
            int(row["date_from"]), int(row["date_to"]), decl_day + 30 if declared else None
        )
        self.p_addr.add(
            pidx,
            int(row["unit"]),
            int(row["house"]),
            int(row["flat"]),
            int(row["common"]),
            a,
            b,
            -1,
            -1,
        )
        if declared:
            self.decl.add(
                s,
                str(self.s_surname[s]),
                fore,
                d if r.random() < 0.7 else int(MISSING),
                rel if rel != "spouse" or r.random() < 0.7 else "relative",
                decl_day,
            )
        self.truth.append((s, pidx, kind, [], None))

    def _plant_assoc_relative_undeclared(self, s: int) -> None:
        self._plant_relative(s, False, "assoc_relative_undeclared")

    def _plant_assoc_relative_declared(self, s: int) -> None:
        self._plant_relative(s, True, "assoc_relative_declared")

    def _plant_assoc_declared(self, s: int) -> None:
        r = self.rng
        start = int(self.s_start[s])
        last = self.ref - int(2 * YEAR)
        decl_day = self._day(min(max(start, self.ref - int(8 * YEAR)), last), last)
        lo = decl_day + 30
        c = self._criminal_nominal(str(self.s_surname[s]), lo)
        how = str(r.choice(["address", "phone", "vehicle"], p=[0.5, 0.3, 0.2]))
        if how == "address":
            rel = "partner"
            row = self._current_addr(s)
            a, b = self._overlap_link(int(row["date_from"]), int(row["date_to"]), lo)
            self.p_addr.add(
                c,
                int(row["unit"]),
                int(row["house"]),
                int(row["flat"]),
                int(row["common"]),
                a,
                b,
                -1,
                -1,
            )
        elif how == "phone":
            rel = str(r.choice(["friend", "other"]))
            self._link_phone(s, c, lo)
        else:
            rel = str(r.choice(["friend", "partner"]))
            self._link_vehicle(s, c, lo)
        sur, fore, dob, _ = self.p_noms[c]
        if r.random() < 0.4:
            fore = fore.split(" ")[0]
        self.decl.add(s, sur, fore, dob if r.random() < 0.7 else int(MISSING), rel, decl_day)
        self.truth.append((s, c, "assoc_declared", [], None))

    def _plant_assoc_common_address(self, s: int) -> None:
        r = self.rng
        # section houses are police accommodation (officers); anyone may live in a big block
        ok = ("section_house", "block") if self.s_type[s] == "officer" else ("block",)
        homes = [i for i, k in enumerate(self.uni.common_kind) if k in ok]
        ci = int(r.choice(homes))
        row_idx = self.s_addr_start[s]
        self.s_addr.loc[row_idx, ["unit", "house", "flat", "common"]] = [-1, 0, 0, ci]
        row = self._current_addr(s)
        lo = int(row["date_from"]) - int(2 * YEAR)
        c = self._criminal_nominal(str(self.s_surname[s]), lo)
        a, b = self._overlap_link(int(row["date_from"]), int(row["date_to"]))
        self.p_addr.add(c, -1, 0, 0, ci, a, b, -1, -1)
        self.truth.append((s, c, "assoc_common_address", [], None))

    def _plant_hard_negative_name_dob(self, s: int) -> None:
        r = self.rng
        fore = str(self.s_forenames[s]) if r.random() < 0.5 else str(self.s_first[s])
        pidx = self._nominal(str(self.s_surname[s]), fore, int(self.s_dob[s]), str(self.s_sex[s]))
        lo = max(int(self.s_dob[s]) + int(16 * YEAR), self.ref - int(10 * YEAR))
        if r.random() < 0.6:
            self._criminal_history(pidx, lo, self.ref - 7)
        else:
            self._record(pidx, str(r.choice(sc.WELFARE_ROLES)), self._day(lo, self.ref - 7))
        u, h, f = self._random_address_tuple()
        a = self._day(lo, self.ref - 400)
        self.p_addr.add(pidx, u, h, f, -1, a, int(MISSING), -1, -1)
        self.truth.append((s, pidx, "hard_negative_name_dob", [], None))

    def _plant_neg_relative(self, s: int) -> None:
        """Not in truth: a non-criminal relative at the staff member's current address."""
        r = self.rng
        fore, sex, d, _ = self._relative_identity(s)
        if r.random() < 0.2:  # father/son with the same forename, decades apart
            fore = str(self.s_first[s])
            sex = str(self.s_sex[s])
            d = int(self.s_dob[s]) - int(r.uniform(22, 35) * YEAR)
        pidx = self._nominal(str(self.s_surname[s]), fore, d, sex)
        self._link_address(s, pidx)
        lo = max(d + int(16 * YEAR), self.ref - int(8 * YEAR))
        role = str(r.choice(["victim", "witness", "other"], p=[0.5, 0.3, 0.2]))
        self._record(pidx, role, self._day(lo, self.ref - 7))

    def _plant_neg_past(self, s: int) -> None:
        """Not in truth: a criminal nominal who lived at the address before the staff member."""
        row = self._current_addr(s)
        moved_in = int(row["date_from"])
        c = self._criminal_nominal(str(self.s_surname[s]), moved_in - int(8 * YEAR))
        b = moved_in - self._day(30, 400)
        a = b - self._day(180, 1500)
        self.p_addr.add(
            c,
            int(row["unit"]),
            int(row["house"]),
            int(row["flat"]),
            int(row["common"]),
            a,
            b,
            -1,
            -1,
        )

    def _make_common_addresses(self) -> None:
        r = self.rng
        k = max(6, self.spec.nominals // 20_000)
        kinds = ["section_house", "block", "hostel", "custody"]
        uni = self.uni
        for i in range(k):
            kind = kinds[i % 4] if i < 4 else str(r.choice(kinds, p=[0.25, 0.35, 0.25, 0.15]))
            unit = int(
                self._draw_units(1, self.staff_w if kind == "section_house" else self.intel_w)[0]
            )
            house = int(uni.base[unit]) + 2 * HOUSES_PER_UNIT  # outside the unit's normal run
            town = str(TOWNS[uni.town[unit]][0])
            street = str(uni.street[unit])
            word = str(r.choice(self.pools.words))
            if kind == "section_house":
                line = f"{word} Section House, {house} {street}, {town}"
            elif kind == "block":
                line = f"{word} {r.choice(['House', 'Court', 'Tower'])}, {street}, {town}"
            elif kind == "hostel":
                line = f"{word} Hostel, {house} {street}, {town}"
            else:
                line = f"Custody Suite, {word} Police Station, {house} {street}, {town}"
            uni.common_kind.append(kind)
            uni.common_line.append(line)
            uni.common_postcode.append(str(uni.postcode[unit]))
            uni.common_town.append(int(uni.town[unit]))

    # ---------------------------------------------------------------- staff-side registers
    def build_registers(self) -> None:
        r, n = self.rng, self.spec.staff
        free = np.setdiff1d(np.arange(n), np.fromiter(self.planted_staff, dtype=np.int64))
        # declared associations (mostly relatives not in intel)
        k = max(0, int(round(DECLARED_ASSOC_SHARE * n)) - len(self.decl.rows))
        who = np.sort(r.choice(free, size=min(k, len(free)), replace=False))
        rels = np.array(sc.RELATIONSHIPS)
        rel = r.choice(rels, size=len(who), p=[0.1, 0.05, 0.2, 0.15, 0.2, 0.15, 0.1, 0.05])
        family = np.isin(rel, ["spouse", "parent", "child", "sibling"]) & (r.random(len(who)) < 0.8)
        sex = np.where(r.random(len(who)) < 0.5, "M", "F").astype(object)
        fore = self._draw_forenames(sex)
        sur = np.where(family, self.s_surname[who], self._draw_surnames(len(who)))
        dob = np.where(
            r.random(len(who)) < 0.7,
            self.s_dob[who] + (r.normal(0, 14, len(who)) * YEAR).astype(np.int64),
            MISSING,
        )
        dob = np.where(
            (dob != MISSING) & (dob > self.ref - int(17 * YEAR)), self.ref - int(17 * YEAR), dob
        )
        lo = np.maximum(self.s_start[who], self.ref - int(15 * YEAR))
        day = lo + (r.random(len(who)) * np.maximum(self.ref - 1 - lo, 1)).astype(np.int64)
        for row in zip(who, sur, fore, dob, rel, day, strict=True):
            self.decl.add(int(row[0]), row[1], row[2], int(row[3]), str(row[4]), int(row[5]))
        # declared history (mostly traffic), beside the self_known cases planted above
        k = max(0, int(round(DECLARED_HISTORY_SHARE * n)) - len(self.hist.rows))
        who = np.sort(r.choice(free, size=min(k, len(free)), replace=False))
        p = DECLARED_CAT_P / DECLARED_CAT_P.sum()
        for s in who:
            s = int(s)
            cat = str(r.choice(CRIME_CATS, p=p))
            disposal = str(r.choice(sc.DISPOSALS, p=[0.65, 0.35]))
            adult = int(self.s_dob[s]) + int(17 * YEAR)
            d = self._day(adult, max(adult, int(self.s_start[s]) - 60))
            self.hist.add(s, disposal, cat, d, self._sentence(disposal, cat))

    def build_outcomes(self) -> None:
        """misconduct_outcomes for about MISCONDUCT_OUTCOME_SHARE of staff (1-2 each).

        Drawn from a random stream of its own, so every other table is the same with or
        without it. Only staff with a vehicle are chosen: the planted defects prefer staff with
        the fewest child rows (one address, one phone, no vehicle), so they never fall on these
        staff and their quarantine cascade is unchanged.
        """
        r = np.random.default_rng([self.spec.seed, 4243])
        n = self.spec.staff
        k = int(round(MISCONDUCT_OUTCOME_SHARE * n))
        has_vehicle = np.zeros(n, dtype=bool)
        has_vehicle[self.s_veh["owner"].to_numpy(dtype=np.int64)] = True
        cand = np.flatnonzero(has_vehicle)
        if k <= 0 or not len(cand):
            return
        status = self.staff_cols["vetting_status"][cand]
        w = np.where(np.isin(status, ["under_review", "withdrawn"]), MISCONDUCT_VETTING_WEIGHT, 1.0)
        who = np.sort(r.choice(cand, size=min(k, len(cand)), replace=False, p=w / w.sum()))
        kinds = np.array(list(MISCONDUCT_OUTCOME_P))
        p = np.array(list(MISCONDUCT_OUTCOME_P.values()))
        earliest = self.ref - int(MISCONDUCT_OUTCOME_YEARS * YEAR)
        for s in who:
            s = int(s)
            lo = min(max(earliest, int(self.s_start[s]) + 30), self.ref)
            for _ in range(1 if r.random() < 0.75 else 2):
                outcome = str(r.choice(kinds, p=p))
                if outcome == "reduction_in_rank" and self.s_type[s] != "officer":
                    outcome = "final_written_warning"
                day = lo + int(r.integers(0, self.ref - lo + 1))
                self.outc.add(s, outcome, day)

    def _open_matters(self, staff_id: np.ndarray) -> pd.DataFrame:
        """open_matters: live investigations on about OPEN_MATTER_SHARE of staff.

        A random stream of its own (every other table is unchanged), only staff in no planted
        case (so no planted flag is excluded by one) and with a vehicle (so the planted
        defects, which fall on staff with the fewest child rows, never cascade into it).
        """
        r = np.random.default_rng([self.spec.seed, 4244])
        n = self.spec.staff
        in_truth = np.zeros(n, dtype=bool)
        in_truth[[int(t[0]) for t in self.truth]] = True
        has_vehicle = np.zeros(n, dtype=bool)
        has_vehicle[self.s_veh["owner"].to_numpy(dtype=np.int64)] = True
        cand = np.flatnonzero(has_vehicle & ~in_truth)
        k = min(int(round(OPEN_MATTER_SHARE * n)), len(cand))
        who = np.sort(r.choice(cand, size=k, replace=False)) if k else np.zeros(0, dtype=int)
        earliest = self.ref - int(2 * YEAR)
        days = earliest + r.integers(0, self.ref - earliest + 1, size=k)
        return pd.DataFrame(
            {
                "matter_id": _ids("PSD", np.arange(1, k + 1), 5),
                "staff_id": staff_id[who],
                "matter_type": r.choice(np.array(sc.OPEN_MATTER_TYPES), size=k),
                "offence_category": r.choice(np.array(sc.OFFENCE_CATEGORIES), size=k),
                "opened_date": _date_strings(days.astype(np.int64)),
            }
        )

    # ---------------------------------------------------------------- background intel
    def build_background(self) -> None:
        rng, ref = self.rng, self.ref
        b = max(0, self.spec.nominals - len(self.p_noms))
        self.n_bg = b
        # kind: 0 criminal, 1 victim/witness only, 2 other/intelligence only
        kind = rng.choice(3, size=b, p=[0.55, 0.30, 0.15])
        male_p = np.where(kind == 0, 0.78, 0.5)
        u = rng.random(b)
        sex = np.where(u < 0.01, "U", np.where(u < 0.01 + male_p, "M", "F")).astype(object)
        age = np.where(kind == 0, 16 + rng.gamma(2.5, 7.0, b), 16 + rng.gamma(2.0, 12.0, b))
        age = np.minimum(age, 95)
        dob = (ref - age * YEAR - rng.integers(0, 365, b)).astype(np.int64)
        first = self._draw_forenames(sex)
        sur = self._draw_surnames(b, 0.015)
        # hard negatives: the most common name pairs, and namesakes of staff (different DOB)
        n_common = int(0.03 * b)
        if n_common and b:
            idx = rng.choice(b, size=n_common, replace=False)
            top_m, top_f = self.pools.male[:15], self.pools.female[:15]
            first[idx] = np.where(
                sex[idx] == "F",
                top_f[rng.integers(0, 15, n_common)],
                top_m[rng.integers(0, 15, n_common)],
            )
            sur[idx] = self.pools.surname[rng.integers(0, 15, n_common)]
        n_ns = min(int(NAMESAKES_PER_STAFF * self.spec.staff), b // 10)
        if n_ns:
            idx = rng.choice(b, size=n_ns, replace=False)
            st = rng.integers(0, self.spec.staff, n_ns)
            first[idx] = self.s_first[st]
            sur[idx] = self.s_surname[st]
            sex[idx] = self.s_sex[st]
            # a DOB differing in year, month and day (no single typo or swap explains it)
            sd = self.s_dob[st].astype("datetime64[D]")
            y = sd.astype("datetime64[Y]").astype(int) + 1970
            m = sd.astype("datetime64[M]").astype(int) % 12 + 1
            d = (sd - sd.astype("datetime64[M]")).astype(int) + 1
            y2 = y + rng.choice([-1, 1], n_ns) * rng.integers(2, 20, n_ns)
            m2 = (m - 1 + rng.integers(1, 12, n_ns)) % 12 + 1
            d2 = (d - 1 + rng.integers(1, 27, n_ns)) % 28 + 1
            new = (
                (y2 - 1970).astype("datetime64[Y]").astype("datetime64[M]")
                + (m2 - 1).astype("timedelta64[M]")
            ).astype("datetime64[D]") + (d2 - 1).astype("timedelta64[D]")
            dob[idx] = np.minimum(new.astype(np.int64), ref - int(16.2 * YEAR))
        forenames = self._with_middle(first, sex, 0.25)
        dob[rng.random(b) < 0.04] = MISSING
        self.bg_kind, self.bg_sex, self.bg_dob = kind, sex, dob
        self.bg_sur, self.bg_fore = sur, forenames
        self._bg_addresses()  # may give household members a relative's surname
        self._drop_name_dob_collisions(self.bg_sur, first, dob)
        self._bg_phones_vehicles()
        self._bg_records_markers()
        self._bg_aliases()
        self._bg_associations()

    def _drop_name_dob_collisions(self, sur, first, dob) -> None:
        """Re-draw the DOB of background nominals that share name and DOB with staff."""
        staff_key = set(
            (
                pd.Series(self.s_surname, dtype="str").str.lower()
                + "|"
                + pd.Series(self.s_first, dtype="str").str.lower()
                + "|"
                + pd.Series(self.s_dob.astype(str), dtype="str")
            ).tolist()
        )
        for _ in range(20):
            key = (
                pd.Series(sur, dtype="str").str.lower()
                + "|"
                + pd.Series(first, dtype="str").str.lower()
                + "|"
                + pd.Series(dob.astype(str), dtype="str")
            )
            hit = np.flatnonzero(key.isin(staff_key).to_numpy() & (dob != MISSING))
            if not len(hit):
                return
            dob[hit] = dob[hit] - self.rng.integers(400, 4000, len(hit))

    def _bg_addresses(self) -> None:
        rng, ref, b = self.rng, self.ref, self.n_bg
        n_addr = rng.choice([0, 1, 2, 3], size=b, p=[0.10, 0.50, 0.28, 0.12])
        owner = np.repeat(np.arange(b), n_addr)
        slot = np.arange(len(owner)) - np.repeat(np.cumsum(n_addr) - n_addr, n_addr)
        m = len(owner)
        unit, house, flat = self._draw_addresses(m, self.intel_w, 0.12)
        for _ in range(50):
            key = self._addr_key(unit, house, flat, np.full(m, -1))
            hit = np.flatnonzero(np.isin(key, np.fromiter(self.staff_addr_keys, dtype=np.int64)))
            if not len(hit):
                break
            unit[hit], house[hit], flat[hit] = self._draw_addresses(len(hit), self.intel_w, 0.12)
        dob = self.bg_dob[owner]
        adult = np.where(dob == MISSING, ref - int(30 * YEAR), dob + int(16 * YEAR))
        # slot 0 most recent; each earlier slot ends before the later one starts
        span_end = np.full(m, ref)
        date_to = np.full(m, MISSING)
        date_from = np.zeros(m, dtype=np.int64)
        current = rng.random(m) < 0.6
        for k in range(4):
            at = slot == k
            if k == 0:
                end = np.where(
                    current[at], ref, ref - rng.integers(30, int(5 * YEAR), int(at.sum()))
                )
                date_to[at] = np.where(current[at], MISSING, end)
            else:
                end = span_end[at] - rng.integers(0, 90, int(at.sum()))
                date_to[at] = end
            length = rng.integers(90, int(6 * YEAR), int(at.sum()))
            date_from[at] = np.maximum(end - length, adult[at])
            if k < 3:
                nxt = slot == k + 1
                # pass each owner's start forward to its next-earlier slot
                starts = pd.Series(date_from[at], index=owner[at])
                span_end[nxt] = starts.reindex(owner[nxt]).to_numpy()
        bad = (date_to != MISSING) & (date_to < date_from + 30)
        date_to[bad] = np.minimum(date_from[bad] + 30, ref)
        frame = pd.DataFrame(
            {
                "owner": owner,
                "unit": unit,
                "house": house,
                "flat": flat,
                "common": np.full(m, -1),
                "date_from": date_from,
                "date_to": date_to,
                "lvar": np.full(m, -1),
                "pvar": rng.choice(4, size=m, p=[0.95, 0.03, 0.01, 0.01]),
            }
        )
        # households: some nominals live with a relative (same surname) at their current address
        cur = frame[(frame["date_to"] == MISSING)]
        n_hh = int(0.05 * b)
        extra = []
        if len(cur) and n_hh:
            src = cur.iloc[rng.integers(0, len(cur), n_hh)]
            homeless = np.flatnonzero(n_addr == 0)
            who = rng.choice(homeless, size=min(n_hh, len(homeless)), replace=False)
            src = src.iloc[: len(who)]
            ok = ~np.isin(who, src["owner"].to_numpy())
            hh = src[ok].copy()
            hh["owner"] = who[ok]
            self.bg_sur[who[ok]] = self.bg_sur[src["owner"].to_numpy()[ok]]
            hh["date_from"] = np.minimum(hh["date_from"] + rng.integers(0, 700, len(hh)), ref - 1)
            hh["date_to"] = MISSING
            extra.append(hh)
        # common addresses: hostels, custody suites, section houses, blocks (20-200 each)
        k = len(self.uni.common_kind)
        occ = rng.integers(20, 201, k)
        if occ.sum() > 0.05 * b:
            occ = np.maximum(20, (occ * 0.05 * b / occ.sum()).astype(int))
        if b >= occ.sum():
            who = rng.choice(b, size=int(occ.sum()), replace=False)
            ci = np.repeat(np.arange(k), occ)
            n = len(who)
            df = rng.integers(0, int(6 * YEAR), n)
            a = ref - df
            bb = np.where(
                rng.random(n) < 0.4, MISSING, np.minimum(a + rng.integers(7, 400, n), ref)
            )
            extra.append(
                pd.DataFrame(
                    {
                        "owner": who,
                        "unit": np.full(n, -1),
                        "house": np.zeros(n, dtype=np.int64),
                        "flat": np.zeros(n, dtype=np.int64),
                        "common": ci,
                        "date_from": a,
                        "date_to": bb,
                        "lvar": np.full(n, -1),
                        "pvar": np.zeros(n, dtype=np.int64),
                    }
                )
            )
        self.bg_addr = _compact(pd.concat([frame, *extra], ignore_index=True))

    def _bg_phones_vehicles(self) -> None:
        rng, ref, b = self.rng, self.ref, self.n_bg
        nph = rng.choice([0, 1, 2], size=b, p=[0.5, 0.4, 0.1])
        owner = np.repeat(np.arange(b), nph)
        m = len(owner)
        code, local = self._mobiles(m)
        for _ in range(50):
            hit = np.flatnonzero(
                pd.Series(code + local, dtype="str").isin(self.staff_phone_keys).to_numpy()
            )
            if not len(hit):
                break
            code[hit], local[hit] = self._mobiles(len(hit))
        a = ref - rng.integers(30, int(10 * YEAR), m)
        bb = np.where(
            rng.random(m) < 0.5, MISSING, np.minimum(a + rng.integers(30, int(3 * YEAR), m), ref)
        )
        self.bg_phone = _compact(
            pd.DataFrame(
                {
                    "owner": owner,
                    "code": code,
                    "local": local,
                    "var": rng.integers(0, 6, m),
                    "ptype": "",
                    "date_from": a,
                    "date_to": bb,
                }
            )
        )
        nv = rng.choice([0, 1, 2], size=b, p=[0.85, 0.12, 0.03])
        owner = np.repeat(np.arange(b), nv)
        m = len(owner)
        vrm = self._vrms(m)
        for _ in range(50):
            hit = np.flatnonzero(pd.Series(vrm, dtype="str").isin(self.staff_vrm_keys).to_numpy())
            if not len(hit):
                break
            vrm[hit] = self._vrms(len(hit))
        a = ref - rng.integers(30, int(10 * YEAR), m)
        bb = np.where(
            rng.random(m) < 0.5, MISSING, np.minimum(a + rng.integers(30, int(3 * YEAR), m), ref)
        )
        self.bg_veh = _compact(
            pd.DataFrame(
                {
                    "owner": owner,
                    "vrm": vrm,
                    "var": rng.choice(4, size=m, p=[0.6, 0.25, 0.1, 0.05]),
                    "role": rng.choice(np.array(sc.VEHICLE_ROLES), size=m, p=[0.5, 0.35, 0.15]),
                    "date_from": a,
                    "date_to": bb,
                }
            )
        )

    def _bg_records_markers(self) -> None:
        rng, ref, b = self.rng, self.ref, self.n_bg
        nrec = rng.choice([1, 2, 3], size=b, p=[0.5, 0.3, 0.2])
        owner = np.repeat(np.arange(b), nrec)
        m = len(owner)
        kind = self.bg_kind[owner]
        # Records hold codes into small vocabularies (categoricals), not a Python str per cell.
        # Each draw is the same as drawing the strings themselves (choice of n == of n items).
        role = np.empty(m, dtype=np.int8)
        for k, p in (
            (0, [0.52, 0.36, 0.07, 0.05, 0, 0, 0]),
            (1, [0, 0, 0.65, 0.35, 0, 0, 0]),
            (2, [0, 0, 0, 0, 0, 0, 1.0]),
        ):
            at = kind == k
            role[at] = rng.choice(len(sc.ROLES), size=int(at.sum()), p=p)
        crim = np.isin(role, _codes(sc.ROLES, sc.CRIMINAL_ROLES))
        welf = np.isin(role, _codes(sc.ROLES, sc.WELFARE_ROLES))
        offence = np.empty(m, dtype=np.int8)
        offence[crim] = rng.choice(
            len(CRIME_CATS), size=int(crim.sum()), p=CRIMINAL_CAT_P / CRIMINAL_CAT_P.sum()
        )
        offence[welf] = rng.choice(
            len(CRIME_CATS), size=int(welf.sum()), p=VICTIM_CAT_P / VICTIM_CAT_P.sum()
        )
        oth = ~(crim | welf)
        offence[oth] = rng.choice(
            len(CRIME_CATS), size=int(oth.sum()), p=CRIMINAL_CAT_P / CRIMINAL_CAT_P.sum()
        )
        suspect = role == sc.ROLES.index("suspect")
        offender = role == sc.ROLES.index("offender")
        areas = sc.BUSINESS_AREAS
        u = rng.random(m)
        area = np.select(
            [
                (offence == sc.OFFENCE_CATEGORIES.index("domestic_abuse")) & (u < 0.6),
                suspect & (u < 0.4),
                suspect & (u < 0.8),
                suspect,
                offender & (u < 0.55),
                offender,
                welf & (u < 0.9),
                welf,
                u < 0.6,
                u < 0.8,
            ],
            _codes(
                areas,
                (
                    "domestic_abuse",
                    "intelligence",
                    "crime",
                    "custody",
                    "crime",
                    "custody",
                    "crime",
                    "child_protection",
                    "intelligence",
                    "child_protection",
                ),
            ),
            areas.index("crime"),
        ).astype(np.int8)
        del u
        intelligence = area == areas.index("intelligence")
        v = rng.random(m)
        outcome = np.select(
            [
                intelligence,
                suspect & (v < 0.3),
                suspect & (v < 0.6),
                suspect,
                offender & (v < 0.6),
                offender & (v < 0.85),
                offender,
            ],
            _codes(
                sc.OUTCOMES,
                (
                    "intelligence_only",
                    "under_investigation",
                    "charged",
                    "no_further_action",
                    "convicted",
                    "cautioned",
                    "charged",
                ),
            ),
            sc.OUTCOMES.index("not_applicable"),
        ).astype(np.int8)
        del v, crim, welf, oth, suspect, offender
        dob = self.bg_dob[owner]
        lo = np.maximum(
            np.where(dob == MISSING, ref - int(15 * YEAR), dob + int(12 * YEAR)),
            ref - int(25 * YEAR),
        )
        lo = np.minimum(lo, ref - 30)
        day = lo + (rng.random(m) * (ref - 1 - lo)).astype(np.int64)
        del dob, lo
        home = rng.random(m) < 0.4  # FORCES[0] is the home force
        force = np.where(home, 0, 1 + rng.choice(len(OTHER_FORCES), size=m)).astype(np.int8)
        del home
        grading = np.zeros(m, dtype=np.int8)  # GRADINGS[0] is '' (not intelligence)
        gi = np.flatnonzero(intelligence)
        if len(gi):
            source = rng.choice(len(GRADING_SOURCE), size=len(gi), p=[0.3, 0.5, 0.2])
            assessment = rng.choice(
                len(GRADING_ASSESSMENT), size=len(gi), p=[0.2, 0.35, 0.3, 0.1, 0.05]
            )
            handling = rng.choice(len(GRADING_HANDLING), size=len(gi), p=[0.85, 0.15])
            grading[gi] = _grading_code(source, assessment, handling)
        self.bg_rec = _compact(
            pd.DataFrame(
                {
                    "owner": owner,
                    "area": pd.Categorical.from_codes(area, categories=list(areas)),
                    "date": day,
                    "force": pd.Categorical.from_codes(force, categories=list(FORCES)),
                    "grading": pd.Categorical.from_codes(grading, categories=list(GRADINGS)),
                    "role": pd.Categorical.from_codes(role, categories=list(sc.ROLES)),
                    "offence": pd.Categorical.from_codes(offence, categories=list(CRIME_CATS)),
                    "outcome": pd.Categorical.from_codes(outcome, categories=list(sc.OUTCOMES)),
                }
            )
        )
        del owner, kind, role, offence, area, outcome, day, force, grading, intelligence
        # markers: ~27% of criminal nominals, ~1% of others
        p_mark = np.where(self.bg_kind == 0, 0.27, 0.01)
        has = np.flatnonzero(rng.random(b) < p_mark)
        nmk = rng.choice([1, 2], size=len(has), p=[0.75, 0.25])
        mowner = np.repeat(has, nmk)
        mk = rng.choice(np.array(sc.MARKERS), size=len(mowner), p=MARKER_P / MARKER_P.sum())
        mdf = pd.DataFrame({"owner": mowner, "marker": mk})
        mdf = mdf.drop_duplicates(ignore_index=True)
        mdob = self.bg_dob[mdf["owner"].to_numpy()]
        mlo = np.maximum(
            np.where(mdob == MISSING, ref - int(15 * YEAR), mdob + int(14 * YEAR)),
            ref - int(20 * YEAR),
        )
        mlo = np.minimum(mlo, ref - 30)
        mdf["date"] = mlo + (rng.random(len(mdf)) * (ref - 1 - mlo)).astype(np.int64)
        self.bg_mark = _compact(mdf)

    def _bg_aliases(self) -> None:
        rng, b = self.rng, self.n_bg
        who = np.flatnonzero(rng.random(b) < 0.10)
        n = len(who)
        atype = rng.choice(np.array(sc.ALIAS_TYPES), size=n, p=[0.35, 0.30, 0.20, 0.15]).astype(
            object
        )
        first = pd.Series(self.bg_fore[who], dtype="str").str.split(" ").str[0]
        pick = rng.integers(0, 1000, n)
        nick = np.full(n, "", dtype=object)
        uniq, inv = np.unique(first.to_numpy(dtype=object), return_inverse=True)
        for i, name in enumerate(uniq):
            options = self.pools.nick.get(name)
            if options:
                m = inv == i
                nick[m] = np.array(options, dtype=object)[pick[m] % len(options)]
        atype[(atype == "nickname") & (nick == "")] = "alias"
        sur = self.bg_sur[who].copy()
        fore = self.bg_fore[who].copy()
        dob = np.full(n, MISSING)
        is_alias = atype == "alias"
        fore[is_alias] = self._draw_forenames(self.bg_sex[who][is_alias])
        change_sur = is_alias & (rng.random(n) < 0.5)
        sur[change_sur] = self._draw_surnames(int(change_sur.sum()))
        is_nick = atype == "nickname"
        fore[is_nick] = nick[is_nick]
        is_prev = atype == "previous_surname"
        sur[is_prev] = self._draw_surnames(int(is_prev.sum()), 0.0)
        is_dob = atype == "alternative_dob"
        sur[is_dob] = ""
        fore[is_dob] = ""
        base = np.where(self.bg_dob[who] == MISSING, self.ref - int(30 * YEAR), self.bg_dob[who])
        dob[is_dob] = base[is_dob] + rng.choice([-1, 1], int(is_dob.sum())) * rng.integers(
            1, 800, int(is_dob.sum())
        )
        dob[is_dob] = np.minimum(dob[is_dob], self.ref - int(16.1 * YEAR))
        self.bg_alias = _compact(
            pd.DataFrame(
                {"owner": who, "type": atype, "surname": sur, "forenames": fore, "dob": dob}
            )
        )

    def _bg_associations(self) -> None:
        rng = self.rng
        crim = np.flatnonzero(self.bg_kind == 0)
        if len(crim) < 2:
            self.bg_assoc = pd.DataFrame(columns=["a", "b", "type", "date"])
            return
        a = crim[rng.random(len(crim)) < 0.2]
        extra = a[rng.random(len(a)) < 0.3]
        a = np.concatenate([a, extra])
        bb = crim[rng.integers(0, len(crim), len(a))]
        ok = a != bb
        a, bb = a[ok], bb[ok]
        atype = rng.choice(np.array(sc.ASSOCIATION_TYPES), size=len(a), p=[0.5, 0.15, 0.25, 0.10])
        day = self.ref - rng.integers(30, int(12 * YEAR), len(a))
        df = pd.DataFrame({"a": a, "b": bb, "type": atype, "date": day})
        self.bg_assoc = _compact(df.drop_duplicates(subset=["a", "b"], ignore_index=True))

    # ---------------------------------------------------------------- assembly
    def tables(self) -> Iterator[_Table]:
        """Every output table, in build order (the random stream depends on that order).

        The intel tables are held compactly (numbers and shared strings) and made into text a
        chunk at a time when written; each background frame is released as its table is made,
        so a caller that writes and drops each table never holds all of them.
        """
        n = self.spec.staff
        staff_id = _ids("S", np.arange(1, n + 1), 6)
        yield from self._staff_tables(staff_id)
        b = self.n_bg
        pn = pd.DataFrame(self.p_noms, columns=["surname", "forenames", "dob", "sex"])
        perm = self.rng.permutation(b + len(pn))
        yield self._nominals_table(pn, perm)
        del pn
        yield self._aliases_table(perm)
        yield self._addresses_table(perm)
        yield self._phones_table(perm)
        yield self._vehicles_table(perm)
        yield self._markers_table(perm)
        yield self._records_table(perm)
        yield self._associations_table(perm)
        yield self._truth_table(staff_id, perm)

    def _staff_tables(self, staff_id: np.ndarray) -> Iterator[_Table]:
        """The HR tables (small: one frame each)."""
        c = self.staff_cols
        yield _Table.of_frame(
            "staff",
            pd.DataFrame(
                {
                    "staff_id": staff_id,
                    "collar_number": c["collar_number"],
                    "person_type": c["person_type"],
                    "rank_grade": c["rank_grade"],
                    "unit": c["unit"],
                    "start_date": _date_strings(self.s_start),
                    "surname": self.s_surname,
                    "forenames": self.s_forenames,
                    "previous_surnames": self.s_prev,
                    "date_of_birth": _date_strings(self.s_dob),
                    "sex": self.s_sex,
                    "vetting_level": c["vetting_level"],
                    "vetting_cleared_date": _date_strings(c["vetting_cleared_date"]),
                    "vetting_renewal_date": _date_strings(c["vetting_renewal_date"]),
                    "vetting_status": c["vetting_status"],
                    "designated_post": c["designated_post"],
                }
            ),
        )
        sa = self.s_addr
        line, pc = self._format_addresses(sa)
        yield _Table.of_frame(
            "staff_addresses",
            pd.DataFrame(
                {
                    "staff_id": staff_id[sa["owner"].to_numpy()],
                    "address_line": line,
                    "postcode": pc,
                    "date_from": _date_strings(sa["date_from"].to_numpy()),
                    "date_to": _date_strings(sa["date_to"].to_numpy()),
                }
            ),
        )
        sp = self.s_phone
        yield _Table.of_frame(
            "staff_phones",
            pd.DataFrame(
                {
                    "staff_id": staff_id[sp["owner"].to_numpy()],
                    "phone": self._format_phones(sp),
                    "phone_type": sp["ptype"].to_numpy(dtype=object),
                }
            ),
        )
        sv = self.s_veh.sort_values("owner", kind="stable", ignore_index=True)
        yield _Table.of_frame(
            "staff_vehicles",
            pd.DataFrame(
                {"staff_id": staff_id[sv["owner"].to_numpy()], "vrm": self._format_vrms(sv)}
            ),
        )
        d = self.decl.frame().sort_values(["staff", "date"], kind="stable", ignore_index=True)
        yield _Table.of_frame(
            "declared_associations",
            pd.DataFrame(
                {
                    "declaration_id": _ids("D", np.arange(1, len(d) + 1), 6),
                    "staff_id": staff_id[d["staff"].to_numpy(dtype=np.int64)],
                    "assoc_surname": d["surname"].to_numpy(dtype=object),
                    "assoc_forenames": d["forenames"].to_numpy(dtype=object),
                    "assoc_date_of_birth": _date_strings(d["dob"].to_numpy(dtype=np.int64)),
                    "relationship": d["rel"].to_numpy(dtype=object),
                    "declared_date": _date_strings(d["date"].to_numpy(dtype=np.int64)),
                }
            ),
        )
        h = self.hist.frame().sort_values(["staff", "date"], kind="stable", ignore_index=True)
        yield _Table.of_frame(
            "declared_history",
            pd.DataFrame(
                {
                    "history_id": _ids("H", np.arange(1, len(h) + 1), 6),
                    "staff_id": staff_id[h["staff"].to_numpy(dtype=np.int64)],
                    "disposal": h["disposal"].to_numpy(dtype=object),
                    "offence_category": h["category"].to_numpy(dtype=object),
                    "offence_date": _date_strings(h["date"].to_numpy(dtype=np.int64)),
                    "sentence": h["sentence"].to_numpy(dtype=object),
                }
            ),
        )
        yield _Table.of_frame("open_matters", self._open_matters(staff_id))
        mo = self.outc.frame().sort_values(["staff", "date"], kind="stable", ignore_index=True)
        yield _Table.of_frame(
            "misconduct_outcomes",
            pd.DataFrame(
                {
                    "outcome_id": _ids("M", np.arange(1, len(mo) + 1), 6),
                    "staff_id": staff_id[mo["staff"].to_numpy(dtype=np.int64)],
                    "outcome": mo["outcome"].to_numpy(dtype=object),
                    "outcome_date": _date_strings(mo["date"].to_numpy(dtype=np.int64)),
                }
            ),
        )

    def _with_planted(
        self, attr: str, planted: _Rows, owner_cols: tuple[str, ...] = ("owner",)
    ) -> pd.DataFrame:
        """The background frame ``attr`` plus the planted rows (owners shifted after the
        background). The builder lets go of the background frame, so it is freed with the
        table made from it."""
        bg: pd.DataFrame = getattr(self, attr)
        setattr(self, attr, None)
        p = planted.frame()
        if not len(p):
            return bg
        for col in owner_cols:
            p[col] = p[col].astype(np.int64) + self.n_bg
        return pd.concat([bg, _like(p, bg)], ignore_index=True)

    def _nominals_table(self, pn: pd.DataFrame, perm: np.ndarray) -> _Table:
        """nominals in id order; about a fifth of surnames upper-cased, as some systems do."""
        total = len(perm)
        sur = np.concatenate([self.bg_sur, pn["surname"].to_numpy(dtype=object)])
        upper = self.rng.random(total) < 0.2
        fore = np.concatenate([self.bg_fore, pn["forenames"].to_numpy(dtype=object)])
        dob = np.concatenate([self.bg_dob, pn["dob"].to_numpy(dtype=np.int64)])
        sex = np.concatenate([self.bg_sex, pn["sex"].to_numpy(dtype=object)])
        order = np.argsort(perm, kind="stable")

        def rows(at: slice) -> pd.DataFrame:
            i = order[at]
            surname = sur[i]
            up = upper[i]
            surname[up] = pd.Series(surname[up], dtype="str").str.upper().to_numpy(dtype=object)
            return pd.DataFrame(
                {
                    "nominal_id": _nominal_ids(perm, i),
                    "surname": surname,
                    "forenames": fore[i],
                    "date_of_birth": _date_strings(dob[i]),
                    "sex": sex[i],
                }
            )

        return _Table("nominals", total, rows)

    def _aliases_table(self, perm: np.ndarray) -> _Table:
        al = self._with_planted("bg_alias", self.p_alias)
        al = self._sort_by_nominal(al, perm, ["owner"])

        def rows(at: slice) -> pd.DataFrame:
            a = al.iloc[at]
            return pd.DataFrame(
                {
                    "alias_id": _ids("A", np.arange(at.start, at.stop) + 1, 8),
                    "nominal_id": _nominal_ids(perm, a["owner"].to_numpy(dtype=np.int64)),
                    "alias_type": a["type"].to_numpy(dtype=object),
                    "surname": a["surname"].to_numpy(dtype=object),
                    "forenames": a["forenames"].to_numpy(dtype=object),
                    "date_of_birth": _date_strings(a["dob"].to_numpy(dtype=np.int64)),
                }
            )

        return _Table("aliases", len(al), rows)

    def _addresses_table(self, perm: np.ndarray) -> _Table:
        """addresses, with the line and postcode variants not set yet drawn in final order."""
        rng = self.rng
        ad = self._with_planted("bg_addr", self.p_addr)
        ad = self._sort_by_nominal(ad, perm, ["owner"], ("date_from",))
        lvar = ad["lvar"].to_numpy(dtype=np.int64, copy=True)
        unset = lvar < 0
        lvar[unset] = rng.choice(5, size=int(unset.sum()), p=[0.65, 0.12, 0.08, 0.10, 0.05])
        ad["lvar"] = lvar
        pvar = ad["pvar"].to_numpy(dtype=np.int64, copy=True)
        unset = pvar < 0
        pvar[unset] = rng.choice(4, size=int(unset.sum()), p=[0.85, 0.08, 0.04, 0.03])
        ad["pvar"] = pvar
        del lvar, pvar, unset

        def rows(at: slice) -> pd.DataFrame:
            a = ad.iloc[at]
            line, pc = self._format_addresses(a)
            return pd.DataFrame(
                {
                    "nominal_id": _nominal_ids(perm, a["owner"].to_numpy(dtype=np.int64)),
                    "address_line": line,
                    "postcode": pc,
                    "date_from": _date_strings(a["date_from"].to_numpy(dtype=np.int64)),
                    "date_to": _date_strings(a["date_to"].to_numpy(dtype=np.int64)),
                }
            )

        return _Table("addresses", len(ad), rows)

    def _phones_table(self, perm: np.ndarray) -> _Table:
        ph = self._with_planted("bg_phone", self.p_phone)
        ph = self._sort_by_nominal(ph, perm, ["owner"], ("date_from",))

        def rows(at: slice) -> pd.DataFrame:
            p = ph.iloc[at]
            return pd.DataFrame(
                {
                    "nominal_id": _nominal_ids(perm, p["owner"].to_numpy(dtype=np.int64)),
                    "phone": self._format_phones(p),
                    "date_from": _date_strings(p["date_from"].to_numpy(dtype=np.int64)),
                    "date_to": _date_strings(p["date_to"].to_numpy(dtype=np.int64)),
                }
            )

        return _Table("phones", len(ph), rows)

    def _vehicles_table(self, perm: np.ndarray) -> _Table:
        ve = self._with_planted("bg_veh", self.p_veh)
        ve = self._sort_by_nominal(ve, perm, ["owner"], ("date_from",))

        def rows(at: slice) -> pd.DataFrame:
            v = ve.iloc[at]
            return pd.DataFrame(
                {
                    "nominal_id": _nominal_ids(perm, v["owner"].to_numpy(dtype=np.int64)),
                    "vrm": self._format_vrms(v),
                    "role": v["role"].to_numpy(dtype=object),
                    "date_from": _date_strings(v["date_from"].to_numpy(dtype=np.int64)),
                    "date_to": _date_strings(v["date_to"].to_numpy(dtype=np.int64)),
                }
            )

        return _Table("vehicles", len(ve), rows)

    def _markers_table(self, perm: np.ndarray) -> _Table:
        mk = self._with_planted("bg_mark", self.p_mark)
        mk = mk.drop_duplicates(subset=["owner", "marker"], ignore_index=True)
        mk = self._sort_by_nominal(mk, perm, ["owner"], ("date",))

        def rows(at: slice) -> pd.DataFrame:
            m = mk.iloc[at]
            return pd.DataFrame(
                {
                    "nominal_id": _nominal_ids(perm, m["owner"].to_numpy(dtype=np.int64)),
                    "marker": m["marker"].to_numpy(dtype=object),
                    "date_added": _date_strings(m["date"].to_numpy(dtype=np.int64)),
                }
            )

        return _Table("markers", len(mk), rows)

    def _records_table(self, perm: np.ndarray) -> _Table:
        rc = self._with_planted("bg_rec", self.p_rec)
        rc = self._sort_by_nominal(rc, perm, ["owner"], ("date",))

        def rows(at: slice) -> pd.DataFrame:
            r = rc.iloc[at]
            return pd.DataFrame(
                {
                    "record_id": _ids("R", np.arange(at.start, at.stop) + 1, 9),
                    "nominal_id": _nominal_ids(perm, r["owner"].to_numpy(dtype=np.int64)),
                    "business_area": r["area"].to_numpy(dtype=object),
                    "record_date": _date_strings(r["date"].to_numpy(dtype=np.int64)),
                    "source_force": r["force"].to_numpy(dtype=object),
                    "grading": r["grading"].to_numpy(dtype=object),
                    "role": r["role"].to_numpy(dtype=object),
                    "offence_category": r["offence"].to_numpy(dtype=object),
                    "outcome": r["outcome"].to_numpy(dtype=object),
                }
            )

        return _Table("records", len(rc), rows)

    def _associations_table(self, perm: np.ndarray) -> _Table:
        asc = self._with_planted("bg_assoc", self.p_assoc, owner_cols=("a", "b"))
        asc = self._sort_by_nominal(asc, perm, ["a", "b"])

        def rows(at: slice) -> pd.DataFrame:
            s = asc.iloc[at]
            return pd.DataFrame(
                {
                    "nominal_id_a": _nominal_ids(perm, s["a"].to_numpy(dtype=np.int64)),
                    "nominal_id_b": _nominal_ids(perm, s["b"].to_numpy(dtype=np.int64)),
                    "association_type": s["type"].to_numpy(dtype=object),
                    "date_from": _date_strings(s["date"].to_numpy(dtype=np.int64)),
                }
            )

        return _Table("associations", len(asc), rows)

    def _truth_table(self, staff_id: np.ndarray, perm: np.ndarray) -> _Table:
        planted_id = _nominal_ids(perm, np.arange(self.n_bg, len(perm)))
        kinds = list(sc.TRUTH_KINDS)
        truth = sorted(self.truth, key=lambda t: (kinds.index(t[2]), t[0]))
        rows = []
        for i, (s, pidx, kind, tags, via) in enumerate(truth, start=1):
            noise = list(tags)
            if via is not None:
                noise.insert(0, f"via:{planted_id[via]}")
            rows.append(
                (
                    f"C{i:05d}",
                    staff_id[s],
                    planted_id[pidx],
                    kind,
                    sc.TRUTH_KINDS[kind],
                    "|".join(noise),
                )
            )
        return _Table.of_frame("truth", pd.DataFrame(rows, columns=list(sc.TRUTH_COLUMNS)))

    @staticmethod
    def _sort_by_nominal(
        df: pd.DataFrame, perm: np.ndarray, nominal_cols: list[str], other_cols: tuple = ()
    ) -> pd.DataFrame:
        """Order rows by final nominal id (then by other columns); stable otherwise."""
        keys = [perm[df[c].to_numpy(dtype=np.int64)] for c in nominal_cols]
        keys += [df[c].to_numpy(dtype=np.int64) for c in other_cols]
        order = np.lexsort(keys[::-1])
        return df.iloc[order].reset_index(drop=True)

    # ---------------------------------------------------------------- formatting (vectorised)
    def _format_addresses(self, df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        uni = self.uni
        unit = df["unit"].to_numpy(dtype=np.int64)
        common = df["common"].to_numpy(dtype=np.int64)
        is_c = common >= 0
        safe = np.where(is_c, 0, unit)
        town_names = np.array([t[0] for t in TOWNS], dtype=object)
        house = pd.Series(df["house"].to_numpy(dtype=np.int64).astype(str), dtype="str")
        flat = df["flat"].to_numpy(dtype=np.int64)
        flat_s = pd.Series(np.where(flat > 0, "Flat " + flat.astype(str) + ", ", ""), dtype="str")
        line = (
            flat_s
            + house
            + " "
            + pd.Series(uni.street[safe], dtype="str")
            + ", "
            + pd.Series(town_names[uni.town[safe]], dtype="str")
        ).to_numpy(dtype=object)
        pc = uni.postcode[safe].copy()
        if is_c.any():
            cl = np.array(uni.common_line, dtype=object)
            cp = np.array(uni.common_postcode, dtype=object)
            line[is_c] = cl[common[is_c]]
            pc[is_c] = cp[common[is_c]]
        line_s = pd.Series(line, dtype="str")
        lvar = df["lvar"].to_numpy(dtype=np.int64)
        for v in (3, 4):  # abbreviated street suffix
            m = lvar == v
            if m.any():
                sub = line_s[m]
                for full, short in ABBREVIATIONS:
                    sub = sub.str.replace(rf"\b{full}\b", short, regex=True)
                line_s[m] = sub
        for v in (2, 4):  # no commas
            m = lvar == v
            if m.any():
                line_s[m] = line_s[m].str.replace(",", "", regex=False)
        for v in (1, 4):  # upper case
            m = lvar == v
            if m.any():
                line_s[m] = line_s[m].str.upper()
        pc_s = pd.Series(pc, dtype="str")
        pvar = df["pvar"].to_numpy(dtype=np.int64)
        m = (pvar == 1) | (pvar == 3)
        pc_s[m] = pc_s[m].str.replace(" ", "", regex=False)
        m = (pvar == 2) | (pvar == 3)
        pc_s[m] = pc_s[m].str.lower()
        return line_s.to_numpy(dtype=object), pc_s.to_numpy(dtype=object)

    @staticmethod
    def _format_phones(df: pd.DataFrame) -> np.ndarray:
        code = pd.Series(df["code"].to_numpy(dtype=object), dtype="str")
        local = pd.Series(df["local"].to_numpy(dtype=object), dtype="str")
        var = df["var"].to_numpy(dtype=np.int64)
        half = local.str.len().to_numpy() // 2
        split = local.copy()
        for h in np.unique(half):
            m = half == h
            split[m] = local[m].str.slice(0, int(h)) + " " + local[m].str.slice(int(h))
        cut = code.str.slice(1)
        out = pd.Series(np.full(len(df), "", dtype=object), dtype="str")
        forms = {
            0: code + " " + local,
            1: code + local,
            2: "+44 " + cut + " " + local,
            3: "+44" + cut + local,
            4: "(" + code + ") " + split,
            5: code + " " + split,
        }
        for v, s in forms.items():
            m = var == v
            out[m] = s[m]
        return out.to_numpy(dtype=object)

    @staticmethod
    def _format_vrms(df: pd.DataFrame) -> np.ndarray:
        vrm = pd.Series(df["vrm"].to_numpy(dtype=object), dtype="str")
        var = df["var"].to_numpy(dtype=np.int64)
        out = vrm.copy()
        m = (var == 1) | (var == 3)
        out[m] = out[m].str.replace(" ", "", regex=False)
        m = (var == 2) | (var == 3)
        out[m] = out[m].str.lower()
        return out.to_numpy(dtype=object)


# ------------------------------------------------------------------------------------------
# Public API
# ------------------------------------------------------------------------------------------


def _built(spec: GenerateSpec) -> _Builder:
    """A builder with every stage run up to assembly (staff, cases, registers, background)."""
    if spec.defects < 0:
        raise ValueError("defects must be >= 0")
    b = _Builder(spec)
    b.build_staff()
    cases = b.plan_cases()
    b.plant(cases)
    b.build_registers()
    b.build_outcomes()
    b.build_background()
    return b


def generate(spec: GenerateSpec) -> dict[str, pd.DataFrame]:
    """Build every table of the schema plus ``truth``; all values text, missing as ''.

    With ``spec.defects`` > 0, :func:`transforms.defects.plant_defects` corrupts that many rows
    of each defect kind last, and the expected quarantine lines are returned as ``defects``
    (table, row_number, field, rule; also text). With 0 there is no ``defects`` key.
    Every table is held at once: for big extracts use :func:`generate_to`.
    """
    made = {t.name: t.text() for t in _built(spec).tables()}
    frames = {name: made[name] for name in COLUMNS}
    if spec.defects:
        from transforms.defects import plant_defects

        frames, defects = plant_defects(frames, spec.seed, spec.defects)
        frames["defects"] = defects.astype("str")
    return frames


# Name of the build step that generate_to reports to its ``step`` hook before the tables.
BUILD_STEP = "build"


def table_names(spec: GenerateSpec) -> list[str]:
    """The tables :func:`generate_to` writes for ``spec``, in schema order."""
    return [*COLUMNS, *(["defects"] if spec.defects else [])]


def _no_step(name: str) -> AbstractContextManager[object]:
    return nullcontext()


def generate_to(
    spec: GenerateSpec,
    out_dir: Path,
    fmt: str,
    step: Callable[[str], AbstractContextManager[object]] = _no_step,
) -> dict[str, tuple[Path, int]]:
    """Build the extracts and write them into ``out_dir`` (as :func:`write_extracts` lays
    them out); returns each table's path and row count, in schema order.

    The same files as ``write_extracts(generate(spec), out_dir, fmt)``, but each table is
    written (CSV a chunk of rows at a time) as soon as it is final and then released, so the
    peak memory is the build plus one table, not every table at once. Planting defects needs
    every table at once, so with ``spec.defects`` this goes through :func:`generate`.
    ``step(name)`` wraps the build (BUILD_STEP) and each table's writing, for progress bars.
    """
    _check_format(fmt)
    out_dir = Path(out_dir)
    written: dict[str, tuple[Path, int]] = {}
    if spec.defects:
        with step(BUILD_STEP):
            frames = generate(spec)
        for name, frame in frames.items():
            with step(name):
                written[name] = (_write_table(name, [frame], out_dir, fmt), len(frame))
        return written
    with step(BUILD_STEP):
        builder = _built(spec)
    for table in builder.tables():
        with step(table.name):
            path = _write_table(table.name, table.chunks(), out_dir, fmt)
        written[table.name] = (path, table.n_rows)
        del table  # the only reference: its compact frame is freed before the next is made
    return {name: written[name] for name in COLUMNS}


def _check_format(fmt: str) -> None:
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"unknown format {fmt!r}: use csv or parquet")


# Folder of each output table under the output directory.
_FOLDER: dict[str, str] = {t.name: t.extract for t in sc.ALL_TABLES} | {
    "truth": "truth",
    "defects": "truth",  # the expected quarantine: evaluation only, never an input
}


def _write_table(name: str, chunks: Iterable[pd.DataFrame], out_dir: Path, fmt: str) -> Path:
    """Write one table's text frames (its rows in order) to out_dir/<extract>/<name>.<fmt>.

    Written to a temporary name in its folder, then moved into place. CSV is appended chunk
    by chunk (the same bytes as one write); Parquet joins the chunks and writes once.
    """
    if name not in _FOLDER:
        raise ValueError(f"unknown table {name!r}")
    folder = out_dir / _FOLDER[name]
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"{name}.{fmt}"
    tmp = folder / f".{name}.{fmt}.tmp-{os.getpid()}"
    try:
        if fmt == "csv":
            for i, chunk in enumerate(chunks):
                chunk.to_csv(
                    tmp,
                    mode="a" if i else "w",
                    header=not i,
                    index=False,
                    encoding="utf-8",
                    lineterminator="\n",
                )
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            parts = list(chunks)
            frame = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
            table = pa.Table.from_pandas(
                frame.astype(object),
                preserve_index=False,
                schema=pa.schema([(c, pa.string()) for c in frame.columns]),
            )
            table = table.replace_schema_metadata(None)
            pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, final)
    finally:
        if tmp.exists():
            tmp.unlink()
    return final


def write_extracts(frames: dict[str, pd.DataFrame], out_dir: Path, fmt: str) -> dict[str, Path]:
    """Write out_dir/staff/<t>.<ext>, out_dir/intel/<t>.<ext>, out_dir/truth/truth.<ext>
    (and out_dir/truth/defects.<ext> when ``frames`` has ``defects``).

    Each file is written to a temporary name in its folder, then moved into place.
    """
    _check_format(fmt)
    out_dir = Path(out_dir)
    return {name: _write_table(name, [frame], out_dir, fmt) for name, frame in frames.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m transforms.generate", description=__doc__.split("\n")[0]
    )
    ap.add_argument("--staff", type=int, required=True)
    ap.add_argument("--nominals", type=int, required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--enrich", type=float, default=1.0)
    ap.add_argument("--format", dest="fmt", choices=("csv", "parquet"), default="csv")
    ap.add_argument("--reference-date", default="2026-11-01")
    ap.add_argument(
        "--defects",
        type=int,
        default=0,
        help="plant N bad rows of each defect kind (truth/defects.csv lists them); default 0",
    )
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args(argv)
    spec = GenerateSpec(
        staff=a.staff,
        nominals=a.nominals,
        seed=a.seed,
        enrich=a.enrich,
        fmt=a.fmt,
        reference_date=a.reference_date,
        defects=a.defects,
    )
    for name, (path, n_rows) in generate_to(spec, a.out, a.fmt).items():
        print(f"{name}: {n_rows} rows -> {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
