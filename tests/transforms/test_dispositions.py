"""Analysts' decisions: every rejection reason, reconciliation, supersession, the store."""

from __future__ import annotations

import stat
from datetime import UTC, date, datetime

import pandas as pd
import pytest

from transforms.dispositions import (
    DECISIONS,
    STORE_COLUMNS,
    append_to_store,
    current_decisions,
    import_dispositions,
    read_store,
    validate_dispositions,
)
from transforms.load import StructuralError

TODAY = date(2026, 11, 25)
KNOWN = {"F1a2b3c4d5e6f7a8b", "F0000000000000002", "F0000000000000003", "F0000000000000004"}
HEADER = "flag_id,decision,decided_on,decided_by\n"


def _frame(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["flag_id", "decision", "decided_on", "decided_by"])
    return df.astype("string").replace("", pd.NA)


def _csv(tmp_path, body: str, name: str = "decisions.csv", header: str = HEADER):
    path = tmp_path / name
    path.write_text(header + body, encoding="utf-8")
    return path


def _reasons(rejected: pd.DataFrame) -> list[tuple[int, str, str]]:
    return [tuple(r) for r in rejected[["row_number", "field", "reason"]].itertuples(index=False)]


# --- validate_dispositions ---------------------------------------------------------------------


def test_good_rows_are_accepted_and_normalised():
    accepted, rejected = validate_dispositions(
        _frame(
            [
                ("F1a2b3c4d5e6f7a8b", "no_further_action", "2026-11-20", "A123"),
                ("F0000000000000002", "Vetting review", "2026-11-25", "a77"),
                ("F0000000000000003", "welfare-support", "2023-09-30", "DPS042"),
            ]
        ),
        KNOWN,
        TODAY,
    )
    assert rejected.empty
    assert accepted["decision"].tolist() == [
        "no_further_action",
        "vetting_review",
        "welfare_support",
    ]
    assert accepted["decided_by"].tolist() == ["A123", "A77", "DPS042"]
    assert accepted["decided_on"].tolist() == [date(2026, 11, 20), TODAY, date(2023, 9, 30)]
    assert accepted["row_number"].tolist() == [1, 2, 3]


def test_every_decision_category_is_allowed():
    rows = [(f, d, "2026-11-01", "A1") for f, d in zip(sorted(KNOWN), DECISIONS, strict=False)]
    accepted, rejected = validate_dispositions(_frame(rows), KNOWN, TODAY)
    assert rejected.empty and len(accepted) == 4


def test_missing_values_each_named():
    _, rejected = validate_dispositions(
        _frame(
            [
                ("", "no_further_action", "2026-11-20", "A1"),
                ("F0000000000000002", "", "2026-11-20", "A1"),
                ("F0000000000000003", "vetting_review", "", "A1"),
                ("F0000000000000004", "vetting_review", "2026-11-20", ""),
            ]
        ),
        KNOWN,
        TODAY,
    )
    assert _reasons(rejected) == [
        (1, "flag_id", "missing value"),
        (2, "decision", "missing value"),
        (3, "decided_on", "missing value"),
        (4, "decided_by", "missing value"),
    ]


def test_unknown_decision_lists_the_allowed_ones():
    _, rejected = validate_dispositions(
        _frame([("F0000000000000002", "sack them", "2026-11-20", "A1")]), KNOWN, TODAY
    )
    [(row, field, reason)] = _reasons(rejected)
    assert (row, field) == (1, "decision")
    assert reason.startswith("unknown decision 'sack them'")
    for d in DECISIONS:
        assert d in reason


@pytest.mark.parametrize("value", ["20/11/2026", "2026-02-30", "yesterday", "2026-11-2"])
def test_not_a_date(value):
    _, rejected = validate_dispositions(
        _frame([("F0000000000000002", "vetting_review", value, "A1")]), KNOWN, TODAY
    )
    assert _reasons(rejected) == [(1, "decided_on", "not a date (expected YYYY-MM-DD)")]


def test_date_in_the_future():
    _, rejected = validate_dispositions(
        _frame([("F0000000000000002", "vetting_review", "2026-11-26", "A1")]), KNOWN, TODAY
    )
    assert _reasons(rejected) == [(1, "decided_on", "date in the future (after 2026-11-25)")]


def test_unknown_flag_id():
    _, rejected = validate_dispositions(
        _frame([("F9999999999999999", "vetting_review", "2026-11-20", "A1")]), KNOWN, TODAY
    )
    assert _reasons(rejected) == [
        (1, "flag_id", "unknown flag id 'F9999999999999999' (not a flag Sweep ever raised)")
    ]


