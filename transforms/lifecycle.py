"""Flags across nights: the same flag keeps its id, and each run says what changed.

A flag's id is derived from the staff member, the nominal and the kind, so Monday's flag is
Tuesday's. Against the last published run each flag is ``new``, ``unchanged`` or
``updated`` (its evidence changed: new intelligence), and a flag that has gone is
``closed``. A flag DPS has decided stays ``decided`` and is not raised again, unless
intelligence dated after the decision arrives: then it is ``reopened`` and says so.

A ``not_same_person`` decision (mistaken identity) is about who someone is, not about the
intelligence: it never reopens, and on a misconduct or welfare flag it settles the other
flags that rest on the same identity (the same staff member and nominal).

Staff and nominal ids are compared from night to night as the loader compares them within a
night (``transforms.ids.id_key``: ignoring case). A flag whose staff or nominal id an
extract writes in another case than the night that raised it ("s000012", then "S000012")
is the same flag: it keeps the id it was raised with, its history and its decision.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pyarrow as pa

from transforms.ids import id_key

OPEN_STATUSES = ("new", "unchanged", "updated", "reopened")
NOT_SAME_PERSON = "not_same_person"
IDENTITY_KINDS = ("misconduct", "welfare")  # flags that assert staff member = nominal
HISTORY_COLUMNS = ["run_id", "flag_id", "staff_id", "nominal_id", "flag_kind", "status"]


def _text(value: object) -> str:
    if isinstance(value, (list, tuple, np.ndarray)):
        return ",".join(str(v) for v in value)
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def evidence_fingerprint(flags: pd.DataFrame) -> pd.Series:
    """A short hash of what a flag rests on; it changes when new intelligence arrives.
    (A loop over flags, which number in the hundreds, not over the intelligence.)"""
    cols = ("severity", "record_count", "evidence_to", "evidence")
    keys = ["|".join(_text(v) for v in row) for row in zip(*(flags[c] for c in cols), strict=True)]
    return pd.Series([hashlib.sha256(k.encode()).hexdigest()[:16] for k in keys], index=flags.index)


def apply_lifecycle(
    current: pd.DataFrame,
    previous: pd.DataFrame,
    decisions: pd.DataFrame,
    run_id: str,
    screened_ids: set[str] | None = None,
    earlier: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """This run's flags with ``status``, ``first_raised_run``, ``fingerprint`` and the latest
    decision; and the rows this run adds to the flag history (closed flags included).

    ``screened_ids``: the staff screened tonight (None: everyone). A previous flag on someone
    not screened tonight is carried over as it was, not closed. ``earlier``: the flag
    history so far, where a decision on a flag closed before the last run finds its pair.
    """
    flags = current.copy()
    flags["flag_id"] = _ids_raised_with(flags, previous, earlier)
    flags["fingerprint"] = evidence_fingerprint(flags)
    carried = pd.DataFrame()
    if len(previous) and screened_ids is not None:
        gone = previous[~previous["flag_id"].isin(flags["flag_id"])]
        screened = id_key(pd.Series(sorted(screened_ids), dtype="string"))
        carried = gone[~id_key(gone["staff_id"]).isin(screened).to_numpy(bool)]
        previous = previous[~previous["flag_id"].isin(carried["flag_id"])]
    prev = previous.set_index("flag_id") if len(previous) else pd.DataFrame()
    first = prev["first_raised_run"] if "first_raised_run" in prev else pd.Series(dtype=object)
    prev_fp = prev["fingerprint"] if "fingerprint" in prev else pd.Series(dtype=object)
    flags["first_raised_run"] = flags["flag_id"].map(first).astype(object).fillna(run_id)
    was = flags["flag_id"].map(prev_fp)
    flags["status"] = "new"
    flags.loc[was.notna() & (was == flags["fingerprint"]), "status"] = "unchanged"
    flags.loc[was.notna() & (was != flags["fingerprint"]), "status"] = "updated"

    if len(carried):
        keep = [c for c in flags.columns if c in carried.columns]
        flags = pd.concat([flags, carried[keep]], ignore_index=True)
    dec = decisions if len(decisions) else pd.DataFrame(columns=["flag_id"])
    flags = flags.merge(
        dec.reindex(columns=["flag_id", "decision", "decided_on"]), on="flag_id", how="left"
    )
    flags = _settle_mistaken_identity(
        flags, pd.concat([previous.reindex(columns=HISTORY_COLUMNS), earlier]), dec
    )
    # Typed the same whether or not any decision exists yet (all-NULL columns would be DOUBLE).
    flags["decision"] = flags["decision"].astype("string")
    flags["decided_on"] = pd.to_datetime(flags["decided_on"], errors="coerce").astype(
        pd.ArrowDtype(pa.date32())
    )
    decided = flags["decision"].notna()
    after = pd.to_datetime(flags["evidence_to"], errors="coerce") > pd.to_datetime(
        flags["decided_on"], errors="coerce"
    )
    after &= (flags["decision"] != NOT_SAME_PERSON).fillna(True).astype(bool)
    flags.loc[decided & ~after, "status"] = "decided"
    flags.loc[decided & after, "status"] = "reopened"

    closed = pd.DataFrame(columns=HISTORY_COLUMNS)
    if len(previous):
        gone = previous[~previous["flag_id"].isin(flags["flag_id"])]
        closed = gone.assign(run_id=run_id, status="closed").reindex(columns=HISTORY_COLUMNS)
    history = pd.concat(
        [flags.assign(run_id=run_id).reindex(columns=HISTORY_COLUMNS), closed],
        ignore_index=True,
    )
    return flags, history


def _identity(flags: pd.DataFrame) -> pd.Series:
    """What a flag is about, as ids are compared: staff and nominal id keys and the kind."""
    return (
        id_key(flags["staff_id"])
        + "|"
        + id_key(flags["nominal_id"])
        + "|"
        + flags["flag_kind"].astype("string")
    )


def _ids_raised_with(
    flags: pd.DataFrame, previous: pd.DataFrame, earlier: pd.DataFrame | None
) -> pd.Series:
    """Each of tonight's flag ids, or, for a flag not known by its id but known by its
    identity (``_identity``: its staff or nominal id written in another case than before),
    the id it was raised with: the last run's, else the latest in the history."""
    keys = ["flag_id", "staff_id", "nominal_id", "flag_kind"]
    history = earlier if earlier is not None and len(earlier) else pd.DataFrame(columns=keys)
    if "run_id" in history:
        history = history.sort_values("run_id", ascending=False, kind="stable")
    known = pd.concat(
        [previous.reindex(columns=keys), history.reindex(columns=keys)], ignore_index=True
    ).dropna(subset=keys)
    ids = flags["flag_id"]
    if known.empty:
        return ids
    unknown = ~ids.isin(known["flag_id"]).to_numpy(bool)
    if not unknown.any():
        return ids
    by_identity = known.assign(_identity=_identity(known)).drop_duplicates("_identity")
    raised = _identity(flags).map(by_identity.set_index("_identity")["flag_id"])
    use = unknown & raised.notna().to_numpy(bool)
    return ids.mask(use, raised)


