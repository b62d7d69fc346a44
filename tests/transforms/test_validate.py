"""transforms.validate: row rules through Great Expectations, referential integrity, counts."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from transforms.config import SweepConfig, ValidationConfig
from transforms.load import load_extract
from transforms.schema import (
    ALL_TABLES,
    ASSOCIATIONS,
    DECLARED_ASSOCIATIONS,
    INTEL_ADDRESSES,
    INTEL_PHONES,
    INTEL_VEHICLES,
    MISCONDUCT_OUTCOMES_TABLE,
    NOMINALS,
    RECORDS,
    STAFF,
    STAFF_ADDRESSES,
    STAFF_VEHICLES,
    TABLES_BY_NAME,
    Table,
)
from transforms.validate import (
    COUNT_COLUMNS,
    QUARANTINE_COLUMNS,
    QuarantineShareError,
    ReconciliationError,
    check_quarantine_share,
    quarantine_share_warnings,
    reconcile,
    validate_extract,
    validate_table,
)

RUN_DATE = date(2026, 11, 25)
CFG = ValidationConfig()
PLANTED_NAME = "Quenby-Planted"  # synthetic values that must never appear in any output text
PLANTED_POSTCODE = "QX PLANTED"
PLANTED_ID = "N#PLANTED"

NOMINAL = {"surname": "Smith", "forenames": "Ann", "date_of_birth": "1980-05-17", "sex": "F"}
STAFF_ROW = {
    "staff_id": "S1",
    "collar_number": "1234",
    "person_type": "officer",
    "rank_grade": "PC",
    "unit": "Response",
    "start_date": "2015-04-01",
    "surname": "Smith",
    "forenames": "Ann",
    "previous_surnames": "",
    "date_of_birth": "1985-03-02",
    "sex": "F",
    "vetting_level": "MV",
    "vetting_cleared_date": "2022-01-01",
    "vetting_renewal_date": "2029-01-01",
    "vetting_status": "granted",
    "designated_post": "false",
}


def frame(table: Table, rows: list[dict[str, str]]) -> pd.DataFrame:
    """Rows as the loader would give them: text, empty -> missing, ``_row`` from 1."""
    df = pd.DataFrame(rows, columns=table.column_names).astype("string").replace("", pd.NA)
    df["_row"] = range(1, len(df) + 1)
    return df


def nominals(*rows: dict[str, str]) -> pd.DataFrame:
    return frame(NOMINALS, [{**NOMINAL, **r} for r in rows])


def lines(result, rule: str | None = None) -> list[tuple[int, str, str]]:
    q = result.quarantine
    if rule:
        q = q[q["rule"] == rule]
    return list(zip(q["row_number"], q["field"], q["rule"], strict=True))


def test_clean_rows_are_all_accepted():
    df = nominals({"nominal_id": "N1"}, {"nominal_id": "N2", "date_of_birth": ""})
    r = validate_table(df, NOMINALS, CFG, RUN_DATE, "nominals.csv")
    assert (r.rows_read, r.rows_accepted, r.rows_quarantined) == (2, 2, 0)
    assert list(r.quarantine.columns) == QUARANTINE_COLUMNS
    pd.testing.assert_frame_equal(r.accepted, df)


def test_null_key_and_missing_required_value():
    df = nominals({"nominal_id": ""}, {"nominal_id": "N2", "surname": ""})
    r = validate_table(df, NOMINALS, CFG, RUN_DATE, "nominals.csv")
    assert lines(r) == [(1, "nominal_id", "not_null"), (2, "surname", "not_null")]
    assert r.rows_accepted == 0
    assert set(r.quarantine["detail"]) == {"required value is missing"}
    assert set(r.quarantine["source_file"]) == {"nominals.csv"}
    assert set(r.quarantine["table"]) == {"nominals"}


def test_duplicate_ids_keep_the_first_and_point_to_it():
    df = nominals(
        {"nominal_id": "N1"},
        {"nominal_id": "N2"},
        {"nominal_id": "N1"},
        {"nominal_id": "N3"},
        {"nominal_id": "N1"},
        {"nominal_id": "N3"},
    )
    r = validate_table(df, NOMINALS, CFG, RUN_DATE, "nominals.csv")
    q = r.quarantine
    assert q["row_number"].tolist() == [3, 5, 6]
    assert set(q["rule"]) == {"unique"}
    assert q["detail"].tolist() == [
        "duplicate of row 1",
        "duplicate of row 1",
        "duplicate of row 4",
    ]
    assert r.accepted["_row"].tolist() == [1, 2, 4]


@pytest.mark.parametrize(
    ("dob", "rule"),
    [
        ("2031-01-01", "not_future"),
        ("2026-11-26", "not_future"),  # the day after the run date
        ("1899-12-31", "dob_min_year"),
        ("0000-01-01", "dob_min_year"),
        ("2023-02-30", "calendar_date"),
        ("2023-02-29", "calendar_date"),
        ("1980-13-01", "calendar_date"),
        ("17/05/1980", "date_format"),
        ("1980-5-17", "date_format"),
    ],
)
def test_impossible_dates_of_birth(dob, rule):
    df = nominals({"nominal_id": "N1", "date_of_birth": dob})
    r = validate_table(df, NOMINALS, CFG, RUN_DATE, "nominals.csv")
    assert lines(r) == [(1, "date_of_birth", rule)]  # exactly one line: no knock-on rules
    assert dob not in r.quarantine.to_csv()


@pytest.mark.parametrize(
    "dob",
    # a child's: intelligence holds child protection victims and offenders from ten, and a
    # young offender at an officer's address is association evidence
    ["2026-11-25", "2015-06-01", "2010-11-26", "2010-11-25", "1900-01-01", "1996-02-29"],
)
def test_possible_dates_of_birth(dob):
    r = validate_table(
        nominals({"nominal_id": "N1", "date_of_birth": dob}),
        NOMINALS,
        CFG,
        RUN_DATE,
        "nominals.csv",
    )
    assert r.rows_quarantined == 0


@pytest.mark.parametrize(
    ("dob", "rule"),
    [
        ("2031-01-01", "dob_min_age"),  # in the future
        ("2015-06-01", "dob_min_age"),  # eleven on the run date
        ("2010-11-26", "dob_min_age"),  # one day short of sixteen
        ("2010-11-25", None),
    ],
)
def test_only_the_workforce_has_a_minimum_age(dob, rule):
    r = validate_table(staff({"date_of_birth": dob}), STAFF, CFG, RUN_DATE, "staff.csv")
    assert lines(r) == ([(1, "date_of_birth", rule)] if rule else [])


def test_min_age_detail_names_the_bound_not_the_value():
    r = validate_table(staff({"date_of_birth": "2015-06-01"}), STAFF, CFG, RUN_DATE, "staff.csv")
    assert r.quarantine["detail"].tolist() == [
        "younger than 16 on 2026-11-25 (born after 2010-11-25)"
    ]


def test_bad_enum_lists_the_allowed_values():
    # (Male and m are read as M: test_an_enum_value_in_another_case_or_as_a_word_...)
    df = nominals({"nominal_id": "N1", "sex": "X"}, {"nominal_id": "N2", "sex": "Mal"})
    r = validate_table(df, NOMINALS, CFG, RUN_DATE, "nominals.csv")
    assert lines(r) == [(1, "sex", "in_set"), (2, "sex", "in_set")]
    assert set(r.quarantine["detail"]) == {"expected one of: M, F, U"}


def test_malformed_id_postcode_phone_and_vrm():
    addresses = frame(
        INTEL_ADDRESSES,
        [
            {
                "nominal_id": "N1",
                "address_line": "1 High St",
                "postcode": "SW1A 1AA",
                "date_from": "2020-01-01",
            },
            {
                "nominal_id": "N1",
                "address_line": "2 High St",
                "postcode": PLANTED_POSTCODE,
                "date_from": "2020-01-01",
            },
            {
                "nominal_id": PLANTED_ID,
                "address_line": "3 High St",
                "postcode": "b38 6wq",
                "date_from": "2020-01-01",
            },
        ],
    )
    r = validate_table(addresses, INTEL_ADDRESSES, CFG, RUN_DATE, "addresses.csv")
    assert lines(r) == [(2, "postcode", "postcode_format"), (3, "nominal_id", "id_format")]

    phones = frame(
        INTEL_PHONES,
        [
            {"nominal_id": "N1", "phone": "+44(0)20 7946 0018", "date_from": "2020-01-01"},
            {"nominal_id": "N1", "phone": "(01632) 960868", "date_from": "2020-01-01"},
            {"nominal_id": "N1", "phone": "call me", "date_from": "2020-01-01"},
        ],
    )
    r = validate_table(phones, INTEL_PHONES, CFG, RUN_DATE, "phones.csv")
    assert lines(r) == [(3, "phone", "phone_format")]

    vehicles = frame(
        INTEL_VEHICLES,
        [
            {"nominal_id": "N1", "vrm": "AB12 CDE", "role": "owner", "date_from": "2020-01-01"},
            {"nominal_id": "N1", "vrm": "ab12cde", "role": "driver", "date_from": "2020-01-01"},
            {"nominal_id": "N1", "vrm": "NOT A PLATE", "role": "owner", "date_from": "2020-01-01"},
        ],
    )
    r = validate_table(vehicles, INTEL_VEHICLES, CFG, RUN_DATE, "vehicles.csv")
    assert lines(r) == [(3, "vrm", "vrm_format")]


def test_date_order_and_earliest_date():
    df = frame(
        INTEL_ADDRESSES,
        [
            {
                "nominal_id": "N1",
                "address_line": "a",
                "postcode": "SW1A 1AA",
                "date_from": "2020-01-01",
                "date_to": "2019-12-31",
            },
            {
                "nominal_id": "N1",
                "address_line": "b",
                "postcode": "SW1A 1AA",
                "date_from": "2020-01-01",
                "date_to": "2020-01-01",
            },  # same day is fine
            {
                "nominal_id": "N1",
                "address_line": "c",
                "postcode": "SW1A 1AA",
                "date_from": "2020-01-01",
                "date_to": "",
            },  # current address
            {
                "nominal_id": "N1",
                "address_line": "d",
                "postcode": "SW1A 1AA",
                "date_from": "1899-06-01",
                "date_to": "2023-02-30",
            },
        ],
    )
    r = validate_table(df, INTEL_ADDRESSES, CFG, RUN_DATE, "addresses.csv")
    assert lines(r) == [
        (1, "date_to", "date_order"),
        (4, "date_from", "date_min"),
        (4, "date_to", "calendar_date"),
    ]
    q = r.quarantine.set_index("rule")["detail"]
    assert q["date_order"] == "date_to before date_from"
    assert q["date_min"] == "before 1900-01-01"
    assert (r.rows_read, r.rows_accepted, r.rows_quarantined) == (4, 2, 2)


def test_staff_vetting_renewal_before_clearance():
    df = frame(
        STAFF, [STAFF_ROW, {**STAFF_ROW, "staff_id": "S2", "vetting_renewal_date": "2021-12-31"}]
    )
    r = validate_table(df, STAFF, CFG, RUN_DATE, "staff.csv")
    assert lines(r) == [(2, "vetting_renewal_date", "date_order")]


def test_one_line_per_failed_rule_but_the_row_counts_once():
    df = nominals({"nominal_id": "N1", "surname": "", "sex": "X", "date_of_birth": "2023-02-30"})
    r = validate_table(df, NOMINALS, CFG, RUN_DATE, "nominals.csv")
    assert len(r.quarantine) == 3
    assert (r.rows_quarantined, r.rows_accepted) == (1, 0)


def test_header_only_table_validates_to_nothing():
    r = validate_table(frame(INTEL_PHONES, []), INTEL_PHONES, CFG, RUN_DATE, "phones.csv")
    assert (r.rows_read, r.rows_accepted, r.rows_quarantined) == (0, 0, 0)
    assert list(r.quarantine.columns) == QUARANTINE_COLUMNS


def test_plain_object_frame_without_row_column():
    df = pd.DataFrame([{"nominal_id": "N1", **NOMINAL}, {"nominal_id": None, **NOMINAL}])
    r = validate_table(df, NOMINALS, CFG, RUN_DATE, "nominals.csv")
    assert lines(r) == [(2, "nominal_id", "not_null")]
    assert r.accepted["_row"].tolist() == [1]


def test_run_date_and_config_drive_the_rules():
    df = staff({"date_of_birth": "2009-01-01"})
    assert validate_table(df, STAFF, CFG, RUN_DATE, "s.csv").rows_quarantined == 0
    older = replace(CFG, min_age_years=18)
    assert lines(validate_table(df, STAFF, older, RUN_DATE, "s.csv")) == [
        (1, "date_of_birth", "dob_min_age")
    ]
    earlier = date(2020, 1, 1)
    assert validate_table(df, STAFF, CFG, earlier, "s.csv").rows_quarantined == 1


# --- the whole extract -------------------------------------------------------------------------


def intel_frames() -> dict[str, pd.DataFrame]:
    return {
        "nominals": nominals(
            {"nominal_id": "N1"},
            {"nominal_id": "N2", "sex": "X"},  # quarantined (a bad date of birth is blanked)
            {"nominal_id": "N3", "surname": PLANTED_NAME},
        ),
        "addresses": frame(
            INTEL_ADDRESSES,
            [
                {
                    "nominal_id": "N1",
                    "address_line": "1 High St",
                    "postcode": "SW1A 1AA",
                    "date_from": "2020-01-01",
                },
                {
                    "nominal_id": "N2",
                    "address_line": "2 High St",
                    "postcode": "SW1A 1AA",
                    "date_from": "2020-01-01",
                },  # parent quarantined
                {
                    "nominal_id": "N9",
                    "address_line": "9 High St",
                    "postcode": "SW1A 1AA",
                    "date_from": "2020-01-01",
                },  # orphan
                {
                    "nominal_id": "",
                    "address_line": "0 High St",
                    "postcode": "SW1A 1AA",
                    "date_from": "2020-01-01",
                },  # null key: not_null only
                {
                    "nominal_id": "N3",
                    "address_line": "3 High St",
                    "postcode": PLANTED_POSTCODE,
                    "date_from": "2020-01-01",
                },
            ],
        ),
        "records": frame(
            RECORDS,
            [
                {
                    "record_id": "R1",
                    "nominal_id": "N1",
                    "business_area": "crime",
                    "record_date": "2025-01-01",
                    "source_force": "Force A",
                    "role": "suspect",
                    "offence_category": "drugs",
                    "outcome": "charged",
                },
                {
                    "record_id": "R2",
                    "nominal_id": "N2",
                    "business_area": "crime",
                    "record_date": "2025-01-01",
                    "source_force": "Force A",
                    "role": "victim",
                    "offence_category": "drugs",
                    "outcome": "charged",
                },
            ],
        ),
        "associations": frame(
            ASSOCIATIONS,
            [
                {
                    "nominal_id_a": "N1",
                    "nominal_id_b": "N3",
                    "association_type": "associate",
                    "date_from": "2021-01-01",
                },
                {
                    "nominal_id_a": "N1",
                    "nominal_id_b": "N8",
                    "association_type": "family",
                    "date_from": "2021-01-01",
                },  # second parent unknown
                {
                    "nominal_id_a": "N2",
                    "nominal_id_b": "N1",
                    "association_type": "family",
                    "date_from": "2021-01-01",
                },  # first parent quarantined
            ],
        ),
    }


def test_referential_integrity_against_accepted_parents(caplog):
    from transforms.schema import INTEL_TABLES

    frames = intel_frames()
    with caplog.at_level(logging.DEBUG):
        ev = validate_extract(frames, INTEL_TABLES, CFG, RUN_DATE, {"nominals": "nominals.csv"})

    addresses = ev.tables["addresses"]
    assert lines(addresses) == [
        (2, "nominal_id", "unknown_parent"),
        (3, "nominal_id", "unknown_parent"),
        (4, "nominal_id", "not_null"),
        (5, "postcode", "postcode_format"),
    ]
    details = addresses.quarantine.set_index("row_number")["detail"]
    assert details[2] == "the nominals row with this nominal_id was quarantined"
    assert details[3] == "no nominals row with this nominal_id"
    assert ev.accepted["addresses"]["_row"].tolist() == [1]

    assert lines(ev.tables["records"]) == [(2, "nominal_id", "unknown_parent")]
    assert lines(ev.tables["associations"]) == [
        (2, "nominal_id_b", "unknown_parent"),
        (3, "nominal_id_a", "unknown_parent"),
    ]
    assert ev.accepted["associations"]["_row"].tolist() == [1]

    # counts: one row per table given, in contract order, and they reconcile
    counts = ev.counts.set_index("table")
    assert list(ev.counts.columns) == COUNT_COLUMNS
    assert list(counts.index) == ["nominals", "addresses", "records", "associations"]
    assert counts.loc["nominals", ["rows_read", "rows_accepted", "rows_quarantined"]].tolist() == [
        3,
        2,
        1,
    ]
    assert counts.loc["addresses", ["rows_read", "rows_accepted", "rows_quarantined"]].tolist() == [
        5,
        1,
        4,
    ]
    assert (counts["rows_read"] == counts["rows_accepted"] + counts["rows_quarantined"]).all()
    assert counts["reconciled"].all()
    assert counts.loc["nominals", "source_file"] == "nominals.csv"
    assert counts.loc["addresses", "source_file"] == "addresses.csv"  # fallback name

    # the combined quarantine holds every table's lines
    assert len(ev.quarantine) == sum(len(t.quarantine) for t in ev.tables.values())
    assert list(ev.quarantine.columns) == QUARANTINE_COLUMNS

    # no data value anywhere in what is published or logged
    text = ev.quarantine.to_csv() + ev.counts.to_csv() + caplog.text
    for planted in (PLANTED_NAME, PLANTED_POSTCODE, "2023-02-30", "N9", "N8"):
        assert planted not in text


def test_staff_children_check_their_parent():
    staff = frame(STAFF, [STAFF_ROW, {**STAFF_ROW, "staff_id": "S2", "sex": "?"}])
    addresses = frame(
        STAFF_ADDRESSES,
        [
            {
                "staff_id": "S1",
                "address_line": "a",
                "postcode": "SW1A 1AA",
                "date_from": "2020-01-01",
            },
            {
                "staff_id": "S2",
                "address_line": "b",
                "postcode": "SW1A 1AA",
                "date_from": "2020-01-01",
            },
        ],
    )
    ev = validate_extract(
        {"staff": staff, "staff_addresses": addresses}, (STAFF, STAFF_ADDRESSES), CFG, RUN_DATE
    )
    assert lines(ev.tables["staff_addresses"]) == [(2, "staff_id", "unknown_parent")]


def test_misconduct_outcomes_are_validated_from_the_contract_alone():
    staff = frame(STAFF, [STAFF_ROW])
    rows = [
        ("M1", "S1", "written_warning", "2026-01-05"),
        ("M1", "S1", "no_case_to_answer", "2026-02-01"),
        ("M3", "S1", "sacked", "2026-02-01"),
        ("M4", "S9", "adverse_information", "2026-02-01"),
        ("M5", "S1", "reduction_in_rank", "2026-02-30"),
    ]
    outcomes = frame(
        MISCONDUCT_OUTCOMES_TABLE,
        [dict(zip(MISCONDUCT_OUTCOMES_TABLE.column_names, r, strict=True)) for r in rows],
    )
    tables = (STAFF, MISCONDUCT_OUTCOMES_TABLE)
    ev = validate_extract({"staff": staff, "misconduct_outcomes": outcomes}, tables, CFG, RUN_DATE)
    assert lines(ev.tables["misconduct_outcomes"]) == [
        (2, "outcome_id", "unique"),
        (3, "outcome", "in_set"),
        (4, "staff_id", "unknown_parent"),
        (5, "outcome_date", "calendar_date"),
    ]
    assert ev.accepted["misconduct_outcomes"]["outcome_id"].tolist() == ["M1"]
    # Absent (an older extract): validated without it, and counted nowhere.
    ev = validate_extract({"staff": staff}, tables, CFG, RUN_DATE)
    assert set(ev.accepted) == {"staff"} and ev.counts["table"].tolist() == ["staff"]


def test_child_without_its_parent_table_is_an_error():
    addresses = frame(INTEL_ADDRESSES, [])
    with pytest.raises(ValueError, match="parent table nominals"):
        validate_extract({"addresses": addresses}, (INTEL_ADDRESSES,), CFG, RUN_DATE)


def test_reconcile_raises_when_counts_disagree():
    r = validate_table(nominals({"nominal_id": "N1"}), NOMINALS, CFG, RUN_DATE, "n.csv")
    assert reconcile({"nominals": r})["reconciled"].all()
    broken = replace(r, rows_read=2)
    with pytest.raises(ReconciliationError, match="nominals: read 2, accepted 1"):
        reconcile({"nominals": broken})


def test_end_to_end_from_files(tmp_path: Path):
    """load -> validate on small CSV files, with a planted value in a bad row."""
    (tmp_path / "nominals.csv").write_text(
        "nominal_id,surname,forenames,date_of_birth,sex\n"
        "N1,Smith,Ann,1980-05-17,F\n"
        f"N2,{PLANTED_NAME},Bob,1980-01-01,X\n",
        encoding="utf-8",
    )
    (tmp_path / "phones.csv").write_text(
        "nominal_id,phone,date_from,date_to\nN1,07700 900123,2020-01-01,\nN2,07700 900456,"
        "2020-01-01,\n",
        encoding="utf-8",
    )
    tables = (NOMINALS, INTEL_PHONES)
    frames = load_extract(tmp_path, tables)
    ev = validate_extract(frames, tables, CFG, RUN_DATE, {})
    assert ev.counts["rows_quarantined"].tolist() == [1, 1]
    assert ev.counts["source_file"].tolist() == ["nominals.csv", "phones.csv"]
    assert PLANTED_NAME not in ev.quarantine.to_csv()
    assert ev.accepted["phones"]["phone"].tolist() == ["07700 900123"]


# --- midnight times in date columns ------------------------------------------------------------


def declarations(*declared: str) -> pd.DataFrame:
    row = {
        "staff_id": "S1",
        "assoc_surname": PLANTED_NAME,
        "assoc_forenames": "Ann",
        "assoc_date_of_birth": "",
        "relationship": "friend",
    }
    return frame(
        DECLARED_ASSOCIATIONS,
        [{**row, "declaration_id": f"D{i}", "declared_date": d} for i, d in enumerate(declared)],
    )


def test_a_date_with_a_midnight_time_is_that_date():
    # SQL and Excel exports write a date column as "2024-09-21 00:00:00"; every declaration
    # of one extract was quarantined for it, and each then raised an association flag
    df = declarations(
        "2024-09-21",
        "2024-09-21 00:00:00",
        "2024-09-21T00:00:00",
        "2024-09-21 00:00",
        "2024-09-21 00:00:00.000000",
        "2024-09-21 13:45:00",  # a time of day is not a date
        "2024-02-30 00:00:00",  # nor is a day that does not exist, with or without a time
    )
    r = validate_table(df, DECLARED_ASSOCIATIONS, CFG, RUN_DATE, "declared_associations.csv")
    assert lines(r) == [
        (6, "declared_date", "date_format"),
        (7, "declared_date", "calendar_date"),
    ]
    # those two declarations are kept with no date (value_blanked), the rest as the date
    assert r.accepted["declared_date"].tolist() == ["2024-09-21"] * 5 + [pd.NA] * 2


# --- a table gutted by quarantine stops the run -------------------------------------------------


def bad_id_nominals(n_bad: int, n_good: int) -> pd.DataFrame:
    """Nominals whose first ``n_bad`` ids were exported as numbers ("1.0"), then good ones."""
    ids = [f"{i}.0" for i in range(1, n_bad + 1)] + [f"N{i}" for i in range(1, n_good + 1)]
    return nominals(*({"nominal_id": i, "surname": PLANTED_NAME} for i in ids))


def addresses_of(ids: list[str]) -> pd.DataFrame:
    return frame(
        INTEL_ADDRESSES,
        [
            {
                "nominal_id": i,
                "address_line": "1 High St",
                "postcode": "SW1A 1AA",
                "date_from": "2020-01-01",
            }
            for i in ids
        ],
    )


def _share_error(frames: dict) -> QuarantineShareError:
    """The error the quarantine-share check raises on nominals and addresses ``frames``."""
    ev = validate_extract(frames, (NOMINALS, INTEL_ADDRESSES), CFG, RUN_DATE)
    with pytest.raises(QuarantineShareError) as err:
        check_quarantine_share(ev, CFG)
    return err.value


def test_a_table_mostly_quarantined_stops_naming_file_counts_and_rule():
    error = _share_error(
        {
            "nominals": bad_id_nominals(n_bad=30, n_good=0),
            "addresses": addresses_of([f"N{i}" for i in range(1, 26)]),  # parents gone
        }
    )
    assert str(error) == (
        "nominals.csv: 30 of 30 rows quarantined (nominal_id id_format: 30): more than 50% of "
        "the table (validation.max_quarantine_share); 1 child table(s) lost most rows with it; "
        "fix the extract"
    )
    assert error.file == "nominals.csv"  # a StructuralError: the CLI prints it as one line
    assert PLANTED_NAME not in str(error) and "1.0" not in str(error)


def test_a_child_gutted_by_its_parents_quarantine_is_blamed_on_the_parent():
    bad_sex = [{"nominal_id": f"B{i}", "sex": "X"} for i in range(1, 11)]
    good = [{"nominal_id": f"N{i}"} for i in range(1, 21)]
    error = _share_error(
        {
            "nominals": nominals(*bad_sex, *good),  # a third bad: under the limit
            "addresses": addresses_of(["B1"] * 25 + ["N1"] * 5),  # most of a bad nominal
        }
    )
    assert str(error) == (
        "addresses.csv: 25 of 30 rows quarantined, most because their parent rows were "
        "quarantined (nominals.csv sex in_set): more than 50% of the table "
        "(validation.max_quarantine_share); fix the extract"
    )


def test_a_child_whose_own_keys_are_wrong_is_blamed_on_itself():
    # leading zeros stripped from the child's ids: no parent row matches, the parent is fine
    error = _share_error(
        {
            "nominals": nominals(*({"nominal_id": f"N{i:03d}"} for i in range(1, 31))),
            "addresses": addresses_of([f"N{i}" for i in range(1, 31)]),
        }
    )
    assert str(error).startswith(
        "addresses.csv: 30 of 30 rows quarantined (nominal_id unknown_parent: 30): "
    )


def test_share_limit_and_minimum_rows_come_from_the_config():
    half = validate_extract(
        {"nominals": bad_id_nominals(n_bad=15, n_good=15)}, (NOMINALS,), CFG, RUN_DATE
    )
    check_quarantine_share(half, CFG)  # exactly half is not more than half
    stricter = replace(CFG, max_quarantine_share=0.25)
    with pytest.raises(QuarantineShareError, match="15 of 30 rows quarantined"):
        check_quarantine_share(half, stricter)
    # a tiny table (a test fixture, a new optional table) is too small to judge a share by
    tiny = validate_extract({"nominals": bad_id_nominals(3, 1)}, (NOMINALS,), CFG, RUN_DATE)
    assert CFG.quarantine_share_min_rows > 4
    check_quarantine_share(tiny, CFG)
    with pytest.raises(QuarantineShareError, match="3 of 4 rows"):
        check_quarantine_share(tiny, replace(CFG, quarantine_share_min_rows=4))
    # both are configurable and recorded with the run's config
    cfg = SweepConfig.from_dict({"validation": {"max_quarantine_share": 0.9}})
    assert cfg.validation.max_quarantine_share == 0.9
    assert '"quarantine_share_min_rows": 20' in cfg.to_json()


# --- a table that lost a large share, short of the stop, warns ---------------------------------


def test_a_table_losing_a_large_share_warns_with_counts_share_and_top_reasons():
    # 40 nominals: 2 bad ids, 3 more bad sex codes, 1 with both: 5 of 40 (12.5%) set aside
    rows = (
        [{"nominal_id": f"{i}.0", "surname": PLANTED_NAME} for i in range(1, 3)]
        + [{"nominal_id": f"S{i}", "sex": "X", "surname": PLANTED_NAME} for i in range(1, 4)]
        + [{"nominal_id": f"N{i}"} for i in range(1, 36)]
    )
    rows[0]["sex"] = "X"
    ev = validate_extract({"nominals": nominals(*rows)}, (NOMINALS,), CFG, RUN_DATE)
    check_quarantine_share(ev, CFG)  # under half: the run goes on
    assert quarantine_share_warnings(ev, CFG) == [
        (
            "quarantine_share",
            "nominals",
            "nominals (nominals.csv) lost 5 of 40 rows to quarantine (12.5%, over 5%: "
            "validation.warn_quarantine_share); top reasons: sex in_set 4; nominal_id "
            "id_format 2",
        )
    ]
    text = repr(quarantine_share_warnings(ev, CFG, top=1))
    assert "top reasons: sex in_set 4; 1 other field/rule(s)" in text
    assert PLANTED_NAME not in text and "1.0" not in text and "'X'" not in text


def test_the_warning_share_and_minimum_rows_come_from_the_config():
    two_of_forty = validate_extract(
        {"nominals": bad_id_nominals(n_bad=2, n_good=38)}, (NOMINALS,), CFG, RUN_DATE
    )
    assert quarantine_share_warnings(two_of_forty, CFG) == []  # 5.0% is not over 5%
    stricter = replace(CFG, warn_quarantine_share=0.04)
    assert [w[1] for w in quarantine_share_warnings(two_of_forty, stricter)] == ["nominals"]
    tiny = validate_extract({"nominals": bad_id_nominals(2, 8)}, (NOMINALS,), CFG, RUN_DATE)
    assert quarantine_share_warnings(tiny, CFG) == []  # 10 rows: under quarantine_share_min_rows
    assert quarantine_share_warnings(tiny, replace(CFG, quarantine_share_min_rows=10)) != []
    # blanked values set no row aside: no warning
    blanked = [{"staff_id": f"S{i}", "collar_number": f"{i}.0"} for i in range(1, 31)]
    ev = validate_extract({"staff": staff(*blanked)}, (STAFF,), CFG, RUN_DATE)
    assert quarantine_share_warnings(ev, CFG) == []
    cfg = SweepConfig.from_dict({"validation": {"warn_quarantine_share": 0.1}})
    assert cfg.validation.warn_quarantine_share == 0.1
    assert '"warn_quarantine_share": 0.05' in SweepConfig().to_json()


# --- collar numbers: a bad one is blanked, the staff member is still screened ------------------


def staff(*rows: dict[str, str]) -> pd.DataFrame:
    return frame(STAFF, [{**STAFF_ROW, **r} for r in rows])


@pytest.mark.parametrize("collar", ["4471", "0123", "PC 1234", "MPS-220", "ab12", "A1-B2 C3"])
def test_collar_numbers_as_forces_write_them_are_kept(collar):
    r = validate_table(staff({"collar_number": collar}), STAFF, CFG, RUN_DATE, "staff.csv")
    assert r.rows_quarantined == 0 and r.quarantine.empty
    assert r.accepted["collar_number"].tolist() == [collar]


@pytest.mark.parametrize(
    "collar",
    ["2.81E+05", "2.8072E+5", "1E+05", "280720.0", "4471.", "PC  1234", "MPS--220", "#4471"],
)
def test_a_collar_number_excel_made_a_number_is_blanked_and_the_row_kept(collar):
    # Excel writes a numeric column as 2.81E+05 or 280720.0: that went into the DPS handoff.
    # The row is kept (the staff member is still screened) and the value blanked, not guessed.
    df = staff({"staff_id": "S1"}, {"staff_id": "S2", "collar_number": collar})
    r = validate_table(df, STAFF, CFG, RUN_DATE, "staff.csv")
    assert (r.rows_read, r.rows_accepted, r.rows_quarantined) == (2, 2, 0)
    assert lines(r) == [(2, "collar_number", "collar_format")]
    assert r.quarantine["action"].tolist() == ["value_blanked"]
    assert r.accepted["collar_number"].tolist() == ["1234", pd.NA]
    assert r.accepted["_row"].tolist() == [1, 2]
    assert collar not in r.quarantine.to_csv()


def test_a_row_quarantined_for_another_rule_says_so_beside_the_blanked_collar():
    df = staff({"collar_number": "2.81E+05", "sex": "X"})
    r = validate_table(df, STAFF, CFG, RUN_DATE, "staff.csv")
    assert (r.rows_accepted, r.rows_quarantined) == (0, 1)
    q = r.quarantine.set_index("rule")["action"]
    assert q.to_dict() == {"collar_format": "value_blanked", "in_set": "row_quarantined"}
    assert reconcile({"staff": r})["reconciled"].all()


def test_a_blanked_collar_keeps_the_staff_members_child_rows_and_counts_reconcile(caplog):
    df = staff({"staff_id": "S1", "collar_number": "2.81E+05"}, {"staff_id": "S2"})
    addresses = frame(
        STAFF_ADDRESSES,
        [
            {"staff_id": s, "address_line": "a", "postcode": "SW1A 1AA", "date_from": "2020-01-01"}
            for s in ("S1", "S2")
        ],
    )
    with caplog.at_level(logging.INFO):
        ev = validate_extract(
            {"staff": df, "staff_addresses": addresses}, (STAFF, STAFF_ADDRESSES), CFG, RUN_DATE
        )
    counts = ev.counts.set_index("table")
    assert counts.loc["staff", ["rows_read", "rows_accepted", "rows_quarantined"]].tolist() == [
        2,
        2,
        0,
    ]
    assert counts.loc["staff_addresses", "rows_accepted"] == 2  # no unknown_parent cascade
    assert ev.accepted["staff"]["collar_number"].isna().tolist() == [True, False]
    assert lines(ev.tables["staff"]) == [(1, "collar_number", "collar_format")]
    # the run log says how many values were blanked, never which
    assert "1 collar_number value(s) blanked (collar_format)" in caplog.text
    assert "2.81E+05" not in caplog.text


def test_blanked_values_do_not_count_toward_the_quarantine_share():
    rows = [{"staff_id": f"S{i}", "collar_number": f"{i}.0"} for i in range(1, 31)]
    ev = validate_extract({"staff": staff(*rows)}, (STAFF,), CFG, RUN_DATE)
    assert ev.counts["rows_quarantined"].tolist() == [0]
    check_quarantine_share(ev, CFG)  # 30 blanked values, no row lost: the run goes on


# --- vehicle registrations: read in canonical form, malformed ones still quarantined -----------


def staff_vehicles(*vrms: str) -> pd.DataFrame:
    return frame(STAFF_VEHICLES, [{"staff_id": "S1", "vrm": v} for v in vrms])


def intel_vehicles(*vrms: str) -> pd.DataFrame:
    return frame(
        INTEL_VEHICLES,
        [{"nominal_id": "N1", "vrm": v, "role": "owner", "date_from": "2020-01-01"} for v in vrms],
    )


# As HR and PND exports write them: lower case, spaces anywhere, a no-break space, a tab,
# a hyphen or a dot (c18: every staff_vehicles row was "sa 55 fm o" and all 1,549 were lost).
AS_WRITTEN = {
    "ab12 cde": "AB12CDE",
    " AB12CDE ": "AB12CDE",
    "Ab12 Cde": "AB12CDE",
    "sa 55 fm o": "SA55FMO",
    "AB12-CDE": "AB12CDE",
    "ab12.cde": "AB12CDE",
    "AB12\u00a0CDE": "AB12CDE",
    "ab12\tcde": "AB12CDE",
    "a 123 bcd": "A123BCD",  # prefix series
    "abc 123d": "ABC123D",  # suffix series
    "1 ab": "1AB",  # dateless
}


@pytest.mark.parametrize(
    ("table", "build"),
    [("staff_vehicles", staff_vehicles), ("vehicles", intel_vehicles)],
)
def test_registrations_in_any_case_or_spacing_are_kept_in_canonical_form(table, build, caplog):
    with caplog.at_level(logging.WARNING):
        r = validate_table(build(*AS_WRITTEN), TABLES_BY_NAME[table], CFG, RUN_DATE, "v.csv")
    assert r.quarantine.empty
    assert (r.rows_read, r.rows_accepted) == (len(AS_WRITTEN), len(AS_WRITTEN))
    # upper case, no spaces: the form normalise.vrm_sql compares, the same on both sides
    assert r.accepted["vrm"].tolist() == list(AS_WRITTEN.values())
    # the run log counts the values only the canonical form let through for their spacing
    # or punctuation, never shows one ("ab12 cde", "Ab12 Cde", "abc 123d" and "1 ab" are
    # only in lower case: no fault, or every night on the sample would warn of 505)
    assert f"{table}: 7 vrm value(s) valid only in canonical form" in caplog.text
    assert "ab12" not in caplog.text.lower()


def test_a_registration_read_in_canonical_form_is_what_the_matcher_compares():
    import duckdb

    from transforms.normalise import vrm_sql
    from transforms.validate import canonical_vrm

    values = pd.Series([*AS_WRITTEN, "AB12 CDE"], dtype="string")
    con = duckdb.connect()
    con.register("v", pd.DataFrame({"vrm": values}))
    matcher = [row[0] for row in con.execute(f"SELECT {vrm_sql('vrm')} FROM v").fetchall()]
    assert canonical_vrm(values).tolist() == matcher


@pytest.mark.parametrize(
    "vrm",
    [
        "NOT A PLATE",
        "N/A",
        "-",
        "?",
        "UNKNOWN",
        "AB12 CDE / XY34 FGH",  # two registrations in one field
        "12/03/2024",  # a date in the wrong column
        "07700 900123",  # a phone number
        "\u00c5B12CDE",  # a letter no UK registration has; not stripped to B12CDE
        "\u212aB12CDE",  # the Kelvin sign: folds to k, but is no K to the matcher
        "AB12CDEF",
    ],
)
def test_a_value_that_is_no_registration_in_any_form_is_still_quarantined(vrm, caplog):
    with caplog.at_level(logging.INFO):
        r = validate_table(staff_vehicles("AB12 CDE", vrm), STAFF_VEHICLES, CFG, RUN_DATE, "v.csv")
    assert lines(r) == [(2, "vrm", "vrm_format")]
    assert r.quarantine["detail"].tolist() == ["not a valid vehicle registration"]
    assert r.accepted["vrm"].tolist() == ["AB12CDE"]
    assert vrm not in r.quarantine.to_csv() and vrm not in caplog.text


# --- two exports joined into one file: the header line mid-file ---------------------------------

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def _join_exports(path: Path, at: int) -> None:
    """Rewrite the CSV ``path`` as `cat part1 part2` would: data rows from ``at`` on follow
    a second UTF-8 byte order mark and header line."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join([*lines[: at + 1], "\ufeff" + lines[0], *lines[at + 1 :]]), "utf-8")


