"""No escape sequence from a log, a model or a spec reaches the terminal through any CLI command that prints
items or names: ANSI (clear screen), OSC 0 (window title), OSC 52 (clipboard), C1 CSI and bidi overrides are
shown as visible escapes, and Rich markup like `[/INST]` or `[b]x[/b]` prints as typed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from curator.cli.main import app

BAD = Path(__file__).resolve().parents[1] / "data" / "bad" / "cli"
RAW = ("\x1b", "\x07", "\x9b", "\u202e")  # what must never reach the terminal


@pytest.fixture(autouse=True)
def wide_consoles(monkeypatch):
    """Wide enough that no name is cut short (a cut name would hide what the test looks for)."""
    monkeypatch.setenv("COLUMNS", "400")


@pytest.fixture(scope="module")
def hostile_ws(tmp_path_factory) -> Path:
    """A workspace filled through the CLI from the hostile files: an Inspect log whose task and model names and
    items carry escapes, a JSONL of such items, checks and a template named and written with them."""
    root = tmp_path_factory.mktemp("escapes") / "ws"
    for args in (
        ["import", str(BAD / "escapes_inspect.json")],
        ["import", str(BAD / "escapes.jsonl")],
        ["check", "escapes", "--spec", str(BAD / "escapes_checks.toml")],
        ["template", "new", str(BAD / "escapes_template.json")],
        ["generate", "esc", "-n", "2", "--seed", "1"],
    ):
        result = CliRunner().invoke(app, ["--workspace", str(root), *args])
        assert result.exit_code == 0, (args, result.output)
    return root


def run_cli(root: Path, *args: str):
    result = CliRunner().invoke(app, ["--workspace", str(root), *args], terminal_width=400)
    return result


def assert_literal(output: str, *visible: str) -> None:
    leaked = [repr(c) for c in RAW if c in output]
    assert not leaked, f"raw {leaked} reached the terminal:\n{output!r}"
    for text in visible:
        assert text in output, f"{text!r} not shown:\n{output}"


def test_import_prints_task_and_model_names_literally(tmp_path):
    result = run_cli(tmp_path / "ws", "import", str(BAD / "escapes_inspect.json"))
    assert result.exit_code == 0, result.output
    assert_literal(result.output, "pop\\x1b]0;pwned\\x07[/INST]", "gpt\\x1b[2J\\x1b[H[b]x[/b]")


@pytest.mark.parametrize(
    ("args", "visible"),
    [
        (["runs"], ["pop\\x1b]0;pwned\\x07[/INST]", "escapes"]),
        (["show", "pop\x1b]0;pwned\x07[/INST]"], ["pop\\x1b]0;pwned\\x07[/INST]", "gpt\\x1b[2J\\x1b[H[b]x[/b]"]),
        (["show", "escapes"], ["tag\\x1b]0;pwned\\x07[/INST]", "clip\\x1b]52;c;ZXZpbA==\\x07[b]x[/b]"]),
        (["check", "escapes"], ["tag\\x1b]0;pwned\\x07[/INST]", "clip\\x1b]52;c;ZXZpbA==\\x07[b]x[/b]"]),
        (["check", "escapes", "--json"], ["tag\\u001b]0;pwned\\u0007[/INST]"]),
        (["examples", "list"], ["[/INST] \\x1b[2J", "[b]rain[/b]", "\\x1b]52;c;ZXZpbA==\\x07"]),
        (["examples", "list", "--json"], ["[/INST] \\u001b[2J", "[b]rain[/b]"]),
        (["template", "list"], ["esc"]),
        (["template", "show", "esc"], ["\\u001b]0;pwned\\u0007", "[b]rain[/b]"]),
        (["template", "preview", "esc"], ["sun\\x1b]0;pwned\\x07", "[b]rain[/b]", "[/INST]"]),
    ],
    ids=lambda value: " ".join(value)[:40].encode("unicode_escape").decode() if isinstance(value, list) else None,
)
def test_every_printing_command_shows_escapes_visibly(hostile_ws, args, visible):
    result = run_cli(hostile_ws, *args)
    assert result.exit_code == 0, result.output
    assert_literal(result.output, *visible)


def test_json_output_stays_valid_json_with_c1_and_bidi_escaped(hostile_ws):
    result = run_cli(hostile_ws, "examples", "list", "--json")
    assert_literal(result.output)
    rows = json.loads(result.output)
    assert any("\x1b[2J" in r["input"] for r in rows)  # the data is intact for scripts


def test_jobs_datasets_and_prompts_print_names_literally(tmp_path):
    from curator.recipes import library as recipe_domain
    from curator.recipes.spec import spec_from_dict
    from curator.storage import jobs as job_queries
    from curator.workspace import Workspace

    root = tmp_path / "ws"
    hostile = "s\x1b]0;pwned\x07[b]x[/b]\x1b]52;c;ZXZpbA==\x07"
    with Workspace.open(root) as ws:
        spec = {"name": "mix", "total": 1, "sources": [{"name": hostile, "kind": "seed", "share": 1}]}
        spec["sources"][0]["rows"] = [{"prompt": "p", "completion": "c"}]
        recipe_domain.save_recipe(ws, spec_from_dict(spec))
        job_id = job_queries.insert_job(ws.db, dataset_path="d.jsonl", base_model=f"m{hostile}", config={})
        job_queries.mark_finished(ws.db, job_id, "failed", error=f"boom [/INST] {hostile}")
    shown = "s\\x1b]0;pwned\\x07[b]x[/b]\\x1b]52;c;ZXZpbA==\\x07"
    for args in (["dataset", "plan", "mix"], ["dataset", "build", "mix"], ["jobs"]):
        result = run_cli(root, *args)
        assert result.exit_code == 0, (args, result.output)
        assert_literal(result.output, shown if args[0] == "dataset" else "boom [/INST]")
    with Workspace.open(root) as ws:
        from curator.review.runs import create_run_from_records

        create_run_from_records(ws, f"r{hostile}", [{"item_id": "a", "input": "q", "output": "o"}])
    result = CliRunner().invoke(app, ["--workspace", str(root), "delete", f"r{hostile}"], input="n\n")
    assert_literal(result.output, f"Delete run 'r{shown}'")


def test_cluster_suggestions_print_names_and_items_literally(capsys):
    from curator.cli.patterns import print_suggestions
    from curator.patterns.suggestions import Suggestion

    fields = Suggestion.__dataclass_fields__
    representative = type("Rep", (), {"item_id": "i\x1b[2J", "input": "[/INST] \x1b]52;c;ZXZpbA==\x07", "output": ""})
    values = {
        "number": 1,
        "name": "weather\x1b]0;pwned\x07[b]x[/b]",
        "keywords": ["k"],
        "status": "suggested",
        "size": 3,
        "bucket_name": None,
        "failed_checks": [("tag\x9b31m", 3)],
        "representatives": [representative],
    }
    print_suggestions([Suggestion(**{k: values.get(k) for k in fields if k in values})], False)
    out = capsys.readouterr().out
    assert_literal(out, "weather\\x1b]0;pwned\\x07[b]x[/b]", "i\\x1b[2J", "[/INST] \\x1b]52;c;ZXZpbA==\\x07")


def test_an_error_naming_a_hostile_run_is_one_literal_line(hostile_ws):
    done = subprocess.run(
        [sys.executable, "-m", "curator.cli.main", "--workspace", str(hostile_ws), "show", "x\x1b]0;t\x07[/INST]"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert_literal(done.stderr, "x\\x1b]0;t\\x07[/INST]")
    assert len(done.stderr.strip().splitlines()) == 1


def test_progress_descriptions_show_names_literally():
    import io

    from rich.console import Console

    from curator.cli.context import LiteralTextColumn

    column = LiteralTextColumn()
    task = type("Task", (), {"description": "checking tag\x1b]0;pwned\x07[/INST]\nnext"})()
    buffer = io.StringIO()
    Console(file=buffer, force_terminal=True).print(column.render(task))
    assert_literal(buffer.getvalue().replace("\x1b[0m", "").replace("\x1b[m", ""), "tag\\x1b]0;pwned\\x07[/INST]")
