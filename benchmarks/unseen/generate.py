"""An independent generator of two person extracts with a known truth, to test Sweep's
``sweep link`` on data it was never built on (written in the twentieth session by a helper
that used none of Sweep's name lists or its generator).

    python -m benchmarks.unseen.generate --set u1 --seed 1  # 4,600 true pairs, 23 kinds
    python -m benchmarks.unseen.generate --set u2 --seed 2  # ~5% of the left have a copy

Writes (by default under benchmarks/data/unseen/) uN/left.csv, right.csv, truth.csv (left_id,right_id,kind), hard_negatives.csv
(left_id,right_id,type: sibling/twin/parent_child/namesake/partner; NOT true pairs) and
mapping.toml.

Left  = a workforce register (EmpNo, GivenNames, FamilyName, PrevFamilyName, Sex, Born
        dd/mm/yyyy, AddressLine1-2, TownCity, PostCode, Mobile).
Right = an intelligence-system export (NOMINAL_REF, NAME as "SURNAME, Forenames" or
        "Forenames SURNAME", AKA_SURNAMES "/"-separated, DOB in five formats or empty,
        GENDER, ADDR1-4, PCODE, TEL1, TEL2).

Names come from Faker locales other than en_GB (en_US, en_NZ, en_IE, pl_PL, cs_CZ, ro_RO,
de_DE, nl_NL, it_IT, es_ES, pt_PT, fr_FR, hu_HU, tr_TR, el_GR, uk_UA, ru_RU, bg_BG, en_IN,
yo_NG, ig_NG, ha_NG, en_NG, tw_GH, zh_CN, ko_KR, vi_VN) plus hand lists (names.py); Greek,
Cyrillic, Korean and Chinese are romanised here with more than one habit. Addresses come
from an invented universe of Midlands/North/Wales/Scotland postcode units.
"""

from __future__ import annotations

import argparse
import csv
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from faker import Faker
from nicknames import NickNamer

from benchmarks.unseen import names as N

REF = date(2025, 6, 30)
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "data" / "unseen"

# --------------------------------------------------------------------------------------
# Cultures: (key, left weight, right weight)
# --------------------------------------------------------------------------------------
CULTURES = [
    ("us", 15.0, 13.0),
    ("nz", 15.0, 14.0),
    ("ie", 10.0, 9.0),
    ("welsh", 3.0, 2.5),
    ("pl", 4.5, 6.0),
    ("cz", 0.7, 1.0),
    ("ro", 1.2, 2.5),
    ("de", 1.0, 0.8),
    ("nl", 0.8, 0.6),
    ("it", 1.5, 1.2),
    ("es", 1.3, 1.2),
    ("pt", 1.3, 1.6),
    ("fr", 1.0, 0.8),
    ("hu", 0.6, 0.8),
    ("tr", 1.3, 2.0),
    ("gr", 0.9, 0.8),
    ("ua", 1.0, 1.5),
    ("ru", 0.7, 1.2),
    ("bg", 0.5, 1.0),
    ("in", 5.0, 3.5),
    ("pk", 6.0, 7.0),
    ("arab", 1.8, 3.0),
    ("so", 1.0, 2.5),
    ("yo", 2.0, 2.5),
    ("ig", 1.5, 1.8),
    ("ha", 0.4, 0.6),
    ("ng", 0.6, 0.8),
    ("gh", 1.0, 1.2),
    ("zh", 2.0, 1.8),
    ("ko", 0.5, 0.4),
    ("vi", 1.0, 2.0),
]
FAMILY_FIRST = {"zh", "ko", "vi", "hu"}
# cultures where a married woman usually takes her husband's surname
MARRY_CHANGE = {
    "us": 0.8,
    "nz": 0.8,
    "ie": 0.75,
    "welsh": 0.8,
    "pl": 0.8,
    "cz": 0.8,
    "ro": 0.75,
    "de": 0.7,
    "nl": 0.3,
    "it": 0.1,
    "fr": 0.6,
    "hu": 0.5,
    "tr": 0.7,
    "gr": 0.4,
    "ua": 0.8,
    "ru": 0.8,
    "bg": 0.7,
    "in": 0.6,
    "yo": 0.7,
    "ig": 0.7,
    "ng": 0.7,
    "gh": 0.6,
    "pt": 0.3,
}
LOCALE = {
    "us": "en_US",
    "nz": "en_NZ",
    "ie": "en_IE",
    "pl": "pl_PL",
    "cz": "cs_CZ",
    "ro": "ro_RO",
    "de": "de_DE",
    "nl": "nl_NL",
    "it": "it_IT",
    "es": "es_ES",
    "pt": "pt_PT",
    "fr": "fr_FR",
    "hu": "hu_HU",
    "tr": "tr_TR",
    "gr": "el_GR",
    "ua": "uk_UA",
    "ru": "ru_RU",
    "bg": "bg_BG",
    "in": "en_IN",
    "yo": "yo_NG",
    "ig": "ig_NG",
    "ha": "ha_NG",
    "ng": "en_NG",
    "gh": "tw_GH",
    "ko": "ko_KR",
    "vi": "vi_VN",
}
GENDERED_SURNAMES = {"pl", "cz", "gr", "ua", "ru", "bg"}

