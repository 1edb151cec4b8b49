"""Issue 4 through the real app: from a failing item, a template, 5 generated examples, 4 accepted, a dataset built."""

from __future__ import annotations

import json
import re

from fixwork import weather_run
from review_support import noting_app, screen_text, settle, until
from textual.widgets import Input, TextArea
from textual.widgets.text_area import Selection

from curator.app.curator_app import CuratorApp
from curator.app.screens.fix.example_review import ExampleReviewScreen
from curator.app.screens.fix.mixer import MixerScreen
from curator.app.screens.fix.template_choice import TemplateChoice
from curator.app.screens.fix.template_editor import TemplateEditorScreen
from curator.app.screens.review.browser import BrowserScreen
from curator.app.screens.review.detail import DetailScreen
from curator.app.screens.review.overview import OverviewScreen
from curator.app.widgets.dialogs import TextPrompt

SIZE = (140, 45)


async def open_failing_item(pilot, check: str) -> DetailScreen:
    """Runs screen -> overview -> the failures of `check` -> the first one in detail."""
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    overview = pilot.app.screen
    assert isinstance(overview, OverviewScreen)
    checks = overview.query_one("#checks-table")
    checks.focus()
    checks.move_cursor(row=[c.name for c in overview.overview.checks].index(check))
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, BrowserScreen)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, DetailScreen)
    return pilot.app.screen


async def make_city_slot(pilot, editor: TemplateEditorScreen) -> None:
    """Select "Paris" in the input, name the slot and give it more values, then ctrl+l."""
    editor.query_one("#slot-name", Input).focus()
    await pilot.press(*"city")
    editor.query_one("#slot-values", Input).value = "Berlin, Madrid, Tokyo, Oslo, Lisbon"
    area = editor.query_one("#template-input", TextArea)
    area.focus()
    column = area.text.index("Paris")
    area.selection = Selection((0, column), (0, column + len("Paris")))
    await pilot.press("ctrl+l")
    await settle(pilot)


async def back_to(pilot, screen_type) -> None:
    while not isinstance(pilot.app.screen, screen_type):
        await pilot.press("escape")
        await settle(pilot)


async def build_in_mixer(pilot, mixer: MixerScreen) -> None:
    """Total 4 rows, all from the fixes of bucket `weather`; enter adds the source, ctrl+b builds."""
    mixer.query_one("#recipe-total", Input).value = "4"
    mixer.query_one("#source-argument", Input).focus()
    await pilot.press(*"weather")
    mixer.query_one("#source-share", Input).focus()
    await pilot.press("1", "0", "0", "enter")
    await pilot.press("ctrl+b")
    await settle(pilot)