@pytest.mark.parametrize(
    ("extract", "tables", "at"),
    [("staff", (STAFF, STAFF_ADDRESSES), 1700), ("intel", (NOMINALS, RECORDS), 20000)],
)
def test_a_header_line_mid_file_is_one_quarantine_line_saying_so(
    tmp_path, caplog, extract, tables, at
):
    """c32: the repeated header came out as four or five lines about its values (staff_id
    not an id, postcode not a postcode, dates not dates), and for a table whose first
    column is its own id, unknown_parent too: nothing said what the row was."""
    import shutil

    folder = tmp_path / extract
    shutil.copytree(SAMPLE / extract, folder)
    child = tables[1]
    _join_exports(folder / f"{child.name}.csv", at)
    clean = validate_extract(load_extract(SAMPLE / extract, tables), tables, CFG, RUN_DATE)
    with caplog.at_level(logging.WARNING):
        joined = validate_extract(load_extract(folder, tables), tables, CFG, RUN_DATE)
    q = joined.quarantine
    header = q.loc[q["row_number"] == at + 1]
    assert header[["table", "field", "rule", "action"]].values.tolist() == [
        [child.name, child.column_names[0], "repeated_header", "row_quarantined"]
    ]
    assert header["detail"].tolist() == [
        "the header line again (two exports joined into one file?)"
    ]
    # every other line is the clean file's, one row later after the header
    before = clean.quarantine.drop(columns="source_file").copy()
    before.loc[(before["table"] == child.name) & (before["row_number"] > at), "row_number"] += 1
    after = q.loc[q["row_number"] != at + 1].drop(columns="source_file")
    pd.testing.assert_frame_equal(after.reset_index(drop=True), before.reset_index(drop=True))
    counts = joined.counts.set_index("table")
    assert counts.loc[child.name, "rows_read"] == clean.tables[child.name].rows_read + 1
    assert counts.loc[child.name, "rows_accepted"] == clean.tables[child.name].rows_accepted
    assert f"{child.name}: 1 row(s) repeat the header line" in caplog.text
    assert f"first at data row {at + 1}" in caplog.text


