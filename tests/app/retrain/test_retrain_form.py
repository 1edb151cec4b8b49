"""The retrain form: defaults shown, every value editable, a job created with what was typed."""

import dataclasses
import threading

import pytest
from loopwork import weather_run, write_train_file
from review_support import screen_text, until
from textual.app import App
from textual.widgets import Button, Input

from curator.app.screens.retrain import RetrainForm
from curator.jobs import training as job_domain
from curator.training.job import LoraSettings, TrainerSettings


class FormApp(App):
    def __init__(self, form):
        super().__init__()
        self.form, self.result = form, "not dismissed"

    def on_mount(self) -> None:
        self.push_screen(self.form, callback=lambda value: setattr(self, "result", value))


async def test_the_form_creates_a_queued_job_with_the_edited_settings(workspace, tmp_path):
    run = weather_run(workspace, per_case=1)
    dataset = write_train_file(tmp_path / "fix.jsonl")
    (tmp_path / "model").mkdir()
    app = FormApp(RetrainForm(workspace, str(dataset), base_model=str(tmp_path / "model"), source_run=run.name))
    async with app.run_test(size=(100, 60)) as pilot:
        form = app.form
        assert form.query_one("#trainer-learning_rate", Input).value == "0.001"
        assert form.query_one("#lora-target_modules", Input).value == "all-linear"
        form.query_one("#lora-r", Input).value = "4"
        form.query_one("#trainer-epochs", Input).value = "2"
        form.query_one("#lora-target_modules", Input).value = "q_proj, v_proj"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.result != "not dismissed")
    job = job_domain.get_job(workspace, app.result)
    assert job.status == "queued" and job.source_run_id == run.run_id
    assert job.config["lora"]["r"] == 4 and job.config["trainer"]["epochs"] == 2.0
    assert job.config["lora"]["target_modules"] == ["q_proj", "v_proj"]
    assert job.adapter_path is None


async def test_choosing_a_preference_method_brings_its_lower_rate_unless_the_rate_was_edited(workspace, tmp_path):
    dataset = write_train_file(tmp_path / "fix.jsonl")
    app = FormApp(RetrainForm(workspace, str(dataset), base_model="m", trainer=TrainerSettings(learning_rate=1e-3)))
    async with app.run_test(size=(100, 60)) as pilot:
        method, rate = app.form.query_one("#trainer-method", Input), app.form.query_one("#trainer-learning_rate", Input)
        method.value = "dpo"
        await pilot.pause()
        assert rate.value == "5e-05"
        method.value = "sft"
        await pilot.pause()
        assert rate.value == "0.001"
        rate.value = "0.02"
        method.value = "kto"
        await pilot.pause()
        assert rate.value == "0.02"  # typed by the user: kept


async def test_a_bad_value_is_named_and_nothing_is_created(workspace, tmp_path):
    dataset = write_train_file(tmp_path / "fix.jsonl")
    app = FormApp(RetrainForm(workspace, str(dataset), base_model="m"))
    async with app.run_test(size=(100, 60)) as pilot:
        app.form.query_one("#trainer-learning_rate", Input).value = "fast"
        await pilot.press("ctrl+s")
        await pilot.pause()
        error = str(app.form.query_one("#retrain-error").render())
        assert "learning_rate: 'fast' is not a number" in error
        assert app.result == "not dismissed"
    assert job_domain.list_jobs(workspace) == []


async def test_every_setting_of_the_dataclasses_has_a_field_and_a_bad_boolean_is_refused(workspace, tmp_path):
    dataset = write_train_file(tmp_path / "fix.jsonl")
    (tmp_path / "model").mkdir()
    app = FormApp(RetrainForm(workspace, str(dataset), base_model=str(tmp_path / "model")))
    async with app.run_test(size=(100, 60)) as pilot:
        for section, kind in (("lora", LoraSettings), ("trainer", TrainerSettings)):
            for field in dataclasses.fields(kind):
                assert app.form.query_one(f"#{section}-{field.name}", Input)
        assert app.form.query_one("#trainer-bf16", Input).value in ("true", "false")
        app.form.query_one("#trainer-bf16", Input).value = "ture"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "trainer.bf16: 'ture' is not true or false" in str(app.form.query_one("#retrain-error").render())
        assert app.result == "not dismissed"
        app.form.query_one("#trainer-bf16", Input).value = "no"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.result != "not dismissed")
    job = job_domain.get_job(workspace, app.result)
    assert job.config["trainer"]["bf16"] is False


@pytest.mark.parametrize("size", [(160, 48), (80, 24)])
async def test_the_start_button_is_on_screen(workspace, tmp_path, size):
    dataset = write_train_file(tmp_path / "fix.jsonl")
    app = FormApp(RetrainForm(workspace, str(dataset), base_model=""))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        start = app.form.query_one("#start", Button)
        region = start.region
        assert region.height > 0 and region.bottom <= size[1] and region.right <= size[0]
        assert "Start training" in screen_text(app)


async def test_a_model_inside_the_workspace_is_shown_relative_to_it(workspace, tmp_path):
    dataset = write_train_file(tmp_path / "fix.jsonl")
    model = workspace.models_dir / "small-model"
    model.mkdir(parents=True)
    app = FormApp(RetrainForm(workspace, str(dataset), base_model=str(model)))
    async with app.run_test(size=(100, 60)) as pilot:
        assert app.form.query_one("#base_model", Input).value == "models/small-model"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.result != "not dismissed")
    job = job_domain.get_job(workspace, app.result)
    assert workspace.resolve_path(job.base_model) == model.resolve()


async def test_the_job_is_created_off_the_ui_thread_and_a_refusal_is_one_line(workspace, tmp_path, monkeypatch):
    dataset = write_train_file(tmp_path / "fix.jsonl")
    (tmp_path / "model").mkdir()
    release, threads, real = threading.Event(), [], job_domain.create_job

    def held_back(*args, **kwargs):
        threads.append(threading.current_thread())
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(job_domain, "create_job", held_back)
    app = FormApp(RetrainForm(workspace, str(dataset), base_model=str(tmp_path / "model")))
    async with app.run_test(size=(100, 60)) as pilot:
        await pilot.press("ctrl+s")
        await until(pilot, lambda: threads)
        assert threads[0] is not threading.main_thread()
        assert "checking the dataset" in str(app.form.query_one("#retrain-error").render())
        assert app.result == "not dismissed"
        await pilot.press("ctrl+s")  # a second submit while the first runs creates nothing more
        release.set()
        await until(pilot, lambda: app.result != "not dismissed")
    assert len(threads) == 1 and [j.job_id for j in job_domain.list_jobs(workspace)] == [app.result]


async def test_a_job_the_domain_refuses_leaves_the_form_open_with_the_reason(workspace, tmp_path):
    (tmp_path / "model").mkdir()
    missing = tmp_path / "gone.jsonl"
    app = FormApp(RetrainForm(workspace, str(missing), base_model=str(tmp_path / "model")))
    async with app.run_test(size=(100, 60)) as pilot:
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "checking" not in str(app.form.query_one("#retrain-error").render()))
        error = str(app.form.query_one("#retrain-error").render())
        assert "gone.jsonl" in error and app.result == "not dismissed" and not app.form.submitting
    assert job_domain.list_jobs(workspace) == []
