"""`curator export --split`: one split of a run's items; held-out items never leave in a training shape."""

from __future__ import annotations

import json

import pytest
from fixwork import weather_run
from typer.testing import CliRunner

from curator.cli.main import app
from curator.errors import CuratorError
from curator.exports.library import export_run


@pytest.fixture
def run_ws(workspace):
    weather_run(workspace)
    return workspace


def _ids(path) -> list[tuple[str, str]]:
    return [(r["item_id"], r["split"]) for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())]


def test_a_raw_export_of_one_split_holds_only_its_items(run_ws):
    held = export_run(run_ws, "base", "raw", split="held-out")
    assert held.rows == 2 and _ids(held.path) == [("h1", "held_out"), ("h2", "held_out")]
    assert held.path.name == "base-held-out-raw.jsonl"
    dev = export_run(run_ws, "base", "raw", split="dev")
    assert dev.rows == 3 and {split for _, split in _ids(dev.path)} == {"dev"}
    assert export_run(run_ws, "base", "raw", "parquet", split="held_out").rows == 2


def test_held_out_in_a_training_shape_or_an_unknown_split_is_refused(run_ws):
    with pytest.raises(CuratorError, match="held-out items never leave for training"):
        export_run(run_ws, "base", "sft", split="held-out")
    with pytest.raises(CuratorError, match="unknown split 'test'"):
        export_run(run_ws, "base", "raw", split="test")
    assert not list(run_ws.exports_dir.glob("*"))
    assert export_run(run_ws, "base", "sft", split="dev").rows == 3


def test_the_cli_names_the_split_and_refuses_it_for_a_dataset(run_ws):
    root = run_ws.root
    run_ws.close()
    done = CliRunner().invoke(app, ["-w", str(root), "export", "base", "--split", "held-out"])
    assert done.exit_code == 0, done.output
    assert "Wrote 2 raw rows (held-out items) to " in done.output
    refused = CliRunner().invoke(app, ["-w", str(root), "export", "--dataset", "x", "--split", "dev"])
    assert isinstance(refused.exception, CuratorError)  # main() prints it as one line
    assert "a dataset version holds dev rows only" in str(refused.exception)
