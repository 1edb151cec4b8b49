"""Every command that takes an item accepts the id the user sees (`dev-act-28`), and its number in the run."""

import json

from typer.testing import CliRunner

from curator.cli.main import app
from curator.fix.templates.library import get_template
from curator.review.runs import create_run_from_records
from curator.workspace import Workspace

RECORDS = [
    {"item_id": "dev-act-28", "input": "Turn on the lamp", "target": "ACTION: lamp_on", "output": "ok"},
    {"item_id": "7", "input": "Turn off the fan", "target": "ACTION: fan_off", "output": "sure"},
    {"item_id": "dev-act-29", "input": "Open the door", "target": "ACTION: door_open", "output": "done"},
    {"item_id": "held-1", "input": "Lock the door", "target": "ACTION: lock", "output": "no", "split": "held_out"},
]


def _workspace(tmp_path):
    root = tmp_path / "ws"
    with Workspace.open(root) as ws:
        create_run_from_records(ws, "acts", RECORDS)
    return root


def _invoke(root, *args):
    return CliRunner().invoke(app, ["--workspace", str(root), *args], terminal_width=200)


def test_template_from_item_takes_the_shown_id(tmp_path):
    root = _workspace(tmp_path)
    result = _invoke(root, "template", "from-item", "acts", "dev-act-28", "--name", "lamp")
    assert result.exit_code == 0, result.output
    assert "started from item dev-act-28 of 'acts'" in result.output
    with Workspace.open(root) as ws:
        record = get_template(ws, "lamp")
        assert record.source_item_key == 0 and "Turn on the lamp" in record.spec.input


def test_an_id_wins_over_a_number_and_a_number_still_works(tmp_path):
    root = _workspace(tmp_path)
    assert _invoke(root, "template", "from-item", "acts", "7", "--name", "by-id").exit_code == 0  # the id "7"
    assert _invoke(root, "template", "from-item", "acts", "2", "--name", "by-key").exit_code == 0  # no id "2"
    with Workspace.open(root) as ws:
        assert get_template(ws, "by-id").source_item_key == 1
        assert get_template(ws, "by-key").spec.input == "Open the door"


def test_an_unknown_or_held_out_item_is_one_line_and_stores_nothing(tmp_path):
    root = _workspace(tmp_path)
    unknown = _invoke(root, "template", "from-item", "acts", "dev-act-99")
    assert unknown.exit_code != 0 and "has no item with id 'dev-act-99'" in str(unknown.exception)
    held = _invoke(root, "template", "from-item", "acts", "held-1")
    assert held.exit_code != 0 and "held out" in str(held.exception)
    assert _invoke(root, "template", "list", "--json").output.strip() == "[]"


def _examples(root):
    return json.loads(_invoke(root, "examples", "list", "--json").output)


def test_generate_takes_the_shown_id_of_the_source_item(tmp_path):
    root = _workspace(tmp_path)
    assert _invoke(root, "template", "from-item", "acts", "dev-act-28", "--name", "lamp").exit_code == 0
    by_id = _invoke(root, "generate", "lamp", "--source-item", "dev-act-29", "-n", "2", "--seed", "1", "--json")
    assert by_id.exit_code == 0, by_id.output
    by_number = _invoke(root, "generate", "lamp", "--source-run", "acts", "--source-item", "7", "-n", "1", "--json")
    assert by_number.exit_code == 0, by_number.output
    assert {(e["batch"], e["source_item_key"]) for e in _examples(root)} == {(1, 2), (2, 1)}  # "7" is an id


def test_generate_refuses_an_unknown_item_or_one_without_a_run_and_stores_nothing(tmp_path):
    root = _workspace(tmp_path)
    _invoke(root, "template", "from-item", "acts", "dev-act-28", "--name", "lamp")
    unknown = _invoke(root, "generate", "lamp", "--source-item", "dev-act-99")
    assert unknown.exit_code != 0 and "run 'acts' has no item with id 'dev-act-99'" in str(unknown.exception)
    held = _invoke(root, "generate", "lamp", "--source-item", "held-1")
    assert held.exit_code != 0 and "item held-1 of run 'acts' is held out" in str(held.exception)
    spec = tmp_path / "free.toml"
    spec.write_text('name = "free"\ninput = "Turn on the {{ thing }}"\ntarget = "on"\n[slots]\nthing = ["a", "b"]\n')
    assert _invoke(root, "template", "new", str(spec)).exit_code == 0
    no_run = _invoke(root, "generate", "free", "--source-item", "dev-act-28")
    assert no_run.exit_code != 0 and "needs --source-run" in str(no_run.exception)
    assert _examples(root) == []


def test_template_list_names_the_source_run_and_item_id(tmp_path):
    root = _workspace(tmp_path)
    _invoke(root, "template", "from-item", "acts", "dev-act-28", "--name", "lamp")
    listed = json.loads(_invoke(root, "template", "list", "--json").output)
    assert (listed[0]["source_run"], listed[0]["source_item_id"], listed[0]["source_item_key"]) == (
        "acts",
        "dev-act-28",
        0,
    )
    table = CliRunner().invoke(app, ["--workspace", str(root), "template", "list"], terminal_width=80).output
    assert "acts dev-act-28" in table
