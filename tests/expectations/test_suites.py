"""expectations: one GX 1.x suite per table, built from the contract alone."""

from __future__ import annotations

import re
from datetime import date

import pyarrow as pa
import pyarrow.compute as pc
import pytest

import expectations as ex
from expectations import intel, staff
from expectations.builder import day_number, years_before
from transforms.config import ValidationConfig
from transforms.schema import ALL_TABLES, INTEL_ADDRESSES, NOMINALS, STAFF, Table

CFG = ValidationConfig()
RUN_DATE = date(2026, 11, 25)


def by_rule(table: Table) -> dict[tuple[str, str], object]:
    suite = ex.build_suite(table, CFG, RUN_DATE)
    return {(e.meta["rule"], e.meta["field"]): e for e in suite.expectations}


def test_every_table_has_a_suite_without_a_data_context():
    suites = {**staff.build_suites(CFG, RUN_DATE), **intel.build_suites(CFG, RUN_DATE)}
    assert set(suites) == {t.name for t in ALL_TABLES}
    assert suites["nominals"].name == "sweep.intel.nominals"
    assert ex.build_suites(ALL_TABLES, CFG, RUN_DATE).keys() == suites.keys()


@pytest.mark.parametrize("table", ALL_TABLES, ids=lambda t: t.name)
def test_every_expectation_names_rule_field_and_a_fixed_detail(table):
    for e in ex.build_suite(table, CFG, RUN_DATE).expectations:
        assert set(e.meta) == {"rule", "field", "detail"}
        assert e.meta["field"] in table.column_names
        assert e.meta["detail"] and "{" not in e.meta["detail"]


@pytest.mark.parametrize("table", ALL_TABLES, ids=lambda t: t.name)
def test_rules_follow_the_contract(table):
    rules = by_rule(table)
    for col in table.columns:
        assert (("not_null", col.name) in rules) == col.required
        assert (("unique", col.name) in rules) == col.unique
        if col.kind in ("enum", "bool"):
            assert rules[("in_set", col.name)].value_set == list(col.allowed)
        if col.kind in ("date", "dob"):
            assert rules[("date_format", col.name)].regex == CFG.date_regex
        if col.kind == "id":
            assert rules[("id_format", col.name)].regex == CFG.id_regex
        if col.unique:  # every unique column is an id, unique by its case-folded key
            assert col.kind == "id"
            assert rules[("unique", col.name)].column == f"{col.name}__key"
        if col.kind == "collar":
            assert rules[("collar_format", col.name)].regex == CFG.collar_regex
        # an event date may not lie after the run date; renewals and end dates may
        # (a date of birth: the workforce's has a minimum age, any other is not in the future)
        assert (("not_future", col.name) in rules) == (
            (col.kind == "date" and not col.may_be_future)
            or (col.kind == "dob" and not col.workforce_age)
        )
        assert (("dob_min_age", col.name) in rules) == col.workforce_age
        if col.blank_if_invalid:  # blanked, never set aside: so no key
            assert not col.unique and col.kind != "id"


def test_dob_bounds():
    rules = by_rule(STAFF)
    assert rules[("dob_min_year", "date_of_birth")].min_value == day_number(date(1900, 1, 1))
    young = rules[("dob_min_age", "date_of_birth")]
    assert young.max_value == day_number(date(2010, 11, 25))
    assert young.column == "date_of_birth__day"
    assert young.meta["detail"] == "younger than 16 on 2026-11-25 (born after 2010-11-25)"


def test_not_future_bound_is_the_run_date_plus_the_configured_days():
    from dataclasses import replace

    assert by_rule(STAFF)[("not_future", "start_date")].max_value == day_number(RUN_DATE)
    assert ("not_future", "vetting_renewal_date") not in by_rule(STAFF)
    assert ("not_future", "date_to") not in by_rule(INTEL_ADDRESSES)
    assert ("not_future", "date_of_birth") not in by_rule(STAFF)  # dob_min_age covers it
    # a nominal may be a child: born no later than the run date, no minimum age
    assert by_rule(NOMINALS)[("not_future", "date_of_birth")].max_value == day_number(RUN_DATE)
    assert ("dob_min_age", "date_of_birth") not in by_rule(NOMINALS)
    later = ex.build_suite(STAFF, replace(CFG, max_days_after_run_date=2), RUN_DATE)
    rule = next(e for e in later.expectations if e.meta["rule"] == "not_future")
    assert rule.max_value == day_number(date(2026, 11, 27))


def test_leap_day_run_date():
    assert years_before(date(2028, 2, 29), 16) == date(2012, 2, 29)
    assert years_before(date(2028, 2, 29), 17) == date(2011, 2, 28)


def test_date_order_pairs():
    assert ("date_order", "date_to") in by_rule(INTEL_ADDRESSES)
    pair = by_rule(STAFF)[("date_order", "vetting_renewal_date")]
    assert (pair.column_A, pair.column_B) == (
        "vetting_renewal_date__day",
        "vetting_cleared_date__day",
    )
    assert pair.or_equal is True
    assert ("date_order", "date_to") not in by_rule(NOMINALS)


def test_every_regex_works_in_python_and_in_re2():
    """pandas 3 runs GX's regex check in pyarrow (RE2) unless the pattern needs Python's re."""
    patterns = {
        CFG.id_regex,
        CFG.postcode_regex,
        CFG.area_postcode_regex,
        CFG.date_regex,
        CFG.phone_regex,
        CFG.vrm_regex,
        CFG.collar_regex,
    }
    for pattern in patterns:
        re.compile(pattern)
        pc.match_substring_regex(pa.array(["x"]), pattern)


@pytest.mark.parametrize(
    ("pattern", "good", "bad"),
    [
        (
            CFG.phone_regex,
            ["07700 900123", "+44(0)1174960533", "(01632) 960868", "020-7946-0018"],
            ["12345", "phone", "07700 900123 ext 4", "++447700900123"],
        ),
        (
            CFG.vrm_regex,
            ["AB12 CDE", "AB12CDE", "A123 BCD", "ABC 123D", "1234 AB", "ABZ 1234"],
            # lower case is read in canonical form before the check (validate.canonical_vrm)
            ["NOT A PLATE", "AB12 CDEF", "", "12345678", "ab12cde", "\u212aB12CDE"],
        ),
        (
            CFG.collar_regex,
            ["4471", "0123", "PC 1234", "MPS-220", "ab12", "A1-B2 C3", "1" * 20],
            ["2.81E+05", "280720.0", "1E+05", "4471.", "PC  1234", "-220", "1" * 21, ""],
        ),
    ],
)
def test_phone_and_vrm_patterns(pattern, good, bad):
    assert all(re.search(pattern, v) for v in good)
    assert not any(re.search(pattern, v) for v in bad)


def test_wrong_extract_is_refused():
    with pytest.raises(ValueError, match="not a staff table"):
        staff.build_suite(NOMINALS, CFG, RUN_DATE)
    with pytest.raises(ValueError, match="unknown extract"):
        ex.build_suite(Table(name="x", extract="hr", columns=()), CFG, RUN_DATE)


def test_only_a_non_key_column_may_be_blanked():
    from transforms.schema import Column

    assert Column("collar_number", required=False, blank_if_invalid=True).blank_if_invalid
    assert Column("declared_date", "date", blank_if_invalid=True).blank_if_invalid
    for bad in ({"unique": True}, {"required": False, "unique": True}, {"kind": "id"}):
        with pytest.raises(ValueError, match="only a non-key column"):
            Column("x", blank_if_invalid=True, **bad)
