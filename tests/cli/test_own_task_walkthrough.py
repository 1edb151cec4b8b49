"""The files of docs/own-task.md: the eval set imports with its splits, the checks grade its targets as passing,
the template renders targets the checks pass, and the recipe names the bucket the walkthrough creates. The
model steps (eval, train, re-eval) are the walkthrough's own; here every command before them runs for real."""

import json
from pathlib import Path

from typer.testing import CliRunner

from curator.cli.main import app
from curator.fix.templates import TemplateRenderer
from curator.fix.templates.files import load_template_file
from curator.recipes.spec import load_recipe

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "own-task"


def _invoke(root, *args):
    result = CliRunner().invoke(app, ["--workspace", str(root), *args], terminal_width=200)
    assert result.exit_code == 0, (args, result.output, result.exception)
    return result.output


def test_the_eval_set_imports_with_its_split_field_and_its_targets_pass_the_checks(tmp_path):
    root = tmp_path / "ws"
    _invoke(root, "import", str(EXAMPLES / "evals.jsonl"), "--split-field", "split", "--name", "home")
    shown = _invoke(root, "show", "home")
    assert "24 items: 16 dev, 8 held_out" in shown
    # graded against their own targets, the checks must pass every item (a check that fails a right answer is wrong)
    rows = [json.loads(line) for line in (EXAMPLES / "evals.jsonl").read_text(encoding="utf-8").splitlines()]
    answered = tmp_path / "answered.jsonl"
    answered.write_text("".join(json.dumps({**r, "output": r["target"]}) + "\n" for r in rows), encoding="utf-8")
    _invoke(root, "import", str(answered), "--split-field", "split", "--name", "oracle")
    checked = json.loads(_invoke(root, "check", "oracle", "--spec", str(EXAMPLES / "checks.toml"), "--json"))
    assert {c["name"]: (c["passed"], c["total"]) for c in checked["checks"]} == {"json": (24, 24), "command": (24, 24)}


def test_the_template_renders_96_commands_and_the_recipe_takes_the_commands_bucket():
    spec = load_template_file(EXAMPLES / "commands.toml")
    renderer = TemplateRenderer(spec)
    assert renderer.total == 96
    examples, _ = renderer.sample(5, 1)
    for example in examples:
        command = json.loads(example.target)
        assert command["room"] in example.input and command["action"] in {
            "lights_on",
            "lights_off",
            "blinds_open",
            "blinds_close",
        }
    recipe = load_recipe(EXAMPLES / "recipe.toml")
    assert recipe.name == "home-fix" and [s.buckets for s in recipe.sources] == [["commands"]]
