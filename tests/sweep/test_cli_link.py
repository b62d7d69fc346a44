"""`sweep link` on the command line: the summary, the Parquet output, models, bad input."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sweep.cli import main
from tests.transforms.test_link import MAPPING, make_extracts


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory):
    return make_extracts(tmp_path_factory.mktemp("cli_link"), seed=11)


def test_link_prints_summary_and_writes_pairs(
    data, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pairs.parquet"
    model = tmp_path / "model.json"
    args = ["link", "--left", str(data.left), "--right", str(data.right), "--mapping"]
    args += [str(MAPPING), "--out", str(out), "--truth", str(data.truth)]
    assert main([*args, "--save-model", str(model)]) == 0
    text = capsys.readouterr().out
    for expected in (
        "left  left.csv: 800 rows",
        "candidate pairs:",
        "blocking recall:",
        "review (default)",
        "best F1",
        f"model saved to {model}",
        "DuckDB memory limit 700MB",  # "auto" on a small right side: the floor
    ):
        assert expected in text
    pairs = pd.read_parquet(out)
    assert list(pairs.columns[:5]) == [
        "left_id",
        "right_id",
        "match_weight",
        "match_probability",
        "band",
    ]
    assert model.exists()

    # the saved model is reused: same weights, no training
    out2 = tmp_path / "again.parquet"
    assert (
        main(
            [
                "link",
                "--left",
                str(data.left),
                "--right",
                str(data.right),
                "--mapping",
                str(MAPPING),
                "--out",
                str(out2),
                "--model",
                str(model),
                "--memory-limit",
                "300MB",
            ]
        )
        == 0
    )
    again = pd.read_parquet(out2)
    pd.testing.assert_series_equal(pairs["match_weight"], again["match_weight"])
    assert "DuckDB memory limit 300MB" in capsys.readouterr().out

    # any pair of the output is explained from the file
    top = pairs.iloc[0]
    assert main(["explain", top["left_id"], top["right_id"], "--pairs", str(out)]) == 0
    assert f"match weight {top['match_weight']:+.2f}" in capsys.readouterr().out
    assert main(["explain", "x", "y", "--pairs", str(tmp_path / "none.parquet")]) == 2
    assert "none.parquet" in capsys.readouterr().err


def test_link_bad_mapping_and_missing_file(
    data, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[left]\nid = "rec_id"\nsurname = "surname"\ncolour = "x"\n[right]\n'
        'id = "person_ref"\nfull_name = "name"\n',
        encoding="utf-8",
    )
    args = [
        "link",
        "--left",
        str(data.left),
        "--right",
        str(data.right),
        "--out",
        str(tmp_path / "p.parquet"),
        "--mapping",
    ]
    assert main([*args, str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("sweep link: ") and str(bad) in err and "colour" in err
    assert (
        main(
            [
                "link",
                "--left",
                str(tmp_path / "nope.csv"),
                "--right",
                str(data.right),
                "--out",
                str(tmp_path / "p.parquet"),
                "--mapping",
                str(MAPPING),
            ]
        )
        == 2
    )
    assert "nope.csv: file not found" in capsys.readouterr().err
    ok = ["link", "--left", str(data.left), "--right", str(data.right), "--mapping", str(MAPPING)]
    assert main([*ok, "--out", str(tmp_path / "p.parquet"), "--memory-limit", "lots"]) == 2
    assert "engine.link_memory_limit 'lots'" in capsys.readouterr().err
    assert not (tmp_path / "p.parquet").exists()


def test_link_with_labels(data, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "pairs.parquet"
    model = tmp_path / "model.json"
    args = ["link", "--left", str(data.left), "--right", str(data.right), "--mapping"]
    args += [str(MAPPING), "--out", str(out), "--labels", str(data.truth)]
    assert main([*args, "--save-model", str(model)]) == 0
    assert (
        "m from 400 labelled true pairs (0 naming an id that is not in its"
        in capsys.readouterr().out
    )
    assert '"m_from": "labels"' in model.read_text("utf-8")
    # labels train a model; a saved model is reused as it is: not both
    assert main([*args, "--model", str(model)]) == 2
    assert "--labels trains a model and --model reuses one" in capsys.readouterr().err
