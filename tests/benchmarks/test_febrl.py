"""The FEBRL benchmark's preparation: FEBRL-shaped sets into the flat files, and the truth.

No download: small hand-written sets in FEBRL's layout (", "-separated, blanks for missing
values), every value made up.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from benchmarks.bench_link import flat_counts
from benchmarks.febrl import write_flat

HEADER = (
    "rec_id, given_name, surname, street_number, address_1, address_2, suburb, postcode, "
    "state, date_of_birth, soc_sec_id"
)
SET_A = [
    "rec-7-org, ada, quennell, 12, marlow street, , kettering, 4221, nsw, 19610307, 1234567",
    "rec-12-org, ben, orrick, , , , , 2610, vic, 19721130, 7654321",
    "rec-3-org, cal, tamsin, 4, ferrow place, unit 2, dunmore, 5012, sa, 19800229, 1111111",
]
SET_B = [
    "rec-12-dup-0, ben, orick, 9, tulla road, , bexley, 2610, vic, 19721310, 7654321",
    "rec-7-dup-0, , quennell, 12, marlow stret, , kettering, 4212, nsw, 19610307, 1234567",
    "rec-99-dup-0, dee, vance, 1, amble court, , hove, 3000, vic, 19900101, 2222222",
]


def _write(path: Path, rows: list[str]) -> None:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")


def test_write_flat_maps_febrl_sets_to_the_flat_columns(tmp_path: Path) -> None:
    _write(tmp_path / "dataset4a.csv", SET_A)
    _write(tmp_path / "dataset4b.csv", SET_B)
    flat = tmp_path / "flat"

    assert write_flat(tmp_path, flat) == 2

    staff = pd.read_parquet(flat / "staff.parquet").set_index("staff_id")
    nominals = pd.read_parquet(flat / "nominals.parquet").set_index("nominal_id")
    assert staff.loc["rec-7-org", "address_line"] == "12 marlow street kettering"
    assert staff.loc["rec-7-org", "date_of_birth"] == "1961-03-07"
    assert staff.loc["rec-3-org", "address_line"] == "4 ferrow place unit 2 dunmore"
    assert pd.isna(staff.loc["rec-12-org", "address_line"])  # every address part blank
    assert staff.loc["rec-12-org", "postcode"] == "2610"
    # a date that is not one (month 13) is missing, like a blank forename
    assert pd.isna(nominals.loc["rec-12-dup-0", "date_of_birth"])
    assert pd.isna(nominals.loc["rec-7-dup-0", "forenames"])
    assert nominals.loc["rec-7-dup-0", "surname"] == "quennell"
    for frame in (staff, nominals):
        assert frame[["previous_surnames", "sex", "phone"]].isna().all().all()
        assert "soc_sec_id" not in frame.columns

    pairs = pd.read_parquet(flat / "truth.parquet")
    assert sorted(map(tuple, pairs.to_numpy())) == [
        ("rec-12-org", "rec-12-dup-0"),
        ("rec-7-org", "rec-7-dup-0"),
    ]
    counts = flat_counts(flat)
    assert (counts.staff, counts.nominals, counts.truth_pairs) == (3, 3, 2)


def test_sets_1_to_3_link_originals_against_each_of_their_duplicates(tmp_path: Path) -> None:
    rows = [
        SET_A[0],
        SET_B[1],  # rec-7-dup-0
        "rec-7-dup-1, ada, quenel, 12, marlow street, , kettering, 4221, nsw, 19610307, 1234567",
        SET_A[1],  # rec-12-org, no duplicate
    ]
    _write(tmp_path / "dataset3.csv", rows)
    flat = tmp_path / "flat3"

    assert write_flat(tmp_path, flat, 3) == 2

    assert sorted(pd.read_parquet(flat / "staff.parquet")["staff_id"]) == [
        "rec-12-org",
        "rec-7-org",
    ]
    pairs = pd.read_parquet(flat / "truth.parquet")
    assert sorted(map(tuple, pairs.to_numpy())) == [
        ("rec-7-org", "rec-7-dup-0"),
        ("rec-7-org", "rec-7-dup-1"),
    ]
