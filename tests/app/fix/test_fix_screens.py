"""Pilot tests of the fix-with-data screens, each pushed on a minimal app."""

from __future__ import annotations

import json
from contextlib import asynccontextmanager

from fixwork import WEATHER_TEMPLATE, weather_run
from review_support import screen_text, until
from textual.app import App
from textual.widgets import DataTable, Input, Static, TextArea
from textual.widgets.text_area import Selection

from curator.app.screens.fix.example_review import ExampleReviewScreen
from curator.app.screens.fix.mixer import MixerScreen
from curator.app.screens.fix.template_editor import TemplateEditorScreen
from curator.app.widgets.dialogs import ConfirmDialog, TextPrompt
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

    @asynccontextmanager
    async def run_test(self, *args, **kwargs):
        """As App.run_test, once a screen that reads its data in a worker (the template editor) has read it."""
        async with super().run_test(*args, **kwargs) as pilot:
            pushed = lambda: len(self.screen_stack) > 1  # noqa: E731  (the factory's screen is on top)
            await until(pilot, lambda: pushed() and getattr(self.screen, "loaded", True))
            await settle(pilot)  # and what loading started (the preview) has finished
            yield pilot


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
        await pilot.press("s")  # the box has the focus and a selection: s makes the slot, it does not type
        await settle(pilot)
        assert area.text == "<api> What is the weather in {{ city }}? It is sunny."
        assert "6 distinct examples possible" in shown(app, "#template-preview")
        assert "What is the weather in" in shown(app, "#template-preview")

        await pilot.press("ctrl+g")  # asks how many
        await settle(pilot)
        assert isinstance(app.screen, TextPrompt)
        app.screen.query_one(Input).value = "6"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExampleReviewScreen)
        assert "6 proposed" in shown(app, "#review-summary")
        for _ in range(4):
            await pilot.press("a")
        await pilot.press("r")
        await settle(pilot)  # stored in the screen's worker queue, in the order pressed
        assert "4 accepted" in shown(app, "#review-summary") and "1 rejected" in shown(app, "#review-summary")

        app.push_screen(MixerScreen(workspace, "weather-fix"))
        await settle(pilot)
        mixer = app.screen
        mixer.query_one("#recipe-total", Input).value = "4"
        mixer.query_one("#source-argument", Input).value = "weather"
        mixer.query_one("#source-share", Input).value = "100"
        mixer.query_one("#source-share", Input).focus()
        await pilot.press("enter")
        await pilot.press("ctrl+b")
        await settle(pilot)
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
        await settle(pilot)  # the stored template is read in a worker
        target = app.screen.query_one("#template-target", TextArea)
        target.load_text("{{ wether }}")
        await pilot.pause(0.5)
        await settle(pilot)
        assert "template 'weather', field 'target': undefined slot 'wether'" in shown(app, "#template-error")
        assert "no preview" in shown(app, "#template-preview")
        target.load_text("{{ ''.__class__.__mro__ }}")
        await pilot.pause(0.5)
        await settle(pilot)
        assert "unsafe" in shown(app, "#template-error")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "unsafe" in shown(app, "#template-error")
        target.load_text("<display_weather>{{ emoji }}</display_weather>")
        await pilot.pause(0.5)
        await settle(pilot)
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
        await settle(pilot)  # the examples are read in a worker
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
        await settle(pilot)  # edits are stored in a worker
        assert "check 'emoji'" in shown(app, "#review-error")
        app.screen.query_one("#edit-target", TextArea).load_text("<display_weather>☀</display_weather> Sunny!")
        await pilot.press("ctrl+s")
        await pilot.press("A")
        await settle(pilot)
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
        await settle(pilot)
        assert "shares add up to 60%" in shown(app, "#mixer-warnings")
        kind.value = "replay"
        screen.query_one("#source-argument", Input).value = "base"
        screen.query_one("#source-share", Input).value = "40"
        screen.query_one("#source-share", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        table = screen.query_one("#source-table", DataTable)
        assert [str(table.get_row_at(i)[4]) for i in range(2)] == ["12", "8"]
        warnings = shown(app, "#mixer-warnings").splitlines()
        assert warnings == [
            "source 'file' has 10 usable rows; its share (60% of 20) asks for 12",
            "source 'replay' has 2 usable rows; its share (40% of 20) asks for 8",
        ]
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert shown(app, "#mixer-warnings") == warnings[0]  # the build refuses with the mixer's own words
        screen.query_one("#recipe-total", Input).value = "5"
        await settle(pilot)
        assert [str(table.get_row_at(i)[4]) for i in range(2)] == ["3", "2"]
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
        await settle(pilot)
        assert "108 distinct examples possible" in shown(app, "#template-preview")
    slot = get_template(workspace, "weather").spec.slots[0]
    assert (slot.values, slot.perturb) == (["Quito", "Accra"], ["case"])


async def test_the_mixer_counts_what_the_build_uses_held_out_look_alikes_left_out(workspace, tmp_path):
    weather_run(workspace)
    rows = [{"prompt": f"<api> Weather in town {i}: sunny", "completion": "☀"} for i in range(11)]
    rows.append({"prompt": "<api> What is the weather in Rome? It is sunny!", "completion": "leak"})  # held-out h1
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text("".join(json.dumps(r) + "\n" for r in rows))
    app = FixApp(lambda: MixerScreen(workspace, "leaky"))
    async with app.run_test(size=(140, 40)) as pilot:
        screen = app.screen
        screen.query_one("#recipe-total", Input).value = "12"
        screen.query_one("#source-kind").value = "file"
        screen.query_one("#source-argument", Input).value = str(mixed)
        screen.query_one("#source-share", Input).value = "100"
        screen.query_one("#source-share", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        table = screen.query_one("#source-table", DataTable)
        assert str(table.get_row_at(0)[5]) == "11 (-1 held-out)"
        planned = shown(app, "#mixer-warnings")
        assert planned == (
            "source 'file' has 11 usable rows (1 refused as too close to held-out items); its share (100% of 12) "
            "asks for 12"
        )
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert shown(app, "#mixer-warnings") == planned
        screen.query_one("#recipe-total", Input).value = "11"
        await settle(pilot)
        assert shown(app, "#mixer-warnings") == ""
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert "built leaky v1: 11 rows" in shown(app, "#mixer-result")
    built = [json.loads(line) for line in open(recipes.get_version(workspace, "leaky", 1).path)]
    assert "leak" not in {r["completion"] for r in built}


async def test_a_source_can_be_edited_in_place(workspace, tmp_path):
    weather_run(workspace)
    app = FixApp(lambda: MixerScreen(workspace, "edited"))
    async with app.run_test(size=(140, 40)) as pilot:
        screen = app.screen
        screen.query_one("#recipe-total", Input).value = "2"
        screen.query_one("#source-kind").value = "replay"
        screen.query_one("#source-argument", Input).value = "base"
        screen.query_one("#source-share", Input).value = "50"
        screen.query_one("#source-share", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        screen.query_one("#source-table", DataTable).focus()
        await pilot.press("e")
        assert screen.query_one("#source-argument", Input).value == "base"
        assert screen.query_one("#source-share", Input).value == "50"
        screen.query_one("#source-share", Input).value = "100"
        screen.query_one("#source-share", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert [(s.name, s.kind, s.run, s.share) for s in screen.sources] == [("replay", "replay", "base", 1.0)]
        assert shown(app, "#mixer-warnings") == ""
        await pilot.press("escape")  # leaving saves the recipe
        await settle(pilot)
    stored = recipes.get_recipe(workspace, "edited")
    assert [(s.kind, s.run, s.share) for s in stored.sources] == [("replay", "base", 1.0)] and stored.total == 2


async def test_escape_with_unsaved_edits_asks_before_discarding(workspace):
    run = weather_run(workspace)
    create_template(workspace, spec_from_dict(WEATHER_TEMPLATE), bucket="weather", source_run_id=run.run_id)
    app = FixApp(lambda: TemplateEditorScreen(workspace, "weather"))
    async with app.run_test(size=(140, 45)) as pilot:
        editor = app.screen
        await pilot.press("escape")  # nothing changed: leaves at once
        await pilot.pause()
        assert app.screen is not editor
        app.push_screen(TemplateEditorScreen(workspace, "weather"))
        await pilot.pause()
        editor = app.screen
        editor.query_one("#template-target", TextArea).load_text("<display_weather>{{ emoji }}</display_weather>!")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and "unsaved edits" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is editor
        await pilot.press("ctrl+s")
        await pilot.press("escape")  # saved: no question
        await pilot.pause()
        assert app.screen is not editor and not isinstance(app.screen, ConfirmDialog)
    assert get_template(workspace, "weather").spec.target == "<display_weather>{{ emoji }}</display_weather>!"


async def test_s_makes_a_slot_from_the_target_box_and_the_hint_is_in_the_footer(workspace):
    run = weather_run(workspace)
    app = FixApp(lambda: TemplateEditorScreen(workspace, run_id=run.run_id, item_key=0, bucket="weather"))
    async with app.run_test(size=(160, 48)) as pilot:
        screen = app.screen
        shown = screen_text(app)
        assert (
            "^l Slot (or select, s)" in shown and "select text in input or target: s makes a slot, z pairs it" in shown
        )
        target = screen.query_one("#template-target", TextArea)
        target.focus()
        await pilot.press("end", "s")  # no selection: s is typed
        assert target.text.endswith("sun.s")
        select(target, "Enjoy")
        await pilot.press("s")
        await settle(pilot)
        assert "{{ enjoy }}" in target.text and "slot 'enjoy' made" in " ".join(
            str(n.message) for n in app._notifications
        )


async def test_a_selection_survives_moving_to_the_fields(workspace):
    run = weather_run(workspace)
    app = FixApp(lambda: TemplateEditorScreen(workspace, run_id=run.run_id, item_key=0, bucket="weather"))
    async with app.run_test(size=(140, 45)) as pilot:
        screen = app.screen
        area = screen.query_one("#template-input", TextArea)
        area.focus()
        select(area, "Paris")
        await pilot.pause()
        name = screen.query_one("#slot-name", Input)
        name.focus()  # the selection is kept although the box lost the focus
        await pilot.press(*"city")
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert area.text == "<api> What is the weather in {{ city }}? It is sunny."


async def test_a_variant_can_be_deleted_and_a_bad_count_generates_nothing(workspace):
    run = weather_run(workspace)
    create_template(workspace, spec_from_dict(WEATHER_TEMPLATE), bucket="weather", source_run_id=run.run_id)
    app = FixApp(lambda: TemplateEditorScreen(workspace, "weather"))
    async with app.run_test(size=(140, 45)) as pilot:
        screen = app.screen
        await pilot.press("ctrl+n", "ctrl+s")
        await settle(pilot)
        assert [v.kind for v in get_template(workspace, "weather").spec.variants] == ["no_tag"]
        table = screen.query_one("#slot-table", DataTable)
        table.focus()
        table.move_cursor(row=table.row_count - 1)
        await pilot.press("delete")
        await settle(pilot)
        assert screen.spec.variants == [] and table.row_count == len(screen.spec.slots) + len(screen.spec.zipped)
        await pilot.press("ctrl+s", "ctrl+g")
        await pilot.pause()
        app.screen.query_one(Input).value = "lots"
        await pilot.press("enter")
        await settle(pilot)
        assert "'lots' is not a whole number of examples" in shown(app, "#template-error")
    assert get_template(workspace, "weather").spec.variants == []
    assert example_domain.list_examples(workspace) == []


def test_the_preview_warns_about_a_number_left_the_same_in_every_example():
    from curator.app.screens.fix.template_editor import preview_text
    from curator.fix.templates import spec_from_dict

    spec = spec_from_dict(
        {
            "name": "gets-more",
            "input": "{{ name }} has 3 apples and gets 2 more. How many?",
            "target": "<answer>5</answer>",
            "slots": [{"name": "name", "values": ["Ann", "Bo"]}],
        }
    )
    shown = preview_text(spec).plain
    assert "'2' in the input is the same in every example: make it a slot" in shown
    assert "'5' in the target is the same in every example" in shown
