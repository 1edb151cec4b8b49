"""User and model text is shown literally in the fix and retrain screens: `[/INST]` raises no MarkupError, `[b]`
does not vanish, ANSI and OSC 52 (write the clipboard) never reach the terminal raw."""

from __future__ import annotations

from fixwork import weather_run
from loopwork import write_train_file
from review_support import noting_app, screen_text, settle
from rich.text import Text

from curator.app.screens.fix.example_review import ExampleReviewScreen
from curator.app.screens.fix.mixer import MixerScreen
from curator.app.screens.fix.template_editor import TemplateEditorScreen
from curator.app.screens.retrain import RetrainForm, TrainingScreen
from curator.app.screens.retrain.follower import JobWatch
from curator.fix.generation import generate
from curator.fix.templates import spec_from_dict
from curator.fix.templates.library import create_template
from curator.jobs import training as job_domain
from curator.review import buckets as bucket_domain

HOSTILE = "[/INST] [b]x[/b] \x1b[31mred\x1b[0m \x1b]52;c;SGVsbG8=\x07"
SHOWN = ("[/INST]", "[b]x[/b]", "\\x1b[31mred", "\\x1b]52;c;SGVsbG8=\\x07")


def assert_literal(app, pieces=SHOWN) -> None:
    text = screen_text(app)
    for piece in pieces:
        assert piece in text, piece
    assert "\x1b" not in app.export_screenshot().replace("\\x1b", "")


def hostile_template(ws, run):
    spec = spec_from_dict(
        {
            "name": "hostile",
            "input": "<api> " + HOSTILE + " in {{ city }}?",
            "target": "<display_weather>☀</display_weather>",
            "slots": {"city": ["Rome", "Nice", "Bern"]},
        }
    )
    return create_template(ws, spec, bucket="weather", source_run_id=run.run_id, source_item_key=0)


async def test_example_review_and_template_editor_show_hostile_text_literally(workspace):
    run = weather_run(workspace)
    hostile_template(workspace, run)
    report = generate(workspace, "hostile", n=3, seed=0)
    app = noting_app(workspace)
    async with app.run_test(size=(200, 40)) as pilot:
        await settle(pilot)
        app.push_screen(ExampleReviewScreen(workspace, batch_id=report.batch_id))
        await settle(pilot)
        assert_literal(app, SHOWN[:3])  # the input column shows the first 60 characters
        app.push_screen(TemplateEditorScreen(workspace, "hostile"))
        await settle(pilot)
        preview = str(app.screen.query_one("#template-preview").render())
        for piece in SHOWN:
            assert piece in preview, piece
        assert "\x1b" not in app.export_screenshot().replace("\\x1b", "")


async def test_the_mixer_shows_a_hostile_bucket_name_literally(workspace):
    weather_run(workspace)
    bucket_domain.create_bucket(workspace, HOSTILE)
    app = noting_app(workspace)
    async with app.run_test(size=(200, 40)) as pilot:
        await settle(pilot)
        app.push_screen(MixerScreen(workspace, "literal"))
        await pilot.pause()
        mixer = app.screen
        mixer.query_one("#source-argument").value = HOSTILE
        mixer.query_one("#source-share").value = "100"
        mixer.query_one("#source-share").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert len(mixer.sources) == 1 and mixer.sources[0].buckets == [HOSTILE]
        cell = mixer.query_one("#source-table").get_row_at(0)[2]
        assert isinstance(cell, Text) and cell.plain == "[/INST] [b]x[/b] \\x1b[31mred\\x1b[0m \\x1b"  # 40 characters
        assert "\x1b" not in app.export_screenshot().replace("\\x1b", "")


async def test_the_retrain_form_and_training_screen_show_hostile_names_and_errors_literally(workspace, tmp_path):
    dataset = write_train_file(tmp_path / "fix.jsonl")
    (tmp_path / "model").mkdir()
    app = noting_app(workspace)
    async with app.run_test(size=(200, 48)) as pilot:
        await settle(pilot)
        app.push_screen(RetrainForm(workspace, HOSTILE, base_model=str(tmp_path / "model"), source_run=HOSTILE))
        await pilot.pause()
        assert_literal(app)
        await pilot.press("escape")
        await pilot.pause()
        request = job_domain.TrainingRequest(dataset=str(dataset), base_model=str(tmp_path / "model"))
        job = job_domain.create_job(workspace, request)
        app.training_watches[job.job_id] = JobWatch(job.job_id, "running", following=True)
        screen = TrainingScreen(workspace, job.job_id)
        app.push_screen(screen)
        await pilot.pause()
        screen.show_event({"event": "failed", "error": HOSTILE})
        screen.show_end("failed", HOSTILE)
        await pilot.pause()
        assert_literal(app)
