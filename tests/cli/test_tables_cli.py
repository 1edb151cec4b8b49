"""CLI tables at 80 columns and piped: names and paths wrap instead of being cut, p-values and numbers are whole,
columns go by priority (and the table says which); runs show the end of model and adapter paths; show gives
per-split pass rates."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from loopwork import weather_run
from rich.console import Console
from rich.text import Text
from typer.testing import CliRunner

from curator.checks import run_checks
from curator.cli.main import app
from curator.cli.tables import Col, fitted_table, model_label
from curator.demo.setup import demo_checks
from curator.review.runs import create_run_from_records, path_end
from curator.storage import items as item_queries
from curator.workspace import Workspace

LONG = "a-rather-long-run-name-that-would-be-cut-to-a-few-characters"
MODEL = "/home/someone/work/.curator/models/smollm2-135m-instruct"
ADAPTER = "/home/someone/work/.curator/models/adapters/job-12/adapter"


def _render(table, width: int) -> str:
    console = Console(width=width, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(table)
    return console.export_text()


def _reads_whole(name: str, output: str) -> bool:
    """Whether `name` is printed whole, maybe folded over several lines of its column: its pieces come in order."""
    rest = name.replace(" ", "")
    for line in output.splitlines():
        for token in line.split():
            if rest and rest.startswith(token):
                rest = rest[len(token) :]
    return rest == "" and "…" not in output.replace("…/", "")


def test_a_fitted_table_wraps_names_keeps_numbers_and_drops_by_priority():
    cols = [
        Col("name", wrap=True),
        Col("p", justify="right"),
        Col("note", wrap=True, drop=2),
        Col("count", justify="right", drop=1),
    ]
    rows = [[LONG, "< 0.001", "x" * 30, "12,345"], [Text("every", style="bold"), "0.0156", "short", "7"]]
    wide = _render(fitted_table(cols, rows, 200), 200)
    assert LONG in wide and "left out" not in wide
    middle = _render(fitted_table(cols, rows, 60), 60)
    assert "12,345" in middle and "< 0.001" in middle and "left out at 60 columns: note" in middle
    narrow = _render(fitted_table(cols, rows, 40), 40)
    assert "< 0.001" in narrow and "0.0156" in narrow  # never cut
    assert _reads_whole(LONG, narrow)  # folded onto lines, not cut
    assert narrow.splitlines()[0].split() == ["name", "p"] and "left out at 40 columns: note, count" in narrow
    assert max(len(line.rstrip()) for line in narrow.splitlines()) <= 40


def test_paths_show_their_distinguishing_end():
    assert path_end(ADAPTER) == "…/job-12/adapter" and path_end("models/m") == "models/m"
    assert model_label(MODEL, ADAPTER) == "…/smollm2-135m-instruct + …/job-12/adapter"
    assert model_label(None, None) == "—" and model_label("/r/x/a\x1b[2Jb", None) == "…/a\\x1b[2Jb"


@pytest.fixture
def runs_ws(workspace):
    """A base run with a long name and a re-eval run of it with a model folder and a job's adapter."""
    base = weather_run(workspace, name=LONG, per_case=2)
    records = []
    for item in item_queries.iter_items(workspace.db, base.run_id):
        fixed = item.split == "held_out" or item.item_id.startswith("dev-bright")
        output = item.target if fixed else item.output
        records.append({"item_id": item.item_id, "input": item.input, "target": item.target, "output": output})
        records[-1]["split"] = item.split
    after = create_run_from_records(
        workspace, "after", records, model=MODEL, adapter=ADAPTER, parent_run_id=base.run_id
    )
    run_checks(workspace, after.run_id, demo_checks())
    workspace.close()
    return workspace.root


def _cli(root, *args: str) -> str:
    done = CliRunner().invoke(app, ["-w", str(root), *args])
    assert done.exit_code == 0, done.output
    return done.stdout


def _fits(output: str, width: int = 80) -> None:
    assert max(len(line.rstrip()) for line in output.splitlines()) <= width, output


