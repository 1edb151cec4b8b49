"""A model folder printed workspace-relative (`models/...`, as `curator jobs` and `runs` print it) is accepted back
by `curator eval` from any folder."""

import json
import shutil

import pytest
from typer.testing import CliRunner

from curator.cli.main import app
from curator.demo.task import eval_records

pytestmark = pytest.mark.slow


def test_eval_takes_a_workspace_relative_model_path_from_another_folder(tmp_path, demo_model_dir, monkeypatch):
    workspace = tmp_path / "ws"
    shutil.copytree(demo_model_dir, workspace / "models" / "tiny")
    items = tmp_path / "eval.jsonl"
    records = eval_records(per_case=1)[:4]
    items.write_text("".join(json.dumps({"id": r["item_id"], "input": r["input"]}) + "\n" for r in records))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    options = ["--max-new-tokens", "4", "--cpu-threads", "1", "--dtype", "float32"]
    result = CliRunner().invoke(
        app, ["-w", str(workspace), "eval", "--model", "models/tiny", "--items", str(items), *options]
    )
    assert result.exit_code == 0, result.output
    assert "Stored run" in result.output


def test_a_folder_in_neither_place_is_named_as_typed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    items = tmp_path / "eval.jsonl"
    items.write_text(json.dumps({"id": "a", "input": "hi"}) + "\n")
    result = CliRunner().invoke(
        app, ["-w", str(tmp_path / "ws"), "eval", "--model", "models/nope", "--items", str(items)]
    )
    assert result.exit_code != 0
    assert "model path 'models/nope' is not a local folder" in str(result.exception)  # main() prints it in one line
