"""The template editor as a newcomer meets it: focus where the hint says, more values added (replaced only when
asked), paired (zipped) slots made and extended in the app."""

from __future__ import annotations

from fixwork import WEATHER_TEMPLATE, weather_run
from review_support import screen_text
from test_fix_screens import FixApp, select, settle, shown
from textual.widgets import Checkbox, DataTable, Input, TextArea

from curator.app.screens.fix.template_editor import TemplateEditorScreen
from curator.fix.templates import spec_from_dict
from curator.fix.templates.library import create_template, get_template


def stored_editor(workspace) -> FixApp:
    run = weather_run(workspace)
    create_template(workspace, spec_from_dict(WEATHER_TEMPLATE), bucket="weather", source_run_id=run.run_id)
    return FixApp(lambda: TemplateEditorScreen(workspace, "weather"))


async def test_the_focus_starts_in_the_input_box_the_hint_names(workspace):
    run = weather_run(workspace)
    app = FixApp(lambda: TemplateEditorScreen(workspace, run_id=run.run_id, item_key=0, bucket="weather"))
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.pause()
        assert "select text in input or target" in screen_text(app)
        assert app.focused is app.screen.query_one("#template-input", TextArea)
        select(app.focused, "Paris")
        await pilot.press("s")
        await settle(pilot)
        assert "{{ paris }}" in app.screen.query_one("#template-input", TextArea).text


async def test_more_values_are_added_to_a_slot_unless_replace_is_ticked(workspace):
    app = stored_editor(workspace)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = app.screen
        screen.query_one("#slot-name", Input).value = "city"
        screen.query_one("#slot-values", Input).value = "Quito, Paris"
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert screen.spec.slots[0].values == ["Paris", "Berlin", "Madrid", "Tokyo", "Quito"]
        table = screen.query_one("#slot-table", DataTable)
        assert str(table.get_cell_at((0, 1))) == "Paris, Berlin, Madrid, Tokyo, Quito"
        screen.query_one("#slot-name", Input).value = "city"
        screen.query_one("#slot-values", Input).value = "Lima"
        screen.query_one("#slot-replace", Checkbox).value = True
        await pilot.press("ctrl+l")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.query_one("#slot-replace", Checkbox).value is False  # ticked for one change only
    assert get_template(workspace, "weather").spec.slots[0].values == ["Lima"]


async def test_z_pairs_two_spans_and_ctrl_l_makes_paired_slots_with_the_rows_typed(workspace):
    run = weather_run(workspace)
    app = FixApp(lambda: TemplateEditorScreen(workspace, run_id=run.run_id, item_key=0, bucket="weather"))
    async with app.run_test(size=(140, 45)) as pilot:
        screen = app.screen
        source, target = screen.query_one("#template-input", TextArea), screen.query_one("#template-target", TextArea)
        screen.query_one("#slot-name", Input).value = "phrase"
        select(source, "sunny")
        await pilot.press("z")  # over a selection z holds the span; it does not type
        assert "pairing phrase='sunny'" in screen_text(app)
        target.focus()
        select(target, "☀")
        screen.query_one("#slot-name", Input).value = "emoji"
        await pilot.press("z")
        assert "phrase='sunny' + emoji='☀'" in screen_text(app)
        screen.query_one("#slot-values", Input).value = "cloudy, ☁; rainy, 🌧"
        await pilot.press("ctrl+l")
        await settle(pilot)
        [group] = screen.spec.zipped
        assert group.names == ["phrase", "emoji"]
        assert group.rows == [["sunny", "☀"], ["cloudy", "☁"], ["rainy", "🌧"]]
        assert source.text == "<api> What is the weather in Paris? It is {{ phrase }}."
        assert target.text.startswith("<display_weather>{{ emoji }}</display_weather>")
        assert "3 distinct examples possible" in shown(app, "#template-preview")
        assert "pairing" not in screen_text(app) and "phrase + emoji" in screen_text(app)


async def test_one_span_is_not_a_pair_and_escape_drops_the_pairing_before_leaving(workspace):
    run = weather_run(workspace)
    app = FixApp(lambda: TemplateEditorScreen(workspace, run_id=run.run_id, item_key=0, bucket="weather"))
    async with app.run_test(size=(140, 45)) as pilot:
        screen = app.screen
        select(screen.query_one("#template-input", TextArea), "sunny")
        await pilot.press("z", "ctrl+l")
        await pilot.pause()
        assert "pair at least two spans" in shown(app, "#template-error")
        assert screen.spec.zipped == []
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and not screen.pairing and "pairing" not in screen_text(app)


async def test_enter_on_paired_slots_loads_their_rows_and_a_row_of_the_wrong_size_is_refused(workspace):
    app = stored_editor(workspace)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = app.screen
        table = screen.query_one("#slot-table", DataTable)
        table.focus()
        table.move_cursor(row=1)  # after the one free slot: phrase + emoji
        await pilot.press("enter")
        assert screen.query_one("#slot-name", Input).value == "phrase + emoji"
        assert screen.query_one("#slot-values", Input).value == "sunny, ☀; cloudy, ☁; bright, ☀"
        assert screen.query_one("#slot-replace", Checkbox).value is True
        screen.query_one("#slot-values", Input).value = "rainy"
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert "row 'rainy' has 1 values; phrase + emoji needs 2" in shown(app, "#template-error")
        screen.query_one("#slot-replace", Checkbox).value = False
        screen.query_one("#slot-values", Input).value = "rainy, 🌧"
        await pilot.press("ctrl+l")
        await pilot.press("ctrl+s")
        await settle(pilot)
    [group] = get_template(workspace, "weather").spec.zipped
    assert group.rows == [["sunny", "☀"], ["cloudy", "☁"], ["bright", "☀"], ["rainy", "🌧"]]


async def test_without_a_selection_s_and_z_are_typed_as_usual(workspace):
    run = weather_run(workspace)
    app = FixApp(lambda: TemplateEditorScreen(workspace, run_id=run.run_id, item_key=0, bucket="weather"))
    async with app.run_test(size=(140, 45)) as pilot:
        area = app.screen.query_one("#template-input", TextArea)
        await pilot.pause()
        await pilot.press("end", "z", "s")
        assert area.text.endswith("sunny.zs")
        assert not app.screen.pairing and app.screen.spec.slots == []
