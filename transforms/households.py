"""Households: how far a shared home explains a shared surname between two different people.

Fellegi-Sunter multiplies the evidence of each field as if the fields were independent between
different people. In one home they are not: twins, siblings, parents and children share a
surname and an address, and differ in forename. Agreeing on the surname then says "family",
not "same person", and the pair's weight counts the same household twice (on the helper-made
u2 set, 105 of the 119 false lines at review were twins).

The extract says how strong this is: among the left x right pairs that share a dwelling and
are plainly two people (forename initials differ, dates of birth more than a year apart), the
share with the same surname. ``f``, the share of such pairs that agree because they are family
rather than by chance, follows from it; scoring (``fellegi_sunter.score``) then takes the
surname's u at a shared home (``cfg.household_address_levels``: the same dwelling, or the
same house where a postcode is missing) as ``f + (1 - f) * u_name`` where the forenames do
not agree (``household_adjustment``). Where no household shares a surname more than chance
does (FEBRL, whose people live alone), ``f`` is 0 and nothing changes.

Twins share a date of birth as well. Between two people, an identical date of birth is a
chance of about one in twenty thousand; within one family at one home it is the share of its
members who are twins. The extract says this too: among pairs sharing a dwelling and a surname
whose recorded sex differs (plainly two people, as one person's own records rarely differ in
sex), the share born the same day. ``t`` follows from it as ``f`` does, and scoring takes the
date of birth's u as ``t + (1 - t) * u_dob`` where a pair shares a dwelling and a surname (or
nearly), its forenames differ and its dates of birth are identical
(``twin_adjustment``). With no sex recorded (FEBRL), or no twins, ``t`` is 0.
"""

from __future__ import annotations

import math
from typing import Any

import duckdb

from transforms.comparisons import sql_in
from transforms.config import MatchConfig


def household_pair_counts(con: duckdb.DuckDBPyConnection, cfg: MatchConfig) -> dict[str, int]:
    """The counts both shares come from, in one pass over the left x right pairs that share a
    ``dwelling`` (``l_addr``/``r_addr``), read with ``l_person``/``r_person``: ``pairs`` plainly
    two people (forename initials differ, born more than ``cfg.household_dob_apart_days``
    apart) and ``surname_agree`` of them sharing the surname; ``twin_pairs`` of one surname
    with the recorded sex differing and both dates of birth known, and ``twin_same_day`` of
    them born the same day."""
    row = con.execute(f"""
        WITH h AS (
            SELECT DISTINCT l.id AS l_id, r.id AS r_id
            FROM l_addr l JOIN r_addr r ON r.dwelling = l.dwelling
        ),
        p AS (
            SELECT lp.fn AS lfn, rp.fn AS rfn, lp.sn AS lsn, rp.sn AS rsn, lp.dob AS ld,
                   rp.dob AS rd, lp.sex AS ls, rp.sex AS rs,
                   left(lp.fn, 1) <> left(rp.fn, 1) AND lp.sn IS NOT NULL AND rp.sn IS NOT NULL
                     AND abs(date_diff('day', lp.dob, rp.dob))
                         > {int(cfg.household_dob_apart_days)} AS two_people,
                   lp.sn = rp.sn AND lp.sex <> rp.sex AND lp.dob IS NOT NULL
                     AND rp.dob IS NOT NULL AS family_other_sex
            FROM h JOIN l_person lp ON lp.id = h.l_id JOIN r_person rp ON rp.id = h.r_id
        )
        SELECT count(*) FILTER (WHERE two_people),
               count(*) FILTER (WHERE two_people AND lsn = rsn),
               count(*) FILTER (WHERE family_other_sex),
               count(*) FILTER (WHERE family_other_sex AND ld = rd)
        FROM p
    """).fetchall()[0]
    keys = ("pairs", "surname_agree", "twin_pairs", "twin_same_day")
    return {k: int(v) for k, v in zip(keys, row, strict=True)}


def _share_beyond_chance(agree: int, pairs: int, u: float, cfg: MatchConfig) -> tuple[float, float]:
    """The share of ``pairs`` that agree, smoothed toward ``u`` (chance agreement) with
    ``cfg.household_prior_pairs`` pseudo-pairs, and the part of it beyond chance:
    ``(share - u) / (1 - u)``, at least 0."""
    prior = cfg.household_prior_pairs
    share = (agree + prior * u) / (pairs + prior)
    beyond = max(0.0, (share - u) / (1.0 - u)) if u < 1 else 0.0
    return share, beyond


