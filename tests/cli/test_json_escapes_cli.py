"""`--json` of sample, compare, demo, runs and rollouts: C1 controls and bidi overrides from item ids and names are
written as JSON escapes (inert on a terminal, the same text once parsed), like every other output."""

from __future__ import annotations

import json
from datetime import datetime
from types import SimpleNamespace

from loopwork import weather_run
from typer.testing import CliRunner

from curator.checks import run_checks
from curator.cli.main import app
from curator.cli.sample import _print_json
from curator.demo.setup import demo_checks
from curator.fix.rollout_choice import FollowUpReport, ProposalReport
from curator.review.runs import create_run_from_records
from curator.storage import items as item_queries
from curator.storage.rollouts import InputSummary, SampleSetRow

HOSTILE = "run\x9b31m\u202eevil\x85"
RAW = ("\x9b", "\u202e", "\x85", "\x1b")


def assert_inert(output: str) -> None:
    leaked = [repr(c) for c in RAW if c in output]
    assert not leaked, f"raw {leaked} in {output!r}"


def test_sample_json_escapes_ids_and_names(capsys):
    sample_set = SampleSetRow(1, 1, HOSTILE, "m", None, {"k": 2}, "{}", {}, datetime(2026, 1, 1), 2)
    summary = InputSummary(0, f"item-{HOSTILE}", "in", None, 2, 1, 0.5, 1.0, 0.0)
    _print_json(sample_set, [summary], FollowUpReport(ProposalReport(3, {"proposed": 1}), 1), 0)
    printed = capsys.readouterr().out
    assert_inert(printed)
    payload = json.loads(printed)
    assert payload["run"] == HOSTILE and payload["inputs"][0]["item_id"] == f"item-{HOSTILE}"
    assert payload["proposed"] == {"batch_id": 3, "counts": {"proposed": 1}} and payload["pairs"] == 1


def test_demo_json_escapes_the_report(tmp_path, monkeypatch):
    import curator.demo.script as demo_script
    import curator.demo.setup as demo_setup

    monkeypatch.setattr(demo_setup, "prepare_demo", lambda *args, **kwargs: SimpleNamespace())
    monkeypatch.setattr(demo_script, "run_script", lambda *args, **kwargs: [])
    monkeypatch.setattr(demo_script, "summary", lambda *args: {"run": HOSTILE, "loops": [{"bucket": HOSTILE}]})
    done = CliRunner().invoke(app, ["-w", str(tmp_path / "ws"), "demo", "--script", "--json"])
    assert done.exit_code == 0, done.output
    assert_inert(done.stdout)
    assert json.loads(done.stdout) == {"run": HOSTILE, "loops": [{"bucket": HOSTILE}]}


def _hostile_pair(ws):
    """A base run named with C1 and bidi characters, and a re-eval run whose items carry such ids."""
    base = weather_run(ws, name=HOSTILE, per_case=1)
    records = [
        {"item_id": i.item_id, "input": i.input, "target": i.target, "output": i.target, "split": i.split}
        for i in item_queries.iter_items(ws.db, base.run_id)
    ]
    after = create_run_from_records(ws, f"after-{HOSTILE}", records, parent_run_id=base.run_id)
    run_checks(ws, after.run_id, demo_checks())
    return base, after


def test_compare_json_escapes_names_and_calls_the_base_run_base(workspace):
    base, after = _hostile_pair(workspace)
    workspace.close()
    done = CliRunner().invoke(app, ["-w", str(workspace.root), "compare", after.name, "--json"])
    assert done.exit_code == 0, done.output
    assert_inert(done.stdout)
    payload = json.loads(done.stdout)
    assert payload["run"] == after.name and payload["before"] == base.name and payload["against"] == "base"
    assert payload["base"] == base.name and payload["parent"] == base.name  # a re-eval of the base run itself
    listed = CliRunner().invoke(app, ["-w", str(workspace.root), "runs", "--json"])
    assert_inert(listed.stdout)
    assert [r["name"] for r in json.loads(listed.stdout)] == [base.name, after.name]
