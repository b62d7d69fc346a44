"""The synthetic-data generator: contract, planted cases, noise, determinism, committed sample."""

from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta
from pathlib import Path

import jellyfish
import numpy as np
import pandas as pd
import pytest
from nicknames import NickNamer

from transforms import schema as sc
from transforms.config import ValidationConfig
from transforms.generate import (
    ABBREVIATIONS,
    NOISE_TAGS,
    RATES_PER_10K,
    GenerateSpec,
    generate,
    main,
    write_extracts,
)

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"
# data/sample/README.md: python -m transforms.generate --staff 2000 --nominals 20000 --seed 7
# --enrich 5 --defects 1 --out data/sample
SAMPLE_SPEC = GenerateSpec(staff=2000, nominals=20000, seed=7, enrich=5, defects=1)
SPEC = GenerateSpec(staff=1500, nominals=8000, seed=11, enrich=10)
REF = date.fromisoformat(SPEC.reference_date)


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return generate(SPEC)


# ------------------------------------------------------------------ helpers


def norm_line(s: pd.Series) -> pd.Series:
    s = s.str.upper().str.replace(",", "", regex=False)
    for full, short in ABBREVIATIONS:
        s = s.str.replace(rf"\b{short.upper()}\b", full.upper(), regex=True)
    return s.str.replace(r"\s+", " ", regex=True).str.strip()


def norm_pc(s: pd.Series) -> pd.Series:
    return s.str.upper().str.replace(" ", "", regex=False)


def norm_phone(s: pd.Series) -> pd.Series:
    return s.str.replace(r"\D", "", regex=True).str.replace(r"^44", "0", regex=True)


def norm_vrm(s: pd.Series) -> pd.Series:
    return s.str.upper().str.replace(" ", "", regex=False)


def addr_key(df: pd.DataFrame) -> pd.Series:
    return norm_line(df["address_line"]) + "|" + norm_pc(df["postcode"])


def criminal_nominals(f: dict[str, pd.DataFrame]) -> set[str]:
    rec = f["records"]
    return set(rec.loc[rec["role"].isin(sc.CRIMINAL_ROLES), "nominal_id"]) | set(
        f["markers"]["nominal_id"]
    )


def truth_of(f, kind: str) -> pd.DataFrame:
    t = f["truth"]
    return t[t["kind"] == kind]


def overlaps(a_from: str, a_to: str, b_from: str, b_to: str, ref: str) -> bool:
    return max(a_from, b_from) <= min(a_to or ref, b_to or ref)


def via_nominals(f) -> dict[str, str]:
    """assoc_named: the staff member's own nominal -> staff id."""
    t = truth_of(f, "assoc_named")
    own = t["noise"].str.extract(r"via:(N\d+)")[0]
    return dict(zip(own, t["staff_id"], strict=True))


# ------------------------------------------------------------------ the contract


def test_every_table_has_exactly_the_schema_columns_as_text(frames):
    assert set(frames) == {t.name for t in sc.ALL_TABLES} | {"truth"}
    for t in sc.ALL_TABLES:
        df = frames[t.name]
        assert list(df.columns) == t.column_names, t.name
        assert len(df) > 0, t.name
        for c in df.columns:
            assert pd.api.types.is_string_dtype(df[c]), (t.name, c)
            assert not df[c].isna().any(), (t.name, c)
    assert list(frames["truth"].columns) == list(sc.TRUTH_COLUMNS)


def test_values_are_well_formed(frames):
    v = ValidationConfig()
    min_dob = (REF - timedelta(days=int(16 * 365.25))).isoformat()
    for t in sc.ALL_TABLES:
        df = frames[t.name]
        for col in t.columns:
            s = df[col.name]
            filled = s[s != ""]
            if col.required:
                assert (s != "").all(), (t.name, col.name)
            if col.allowed:
                assert set(filled) <= set(col.allowed), (t.name, col.name)
            if col.kind in ("date", "dob"):
                assert filled.str.fullmatch(v.date_regex).all(), (t.name, col.name)
                pd.to_datetime(filled, format="%Y-%m-%d")  # real calendar dates
                if col.name != "vetting_renewal_date":  # renewals lie ahead
                    assert (filled <= SPEC.reference_date).all(), (t.name, col.name)
                assert (filled >= "1920-01-01").all(), (t.name, col.name)
            if col.kind == "dob" and t.name in ("staff", "nominals"):
                assert (filled <= min_dob).all(), (t.name, col.name)
            if col.kind == "postcode":
                assert filled.str.fullmatch(v.postcode_regex).all(), (t.name, col.name)
            if col.kind == "area_postcode":
                assert filled.str.fullmatch(v.area_postcode_regex).all(), (t.name, col.name)
            if col.kind == "id":
                assert filled.str.fullmatch(v.id_regex).all(), (t.name, col.name)
    for name in ("staff_addresses", "addresses", "phones", "vehicles"):
        df = frames[name]
        closed = df[df["date_to"] != ""]
        assert (closed["date_from"] <= closed["date_to"]).all(), name


