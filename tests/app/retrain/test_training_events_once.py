"""An event that reaches the app before the training screen is mounted is shown once (by the screen's replay)."""

from __future__ import annotations

from review_support import noting_app, settle
from textual.widgets import Log

from curator.app.screens.retrain import TrainingScreen
from curator.app.screens.retrain.follower import JobWatch, TrainingProgressed
from curator.storage import jobs as job_queries

STARTED = {"event": "started", "device": "cpu", "examples": 3, "trainable_parameters": 1234}
STEP = {"event": "step", "step": 1, "total_steps": 4, "loss": 1.5, "learning_rate": 1e-4, "tokens_per_s": 9, "eta_s": 3}


async def test_an_event_before_mount_is_shown_once_and_later_ones_live(workspace):
    job_id = job_queries.insert_job(workspace.db, dataset_path="d.jsonl", base_model="m", config={})
    app = noting_app(workspace)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.training_watches[job_id] = JobWatch(job_id, "running", following=True)  # followed elsewhere: no child
        screen = TrainingScreen(workspace, job_id)
        app.push_screen(screen)
        assert not screen.is_mounted
        app.on_training_progressed(TrainingProgressed(job_id, STARTED))  # arrives before the screen mounts
        await settle(pilot)
        app.on_training_progressed(TrainingProgressed(job_id, STEP))  # arrives on the mounted screen
        await settle(pilot)
        lines = list(screen.query_one("#training-log", Log).lines)
        assert [line for line in lines if line.startswith("started")] == [
            "started: 3 examples, 1,234 trainable parameters"
        ]
        assert screen.losses == [(1, 1.5)]
        app.training_watches.pop(job_id)