def household_surname_share(
    counts: dict[str, int], u_surname: float, cfg: MatchConfig
) -> dict[str, Any]:
    """``f`` and the counts it comes from (:func:`household_pair_counts`): of the pairs of
    plainly two people at one dwelling, the share with the same surname.

    The share is smoothed toward ``u_surname`` (the chance agreement of two people's surnames)
    with ``cfg.household_prior_pairs`` pseudo-pairs, so a handful of pairs moves it little."""
    pairs, agree = counts["pairs"], counts["surname_agree"]
    share, family = _share_beyond_chance(agree, pairs, u_surname, cfg)
    return {"pairs": pairs, "surname_agree": agree, "share": share, "family": family}


def household_adjustment_sql(
    family: float, u_surname: dict[str, float], cfg: MatchConfig, tf: str
) -> str:
    """SQL over a scored row's ``*_level`` labels: ``household_adjustment``, log2(u_name /
    (f + (1 - f) * u_name)) for a pair at a shared dwelling that agrees on a surname
    (``u_surname``: the u of each agreeing surname level) with forenames that do not agree
    (``cfg.household_forename_levels``); 0 otherwise. ``u_name`` is the level's u moved by
    the name's term-frequency adjustment ``tf``, so a rare surname loses what made it rare."""
    if family <= 0 or not u_surname:
        return "0.0::DOUBLE AS household_adjustment"
    whens = []
    for label, u in u_surname.items():
        u_name = f"({u!r} / pow(2, {tf}))"
        whens.append(
            f"WHEN surname_level = '{label}' THEN log2({u_name} / ({family!r} + "
            f"{1.0 - family!r} * {u_name}))"
        )
    return (
        f"CASE WHEN address_level IN {sql_in(cfg.household_address_levels)} "
        f"AND forename_level IN {sql_in(cfg.household_forename_levels)} "
        f"THEN CASE {' '.join(whens)} ELSE 0.0 END ELSE 0.0 END AS household_adjustment"
    )


def household_twin_share(counts: dict[str, int], u_dob: float, cfg: MatchConfig) -> dict[str, Any]:
    """``t`` and the counts it comes from (:func:`household_pair_counts`): of the pairs at one
    dwelling with one surname, both dates of birth known and the recorded sex differing, the
    share born the same day.

    Sex, not forename, tells the two people apart: one person's records under another
    forename (Ivan and Vanya, Yevhen and Jewgen) share a date of birth too, and where most
    such pairs are one person (FEBRL's duplicates) a share counted over forenames would take
    them for twins. Smoothed toward ``u_dob`` (two people's chance of one birthday) with
    ``cfg.household_prior_pairs`` pseudo-pairs, as :func:`household_surname_share` is."""
    pairs, same_day = counts["twin_pairs"], counts["twin_same_day"]
    share, twins = _share_beyond_chance(same_day, pairs, u_dob, cfg)
    return {"pairs": pairs, "same_day": same_day, "share": share, "twins": twins}


def twin_adjustment_sql(twins: float, u_dob: float, cfg: MatchConfig) -> str:
    """SQL over a scored row's ``*_level`` labels: ``twin_adjustment``, log2(u_dob / (t + (1 -
    t) * u_dob)) for a pair at a shared dwelling whose surnames agree or nearly
    (``cfg.household_twin_surname_levels``), whose forenames differ
    (``cfg.household_twin_forename_levels``) and whose dates of birth are identical; 0
    otherwise."""
    if twins <= 0 or not 0 < u_dob < 1:
        return "0.0::DOUBLE AS twin_adjustment"
    bits = math.log2(u_dob / (twins + (1.0 - twins) * u_dob))
    return (
        f"CASE WHEN address_level IN {sql_in(cfg.household_address_levels)} "
        f"AND forename_level IN {sql_in(cfg.household_twin_forename_levels)} "
        f"AND surname_level IN {sql_in(cfg.household_twin_surname_levels)} "
        f"AND dob_level = 'exact' THEN {bits!r}::DOUBLE "
        "ELSE 0.0 END AS twin_adjustment"
    )