def test_ids_unique_and_children_reference_parents(frames):
    for t in sc.ALL_TABLES:
        df = frames[t.name]
        for col in t.columns:
            if col.unique:
                assert df[col.name].is_unique, (t.name, col.name)
        parents = []
        if t.parent:
            parents.append((t.parent[0], t.parent[1]))
        if "second_parent" in t.extra:
            parents.append((t.extra["second_parent"], t.parent[1]))
        for col, target in parents:
            ptable, pcol = target.split(".")
            assert df[col].isin(frames[ptable][pcol]).all(), (t.name, col)
    truth = frames["truth"]
    assert truth["staff_id"].isin(frames["staff"]["staff_id"]).all()
    assert truth["nominal_id"].isin(frames["nominals"]["nominal_id"]).all()


def test_staff_shape(frames):
    st = frames["staff"]
    share = st["person_type"].value_counts(normalize=True)
    assert 0.62 < share["officer"] < 0.74
    assert 0.22 < share["staff"] < 0.34
    uniformed = st["person_type"].isin(["officer", "pcso", "special"])
    assert (st.loc[uniformed, "collar_number"] != "").all()
    assert (st.loc[~uniformed, "collar_number"] == "").all()
    assert st.loc[uniformed, "collar_number"].is_unique
    sa = frames["staff_addresses"]
    n = sa.groupby("staff_id").size()
    assert n.min() >= 1 and n.max() <= 3 and len(n) == len(st)
    current = sa[sa["date_to"] == ""].groupby("staff_id").size()
    assert len(current) == len(st) and (current == 1).all()
    # one household per staff address (bar the planted section houses and blocks)
    keys = addr_key(sa)
    intel = addr_key(frames["addresses"]).to_frame("k").assign(n=frames["addresses"]["nominal_id"])
    per_addr = intel.groupby("k")["n"].nunique()
    common = keys.isin(set(per_addr[per_addr >= 20].index))
    assert common.sum() == (frames["truth"]["kind"] == "assoc_common_address").sum()
    assert keys[~common].is_unique
    ph = frames["staff_phones"].groupby("staff_id").size()
    assert len(ph) == len(st) and ph.max() <= 2
    assert frames["staff_vehicles"].groupby("staff_id").size().max() <= 3
    assert 0.02 < len(frames["declared_associations"]) / len(st) < 0.045
    assert 0.01 < frames["declared_history"]["staff_id"].nunique() / len(st) < 0.03
    traffic = (frames["declared_history"]["offence_category"] == "traffic").mean()
    assert traffic > 0.3


def test_names_pools_are_skewed_and_varied(frames):
    noms = frames["nominals"]
    sur = noms["surname"].str.title().value_counts(normalize=True)
    assert sur.index[0] in ("Smith", "Jones", "Williams", "Taylor", "Brown")
    assert 0.008 < sur.iloc[0] < 0.03
    allnames = pd.concat([noms["surname"], noms["forenames"], frames["staff"]["surname"]])
    assert allnames.str.contains("-").any()
    assert allnames.str.contains("'").any()
    assert allnames.str.contains(r"[^\x00-\x7f]").any()
    postcodes = frames["staff_addresses"]["postcode"]
    assert postcodes.str.fullmatch(r"[A-Z]{1,2}\d{1,2} \d[A-Z]{2}").mean() > 0.9