# --- postcodes: a fault of spacing only is mended, any other still quarantined ------------------

# As address products and exports write them (c34: the padded 7-character "pcd7" form cost
# 3,628 intel and 452 staff addresses, and 3 association flags, on the sample).
POSTCODES_AS_WRITTEN = {
    "S1  1AA": "S1 1AA",  # pcd7: a two-character outward code padded to four
    "B31  9ZF": "B31 9ZF",
    "BS10\t8HX": "BS10 8HX",
    "LS6\u00a0\u00a02AB": "LS6 2AB",
    "sw1a 1 aa": "SW1A 1AA",
}


def staff_addresses(*postcodes: str) -> pd.DataFrame:
    row = {"staff_id": "S1", "address_line": "12 Kings Road, Leeds", "date_from": "2020-01-01"}
    return frame(STAFF_ADDRESSES, [{**row, "postcode": p} for p in postcodes])


def intel_addresses(*postcodes: str) -> pd.DataFrame:
    row = {"nominal_id": "N1", "address_line": "12 KINGS ROAD, LEEDS", "date_from": "2020-01-01"}
    return frame(INTEL_ADDRESSES, [{**row, "postcode": p} for p in postcodes])


@pytest.mark.parametrize(
    ("table", "build"),
    [("staff_addresses", staff_addresses), ("addresses", intel_addresses)],
)
def test_a_postcode_wrong_only_in_its_spacing_is_kept_in_canonical_form(table, build, caplog):
    written = ["LS6 2AB", "ls62ab", *POSTCODES_AS_WRITTEN]
    with caplog.at_level(logging.WARNING):
        r = validate_table(build(*written), TABLES_BY_NAME[table], CFG, RUN_DATE, "a.csv")
    assert r.quarantine.empty
    assert (r.rows_read, r.rows_accepted) == (7, 7)
    # a postcode valid as written is kept as written; the others in canonical form
    assert r.accepted["postcode"].tolist() == ["LS6 2AB", "ls62ab", *POSTCODES_AS_WRITTEN.values()]
    assert f"{table}: 5 postcode value(s) valid only with their spacing mended" in caplog.text
    assert "S1" not in caplog.text and "LS6" not in caplog.text


