"""The retrain loop through the real app: r on a bucket opens the retrain form filled with defaults and trains;
c on a run with a parent opens the compare screen; the palette reaches both."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from fixwork import CHECKS_TOML, WEATHER_TEMPLATE, weather_records
from loopwork import weather_run, write_train_file
from review_support import noting_app, screen_text, settle, until
from textual.widgets import DataTable, Input, ProgressBar

from curator.app.commands import CuratorCommands
from curator.app.screens.retrain import CompareScreen, RetrainForm, TrainingScreen
from curator.app.screens.retrain.follower import JobWatch, cancel_file
from curator.app.screens.retrain.stop_dialog import StopJobDialog
from curator.app.screens.review.buckets import BucketsScreen
from curator.app.screens.review.overview import OverviewScreen
from curator.app.widgets.dialogs import ConfirmDialog
from curator.checks import load_spec_text, run_checks
from curator.demo.setup import MODEL_DIRNAME, demo_checks
from curator.demo.tiny_model import RECIPE_FILE, recipe_hash
from curator.fix import examples as example_domain
from curator.fix.generation import generate
from curator.fix.templates import spec_from_dict as template_spec
from curator.fix.templates.library import create_template
from curator.jobs import training as job_domain
from curator.recipes import library as recipes
from curator.recipes.spec import spec_from_dict
from curator.review import buckets as bucket_domain
from curator.review.runs import create_run_from_records
from curator.storage import items as item_queries

SIZE = (140, 45)
# What the test types over the form's defaults: a 4-step job on one CPU thread, no dev evals.
SHORT_JOB = {
    "lora-r": "4",
    "lora-alpha": "8",
    "lora-dropout": "0.0",
    "trainer-learning_rate": "0.01",
    "trainer-max_steps": "4",
    "trainer-batch_size": "8",
    "trainer-max_length": "128",
    "trainer-eval_every": "0",
    "trainer-device": "cpu",
    "trainer-cpu_threads": "1",
}
SETTING_IDS = ("lora-r", "lora-dropout", "trainer-learning_rate", "trainer-epochs", "trainer-device", "trainer-bf16")


def fixed_run(ws, model: str | None):
    """Run 'base' with the weather checks, item 0 in bucket 'weather', and 12 accepted fixes of that bucket."""
    run = create_run_from_records(ws, "base", weather_records(), model=model)
    run_checks(ws, run.run_id, load_spec_text(CHECKS_TOML))
    bucket_domain.label_items(ws, run.run_id, [0], bucket_domain.create_bucket(ws, "weather"))
    create_template(ws, template_spec(WEATHER_TEMPLATE), bucket="weather", source_run_id=run.run_id, source_item_key=0)
    example_domain.accept_all(ws, batch_id=generate(ws, "weather", n=12, seed=4).batch_id)
    return run


def build(ws, name: str, sources: list[dict], total: int) -> None:
    recipes.save_recipe(ws, spec_from_dict({"name": name, "total": total, "seed": 1, "sources": sources}))
    recipes.build(ws, name)


def build_versions(ws) -> None:
    """mix@1 and mix@2 hold the bucket's fixes; 'other', built last, holds none."""
    build(ws, "mix", [{"name": "fixes", "kind": "fixes", "buckets": ["weather"], "share": 100}], 8)
    build(ws, "mix", [{"name": "fixes", "kind": "fixes", "buckets": ["weather"], "share": 100}], 8)
    build(
        ws,
        "other",
        [{"name": "seed", "kind": "seed", "share": 100, "rows": [{"prompt": "hi", "completion": "hello"}]}],
        1,
    )


LOOP_DEADLINE_S = 120  # a tiny-model training job, followed from the app


async def open_overview(pilot) -> OverviewScreen:
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, OverviewScreen)
    return pilot.app.screen