def test_intel_shape(frames):
    noms = frames["nominals"]
    n = len(noms)
    assert 0.07 < frames["aliases"]["nominal_id"].nunique() / n < 0.13
    assert 0.10 < frames["markers"]["nominal_id"].nunique() / n < 0.20
    per = frames["records"].groupby("nominal_id").size()
    # every nominal is on a record, bar assoc_named staff members' own nominals
    assert set(noms["nominal_id"]) - set(per.index) <= set(via_nominals(frames))
    assert per.median() <= 3
    # common addresses hold 20-200 nominals; ordinary ones a handful
    occ = addr_key(frames["addresses"]).to_frame("k").assign(n=frames["addresses"]["nominal_id"])
    per_addr = occ.groupby("k")["n"].nunique()
    big = per_addr[per_addr >= 20]
    assert len(big) >= 6 and big.max() <= 250
    assert per_addr[per_addr < 20].max() <= 8
    # phones and vehicle plates come in several formats
    assert frames["phones"]["phone"].str.startswith("+44").any()
    assert frames["phones"]["phone"].str.startswith("(").any()
    assert frames["vehicles"]["vrm"].str.fullmatch(r"[a-z0-9 ]+").any()


# ------------------------------------------------------------------ the truth file


def test_truth_kinds_and_rates(frames):
    t = frames["truth"]
    assert t["case_id"].is_unique
    assert set(t["kind"]) == set(sc.TRUTH_KINDS)
    assert (t["expected_flag"] == t["kind"].map(sc.TRUTH_KINDS)).all()
    counts = t["kind"].value_counts()
    for kind, rate in RATES_PER_10K.items():
        expected = rate * SPEC.staff * SPEC.enrich / 10_000
        assert abs(counts[kind] - expected) <= 1, kind
    officers = (frames["staff"]["person_type"] == "officer").sum()
    assert abs(counts["self_duty_only"] / officers - 0.30) < 0.02
    assoc = [k for k in sc.TRUTH_KINDS if k.startswith("assoc_")][:5]
    assert abs(counts[assoc].sum() - 55 * SPEC.staff * SPEC.enrich / 10_000) <= 2
    # noise tags come from the documented vocabulary
    tags = t["noise"].str.split("|").explode()
    tags = tags[(tags != "") & ~tags.str.startswith("via:")]
    assert set(tags) <= set(NOISE_TAGS)


def test_duty_only_is_not_enriched():
    a = generate(GenerateSpec(staff=600, nominals=2000, seed=3, enrich=0))
    b = generate(GenerateSpec(staff=600, nominals=2000, seed=3, enrich=3))
    assert set(a["truth"]["kind"]) == {"self_duty_only"}
    na = (a["truth"]["kind"] == "self_duty_only").sum()
    nb = (b["truth"]["kind"] == "self_duty_only").sum()
    officers = (a["staff"]["person_type"] == "officer").sum()
    assert abs(na - 0.3 * officers) <= 1
    assert abs(nb - na) <= 0.05 * na + 2  # the officer mix varies, the share does not


def test_every_noise_tag_appears_and_about_40_percent_clean(frames):
    t = frames["truth"]
    self_cases = t[t["kind"].str.startswith("self_") & (t["kind"] != "self_duty_only")]
    tags = set(t["noise"].str.split("|").explode())
    assert set(NOISE_TAGS) <= tags
    for kind, cases in self_cases.groupby("kind"):
        clean = (cases["noise"] == "").mean()
        assert abs(clean - 0.40) <= 0.5 / len(cases) + 1e-9, kind
    noisy = t.loc[t["kind"].str.startswith("self_") & (t["noise"] != ""), "noise"]
    assert (noisy.str.count(r"\|") + 1).max() <= 2


