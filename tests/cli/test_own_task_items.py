"""Every command that takes an item accepts the id the user sees (`dev-act-28`), and its number in the run."""

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