def test_a_mended_postcode_is_the_one_the_matcher_compares():
    import duckdb

    from transforms.normalise import postcode_sql
    from transforms.validate import canonical_postcode

    values = pd.Series(list(POSTCODES_AS_WRITTEN), dtype="string")
    con = duckdb.connect()
    con.register("p", pd.DataFrame({"as_written": values, "mended": canonical_postcode(values)}))
    pairs = con.execute(
        f"SELECT {postcode_sql('as_written')}, {postcode_sql('mended')} FROM p"
    ).fetchall()
    assert all(a == b for a, b in pairs)


@pytest.mark.parametrize(
    "postcode",
    ["S1  1A", "NOT KNOWN", "SW1A OAA", "S1 1AA LEEDS", "12 Kings Road", PLANTED_POSTCODE],
)
def test_a_postcode_wrong_in_more_than_spacing_is_still_quarantined(postcode, caplog):
    with caplog.at_level(logging.INFO):
        r = validate_table(
            staff_addresses("S1  1AA", postcode), STAFF_ADDRESSES, CFG, RUN_DATE, "a.csv"
        )
    assert lines(r) == [(2, "postcode", "postcode_format")]
    assert r.accepted["postcode"].tolist() == ["S1 1AA"]
    assert postcode not in r.quarantine.to_csv() and postcode not in caplog.text