def test_noise_tags_mean_what_they_say(frames):
    st = frames["staff"].set_index("staff_id")
    noms = frames["nominals"].set_index("nominal_id")
    sa = frames["staff_addresses"].assign(key=lambda d: addr_key(d))
    na = frames["addresses"].assign(key=lambda d: addr_key(d))
    aliases = frames["aliases"]
    nn = NickNamer()
    t = frames["truth"]
    cases = t[t["kind"].str.startswith("self_")][["staff_id", "nominal_id", "noise"]]
    own = t.loc[t["kind"] == "assoc_named", ["staff_id", "noise"]].copy()
    own["nominal_id"] = own["noise"].str.extract(r"via:(N\d+)")[0]
    own["noise"] = own["noise"].str.replace(r"^via:N\d+\|?", "", regex=True)
    checked = 0
    for s, n, noise in pd.concat([cases, own]).itertuples(index=False):
        tags = set(noise.split("|")) - {""}
        staff, nom = st.loc[s], noms.loc[n]
        if "alias" in tags:
            al = aliases[(aliases["nominal_id"] == n) & (aliases["alias_type"] == "alias")]
            assert len(al) == 1
            name_sur, name_fore = al.iloc[0]["surname"], al.iloc[0]["forenames"]
        else:
            name_sur, name_fore = nom["surname"], nom["forenames"]
        ssur, sfore, sfirst = staff["surname"], staff["forenames"], staff["forenames"].split()[0]
        if not tags & {"typo", "nickname", "previous_surname", "swapped", "hyphenated"}:
            assert name_sur.upper() == ssur.upper() and name_fore == sfore
        if "typo" in tags:
            d_sur = jellyfish.damerau_levenshtein_distance(name_sur.upper(), ssur.upper())
            d_fore = jellyfish.damerau_levenshtein_distance(name_fore.upper(), sfore.upper())
            assert sorted([d_sur, d_fore]) == [0, 1]
        if "nickname" in tags:
            assert name_fore.lower() in nn.nicknames_of(sfirst.lower())
        if "previous_surname" in tags:
            assert name_sur.upper() in staff["previous_surnames"].upper().split("|")
        if "swapped" in tags:
            assert name_sur.upper() == sfirst.upper() and name_fore == ssur
        if "hyphenated" in tags:
            a, b = name_sur.upper(), ssur.upper()
            assert a != b and ("-" in a or "-" in b) and (a in b.split("-") or b in a.split("-"))
        dob, sdob = nom["date_of_birth"], staff["date_of_birth"]
        if not tags & {"dob_swap", "dob_digit", "dob_missing"}:
            assert dob == sdob
        if "dob_swap" in tags:
            assert dob == f"{sdob[:4]}-{sdob[8:10]}-{sdob[5:7]}" and dob != sdob
        if "dob_digit" in tags:
            assert sum(x != y for x, y in zip(dob, sdob, strict=True)) == 1
        if "dob_missing" in tags:
            assert dob == ""
        mine = sa[sa["staff_id"] == s]
        theirs = na[na["nominal_id"] == n]
        if len(theirs):
            cur_key = mine.loc[mine["date_to"] == "", "key"].iloc[0]
            if "moved" in tags:
                assert set(theirs["key"]) & set(mine.loc[mine["date_to"] != "", "key"])
                assert cur_key not in set(theirs["key"])
            else:
                assert cur_key in set(theirs["key"])
            shared = theirs[theirs["key"].isin(mine["key"])]
            staff_pcs = set(mine["postcode"])
            if "postcode_format" in tags:
                assert not set(shared["postcode"]) & staff_pcs
            elif not (mine["postcode"].str.contains(r"[a-z]|^\S+$")).any():
                assert set(shared["postcode"]) <= staff_pcs
        checked += 1
    assert checked > 100


def test_self_cases_have_the_right_roles(frames):
    rec = frames["records"]
    roles = rec.groupby("nominal_id")["role"].agg(set)
    for n in truth_of(frames, "self_criminal")["nominal_id"]:
        assert roles[n] & set(sc.CRIMINAL_ROLES)
    for n in truth_of(frames, "self_welfare")["nominal_id"]:
        assert roles[n] & set(sc.WELFARE_ROLES)
        assert roles[n] <= set(sc.WELFARE_ROLES) | set(sc.DUTY_ROLES)
    duty = truth_of(frames, "self_duty_only")
    for n in duty["nominal_id"]:
        assert roles[n] <= set(sc.DUTY_ROLES)
    missing_dob = (
        frames["nominals"].set_index("nominal_id").loc[duty["nominal_id"], "date_of_birth"]
    )
    assert 0.4 < (missing_dob == "").mean() < 0.85
    own = via_nominals(frames)
    for n in own:
        assert roles.get(n, set()) <= {"other"}
    markers = frames["markers"]["nominal_id"]
    assert truth_of(frames, "self_criminal")["nominal_id"].isin(markers).any()


def test_self_known_matches_declared_history(frames):
    rec = frames["records"]
    hist = frames["declared_history"]
    for s, n in truth_of(frames, "self_known")[["staff_id", "nominal_id"]].itertuples(index=False):
        h = hist[hist["staff_id"] == s]
        r = rec[(rec["nominal_id"] == n) & rec["role"].isin(sc.CRIMINAL_ROLES)]
        ok = False
        for _, hr in h.iterrows():
            d0 = date.fromisoformat(hr["offence_date"])
            for _, rr in r[r["offence_category"] == hr["offence_category"]].iterrows():
                ok |= 0 <= (date.fromisoformat(rr["record_date"]) - d0).days <= 30
        assert ok, s


