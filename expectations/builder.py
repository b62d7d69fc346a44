"""Build a Great Expectations 1.x ``ExpectationSuite`` for any table of the contract.

Every expectation carries ``meta = {"rule", "field", "detail"}``: the quarantine rule name, the
column it reports against and a fixed explanation. The detail is built from the contract and the
configuration only, never from data, so it is safe to publish next to a row number.

Dates are checked in three steps: the text format (a regex, here), whether it is a real calendar
date (in pandas, ``transforms.validate``, because GX's strftime expectation is a per-row Python
``strptime``), and its range (here). The range and order expectations run on a derived column
``<column>__day`` (days since 1970-01-01, float, missing unless the value is a real date) that
the validator adds to the frame it hands GX: GX coerces an ISO-string bound to ``datetime.date``
and then refuses to compare it with text, and its between/pair checks are vectorised on numbers.
Likewise an id is unique by its derived ``<column>__key`` (case-folded: "S000012" and "s000012"
are one id), reported against the id column itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import great_expectations as gx
import great_expectations.expectations as gxe

from transforms.config import ValidationConfig
from transforms.schema import Table

# Rule names, as they appear in the quarantine ``rule`` column.
NOT_NULL = "not_null"
UNIQUE = "unique"
ID_FORMAT = "id_format"
POSTCODE_FORMAT = "postcode_format"
PHONE_FORMAT = "phone_format"
VRM_FORMAT = "vrm_format"
COLLAR_FORMAT = "collar_format"
DATE_FORMAT = "date_format"
CALENDAR_DATE = "calendar_date"  # checked in pandas by transforms.validate
IN_SET = "in_set"
DATE_MIN = "date_min"
NOT_FUTURE = "not_future"
DOB_MIN_YEAR = "dob_min_year"
DOB_MIN_AGE = "dob_min_age"
DATE_ORDER = "date_order"
UNKNOWN_PARENT = "unknown_parent"  # checked in pandas by transforms.validate
REPEATED_HEADER = "repeated_header"  # checked in pandas by transforms.validate

# Every format regex lives in ValidationConfig and must stay RE2-compatible: pandas 3 runs GX's
# regex check through pyarrow (RE2), so no look-arounds or back-references.

DATE_KINDS = ("date", "dob")
_EPOCH = date(1970, 1, 1)


def day_column(column: str) -> str:
    """The derived column holding ``column`` as days since 1970-01-01 (see module docstring)."""
    return f"{column}__day"


def key_column(column: str) -> str:
    """The derived column holding an id column's comparison key: trimmed (by the loader) and
    case-folded, so "S000012" and "s000012" are one id (``transforms.ids.id_key``)."""
    return f"{column}__key"


def day_number(d: date) -> int:
    return (d - _EPOCH).days


def years_before(d: date, years: int) -> date:
    """``d`` moved back ``years`` calendar years (29 February becomes 28 February)."""
    try:
        return d.replace(year=d.year - years)
    except ValueError:
        return d.replace(year=d.year - years, day=28)


def latest_dob(cfg: ValidationConfig, run_date: date) -> date:
    """The latest date of birth of someone at least ``min_age_years`` old on ``run_date``."""
    return years_before(run_date, cfg.min_age_years)


def latest_event_date(cfg: ValidationConfig, run_date: date) -> date:
    """The latest date an event (not a renewal or an end date) may carry on ``run_date``."""
    return run_date + timedelta(days=cfg.max_days_after_run_date)


def _not_future_detail(cfg: ValidationConfig, run_date: date) -> str:
    days = cfg.max_days_after_run_date
    if not days:
        return f"after the run date, {run_date.isoformat()}"
    latest = latest_event_date(cfg, run_date).isoformat()
    return f"after {latest} (the run date, {run_date.isoformat()}, + {days} day{'s' * (days != 1)})"


def suite_name(table: Table) -> str:
    return f"sweep.{table.extract}.{table.name}"


def _meta(rule: str, field: str, detail: str) -> dict[str, str]:
    return {"rule": rule, "field": field, "detail": detail}


def column_expectations(
    table: Table, cfg: ValidationConfig, run_date: date
) -> list[gxe.Expectation]:
    """Not-null, unique, format, in-set and date-range expectations for each column."""
    formats = {
        "id": (ID_FORMAT, cfg.id_regex, "not a valid id (1-40 letters, digits, '_' or '-')"),
        "postcode": (POSTCODE_FORMAT, cfg.postcode_regex, "not a valid UK postcode"),
        "area_postcode": (
            POSTCODE_FORMAT,
            cfg.area_postcode_regex,
            "not a valid UK postcode or postcode outward code",
        ),
        "phone": (PHONE_FORMAT, cfg.phone_regex, "not a valid phone number"),
        "vrm": (VRM_FORMAT, cfg.vrm_regex, "not a valid vehicle registration"),
        "collar": (
            COLLAR_FORMAT,
            cfg.collar_regex,
            "not a collar number (letters and digits, single spaces or hyphens; "
            "not a number in Excel's scientific or decimal form)",
        ),
        "date": (DATE_FORMAT, cfg.date_regex, "not a date in YYYY-MM-DD form"),
        "dob": (DATE_FORMAT, cfg.date_regex, "not a date in YYYY-MM-DD form"),
    }
    earliest = date.fromisoformat(cfg.earliest_date)
    max_dob = latest_dob(cfg, run_date)
    latest_event = latest_event_date(cfg, run_date)
    out: list[gxe.Expectation] = []
    for col in table.columns:
        name = col.name
        if col.required:
            out.append(
                gxe.ExpectColumnValuesToNotBeNull(
                    column=name, meta=_meta(NOT_NULL, name, "required value is missing")
                )
            )
        if col.unique:
            # GX reports every copy; transforms.validate keeps the first and names it per row.
            # An id is unique by its case-folded key.
            out.append(
                gxe.ExpectColumnValuesToBeUnique(
                    column=key_column(name) if col.kind == "id" else name,
                    meta=_meta(UNIQUE, name, "duplicate of an earlier row"),
                )
            )
        if col.kind in formats:
            rule, regex, detail = formats[col.kind]
            out.append(
                gxe.ExpectColumnValuesToMatchRegex(
                    column=name, regex=regex, meta=_meta(rule, name, detail)
                )
            )
        if col.kind in ("enum", "bool") and col.allowed:
            out.append(
                gxe.ExpectColumnValuesToBeInSet(
                    column=name,
                    value_set=list(col.allowed),
                    meta=_meta(IN_SET, name, "expected one of: " + ", ".join(col.allowed)),
                )
            )
        if col.kind == "dob":
            out.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column=day_column(name),
                    min_value=day_number(date(cfg.min_birth_year, 1, 1)),
                    meta=_meta(DOB_MIN_YEAR, name, f"born before {cfg.min_birth_year}"),
                )
            )
            if col.workforce_age:
                out.append(
                    gxe.ExpectColumnValuesToBeBetween(
                        column=day_column(name),
                        max_value=day_number(max_dob),
                        meta=_meta(
                            DOB_MIN_AGE,
                            name,
                            f"younger than {cfg.min_age_years} on {run_date.isoformat()} "
                            f"(born after {max_dob.isoformat()})",
                        ),
                    )
                )
            else:
                out.append(
                    gxe.ExpectColumnValuesToBeBetween(
                        column=day_column(name),
                        max_value=day_number(run_date),
                        meta=_meta(NOT_FUTURE, name, f"after the run date, {run_date.isoformat()}"),
                    )
                )
        elif col.kind == "date":
            out.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column=day_column(name),
                    min_value=day_number(earliest),
                    meta=_meta(DATE_MIN, name, f"before {earliest.isoformat()}"),
                )
            )
            if not col.may_be_future:
                out.append(
                    gxe.ExpectColumnValuesToBeBetween(
                        column=day_column(name),
                        max_value=day_number(latest_event),
                        meta=_meta(NOT_FUTURE, name, _not_future_detail(cfg, run_date)),
                    )
                )
    return out


def default_date_order(table: Table) -> tuple[tuple[str, str], ...]:
    """(earlier, later) pairs every table gets: ``date_from`` <= ``date_to`` when both exist."""
    names = set(table.column_names)
    return (("date_from", "date_to"),) if {"date_from", "date_to"} <= names else ()


def order_expectations(pairs: Iterable[tuple[str, str]]) -> list[gxe.Expectation]:
    """``later`` must not be before ``earlier`` when both are real dates; reported on ``later``."""
    return [
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A=day_column(later),
            column_B=day_column(earlier),
            or_equal=True,
            ignore_row_if="either_value_is_missing",
            meta=_meta(DATE_ORDER, later, f"{later} before {earlier}"),
        )
        for earlier, later in pairs
    ]


def build_table_suite(
    table: Table,
    cfg: ValidationConfig,
    run_date: date,
    date_order: Iterable[tuple[str, str]] = (),
) -> gx.ExpectationSuite:
    """The suite for one table: column rules, then date-order rules (default plus ``date_order``).

    Built with ``expectations=[...]``: ``suite.add_expectation`` needs an active data context.
    """
    pairs = list(dict.fromkeys([*default_date_order(table), *date_order]))
    names = set(table.column_names)
    for earlier, later in pairs:
        if earlier not in names or later not in names:
            raise ValueError(f"date order pair not in table {table.name}: {earlier}, {later}")
    return gx.ExpectationSuite(
        name=suite_name(table),
        expectations=[*column_expectations(table, cfg, run_date), *order_expectations(pairs)],
        meta={"table": table.name, "extract": table.extract, "run_date": run_date.isoformat()},
    )
