"""Plant a few known-bad rows in generated extracts, so the quarantine can be checked exactly.

Pure functions, no Prefect. :func:`plant_defects` takes the frames :func:`transforms.generate
.generate` builds (all text, missing as ``''``) and returns corrupted copies plus a ``defects``
frame: the quarantine lines ``transforms.validate.validate_extract`` must produce, one per
(table, row_number, field, rule), and no others.

Each defect kind breaks exactly one rule (``per_table`` rows of each kind):

==============  =================  ==============  ==========================================
table           field              rule            how
==============  =================  ==============  ==========================================
staff           staff_id           unique          a later row overwritten by a copy of an
                                                   earlier one (the file keeps its row count)
staff           date_of_birth      dob_min_age     a date of birth in the future
staff           date_of_birth      calendar_date   ``YYYY-02-30``
staff           person_type        in_set          ``contractor``
staff_addresses postcode           postcode_format the last character of the postcode dropped
nominals        nominal_id         not_null        the id emptied
addresses       nominal_id         unknown_parent  a copy of a row, appended, for an unused id
records         role               in_set          ``informant``
phones          date_to            date_order      ``date_to`` 1-365 days before ``date_from``
==============  =================  ==============  ==========================================

A quarantined staff or nominals row takes its child rows with it (``unknown_parent`` on the
parent key column, in every child table): those cascaded lines are in ``defects`` too. Staff and
nominals with the fewest child rows are preferred, to keep the cascade small.

Rows of planted truth cases are never touched: no row of a staff member or nominal in the truth
file (including the ``via:`` nominals in ``noise``), nor of a nominal associated with one, so
recall measured against the truth does not change. In-place corruption keeps row numbers; the
one appended row goes at the end of its table. Row numbers are 1-based data rows (the header is
not counted), as ``transforms.load`` numbers ``_row`` for a file of one row per line (the
generator writes no blank line and no value spanning lines; row N is line N + 1).

Nothing here prints or logs personal data.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from transforms import schema as sc
from transforms.config import ValidationConfig

DEFECT_COLUMNS = ["table", "row_number", "field", "rule"]
BAD_PERSON_TYPE = "contractor"
BAD_ROLE = "informant"
FUTURE_DOB_YEAR = 2031  # after any reference date the generator uses; always under 16
_TABLE_ORDER = {t.name: i for i, t in enumerate(sc.ALL_TABLES)}


def _protected(frames: dict[str, pd.DataFrame]) -> tuple[set[str], set[str]]:
    """Staff ids and nominal ids of planted truth cases (and nominals associated with them)."""
    truth = frames.get("truth")
    if truth is None or not len(truth):
        return set(), set()
    staff = set(truth["staff_id"])
    noms = set(truth["nominal_id"])
    for noise in truth["noise"]:
        noms |= {tag[4:] for tag in str(noise).split("|") if tag.startswith("via:")}
    assoc = frames.get("associations")
    if assoc is not None and len(assoc):
        a, b = assoc["nominal_id_a"], assoc["nominal_id_b"]
        noms |= set(b[a.isin(noms)]) | set(a[b.isin(noms)])
    return staff, noms


def _children(parent: str) -> list[tuple[str, str]]:
    """(child table, key column) for every link to ``parent`` (including second parents)."""
    out = []
    for t in sc.ALL_TABLES:
        if t.parent is None or t.parent[1].split(".", 1)[0] != parent:
            continue
        out.append((t.name, t.parent[0]))
        if t.extra.get("second_parent"):
            out.append((t.name, t.extra["second_parent"]))
    return out


def _child_counts(frames: dict[str, pd.DataFrame], parent: str, key: str) -> pd.Series:
    """Number of child rows per parent key value (0 for a parent with none)."""
    ids = frames[parent][key]
    counts = pd.Series(0, index=pd.Index(ids.unique()), dtype=np.int64)
    for child, column in _children(parent):
        if child in frames:
            vc = frames[child][column].value_counts()
            counts = counts.add(vc.reindex(counts.index, fill_value=0), fill_value=0)
    return counts.astype(np.int64)


def _pick(
    rng: np.random.Generator, candidates: np.ndarray, n: int, cost: np.ndarray | None = None
) -> np.ndarray:
    """``n`` distinct positions from ``candidates`` (sorted), preferring the lowest ``cost``."""
    candidates = np.asarray(candidates, dtype=np.int64)
    if n <= 0:
        return candidates[:0]
    if len(candidates) < n:
        raise ValueError(f"not enough rows to plant {n} defect(s) of one kind")
    if cost is not None:
        cost = np.asarray(cost)
        pool_size = min(len(candidates), max(4 * n, 20))
        bar = np.sort(cost)[pool_size - 1]
        candidates = candidates[cost <= bar]
    return np.sort(rng.choice(candidates, size=n, replace=False))


def plant_defects(
    frames: dict[str, pd.DataFrame], seed: int, per_table: int
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Corrupt ``per_table`` rows of each defect kind; (new frames, expected quarantine lines).

    ``frames`` is not modified. The defects frame has DEFECT_COLUMNS, ``row_number`` int64,
    sorted by table (contract order), row_number, field, rule.
    """
    out = dict(frames)
    if per_table <= 0:
        return out, pd.DataFrame(
            {c: pd.Series(dtype="int64" if c == "row_number" else object) for c in DEFECT_COLUMNS}
        )
    rng = np.random.default_rng([seed, 7919])
    lines: list[tuple[str, int, str, str]] = []
    changed: dict[str, pd.DataFrame] = {}

    def frame(name: str) -> pd.DataFrame:
        if name not in changed:
            changed[name] = frames[name].copy()
        return changed[name]

    def planted(name: str, positions: np.ndarray, field: str, rule: str) -> None:
        lines.extend((name, int(p) + 1, field, rule) for p in positions)

    prot_staff, prot_noms = _protected(frames)
    quarantined: dict[str, set[int]] = {"staff": set(), "nominals": set()}

    # ---- staff: five kinds, each on a different staff member
    staff = frames["staff"]
    sid = staff["staff_id"].to_numpy(dtype=object)
    free = ~staff["staff_id"].isin(prot_staff).to_numpy(bool)
    kids = _child_counts(frames, "staff", "staff_id").reindex(sid).to_numpy(np.int64)
    used = np.zeros(len(staff), dtype=bool)

    def take_staff(n: int, prefer_few_children: bool = True) -> np.ndarray:
        cand = np.flatnonzero(free & ~used)
        got = _pick(rng, cand, n, kids[cand] if prefer_few_children else None)
        used[got] = True
        return got

    # unique: overwrite a later row with a copy of an earlier one. The file keeps its row count;
    # the overwritten staff member is gone, so their child rows cascade (below).
    targets = take_staff(per_table)
    for j in targets:
        sources = np.flatnonzero(free & ~used & (np.arange(len(staff)) < j))
        if not len(sources):
            raise ValueError("no earlier staff row to copy for a duplicate staff_id")
        i = int(rng.choice(sources))
        used[i] = True
        st = frame("staff")
        st.iloc[j] = st.iloc[i].to_numpy()
    planted("staff", targets, "staff_id", "unique")
    quarantined["staff"] |= {int(j) for j in targets}

    st = frame("staff")
    rows = take_staff(per_table)
    month_day = st["date_of_birth"].iloc[rows].str.slice(5).replace("02-29", "02-28")
    st.iloc[rows, st.columns.get_loc("date_of_birth")] = (
        f"{FUTURE_DOB_YEAR}-" + month_day
    ).to_numpy(dtype=object)
    planted("staff", rows, "date_of_birth", "dob_min_age")
    quarantined["staff"] |= {int(r) for r in rows}

    rows = take_staff(per_table)
    st.iloc[rows, st.columns.get_loc("date_of_birth")] = (
        st["date_of_birth"].iloc[rows].str.slice(0, 4) + "-02-30"
    ).to_numpy(dtype=object)
    planted("staff", rows, "date_of_birth", "calendar_date")
    quarantined["staff"] |= {int(r) for r in rows}

    rows = take_staff(per_table)
    st.iloc[rows, st.columns.get_loc("person_type")] = BAD_PERSON_TYPE
    planted("staff", rows, "person_type", "in_set")
    quarantined["staff"] |= {int(r) for r in rows}

    # postcode_format: an address of a staff member not otherwise touched
    sa = frames["staff_addresses"]
    ok_staff = set(sid[free & ~used])
    cand = np.flatnonzero(sa["staff_id"].isin(ok_staff).to_numpy(bool) & (sa["postcode"] != ""))
    rows = _pick(rng, cand, per_table)
    bad_pc = sa["postcode"].iloc[rows].str.slice(0, -1)
    regex = re.compile(ValidationConfig().postcode_regex)
    if any(regex.match(v.strip()) for v in bad_pc):
        raise ValueError("a truncated postcode still looks valid")
    sa = frame("staff_addresses")
    sa.iloc[rows, sa.columns.get_loc("postcode")] = bad_pc.to_numpy(dtype=object)
    planted("staff_addresses", rows, "postcode", "postcode_format")

    # ---- intel
    noms = frames["nominals"]
    nid = noms["nominal_id"].to_numpy(dtype=object)
    nfree = ~noms["nominal_id"].isin(prot_noms).to_numpy(bool)
    nkids = _child_counts(frames, "nominals", "nominal_id").reindex(nid).to_numpy(np.int64)
    cand = np.flatnonzero(nfree)
    rows = _pick(rng, cand, per_table, nkids[cand])
    nm = frame("nominals")
    nm.iloc[rows, nm.columns.get_loc("nominal_id")] = ""
    planted("nominals", rows, "nominal_id", "not_null")
    quarantined["nominals"] |= {int(r) for r in rows}
    gone = set(nid[rows])
    ok_noms = set(nid[nfree]) - gone

    # unknown_parent: copies of existing address rows, appended, for ids no nominal has
    ad = frames["addresses"]
    cand = np.flatnonzero(ad["nominal_id"].isin(ok_noms).to_numpy(bool))
    rows = _pick(rng, cand, per_table)
    numbers = pd.to_numeric(noms["nominal_id"].str.extract(r"(\d+)$")[0], errors="coerce")
    start = int(numbers.max()) + 1 if numbers.notna().any() else 1
    width = max(8, len(str(start + per_table)))
    orphans = ad.iloc[rows].copy()
    orphans["nominal_id"] = [f"N{start + k:0{width}d}" for k in range(per_table)]
    n_before = len(ad)
    changed["addresses"] = pd.concat([frame("addresses"), orphans], ignore_index=True)
    planted("addresses", np.arange(n_before, n_before + per_table), "nominal_id", "unknown_parent")

    rc = frames["records"]
    cand = np.flatnonzero(rc["nominal_id"].isin(ok_noms).to_numpy(bool))
    rows = _pick(rng, cand, per_table)
    rc = frame("records")
    rc.iloc[rows, rc.columns.get_loc("role")] = BAD_ROLE
    planted("records", rows, "role", "in_set")

    ph = frames["phones"]
    cand = np.flatnonzero(
        ph["nominal_id"].isin(ok_noms).to_numpy(bool)
        & ph["date_from"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").to_numpy(bool)
        & (ph["date_from"] > "1901-01-01").to_numpy(bool)
    )
    rows = _pick(rng, cand, per_table)
    back = rng.integers(1, 366, size=len(rows))
    start_days = pd.to_datetime(ph["date_from"].iloc[rows], format="%Y-%m-%d").to_numpy()
    earlier = np.datetime_as_string(
        (start_days.astype("datetime64[D]") - back.astype("timedelta64[D]")), unit="D"
    )
    ph = frame("phones")
    ph.iloc[rows, ph.columns.get_loc("date_to")] = earlier.astype(object)
    planted("phones", rows, "date_to", "date_order")

    out.update(changed)

    # ---- the cascade: child rows whose parent key is no longer among accepted parent rows
    already = {(t, r, f) for t, r, f, _ in lines}
    for parent, key in (("staff", "staff_id"), ("nominals", "nominal_id")):
        pf = out[parent]
        keep = np.ones(len(pf), dtype=bool)
        keep[list(quarantined[parent])] = False
        accepted = set(pf[key].to_numpy(dtype=object)[keep]) - {""}
        for child, column in _children(parent):
            if child not in out:
                continue
            keys = out[child][column]
            orphan = np.flatnonzero(((keys != "") & ~keys.isin(accepted)).to_numpy(bool))
            for p in orphan:
                if (child, int(p) + 1, column) not in already:
                    lines.append((child, int(p) + 1, column, "unknown_parent"))

    defects = pd.DataFrame.from_records(lines, columns=DEFECT_COLUMNS)
    defects["row_number"] = defects["row_number"].astype(np.int64)
    order = defects["table"].map(_TABLE_ORDER)
    defects = (
        defects.assign(_o=order)
        .sort_values(["_o", "row_number", "field", "rule"], kind="stable")
        .drop(columns="_o")
        .reset_index(drop=True)
    )
    return out, defects
