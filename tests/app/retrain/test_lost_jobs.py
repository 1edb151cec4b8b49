"""The open app notices a job that lost its watcher (a killed `curator train` or `eval`) once its process ends."""

from __future__ import annotations

import json
import subprocess
import sys

from review_support import until
from textual.app import App

from curator.app.screens.retrain.follower import watch_for_lost_jobs
from curator.storage import job_processes as process_queries
from curator.storage import jobs as job_queries


def dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


class SweepingApp(App):
    def __init__(self, workspace):
        super().__init__()
        self.workspace, self.notes = workspace, []

    def on_mount(self) -> None:
        watch_for_lost_jobs(self, interval_s=0.2)

    def notify(self, message, **kwargs) -> None:
        self.notes.append(message)


def progress_file(tmp_path, name: str, events: list[dict]):
    (tmp_path / name).mkdir()
    path = tmp_path / name / "progress.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in events))
    return path


async def test_jobs_whose_process_ended_unwatched_are_settled_while_the_app_is_open(workspace, tmp_path):
    app = SweepingApp(workspace)
    async with app.run_test() as pilot:
        await pilot.pause(0.5)
        assert app.notes == []  # nothing to settle yet
        training = job_queries.insert_job(workspace.db, dataset_path="d.jsonl", base_model="m", config={})
        path = progress_file(tmp_path, "job-1", [{"event": "failed", "error": "disk full"}])
        job_queries.set_paths(workspace.db, training, str(tmp_path / "job-1"), str(path))
        job_queries.mark_running(workspace.db, training, pid=dead_pid())
        evaluation = process_queries.insert_child_job(workspace.db, "eval", "weather@m")
        path = progress_file(tmp_path, "eval-2", [{"event": "generated", "done": 1}])
        process_queries.set_child_paths(workspace.db, evaluation, str(tmp_path / "eval-2"), str(path))
        process_queries.mark_child_running(workspace.db, evaluation, dead_pid())
        await until(pilot, lambda: len(app.notes) == 2, detail=lambda: app.notes)
    assert job_queries.get_job(workspace.db, training).status == "failed"
    assert process_queries.get_child_job(workspace.db, evaluation).status == "failed"
    assert any(f"job {training} had lost its process: now failed (disk full)" in n for n in app.notes)
