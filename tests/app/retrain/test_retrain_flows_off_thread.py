"""The app's ways into the retrain loop read DuckDB in workers, never on the UI thread: the retrain form's defaults,
a training job the app does not follow yet, and a run's parent. The app answers keys while each read is held, and
what the read found appears once it is done."""

from __future__ import annotations

import threading

from loopwork import weather_run, write_train_file
from review_support import held_back, noting_app, screen_text, settle, until

from curator.app.screens.retrain import RetrainForm, TrainingScreen
from curator.app.screens.retrain import flows as flows_module
from curator.app.screens.retrain import opening as opening_module
from curator.storage import jobs as job_queries


async def test_the_retrain_form_opens_once_its_defaults_are_read(workspace, tmp_path, monkeypatch):
    run = weather_run(workspace)
    dataset = write_train_file(tmp_path / "train.jsonl")
    release, threads = held_back(monkeypatch, opening_module.job_domain, "default_base_model")
    app = noting_app(workspace)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_retrain(str(dataset), run.run_id)
        await until(pilot, lambda: threads)
        await pilot.press("question_mark")  # the app answers keys meanwhile
        await pilot.pause(0.2)
        assert not isinstance(app.screen, RetrainForm)
        release.set()
        await until(pilot, lambda: isinstance(app.screen, RetrainForm))
        assert app.screen.source_run == run.name
    assert all(t is not threading.main_thread() for t in threads)


async def test_a_job_the_app_does_not_follow_is_read_in_a_worker(workspace, monkeypatch):
    job_id = job_queries.insert_job(workspace.db, dataset_path="d.jsonl", base_model="m", config={})
    job_queries.mark_finished(workspace.db, job_id, "failed", error="out of memory at step 3")
    release, threads = held_back(monkeypatch, flows_module.job_domain, "get_job")
    app = noting_app(workspace)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_training(job_id)
        await until(pilot, lambda: len(threads) == 2)  # the app's read and the screen's
        await pilot.pause(0.2)
        assert isinstance(app.screen, TrainingScreen) and "reading the job…" in screen_text(app)
        release.set()
        await until(pilot, lambda: job_id in app.training_watches)
        await until(pilot, lambda: "failed: out of memory at step 3" in screen_text(app))
        assert app.training_watches[job_id].status == "failed" and not app.training_watches[job_id].following
    assert all(t is not threading.main_thread() for t in threads)


async def test_a_run_without_a_parent_is_said_so_after_a_read_in_a_worker(workspace, monkeypatch):
    run = weather_run(workspace)
    release, threads = held_back(monkeypatch, opening_module.run_domain, "resolve_run")
    app = noting_app(workspace)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.compare_with_parent(run.run_id)
        await until(pilot, lambda: threads)
        await pilot.pause(0.2)
        assert not any("no parent run" in note for note in app.notes)
        release.set()
        await until(pilot, lambda: any(f"run '{run.name}' has no parent run" in note for note in app.notes))
    assert all(t is not threading.main_thread() for t in threads)
