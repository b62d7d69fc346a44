"""Great Expectations 1.x suites for every input table, built from the contract (schema.py).

``build_suite(table, cfg, run_date)`` picks the extract's module (staff or intel); see
``expectations.builder`` for the rules and the ``<column>__day`` derived columns they rely on.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import great_expectations as gx

from expectations import intel, staff
from expectations.builder import (
    CALENDAR_DATE,
    COLLAR_FORMAT,
    DATE_FORMAT,
    DATE_KINDS,
    DATE_MIN,
    DATE_ORDER,
    DOB_MIN_AGE,
    DOB_MIN_YEAR,
    ID_FORMAT,
    IN_SET,
    NOT_FUTURE,
    NOT_NULL,
    PHONE_FORMAT,
    POSTCODE_FORMAT,
    REPEATED_HEADER,
    UNIQUE,
    UNKNOWN_PARENT,
    VRM_FORMAT,
    day_column,
    key_column,
    latest_dob,
    suite_name,
)
from transforms.config import ValidationConfig
from transforms.schema import Table

_BY_EXTRACT = {"staff": staff.build_suite, "intel": intel.build_suite}


def build_suite(table: Table, cfg: ValidationConfig, run_date: date) -> gx.ExpectationSuite:
    """The expectation suite for one table of either extract."""
    try:
        builder = _BY_EXTRACT[table.extract]
    except KeyError:
        raise ValueError(f"unknown extract {table.extract!r} for table {table.name}") from None
    return builder(table, cfg, run_date)


def build_suites(
    tables: Iterable[Table], cfg: ValidationConfig, run_date: date
) -> dict[str, gx.ExpectationSuite]:
    return {t.name: build_suite(t, cfg, run_date) for t in tables}


__all__ = [
    "CALENDAR_DATE",
    "COLLAR_FORMAT",
    "DATE_FORMAT",
    "DATE_KINDS",
    "DATE_MIN",
    "DATE_ORDER",
    "DOB_MIN_AGE",
    "DOB_MIN_YEAR",
    "ID_FORMAT",
    "IN_SET",
    "NOT_FUTURE",
    "NOT_NULL",
    "PHONE_FORMAT",
    "POSTCODE_FORMAT",
    "REPEATED_HEADER",
    "UNIQUE",
    "UNKNOWN_PARENT",
    "VRM_FORMAT",
    "build_suite",
    "build_suites",
    "day_column",
    "key_column",
    "latest_dob",
    "suite_name",
]
