"""`curator eval` over an eval file: a new run linked to the imported run, settings stored, checks applied."""

import json

import pytest
from loopwork import weather_run
from typer.testing import CliRunner

from curator.cli.main import app
from curator.demo.setup import checks_file
from curator.demo.task import eval_records
from curator.review.runs import list_runs, summarise_run
from curator.workspace import Workspace

pytestmark = pytest.mark.slow


def test_eval_over_a_file_stores_a_linked_run_with_its_settings_and_checks(tmp_path, demo_model_dir):
    items = tmp_path / "eval.jsonl"
    items.write_text(
        "".join(
            json.dumps({"id": r["item_id"], "input": r["input"], "target": r["target"], "split": r["split"]}) + "\n"
            for r in eval_records(per_case=1)
        )
    )
    result = CliRunner().invoke(
        app,
        [
            "-w",
            str(tmp_path / "ws"),
            "eval",
            "--model",
            str(demo_model_dir),
            "--items",
            str(items),
            "--checks",
            str(checks_file()),
            "--name",
            "tiny",
            "--max-new-tokens",
            "16",
            "--cpu-threads",
            "1",
            "--dtype",
            "float32",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Stored run 'tiny' (16 items" in result.output
    with Workspace.open(tmp_path / "ws") as ws:
        runs = {r.name: r for r in list_runs(ws)}
        new = runs["tiny"]
        assert runs[new.parent_name].source_path.endswith("eval.jsonl")
        assert new.settings["backend"] == "transformers"
        assert new.settings["generation"]["max_new_tokens"] == 16
        assert new.settings["dtype"] == "float32"
        assert {c.name for c in summarise_run(ws, new.run_id).checks} >= {"weather_tag", "answer"}


def test_eval_with_a_model_path_that_is_not_a_folder_fails_in_one_line(workspace):
    weather_run(workspace, per_case=1)
    workspace.close()
    result = CliRunner().invoke(
        app, ["-w", str(workspace.root), "eval", "--model", "org/hub-model", "--items", "weather"]
    )
    assert result.exit_code != 0
    assert "is not a local folder" in str(result.exception or result.output)


def test_an_unknown_dtype_is_refused_in_one_line_before_anything_runs(workspace):
    weather_run(workspace, per_case=1)
    workspace.close()
    result = CliRunner().invoke(
        app, ["-w", str(workspace.root), "eval", "-m", str(workspace.root), "--items", "weather", "--dtype", "fp8"]
    )
    assert result.exit_code != 0
    assert "--dtype: 'fp8' is not one of auto, bfloat16, float16, float32" in str(result.exception or result.output)
    assert not (workspace.root / "jobs").exists()


def test_the_workspace_is_free_while_the_eval_child_generates(workspace, demo_model_dir):
    import subprocess
    import sys
    import time

    from curator.errors import WorkspaceLockedError

    weather_run(workspace, per_case=1)
    root = workspace.root
    workspace.close()
    cli = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from curator.cli.main import main; main()",
            "-w",
            str(root),
            "eval",
            "--model",
            str(demo_model_dir),
            "--items",
            "weather",
            "--name",
            "after",
            "--max-new-tokens",
            "16",
            "--cpu-threads",
            "1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    opened_before_the_run_was_stored, deadline = False, time.monotonic() + 120
    try:
        while not opened_before_the_run_was_stored and cli.poll() is None and time.monotonic() < deadline:
            if list((root / "jobs").glob("eval-*/child.log")):
                try:
                    with Workspace.open(root) as ws:  # what `curator runs` or the app does meanwhile
                        opened_before_the_run_was_stored = [r.name for r in list_runs(ws)] == ["weather"]
                except WorkspaceLockedError:
                    pass
            time.sleep(0.1)
        output = cli.communicate(timeout=180)[0]
    finally:
        if cli.poll() is None:
            cli.kill()
    assert opened_before_the_run_was_stored, output
    assert cli.returncode == 0 and "Stored run 'after'" in output, output
    with Workspace.open(root) as ws:
        assert sorted(r.name for r in list_runs(ws)) == ["after", "weather"]