@pytest.mark.slow
async def test_r_on_a_bucket_fills_the_retrain_form_and_the_job_trains_to_the_end(workspace, demo_model_dir):
    run = fixed_run(workspace, model=str(demo_model_dir))
    build_versions(workspace)
    app = noting_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await open_overview(pilot)
        await pilot.press("r")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RetrainForm)
        assert "Retrain on mix@2 (early stopping on run base)" in screen_text(app)
        assert form.query_one("#base_model", Input).value == str(demo_model_dir)
        assert form.query_one("#trainer-learning_rate", Input).value == "0.002"  # the tiny model's size class
        assert form.query_one("#lora-target_modules", Input).value == "all-linear"
        for field, value in SHORT_JOB.items():
            form.query_one(f"#{field}", Input).value = value
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, TrainingScreen))
        training = app.screen

        def followed() -> str:
            return f"jobs followed: {app.training_watches}"

        await until(pilot, lambda: training.following, LOOP_DEADLINE_S, followed)
        await pilot.press("escape")  # leaving does not stop the job: the app follows it
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen) and app.running_jobs()
        await until(pilot, lambda: "job 1 " in screen_text(app) or not app.running_jobs(), LOOP_DEADLINE_S, followed)
        await until(pilot, lambda: not app.running_jobs(), LOOP_DEADLINE_S, followed)
        await palette_run(app, pilot, "Training job 1")  # reopened, it replays what happened meanwhile
        reopened = app.screen
        assert isinstance(reopened, TrainingScreen) and reopened is not training
        assert reopened.status == "succeeded"
        shown = screen_text(app)
        assert "press e to re-evaluate" in shown and "Re-evaluate" in shown and "Stop job" not in shown
        bar = reopened.query_one("#training-progress", ProgressBar)
        assert (bar.total, bar.progress) == (4, 4)
        assert [step for step, _ in reopened.losses] == [1, 2, 3, 4]
    [job] = job_domain.list_jobs(workspace)
    assert (job.status, job.dataset_version, job.source_run_id) == ("succeeded", 2, run.run_id)
    assert job.base_model == str(demo_model_dir) and job.config["trainer"]["max_steps"] == 4
    assert job.config["dataset"] == "mix@2" and Path(job.adapter_path).is_dir()


async def test_r_without_a_dataset_of_the_bucket_says_to_build_one(workspace):
    fixed_run(workspace, model=None)
    build(
        workspace,
        "other",
        [{"name": "seed", "kind": "seed", "share": 100, "rows": [{"prompt": "hi", "completion": "hello"}]}],
        1,
    )
    app = noting_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        overview = await open_overview(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert app.screen is overview
        assert app.notes[-1] == "no dataset holds accepted fixes of bucket 'weather' yet: build one in the mixer (M)"
    assert job_domain.list_jobs(workspace) == []


async def test_r_reads_the_frozen_dataset_files_off_the_ui_thread(workspace, monkeypatch):
    """Finding the bucket's dataset re-hashes frozen files: a worker does it, the screen keeps answering keys."""
    fixed_run(workspace, model=None)
    build_versions(workspace)
    threads, find = [], recipes.newest_version_with_bucket

    def recording(*args, **kwargs):
        threads.append(threading.current_thread() is threading.main_thread())
        return find(*args, **kwargs)

    monkeypatch.setattr(recipes, "newest_version_with_bucket", recording)
    app = noting_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await open_overview(pilot)
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, RetrainForm), 20)
        assert app.screen.dataset == "mix@2"
    assert threads == [False]


async def test_r_on_the_buckets_screen_never_prefills_a_model_the_run_did_not_use(workspace):
    fixed_run(workspace, model="org/model-on-a-hub")
    build_versions(workspace)
    demo_base = workspace.models_dir / MODEL_DIRNAME
    app = noting_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("B")
        await settle(pilot)
        assert isinstance(app.screen, BucketsScreen)
        await pilot.press("r")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RetrainForm) and form.dataset == "mix@2" and form.source_run is None
        assert form.query_one("#base_model", Input).value == ""  # the run's model is not a local folder
        await pilot.press("escape")
        await settle(pilot)
        demo_base.mkdir(parents=True)  # a demo model in the workspace is still not this run's model
        (demo_base / RECIPE_FILE).write_text(json.dumps({"hash": recipe_hash()}))
        await pilot.press("r")
        await settle(pilot)
        assert app.screen.query_one("#base_model", Input).value == ""
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BucketsScreen)
    assert job_domain.list_jobs(workspace) == []


def child_run(ws, parent):
    """A re-eval of `parent` that fixes held_out-bright-0 and breaks dev-plain-0."""
    records = []
    for item in item_queries.iter_items(ws.db, parent.run_id):
        output = item.target if item.item_id == "held_out-bright-0" else item.output
        if item.item_id == "dev-plain-0":
            output = "<answer>0</answer>"
        records.append(
            {"item_id": item.item_id, "input": item.input, "target": item.target, "output": output, "split": item.split}
        )
    run = create_run_from_records(ws, "after", records, parent_run_id=parent.run_id)
    run_checks(ws, run.run_id, demo_checks())
    return run