# --------------------------------------------------------------------------------------
# Places: an invented postcode universe (real area letters, made-up units and streets)
# --------------------------------------------------------------------------------------
# (town, area, districts, dialling code, left weight, right weight)
TOWNS = [
    ("Birmingham", "B", list(range(1, 46)), "0121", 30, 22),
    ("Coventry", "CV", list(range(1, 9)), "024", 9, 6),
    ("Wolverhampton", "WV", list(range(1, 15)), "01902", 8, 6),
    ("Walsall", "WS", list(range(1, 11)), "01922", 7, 5),
    ("Dudley", "DY", list(range(1, 10)), "01384", 6, 4),
    ("Solihull", "B", list(range(90, 95)), "0121", 6, 2),
    ("Leicester", "LE", list(range(1, 10)), "0116", 3, 4),
    ("Nottingham", "NG", list(range(1, 12)), "0115", 2, 4),
    ("Derby", "DE", list(range(1, 25)), "01332", 1.5, 2),
    ("Stoke-on-Trent", "ST", list(range(1, 7)), "01782", 2, 3),
    ("Manchester", "M", list(range(1, 41)), "0161", 1.5, 6),
    ("Bolton", "BL", list(range(1, 10)), "01204", 0.5, 1.5),
    ("Oldham", "OL", list(range(1, 10)), "0161", 0.5, 1.5),
    ("Leeds", "LS", list(range(1, 30)), "0113", 1, 4),
    ("Bradford", "BD", list(range(1, 16)), "01274", 0.7, 3),
    ("Sheffield", "S", list(range(1, 37)), "0114", 0.8, 3),
    ("Liverpool", "L", list(range(1, 37)), "0151", 0.8, 3),
    ("Newcastle upon Tyne", "NE", list(range(1, 16)), "0191", 0.5, 2),
    ("Cardiff", "CF", list(range(3, 25)), "029", 0.8, 2),
    ("Swansea", "SA", list(range(1, 10)), "01792", 0.4, 1),
    ("Bristol", "BS", list(range(1, 17)), "0117", 0.8, 2),
    ("Glasgow", "G", list(range(1, 54)), "0141", 0.5, 2),
    ("Edinburgh", "EH", list(range(1, 18)), "0131", 0.4, 1),
    ("Luton", "LU", list(range(1, 6)), "01582", 0.6, 2),
    ("Peterborough", "PE", list(range(1, 8)), "01733", 0.5, 1.5),
    ("Northampton", "NN", list(range(1, 6)), "01604", 0.7, 1.5),
    ("Worcester", "WR", list(range(1, 6)), "01905", 3, 1.5),
    ("Telford", "TF", list(range(1, 8)), "01952", 2, 1.5),
    ("Hull", "HU", list(range(1, 11)), "01482", 0.3, 1.5),
    ("Belfast", "BT", list(range(1, 18)), "028", 0.2, 1),
]
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
STREET_STEMS = [
    "Church",
    "Mill",
    "Station",
    "Park",
    "Victoria",
    "Albert",
    "Queens",
    "Kings",
    "Green",
    "Oak",
    "Elm",
    "Ash",
    "Beech",
    "Cedar",
    "Willow",
    "Birch",
    "Hawthorn",
    "Meadow",
    "Orchard",
    "Spring",
    "Brook",
    "Bridge",
    "Chapel",
    "School",
    "Manor",
    "Grange",
    "Priory",
    "Abbey",
    "Castle",
    "Windsor",
    "York",
    "Lancaster",
    "Clarence",
    "Regent",
    "North",
    "South",
    "High",
    "New",
    "Old",
    "Long",
    "Broad",
    "Cross",
    "Market",
    "Hill",
    "Valley",
    "Forest",
    "Heath",
    "Moor",
    "Westfield",
    "Highfield",
    "Springfield",
    "Fairfield",
    "Mount",
    "Rose",
    "Lime",
    "Holly",
    "Hazel",
    "Poplar",
    "Laurel",
    "Rowan",
    "Sycamore",
    "Chestnut",
    "Alder",
    "Coronation",
    "Jubilee",
    "Trinity",
    "Gladstone",
    "Cobden",
    "Derwent",
    "Severn",
    "Trent",
    "Avon",
    "Malvern",
    "Lickey",
    "Clent",
    "Wychall",
    "Hagley",
    "Selly",
    "Bourn",
    "Pershore",
    "Bristol",
    "Coventry",
    "Warwick",
    "Stratford",
    "Tamworth",
    "Lichfield",
    "Dudley",
    "Cannock",
    "Walsall",
    "Sutton",
    "Aston",
    "Hockley",
    "Soho",
    "Ladypool",
    "Stoney",
    "Sandy",
    "Golden",
    "Silver",
    "Barley",
    "Wheat",
    "Hop",
    "Tanners",
    "Coopers",
    "Weavers",
    "Bakers",
    "Potters",
    "Canal",
    "Wharf",
    "Lock",
    "Foundry",
    "Forge",
    "Colliery",
    "Furnace",
    "Kiln",
    "Brick",
    "Tile",
    "Glebe",
    "Vicarage",
    "Rectory",
    "Parsonage",
    "Dingle",
    "Dell",
    "Fold",
    "Croft",
]
STREET_SUFFIX = [
    ("Road", "Rd", 30),
    ("Street", "St", 18),
    ("Avenue", "Ave", 8),
    ("Lane", "Ln", 9),
    ("Close", "Cl", 7),
    ("Drive", "Dr", 6),
    ("Crescent", "Cres", 4),
    ("Grove", "Gr", 4),
    ("Terrace", "Terr", 3),
    ("Gardens", "Gdns", 3),
    ("Place", "Pl", 2),
    ("Way", "Way", 3),
    ("Court", "Ct", 2),
    ("Walk", "Wlk", 1),
    ("Mews", "Mews", 1),
    ("Rise", "Rise", 1),
]
LOCALITY_ENDS = [
    "Heath",
    "Green",
    "End",
    "Park",
    "Vale",
    "Hill",
    "Cross",
    "Gate",
    "Wood",
    "field",
    "ley",
    "ton",
    "bury",
    "worth",
    "ford",
    "wick",
    "hall",
    "borough",
]


class Rng:
    """Thin helpers over numpy's Generator."""

    def __init__(self, seed: int):
        self.g = np.random.default_rng(seed)

    def r(self) -> float:
        return float(self.g.random())

    def i(self, lo: int, hi: int) -> int:  # inclusive
        return int(self.g.integers(lo, hi + 1))

    def choice(self, seq):
        return seq[int(self.g.integers(0, len(seq)))]

    def wchoice(self, items, cum):
        return items[int(np.searchsorted(cum, self.g.random() * cum[-1], side="right"))]


def zipf_pool(names_seq, rng: Rng, s: float = 0.85, q: float = 2.7):
    """Unique names ordered by observed frequency (ties in random order), Zipf-Mandelbrot
    weights over that order; returns (names, cumulative weights)."""
    c = Counter(names_seq)
    items = list(c.items())
    keys = rng.g.random(len(items))
    order = sorted(range(len(items)), key=lambda k: (-items[k][1], keys[k]))
    names = [items[k][0] for k in order]
    w = 1.0 / (np.arange(len(names)) + q) ** s
    return names, np.cumsum(w)


class Pools:
    def __init__(self, rng: Rng, seed: int):
        self.rng = rng
        self.nn = NickNamer()
        self.p: dict[tuple[str, str], tuple[list[str], np.ndarray]] = {}
        draws = 2500
        for key, loc in LOCALE.items():
            f = Faker(loc)
            f.seed_instance(seed * 1000 + sum(map(ord, key)))
            for sex in ("M", "F"):
                fn = f.first_name_male if sex == "M" else f.first_name_female
                self.p[(key, "fn" + sex)] = zipf_pool([fn() for _ in range(draws)], rng)
                if key in GENDERED_SURNAMES or key == "yo" or key == "gh":
                    ln = f.last_name_male if sex == "M" else f.last_name_female
                    self.p[(key, "ln" + sex)] = zipf_pool([ln() for _ in range(draws)], rng, s=1.0)
            if (key, "lnM") not in self.p:
                pool = zipf_pool([f.last_name() for _ in range(draws * 2)], rng, s=1.0)
                self.p[(key, "lnM")] = self.p[(key, "lnF")] = pool
        # Chinese surnames by Faker zh_CN frequency, restricted to those we can romanise
        f = Faker("zh_CN")
        f.seed_instance(seed)
        zs = [s for s in (f.last_name() for _ in range(5000)) if s in N.CHINESE_SURNAMES]
        self.p[("zh", "lnM")] = self.p[("zh", "lnF")] = zipf_pool(zs, rng, s=0.6)
        # Korean: Faker ko_KR (Hangul), Vietnamese middle names
        fk = Faker("ko_KR")
        fk.seed_instance(seed)
        self.p[("ko", "lnM")] = self.p[("ko", "lnF")] = zipf_pool(
            [fk.last_name() for _ in range(4000)], rng, s=0.6
        )
        fv = Faker("vi_VN")
        fv.seed_instance(seed)
        self.vi_middle = {
            "M": ["Văn", "Văn", "Văn", "Đức", "Quang", "Minh", "Hữu", "Thanh", "Xuân", "Hoàng"],
            "F": ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Kim", "Hồng"],
        }

    def pick(self, key, what):
        names, cum = self.p[key + (what,)] if isinstance(key, tuple) else self.p[(key, what)]
        return self.rng.wchoice(names, cum)


def title_case_keep(s: str) -> str:
    return s


