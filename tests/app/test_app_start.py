"""The app can open straight on a run's overview (as `curator demo` does), with the runs screen beneath it."""

from __future__ import annotations

from review_support import add_weather_checks, screen_text, settle, weather_records

from curator.app.curator_app import CuratorApp
from curator.app.screens.review.overview import OverviewScreen
from curator.app.screens.review.runs import RunsScreen
from curator.review import runs


async def test_the_app_opens_on_the_start_run_and_escape_goes_to_the_runs_screen(workspace):
    other = runs.create_run_from_records(workspace, "eval-set", weather_records(6))
    base = runs.create_run_from_records(workspace, "base", weather_records(12), parent_run_id=other.run_id)
    add_weather_checks(workspace, base.run_id, 12)
    app = CuratorApp(workspace, start_run_id=base.run_id)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen) and app.screen.run_id == base.run_id
        for _ in range(50):  # a busy machine may paint once before the table has measured its rows
            if "weather_tag" in screen_text(app):
                break
            await pilot.pause(0.1)
        assert "base" in screen_text(app) and "weather_tag" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, RunsScreen)
        assert "eval-set" in screen_text(app)


async def test_opening_the_app_settles_a_job_whose_process_died_and_says_so(workspace, tmp_path):
    import json

    from loopwork import write_train_file
    from review_support import noting_app

    from curator.jobs import training as job_domain
    from curator.storage import jobs as job_queries

    (tmp_path / "model").mkdir()
    request = job_domain.TrainingRequest(
        dataset=str(write_train_file(tmp_path / "fix.jsonl")), base_model=str(tmp_path / "model")
    )
    job = job_domain.create_job(workspace, request)
    job_queries.mark_running(workspace.db, job.job_id)  # the app that watched it was closed; no process is left
    adapter = tmp_path / "adapter"
    adapter.mkdir()
    final = {"event": "succeeded", "adapter_path": str(adapter), "metrics": {"steps": 4}}
    with open(job_domain.get_job(workspace, job.job_id).progress_path, "w") as progress:
        progress.write(json.dumps(final) + "\n")
    app = noting_app(workspace)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert any(note.startswith(f"job {job.job_id} had lost its process: now succeeded") for note in app.notes)
    stored = job_domain.get_job(workspace, job.job_id)
    assert (stored.status, stored.adapter_path) == ("succeeded", str(adapter))
