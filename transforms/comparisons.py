"""Each field of a candidate pair compared into ordered levels: the comparison spec.

A comparison is an ordered list of levels; a pair takes the first level whose condition holds.
Level 0 of every comparison is ``missing`` (no evidence either way, weight 0). Conditions are
SQL over the columns that ``compare.py`` prepares for that comparison.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from transforms.config import MatchConfig


@dataclass(frozen=True)
class Level:
    label: str
    description: str
    sql: str  # condition; the first true one wins
    fixed_m: float | None = None  # m set by the spec, not learned (for near-impossible levels)
    # The level this one ranks with when a pair's best name row is chosen (it then only
    # breaks ties), and whose weight it counts toward auto at most: agreement too weak to
    # choose by ranks with "different" (a short form: Van is the start of Vanessa), and an
    # exact forename whatever its middle names with "exact".
    rank_as: str | None = None


@dataclass(frozen=True)
class Comparison:
    name: str
    description: str
    levels: tuple[Level, ...]

    def case_sql(self) -> str:
        """SQL CASE giving the level index of a row."""
        whens = " ".join(f"WHEN {lv.sql} THEN {i}" for i, lv in enumerate(self.levels))
        return f"(CASE {whens} END)"

    def labels(self) -> list[str]:
        return [lv.label for lv in self.levels]

    def rank_sql(self, level: str) -> str:
        """SQL: how well a row agrees, for choosing the best of a pair's rows (lower is
        better): a level's place among the levels that rank as themselves, a level with
        ``rank_as`` ranked with that level, and missing (level 0) after all."""
        labels = self.labels()
        own = [i for i, lv in enumerate(self.levels) if i and lv.rank_as is None]
        rank = {i: n for n, i in enumerate(own, 1)}
        rank |= {
            i: rank[labels.index(lv.rank_as)]
            for i, lv in enumerate(self.levels)
            if lv.rank_as is not None
        }
        rank[0] = len(own) + 1
        moved = " ".join(f"WHEN {i} THEN {r}" for i, r in sorted(rank.items()) if i != r)
        return f"(CASE {level} {moved} ELSE {level} END)" if moved else level


def forename(cfg: MatchConfig) -> Comparison:
    return Comparison(
        "forename",
        "first forename, from every name the person is known by, or a further forename",
        (
            Level("missing", "a forename is missing", "lfn IS NULL OR rfn IS NULL"),
            Level(
                "exact_and_middle",
                "forenames identical, and a further forename too (John Paul and John Paul, "
                "or John P)",
                "lfn = rfn AND NOT fn_further AND mid = 'agree'",
                rank_as="exact",
            ),
            Level(
                "exact",
                "forenames identical (further forenames on one side at most, or only alike)",
                "lfn = rfn AND NOT fn_further AND mid = ''",
            ),
            Level(
                "exact_other_middle",
                "forenames identical, but every further forename differs (John Paul and "
                "John Michael: a namesake, or a middle name recorded wrong)",
                "lfn = rfn AND NOT fn_further",
                rank_as="exact",
            ),
            Level(
                "further_forename",
                "one's forename is a further forename of the other (a middle name, or the "
                "name the person goes by: Sarah Emma and Emma, Thi Huong and Huong)",
                "fn_further",
            ),
            Level("nickname", "one is a nickname of the other (nicknames package)", "nick_eq"),
            Level(
                "fuzzy_high",
                f"Jaro-Winkler similarity at least {cfg.name_jw_high}",
                f"jw_fn >= {cfg.name_jw_high}",
            ),
            # one name written in Latin letters by two conventions (Serhiy and Serhii, Yevhen
            # and Ievgen, Tetiana and Tetyana): spelt alike once the conventions are set
            # aside (normalise.translit_sql), which no slip or similarity level may reach
            Level(
                "transliteration",
                "forenames spelt alike once transliteration is set aside (Yevhen and "
                "Ievgen, Iurii and Yuriy)",
                "spelt_eq",
            ),
            Level(
                "one_edit",
                "one typing slip apart (Damerau-Levenshtein 1: a letter added, dropped, "
                "changed or two swapped), names of three letters or more",
                "least(length(lfn), length(rfn)) >= 3 AND edits_fn = 1",
            ),
            Level(
                "initial",
                "one forename is only the other's initial",
                "(length(lfn) = 1 OR length(rfn) = 1) AND left(lfn, 1) = left(rfn, 1)",
            ),
            Level(
                "fuzzy_mid",
                f"Jaro-Winkler similarity at least {cfg.name_jw_mid}",
                f"jw_fn >= {cfg.name_jw_mid}",
            ),
            # spellings of one name across transliterations and traditions that no slip
            # explains and no similarity reaches (Mohammed and Muhammad, Jaro-Winkler 0.85;
            # Catherine and Kathryn, 0.76): last, so it takes only pairs otherwise "different"
            Level("phonetic", "forenames sound alike (metaphone)", "meta_eq"),
            # a short form made by cutting a name, which no nickname table lists for names
            # outside English (Bola and Adebola, Kemi and Oluwakemi, Sade and Folasade)
            Level(
                "short_form",
                "one forename is the start or the end of the other, three letters or more",
                "least(length(lfn), length(rfn)) >= 3 AND (starts_with(lfn, rfn) "
                "OR starts_with(rfn, lfn) OR ends_with(lfn, rfn) OR ends_with(rfn, lfn))",
                rank_as="different",
            ),
            Level("different", "forenames differ", "TRUE"),
        ),
    )


# The forename levels on which the first forenames are identical, whatever the middle names:
# exact and the levels that rank as it (the labels do not depend on the config).
FORENAME_EXACT = tuple(
    lv.label for lv in forename(MatchConfig()).levels if "exact" in (lv.label, lv.rank_as)
)


def _same_surname(a: str, b: str) -> str:
    """SQL: surnames ``a`` and ``b`` (folded, compact) are the same name, Mac and Mc alike:
    MacDonald and McDonald are one name in records, as one family writes it either way. Only
    equality reads the prefix so: similarity still compares the names as written, or every
    Mac name would share a two-letter start with every Mc name."""

    def mc(x: str) -> str:
        return f"(CASE WHEN starts_with({x}, 'MAC') THEN 'MC' || substr({x}, 4) ELSE {x} END)"

    return f"({a} = {b} OR (starts_with({a}, 'M') AND starts_with({b}, 'M') AND {mc(a)} = {mc(b)}))"


def surname(cfg: MatchConfig) -> Comparison:
    return Comparison(
        "surname",
        "surname, including previous surnames, aliases and parts of double-barrelled names",
        (
            Level("missing", "a surname is missing", "lsn IS NULL OR rsn IS NULL"),
            Level(
                "exact",
                "current surnames identical (Mac and Mc alike)",
                f"{_same_surname('lsn', 'rsn')} AND both_current",
            ),
            Level(
                "further_forename",
                "one's surname is a further forename of the other (a father's name, Singh or "
                "Kaur recorded as the surname: Ali Karim Al-Najjar and Ali bin Karim)",
                "sn_further",
            ),
            Level(
                "variant_exact",
                "a previous surname, alias or part of a double-barrelled surname is identical",
                _same_surname("lsn", "rsn"),
            ),
            Level(
                "fuzzy_high",
                f"Jaro-Winkler similarity at least {cfg.name_jw_high}",
                f"jw_sn >= {cfg.name_jw_high}",
            ),
            Level(
                "transliteration",
                "surnames spelt alike once transliteration is set aside (Kowalczuk and "
                "Kovalchuk, Schewtschenko and Shevchenko)",
                "spelt_eq",
            ),
            # a slip that Jaro-Winkler punishes: in a short name (Hara and Hlra, 0.85) or
            # where the changed letter recurs nearby (Wilkinson and Winkinson, 0.84)
            Level(
                "one_edit",
                "one typing slip apart (Damerau-Levenshtein 1: a letter added, dropped, "
                "changed or two swapped), names of three letters or more",
                "least(length(lsn), length(rsn)) >= 3 AND edits_sn = 1",
            ),
            Level("phonetic", "surnames sound alike (metaphone)", "meta_eq"),
            Level(
                "fuzzy_mid",
                f"Jaro-Winkler similarity at least {cfg.name_jw_mid}",
                f"jw_sn >= {cfg.name_jw_mid}",
            ),
            Level("different", "surnames differ", "TRUE"),
        ),
    )


def name_order(cfg: MatchConfig) -> Comparison:
    return Comparison(
        "name_order",
        "whether the names agree as written or only with forename and surname swapped",
        (
            Level("missing", "no name to compare", "orient IS NULL"),
            Level("as_written", "names compared as written", "orient = 'straight'"),
            Level(
                "swapped",
                "forename and surname recorded the wrong way round",
                "TRUE",
                fixed_m=cfg.name_swap_m,
            ),
        ),
    )


def dob(cfg: MatchConfig) -> Comparison:
    return Comparison(
        "dob",
        "date of birth, including alternative dates of birth on aliases",
        (
            Level("missing", "a date of birth is missing", "ld IS NULL OR rd IS NULL"),
            Level("exact", "dates of birth identical", "ld = rd"),
            Level(
                "day_month_swapped",
                "day and month swapped",
                "year(ld) = year(rd) AND month(ld) = day(rd) AND day(ld) = month(rd)",
            ),
            Level(
                "one_digit",
                "one digit different",
                "levenshtein(strftime(ld, '%Y%m%d'), strftime(rd, '%Y%m%d')) = 1",
            ),
            Level(
                "year_off_by_one",
                "same day and month, year one apart",
                "month(ld) = month(rd) AND day(ld) = day(rd) AND abs(year(ld) - year(rd)) = 1",
            ),
            # a day and month not known (1 January, 1 July) or a date worked out from an age:
            # the year agrees, or the dates are within a year. Apart from these, "different"
            # is left with siblings and the like, born years apart.
            Level(
                "same_year",
                "same year of birth, day and month differ (a placeholder day and month, or a "
                "date worked out from an age)",
                "year(ld) = year(rd)",
            ),
            Level(
                "within_a_year",
                "born less than a year apart",
                "abs(date_diff('day', ld, rd)) <= 366",
            ),
            Level(
                "generation_apart",
                f"born {cfg.dob_generation_years} or more years apart: a parent or child, "
                "not the same person",
                f"abs(date_diff('day', ld, rd)) >= {cfg.dob_generation_years} * 365",
                fixed_m=cfg.dob_generation_m,
            ),
            Level("different", "dates of birth differ", "TRUE"),
        ),
    )


SEX = Comparison(
    "sex",
    "recorded sex",
    (
        Level("missing", "sex missing or unknown", "ls IS NULL OR rs IS NULL"),
        Level("match", "same sex recorded", "ls = rs"),
        Level("mismatch", "different sex recorded", "TRUE"),
    ),
)


def address(cfg: MatchConfig) -> Comparison:
    return Comparison(
        "address",
        "best agreement between any address in either history (a house move is not a mismatch)",
        (
            Level("missing", "no address on one side", "la IS NULL OR ra IS NULL"),
            Level(
                "same_dwelling",
                "same postcode, house number and flat (and floor, where both name one)",
                "lpc = rpc AND lhouse IS NOT DISTINCT FROM rhouse "
                "AND lflat IS NOT DISTINCT FROM rflat AND NOT floors_apart",
            ),
            Level(
                "same_house_street",
                "same house number and flat on a street written alike (word-set similarity "
                f"at least {cfg.street_similarity}), the postcode different or missing",
                "street_alike AND lhouse = rhouse AND lflat IS NOT DISTINCT FROM rflat "
                "AND NOT floors_apart",
            ),
            Level("same_postcode", "same full postcode", "lpc = rpc"),
            Level("same_sector", "same postcode sector", "lsector = rsector"),
            Level("same_district", "same postcode district", "ldistrict = rdistrict"),
            Level(
                "different",
                "addresses in different districts, no house on a street written alike",
                "TRUE",
            ),
        ),
    )


PHONE = Comparison(
    "phone",
    "any phone number in common",
    (
        Level("missing", "no phone number on one side", "lph IS NULL OR rph IS NULL"),
        Level("shared", "a phone number in common", "shared"),
        Level("different", "no phone number in common", "TRUE"),
    ),
)


def all_comparisons(cfg: MatchConfig) -> tuple[Comparison, ...]:
    """The comparisons a pair is scored on, in the order they are reported."""
    return (forename(cfg), surname(cfg), name_order(cfg), dob(cfg), SEX, address(cfg), PHONE)


def sql_in(values: Iterable[str]) -> str:
    """``values`` as the parenthesised list of SQL string literals an IN takes."""
    return "(" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + ")"


def check_levels(option: str, comparison: str, levels: Iterable[str], cfg: MatchConfig) -> None:
    """A ValueError naming ``option`` where ``levels`` has a label that ``comparison`` lacks:
    a level spelt wrong in a setting is an error, not a rule that never holds."""
    labels = next(c.labels() for c in all_comparisons(cfg) if c.name == comparison)
    unknown = [lv for lv in levels if lv not in labels]
    if unknown:
        article = "an" if comparison[0] in "aeiou" else "a"
        raise ValueError(
            f"{option}: {', '.join(map(repr, unknown))} "
            f"{'is' if len(unknown) == 1 else 'are'} not {article} {comparison} level; levels: "
            f"{', '.join(labels)}"
        )
