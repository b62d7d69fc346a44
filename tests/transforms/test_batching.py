import pandas as pd
import pytest

from transforms.batching import restrict_to_batch, select_batch


def _staff():
    return pd.DataFrame(
        {
            "staff_id": ["S1", "S2", "S3", "S4", "S5"],
            "designated_post": ["false", "true", "false", "true", "false"],
            "vetting_cleared_date": ["2020-01-01", "2023-01-01", "2015-06-01", None, "2018-01-01"],
        }
    )


def test_everyone_when_no_batch_size():
    assert len(select_batch(_staff(), pd.DataFrame(), None, "staff_id")) == 5


def test_designated_posts_first_then_id_and_skip_the_screened():
    ledger = pd.DataFrame({"staff_id": ["S2"]})
    batch = select_batch(_staff(), ledger, 3, "designated_first")
    assert list(batch["staff_id"]) == ["S4", "S1", "S3"]


def test_oldest_vetting_first():
    batch = select_batch(_staff(), pd.DataFrame(), 2, "vetting_oldest_first")
    assert list(batch["staff_id"]) == ["S3", "S5"]


def test_nights_accumulate_until_everyone_is_screened():
    ledger = pd.DataFrame({"staff_id": []})
    seen: list[str] = []
    for _ in range(3):
        batch = select_batch(_staff(), ledger, 2, "staff_id")
        seen += list(batch["staff_id"])
        ledger = pd.DataFrame({"staff_id": seen})
    assert seen == ["S1", "S2", "S3", "S4", "S5"]
    assert select_batch(_staff(), ledger, 2, "staff_id").empty


def test_unknown_priority_is_refused():
    with pytest.raises(ValueError, match="unknown batch priority"):
        select_batch(_staff(), pd.DataFrame(), 2, "alphabetical")


def test_restrict_cuts_staff_tables_only():
    accepted = {
        "staff": _staff(),
        "staff_phones": pd.DataFrame({"staff_id": ["S1", "S3"]}),
        "nominals": pd.DataFrame({"nominal_id": ["N1"]}),
    }
    out = restrict_to_batch(accepted, pd.Series(["S3"]), ("staff", "staff_phones"))
    assert list(out["staff"]["staff_id"]) == ["S3"]
    assert list(out["staff_phones"]["staff_id"]) == ["S3"]
    assert len(out["nominals"]) == 1


def test_someone_screened_under_another_case_of_their_id_is_not_screened_again():
    # the ledger has s2 and s4 from a night the HR extract wrote ids lower case
    ledger = pd.DataFrame({"staff_id": ["s2", "s4"]})
    batch = select_batch(_staff(), ledger, 5, "designated_first")
    assert list(batch["staff_id"]) == ["S1", "S3", "S5"]