# --------------------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------------------
class World:
    def __init__(self, seed: int):
        self.rng = Rng(seed)
        self.pools = Pools(self.rng, seed)
        self.nn = NickNamer()
        self._build_places()
        self.next_pid = 0

    # ---------------- places
    def _build_places(self):
        rng = self.rng
        self.units = []  # (postcode, street, locality, town, maxnum, town_index)
        self.units_by_town: list[list[int]] = []
        stems = STREET_STEMS + [n for n in self.pools.p[("nz", "lnM")][0][:120] if n.isalpha()]
        suf_items = [s for s in STREET_SUFFIX]
        suf_cum = np.cumsum([s[2] for s in STREET_SUFFIX])
        used_pc = set()
        for ti, (town, area, districts, _code, wl, wr) in enumerate(TOWNS):
            idxs = []
            n_units = int(900 * max(wl, wr) ** 0.5) + 200
            dist_streets = {}
            dist_loc = {}
            for _ in range(n_units):
                d = rng.choice(districts)
                if d not in dist_streets:
                    streets = []
                    for _ in range(rng.i(10, 25)):
                        st, ab, _w = rng.wchoice(suf_items, suf_cum)
                        streets.append((f"{rng.choice(stems)} {st}", ab))
                    dist_streets[d] = streets
                    locs = []
                    for _ in range(rng.i(1, 3)):
                        e = rng.choice(LOCALITY_ENDS)
                        stem = rng.choice(STREET_STEMS)
                        locs.append(f"{stem} {e}" if e[0].isupper() else f"{stem}{e}")
                    dist_loc[d] = locs
                for _ in range(20):
                    pc = f"{area}{d} {rng.i(1, 9)}{rng.choice(UNIT_LETTERS)}{rng.choice(UNIT_LETTERS)}"
                    if pc not in used_pc:
                        break
                used_pc.add(pc)
                street = rng.choice(dist_streets[d])
                self.units.append((pc, street, rng.choice(dist_loc[d]), town, rng.i(8, 160), ti))
                idxs.append(len(self.units) - 1)
            self.units_by_town.append(idxs)
        self.town_cum = {
            "L": np.cumsum([t[4] for t in TOWNS]),
            "R": np.cumsum([t[5] for t in TOWNS]),
        }

    def address(
        self, side: str, town_index: int | None = None, avoid_town: int | None = None
    ) -> dict:
        rng = self.rng
        while True:
            ti = (
                town_index
                if town_index is not None
                else rng.wchoice(list(range(len(TOWNS))), self.town_cum[side])
            )
            if avoid_town is None or ti != avoid_town:
                break
        u = self.units[rng.choice(self.units_by_town[ti])]
        pc, (street, abbr), loc, town, maxnum, _ = u
        flat = rng.i(1, 24) if rng.r() < 0.16 else None
        return {
            "flat": flat,
            "num": rng.i(1, maxnum),
            "street": street,
            "abbr": abbr,
            "locality": loc,
            "town": town,
            "pc": pc,
            "ti": ti,
        }

    def mobile(self) -> str:
        return "07" + str(self.rng.i(400000000, 999999999))

    def landline(self, ti: int) -> str:
        code = TOWNS[ti][3]
        return code + "".join(str(self.rng.i(0, 9)) for _ in range(11 - len(code)))

    # ---------------- names
    def _given_plain(self, c: str, sex: str) -> list[str]:
        rng, P = self.rng, self.pools
        if c == "welsh":
            pool = N.WELSH_MALE if sex == "M" else N.WELSH_FEMALE
            g = [rng.choice(pool)]
            if rng.r() < 0.5:
                g.append(rng.choice(pool))
            return g
        if c == "ie" and rng.r() < 0.3:
            g = [rng.choice(N.IRISH_FADA_MALE if sex == "M" else N.IRISH_FADA_FEMALE)]
        elif c in ("yo", "ig", "ha", "ng") and rng.r() < 0.45:
            g = [P.pick("us", "fn" + sex), P.pick(c, "fn" + sex)]  # English + native name
            return g
        else:
            g = [P.pick(c, "fn" + sex)]
        mid_p = {
            "us": 0.6,
            "nz": 0.55,
            "ie": 0.5,
            "pt": 0.6,
            "es": 0.25,
            "in": 0.3,
            "yo": 0.6,
            "ig": 0.6,
            "ha": 0.4,
            "ng": 0.5,
            "gh": 0.5,
            "de": 0.3,
            "nl": 0.4,
            "fr": 0.4,
            "it": 0.15,
        }.get(c, 0.2)
        if rng.r() < mid_p:
            m = P.pick(c, "fn" + sex)
            if m != g[0]:
                g.append(m)
        if c in ("us", "nz") and rng.r() < 0.06:
            m = P.pick(c, "fn" + sex)
            if m not in g:
                g.append(m)
        return g

    def _surname_plain(self, c: str, sex: str) -> str:
        rng, P = self.rng, self.pools
        if c == "welsh":
            return rng.choice(N.WELSH_SURNAME)
        s = P.pick(c, "ln" + sex)
        if c == "es" and rng.r() < 0.85 or c == "pt" and rng.r() < 0.55:
            s2 = P.pick(c, "ln" + sex)
            if s2 != s:
                s = f"{s} {s2}"
        elif c in ("us", "nz", "ie") and rng.r() < 0.025:
            s2 = P.pick(c, "lnM")
            if s2 != s:
                s = f"{s}-{s2}"
        return s

    def new_name(self, c: str, sex: str) -> dict:
        """A name state: what is needed to render the name in any romanisation habit."""
        rng, P = self.rng, self.pools
        if c in ("ua", "ru", "bg"):
            f = P.pick(c, "fn" + sex)
            given = [f]
            lang = {"ua": "uk", "ru": "ru", "bg": "bg"}[c]
            return {
                "t": "cyr",
                "lang": lang,
                "given": given,
                "sur": P.pick(c, "ln" + sex),
                "scheme": rng.wchoice(["en", "icao", "de"], np.cumsum([5, 4, 1])),
            }
        if c == "gr":
            g = [P.pick(c, "fn" + sex)]
            return {
                "t": "gr",
                "given": g,
                "sur": P.pick(c, "ln" + sex),
                "scheme": rng.wchoice(["elot", "phon"], np.cumsum([6, 4])),
            }
        if c == "ko":
            names, cum = P.p[("ko", "fn" + sex)]
            return {
                "t": "ko",
                "given": rng.wchoice(names, cum),
                "sur": P.pick("ko", "ln" + sex),
                "scheme": rng.wchoice(["rr", "popular"], np.cumsum([5, 5])),
                "sep": rng.wchoice(["-", "", " "], np.cumsum([5, 4, 1])),
                "sidx": 0,
            }
        if c == "zh":
            pool = N.CHINESE_GIVEN_MALE if sex == "M" else N.CHINESE_GIVEN_FEMALE
            g = rng.choice(pool)
            return {
                "t": "zh",
                "given": N.pinyin_split(g),
                "sur": P.pick("zh", "ln" + sex),
                "sidx": 0 if rng.r() < 0.8 else 1,
                "style": rng.wchoice(["join", "space", "hyph"], np.cumsum([7, 2, 1])),
                "wg": rng.r() < 0.08,
            }
        if c in ("pk", "arab", "so"):
            if c == "pk":
                gm, gf, sp = N.SA_MUSLIM_MALE, N.SA_MUSLIM_FEMALE, N.SA_MUSLIM_SURNAME
            elif c == "arab":
                gm, gf, sp = N.ARAB_MALE, N.ARAB_FEMALE, N.ARAB_SURNAME
            else:
                gm, gf, sp = N.SOMALI_MALE, N.SOMALI_FEMALE, N.SOMALI_SURNAME
            pool = gm if sex == "M" else gf
            g = [rng.choice(pool)]
            if sex == "M" and g[0] == "MUHAMMAD" and rng.r() < 0.8 or rng.r() < 0.3:
                m = rng.choice(pool)
                if m != g[0]:
                    g.append(m)
            sur = rng.choice(sp)
            if sex == "F" and c == "pk" and rng.r() < 0.2:
                sur = rng.choice(["BEGUM", "BIBI", "PARVEEN", "AKHTAR"])
            while sur in g:
                sur = rng.choice(sp)
            idx = {}
            for k in g + [sur]:
                opts = N.ARABIC_VARIANTS[k]
                # the most common spelling most of the time
                idx[k] = 0 if rng.r() < 0.55 else rng.i(0, len(opts) - 1)
            return {"t": "ar", "given": g, "sur": sur, "idx": idx}
        if c == "vi":
            given = [rng.choice(P.vi_middle[sex]), P.pick("vi", "fn" + sex)]
            if rng.r() < 0.5:
                given = given[::-1]
            return {"t": "plain", "given": given, "sur": P.pick("vi", "lnM")}
        return {
            "t": "plain",
            "given": self._given_plain(c, sex),
            "sur": self._surname_plain(c, sex),
        }

    @staticmethod
    def render(nm: dict) -> tuple[list[str], str]:
        t = nm["t"]
        if t == "plain":
            return list(nm["given"]), nm["sur"]
        if t == "cyr":
            return (
                [N.romanise_cyrillic(g, nm["scheme"], nm["lang"]) for g in nm["given"]],
                N.romanise_cyrillic(nm["sur"], nm["scheme"], nm["lang"]),
            )
        if t == "gr":
            return [N.romanise_greek(g, nm["scheme"]) for g in nm["given"]], N.romanise_greek(
                nm["sur"], nm["scheme"]
            )
        if t == "ko":
            return (
                [N.romanise_korean_given(nm["given"], nm["scheme"], nm["sep"])],
                N.romanise_korean_surname(nm["sur"], nm["sidx"]),
            )
        if t == "zh":
            syl = [N.wade_giles(s) if nm["wg"] else s for s in nm["given"]]
            sep = {"join": "", "space": " ", "hyph": "-"}[nm["style"]]
            if nm["style"] == "space":
                g = [s.capitalize() for s in syl]
            else:
                g = [sep.join(syl).capitalize()]
            opts = N.CHINESE_SURNAMES[nm["sur"]]
            return g, opts[min(nm["sidx"], len(opts) - 1)]
        if t == "ar":
            g = [N.ARABIC_VARIANTS[k][nm["idx"][k]] for k in nm["given"]]
            return g, N.ARABIC_VARIANTS[nm["sur"]][nm["idx"][nm["sur"]]]
        raise ValueError(t)

    def translit_alt(self, nm: dict) -> dict | None:
        """Another romanisation of the same name (one habit changed), or None."""
        rng = self.rng
        t = nm["t"]
        base = self.render(nm)
        cands = []
        if t == "cyr":
            for s in ("en", "icao", "de"):
                if s != nm["scheme"]:
                    cands.append(dict(nm, scheme=s))
        elif t == "gr":
            cands.append(dict(nm, scheme="phon" if nm["scheme"] == "elot" else "elot"))
        elif t == "ko":
            for sch in ("rr", "popular"):
                for si in (0, 1, 2):
                    cands.append(dict(nm, scheme=sch, sidx=si))
        elif t == "zh":
            for si in (0, 1, 2):
                cands.append(dict(nm, sidx=si))
                cands.append(dict(nm, sidx=si, wg=not nm["wg"]))
        elif t == "ar":
            for k in nm["given"][:1] + [nm["sur"]]:
                for j in range(len(N.ARABIC_VARIANTS[k])):
                    if j != nm["idx"][k]:
                        idx = dict(nm["idx"])
                        idx[k] = j
                        cands.append(dict(nm, idx=idx))
        cands = [c for c in cands if self._fold_name(self.render(c)) != self._fold_name(base)]
        return rng.choice(cands) if cands else None

    @staticmethod
    def _fold_name(gs):
        g, s = gs
        return (N.fold(" ".join(g)).lower().replace("-", " "), N.fold(s).lower().replace("-", " "))

    def new_person(
        self,
        side: str,
        culture: str | None = None,
        sex: str | None = None,
        age: float | None = None,
    ) -> dict:
        rng = self.rng
        if culture is None:
            col = 1 if side == "L" else 2
            culture = rng.wchoice([c[0] for c in CULTURES], self._cult_cum[col])
        sex = sex or ("M" if rng.r() < (0.6 if side == "L" else 0.72) else "F")
        if age is None:
            age = (
                18 + rng.g.beta(2.0, 2.4) * 48
                if side == "L"
                else min(14 + rng.g.gamma(2.2, 9.0), 92)
            )
        dob = REF - timedelta(days=int(age * 365.25) + rng.i(0, 364))
        nm = self.new_name(culture, sex)
        prev = None
        if sex == "F" and age > 23 and rng.r() < 0.55 * MARRY_CHANGE.get(culture, 0):
            prev_nm = self.new_name(culture, "F")
            prev = self.render(prev_nm)[1]
            if prev == self.render(nm)[1]:
                prev = None
        addr = self.address(side)
        p = {
            "pid": self.next_pid,
            "c": culture,
            "sex": sex,
            "dob": dob,
            "nm": nm,
            "prev": prev,
            "prev_declared": prev is not None and rng.r() < 0.55,
            "addr": addr,
            "mobile": self.mobile() if rng.r() < (0.92 if side == "L" else 0.6) else None,
            "landline": self.landline(addr["ti"]) if rng.r() < 0.25 else None,
        }
        self.next_pid += 1
        return p

    def setup_cultures(self):
        self._cult_cum = {
            1: np.cumsum([c[1] for c in CULTURES]),
            2: np.cumsum([c[2] for c in CULTURES]),
        }


