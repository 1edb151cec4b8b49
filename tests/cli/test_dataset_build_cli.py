"""`curator dataset build` names both sides of the closest row / held-out pair."""

from __future__ import annotations

import json

from fixwork import weather_run
from typer.testing import CliRunner

from curator.cli.main import app
from curator.workspace import Workspace


def test_the_build_message_names_the_row_and_the_held_out_item(tmp_path):
    root = tmp_path / "ws"
    with Workspace.open(root) as ws:
        weather_run(ws)  # held-out h1: "<api> What is the weather in Rome? It is sunny!"
    rows = [{"prompt": "Tell me a story about Rome and sunny weather", "completion": "Once upon a time..."}]
    path = tmp_path / "recipe.toml"
    path.write_text(
        'name = "mix"\ntotal = 1\n[[source]]\nkind = "seed"\nshare = 1\n'
        f"rows = [{{ prompt = {json.dumps(rows[0]['prompt'])}, completion = {json.dumps(rows[0]['completion'])} }}]\n"
    )
    runner = CliRunner()
    assert runner.invoke(app, ["--workspace", str(root), "dataset", "recipe", str(path)]).exit_code == 0
    built = runner.invoke(app, ["--workspace", str(root), "dataset", "build", "mix"])
    assert built.exit_code == 0, built.output
    said = " ".join(built.output.split())  # the console wraps at 80 columns
    assert "nearest held-out item to any row: similarity 0." in said
    assert "(row 1: Tell me a story about Rome" in said and "~ held-out item h1)" in said