def test_assoc_address_shares_current_address_with_overlap(frames):
    sa = frames["staff_addresses"].assign(key=lambda d: addr_key(d))
    na = frames["addresses"].assign(key=lambda d: addr_key(d))
    crim = criminal_nominals(frames)
    staff = frames["staff"].set_index("staff_id")
    noms = frames["nominals"].set_index("nominal_id")
    for kind in ("assoc_address", "assoc_relative_undeclared", "assoc_relative_declared"):
        t = truth_of(frames, kind)
        assert len(t)
        for s, n in t[["staff_id", "nominal_id"]].itertuples(index=False):
            assert n in crim
            cur = sa[(sa["staff_id"] == s) & (sa["date_to"] == "")].iloc[0]
            rows = na[(na["nominal_id"] == n) & (na["key"] == cur["key"])]
            assert len(rows), (kind, s)
            assert norm_pc(rows["postcode"]).eq(norm_pc(pd.Series([cur["postcode"]]))[0]).all()
            assert any(
                overlaps(cur["date_from"], "", r["date_from"], r["date_to"], SPEC.reference_date)
                for _, r in rows.iterrows()
            )
            same_surname = noms.loc[n, "surname"].upper() == staff.loc[s, "surname"].upper()
            assert same_surname == (kind != "assoc_address")


def test_assoc_phone_and_vehicle_share_with_another_format(frames):
    crim = criminal_nominals(frames)
    sp, ph = frames["staff_phones"], frames["phones"]
    for s, n in truth_of(frames, "assoc_phone")[["staff_id", "nominal_id"]].itertuples(index=False):
        assert n in crim
        mine = sp[sp["staff_id"] == s]
        theirs = ph[ph["nominal_id"] == n]
        shared = set(norm_phone(mine["phone"])) & set(norm_phone(theirs["phone"]))
        assert shared
        assert not set(mine["phone"]) & set(theirs["phone"])
    sv, ve = frames["staff_vehicles"], frames["vehicles"]
    for s, n in truth_of(frames, "assoc_vehicle")[["staff_id", "nominal_id"]].itertuples(
        index=False
    ):
        assert n in crim
        mine = sv[sv["staff_id"] == s]
        theirs = ve[ve["nominal_id"] == n]
        assert set(norm_vrm(mine["vrm"])) & set(norm_vrm(theirs["vrm"]))


def test_assoc_named_links_own_nominal_to_criminal(frames):
    crim = criminal_nominals(frames)
    asc = frames["associations"]
    pairs = set(zip(asc["nominal_id_a"], asc["nominal_id_b"], strict=True))
    t = truth_of(frames, "assoc_named")
    assert len(t)
    for n, noise in t[["nominal_id", "noise"]].itertuples(index=False):
        own = re.match(r"via:(N\d+)", noise).group(1)
        assert n in crim and own not in crim
        assert (own, n) in pairs or (n, own) in pairs


def test_declared_associations_predate_the_evidence(frames):
    decl = frames["declared_associations"]
    noms = frames["nominals"].set_index("nominal_id")
    evidence = pd.concat(
        [
            frames["addresses"][["nominal_id", "date_from"]],
            frames["phones"][["nominal_id", "date_from"]],
            frames["vehicles"][["nominal_id", "date_from"]],
            frames["records"][["nominal_id", "record_date"]].rename(
                columns={"record_date": "date_from"}
            ),
        ]
    )
    for kind in ("assoc_declared", "assoc_relative_declared"):
        t = truth_of(frames, kind)
        assert len(t)
        for s, n in t[["staff_id", "nominal_id"]].itertuples(index=False):
            mine = decl[decl["staff_id"] == s]
            nom = noms.loc[n]
            match = mine[mine["assoc_surname"].str.upper() == nom["surname"].upper()]
            match = match[
                match["assoc_forenames"].map(lambda f, nf=nom["forenames"]: nf.startswith(f))
            ]
            assert len(match) == 1, (kind, s)
            first_evidence = evidence.loc[evidence["nominal_id"] == n, "date_from"].min()
            # the nominal's older own address (if any) is not evidence of the association
            links = pd.concat(
                [
                    frames["phones"].loc[frames["phones"]["nominal_id"] == n, "date_from"],
                    frames["vehicles"].loc[frames["vehicles"]["nominal_id"] == n, "date_from"],
                    frames["records"].loc[frames["records"]["nominal_id"] == n, "record_date"],
                ]
            )
            assert first_evidence is not None
            assert (links > match.iloc[0]["declared_date"]).all()


