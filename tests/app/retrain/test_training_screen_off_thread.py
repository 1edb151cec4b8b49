"""The training screen reads its job from DuckDB in a worker, never on the UI thread: it opens while a slow read is
in progress, and the job's stored end (status and error) appears once the read is done."""

from __future__ import annotations

import threading

from review_support import noting_app, screen_text, settle, until

from curator.app.screens.retrain import TrainingScreen
from curator.app.screens.retrain import training as training_module
from curator.storage import jobs as job_queries


async def test_the_screen_opens_while_its_job_is_read_then_shows_how_it_ended(workspace, monkeypatch):
    job_id = job_queries.insert_job(workspace.db, dataset_path="d.jsonl", base_model="m", config={})
    job_queries.mark_finished(workspace.db, job_id, "failed", error="out of memory at step 3")
    release, threads = threading.Event(), []
    real = training_module.job_domain.get_job

    def held_back(ws, job):
        threads.append(threading.current_thread())
        release.wait(10)
        return real(ws, job)

    monkeypatch.setattr(training_module.job_domain, "get_job", held_back)
    app = noting_app(workspace)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(TrainingScreen(workspace, job_id))
        await until(pilot, lambda: threads)
        await pilot.pause(0.2)
        assert isinstance(app.screen, TrainingScreen) and "reading the job…" in screen_text(app)
        release.set()
        await until(pilot, lambda: "failed: out of memory at step 3" in screen_text(app))
        assert app.screen.status == "failed" and "Stop job" not in screen_text(app)
    assert all(t is not threading.main_thread() for t in threads)