def test_an_intelligence_address_may_give_only_the_outward_code_a_staff_address_may_not(caplog):
    """An intelligence record may give an area ("WR2"), kept for the matcher to read as a
    district; HR must give the whole postcode. A fragment that is no outward code, or has a
    space in it (a postcode cut short, "W2 1"), is quarantined on either side."""
    written = ["WR2", "wv11", "B23", "LS6  2AB", "WR", "2WR", "W2 1", "WV 11"]
    with caplog.at_level(logging.WARNING):
        r = validate_table(intel_addresses(*written), INTEL_ADDRESSES, CFG, RUN_DATE, "a.csv")
    assert r.accepted["postcode"].tolist() == ["WR2", "wv11", "B23", "LS6 2AB"]
    assert lines(r) == [(i, "postcode", "postcode_format") for i in (5, 6, 7, 8)]
    assert "addresses: 1 postcode value(s) valid only with their spacing mended" in caplog.text
    r = validate_table(staff_addresses("WR2", "LS6 2AB"), STAFF_ADDRESSES, CFG, RUN_DATE, "a.csv")
    assert lines(r) == [(1, "postcode", "postcode_format")]
    assert r.accepted["postcode"].tolist() == ["LS6 2AB"]


# --- ids: compared trimmed and case-folded, in every id column ----------------------------------


