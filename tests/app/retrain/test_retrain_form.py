"""The retrain form: defaults shown, every value editable, a job created with what was typed."""

from loopwork import weather_run, write_train_file
from textual.app import App
from textual.widgets import Input

from curator.app.screens.retrain import RetrainForm
from curator.jobs import training as job_domain


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
        await pilot.pause()
    job = job_domain.get_job(workspace, app.result)
    assert job.status == "queued" and job.source_run_id == run.run_id
    assert job.config["lora"]["r"] == 4 and job.config["trainer"]["epochs"] == 2.0
    assert job.config["lora"]["target_modules"] == ["q_proj", "v_proj"]
    assert job.adapter_path is None


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
