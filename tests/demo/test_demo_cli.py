"""`curator demo` options: `--model` takes any local Hugging Face model folder, `--dtype` is checked and stored."""

import pytest
from typer.testing import CliRunner

from curator.cli.main import app
from curator.demo.setup import prepare_demo


def test_a_model_path_that_is_not_a_model_folder_is_one_line_and_changes_nothing(tmp_path):
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(app, ["-w", str(tmp_path / "ws"), "demo", "--model", str(tmp_path / "empty")])
    assert result.exit_code != 0
    assert "is not a local Hugging Face model folder (no config.json)" in str(result.exception or result.output)
    assert not (tmp_path / "ws").exists()


def test_an_unknown_dtype_is_refused_before_anything_runs(tmp_path):
    result = CliRunner().invoke(app, ["-w", str(tmp_path / "ws"), "demo", "--dtype", "fp8"])
    assert result.exit_code != 0
    assert "--dtype: 'fp8' is not one of auto, bfloat16, float16, float32" in str(result.exception or result.output)
    assert not (tmp_path / "ws").exists()


@pytest.mark.slow
def test_the_demo_evaluates_a_model_folder_it_is_given_and_stores_the_dtype(workspace, demo_model_dir):
    state = prepare_demo(workspace, model=demo_model_dir, dtype="float32")
    assert state.model_path == demo_model_dir.resolve()
    assert state.base_run.name == f"weather-base-{demo_model_dir.name}"
    assert state.base_run.settings["dtype"] == "float32" and state.base_run.item_count == 96
    assert not (workspace.models_dir / "smollm2-135m-instruct").exists()  # nothing converted when a model is given
    again = prepare_demo(workspace, model=demo_model_dir, dtype="float32")
    assert again.base_run.run_id == state.base_run.run_id and again.eval_s == 0.0