def staff_phones(*staff_ids: str) -> pd.DataFrame:
    from transforms.schema import STAFF_PHONES

    return frame(
        STAFF_PHONES,
        [{"staff_id": s, "phone": "07700 900123", "phone_type": "mobile"} for s in staff_ids],
    )


def test_ids_differing_only_in_case_are_one_id():
    df = nominals({"nominal_id": "N1"}, {"nominal_id": "n1"}, {"nominal_id": "N2"})
    r = validate_table(df, NOMINALS, CFG, RUN_DATE, "nominals.csv")
    assert lines(r) == [(2, "nominal_id", "unique")]
    assert r.quarantine["detail"].tolist() == ["duplicate of row 1"]
    assert r.accepted["nominal_id"].tolist() == ["N1", "N2"]  # as written, not folded


def test_a_child_key_in_another_case_finds_its_parent_and_takes_its_spelling(caplog):
    from transforms.schema import STAFF_PHONES

    tables = (STAFF, STAFF_PHONES)
    frames = {"staff": staff({"staff_id": "S000001"}), "staff_phones": staff_phones("s000001")}
    with caplog.at_level(logging.INFO):
        ev = validate_extract(frames, tables, CFG, RUN_DATE)
    assert ev.quarantine.empty
    # written as the staff row has it, so every later join on staff_id finds it
    assert ev.accepted["staff_phones"]["staff_id"].tolist() == ["S000001"]
    assert "1 staff_id value(s) matched their staff row only ignoring case" in caplog.text
    assert "s000001" not in caplog.text