def test_duplicate_flag_keeps_the_first_and_rejects_later_ones():
    accepted, rejected = validate_dispositions(
        _frame(
            [
                ("F0000000000000002", "vetting_review", "2026-11-20", "A1"),
                ("F0000000000000003", "vetting_review", "2026-11-20", "A1"),
                ("F0000000000000002", "no_further_action", "2026-11-21", "A2"),
                ("F0000000000000002", "welfare_support", "2026-11-22", "A3"),
            ]
        ),
        KNOWN,
        TODAY,
    )
    assert accepted["row_number"].tolist() == [1, 2]
    assert accepted["decision"].tolist() == ["vetting_review", "vetting_review"]
    assert _reasons(rejected) == [
        (3, "flag_id", "duplicate of row 1"),
        (4, "flag_id", "duplicate of row 1"),
    ]


def test_decided_by_must_be_an_id_and_a_name_is_never_echoed():
    _, rejected = validate_dispositions(
        _frame(
            [
                ("F0000000000000002", "vetting_review", "2026-11-20", "Jane Okonkwo-Smith"),
                ("F0000000000000003", "vetting_review", "2026-11-20", "A 12"),
            ]
        ),
        KNOWN,
        TODAY,
    )
    assert rejected["field"].tolist() == ["decided_by", "decided_by"]
    text = " ".join(rejected["reason"])
    assert "Okonkwo" not in text and "Jane" not in text and "A 12" not in text


def test_all_problems_of_a_row_are_listed_once_per_field_and_row_numbers_follow_row_column():
    frame = _frame([("F9", "maybe", "2099-01-01", "Bob")])
    frame["_row"] = [7]
    accepted, rejected = validate_dispositions(frame, KNOWN, TODAY)
    assert accepted.empty
    assert rejected["row_number"].tolist() == [7, 7, 7, 7]
    assert rejected["field"].tolist() == ["flag_id", "decision", "decided_on", "decided_by"]


def test_reasons_never_carry_other_values():
    secret = "2027-01-15"
    _, rejected = validate_dispositions(
        _frame([("F0000000000000002", "vetting_review", secret, "Smith")]), KNOWN, TODAY
    )
    text = " ".join(rejected["reason"])
    assert secret not in text and "Smith" not in text


# --- reading and import ------------------------------------------------------------------------


def test_import_reconciles_and_stores_only_good_rows(tmp_path):
    path = _csv(
        tmp_path,
        "F1a2b3c4d5e6f7a8b,no_further_action,2026-11-20,A123\n"
        "F0000000000000002,disciplinary_investigation,2026-11-21,A9\n"
        "F0000000000000099,vetting_review,2026-11-21,A9\n"  # unknown flag
        "F0000000000000003,shrug,2026-13-01,A9\n"  # two problems, one row
        "F0000000000000002,no_further_action,2026-11-22,A9\n",  # duplicate of row 2
    )
    store = tmp_path / "out" / "state" / "dispositions.parquet"
    result = import_dispositions(path, store, KNOWN, TODAY)
    assert result.rows_read == 5
    assert len(result.accepted) == 2
    assert result.rejected_rows == 3
    assert len(result.rejected) == 4  # row 4 has two problems
    assert result.rows_read == len(result.accepted) + result.rejected_rows
    assert result.store == store
    stored = read_store(store)
    assert list(stored.columns) == STORE_COLUMNS
    assert stored["flag_id"].tolist() == ["F1a2b3c4d5e6f7a8b", "F0000000000000002"]
    assert stored["source_file"].unique().tolist() == ["decisions.csv"]
    assert stored["source_row"].tolist() == [1, 2]
    assert stored["source_sha256"].str.len().unique().tolist() == [64]
    assert str(stored["imported_at"].dtype).startswith("datetime64")


def test_extra_columns_are_ignored_with_a_warning(tmp_path, caplog):
    path = _csv(
        tmp_path,
        "F0000000000000002,vetting_review,2026-11-20,A1,looked fine to me\n",
        header="flag_id,decision,decided_on,decided_by,notes\n",
    )
    with caplog.at_level("WARNING"):
        result = import_dispositions(path, tmp_path / "s.parquet", KNOWN, TODAY)
    assert result.ignored_columns == ["notes"]
    assert "notes" in caplog.text
    assert "looked fine" not in caplog.text
    assert "notes" not in read_store(tmp_path / "s.parquet").columns


