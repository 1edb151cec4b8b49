"""Pilot tests of the fix-with-data screens, each pushed on a minimal app."""

from __future__ import annotations

import json

from fixwork import WEATHER_TEMPLATE, weather_run
from textual.app import App
from textual.widgets import DataTable, Input, Static, TextArea
from textual.widgets.text_area import Selection

from curator.app.screens.fix.example_review import ExampleReviewScreen
from curator.app.screens.fix.mixer import MixerScreen
from curator.app.screens.fix.template_editor import TemplateEditorScreen
from curator.fix import examples as example_domain
from curator.fix.generation import generate
from curator.fix.templates import spec_from_dict
from curator.fix.templates.library import create_template, get_template
from curator.recipes import library as recipes


class FixApp(App):
    """Pushes one screen, as the review app will."""

    def __init__(self, screen_factory):
        super().__init__()
        self.screen_factory = screen_factory

    def on_mount(self) -> None:
        self.push_screen(self.screen_factory())


def shown(app: App, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def select(area: TextArea, word: str) -> None:
    column = area.text.index(word)
    area.selection = Selection((0, column), (0, column + len(word)))


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_from_failing_item_to_a_built_dataset(workspace):
    run = weather_run(workspace)
    app = FixApp(lambda: TemplateEditorScreen(workspace, run_id=run.run_id, item_key=0, bucket="weather"))
    async with app.run_test(size=(140, 45)) as pilot:
        screen = app.screen
        area = screen.query_one("#template-input", TextArea)
        assert area.text == "<api> What is the weather in Paris? It is sunny."
        area.focus()
        select(area, "Paris")
        screen.query_one("#slot-name", Input).value = "city"
        screen.query_one("#slot-values", Input).value = "Berlin, Madrid, Tokyo, Oslo, Lisbon"
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert area.text == "<api> What is the weather in {{ city }}? It is sunny."
        assert "6 distinct examples possible" in shown(app, "#template-preview")
        assert "What is the weather in" in shown(app, "#template-preview")

        await pilot.press("ctrl+g")
        await settle(pilot)
        assert isinstance(app.screen, ExampleReviewScreen)
        assert "5 proposed" in shown(app, "#review-summary")
        for _ in range(4):
            await pilot.press("a")
        await pilot.press("r")
        assert "4 accepted" in shown(app, "#review-summary") and "1 rejected" in shown(app, "#review-summary")

        app.push_screen(MixerScreen(workspace, "weather-fix"))
        await pilot.pause()
        mixer = app.screen
        mixer.query_one("#recipe-total", Input).value = "4"
        mixer.query_one("#source-argument", Input).value = "weather"
        mixer.query_one("#source-share", Input).value = "100"
        mixer.query_one("#source-share", Input).focus()
        await pilot.press("enter")
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert "built weather-fix v1: 4 rows" in shown(app, "#mixer-result")

    record = get_template(workspace, run.name + "-item-0")
    assert (record.source_run_id, record.source_item_key, record.bucket_name) == (run.run_id, 0, "weather")
    version = recipes.get_version(workspace, "weather-fix", 1)
    rows = [json.loads(line) for line in open(version.path)]
    assert len(rows) == 4 and {r["source"] for r in rows} == {"fixes"}
    assert all(r["template"] == record.name and r["source_item_key"] == 0 for r in rows)


async def test_template_errors_show_inline_and_the_editor_keeps_working(workspace):
    run = weather_run(workspace)
    create_template(workspace, spec_from_dict(WEATHER_TEMPLATE), bucket="weather", source_run_id=run.run_id)
    app = FixApp(lambda: TemplateEditorScreen(workspace, "weather"))
    async with app.run_test(size=(140, 45)) as pilot:
        target = app.screen.query_one("#template-target", TextArea)
        target.load_text("{{ wether }}")
        await pilot.pause(0.5)
        assert "template 'weather', field 'target': undefined slot 'wether'" in shown(app, "#template-error")
        assert "no preview" in shown(app, "#template-preview")
        target.load_text("{{ ''.__class__.__mro__ }}")
        await pilot.pause(0.5)
        assert "unsafe" in shown(app, "#template-error")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "unsafe" in shown(app, "#template-error")
        target.load_text("<display_weather>{{ emoji }}</display_weather>")
        await pilot.pause(0.5)
        assert shown(app, "#template-error") == ""
        assert "distinct examples possible" in shown(app, "#template-preview")
    assert get_template(workspace, "weather").spec.target == WEATHER_TEMPLATE["target"]


async def test_review_shows_refusals_edits_and_accept_all(workspace):
    run = weather_run(workspace)
    spec = spec_from_dict(
        {
            "name": "rome",
            "input": "<api> What is the weather in {{ city }}? It is sunny.",
            "target": "<display_weather>☀</display_weather>",
            "slots": {"city": ["Rome", "Nice", "Bern"]},
        }
    )
    create_template(workspace, spec, bucket="weather", source_run_id=run.run_id, source_item_key=0)
    report = generate(workspace, "rome", n=3, seed=0)
    app = FixApp(lambda: ExampleReviewScreen(workspace, batch_id=report.batch_id))
    async with app.run_test(size=(160, 40)) as pilot:
        assert "1 contaminated" in shown(app, "#review-summary") and "2 proposed" in shown(app, "#review-summary")
        table = app.screen.query_one("#example-table", DataTable)
        refused = next(i for i, r in enumerate(app.screen.rows) if r.status == "contaminated")
        table.move_cursor(row=refused)
        await pilot.press("a")
        assert "was refused" in shown(app, "#review-error")
        editable = next(i for i, r in enumerate(app.screen.rows) if r.status == "proposed")
        table.move_cursor(row=editable)
        await pilot.press("e")
        app.screen.query_one("#edit-target", TextArea).load_text("<display_weather>☁</display_weather>")
        await pilot.press("ctrl+s")
        assert "check 'emoji'" in shown(app, "#review-error")
        app.screen.query_one("#edit-target", TextArea).load_text("<display_weather>☀</display_weather> Sunny!")
        await pilot.press("ctrl+s")
        await pilot.press("A")
        assert "2 accepted" in shown(app, "#review-summary")
    accepted = example_domain.list_examples(workspace, batch_id=report.batch_id, statuses=("accepted",))
    assert any(e.target.endswith("Sunny!") for e in accepted)


async def test_mixer_counts_live_and_warns_when_a_source_is_too_small(workspace, tmp_path):
    weather_run(workspace)
    general = tmp_path / "general.jsonl"
    general.write_text("".join(json.dumps({"prompt": f"q{i}", "completion": f"a{i}"}) + "\n" for i in range(10)))
    app = FixApp(lambda: MixerScreen(workspace))
    async with app.run_test(size=(140, 40)) as pilot:
        screen = app.screen
        screen.query_one("#recipe-total", Input).value = "20"
        kind = screen.query_one("#source-kind")
        kind.value = "file"
        screen.query_one("#source-argument", Input).value = str(general)
        screen.query_one("#source-share", Input).value = "60"
        screen.query_one("#source-share", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "shares add up to 60%" in shown(app, "#mixer-warnings")
        kind.value = "replay"
        screen.query_one("#source-argument", Input).value = "base"
        screen.query_one("#source-share", Input).value = "40"
        screen.query_one("#source-share", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        table = screen.query_one("#source-table", DataTable)
        assert [table.get_row_at(i)[4] for i in range(2)] == ["12", "8"]
        warnings = shown(app, "#mixer-warnings")
        assert "file has 10 rows; its share asks for 12" in warnings and "replay has 2 rows" in warnings
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert "usable rows" in shown(app, "#mixer-warnings")
        screen.query_one("#recipe-total", Input).value = "5"
        await pilot.pause()
        assert [table.get_row_at(i)[4] for i in range(2)] == ["3", "2"]
        assert shown(app, "#mixer-warnings") == ""
    assert recipes.list_versions(workspace) == []


async def test_palette_lists_templates_and_opens_the_editor(workspace):
    from curator.app.screens.fix.palette import fix_commands

    run = weather_run(workspace)
    create_template(workspace, spec_from_dict(WEATHER_TEMPLATE), bucket="weather", source_run_id=run.run_id)

    class WorkspaceApp(App):
        def __init__(self):
            super().__init__()
            self.workspace = workspace

    app = WorkspaceApp()
    async with app.run_test(size=(140, 40)) as pilot:
        commands = {c.title: c for c in fix_commands(app)}
        assert {"Dataset mixer (new recipe)", "Edit template weather", "Review examples of template weather"} <= set(
            commands
        )
        commands["Edit template weather"].run(app)
        await pilot.pause()
        assert isinstance(app.screen, TemplateEditorScreen)
        assert app.screen.query_one("#template-input", TextArea).text == WEATHER_TEMPLATE["input"]


async def test_enter_on_a_slot_loads_it_and_ctrl_l_replaces_its_values(workspace):
    run = weather_run(workspace)
    create_template(workspace, spec_from_dict(WEATHER_TEMPLATE), bucket="weather", source_run_id=run.run_id)
    app = FixApp(lambda: TemplateEditorScreen(workspace, "weather"))
    async with app.run_test(size=(140, 45)) as pilot:
        screen = app.screen
        screen.query_one("#slot-table", DataTable).focus()
        await pilot.press("enter")
        assert screen.query_one("#slot-values", Input).value == "Paris, Berlin, Madrid, Tokyo"
        screen.query_one("#slot-values", Input).value = "Quito, Accra"
        screen.query_one("#slot-perturb", Input).value = "case"
        await pilot.press("ctrl+l")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "108 distinct examples possible" in shown(app, "#template-preview")
    slot = get_template(workspace, "weather").spec.slots[0]
    assert (slot.values, slot.perturb) == (["Quito", "Accra"], ["case"])
