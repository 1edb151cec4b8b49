"""The demo's loop table, dataset, template and bucket listings at 80 columns and piped: names wrap instead of
being cut, numbers and p-values stay whole, and when the columns that always stay are too wide the names narrow."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from rich.console import Console
from typer.testing import CliRunner

from curator.cli.demo import _loop_table
from curator.cli.main import app
from curator.cli.tables import Col, fitted_table

LONG = "a-rather-long-recipe-name-that-would-be-cut-to-a-few-characters"
CHECK = "weather_tag_present_and_well_formed_in_every_reply"


def _render(table, width: int) -> str:
    console = Console(width=width, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(table)
    return console.export_text()


def _reads_whole(text: str, output: str) -> bool:
    """Whether `text` is printed whole, maybe folded over several lines of its column: its pieces come in order."""
    rest = text.replace(" ", "")
    for line in output.splitlines():
        for token in line.split():
            if rest and rest.startswith(token):
                rest = rest[len(token) :]
    return rest == "" and "…" not in output


def _fits(output: str, width: int = 80) -> None:
    assert max(len(line.rstrip()) for line in output.splitlines()) <= width, output


def _rates(before: float, after: float | None) -> dict:
    return {
        "before": {"dev": before, "held_out": before},
        "after": {"dev": after, "held_out": after},
        "fixed": {"held_out": 12},
        "regressed": {"held_out": 3},
        "p_value": {"held_out": 0.000123},
    }


def test_the_demo_loop_table_keeps_held_out_figures_and_drops_dev_first():
    loop = {"loop": 1, "checks": {"every check": _rates(0.4, 0.9), CHECK: _rates(0.5, None)}}
    wide = _render(_loop_table(loop, 120), 120)
    assert CHECK in wide and "left out" not in wide
    for width in (80, 60):
        narrow = _render(_loop_table(loop, width), width)
        _fits(narrow, width)
        assert narrow.count("0.000123") == 2 and narrow.count("12/3") == 2 and "90%" in narrow
        assert _reads_whole(CHECK, narrow)
    assert "left out at 60 columns: dev before, dev after" in _render(_loop_table(loop, 60), 60)


def test_names_narrow_before_a_number_is_cut():
    cols = [Col("name", wrap=True), Col("first", justify="right"), Col("second", justify="right")]
    rows = [["x" * 40, "1,234,567.89", "< 0.001"]]
    narrow = _render(fitted_table(cols, rows, 32), 32)  # the name gets 7 of its 40 cells
    _fits(narrow, 32)
    assert "1,234,567.89" in narrow and "< 0.001" in narrow and "x" * 6 in narrow


def _invoke(root, *args):
    done = CliRunner().invoke(app, ["-w", str(root), *args])
    assert done.exit_code == 0, done.output
    return done.stdout


def _recipe(tmp_path):
    path = tmp_path / "recipe.toml"
    rows = ", ".join(f'{{ prompt = "question {k}", completion = "answer {k}" }}' for k in range(3))
    path.write_text(f'name = "{LONG}"\ntotal = 3\n[[source]]\nkind = "seed"\nshare = 1\nrows = [{rows}]\n')
    return path


def test_dataset_recipe_and_list_at_80_columns(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    root = tmp_path / "ws"
    planned = _invoke(root, "dataset", "recipe", str(_recipe(tmp_path)))
    _fits(planned)
    assert "100%" in planned and "seed" in planned
    _invoke(root, "dataset", "build", LONG)
    listed = _invoke(root, "dataset", "list")
    _fits(listed)
    assert _reads_whole(LONG, listed.replace("…/", "")) and "v1" in listed


def test_templates_and_buckets_piped_fit_80_columns(tmp_path):
    root = tmp_path / "ws"
    spec = tmp_path / "t.toml"
    spec.write_text(f'name = "{LONG}"\ninput = "Turn on the {{{{ thing }}}}"\ntarget = "on"\n[slots]\nthing = ["a"]\n')
    _invoke(root, "bucket", "new", LONG + "-bucket", "--description", "what the items in it get wrong " * 3)
    _invoke(root, "template", "new", str(spec), "--bucket", LONG + "-bucket")
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    for command, name in ((["template", "list"], LONG), (["bucket", "list"], LONG + "-bucket")):
        done = subprocess.run(
            [sys.executable, "-m", "curator.cli.main", "-w", str(root), *command],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        _fits(done.stdout)
        assert _reads_whole(name, done.stdout)
    listed = json.loads(_invoke(root, "template", "list", "--json"))
    assert listed[0]["bucket"] == LONG + "-bucket"