def test_common_address_cases(frames):
    sa = frames["staff_addresses"].assign(key=lambda d: addr_key(d))
    na = frames["addresses"].assign(key=lambda d: addr_key(d))
    crim = criminal_nominals(frames)
    for s, n in truth_of(frames, "assoc_common_address")[["staff_id", "nominal_id"]].itertuples(
        index=False
    ):
        cur = sa[(sa["staff_id"] == s) & (sa["date_to"] == "")].iloc[0]
        here = na[na["key"] == cur["key"]]
        assert here["nominal_id"].nunique() >= 20
        assert n in set(here["nominal_id"]) and n in crim
        assert re.search(r"Section House|House|Court|Ct|Tower", cur["address_line"])


def test_hard_negatives_share_name_and_dob_only(frames):
    st = frames["staff"].set_index("staff_id")
    noms = frames["nominals"].set_index("nominal_id")
    sa = frames["staff_addresses"].assign(key=lambda d: addr_key(d))
    na = frames["addresses"].assign(key=lambda d: addr_key(d))
    for s, n in truth_of(frames, "hard_negative_name_dob")[["staff_id", "nominal_id"]].itertuples(
        index=False
    ):
        assert noms.loc[n, "surname"].upper() == st.loc[s, "surname"].upper()
        assert noms.loc[n, "date_of_birth"] == st.loc[s, "date_of_birth"]
        assert noms.loc[n, "forenames"].split()[0] == st.loc[s, "forenames"].split()[0]
        mine = set(sa.loc[sa["staff_id"] == s, "key"])
        assert not mine & set(na.loc[na["nominal_id"] == n, "key"])
    # namesakes: many nominals share a staff member's name with another date of birth
    key_s = st["surname"].str.upper() + "|" + st["forenames"].str.split().str[0]
    key_n = noms["surname"].str.upper() + "|" + noms["forenames"].str.split().str[0]
    assert key_n.isin(set(key_s)).sum() > 0.2 * len(st)


def test_no_unplanned_links_between_staff_and_intel(frames):
    """Every staff-intel link is planted: in truth, or a documented non-truth trap."""
    t = frames["truth"]
    pairs = set(zip(t["staff_id"], t["nominal_id"], strict=True))
    pairs |= {(s, n) for n, s in via_nominals(frames).items()}
    crim = criminal_nominals(frames)
    sa = frames["staff_addresses"].assign(key=lambda d: addr_key(d))
    na = frames["addresses"].assign(key=lambda d: addr_key(d))
    per_addr = na.groupby("key")["nominal_id"].nunique()
    common = set(per_addr[per_addr >= 20].index)
    j = sa[~sa["key"].isin(common)].merge(na, on="key", suffixes=("_s", "_n"))
    j = j[[(s, n) not in pairs for s, n in zip(j["staff_id"], j["nominal_id"], strict=True)]]
    # what is left: non-criminal relatives (same surname), or criminals who had left before
    staff_sur = frames["staff"].set_index("staff_id")["surname"].str.upper()
    nom_sur = frames["nominals"].set_index("nominal_id")["surname"].str.upper()
    for _, r in j.iterrows():
        if r["nominal_id"] in crim:
            assert r["date_to_n"] != "" and r["date_to_n"] < r["date_from_s"]
        else:
            assert staff_sur[r["staff_id"]] == nom_sur[r["nominal_id"]]
    for staff_t, intel_t, col, norm in (
        ("staff_phones", "phones", "phone", norm_phone),
        ("staff_vehicles", "vehicles", "vrm", norm_vrm),
    ):
        a = frames[staff_t].assign(k=lambda d, c=col, f=norm: f(d[c]))
        b = frames[intel_t].assign(k=lambda d, c=col, f=norm: f(d[c]))
        m = a.merge(b, on="k")
        assert all((s, n) in pairs for s, n in zip(m["staff_id"], m["nominal_id"], strict=True)), (
            staff_t
        )
    # no accidental namesake with the same date of birth
    st, noms = frames["staff"], frames["nominals"]
    ks = st["surname"].str.upper() + "|" + st["forenames"].str.split().str[0].str.upper()
    kn = noms["surname"].str.upper() + "|" + noms["forenames"].str.split().str[0].str.upper()
    m = pd.DataFrame({"staff_id": st["staff_id"], "k": ks + "|" + st["date_of_birth"]}).merge(
        pd.DataFrame({"nominal_id": noms["nominal_id"], "k": kn + "|" + noms["date_of_birth"]})
    )
    assert all((s, n) in pairs for s, n in zip(m["staff_id"], m["nominal_id"], strict=True))