def test_store_is_owner_only_in_a_private_folder_and_written_atomically(tmp_path, monkeypatch):
    path = _csv(tmp_path, "F0000000000000002,vetting_review,2026-11-20,A1\n")
    store = tmp_path / "out" / "state" / "dispositions.parquet"
    import_dispositions(path, store, KNOWN, TODAY)
    assert stat.S_IMODE(store.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.parent.stat().st_mode) == 0o700
    assert not [p for p in store.parent.iterdir() if p.name.endswith(".tmp")]

    # a failed write leaves the old store exactly as it was, and no temp file behind
    before = store.read_bytes()
    import transforms.dispositions as mod

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(mod.os, "replace", boom)
    path2 = _csv(tmp_path, "F0000000000000003,vetting_review,2026-11-21,A1\n", name="b.csv")
    with pytest.raises(OSError, match="disk full"):
        import_dispositions(path2, store, KNOWN, TODAY)
    assert store.read_bytes() == before
    assert not [p for p in store.parent.iterdir() if p.name.endswith(".tmp")]


def test_nothing_accepted_writes_no_store(tmp_path):
    path = _csv(tmp_path, "F0000000000000099,vetting_review,2026-11-20,A1\n")
    store = tmp_path / "state" / "dispositions.parquet"
    result = import_dispositions(path, store, KNOWN, TODAY)
    assert result.store is None and not store.exists()
    assert result.rows_read == 1 and result.rejected_rows == 1


@pytest.mark.parametrize(
    "content, problem",
    [
        (b"", "file is empty"),
        (HEADER.encode(), "no data rows"),
        (
            b"flag_id,decision,decided_on\nF0000000000000002,vetting_review,2026-11-20\n",
            "decided_by",
        ),
        (HEADER.encode() + b"F0000000000000002,vetting_review,2026-11-20,\xe9\xff\n", "UTF-8"),
    ],
)
def test_structural_errors_name_the_file_and_the_problem(tmp_path, content, problem):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(StructuralError, match=problem) as err:
        import_dispositions(path, tmp_path / "s.parquet", KNOWN, TODAY)
    assert err.value.file == "bad.csv"
    assert not (tmp_path / "s.parquet").exists()


def test_missing_file_is_structural(tmp_path):
    with pytest.raises(StructuralError, match="file not found"):
        import_dispositions(tmp_path / "none.csv", tmp_path / "s.parquet", KNOWN, TODAY)


# --- history and supersession ------------------------------------------------------------------


def _accepted(rows):
    accepted, rejected = validate_dispositions(_frame(rows), KNOWN, TODAY)
    assert rejected.empty
    return accepted


def test_later_decision_supersedes_and_history_is_kept(tmp_path):
    store = tmp_path / "state" / "dispositions.parquet"
    first = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    second = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    append_to_store(
        _accepted(
            [
                ("F0000000000000002", "vetting_review", "2026-11-19", "A1"),
                ("F0000000000000003", "disciplinary_investigation", "2026-11-19", "A1"),
                ("F0000000000000004", "management_intervention", "2026-11-19", "A1"),
            ]
        ),
        store,
        "monday.csv",
        "0" * 64,
        imported_at=first,
    )
    append_to_store(
        _accepted(
            [
                # a later decision on the same flag: supersedes
                ("F0000000000000002", "no_further_action", "2026-11-23", "A2"),
                # same day, imported later: a correction, supersedes
                ("F0000000000000003", "criminal_investigation", "2026-11-19", "A2"),
                # an older decision imported late does not overturn a newer one
                ("F0000000000000004", "welfare_support", "2026-11-01", "A2"),
            ]
        ),
        store,
        "friday.csv",
        "1" * 64,
        imported_at=second,
    )
    assert len(read_store(store)) == 6  # every row kept
    current = current_decisions(store).set_index("flag_id")
    assert current["decision"].to_dict() == {
        "F0000000000000002": "no_further_action",
        "F0000000000000003": "criminal_investigation",
        "F0000000000000004": "management_intervention",
    }
    assert current.loc["F0000000000000002", "source_file"] == "friday.csv"
    assert current.loc["F0000000000000004", "source_file"] == "monday.csv"


def test_current_decisions_without_a_store_is_empty(tmp_path):
    current = current_decisions(tmp_path / "none.parquet")
    assert current.empty and list(current.columns) == STORE_COLUMNS


def test_corrupt_store_is_structural(tmp_path):
    store = tmp_path / "dispositions.parquet"
    store.write_bytes(b"not parquet")
    with pytest.raises(StructuralError, match="dispositions.parquet"):
        current_decisions(store)
