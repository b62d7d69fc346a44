"""Suites for the intelligence (PND-like) extract."""

from __future__ import annotations

from datetime import date

import great_expectations as gx

from expectations.builder import build_table_suite
from transforms.config import ValidationConfig
from transforms.schema import INTEL_TABLES, Table

# Extract-specific (earlier, later) date pairs, on top of date_from <= date_to everywhere.
DATE_ORDER: dict[str, tuple[tuple[str, str], ...]] = {}


def build_suite(table: Table, cfg: ValidationConfig, run_date: date) -> gx.ExpectationSuite:
    if table.extract != "intel":
        raise ValueError(f"not an intel table: {table.name}")
    return build_table_suite(table, cfg, run_date, DATE_ORDER.get(table.name, ()))


def build_suites(cfg: ValidationConfig, run_date: date) -> dict[str, gx.ExpectationSuite]:
    return {t.name: build_suite(t, cfg, run_date) for t in INTEL_TABLES}
