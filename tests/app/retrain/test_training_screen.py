"""The training screen on a real short job followed by the app: live progress, the end recorded, re-eval, stop."""

import asyncio

import pytest
from loopwork import FAST_GENERATION, SHORT_LORA, SHORT_TRAINER, weather_run, write_train_file
from review_support import noting_app, screen_text, settle, until
from textual.widgets import Log, ProgressBar

from curator.app.screens.retrain import CompareScreen, TrainingScreen
from curator.app.screens.retrain.follower import cancel_file
from curator.inference.backends import GenerationSettings
from curator.jobs import training as job_domain

pytestmark = pytest.mark.slow


def _job(workspace, tmp_path, model_dir, **trainer):
    run = weather_run(workspace, per_case=1)
    request = job_domain.TrainingRequest(
        dataset=str(write_train_file(tmp_path / "fix.jsonl")),
        base_model=str(model_dir),
        source_run=run.name,
        lora=SHORT_LORA,
        trainer=SHORT_TRAINER.__class__(**{**SHORT_TRAINER.__dict__, **trainer}),
        generation=FAST_GENERATION,
    )
    return job_domain.create_job(workspace, request)


async def test_a_short_job_shows_progress_then_reevaluates_into_a_compare_screen(workspace, tmp_path, demo_model_dir):
    job = _job(workspace, tmp_path, demo_model_dir)
    app = noting_app(workspace)
    app.reeval_options = {"cpu_threads": 1, "generation": GenerationSettings(**FAST_GENERATION)}
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        app.open_training(job.job_id)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TrainingScreen)
        await until(pilot, lambda: screen.status == "succeeded", 240)
        bar = screen.query_one("#training-progress", ProgressBar)
        assert (bar.total, bar.progress) == (4, 4)
        assert [step for step, _ in screen.losses] == [1, 2, 3, 4]
        assert [step for step, _ in screen.pass_rates] == [2, 4]
        log_text = "\n".join(screen.query_one("#training-log", Log).lines)
        assert "eval at step 2" in log_text and "succeeded" in log_text
        assert "press e to re-evaluate" in str(screen.query_one("#training-status").render())
        assert "Stop job" not in screen_text(app)
        await pilot.press("e")
        lines = set()
        while not isinstance(app.screen, CompareScreen):  # the status line follows the re-evaluation
            lines.add(str(screen.query_one("#training-status").render()))
            await asyncio.sleep(0.05)
            await pilot.pause()
        assert any(line.startswith("re-evaluating:") for line in lines)
        assert any("outputs generated" in line or "generating" in line for line in lines), lines
    stored = job_domain.get_job(workspace, job.job_id)
    assert stored.status == "succeeded" and stored.adapter_path
    assert stored.produced_run_id == screen.produced_run.run_id
    assert screen.produced_run.parent_run_id == stored.source_run_id


async def test_discard_stops_the_job_and_registers_no_adapter(workspace, tmp_path, demo_model_dir):
    job = _job(workspace, tmp_path, demo_model_dir, max_steps=500, eval_every=0)
    app = noting_app(workspace)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        app.open_training(job.job_id)
        await pilot.pause()
        screen = app.screen
        await until(pilot, lambda: len(screen.losses) >= 1, 240)
        await pilot.press("c", "d")
        await until(pilot, lambda: screen.status == "cancelled", 60)
        assert "cancelled" in str(screen.query_one("#training-status").render())
    assert cancel_file(workspace, job.job_id).read_text() == ""
    stored = job_domain.get_job(workspace, job.job_id)
    assert stored.status == "cancelled" and stored.adapter_path is None
    assert not list((workspace.models_dir / "adapters" / f"job-{job.job_id}").rglob("adapter_model.safetensors"))
