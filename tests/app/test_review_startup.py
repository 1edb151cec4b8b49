"""The app starts light: after it has run, no ML library is in sys.modules; `curator open` reaches it."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("torch", "transformers", "peft", "trl", "vllm", "sentence_transformers", "sklearn", "datasets")

PROBE = """
import asyncio, json, sys
from curator.workspace import Workspace
from curator.app.curator_app import CuratorApp

async def main():
    with Workspace.open(sys.argv[1]) as ws:
        app = CuratorApp(ws)
        async with app.run_test() as pilot:
            await pilot.press("question_mark")
            await pilot.pause()
    print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))

asyncio.run(main())
"""


def test_the_running_app_imports_no_ml_library(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path / "ws")], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert "textual" in loaded
    assert not loaded & set(HEAVY)


def test_open_is_a_command_with_help():
    done = subprocess.run(
        [sys.executable, "-m", "curator.cli.main", "open", "--help"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "Open the review app on a workspace" in done.stdout


def test_bare_curator_and_curator_open_start_the_app_on_the_chosen_workspace(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from curator.app.curator_app import CuratorApp
    from curator.cli.main import app as cli

    opened = []
    monkeypatch.setattr(CuratorApp, "run", lambda self: opened.append(self.workspace.root))
    runner = CliRunner()
    assert runner.invoke(cli, ["open", str(tmp_path / "a")]).exit_code == 0
    assert runner.invoke(cli, ["--workspace", str(tmp_path / "b")]).exit_code == 0
    assert opened == [tmp_path / "a", tmp_path / "b"]
    assert (tmp_path / "a" / "curator.duckdb").is_file()
