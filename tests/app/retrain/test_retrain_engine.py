"""The retrain form's vLLM section: the source run's engine options shown, a typed value stored with the job, a bad
value refused in one line with no job created."""

import pytest
from enginework import vllm_run
from loopwork import write_train_file
from review_support import until
from test_retrain_form import FormApp
from textual.widgets import Input, Label

from curator.app.screens.retrain import RetrainForm
from curator.jobs import training as job_domain
from curator.jobs.run_settings import default_engine


def _form(workspace, tmp_path, source_run=None) -> FormApp:
    (tmp_path / "model").mkdir(exist_ok=True)
    dataset = write_train_file(tmp_path / "fix.jsonl")
    engine = default_engine(workspace, source_run)  # what the app's opener reads in its worker
    form = RetrainForm(
        workspace, str(dataset), base_model=str(tmp_path / "model"), source_run=source_run, engine=engine
    )
    return FormApp(form)


async def test_the_runs_engine_options_are_shown_and_a_typed_value_reaches_the_job(workspace, tmp_path):
    run = vllm_run(workspace)
    app = _form(workspace, tmp_path, run.name)
    async with app.run_test(size=(100, 60)) as pilot:
        form = app.form
        shown = [form.query_one(f"#engine-{name}", Input).value for name in ("max_model_len", "gpu_memory_utilization")]
        assert shown == ["2048", "0.6"] and form.query_one("#engine-tensor_parallel_size", Input).value == "1"
        labels = [str(label.render()) for label in form.query(Label)]
        assert "vLLM max model len" in labels
        assert "re-eval" in str(form.query_one("#engine-max_model_len", Input).tooltip)
        form.query_one("#engine-max_model_len", Input).value = "512"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.result != "not dismissed")
    job = job_domain.get_job(workspace, app.result)
    assert job.config["engine"] == {"max_model_len": 512, "gpu_memory_utilization": 0.6, "tensor_parallel_size": 1}


async def test_without_a_source_run_the_form_shows_the_defaults(workspace, tmp_path):
    app = _form(workspace, tmp_path)
    async with app.run_test(size=(100, 60)):
        values = [app.form.query_one(f"#engine-{n}", Input).value for n in ("max_model_len", "gpu_memory_utilization")]
        assert values == ["0", "0.0"]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "2",
            "--gpu-memory-utilization is a share of the GPU's memory: above 0 up to 1, or 0 for the default (got 2.0)",
        ),
        ("abc", "engine.gpu_memory_utilization: 'abc' is not a number"),
    ],
)
async def test_a_bad_engine_value_is_one_line_naming_the_field_and_no_job(workspace, tmp_path, typed, message):
    app = _form(workspace, tmp_path)
    async with app.run_test(size=(100, 60)) as pilot:
        app.form.query_one("#engine-gpu_memory_utilization", Input).value = typed
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "checking" not in str(app.form.query_one("#retrain-error").render()))
        await until(pilot, lambda: str(app.form.query_one("#retrain-error").render()).strip())
        error = str(app.form.query_one("#retrain-error").render())
        assert message in error and "\n" not in error and app.result == "not dismissed"
    assert job_domain.list_jobs(workspace) == []
