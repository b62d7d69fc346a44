"""The labels benchmark's split: labelled and held-out people never share a true pair."""

from __future__ import annotations

import pandas as pd

from benchmarks.labels import split_truth


def test_split_keeps_each_persons_pairs_together_and_is_seeded() -> None:
    truth = pd.DataFrame(
        {
            "staff_id": [f"s{i // 2}" for i in range(2000)],  # two true pairs per person
            "nominal_id": [f"n{i}" for i in range(2000)],
        }
    )
    labels, held = split_truth(truth, 0.3, seed=1)
    assert len(labels) + len(held) == len(truth)
    assert not set(labels["staff_id"]) & set(held["staff_id"])
    assert 0.25 <= labels["staff_id"].nunique() / 1000 <= 0.35
    again, _ = split_truth(truth, 0.3, seed=1)
    pd.testing.assert_frame_equal(labels, again)
    other, _ = split_truth(truth, 0.3, seed=2)
    assert set(other["staff_id"]) != set(labels["staff_id"])
