"""The fix commands refuse bad numbers, dangling sources and held-out items in one line, and print user text as-is."""

from __future__ import annotations

import json

import pytest
from fixwork import weather_run
from typer.testing import CliRunner

from curator.cli.main import app
from curator.errors import CuratorError
from curator.fix import examples as example_domain
from curator.fix.templates import library as templates
from curator.fix.templates import spec_from_dict
from curator.review.runs import create_run_from_records, list_runs
from curator.workspace import Workspace

TRICKY = "Say [/INST] then [bold]hi[/bold] for a[/b]"


def invoke(root, *args):
    return CliRunner().invoke(app, ["--workspace", str(root), *args], catch_exceptions=True)


@pytest.fixture
def root(tmp_path):
    root = tmp_path / "ws"
    with Workspace.open(root) as ws:
        weather_run(ws)
        templates.create_template(
            ws,
            spec_from_dict(
                {
                    "name": "tricky",
                    "input": TRICKY + " {{ n }}",
                    "target": "[/INST] ok {{ n }}",
                    "slots": {"n": ["1", "2"]},
                }
            ),
        )
        templates.create_from_item(ws, "base", 0, name="fx")
    return root


def refused(result, text):
    """main() prints a CuratorError as one line; here the error itself is checked."""
    assert isinstance(result.exception, CuratorError), result.output
    assert text in str(result.exception) and "\n" not in str(result.exception)


def test_markup_like_user_text_is_printed_verbatim(root):
    preview = invoke(root, "template", "preview", "tricky", "-n", "2")
    assert preview.exit_code == 0, preview.output
    assert "main input: 'Say [/INST] then [bold]hi[/bold] for a[/b]" in preview.output
    generated = invoke(root, "generate", "tricky", "-n", "2", "--seed", "1")
    assert generated.exit_code == 0, generated.output
    listed = invoke(root, "examples", "list")
    assert listed.exit_code == 0, listed.output
    assert "[/INST]" in listed.output and "[bold]" in listed.output
    listed_templates = invoke(root, "template", "list")
    assert listed_templates.exit_code == 0 and "tricky" in listed_templates.output


@pytest.mark.parametrize(
    "args",
    [
        ("generate", "fx", "-n", "-3"),
        ("generate", "fx", "-n", "0"),
        ("generate", "fx", "--guard-threshold", "5"),
        ("template", "preview", "fx", "-n", "-1"),
    ],
)
def test_out_of_range_numbers_are_usage_errors(root, args):
    result = invoke(root, *args)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "Invalid value" in result.output


def test_zero_dedupe_threshold_is_one_line_and_stores_nothing(root):
    refused(
        invoke(root, "generate", "fx", "--dedupe-threshold", "0"),
        "dedupe threshold must be above 0 and at most 1, not 0.0",
    )
    with Workspace.open(root) as ws:
        assert example_domain.list_examples(ws) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--source-run", "999"), "no run named '999'"),
        (("--source-item", "99999"), "run 'base' has no item with id '99999'"),
        (("--source-item", "3"), "item h1 of run 'base' is held out: examples start from dev items only"),
    ],
)
def test_dangling_or_held_out_sources_are_refused(root, args, message):
    refused(invoke(root, "generate", "fx", "-n", "2", *args), message)
    with Workspace.open(root) as ws:
        assert example_domain.list_examples(ws) == []


def test_template_from_a_held_out_item_is_refused(root):
    refused(
        invoke(root, "template", "from-item", "base", "3", "--name", "leak"),
        "item h1 of run 'base' is held out: templates start from dev items only",
    )
    assert "leak" not in invoke(root, "template", "list").output


def test_source_run_without_checks_is_named_in_a_warning(root):
    with Workspace.open(root) as ws:
        create_run_from_records(ws, "unchecked", [{"item_id": "z", "input": "hi", "target": "hello", "split": "dev"}])
        run_id = [r for r in list_runs(ws) if r.name == "unchecked"][0].run_id
    result = invoke(root, "generate", "fx", "-n", "2", "--source-run", str(run_id), "--source-item", "0", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output.splitlines()[-1])
    assert report["warnings"] == ["run 'unchecked' has no stored checks: examples were not graded by any check"]
    checked = json.loads(invoke(root, "generate", "fx", "-n", "2", "--json").output)
    assert checked["warnings"] == []