async def highlight_run(pilot, name: str) -> None:
    screen = pilot.app.screen
    screen.query_one("#runs-table", DataTable).move_cursor(row=[r.name for r in screen.runs].index(name))
    await pilot.pause()


async def test_c_on_a_child_run_compares_it_with_its_parent(workspace):
    parent = weather_run(workspace, per_case=1)
    child_run(workspace, parent)
    app = noting_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await highlight_run(pilot, "after")
        await pilot.press("c")
        await settle(pilot)
        compare = app.screen
        assert isinstance(compare, CompareScreen)
        held_out = compare.query_one("#compare-held-out", DataTable).get_row("weather_tag")
        assert [str(c) for c in held_out][:4] == ["weather_tag", "14%", "29%", "+14.3"]
        assert [str(c) for c in compare.query_one("#compare-dev", DataTable).get_row("weather_tag")][:4] == [
            "weather_tag",
            "14%",
            "0%",
            "-14.3",
        ]
        shown = screen_text(app)
        assert "after after  vs  before weather" in shown and "fixed: 1 items" in shown
        await pilot.press("escape")
        await settle(pilot)
        await highlight_run(pilot, "weather")
        await pilot.press("c")
        await settle(pilot)
        assert app.notes[-1] == "run 'weather' has no parent run to compare with"
        assert not isinstance(app.screen, CompareScreen)


async def palette_run(app, pilot, title: str) -> None:
    hits = [hit async for hit in CuratorCommands(app.screen).search(title)]
    assert hits and str(hits[0].text) == title
    hits[0].command()
    await settle(pilot)


async def test_the_palette_compares_with_the_parent_and_retrains_on_a_version(workspace):
    parent = weather_run(workspace, per_case=1)
    child = child_run(workspace, parent)
    recipes.save_recipe(
        workspace,
        spec_from_dict(
            {
                "name": "seeded",
                "total": 1,
                "seed": 1,
                "sources": [
                    {"name": "seed", "kind": "seed", "share": 100, "rows": [{"prompt": "hi", "completion": "hello"}]}
                ],
            }
        ),
    )
    recipes.build(workspace, "seeded")
    app = noting_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_run(child.run_id)
        await settle(pilot)
        await palette_run(app, pilot, "Compare with parent")
        assert isinstance(app.screen, CompareScreen)
        await pilot.press("escape")
        await settle(pilot)
        await palette_run(app, pilot, "Retrain on dataset version seeded@1")
        form = app.screen
        assert isinstance(form, RetrainForm) and (form.dataset, form.source_run) == ("seeded@1", "after")


async def test_ctrl_r_in_the_mixer_retrains_on_the_recipes_newest_version(workspace):
    run = fixed_run(workspace, model=None)
    build_versions(workspace)
    app = noting_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_run(run.run_id)
        await settle(pilot)
        app.open_mixer("fresh")
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert app.notes[-1] == "'fresh' has no built version yet: ctrl+b builds one"
        await pilot.press("escape")
        await settle(pilot)
        app.open_mixer("mix")
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RetrainForm) and (form.dataset, form.source_run) == ("mix@2", "base")


def test_the_loop_keys_are_declared_once_for_footer_help_and_palette():
    from rich.console import Console

    from curator.app import registry
    from curator.app.screens.help import bindings_table
    from curator.app.screens.review.runs import RunsScreen

    assert {b.id for b in TrainingScreen.BINDINGS} == {a.id for a in registry.actions("loop.training")}
    assert "runs.compare" in {b.id for b in RunsScreen.BINDINGS}
    console = Console(width=200, record=True)
    console.print(bindings_table())
    help_rows = {" ".join(line.split()) for line in console.export_text().splitlines()}
    for row in (
        "r Train a LoRA adapter on the newest dataset holding the highlighted bucket's accepted fixes Buckets",
        "r Train a LoRA adapter on the newest dataset holding the highlighted bucket's accepted fixes Run overview",
        "f2 Rename the highlighted bucket Buckets",
        "c Compare the highlighted run with its parent: per check, per bucket, items fixed and regressed Runs",
        "e Run base + adapter over the run's items, then compare with the run Training",
    ):
        assert row in help_rows, row


