"""`curator runs`, `show` and errors print user text as typed, never as Rich markup."""

import json
import subprocess
import sys

from typer.testing import CliRunner

from curator.cli.main import app
from curator.review import runs
from curator.workspace import Workspace


def _workspace_with_markup_run(path) -> None:
    with Workspace.open(path) as ws:
        runs.create_run_from_records(
            ws,
            "llama[/INST]",
            [{"item_id": "a", "input": "<s>[INST] 2+2? [/INST]", "output": "[bold]4"}],
            model="m[red]x",
        )


def test_runs_and_show_print_bracketed_names_literally(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    _workspace_with_markup_run(tmp_path / "ws")
    runner = CliRunner()
    listed = runner.invoke(app, ["--workspace", str(tmp_path / "ws"), "runs"], terminal_width=200)
    assert listed.exit_code == 0, listed.output
    assert "llama[/INST]" in listed.output and "m[red]x" in listed.output
    shown = runner.invoke(app, ["--workspace", str(tmp_path / "ws"), "show", "llama[/INST]"], terminal_width=200)
    assert shown.exit_code == 0, shown.output
    assert "llama[/INST]  model=m[red]x" in shown.output
    as_json = runner.invoke(app, ["--workspace", str(tmp_path / "ws"), "runs", "--json"])
    assert json.loads(as_json.output)[0]["name"] == "llama[/INST]"


def test_a_file_where_the_workspace_should_be_is_one_line(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    done = subprocess.run(
        [sys.executable, "-m", "curator.cli.main", "--workspace", str(blocker), "runs"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert f"cannot use {blocker} as a workspace" in done.stderr
    assert "Traceback" not in done.stderr