def test_a_case_variant_duplicate_is_quarantined_and_its_children_stay_with_the_first():
    from transforms.schema import STAFF_PHONES

    frames = {
        "staff": staff({"staff_id": "S000012"}, {"staff_id": "s000012", "sex": "F"}),
        "staff_phones": staff_phones("S000012", "s000012", "S999999"),
    }
    ev = validate_extract(frames, (STAFF, STAFF_PHONES), CFG, RUN_DATE)
    assert lines(ev.tables["staff"]) == [(2, "staff_id", "unique")]
    assert lines(ev.tables["staff_phones"]) == [(3, "staff_id", "unknown_parent")]
    assert ev.accepted["staff_phones"]["staff_id"].tolist() == ["S000012", "S000012"]


def test_a_child_of_a_quarantined_parent_in_another_case_is_the_cascade():
    from transforms.schema import STAFF_PHONES

    frames = {"staff": staff({"staff_id": "S1", "sex": "X"}), "staff_phones": staff_phones("s1")}
    ev = validate_extract(frames, (STAFF, STAFF_PHONES), CFG, RUN_DATE)
    assert ev.tables["staff_phones"].quarantine["detail"].tolist() == [
        "the staff row with this staff_id was quarantined"
    ]


def test_every_id_column_of_both_extracts_is_case_folded():
    from transforms.schema import INTEL_TABLES

    frames = intel_frames()
    frames["nominals"] = nominals({"nominal_id": "N1"}, {"nominal_id": "N3"})
    frames["associations"] = frame(
        ASSOCIATIONS,
        [
            {
                "nominal_id_a": "n1",
                "nominal_id_b": "n3",
                "association_type": "associate",
                "date_from": "2021-01-01",
            }
        ],
    )
    frames["records"] = frames["records"].iloc[[0, 0]].reset_index(drop=True)
    frames["records"]["record_id"] = pd.array(["R1", "r1"], dtype="string")
    frames["records"]["_row"] = [1, 2]
    frames["addresses"] = frames["addresses"].iloc[[0]]
    ev = validate_extract(frames, INTEL_TABLES, CFG, RUN_DATE)
    assert lines(ev.tables["records"]) == [(2, "record_id", "unique")]
    assert ev.accepted["associations"][["nominal_id_a", "nominal_id_b"]].values.tolist() == [
        ["N1", "N3"]
    ]
    # the contract: every unique id is checked case-folded, every parent link too
    for t in ALL_TABLES:
        for col in t.columns:
            if col.unique:
                assert col.kind == "id", (t.name, col.name)


def test_ids_from_files_are_trimmed_and_case_folded(tmp_path: Path):
    from transforms.schema import STAFF_PHONES

    header = ",".join(STAFF.column_names)
    row = ",".join(STAFF_ROW[c] for c in STAFF.column_names[1:])
    (tmp_path / "staff.csv").write_text(
        f"{header}\nS000011,{row}\n S000011 ,{row}\ns000011,{row}\n", encoding="utf-8"
    )
    (tmp_path / "staff_phones.csv").write_text(
        "staff_id,phone,phone_type\n s000011,07700 900123,mobile\n", encoding="utf-8"
    )
    tables = (STAFF, STAFF_PHONES)
    ev = validate_extract(load_extract(tmp_path, tables), tables, CFG, RUN_DATE)
    assert lines(ev.tables["staff"]) == [(2, "staff_id", "unique"), (3, "staff_id", "unique")]
    assert ev.tables["staff_phones"].quarantine.empty
    assert ev.accepted["staff_phones"]["staff_id"].tolist() == ["S000011"]


# --- dates of events cannot lie after the run date ----------------------------------------------


def one_good_row(table: Table) -> pd.DataFrame:
    """One row of ``table`` that breaks no rule (parents aside); date_to empty (current)."""
    by_kind = {
        "id": "X1",
        "date": "2020-01-01",
        "dob": "1980-01-01",
        "postcode": "SW1A 1AA",
        "area_postcode": "SW1A",
        "phone": "07700 900123",
        "vrm": "AB12 CDE",
        "collar": "1234",
        "text": "x",
    }
    row = {c.name: c.allowed[0] if c.allowed else by_kind[c.kind] for c in table.columns}
    if "vetting_renewal_date" in row:
        row["vetting_renewal_date"] = "2030-01-01"
    if "date_to" in row:
        row["date_to"] = ""
    return frame(table, [row])


EVENT_DATES = [
    (t, c.name)
    for t in ALL_TABLES
    for c in t.columns
    if c.kind == "date" and c.name not in ("vetting_renewal_date", "date_to")
]


def test_every_event_date_column_is_covered():
    names = {f"{t.name}.{c}" for t, c in EVENT_DATES}
    assert {
        "staff.start_date",
        "staff.vetting_cleared_date",
        "staff_addresses.date_from",
        "declared_associations.declared_date",
        "declared_history.offence_date",
        "misconduct_outcomes.outcome_date",
        "open_matters.opened_date",
        "addresses.date_from",
        "phones.date_from",
        "vehicles.date_from",
        "markers.date_added",
        "records.record_date",
        "associations.date_from",
    } == names


@pytest.mark.parametrize(("table", "column"), EVENT_DATES, ids=lambda x: getattr(x, "name", x))
def test_an_event_dated_after_the_run_date_is_quarantined(table, column):
    good = one_good_row(table)
    assert validate_table(good, table, CFG, RUN_DATE, "f.csv").rows_quarantined == 0
    on_the_day = good.assign(**{column: pd.array(["2026-11-25"], dtype="string")})
    assert validate_table(on_the_day, table, CFG, RUN_DATE, "f.csv").rows_quarantined == 0
    tomorrow = good.assign(**{column: pd.array(["2026-11-26"], dtype="string")})
    r = validate_table(tomorrow, table, CFG, RUN_DATE, "f.csv")
    assert lines(r) == [(1, column, "not_future")]
    assert r.quarantine["detail"].tolist() == ["after the run date, 2026-11-25"]
    # the row set aside, except a declaration: its date is blanked, the declaration kept
    blanked = table.column(column).blank_if_invalid
    assert r.quarantine["action"].tolist() == ["value_blanked" if blanked else "row_quarantined"]
    assert r.rows_quarantined == (0 if blanked else 1)
    assert blanked == (column == "declared_date")


# --- declarations: a bad declared date is blanked, the declaration kept ---------------------------


@pytest.mark.parametrize(
    ("declared", "rule", "detail"),
    [
        ("2062-11-02", "not_future", "after the run date, 2026-11-25"),  # 2026 mistyped
        ("2026-11-26", "not_future", "after the run date, 2026-11-25"),
        ("02/11/2026", "date_format", "not a date in YYYY-MM-DD form"),
        ("2026-02-30", "calendar_date", "not a calendar date"),
        ("", "not_null", "required value is missing"),
    ],
)
def test_a_declaration_with_a_bad_date_is_kept_with_the_date_blanked(declared, rule, detail):
    # a future date (a mistyped year), one in another form, no day like it, or none: the
    # declaration still says whom the staff member declared (flags.py: date unknown)
    df = declarations("2020-01-01", declared)
    r = validate_table(df, DECLARED_ASSOCIATIONS, CFG, RUN_DATE, "declared_associations.csv")
    assert (r.rows_read, r.rows_accepted, r.rows_quarantined) == (2, 2, 0)
    assert r.accepted["declaration_id"].tolist() == ["D0", "D1"]
    assert r.accepted["declared_date"].tolist() == ["2020-01-01", pd.NA]
    q = r.quarantine
    assert q[
        ["source_file", "row_number", "field", "rule", "detail", "action"]
    ].values.tolist() == [
        ["declared_associations.csv", 2, "declared_date", rule, detail, "value_blanked"]
    ]
    assert PLANTED_NAME not in q.to_csv() and (not declared or declared not in q.to_csv())
    assert reconcile({"declared_associations": r})["reconciled"].all()