def followed_job(ws, tmp_path, app):
    """A queued job the app believes it follows (no child is started): for the stop and quit questions."""
    (tmp_path / "model").mkdir()
    request = job_domain.TrainingRequest(
        dataset=str(write_train_file(tmp_path / "fix.jsonl")), base_model=str(tmp_path / "model")
    )
    job = job_domain.create_job(ws, request)
    app.training_watches[job.job_id] = JobWatch(job.job_id, "running", following=True)
    return job


@pytest.mark.parametrize(("key", "content", "stopping"), [("k", "keep", "keep"), ("d", "", "cancel")])
async def test_stop_asks_keep_or_discard_and_writes_the_cancel_file(workspace, tmp_path, key, content, stopping):
    app = noting_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        job = followed_job(workspace, tmp_path, app)
        app.push_screen(TrainingScreen(workspace, job.job_id))
        await pilot.pause()
        assert "Stop job" in screen_text(app)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, StopJobDialog) and "Keep best adapter" in screen_text(app)
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, TrainingScreen)
        assert app.training_watches[job.job_id].stopping == stopping
    cancel = cancel_file(workspace, job.job_id)
    assert cancel.exists() and cancel.read_text() == content


async def test_n_in_the_stop_question_leaves_the_job_alone(workspace, tmp_path):
    app = noting_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        job = followed_job(workspace, tmp_path, app)
        app.push_screen(TrainingScreen(workspace, job.job_id))
        await pilot.pause()
        await pilot.press("c", "n")
        await pilot.pause()
        assert isinstance(app.screen, TrainingScreen) and app.training_watches[job.job_id].stopping is None
    assert not cancel_file(workspace, job.job_id).exists()


async def test_q_while_a_job_trains_asks_first(workspace, tmp_path):
    app = noting_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        job = followed_job(workspace, tmp_path, app)
        await pilot.press("B")  # any screen opened while a job trains shows it on the status line
        await settle(pilot)
        assert isinstance(app.screen, BucketsScreen) and f"job {job.job_id} running" in screen_text(app)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and "still running" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert app.is_running and not isinstance(app.screen, ConfirmDialog)
        assert not cancel_file(workspace, job.job_id).exists()
        await pilot.press("q", "y")
        await pilot.pause()
    assert cancel_file(workspace, job.job_id).read_text() == ""  # a plain stop: no adapter kept


async def test_q_with_no_job_quits_at_once(workspace):
    app = noting_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_every_entry_point_fills_the_form_with_the_one_defaults_function(workspace, demo_model_dir):
    from curator.training.defaults import default_settings

    fixed_run(workspace, model=str(demo_model_dir))
    build_versions(workspace)
    expected_lora, expected_trainer = default_settings(str(demo_model_dir))
    app = noting_app(workspace)
    seen = []
    async with app.run_test(size=SIZE) as pilot:
        await open_overview(pilot)
        for open_form in (
            lambda: pilot.press("r"),  # the overview's bucket
            lambda: palette_run(app, pilot, "Retrain on dataset version mix@2"),
            lambda: pilot.press("M", "ctrl+r"),  # the mixer (reopened on a recipe with a built version)
        ):
            await open_form()
            await settle(pilot)
            form = app.screen
            assert isinstance(form, RetrainForm), open_form
            seen.append({f: form.query_one(f"#{f}", Input).value for f in ("base_model", *SETTING_IDS)})
            await pilot.press("escape")
            await settle(pilot)
            if not isinstance(app.screen, OverviewScreen):
                await pilot.press("escape")
                await settle(pilot)
    assert seen[0] == seen[1] == seen[2]
    assert seen[0]["trainer-learning_rate"] == str(expected_trainer.learning_rate)
    assert seen[0]["lora-r"] == str(expected_lora.r) and seen[0]["base_model"] == str(demo_model_dir)


async def test_a_model_inside_the_workspace_is_prefilled_and_stored_relative_to_it(workspace, tmp_path):
    model = workspace.models_dir / "base-model"
    model.mkdir(parents=True)
    fixed_run(workspace, model="models/base-model")  # as a copied workspace holds it: relative to its root
    build_versions(workspace)
    app = noting_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await open_overview(pilot)
        await pilot.press("r")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RetrainForm) and form.query_one("#base_model", Input).value == "models/base-model"
        job = job_domain.create_job(workspace, form.request())
    assert job.base_model == "models/base-model"
    assert workspace.resolve_path(job.base_model) == model.resolve()
