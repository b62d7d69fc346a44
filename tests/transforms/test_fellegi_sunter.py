import dataclasses
import json
import math

import duckdb
import numpy as np
import pandas as pd
import pytest

from transforms.comparisons import Comparison, Level, all_comparisons
from transforms.config import MatchConfig
from transforms.fellegi_sunter import Model, estimate_m_em, estimate_m_labels, score


def _cmp(name: str, n_levels: int) -> Comparison:
    return Comparison(name, name, tuple(Level(f"l{i}", "", "TRUE") for i in range(n_levels)))


COMPARISONS = (_cmp("a", 4), _cmp("b", 3), _cmp("c", 3))
TRUE_M = {"a": [1.0, 0.8, 0.15, 0.05], "b": [1.0, 0.9, 0.1], "c": [1.0, 0.7, 0.3]}
TRUE_U = {"a": [1.0, 0.01, 0.09, 0.9], "b": [1.0, 0.05, 0.95], "c": [1.0, 0.2, 0.8]}


def _sample(n: int, lam: float, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    is_match = rng.random(n) < lam
    cols = {}
    for c in COMPARISONS:
        k = len(c.levels)
        m = np.array(TRUE_M[c.name][1:])
        u = np.array(TRUE_U[c.name][1:])
        lv = np.where(
            is_match, rng.choice(np.arange(1, k), n, p=m), rng.choice(np.arange(1, k), n, p=u)
        )
        missing = rng.random(n) < 0.05  # level 0: no evidence either way
        cols[c.name] = np.where(missing, 0, lv)
    return pd.DataFrame(cols)


def test_em_recovers_m_and_match_rate_with_u_fixed():
    con = duckdb.connect()
    con.register("comparisons", _sample(60_000, lam=0.3))
    m, lam, info = estimate_m_em(con, COMPARISONS, TRUE_U, MatchConfig(), "comparisons")
    assert lam == pytest.approx(0.3, abs=0.01)
    for c in COMPARISONS:
        assert m[c.name][1:] == pytest.approx(TRUE_M[c.name][1:], abs=0.02)
    assert info["em_iterations"] < MatchConfig().em_max_iterations


def test_m_from_labels_counts_the_labelled_pairs_levels():
    """m is each level's share among labelled pairs with a value, smoothed like EM's M-step;
    a spec-fixed level keeps its m until a labelled pair shows it; unlabelled pairs and a
    comparison no labelled pair has a value for play no part."""
    fixed = Comparison(
        "d",
        "d",
        (
            Level("missing", "", "TRUE"),
            Level("exact", "", "TRUE"),
            Level("apart", "", "TRUE", fixed_m=1e-6),
            Level("other", "", "TRUE"),
        ),
    )
    comparisons = (_cmp("a", 4), fixed, _cmp("e", 3))
    levels = pd.DataFrame(
        {
            "l_id": range(12),
            "r_id": range(12),
            # 8 labelled pairs (ids 0-7): a = 1 x6, 2 x1, 3 x0, missing x1
            "a": [1, 1, 1, 1, 1, 1, 2, 0, 3, 3, 3, 3],
            "d": [1, 1, 1, 1, 3, 3, 0, 0, 2, 2, 2, 2],
            "e": [0] * 12,
        }
    )
    con = duckdb.connect()
    con.register("levels", levels)
    con.register("labels", levels[["l_id", "r_id"]].head(8))
    cfg = MatchConfig()
    m, info = estimate_m_labels(con, comparisons, cfg, "levels", "labels")
    pc, k = cfg.em_pseudo_count, 3
    assert m["a"][1:] == pytest.approx(
        [(6 + pc / k) / (7 + pc), (1 + pc / k) / (7 + pc), (0 + pc / k) / (7 + pc)]
    )
    assert m["d"][2] == 1e-6  # no labelled pair born apart: the spec's m stands
    assert sum(m["d"][1:]) == pytest.approx(1.0)
    assert m["d"][1] > m["d"][3] > 0.25
    assert "e" not in m  # every labelled pair is missing e
    assert info["pairs"] == 8 and info["levels"]["d"] == {
        "missing": 2,
        "exact": 4,
        "apart": 0,
        "other": 2,
    }

    # once labelled pairs show the fixed level, the labels set its m
    con.register("labels", levels[["l_id", "r_id"]])
    m, _ = estimate_m_labels(con, comparisons, cfg, "levels", "labels")
    assert m["d"][2] == pytest.approx((4 + pc / k) / (10 + pc))


def test_weights_missing_level_is_zero_and_model_round_trips(tmp_path):
    model = Model(
        comparisons=["a"],
        labels={"a": ["missing", "x", "y", "z"]},
        m=TRUE_M,
        u=TRUE_U,
        lambda_candidates=0.3,
        prior_match_probability=1e-4,
        trained_at="2026-11-25T00:00:00+00:00",
    )
    assert model.weight("a", 0) == 0.0
    assert model.weight("a", 1) == pytest.approx(math.log2(0.8 / 0.01))
    model.save(tmp_path / "m.json")
    again = Model.load(tmp_path / "m.json")
    assert again.m == model.m and again.u == model.u
    table = again.weights_table()
    assert list(table.columns) == ["comparison", "level", "label", "m", "u", "weight"]


def test_model_version_mismatch_is_refused(tmp_path):
    (tmp_path / "m.json").write_text('{"version": 999}')
    with pytest.raises(ValueError, match="model version 999"):
        Model.load(tmp_path / "m.json")


def _name_model() -> Model:
    return Model(
        comparisons=["forename", "surname"],
        labels={
            "forename": ["missing", "exact", "different"],
            "surname": ["missing", "exact", "variant_exact", "different"],
        },
        m={"forename": [1.0, 0.9, 0.1], "surname": [1.0, 0.8, 0.1, 0.1]},
        u={"forename": [1.0, 0.01, 0.99], "surname": [1.0, 0.001, 0.002, 0.997]},
        lambda_candidates=0.1,
        prior_match_probability=0.5,  # prior weight 0: match_weight is the evidence alone
        trained_at="2026-11-26T00:00:00+00:00",
    )


def test_score_adjusts_exact_forename_and_surname_by_their_frequency():
    con = duckdb.connect()
    # Shares of the right side: forename JOHN common (4%), ZOLTAN rare (0.1%); surname SMITH
    # common (1.6%), OYELARAN rare (0.001%: log2(100) bits, beyond the cap).
    con.execute(
        "CREATE TABLE tf_fn AS SELECT * FROM (VALUES ('JOHN', 0.04), ('ZOLTAN', 0.001)) t(fn, tf)"
    )
    con.execute(
        "CREATE TABLE tf_sn AS SELECT * FROM (VALUES ('SMITH', 0.016), ('OYELARAN', 0.00001))"
        " t(sn, tf)"
    )
    con.execute("""
        CREATE TABLE comparisons AS SELECT * FROM (VALUES
            ('S1', 'N1', 1, 1, 'JOHN', 'SMITH'),
            ('S2', 'N2', 1, 1, 'ZOLTAN', 'OYELARAN'),
            ('S3', 'N3', 2, 1, 'JON', 'SMITH'),
            ('S4', 'N4', 1, 3, 'UNSEEN', 'SMYTHE'),
            ('S5', 'N5', 2, 2, 'JON', 'SMITH')
        ) t(l_id, r_id, forename, surname, matched_forename, matched_surname)
    """)
    con.execute(
        "CREATE OR REPLACE TABLE comparisons AS SELECT *, ['rule'] AS rules, "
        "1.0::FLOAT AS forename_similarity, 1.0::FLOAT AS surname_similarity FROM comparisons"
    )
    cfg = MatchConfig(tf_adjustment_max_bits=4.0, review_threshold=5.0, auto_threshold=20.0)
    score(con, _name_model(), cfg)
    out = con.execute("SELECT * FROM scored_pairs ORDER BY l_id").df().set_index("l_id")
    fn_exact, sn_exact = math.log2(0.9 / 0.01), math.log2(0.8 / 0.001)
    assert out.loc["S1", "forename_tf_adjustment"] == pytest.approx(math.log2(0.01 / 0.04))
    assert out.loc["S1", "surname_tf_adjustment"] == pytest.approx(math.log2(0.001 / 0.016))
    assert out.loc["S2", "forename_tf_adjustment"] == pytest.approx(math.log2(0.01 / 0.001))
    assert out.loc["S2", "surname_tf_adjustment"] == pytest.approx(4.0)  # log2(100) capped at 4
    assert out.loc["S3", "forename_tf_adjustment"] == 0.0  # not an exact forename
    assert out.loc["S4", "surname_tf_adjustment"] == 0.0  # not an exact surname
    assert out.loc["S4", "forename_tf_adjustment"] == pytest.approx(4.0)  # unseen: capped
    # A previous surname or alias agreed exactly: adjusted against that level's own u.
    assert out.loc["S5", "surname_tf_adjustment"] == pytest.approx(math.log2(0.002 / 0.016))
    expected = {
        "S1": fn_exact + sn_exact + math.log2(0.25) + math.log2(0.0625),
        "S2": fn_exact + sn_exact + math.log2(10) + 4.0,
    }
    for sid, w in expected.items():
        assert out.loc[sid, "match_weight"] == pytest.approx(w)
        assert out.loc[sid, "match_weight"] == pytest.approx(
            out.loc[sid, "base_weight"]
            + out.loc[sid, "surname_tf_adjustment"]
            + out.loc[sid, "forename_tf_adjustment"]
        )
    # Common names lower the weight that counts for auto; rare ones never raise it.
    assert out.loc["S1", "auto_weight"] == pytest.approx(out.loc["S1", "match_weight"])
    assert out.loc["S2", "auto_weight"] == pytest.approx(out.loc["S2", "base_weight"])
    assert out.loc["S2", "match_weight"] >= 20.0  # above the auto threshold on rare names...
    assert (out.loc["S1", "band"], out.loc["S2", "band"]) == ("review", "review")  # ...not auto
    # Where the evidence without the rare-name bonus reaches the threshold, it is auto.
    score(con, _name_model(), MatchConfig(review_threshold=5.0, auto_threshold=16.0))
    bands = dict(con.execute("SELECT l_id, band FROM scored_pairs").fetchall())
    assert (bands["S1"], bands["S2"]) == ("review", "auto")  # base 16.1 >= 16


def _levels_db(rows: str, levels: str) -> duckdb.DuckDBPyConnection:
    """A database to score: ``comparisons`` from the VALUES ``rows`` (l_id, r_id, the level
    columns ``levels``, matched forename and surname), no name frequencies."""
    con = duckdb.connect()
    con.execute("CREATE TABLE tf_fn (fn VARCHAR, tf DOUBLE)")
    con.execute("CREATE TABLE tf_sn (sn VARCHAR, tf DOUBLE)")
    con.execute(f"""
        CREATE TABLE comparisons AS SELECT *, ['rule'] AS rules,
               1.0::FLOAT AS forename_similarity, 1.0::FLOAT AS surname_similarity
        FROM (VALUES {rows}) t(l_id, r_id, {levels}, matched_forename, matched_surname)
    """)
    return con


def test_a_different_forename_is_never_auto_whatever_the_weight():
    """Twins share a surname, a date of birth and a home: a pair whose forenames differ
    goes to a person however strong the rest, and has no auto weight to choose a threshold
    on. Without the exclusion, the same weights make it auto."""
    con = _levels_db(
        "('S1', 'N1', 2, 1, 'ANNA', 'SMITH'), ('S2', 'N2', 1, 1, 'ANNA', 'SMITH')",
        "forename, surname",
    )
    cfg = MatchConfig(tf_adjustment_max_bits=0.0, review_threshold=-10.0, auto_threshold=5.0)
    score(con, _name_model(), cfg)
    out = con.execute("SELECT l_id, band, auto_weight, match_weight FROM scored_pairs").df()
    out = out.set_index("l_id")
    assert out.loc["S1", "match_weight"] >= 5.0  # surname 9.6 bits, forename -3.3
    assert out.loc["S1", "band"] == "review" and pd.isna(out.loc["S1", "auto_weight"])
    assert out.loc["S2", "band"] == "auto"
    score(con, _name_model(), dataclasses.replace(cfg, auto_excluded_levels=()))
    bands = dict(con.execute("SELECT l_id, band FROM scored_pairs").fetchall())
    assert bands == {"S1": "auto", "S2": "auto"}
    # a level the spec does not have (a typo) is an error, not a rule that never holds
    typo = dataclasses.replace(cfg, auto_excluded_levels=(("forename", "diferent"),))
    with pytest.raises(ValueError, match="'forename' 'diferent' is not a comparison level"):
        score(con, _name_model(), typo)


def _training_db(reverse: bool) -> duckdb.DuckDBPyConnection:
    """30 staff and 40 nominals, all named Sam and born on one day: the same-birthday,
    same-forename training block holds 1,200 pairs. ``reverse`` stores the rows backwards."""
    from tests.factories import linkage_db, tables
    from transforms.normalise import normalise_all

    staff = [
        {"staff_id": f"S{i:02d}", "forenames": "Sam", "surname": f"Staff{i}"} for i in range(30)
    ]
    nominals = [
        {"nominal_id": f"N{i:02d}", "forenames": "Sam", "surname": f"Nominal{i}"} for i in range(40)
    ]
    for row in staff + nominals:
        row["date_of_birth"] = "1980-01-01"
    if reverse:
        staff, nominals = staff[::-1], nominals[::-1]
    con = linkage_db(tables(staff=staff, nominals=nominals))
    normalise_all(con)
    return con


def test_training_sample_depends_on_the_pairs_not_their_order():
    """A block larger than ``training_max_pairs`` is sampled down; stored in another order
    (as a parallel join may produce it) it gives the same sample, so the model is the same."""
    from transforms.fellegi_sunter import sample_training_pairs, training_sessions

    cfg = MatchConfig(training_max_pairs=100)
    samples = []
    for reverse in (False, True):
        con = _training_db(reverse)
        sizes = sample_training_pairs(con, cfg, training_sessions(cfg))
        assert sizes["same_dob_forename"] == 1200
        samples.append(set(con.execute("SELECT l_id, r_id FROM _train_pairs_0").fetchall()))
    assert len(samples[0]) == 100
    assert samples[0] == samples[1]
    assert len({s for s, _ in samples[0]}) > 20  # spread over the block, not its head


def test_training_blocks_read_forenames_as_written_not_their_first_parts():
    """Blocking keys carry a hyphenated forename's first part (JEAN of JEAN-PAUL); the
    training blocks do not, so the model learns from the names as written: a Jean-Paul born
    the same day as a staff member named Jean is no pair of the same-forename block."""
    from tests.factories import linkage_db, tables
    from transforms.fellegi_sunter import sample_training_pairs, training_sessions
    from transforms.normalise import normalise_all

    staff = [{"staff_id": "S1", "forenames": "Jean", "surname": "Martin"}]
    nominals = [
        {"nominal_id": "N1", "forenames": "Jean-Paul", "surname": "Moreau"},
        {"nominal_id": "N2", "forenames": "Jean", "surname": "Dupont"},
    ]
    for row in staff + nominals:
        row["date_of_birth"] = "1980-01-01"
    con = linkage_db(tables(staff=staff, nominals=nominals))
    normalise_all(con)
    assert con.execute("SELECT count(*) FROM r_name_keys WHERE part").fetchone() == (1,)
    cfg = MatchConfig()
    sizes = sample_training_pairs(con, cfg, training_sessions(cfg))
    assert sizes["same_dob_forename"] == 1
    assert con.execute("SELECT r_id FROM _train_pairs_0").fetchall() == [("N2",)]


def test_a_training_block_joined_on_a_forename_learns_nothing_of_sex_from_it():
    """A forename all but fixes the recorded sex: namesakes in a block joined on it agree on
    sex almost always, where u says half, and EM took them for matches. Nor does the block
    of a shared rare full name learn the address: namesakes cluster by place."""
    from transforms.fellegi_sunter import training_sessions

    comparisons = [c.name for c in all_comparisons(MatchConfig())]
    for session in training_sessions(MatchConfig()):
        learns = session.estimates or [c for c in comparisons if c not in session.conditions_on]
        if "forename" in session.conditions_on:
            assert "sex" not in learns, session.name
        if "surname" in session.conditions_on and "forename" in session.conditions_on:
            assert "address" not in learns, session.name
    learned = {
        c
        for s in training_sessions(MatchConfig())
        for c in (s.estimates or [c for c in comparisons if c not in s.conditions_on])
    }
    assert {"sex", "address", "phone", "dob", "forename", "surname"} <= learned


def test_an_exact_forename_with_middle_names_is_adjusted_and_auto_weighed_as_exact():
    """An exact forename whose middle names agree (or differ) has its own u, which counts the
    middle names too: its name-frequency adjustment is the forename's against the plain exact
    level's u, not against its own (which would take a common forename's bonus away twice)."""
    con = duckdb.connect()
    con.execute("CREATE TABLE tf_fn AS SELECT * FROM (VALUES ('JOHN', 0.04)) t(fn, tf)")
    con.execute("CREATE TABLE tf_sn AS SELECT * FROM (VALUES ('SMITH', 0.016)) t(sn, tf)")
    con.execute("""
        CREATE TABLE comparisons AS SELECT *, ['rule'] AS rules, 1.0::FLOAT AS
            forename_similarity, 1.0::FLOAT AS surname_similarity FROM (VALUES
            ('S1', 'N1', 1, 1, 'JOHN', 'SMITH'),
            ('S2', 'N2', 2, 1, 'JOHN', 'SMITH'),
            ('S3', 'N3', 3, 1, 'JOHN', 'SMITH')
        ) t(l_id, r_id, forename, surname, matched_forename, matched_surname)
    """)
    model = dataclasses.replace(
        _name_model(),
        labels={
            **_name_model().labels,
            "forename": ["missing", "exact_and_middle", "exact", "exact_other_middle", "different"],
        },
        m={**_name_model().m, "forename": [1.0, 0.3, 0.6, 0.01, 0.09]},
        u={**_name_model().u, "forename": [1.0, 0.0001, 0.01, 0.002, 0.9879]},
    )
    score(con, model, MatchConfig(tf_adjustment_max_bits=4.0))
    tf = dict(con.execute("SELECT l_id, forename_tf_adjustment FROM scored_pairs").fetchall())
    assert tf == pytest.approx({s: math.log2(0.01 / 0.04) for s in ("S1", "S2", "S3")})
    # Toward auto, agreeing middle names count no more than a plain exact forename: a
    # namesake with the same full name and date of birth is not confirmed by them.
    out = con.execute("SELECT * FROM scored_pairs").df().set_index("l_id")
    over = math.log2(0.3 / 0.0001) - math.log2(0.6 / 0.01)
    assert out.loc["S1", "auto_weight"] == pytest.approx(out.loc["S1", "match_weight"] - over)
    for sid in ("S2", "S3"):  # exact, and middle names differing (weaker than exact)
        assert out.loc[sid, "auto_weight"] == pytest.approx(out.loc[sid, "match_weight"])


# (labels, m, u) of a comparison added to a model: the home, and the date of birth.
_ADDRESS = (["missing", "same_dwelling", "different"], [1.0, 0.7, 0.3], [1.0, 1e-6, 1.0 - 1e-6])
_DOB = (["missing", "exact", "different"], [1.0, 0.9, 0.1], [1.0, 5e-5, 1.0 - 5e-5])


def _with(model: Model, **added: tuple[list[str], list[float], list[float]]) -> Model:
    """``model`` comparing each of ``added`` (name: labels, m, u) too, after its own."""
    return dataclasses.replace(
        model,
        comparisons=[*model.comparisons, *added],
        labels={**model.labels, **{name: a[0] for name, a in added.items()}},
        m={**model.m, **{name: a[1] for name, a in added.items()}},
        u={**model.u, **{name: a[2] for name, a in added.items()}},
    )


def _scored(con: duckdb.DuckDBPyConnection, model: Model, cfg: MatchConfig) -> pd.DataFrame:
    """Score the pairs in ``con`` and return ``scored_pairs`` by left id."""
    score(con, model, cfg)
    return con.execute("SELECT * FROM scored_pairs").df().set_index("l_id")


def _column_types(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(
        con.execute("SELECT column_name, column_type FROM (DESCRIBE scored_pairs)").fetchall()
    )


def test_a_shared_home_and_surname_weigh_less_where_the_forenames_differ():
    """A twin or a sibling shares the surname and the home: where the model measured that
    households share surnames, such a pair's surname counts as family, not identity. The
    same surname and home with the same forename, or another home, are scored as before."""
    model = dataclasses.replace(_with(_name_model(), address=_ADDRESS), household_family=0.3)
    con = _levels_db(
        "('twin', 'N1', 2, 1, 1, 'ANNA', 'SMITH'), ('self', 'N2', 1, 1, 1, 'ANNA', 'SMITH'), "
        "('elsewhere', 'N3', 2, 1, 2, 'ANNA', 'SMITH')",
        "forename, surname, address",
    )
    cfg = MatchConfig(tf_adjustment_max_bits=0.0, review_threshold=20.0, auto_threshold=30.0)
    out = _scored(con, model, cfg)
    expected = math.log2(0.001 / (0.3 + 0.7 * 0.001))
    assert out.loc["twin", "household_adjustment"] == pytest.approx(expected)  # -8.2 bits
    assert out.loc["twin", "match_weight"] == pytest.approx(
        out.loc["twin", "base_weight"] + expected
    )
    assert out.loc["twin", "band"] == "discard"  # 25.7 bits before (review), 17.5 after
    assert out.loc["self", "household_adjustment"] == 0.0
    assert out.loc["elsewhere", "household_adjustment"] == 0.0
    assert out.loc["self", "band"] == "auto"
    # A model from before households were measured scores as it did.
    out = _scored(con, dataclasses.replace(model, household_family=0.0), cfg)
    assert (out["household_adjustment"] == 0.0).all()
    assert out.loc["twin", "band"] == "review"
    # a forename level the spec does not have is an error, not a rule that never holds
    typo = dataclasses.replace(cfg, household_forename_levels=("diferent",))
    with pytest.raises(ValueError, match="'diferent' is not a forename level"):
        score(con, model, typo)


def test_a_shared_birthday_at_home_weighs_less_where_the_family_has_twins():
    """Born the same day at one home with one surname and another forename: twins, as often
    as the model measured the extract's families to have them. The same person under the
    same forename, and a relative born another day, are scored as before; with no twin share
    nothing changes."""
    model = dataclasses.replace(
        _with(_name_model(), dob=_DOB, address=_ADDRESS), household_twins=0.05
    )
    con = _levels_db(
        "('twin', 'N1', 2, 1, 1, 1, 'ANNA', 'SMITH'), ('self', 'N2', 1, 1, 1, 1, 'ANNA', 'SMITH'),"
        " ('sister', 'N3', 2, 1, 2, 1, 'ANNA', 'SMITH')",
        "forename, surname, dob, address",
    )
    cfg = MatchConfig(tf_adjustment_max_bits=0.0, review_threshold=32.0, auto_threshold=45.0)
    out = _scored(con, model, cfg)
    expected = math.log2(5e-5 / (0.05 + 0.95 * 5e-5))
    assert out.loc["twin", "twin_adjustment"] == pytest.approx(expected)  # -10.0 bits
    assert out.loc["twin", "match_weight"] == pytest.approx(
        out.loc["twin", "base_weight"] + expected
    )
    assert out.loc["twin", "band"] == "discard"  # 39.8 bits before (review), 29.8 after
    assert out.loc["self", "twin_adjustment"] == out.loc["sister", "twin_adjustment"] == 0.0
    assert out.loc["self", "band"] == "auto"
    types = _column_types(con)
    assert types["twin_adjustment"] == types["household_adjustment"] == "DOUBLE"
    # No twin share: no adjustment, and the column keeps its type (a constant 0.0 is a DECIMAL
    # in DuckDB, which a reader of the pairs would otherwise meet in one run and not the next).
    out = _scored(con, dataclasses.replace(model, household_twins=0.0), cfg)
    assert (out["twin_adjustment"] == 0.0).all() and out.loc["twin", "band"] == "review"
    types = _column_types(con)
    assert types["twin_adjustment"] == types["household_adjustment"] == "DOUBLE"
    typo = dataclasses.replace(cfg, household_twin_surname_levels=("exat",))
    with pytest.raises(ValueError, match="'exat' is not a surname level"):
        score(con, model, typo)
    typo = dataclasses.replace(cfg, household_address_levels=("same_dwelling", "same_hous"))
    with pytest.raises(ValueError, match="household_address_levels: 'same_hous' is not an addr"):
        score(con, model, typo)


def test_a_model_from_before_households_loads_with_no_household_share(tmp_path):
    model = dataclasses.replace(_name_model(), household_family=0.25)
    model.save(tmp_path / "m.json")
    assert Model.load(tmp_path / "m.json").household_family == 0.25
    raw = json.loads((tmp_path / "m.json").read_text())
    del raw["household_family"], raw["household_twins"]
    (tmp_path / "old.json").write_text(json.dumps(raw))
    assert Model.load(tmp_path / "old.json").household_family == 0.0
    assert Model.load(tmp_path / "old.json").household_twins == 0.0