# --------------------------------------------------------------------------------------
# Formatting habits
# --------------------------------------------------------------------------------------
DOB_FORMATS = [
    ("%d/%m/%Y", 40),
    ("%Y-%m-%d", 25),
    ("%d-%b-%Y", 15),
    ("%d.%m.%Y", 10),
    ("%Y%m%d", 5),
    ("%d/%m/%Y 00:00", 5),
]
DOB_CUM = np.cumsum([f[1] for f in DOB_FORMATS])


def fmt_phone(num: str, rng: Rng, left: bool = False) -> str:
    """A UK number written in one of the habits seen in exports."""
    n = num[1:]  # without the trunk 0
    mob = num.startswith("07")
    k = rng.wchoice([0, 1, 2], np.cumsum([6, 3, 1])) if left else rng.i(0, 7)
    if mob:
        a, b = num[:5], num[5:]
        return [
            f"{a} {b}",
            num,
            f"+44 {n[:4]} {n[4:]}",
            f"+44{n}",
            f"0044 {n[:4]} {n[4:7]} {n[7:]}",
            f"{a}-{b[:3]}-{b[3:]}",
            f"({a}) {b}",
            f"44{n}",
        ][k]
    code = next(t[3] for t in TOWNS if num.startswith(t[3]))
    rest = num[len(code) :]
    return [
        f"{code} {rest}",
        num,
        f"+44 {code[1:]} {rest}",
        f"+44{n}",
        f"0044 {code[1:]} {rest}",
        f"{code}-{rest}",
        f"({code}) {rest}",
        f"{code} {rest[:3]} {rest[3:]}",
    ][k]


def fmt_postcode(pc: str, rng: Rng) -> str:
    k = rng.wchoice([0, 1, 2, 3], np.cumsum([60, 20, 10, 10]))
    return [pc, pc.replace(" ", ""), pc.lower(), pc.replace(" ", "  ")][k]


def street_line(a: dict) -> str:
    s = f"{a['num']} {a['street']}"
    return f"Flat {a['flat']}, {s}" if a.get("flat") else s


