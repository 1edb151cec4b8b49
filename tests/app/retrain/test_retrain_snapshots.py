"""Snapshots of the retrain form and the training screen at 80x24 and 160x48 (update with `--snapshot-update`)."""

from __future__ import annotations

import pytest
from loopwork import write_train_file
from review_support import settle

from curator.app.curator_app import CuratorApp
from curator.app.screens.retrain import RetrainForm, TrainingScreen
from curator.app.screens.retrain.follower import JobWatch
from curator.jobs import training as job_domain

SIZES = [(80, 24), (160, 48)]
EVENTS = [
    {"event": "started", "device": "cpu", "examples": 16, "trainable_parameters": 12_345},
    *(
        {
            "event": "step",
            "step": step,
            "total_steps": 10,
            "loss": 3 - step * 0.2,
            "learning_rate": 1e-3,
            "tokens_per_s": 500,
            "eta_s": 10 - step,
        }
        for step in range(1, 11)
    ),
    {"event": "eval", "step": 5, "pass_rate": 0.4, "best": True},
    {"event": "eval", "step": 10, "pass_rate": 0.7, "best": True},
]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_retrain_form(snap_compare, workspace, size):
    (workspace.models_dir / "small-model").mkdir()

    async def ready(pilot):
        await settle(pilot)
        form = RetrainForm(workspace, "mix@1", base_model=str(workspace.models_dir / "small-model"), source_run="base")
        pilot.app.push_screen(form)
        await settle(pilot)
        form.query_one("#start").focus()  # no blinking text cursor in the picture
        await settle(pilot)

    assert snap_compare(CuratorApp(workspace), terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_training_screen(snap_compare, workspace, tmp_path, size):
    (workspace.models_dir / "small-model").mkdir()
    request = job_domain.TrainingRequest(
        dataset=str(write_train_file(tmp_path / "fix.jsonl")), base_model=str(workspace.models_dir / "small-model")
    )
    job = job_domain.create_job(workspace, request)

    async def ready(pilot):
        await settle(pilot)
        pilot.app.training_watches[job.job_id] = JobWatch(job.job_id, "running", events=EVENTS, following=True)
        pilot.app.push_screen(TrainingScreen(workspace, job.job_id))
        await settle(pilot)

    assert snap_compare(CuratorApp(workspace), terminal_size=size, run_before=ready)