@pytest.mark.parametrize(
    ("table", "column"),
    [(STAFF, "vetting_renewal_date"), (STAFF_ADDRESSES, "date_to"), (INTEL_ADDRESSES, "date_to")]
    + [(t, "date_to") for t in (INTEL_PHONES, INTEL_VEHICLES)],
    ids=lambda x: getattr(x, "name", x),
)
def test_renewals_and_end_dates_may_lie_ahead(table, column):
    # a renewal is due in the future; an address, phone or vehicle with a date_to still to
    # come is current until then (flags.py: date_to >= run date is current)
    row = one_good_row(table).assign(**{column: pd.array(["2031-06-30"], dtype="string")})
    assert validate_table(row, table, CFG, RUN_DATE, "f.csv").rows_quarantined == 0


def test_a_record_dated_next_year_is_quarantined_and_the_tolerance_is_config():
    from transforms.schema import INTEL_TABLES

    frames = intel_frames()
    frames["records"].loc[0, "record_date"] = "2027-01-14"
    ev = validate_extract(frames, INTEL_TABLES, CFG, RUN_DATE)
    assert (1, "record_date", "not_future") in lines(ev.tables["records"])
    assert "2027-01-14" not in ev.quarantine.to_csv()
    lenient = replace(CFG, max_days_after_run_date=60)
    ev = validate_extract(frames, INTEL_TABLES, lenient, RUN_DATE)
    assert (1, "record_date", "not_future") not in lines(ev.tables["records"])
    one_day = replace(CFG, max_days_after_run_date=1)
    r = validate_table(
        one_good_row(RECORDS).assign(record_date=pd.array(["2026-11-27"], dtype="string")),
        RECORDS,
        one_day,
        RUN_DATE,
        "records.csv",
    )
    assert r.quarantine["detail"].tolist() == [
        "after 2026-11-26 (the run date, 2026-11-25, + 1 day)"
    ]


# --- enums: the contract's value written another way is read as it ------------------------------


def test_an_enum_value_in_another_case_or_as_a_word_is_read_as_the_contracts(caplog):
    # A workforce system shows sex as Male / Female / Unknown, and exports may capitalise
    # (VIOLENCE) or space (granted with risk mitigation) what the contract writes otherwise:
    # each such row was quarantined (in_set), a staff member out of screening (hostile c44:
    # 500 staff and 1,949 of their rows, exit 0). Such values are read as the contract's; a
    # value that is none of them is still quarantined.
    written = ["Male", "female", "UNKNOWN", "Not known", "M", "X"]
    df = frame(
        STAFF,
        [
            {
                **one_good_row(STAFF).iloc[0].drop("_row").to_dict(),
                "staff_id": f"S{i}",
                "sex": sex,
                "person_type": "Officer",
                "vetting_status": "Granted With Risk-Mitigation",
            }
            for i, sex in enumerate(written)
        ],
    )
    with caplog.at_level(logging.WARNING):
        r = validate_table(df, STAFF, CFG, RUN_DATE, "staff.csv")
    assert r.accepted["sex"].tolist() == ["M", "F", "U", "U", "M"]
    assert set(r.accepted["person_type"]) == {"officer"}
    assert set(r.accepted["vetting_status"]) == {"granted_with_risk_mitigation"}
    assert lines(r) == [(6, "sex", "in_set")]
    assert "staff: 4 sex value(s) read as the contract's value" in caplog.text
    assert "staff: 6 person_type value(s) read as the contract's value" in caplog.text
    assert "Male" not in caplog.text.replace("such as Male for M", "")


@pytest.mark.parametrize(
    ("dob", "rule"),
    [
        ("0001-01-01", "dob_min_year"),  # "not known", as some systems write it
        ("1753-01-01", "dob_min_year"),  # SQL Server's earliest datetime, the same
        ("2062-01-01", "not_future"),
        ("17/03/1985", "date_format"),
    ],
)
def test_a_nominal_with_a_bad_date_of_birth_is_kept_without_it(dob, rule):
    # A nominal was set aside for a date of birth that only says "not known", and took every
    # record, address and phone of theirs with them (hostile c37: 200 nominals, 896 rows):
    # people the force holds intelligence on, out of the screening. The date is blanked and
    # the nominal kept, matched on names, addresses, phones and vehicles.
    df = nominals({"nominal_id": "N1", "date_of_birth": dob}, {"nominal_id": "N2"})
    r = validate_table(df, NOMINALS, CFG, RUN_DATE, "nominals.csv")
    assert (r.rows_read, r.rows_accepted, r.rows_quarantined) == (2, 2, 0)
    assert r.accepted["date_of_birth"].isna().tolist() == [True, False]
    q = r.quarantine
    assert q[["row_number", "field", "rule", "action"]].values.tolist() == [
        [1, "date_of_birth", rule, "value_blanked"]
    ]
    assert dob not in q.to_csv()


def test_excels_true_and_false_are_read_as_the_contracts():
    # Excel writes a true/false column TRUE / FALSE: every staff row failed in_set on
    # designated_post and the run stopped (hostile c25: 2,000 of 2,000 rows)
    rows = [
        {
            **one_good_row(STAFF).iloc[0].drop("_row").to_dict(),
            "staff_id": f"S{i}",
            "designated_post": v,
        }
        for i, v in enumerate(["TRUE", "False", "true", "yes"])
    ]
    r = validate_table(frame(STAFF, rows), STAFF, CFG, RUN_DATE, "staff.csv")
    assert r.accepted["designated_post"].tolist() == ["true", "false", "true"]
    assert lines(r) == [(4, "designated_post", "in_set")]


def test_a_marker_in_capitals_is_read_as_the_contracts():
    # hostile c18 wrote a marker VIOLENCE: quarantined, the nominal no longer counted as
    # criminal and its evidence not built
    row = one_good_row(TABLES_BY_NAME["markers"]).assign(
        marker=pd.array(["VIOLENCE"], dtype="string")
    )
    r = validate_table(row, TABLES_BY_NAME["markers"], CFG, RUN_DATE, "markers.csv")
    assert r.quarantine.empty and r.accepted["marker"].tolist() == ["violence"]


# --- NULL written out: a database's empty value -------------------------------------------------


def test_null_written_out_is_missing_except_in_names_and_addresses(caplog):
    # A SQL export writes an empty value as NULL: in an optional date it failed date_format
    # (hostile c42: 2,000 of 3,434 staff addresses' date_to, the run stopped); in a date of
    # birth it set the nominal aside. It is read as missing, except in names and address
    # lines (a person may be called Null; the matcher reads NULL there as "not known").
    addresses = frame(
        STAFF_ADDRESSES,
        [
            {**one_good_row(STAFF_ADDRESSES).iloc[0].drop("_row").to_dict(), "date_to": d}
            for d in ("NULL", "", "2024-01-01")
        ],
    )
    with caplog.at_level(logging.WARNING):
        r = validate_table(addresses, STAFF_ADDRESSES, CFG, RUN_DATE, "staff_addresses.csv")
    assert r.quarantine.empty and r.accepted["date_to"].isna().tolist() == [True, True, False]
    assert "staff_addresses: 1 date_to value(s) were NULL" in caplog.text
    people = nominals(
        {"nominal_id": "N1", "date_of_birth": "NULL"},
        {"nominal_id": "N2", "surname": "NULL", "forenames": "NULL"},
    )
    r = validate_table(people, NOMINALS, CFG, RUN_DATE, "nominals.csv")
    assert r.quarantine.empty
    assert r.accepted["date_of_birth"].isna().tolist() == [True, False]
    assert r.accepted["surname"].tolist() == ["Smith", "NULL"]