# --------------------------------------------------------------------------------------
# Defects (variation kinds)
# --------------------------------------------------------------------------------------
KINDS = [
    "exact",
    "typo_forename",
    "typo_surname",
    "nickname",
    "previous_surname",
    "double_barrel_part",
    "punctuation",
    "swapped",
    "family_name_first",
    "middle_as_forename",
    "initial_only",
    "transliteration",
    "diacritics",
    "dob_daymonth_swap",
    "dob_digit",
    "dob_year_off",
    "dob_missing",
    "dob_from_age",
    "moved",
    "address_format",
    "postcode_partial",
    "phone",
    "multi",
]
GROUP = {
    "typo_forename": "fore",
    "nickname": "fore",
    "middle_as_forename": "fore",
    "initial_only": "fore",
    "typo_surname": "sur",
    "previous_surname": "sur",
    "double_barrel_part": "sur",
    "punctuation": "sur",
    "swapped": "order",
    "family_name_first": "order",
    "transliteration": "script",
    "diacritics": "script",
    "dob_daymonth_swap": "dob",
    "dob_digit": "dob",
    "dob_year_off": "dob",
    "dob_missing": "dob",
    "dob_from_age": "dob",
    "moved": "addr",
    "address_format": "addr",
    "postcode_partial": "pc",
    "phone": "phone",
}
# u2: chance of each defect on a true copy (when the person is eligible)
U2_RATES = {
    "typo_forename": 0.03,
    "typo_surname": 0.04,
    "nickname": 0.08,
    "previous_surname": 0.35,
    "double_barrel_part": 0.35,
    "punctuation": 0.30,
    "swapped": 0.015,
    "family_name_first": 0.25,
    "middle_as_forename": 0.06,
    "initial_only": 0.04,
    "transliteration": 0.35,
    "diacritics": 0.45,
    "dob_daymonth_swap": 0.015,
    "dob_digit": 0.015,
    "dob_year_off": 0.01,
    "dob_missing": 0.07,
    "dob_from_age": 0.02,
    "moved": 0.25,
    "address_format": 0.15,
    "postcode_partial": 0.08,
    "phone": 0.45,
}
PARTICLES = {
    "van",
    "der",
    "den",
    "de",
    "la",
    "del",
    "da",
    "dos",
    "das",
    "di",
    "le",
    "von",
    "al",
    "el",
    "ap",
    "ten",
    "ter",
}


def _sur_parts(s: str) -> list[str]:
    """Substantive parts of a multi-part surname, particles kept with the next word."""
    words = s.replace("-", " ").split()
    parts, buf = [], []
    for w in words:
        buf.append(w)
        if w.lower() not in PARTICLES:
            parts.append(" ".join(buf))
            buf = []
    if buf:
        parts.append(" ".join(buf))
    return parts


def _punct_variants(s: str) -> list[str]:
    out = set()
    if "'" in s:
        out |= {s.replace("'", ""), s.replace("'", " ")}
    if "-" in s:
        out |= {s.replace("-", " "), s.replace("-", "")}
    if " " in s:
        out |= {s.replace(" ", "-"), s.replace(" ", "")}
    low = s.lower()
    if low.startswith("mc") and len(s) > 3 and s[2] != " ":
        out |= {s[:2] + " " + s[2:], "Mac" + s[2:]}
    if low.startswith("mac") and len(s) > 4 and s[3] != " ":
        out |= {s[:3] + " " + s[3:], "Mc" + s[3:]}
    out.discard(s)
    return sorted(out)