# ------------------------------------------------------------------ determinism and files


def _hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix in (".csv", ".parquet")
    }


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_same_spec_gives_byte_identical_files(tmp_path, fmt):
    spec = GenerateSpec(staff=400, nominals=3000, seed=5, enrich=5)
    a = write_extracts(generate(spec), tmp_path / "a", fmt)
    b = write_extracts(generate(spec), tmp_path / "b", fmt)
    ha, hb = _hashes(tmp_path / "a"), _hashes(tmp_path / "b")
    assert ha == hb and len(ha) == len(sc.ALL_TABLES) + 1
    assert a["staff"] == tmp_path / "a" / "staff" / f"staff.{fmt}"
    assert a["records"] == tmp_path / "a" / "intel" / f"records.{fmt}"
    assert a["truth"] == tmp_path / "a" / "truth" / f"truth.{fmt}"
    assert not [p for p in (tmp_path / "a").rglob("*") if ".tmp" in p.name]
    assert set(b) == set(a)
    other = _hashes_of(GenerateSpec(staff=400, nominals=3000, seed=6, enrich=5), tmp_path, fmt)
    assert other != ha
    if fmt == "parquet":
        back = pd.read_parquet(a["nominals"])
        assert list(back.columns) == sc.NOMINALS.column_names


def _hashes_of(spec: GenerateSpec, tmp_path: Path, fmt: str) -> dict[str, str]:
    write_extracts(generate(spec), tmp_path / "other", fmt)
    return _hashes(tmp_path / "other")


def test_csv_round_trips_as_text(tmp_path):
    frames = generate(GenerateSpec(staff=300, nominals=2000, seed=2, enrich=5))
    paths = write_extracts(frames, tmp_path, "csv")
    for name, path in paths.items():
        back = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        pd.testing.assert_frame_equal(back, frames[name], check_dtype=False)


def test_committed_sample_is_reproduced_byte_for_byte(tmp_path):
    assert (SAMPLE / "README.md").exists()
    committed = _hashes(SAMPLE)
    assert len(committed) == len(sc.ALL_TABLES) + 2  # + truth/truth.csv, truth/defects.csv
    assert "truth/defects.csv" in committed
    write_extracts(generate(SAMPLE_SPEC), tmp_path, "csv")
    assert _hashes(tmp_path) == committed


def test_cli_entry_prints_no_personal_data(tmp_path, capsys):
    assert (
        main(["--staff", "200", "--nominals", "1000", "--seed", "1", "--out", str(tmp_path)]) == 0
    )
    out = capsys.readouterr().out
    staff = pd.read_csv(tmp_path / "staff" / "staff.csv", dtype=str, keep_default_na=False)
    for value in pd.concat([staff["surname"], staff["date_of_birth"]]):
        assert value not in out
    assert (tmp_path / "intel" / "nominals.csv").exists()


def test_generate_is_silent(capsys):
    generate(GenerateSpec(staff=200, nominals=1000, seed=1))
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_bad_specs_are_refused(tmp_path):
    with pytest.raises(ValueError):
        generate(GenerateSpec(staff=100, nominals=1000, enrich=1000))
    with pytest.raises(ValueError):
        generate(GenerateSpec(staff=0, nominals=1000))
    with pytest.raises(ValueError):
        write_extracts({"staff": pd.DataFrame()}, tmp_path, "xlsx")


def test_small_extract_still_has_planted_nominals():
    f = generate(GenerateSpec(staff=300, nominals=50, seed=1))
    assert len(f["nominals"]) >= len(f["truth"])
    assert np.all(f["truth"]["nominal_id"].isin(f["nominals"]["nominal_id"]))