def test_runs_at_80_columns_show_whole_names_and_the_end_of_paths(runs_ws, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    output = _cli(runs_ws, "runs")
    _fits(output)
    assert _reads_whole(LONG, output) and "…/smollm2-135m-instruct" in output and "…/job-12/adapter" in output
    assert "…/models/s" not in output and "left out at 80 columns: parent, created, format" in output


def test_runs_piped_without_a_terminal_fit_80_columns(runs_ws):
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    done = subprocess.run(
        [sys.executable, "-m", "curator.cli.main", "-w", str(runs_ws), "runs"],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    _fits(done.stdout)
    assert _reads_whole(LONG, done.stdout) and "…/job-12/adapter" in done.stdout


def test_show_gives_pass_rates_per_split(runs_ws, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    output = _cli(runs_ws, "show", "after")
    assert f"model={MODEL} adapter={ADAPTER}" in output  # the full paths, left to the terminal to wrap
    _fits(output.split("\n", 1)[1])
    header = next(line for line in output.splitlines() if line.startswith("check"))
    assert header.split()[-2:] == ["dev", "held-out"]
    every = next(line for line in output.splitlines() if line.startswith("passes every check"))
    assert "100.0% (16/16)" in every  # every held-out item was fixed


def test_compare_at_80_columns_keeps_check_names_and_p_values_whole(runs_ws, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    output = _cli(runs_ws, "compare", "after")
    _fits(output[output.index("held-out: the verdict") : output.index("items fixed:")])  # the tables
    assert "no_think_without_api" in output and "no_think_without_…" not in output
    weather_tag = next(line for line in output.splitlines() if line.startswith("weather_tag"))
    assert "improved" in weather_tag and weather_tag.rstrip().endswith("< 0.001")
    assert "left out at 80 columns: Δ pts, still failing" in output
    wide = CliRunner().invoke(app, ["-w", str(runs_ws), "compare", "after"], env={"COLUMNS": "200"}).stdout
    assert "still failing" in wide and "verdict (McNemar)" in wide and "left out" not in wide.split("dev:")[0]


def test_the_sample_summary_at_80_columns_keeps_ids_and_counts(monkeypatch, capsys):
    from datetime import datetime

    from curator.cli.sample import _print_summary
    from curator.storage.rollouts import InputSummary, SampleSetRow

    monkeypatch.setenv("COLUMNS", "80")
    settings = {"backend": "transformers", "sample_s": 1.5}
    sample_set = SampleSetRow(4, 1, LONG, MODEL, ADAPTER, settings, "{}", {}, datetime(2026, 1, 1), 16)
    inputs = [
        InputSummary(k, f"held_out-sunny_punctuation-{k:02d}", "x " * 80, None, 8, k, 0.5, 1.0, 0.0) for k in (3, 8)
    ]
    _print_summary(sample_set, inputs, 0)
    printed = capsys.readouterr().out
    table = printed[printed.index("item") :]
    _fits(table)
    assert _reads_whole("held_out-sunny_punctuation-03", table) and "3/8" in table and "8/8" in table
    assert "mixed" in table and _reads_whole("all pass: no signal", table)


def test_examples_list_at_80_columns_keeps_each_text_whole(tmp_path, monkeypatch):
    from fixwork import weather_run as fix_weather_run

    monkeypatch.setenv("COLUMNS", "80")
    root = tmp_path / "ws"
    with Workspace.open(root) as ws:
        fix_weather_run(ws)
    _cli(root, "template", "from-item", "base", "0", "--name", "fix")
    _cli(root, "template", "slot", "fix", "Paris", "city", "--values", "Oslo,Bern,Nice,Kyiv,Lima")
    _cli(root, "generate", "fix", "-n", "3", "--seed", "3")
    listed = _cli(root, "examples", "list")
    _fits(listed)
    texts = [(e.input, e.target) for e in _examples(root)]
    assert texts and all(_reads_whole(i, listed) and _reads_whole(t, listed) for i, t in texts)


def _examples(root):
    from curator.fix import examples as example_domain

    with Workspace.open(root) as ws:
        return example_domain.list_examples(ws)