class Defects:
    def __init__(self, world: World):
        self.w = world
        self.rng = world.rng

    def nick_of(self, name: str) -> str | None:
        if name in N.OTHER_NICKNAMES:
            return self.rng.choice(N.OTHER_NICKNAMES[name])
        if N.fold(name) == name and name.isalpha():
            nk = sorted(self.w.nn.nicknames_of(name.lower()))
            nk = [n for n in nk if n != name.lower() and len(n) >= 2]
            if nk:
                return self.rng.choice(nk).capitalize()
        return None

    def eligible(self, p: dict, kind: str) -> bool:
        given, sur = World.render(p["nm"])
        if kind in (
            "exact",
            "typo_forename",
            "typo_surname",
            "swapped",
            "initial_only",
            "dob_missing",
            "dob_year_off",
            "dob_digit",
            "moved",
            "address_format",
            "postcode_partial",
            "dob_from_age",
        ):
            if kind == "typo_forename":
                return len(given[0]) >= 3
            if kind == "typo_surname":
                return len(sur) >= 3
            return True
        if kind == "nickname":
            return p["nm"]["t"] in ("plain", "ar", "cyr", "gr") and self._nick_ok(given[0])
        if kind == "previous_surname":
            return p["prev"] is not None
        if kind == "double_barrel_part":
            return len(_sur_parts(sur)) >= 2
        if kind == "punctuation":
            return bool(_punct_variants(sur)) or ("-" in given[0]) or (" " in given[0])
        if kind == "family_name_first":
            return p["c"] in FAMILY_FIRST
        if kind == "middle_as_forename":
            return len(given) >= 2
        if kind == "transliteration":
            return self.w.translit_alt(p["nm"]) is not None
        if kind == "diacritics":
            return N.has_diacritics(" ".join(given) + sur)
        if kind == "dob_daymonth_swap":
            return p["dob"].day <= 12 and p["dob"].day != p["dob"].month
        if kind == "phone":
            return p["mobile"] is not None
        if kind == "multi":
            return True
        raise ValueError(kind)

    def _nick_ok(self, name):
        if name in N.OTHER_NICKNAMES:
            return True
        return (
            N.fold(name) == name
            and name.isalpha()
            and bool([n for n in self.w.nn.nicknames_of(name.lower()) if n != name.lower()])
        )

    def base_view(self, p: dict) -> dict:
        given, sur = World.render(p["nm"])
        return {
            "given": given,
            "sur": sur,
            "aka": [],
            "order": "normal",
            "dob": p["dob"],
            "addr": dict(p["addr"]),
            "line": None,
            "pc_mode": "full",
            "phones": [x for x in (p["mobile"],) if x],
            "nm": p["nm"],
            "suffix": "",
        }

    def apply(self, v: dict, p: dict, kind: str) -> None:
        rng = self.rng
        if kind == "exact":
            return
        if kind == "typo_forename":
            v["given"][0] = N.typo(v["given"][0], rng.g)
        elif kind == "typo_surname":
            parts = v["sur"].split(" ")
            k = max(range(len(parts)), key=lambda j: len(parts[j]))
            parts[k] = N.typo(parts[k], rng.g)
            v["sur"] = " ".join(parts)
        elif kind == "nickname":
            nk = self.nick_of(v["given"][0])
            if nk:
                v["given"][0] = nk
                if rng.r() < 0.7:
                    v["given"] = v["given"][:1]
        elif kind == "previous_surname":
            cur = v["sur"]
            v["sur"] = p["prev"]
            want_aka = 0.3 if p["prev_declared"] else 0.65
            if rng.r() < want_aka:
                v["aka"].append(cur)
        elif kind == "double_barrel_part":
            parts = _sur_parts(v["sur"])
            if len(parts) < 2:
                return False
            v["sur"] = parts[0] if rng.r() < 0.6 else parts[-1]
        elif kind == "punctuation":
            opts = _punct_variants(v["sur"])
            if opts and (rng.r() < 0.8 or not ("-" in v["given"][0] or " " in v["given"][0])):
                v["sur"] = rng.choice(opts)
            else:
                g = v["given"][0]
                alts = [
                    x
                    for x in (
                        g.replace("-", ""),
                        g.replace("-", " "),
                        g.replace(" ", ""),
                        g.replace(" ", "-"),
                    )
                    if x != g
                ]
                if not alts:
                    return False
                v["given"][0] = rng.choice(alts)
        elif kind == "swapped":
            v["order"] = "swapped"
        elif kind == "family_name_first":
            v["order"] = "native"
        elif kind == "middle_as_forename":
            g = v["given"]
            v["given"] = g[1:] if rng.r() < 0.7 else [g[1], g[0]] + g[2:]
        elif kind == "initial_only":
            g = v["given"]
            ini = [x[0] for x in g]
            v["given"] = [ini[0] + ("." if rng.r() < 0.3 else "")] + (
                ini[1:] if rng.r() < 0.4 else []
            )
        elif kind == "transliteration":
            alt = self.w.translit_alt(v["nm"])
            if alt is not None:
                v["nm"] = alt
                g, s = World.render(alt)
                v["given"][: len(g)] = g
                if len(v["given"]) > len(g) and alt["t"] in ("zh", "ko"):
                    v["given"] = g
                v["sur"] = s
        elif kind == "diacritics":
            german = p["c"] == "de" and rng.r() < 0.5
            v["given"] = [N.fold(x, german) for x in v["given"]]
            v["sur"] = N.fold(v["sur"], german)
        elif kind == "dob_daymonth_swap":
            d = v["dob"]
            v["dob"] = date(d.year, d.day, d.month)
        elif kind == "dob_digit":
            d = v["dob"]
            s = d.strftime("%d%m%Y")
            for _ in range(50):
                pos = rng.choice([0, 1, 2, 3, 6, 7])
                nd = str(rng.i(0, 9))
                if nd == s[pos]:
                    continue
                t = s[:pos] + nd + s[pos + 1 :]
                try:
                    nd_date = date(int(t[4:]), int(t[2:4]), int(t[:2]))
                except ValueError:
                    continue
                if nd_date < REF and nd_date.year > 1925:
                    v["dob"] = nd_date
                    break
        elif kind == "dob_year_off":
            d = v["dob"]
            y = d.year + (1 if rng.r() < 0.5 else -1)
            v["dob"] = date(y, d.month, 28 if (d.month == 2 and d.day == 29) else d.day)
        elif kind == "dob_missing":
            v["dob"] = None
        elif kind == "dob_from_age":
            d = v["dob"]
            for _ in range(20):
                rec = REF - timedelta(days=rng.i(0, 365 * 15))
                age = rec.year - d.year - ((rec.month, rec.day) < (d.month, d.day))
                est = date(rec.year - age, 1, 1)
                if est != d and age >= 10:
                    v["dob"] = est
                    break
        elif kind == "moved":
            a = v["addr"]
            if rng.r() < 0.5:
                na = self.w.address("R", town_index=a["ti"])
            else:
                na = self.w.address("R", avoid_town=a["ti"])
            v["addr"] = na
            v["line"] = None
        elif kind == "address_format":
            a = v["addr"]
            st, ab = a["street"], a["abbr"]
            short = st.rsplit(" ", 1)[0] + " " + ab
            if a.get("flat"):
                f, n = a["flat"], a["num"]
                opts = [
                    f"{n}/{f} {short}",
                    f"{f}/{n} {st}",
                    f"Flat {f} {n} {short}",
                    f"Apartment {f}, {n} {st}",
                    f"{f}, {n} {st}",
                    f"{n} {st}",
                    f"{f} {n} {short}",
                ]
            else:
                n = a["num"]
                opts = [
                    f"{n} {short}",
                    f"{n}, {st}",
                    f"{st}",
                    f"{n} {N.typo(st.split(' ')[0], rng.g)} {st.split(' ', 1)[1]}",
                    f"{n}a {st}" if rng.r() < 0.3 else f"{n} {short}",
                ]
            v["line"] = rng.choice(opts)
            if rng.r() < 0.4:
                v["addr"] = dict(a, locality="" if rng.r() < 0.5 else a["locality"] + " Estate")
        elif kind == "postcode_partial":
            v["pc_mode"] = "missing" if rng.r() < 0.5 else "outward"
        elif kind == "phone":
            v["phones"] = [] if rng.r() < 0.6 else [self.w.mobile()]
        else:
            raise ValueError(kind)
        return True

    def apply_multi(self, v: dict, p: dict) -> list[str]:
        rng = self.rng
        n = 2 if rng.r() < 0.65 else 3
        kinds = [k for k in KINDS if k not in ("exact", "multi") and self.eligible(p, k)]
        chosen, groups = [], set()
        order = rng.g.permutation(len(kinds))
        for j in order:
            k = kinds[j]
            g = GROUP[k]
            if g in groups:
                continue
            chosen.append(k)
            groups.add(g)
            if len(chosen) == n:
                break
        return [k for k in self._ordered(chosen) if self.apply(v, p, k) is not False]

    @staticmethod
    def _ordered(kinds):
        # script changes first (they re-render the name), then the rest
        first = [k for k in kinds if k in ("transliteration", "diacritics")]
        return first + [k for k in kinds if k not in first]

    def apply_random(self, v: dict, p: dict, scale: float = 1.0) -> list[str]:
        """u2-style: each defect independently at its own rate, one per group."""
        rng = self.rng
        chosen, groups = [], set()
        for k, rate in U2_RATES.items():
            if (
                GROUP[k] in ("addr", "pc")
                and v["addr"] is None
                or GROUP[k] == "dob"
                and v["dob"] is None
            ):
                continue
            if rng.r() < rate * scale and GROUP[k] not in groups and self.eligible(p, k):
                chosen.append(k)
                groups.add(GROUP[k])
        return [k for k in self._ordered(chosen) if self.apply(v, p, k) is not False]


# --------------------------------------------------------------------------------------
# Writing rows
# --------------------------------------------------------------------------------------
LEFT_COLS = [
    "EmpNo",
    "GivenNames",
    "FamilyName",
    "PrevFamilyName",
    "Sex",
    "Born",
    "AddressLine1",
    "AddressLine2",
    "TownCity",
    "PostCode",
    "Mobile",
]
RIGHT_COLS = [
    "NOMINAL_REF",
    "NAME",
    "AKA_SURNAMES",
    "DOB",
    "GENDER",
    "ADDR1",
    "ADDR2",
    "ADDR3",
    "ADDR4",
    "PCODE",
    "TEL1",
    "TEL2",
]


def left_row(p: dict, empno: str, rng: Rng) -> dict:
    given, sur = World.render(p["nm"])
    a = p["addr"]
    return {
        "EmpNo": empno,
        "GivenNames": " ".join(given),
        "FamilyName": sur,
        "PrevFamilyName": p["prev"] if p["prev_declared"] else "",
        "Sex": p["sex"],
        "Born": p["dob"].strftime("%d/%m/%Y"),
        "AddressLine1": street_line(a),
        "AddressLine2": a["locality"] if rng.r() < 0.6 else "",
        "TownCity": a["town"],
        "PostCode": a["pc"] if rng.r() > 0.015 else "",
        "Mobile": fmt_phone(p["mobile"], rng, left=True) if p["mobile"] else "",
    }


