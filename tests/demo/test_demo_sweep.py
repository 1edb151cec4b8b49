"""`curator demo --script --sweep` on the tiny model: loop 1's fixes swept over row counts, two seeds each, every
trial trained and re-evaluated, and the learning curve and recommendation printed."""

import dataclasses
import json

import pytest
from loopwork import SHORT_LORA, SHORT_TRAINER
from typer.testing import CliRunner

from curator.cli.main import app
from curator.demo import setup as demo_setup
from curator.demo import sweep as demo_sweep
from curator.demo.setup import DemoState, ensure_base_run, ensure_eval_set
from curator.jobs import training as job_domain
from curator.recipes.library import get_version

pytestmark = pytest.mark.slow


def test_the_demo_sweep_trains_every_variant_and_seed_and_prints_the_curve(workspace, demo_model_dir, monkeypatch):
    eval_set = ensure_eval_set(workspace)
    state = DemoState(demo_model_dir, eval_set, ensure_base_run(workspace, demo_model_dir, eval_set))
    trainer = dataclasses.replace(SHORT_TRAINER, eval_every=0)
    report = demo_sweep.run_demo_sweep(
        workspace, state, rows=(2, 4), seeds=(0, 1), lora=SHORT_LORA, trainer=trainer, training={"max_steps": 2}
    )
    assert report.sweep.name == "emoji-quantity" and report.kind == "rows" and report.sweep.status == "finished"
    assert [report.sources[v.position]["fixes"] for v in report.variants] == [2, 4]
    replay = report.sources[1].get("replay", 0)
    assert [v.rows for v in report.variants] == [2 + replay, 4 + replay]
    assert get_version(workspace, "emoji-quantity-2").row_count == 4 + replay
    assert [(t.position, t.seed, t.status) for t in report.trials] == [
        (1, 0, "done"), (1, 1, "done"), (2, 0, "done"), (2, 1, "done"),
    ]  # fmt: skip
    jobs = [job_domain.get_job(workspace, t.job_id) for t in report.trials]
    assert [j.config["trainer"]["seed"] for j in jobs] == [0, 1, 0, 1]
    assert all(j.metrics["steps"] == 2 for j in jobs)
    assert all(v.seeds_done == 2 for v in report.variants)
    assert [p["rows"] for p in report.curve["emoji"]] == [2 + replay, 4 + replay]
    assert report.recommendation

    root = workspace.root
    workspace.close()
    monkeypatch.setattr(demo_setup, "prepare_demo", lambda *args, **kwargs: state)
    monkeypatch.setattr(demo_sweep, "run_demo_sweep", lambda *args, **kwargs: report)
    shown = CliRunner().invoke(app, ["-w", str(root), "demo", "--script", "--sweep"], env={"COLUMNS": "110"})
    assert shown.exit_code == 0, shown.output
    assert "emoji: held-out pass rate" in shown.output and "recommendation: " in shown.output
    as_json = CliRunner().invoke(app, ["-w", str(root), "demo", "--script", "--sweep", "--json"])
    assert as_json.exit_code == 0, as_json.output
    data = json.loads(as_json.output)
    assert data["sweep"] == "emoji-quantity" and data["recommendation"]["line"] == report.recommendation