def _settle_mistaken_identity(
    flags: pd.DataFrame, earlier: pd.DataFrame, decisions: pd.DataFrame
) -> pd.DataFrame:
    """Give every undecided misconduct or welfare flag of a pair that DPS found is not the
    same person (on any identity flag of that pair, tonight's or an ``earlier`` one) that
    decision and its date."""
    if "decision" not in decisions or not (decisions["decision"] == NOT_SAME_PERSON).any():
        return flags
    keys = ["flag_id", "staff_id", "nominal_id", "flag_kind"]
    known = pd.concat([flags[keys], earlier.reindex(columns=keys)]).drop_duplicates("flag_id")
    pair = ["staff_key", "nominal_key"]
    mistaken = (
        decisions.loc[decisions["decision"] == NOT_SAME_PERSON, ["flag_id", "decided_on"]]
        .merge(known[known["flag_kind"].isin(IDENTITY_KINDS)], on="flag_id")
        .assign(
            staff_key=lambda d: id_key(d["staff_id"]), nominal_key=lambda d: id_key(d["nominal_id"])
        )
        .sort_values("decided_on")
        .drop_duplicates(pair)[[*pair, "decided_on"]]
    )
    tonight = pd.DataFrame(
        {"staff_key": id_key(flags["staff_id"]), "nominal_key": id_key(flags["nominal_id"])}
    )
    settled = tonight.merge(mistaken, on=pair, how="left")["decided_on"]
    fill = (
        flags["decision"].isna().to_numpy()
        & flags["flag_kind"].isin(IDENTITY_KINDS).to_numpy()
        & settled.notna().to_numpy()
    )
    flags = flags.copy()
    flags["decision"] = flags["decision"].astype(object)
    flags.loc[fill, "decision"] = NOT_SAME_PERSON
    flags["decided_on"] = flags["decided_on"].astype(object)
    flags.loc[fill, "decided_on"] = settled.to_numpy()[fill]
    return flags


def open_flags(flags: pd.DataFrame) -> pd.DataFrame:
    """Flags awaiting a decision: what goes to DPS and what holds a record back from
    counting as checked."""
    return flags[flags["status"].isin(OPEN_STATUSES)]
