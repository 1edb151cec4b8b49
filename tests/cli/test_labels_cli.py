"""`curator label`, `labels` and `calibrate` on a real workspace: one item, a filter, JSON, bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from curator.cli.main import app
from curator.errors import CuratorError
from curator.review.runs import create_run_from_records
from curator.storage.browse import store_check_results
from curator.storage.runs import table_counts
from curator.workspace import Workspace


@pytest.fixture
def ws_path(tmp_path):
    path = tmp_path / "ws"
    with Workspace.open(path) as ws:
        records = [{"item_id": f"dev-act-{k}", "input": "q", "output": "w " * (k + 1)} for k in range(30)]
        run_id = create_run_from_records(ws, "run[1]", records).run_id
        with ws.db.transaction() as cur:
            store_check_results(cur, run_id, "answer", "exact", {k: (k % 3 != 0, "") for k in range(30)})
    return path


def invoke(path, *args):
    return CliRunner().invoke(app, ["--workspace", str(path), *args], terminal_width=200)


def test_label_one_item_change_it_clear_it_and_list(ws_path):
    done = invoke(ws_path, "label", "run[1]", "dev-act-3", "answer", "pass", "--note", "the check is wrong here")
    assert done.exit_code == 0, done.output
    assert "dev-act-3 labelled pass for check 'answer'" in done.output and "the check said fail" in done.output
    listed = json.loads(invoke(ws_path, "labels", "run[1]", "--json").output)
    assert [(x["item_id"], x["label"], x["check_said"], x["note"]) for x in listed] == [
        ("dev-act-3", "pass", "fail", "the check is wrong here")
    ]
    assert invoke(ws_path, "label", "run[1]", "dev-act-3", "answer", "fail").exit_code == 0
    assert json.loads(invoke(ws_path, "labels", "run[1]", "--json").output)[0]["label"] == "fail"
    table = invoke(ws_path, "labels", "run[1]")
    assert "dev-act-3" in table.output and "Labels: run[1]" in table.output
    cleared = invoke(ws_path, "label", "run[1]", "dev-act-3", "answer", "clear")
    assert "dev-act-3 cleared" in cleared.output
    assert json.loads(invoke(ws_path, "labels", "run[1]", "--json").output) == []


def test_label_over_a_filter_then_calibrate(ws_path):
    done = invoke(ws_path, "label", "run[1]", "--filter", "failing:answer", "answer", "fail")
    assert done.exit_code == 0, done.output
    assert "labelled fail: 10 item(s) of run 'run[1]' for check 'answer'" in done.output
    assert invoke(ws_path, "label", "run[1]", "-f", "passing", "answer", "pass").exit_code == 0
    report = invoke(ws_path, "calibrate", "run[1]", "answer", "--json")
    assert report.exit_code == 0, report.output
    payload = json.loads(report.output)
    assert payload["tpr"] == 1.0 and payload["tnr"] == 1.0 and payload["uncalibrated"] is True
    assert payload["confusion"]["false_pass"] == 0 and payload["clean_test"] is True
    assert payload["problems"][0].startswith("uncalibrated: under 20 test labels per verdict")
    shown = invoke(ws_path, "calibrate", "run[1]", "answer")
    assert "warning: uncalibrated" in shown.output and "TPR (Wilson 95%)" in shown.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("label", "nope", "dev-act-1", "answer", "pass"), "no run named 'nope'"),
        (("label", "run[1]", "dev-act-99", "answer", "pass"), "has no item 'dev-act-99'"),
        (("label", "run[1]", "dev-act-1", "tone", "pass"), "has no check 'tone'"),
        (("label", "run[1]", "dev-act-1", "answer", "maybe"), "a verdict is pass or fail, not 'maybe'"),
        (("label", "run[1]", "answer", "pass"), "expected ITEM_ID CHECK VERDICT after the run, got 2"),
        (("label", "run[1]", "-f", "colour:red", "answer", "pass"), "filter: cannot read 'colour:red'"),
        (("calibrate", "run[1]", "answer"), "no labels for check 'answer' on run 'run[1]' yet"),
        (("labels", "run[1]", "--check", "tone"), "has no check 'tone'"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(ws_path, args, message):
    with Workspace.open(ws_path) as ws:
        before = table_counts(ws.db)
    done = invoke(ws_path, *args)
    assert isinstance(done.exception, CuratorError)  # main() prints it as one line on stderr
    assert message in str(done.exception) and "\n" not in str(done.exception)
    with Workspace.open(ws_path) as ws:
        assert table_counts(ws.db) == before


def test_a_bad_verdict_prints_one_line_from_the_real_command(ws_path):
    done = subprocess.run(
        [sys.executable, "-m", "curator.cli.main", "-w", str(ws_path), "label", "run[1]", "dev-act-1", "answer", "ok"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr.strip() == "error: a verdict is pass or fail, not 'ok'"


def test_queues_list_disagreements_and_the_items_to_label_next(ws_path):
    invoke(ws_path, "label", "run[1]", "dev-act-0", "answer", "pass", "--note", "the check is wrong here")
    invoke(ws_path, "label", "run[1]", "dev-act-1", "answer", "pass")
    wrong = json.loads(invoke(ws_path, "labels", "run[1]", "-c", "answer", "-q", "disagreements", "--json").output)
    assert [(x["item_id"], x["kind"], x["note"]) for x in wrong] == [
        ("dev-act-0", "false_fail", "the check is wrong here")
    ]
    assert json.loads(invoke(ws_path, "labels", "run[1]", "-c", "answer", "-q", "false_pass", "--json").output) == []
    offered = json.loads(
        invoke(ws_path, "labels", "run[1]", "-c", "answer", "-q", "next", "--limit", "5", "--json").output
    )
    assert len(offered) == 5 and {x["item_id"] for x in offered}.isdisjoint({"dev-act-0", "dev-act-1"})
    assert offered[0]["why"] == "no other check grades it"
    shown = invoke(ws_path, "labels", "run[1]", "-c", "answer", "-q", "false_fail")
    assert "dev-act-0" in shown.output and "the check is wrong here" in shown.output
    bad = invoke(ws_path, "labels", "run[1]", "-q", "next")
    assert "--queue needs --check CHECK" in str(bad.exception)


def test_notes_and_ids_print_literally(ws_path):
    note = "\x1b[2Jwrong [bold]here[/bold]"
    assert invoke(ws_path, "label", "run[1]", "dev-act-4", "answer", "fail", "--note", note).exit_code == 0
    shown = (
        invoke(ws_path, "labels", "run[1]").output
        + invoke(ws_path, "labels", "run[1]", "-c", "answer", "-q", "disagreements").output
    )
    assert "\x1b" not in shown and "\\x1b[2Jwrong [bold]here[/bold]" in shown
    assert json.loads(invoke(ws_path, "labels", "run[1]", "--json").output)[0]["note"] == note