def right_row(v: dict, p: dict, ref: str, rng: Rng) -> dict:
    given, sur = list(v["given"]), v["sur"]
    # habit: many records keep only the first forename
    if len(given) > 1 and v["order"] == "normal" and rng.r() < 0.4:
        given = given[:1]
    if v["order"] == "swapped":
        fore, surname = [sur], given[0]
    elif v["order"] == "native":
        toks = [sur] + given
        fore, surname = toks[:-1], toks[-1]
    else:
        fore, surname = given, sur
    fmt = rng.wchoice(["comma", "fwd_upper", "fwd_mixed"], np.cumsum([55, 30, 15]))
    up_fore = rng.r() < 0.5
    fs = " ".join(fore)
    if fmt == "comma":
        name = f"{surname.upper()}, {fs.upper() if up_fore else fs}"
    elif fmt == "fwd_upper":
        name = f"{fs.upper() if up_fore else fs} {surname.upper()}"
    else:
        name = f"{fs} {surname}"
    if v["order"] == "native" and rng.r() < 0.4:
        # written in native order with the family name in capitals, no comma
        name = f"{v['sur'].upper()} {' '.join(v['given'])}"
    if v["suffix"]:
        name = f"{name} {v['suffix']}"
    d = v["dob"]
    if d is None:
        dob = ""
    else:
        f = rng.wchoice([x[0] for x in DOB_FORMATS], DOB_CUM)
        dob = d.strftime(f).upper() if "%b" in f and rng.r() < 0.7 else d.strftime(f)
    g = p["sex"] if rng.r() < 0.9 else ("U" if rng.r() < 0.5 else "")
    a = v["addr"]
    addr = ["", "", "", ""]
    pc = ""
    if a is not None:
        line = v["line"] or street_line(a)
        upper = rng.r() < 0.5
        pat = rng.wchoice([0, 1, 2, 3], np.cumsum([45, 25, 10, 20]))
        loc = a["locality"] if rng.r() < 0.5 else ""
        if pat == 0 or (pat == 3 and not a.get("flat")):
            addr = [line, loc, a["town"], ""]
        elif pat == 1:
            addr = [", ".join(x for x in (line, loc, a["town"]) if x), "", "", ""]
        elif pat == 2 and not v["line"] and not a.get("flat"):
            addr = [str(a["num"]), a["street"], loc, a["town"]]
        elif pat == 3 and not v["line"]:
            addr = [f"Flat {a['flat']}", f"{a['num']} {a['street']}", loc, a["town"]]
        else:
            addr = [line, loc, a["town"], ""]
        addr = [x for x in addr if x] + [""] * 4
        addr = addr[:4]
        if upper:
            addr = [x.upper() for x in addr]
        if v["pc_mode"] == "full":
            pc = fmt_postcode(a["pc"], rng)
        elif v["pc_mode"] == "outward":
            pc = a["pc"].split(" ")[0]
    phones = [fmt_phone(x, rng) for x in v["phones"]]
    if p.get("landline") and rng.r() < 0.5:
        phones.append(fmt_phone(p["landline"], rng))
    if len(phones) == 2 and rng.r() < 0.5:
        phones = phones[::-1]
    if len(phones) == 1 and rng.r() < 0.3:
        phones = ["", phones[0]]
    phones = (phones + ["", ""])[:2]
    return {
        "NOMINAL_REF": ref,
        "NAME": name,
        "AKA_SURNAMES": "/".join(v["aka"]),
        "DOB": dob,
        "GENDER": g,
        "ADDR1": addr[0],
        "ADDR2": addr[1],
        "ADDR3": addr[2],
        "ADDR4": addr[3],
        "PCODE": pc,
        "TEL1": phones[0],
        "TEL2": phones[1],
    }


MAPPING = """# Sweep mapping for the unseen set {name} (written by gen.py)
[left]
id = "EmpNo"
forenames = "GivenNames"
surname = "FamilyName"
previous_surnames = "PrevFamilyName"
date_of_birth = "Born"
date_format = "%d/%m/%Y"
sex = "Sex"
address = ["AddressLine1", "AddressLine2", "TownCity"]
postcode = "PostCode"
phone = "Mobile"

[right]
id = "NOMINAL_REF"
full_name = "NAME"
previous_surnames = "AKA_SURNAMES"
previous_surnames_sep = "/"
date_of_birth = "DOB"
date_format = ["%d/%m/%Y", "%Y-%m-%d", "%d-%b-%Y", "%d.%m.%Y", "%Y%m%d"]
sex = "GENDER"
address = ["ADDR1", "ADDR2", "ADDR3", "ADDR4"]
postcode = "PCODE"
phone = ["TEL1", "TEL2"]

[truth]
left_id = "EmpNo"
right_id = "NOMINAL_REF"
"""