async def test_failing_item_to_template_to_examples_to_a_built_dataset(workspace):
    run = weather_run(workspace)
    app = CuratorApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_failing_item(pilot, "weather_tag")
        assert detail.detail.item.item_id == "a"
        await pilot.press("t")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, TemplateEditorScreen) and editor.bucket == "weather"
        assert editor.query_one("#template-input", TextArea).text == "<api> What is the weather in Paris? It is sunny."

        await make_city_slot(pilot, editor)
        shown = screen_text(app)
        assert "6 distinct examples possible" in shown
        assert re.search(r"\[main\] <api> What is the weather in (Berlin|Madrid|Tokyo|Oslo|Lisbon)\? It is", shown)

        await pilot.press("ctrl+g")  # asks how many, 5 by default
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt) and "How many examples" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExampleReviewScreen)
        assert "5 proposed" in screen_text(app)
        await pilot.press("a", "a", "a", "a", "r")
        await settle(pilot)  # stored in the screen's worker queue, in the order pressed
        assert "4 accepted" in screen_text(app) and "1 rejected" in screen_text(app)

        await back_to(pilot, OverviewScreen)
        await pilot.press("G")  # the newest batch is one key away from the run's overview
        await settle(pilot)
        assert isinstance(app.screen, ExampleReviewScreen) and "4 accepted" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("M")
        await settle(pilot)
        assert isinstance(app.screen, MixerScreen)
        await build_in_mixer(pilot, app.screen)
        assert "built mix v1: 4 rows (fixes 4)" in screen_text(app)

    accepted = workspace.db.fetchall(
        """SELECT e.source_run_id, e.source_item_key, b.name, t.name, t.source_item_key FROM examples e
           JOIN templates t USING (template_id) JOIN buckets b ON b.bucket_id = e.bucket_id
           WHERE e.status = 'accepted'"""
    )
    assert accepted == [(run.run_id, 0, "weather", "base-item-0", 0)] * 4
    version = workspace.db.fetchone(
        """SELECT v.version, v.row_count, v.path, v.manifest FROM dataset_versions v
           JOIN dataset_recipes r USING (recipe_id) WHERE r.name = 'mix'"""
    )
    assert version[:2] == (1, 4)
    manifest = json.loads(version[3])
    assert manifest["sources"][0]["rows"] == 4 and manifest["total"] == 4
    stored = workspace.root / version[2]  # stored relative to the workspace (an absolute path stays as it is)
    rows = [json.loads(line) for line in stored.read_text().splitlines()]
    assert len(rows) == 4
    assert {(r["source_run_id"], r["source_item_key"], r["bucket"]) for r in rows} == {(run.run_id, 0, "weather")}
    assert json.loads(stored.with_suffix(".manifest.json").read_text()) == manifest


async def test_t_on_an_item_without_a_target_says_why_and_stays(workspace):
    from curator.review.runs import create_run_from_records

    create_run_from_records(workspace, "no-target", [{"item_id": "x", "input": "hi", "target": None, "output": "yo"}])
    app = noting_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert app.notes[-1] == "item x of run 'no-target' has no target to start a template from"


async def test_t_on_an_item_whose_bucket_has_a_template_offers_to_reopen_it(workspace):
    from fixwork import WEATHER_TEMPLATE

    from curator.fix.templates import spec_from_dict
    from curator.fix.templates.library import create_template, list_templates

    run = weather_run(workspace)
    create_template(workspace, spec_from_dict(WEATHER_TEMPLATE), bucket="weather", source_run_id=run.run_id)
    app = CuratorApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_failing_item(pilot, "weather_tag")
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TemplateChoice)
        shown = screen_text(app)
        assert "bucket 'weather' already has 1 template(s)" in shown and "Edit template weather" in shown
        await pilot.press("enter")  # the first choice: the bucket's template
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, TemplateEditorScreen) and editor.stored
        assert editor.query_one("#template-input", TextArea).text == WEATHER_TEMPLATE["input"]
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is detail
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("down", "enter")  # "Start a new template from this item"
        await settle(pilot)
        assert isinstance(app.screen, TemplateEditorScreen) and not app.screen.stored
        assert app.screen.query_one("#template-input", TextArea).text.endswith("Paris? It is sunny.")
    assert [t.name for t in list_templates(workspace)] == ["weather"]  # nothing stored until ctrl+s


async def test_reopening_the_mixer_shows_the_recipe_left_there(workspace):
    weather_run(workspace)
    app = CuratorApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("M")
        await settle(pilot)
        mixer = app.screen
        assert isinstance(mixer, MixerScreen) and mixer.sources == []
        mixer.query_one("#recipe-total", Input).value = "4"
        mixer.query_one("#source-argument", Input).focus()
        await pilot.press(*"weather")
        mixer.query_one("#source-share", Input).focus()
        await pilot.press("1", "0", "0", "enter")
        await pilot.press("escape")  # not built: the recipe is saved as it is
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen)
        await pilot.press("M")
        await settle(pilot)
        reopened = app.screen
        assert isinstance(reopened, MixerScreen) and reopened.recipe_name == "mix" and reopened.total == 4
        assert [(s.kind, s.buckets, s.share) for s in reopened.sources] == [("fixes", ["weather"], 1.0)]
        await until(pilot, lambda: "weather" in screen_text(app), detail=lambda: screen_text(app))  # table measured
