"""The engine end to end on the committed sample, and a saved model reused without training."""

import dataclasses
from datetime import date

import duckdb
import pytest

from flows.nightly import SAMPLE
from transforms.config import SweepConfig
from transforms.fellegi_sunter import Model
from transforms.linkage import block, compare_and_score
from transforms.load import load_extract
from transforms.schema import INTEL_TABLES, STAFF_TABLES
from transforms.sources import create_source_views, load_frames
from transforms.validate import validate_extract

CFG = SweepConfig(run_date="2026-11-25")


def _engine():
    frames = {
        **load_extract(SAMPLE / "staff", STAFF_TABLES),
        **load_extract(SAMPLE / "intel", INTEL_TABLES),
    }
    accepted = validate_extract(
        frames, STAFF_TABLES + INTEL_TABLES, CFG.validation, date(2026, 11, 25)
    ).accepted
    con = duckdb.connect()
    load_frames(con, accepted)
    create_source_views(con)
    return con


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    con = _engine()
    block(con, CFG)
    model = compare_and_score(con, CFG)
    path = tmp_path_factory.mktemp("model") / "model.json"
    model.save(path)
    scores = con.execute("SELECT l_id, r_id, match_weight, band FROM scored_pairs").df()
    return path, scores


def test_saved_model_reproduces_the_scores_without_training(trained):
    path, scores = trained
    con = _engine()
    block(con, CFG)
    compare_and_score(con, CFG, Model.load(path))
    again = con.execute("SELECT l_id, r_id, match_weight, band FROM scored_pairs").df()
    merged = scores.merge(again, on=["l_id", "r_id"], suffixes=("", "_again"))
    assert len(merged) == len(scores) == len(again)
    assert (merged["band"] == merged["band_again"]).all()
    assert (merged["match_weight"] - merged["match_weight_again"]).abs().max() < 1e-9


def test_model_records_how_it_was_trained(trained):
    path, _ = trained
    model = Model.load(path)
    sessions = model.training["sessions"]
    assert set(sessions) == {"same_dob_forename", "same_dob_surname", "same_rare_full_name"}
    assert all(s["block_pairs"] > 0 for s in sessions.values())
    # exact agreement on date of birth must count for far more than a differing one
    weights = model.weights_table().set_index(["comparison", "label"])["weight"]
    assert weights[("dob", "exact")] > 10 > 0 > weights[("dob", "different")]
    assert weights[("dob", "generation_apart")] < -15


@pytest.mark.parametrize("reuse_model", [False, True])
def test_right_phones_left_to_the_comparison_give_the_same_scores(trained, reuse_model):
    """With ``right_phones=False`` blocking normalises only the phones of people whose
    number may be a staff member's, and scoring only the compared people's: the candidates,
    phone levels, weights and bands are those of the full build."""
    path, scores = trained
    model = Model.load(path) if reuse_model else None
    full = _engine()
    block(full, CFG)
    compare_and_score(full, CFG, model)
    lazy = _engine()
    block(lazy, CFG, right_phones=False)
    sharing = set(
        full.execute("SELECT DISTINCT id FROM r_phone SEMI JOIN l_phone USING (phone)").df()["id"]
    )
    near = set(lazy.execute("SELECT DISTINCT id FROM r_phone").df()["id"])
    assert sharing and sharing <= near
    assert len(near) < full.execute("SELECT count(DISTINCT id) FROM r_phone").fetchall()[0][0]
    compare_and_score(lazy, CFG, model, right_phones=False)
    cols = "l_id, r_id, phone_level, match_weight, band"
    a = full.execute(f"SELECT {cols} FROM scored_pairs ORDER BY l_id, r_id").df()
    b = lazy.execute(f"SELECT {cols} FROM scored_pairs ORDER BY l_id, r_id").df()
    assert a[["l_id", "r_id", "phone_level", "band"]].equals(
        b[["l_id", "r_id", "phone_level", "band"]]
    )
    assert (a["match_weight"] - b["match_weight"]).abs().max() < 1e-9
    assert (a["phone_level"] == "shared").sum() > 0  # the sample has shared phones to find
    # only the compared right-side people's phones were normalised, and every candidate's
    lazy_ids = set(lazy.execute("SELECT DISTINCT id FROM r_phone").df()["id"])
    full_ids = set(full.execute("SELECT DISTINCT id FROM r_phone").df()["id"])
    candidates = set(b["r_id"])
    assert 0 < len(lazy_ids) < len(full_ids)
    assert full_ids & candidates <= lazy_ids <= full_ids
    if reuse_model:  # no training pairs: the candidates' people alone
        assert lazy_ids <= candidates


def test_a_model_trained_on_other_levels_is_refused(trained):
    """Weights are looked up by level position: a model saved before a level was added
    would put them on the wrong levels, so it must be refused, naming the comparison."""
    path, _ = trained
    model = Model.load(path)
    labels = dict(model.labels)
    labels["address"] = [lv for lv in labels["address"] if lv != "same_house_street"]
    old = dataclasses.replace(model, labels=labels)
    con = _engine()
    block(con, CFG)
    with pytest.raises(ValueError, match=r"other comparison levels \(address\)"):
        compare_and_score(con, CFG, old)


def test_a_parent_and_child_with_one_name_at_one_address_stay_out_of_review(trained):
    """Born 12 or more years apart is a parent or child, not a slip: on the sample, rare
    names and a shared dwelling must not lift such a pair into review (at a fixed m of
    1e-5 one did, and raised a false welfare flag)."""
    path, _ = trained
    con = _engine()
    block(con, CFG)
    compare_and_score(con, CFG, Model.load(path))
    apart = con.execute("""
        SELECT count(*), count(*) FILTER (WHERE band <> 'discard'),
               count(*) FILTER (WHERE address_level = 'same_dwelling')
        FROM scored_pairs WHERE dob_level = 'generation_apart'
    """).fetchone()
    assert apart[0] > 0 and apart[2] > 0  # the sample has such pairs, some at one dwelling
    assert apart[1] == 0