# --------------------------------------------------------------------------------------
# Building a set
# --------------------------------------------------------------------------------------
def build(set_name: str, seed: int, n_left: int, n_right: int, out: Path) -> None:
    t0 = time.time()
    w = World(seed)
    w.setup_cultures()
    rng = w.rng
    D = Defects(w)
    left = [w.new_person("L") for _ in range(n_left)]
    empnos = rng.g.choice(np.arange(100000, 999999), size=n_left, replace=False)
    left_ids = [f"E{e:06d}" for e in empnos]
    print(f"left people: {time.time() - t0:.1f}s")

    rows_r: list[dict] = []
    truth: list[tuple[str, int, str]] = []  # (left_id, row index, kind)
    hardneg: list[tuple[str, int, str]] = []

    def emit(v, p):
        rows_r.append((v, p))
        return len(rows_r) - 1

    # ---- true copies
    if set_name == "u1":
        per_kind = 200
        counts = {k: 0 for k in KINDS}
        n_recs = Counter()
        order = sorted(
            KINDS, key=lambda k: sum(D.eligible(left[j], k) for j in range(0, n_left, 20))
        )
        for k in order:
            elig = [j for j in range(n_left) if D.eligible(left[j], k)]
            used_elig = [j for j in elig if 0 < n_recs[j] < 3]
            fresh = [j for j in elig if n_recs[j] == 0]
            while counts[k] < per_kind:
                if used_elig and rng.r() < 0.25:
                    j = rng.choice(used_elig)
                elif fresh:
                    j = fresh.pop(rng.i(0, len(fresh) - 1))
                elif used_elig:
                    j = rng.choice(used_elig)
                else:
                    break
                if n_recs[j] >= 3:
                    used_elig = [x for x in used_elig if n_recs[x] < 3]
                    continue
                p = left[j]
                v = D.base_view(p)
                if k == "multi":
                    label = "multi:" + "+".join(D.apply_multi(v, p))
                else:
                    D.apply(v, p, k)
                    label = k
                truth.append((left_ids[j], emit(v, p), label))
                counts[k] += 1
                if n_recs[j] == 0:
                    used_elig.append(j)
                n_recs[j] += 1
        print("u1 records per person:", Counter(n_recs.values()))
    else:
        matched = rng.g.choice(n_left, size=int(0.05 * n_left), replace=False)
        for j in matched:
            k = rng.wchoice([1, 2, 3], np.cumsum([70, 22, 8]))
            for _ in range(k):
                p = left[int(j)]
                v = D.base_view(p)
                ds = D.apply_random(v, p)
                truth.append((left_ids[int(j)], emit(v, p), "+".join(ds) if ds else "exact"))
    print(f"true copies: {len(truth)} ({time.time() - t0:.1f}s)")

    # ---- hard negatives (not true): siblings, twins, parent/child, namesakes, partners
    def relative(p, dob, same_addr_p=0.8, sex=None):
        """A family member of left person p: same birth family name (same spelling habit)."""
        if p["c"] in GENDERED_SURNAMES:
            sex = p["sex"]  # Kowalski/Kowalska, Popov/Popova: keep it simple
        q = w.new_person("R", culture=p["c"], sex=sex or ("M" if rng.r() < 0.5 else "F"))
        nm = dict(q["nm"])
        if nm["t"] == "plain":
            nm["sur"] = p["prev"] or p["nm"]["sur"]
        else:
            for key in ("sur", "scheme", "sidx", "lang", "wg", "style", "sep"):
                if key in p["nm"]:
                    nm[key] = p["nm"][key]
            if nm["t"] == "ar":
                nm["idx"] = dict(nm["idx"], **{p["nm"]["sur"]: p["nm"]["idx"][p["nm"]["sur"]]})
                nm["given"] = [g for g in nm["given"] if g != p["nm"]["sur"]] or [
                    "AHMED" if q["sex"] == "M" else "AMINA"
                ]
                for g in nm["given"]:
                    nm["idx"].setdefault(g, 0)
        q["nm"] = nm
        q["prev"] = None
        q["dob"] = dob
        if rng.r() < same_addr_p and not p["prev"]:
            q["addr"] = dict(p["addr"])
        return q

    def same_forename(a: str, b: str) -> bool:
        """Forenames a family would not give two children (equal, a short form, a nickname)."""
        a, b = N.fold(a).lower(), N.fold(b).lower()
        if a == b or a.startswith(b) or b.startswith(a):
            return True
        nn = w.nn
        return (
            b in nn.nicknames_of(a)
            or a in nn.nicknames_of(b)
            or bool(nn.canonicals_of(a) & (nn.canonicals_of(b) | {b}))
        )

    n_sib, n_twin, n_pc, n_ns, n_partner = [
        int(n_left * r) for r in (0.05, 0.008, 0.025, 0.08, 0.025)
    ]
    for _ in range(n_sib):
        j = rng.i(0, n_left - 1)
        p = left[j]
        gap = rng.i(330, 365 * 9) * (1 if rng.r() < 0.5 else -1)
        q = relative(p, p["dob"] + timedelta(days=gap))
        if same_forename(World.render(q["nm"])[0][0], World.render(p["nm"])[0][0]):
            continue
        v = D.base_view(q)
        D.apply_random(v, q, 0.5)
        hardneg.append((left_ids[j], emit(v, q), "sibling"))
    for _ in range(n_twin):
        j = rng.i(0, n_left - 1)
        p = left[j]
        q = relative(p, p["dob"], same_addr_p=0.85)
        if same_forename(World.render(q["nm"])[0][0], World.render(p["nm"])[0][0]):
            continue
        v = D.base_view(q)
        D.apply_random(v, q, 0.5)
        hardneg.append((left_ids[j], emit(v, q), "twin"))
    for _ in range(n_pc):
        j = rng.i(0, n_left - 1)
        p = left[j]
        age = (REF - p["dob"]).days / 365.25
        gap = rng.i(20 * 365, 35 * 365)
        if age > 45 or (age > 38 and rng.r() < 0.5):
            d = p["dob"] + timedelta(days=gap)  # a child
            if d > REF - timedelta(days=365 * 12):
                d = p["dob"] + timedelta(days=20 * 365 + rng.i(0, 300))
            suffix = "Jnr"
        else:
            d = p["dob"] - timedelta(days=gap)  # a parent
            suffix = "Snr"
        q = relative(p, d, same_addr_p=0.55, sex=p["sex"])
        q["nm"] = dict(q["nm"])
        if q["nm"]["t"] in ("plain", "ar", "cyr", "gr"):
            q["nm"]["given"] = [p["nm"]["given"][0]] + (
                [x for x in q["nm"]["given"][1:2] if x != p["nm"]["given"][0]]
            )
            if q["nm"]["t"] == "ar":
                q["nm"]["idx"] = dict(
                    q["nm"]["idx"], **{p["nm"]["given"][0]: p["nm"]["idx"][p["nm"]["given"][0]]}
                )
        else:
            q["nm"]["given"] = p["nm"]["given"]
        v = D.base_view(q)
        if rng.r() < 0.2:
            v["suffix"] = suffix
        D.apply_random(v, q, 0.5)
        hardneg.append((left_ids[j], emit(v, q), "parent_child"))
    # namesakes: weighted towards the most common full names on the left
    sur_count = Counter(World._fold_name(World.render(p["nm"]))[1] for p in left)
    wts = np.array([sur_count[World._fold_name(World.render(p["nm"]))[1]] for p in left], float)
    cum = np.cumsum(wts)
    for _ in range(n_ns):
        j = int(np.searchsorted(cum, rng.r() * cum[-1], side="right"))
        p = left[j]
        q = w.new_person("R", culture=p["c"], sex=p["sex"])
        q["nm"] = dict(p["nm"])
        if q["nm"]["t"] == "plain":
            q["nm"]["given"] = p["nm"]["given"][:1]
        q["prev"] = None
        if abs((q["dob"] - p["dob"]).days) < 400:
            q["dob"] = p["dob"] - timedelta(days=rng.i(800, 9000))
        q["addr"] = w.address("R", avoid_town=p["addr"]["ti"])
        v = D.base_view(q)
        D.apply_random(v, q, 0.5)
        hardneg.append((left_ids[j], emit(v, q), "namesake"))
    for _ in range(n_partner):
        j = rng.i(0, n_left - 1)
        p = left[j]
        q = w.new_person(
            "R",
            culture=p["c"] if rng.r() < 0.7 else None,
            sex="F" if p["sex"] == "M" else "M",
            age=max(18, (REF - p["dob"]).days / 365.25 + rng.i(-6, 6)),
        )
        q["addr"] = dict(p["addr"])
        v = D.base_view(q)
        D.apply_random(v, q, 0.5)
        hardneg.append((left_ids[j], emit(v, q), "partner"))
    print(f"hard negatives: {len(hardneg)} ({time.time() - t0:.1f}s)")

    # ---- background: unrelated people, some with 2-3 records of their own
    left_keys = {
        (
            World._fold_name(World.render(p["nm"]))[0].split(" ")[0],
            World._fold_name(World.render(p["nm"]))[1],
            p["dob"],
        )
        for p in left
    }
    while len(rows_r) < n_right:
        q = w.new_person("R")
        g, s = World._fold_name(World.render(q["nm"]))
        while (g.split(" ")[0], s, q["dob"]) in left_keys:
            q["dob"] -= timedelta(days=rng.i(30, 3000))
        n = 1 if rng.r() < 0.85 else rng.i(2, 3)
        for _ in range(min(n, n_right - len(rows_r))):
            v = D.base_view(q)
            if rng.r() < 0.25:  # intel nominals with an address recorded less often
                v["addr"] = None
            if rng.r() < 0.08:
                v["dob"] = None
            D.apply_random(v, q, 0.6)
            emit(v, q)
    print(f"right rows built: {len(rows_r)} ({time.time() - t0:.1f}s)")

    # ---- ids, shuffle, write
    perm = rng.g.permutation(len(rows_r))
    refs = {}
    ref_nums = rng.g.choice(np.arange(1000000, 9999999), size=len(rows_r), replace=False)
    for i in range(len(rows_r)):
        refs[i] = f"NOM{ref_nums[i]:07d}"
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "left.csv", "w", newline="", encoding="utf-8") as fh:
        wr = csv.DictWriter(fh, LEFT_COLS)
        wr.writeheader()
        for p, e in zip(left, left_ids, strict=True):
            wr.writerow(left_row(p, e, rng))
    with open(out / "right.csv", "w", newline="", encoding="utf-8") as fh:
        wr = csv.DictWriter(fh, RIGHT_COLS)
        wr.writeheader()
        for i in perm:
            v, p = rows_r[int(i)]
            wr.writerow(right_row(v, p, refs[int(i)], rng))
    with open(out / "truth.csv", "w", newline="", encoding="utf-8") as fh:
        wr = csv.writer(fh)
        wr.writerow(["EmpNo", "NOMINAL_REF", "kind"])
        for lid, i, k in truth:
            wr.writerow([lid, refs[i], k])
    with open(out / "hard_negatives.csv", "w", newline="", encoding="utf-8") as fh:
        wr = csv.writer(fh)
        wr.writerow(["EmpNo", "NOMINAL_REF", "type"])
        for lid, i, k in hardneg:
            wr.writerow([lid, refs[i], k])
    (out / "mapping.toml").write_text(MAPPING.format(name=set_name))
    print(
        f"{set_name}: left {len(left)}, right {len(rows_r)}, true pairs {len(truth)}, "
        f"hard negatives {len(hardneg)}; {time.time() - t0:.1f}s"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--set", choices=["u1", "u2"], required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--left", type=int, default=20000)
    ap.add_argument("--right", type=int, default=200000)
    ap.add_argument("--out", type=Path, default=None)
    a = ap.parse_args()
    build(a.set, a.seed, a.left, a.right, a.out or DEFAULT_OUT / a.set)


if __name__ == "__main__":
    main()
