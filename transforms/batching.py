"""Nightly batches: screen the next N staff not yet screened, most important first, so a
campaign accumulates night by night toward its target."""

from __future__ import annotations

import pandas as pd

from transforms.ids import id_key

PRIORITIES = ("designated_first", "vetting_oldest_first", "staff_id")


def select_batch(
    staff: pd.DataFrame, ledger: pd.DataFrame, batch_size: int | None, priority: str
) -> pd.DataFrame:
    """The staff rows to screen tonight: everyone when ``batch_size`` is None; otherwise the
    first ``batch_size`` not in the ledger, ordered by ``priority`` (then staff id).

    - ``designated_first``: designated posts before others;
    - ``vetting_oldest_first``: the oldest vetting clearance first;
    - ``staff_id``: plain id order.
    """
    if priority not in PRIORITIES:
        raise ValueError(f"unknown batch priority {priority!r}; expected one of {PRIORITIES}")
    if batch_size is None:
        return staff
    # compared as the loader compares ids (ignoring case): "s000012" screened last night is
    # tonight's "S000012"
    screened = set(id_key(ledger["staff_id"]).dropna()) if len(ledger) else set()
    todo = staff[~id_key(staff["staff_id"]).isin(screened).to_numpy(bool)]
    if priority == "designated_first":
        keys = [todo["designated_post"].ne("true"), todo["staff_id"]]
    elif priority == "vetting_oldest_first":
        keys = [todo["vetting_cleared_date"].fillna("9999-12-31"), todo["staff_id"]]
    else:
        keys = [todo["staff_id"]]
    order = pd.DataFrame({f"k{i}": k.to_numpy() for i, k in enumerate(keys)}, index=todo.index)
    chosen = order.sort_values(list(order.columns), kind="stable").index[:batch_size]
    return todo.loc[chosen]


def restrict_to_batch(
    accepted: dict[str, pd.DataFrame], batch_ids: pd.Series, staff_tables: tuple[str, ...]
) -> dict[str, pd.DataFrame]:
    """Every staff-side table cut down to tonight's batch; intelligence tables untouched."""
    keep = set(batch_ids)
    return {
        name: (frame[frame["staff_id"].isin(keep)] if name in staff_tables else frame)
        for name, frame in accepted.items()
    }
