"""More values for a slot from a model, in the template editor: ctrl+o opens the form, a stand-in endpoint answers,
the held-out guard's verdicts are listed literally, and only the values the analyst accepts join the slot."""

from __future__ import annotations

import http.server
import socket
import threading
from contextlib import contextmanager

import pytest
from chat_endpoint import chat_endpoint
from fixwork import weather_records, weather_run
from review_support import held_back, screen_text, until
from test_fix_screens import FixApp, settle, shown
from textual.widgets import DataTable, Input, TextArea

from curator.app.screens.fix import template_storing
from curator.app.screens.fix.slot_expansion_dialog import SlotExpansionDialog
from curator.app.screens.fix.slot_proposals import SlotProposalsScreen
from curator.app.screens.fix.template_editor import TemplateEditorScreen
from curator.fix.slot_expansion import list_proposals
from curator.fix.templates import spec_from_dict
from curator.fix.templates.library import create_template, get_template
from curator.jobs.reconcile import _processes_running as processes_running
from curator.review.runs import create_run_from_records

FORECAST = {
    "name": "forecast",
    "input": "<api> Weather in {{ city }}: {{ sky }}",
    "target": "<display_weather>☁</display_weather>",
    "slots": {"city": ["Oslo", "Bergen"], "sky": ["cloudy", "grey"]},
}
# "overcast" is held-out item h2's surface form ("<api> Weather in Lima: overcast"); the last one is markup.
PROPOSALS = "1. overcast\n2. misty\n3. [bold]x[/]"


class EditorApp(FixApp):
    """The editor on a minimal app that, like Curator's, logs failed workers in the workspace."""

    def __init__(self, workspace):
        super().__init__(lambda: TemplateEditorScreen(workspace, "forecast"))
        self.log_file = workspace.root / "curator.log"


@pytest.fixture
def editor(workspace):
    run = weather_run(workspace)
    create_template(workspace, spec_from_dict(FORECAST), source_run_id=run.run_id, source_item_key=1)
    return EditorApp(workspace)


def stored_sky(workspace) -> list:
    return next(s.values for s in get_template(workspace, "forecast").spec.slots if s.name == "sky")


async def open_form_on_sky(app, pilot) -> SlotExpansionDialog:
    """Highlight slot `sky` (the second row) and press the key."""
    await until(pilot, lambda: app.screen.loaded)  # the template is read in a worker
    table = app.screen.query_one("#slot-table", DataTable)
    table.focus()
    await pilot.press("down", "ctrl+o")
    await until(pilot, lambda: isinstance(app.screen, SlotExpansionDialog))
    return app.screen


async def ask(app, pilot, url: str, count: str = "20") -> None:
    dialog = await open_form_on_sky(app, pilot)
    dialog.query_one("#expand-model", Input).value = "served"
    dialog.query_one("#expand-endpoint", Input).value = url
    dialog.query_one("#expand-count", Input).value = count
    dialog.query_one("#expand-model", Input).focus()
    await pilot.press("enter")


def proposal_rows(app) -> list[tuple[str, str]]:
    table = app.screen.query_one("#proposals-table", DataTable)
    return [(str(table.get_cell_at((r, 0))), str(table.get_cell_at((r, 1)))) for r in range(table.row_count)]


async def test_the_footer_shows_the_more_values_key(editor):
    async with editor.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        assert "^o More values" in screen_text(editor)


async def test_proposals_are_vetted_shown_literally_and_only_accepted_ones_join_the_slot(editor, workspace):
    with chat_endpoint(PROPOSALS) as (url, prompts):
        async with editor.run_test(size=(160, 45)) as pilot:
            await ask(editor, pilot, url)
            await until(pilot, lambda: isinstance(editor.screen, SlotProposalsScreen) and proposal_rows(editor))
            assert "cloudy\ngrey" in prompts[0]
            assert proposal_rows(editor) == [
                ("overcast", "contaminated"),
                ("misty", "proposed"),
                ("[bold]x[/]", "proposed"),
            ]
            await pilot.pause()
            text = screen_text(editor)
            assert "held-out item '<api> Weather in Lima: overcast'" in text and "[bold]x[/]" in text
            assert stored_sky(workspace) == ["cloudy", "grey"]  # nothing joins the slot before it is accepted
            await pilot.press("a")  # on "overcast": refused by the guard
            await pilot.pause()
            assert "'overcast' was refused (contaminated): it cannot be accepted" in screen_text(editor)
            await pilot.press("down", "a")
            await until(pilot, lambda: ("misty", "accepted") in proposal_rows(editor))
            await pilot.press("down", "r")
            await until(pilot, lambda: ("[bold]x[/]", "rejected") in proposal_rows(editor))
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(editor.screen, TemplateEditorScreen))
            screen = editor.screen
            assert screen.spec.slots[1].values == ["cloudy", "grey", "misty"]
            assert str(screen.query_one("#slot-table", DataTable).get_cell_at((1, 1))) == "cloudy, grey, misty"
            assert not screen.unsaved
    assert stored_sky(workspace) == ["cloudy", "grey", "misty"]


async def test_accept_all_takes_every_proposed_value_but_never_a_refused_one(editor, workspace):
    with chat_endpoint(PROPOSALS) as (url, _):
        async with editor.run_test(size=(160, 45)) as pilot:
            await ask(editor, pilot, url)
            await until(pilot, lambda: isinstance(editor.screen, SlotProposalsScreen) and proposal_rows(editor))
            await pilot.press("A")
            await until(pilot, lambda: ("misty", "accepted") in proposal_rows(editor))
            assert ("overcast", "contaminated") in proposal_rows(editor)
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(editor.screen, TemplateEditorScreen))
            assert editor.screen.spec.slots[1].values == ["cloudy", "grey", "misty", "[bold]x[/]"]
    assert stored_sky(workspace) == ["cloudy", "grey", "misty", "[bold]x[/]"]


async def test_an_unreachable_endpoint_shows_one_line_and_stores_nothing(editor, workspace):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with editor.run_test(size=(160, 45)) as pilot:
        await ask(editor, pilot, f"http://127.0.0.1:{port}/v1")
        status = lambda: str(editor.screen.query_one("#expand-status").render())  # noqa: E731
        await until(pilot, lambda: "nothing stored" in status())
        assert "cannot reach the endpoint" in status() and "\n" not in status().strip()
        assert isinstance(editor.screen, SlotExpansionDialog)  # the form stays for another try
        assert "the expand step failed" in (workspace.root / "curator.log").read_text()
    assert list_proposals(workspace, "forecast") == [] and stored_sky(workspace) == ["cloudy", "grey"]


async def test_a_field_that_is_not_a_number_is_named_and_nothing_is_asked(editor, workspace):
    with chat_endpoint(PROPOSALS) as (url, prompts):
        async with editor.run_test(size=(160, 45)) as pilot:
            await ask(editor, pilot, url, count="many")
            await pilot.pause()
            assert "how many values must be a number, not 'many'" in screen_text(editor)
            assert editor.screen.running is None
    assert prompts == [] and list_proposals(workspace, "forecast") == []


async def test_paired_slots_or_variants_are_not_expanded(workspace):
    run = weather_run(workspace)
    spec = dict(FORECAST, slots={"city": ["Oslo"]}, zipped=[{"names": ["sky", "emoji"], "rows": [["cloudy", "☁"]]}])
    create_template(workspace, spec_from_dict(spec), source_run_id=run.run_id)
    app = EditorApp(workspace)
    async with app.run_test(size=(160, 45)) as pilot:
        app.screen.query_one("#slot-table", DataTable).focus()
        await pilot.press("down")
        await settle(pilot)  # the highlighted row's fields and preview are shown
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, TemplateEditorScreen)
        assert "highlight a slot in the slot table (not paired slots or a variant)" in shown(app, "#template-error")


async def test_the_form_offers_the_run_model_folder(workspace, tmp_path):
    folder = tmp_path / "reviser"
    folder.mkdir()
    run = create_run_from_records(workspace, "by-model", weather_records(), model=str(folder))
    create_template(workspace, spec_from_dict(FORECAST), source_run_id=run.run_id)
    app = EditorApp(workspace)
    async with app.run_test(size=(160, 45)) as pilot:
        dialog = await open_form_on_sky(app, pilot)
        await until(pilot, lambda: dialog.query_one("#expand-model", Input).value == str(folder))


@contextmanager
def stalling_endpoint():
    """An endpoint that takes each request and answers none until the block ends; yields (url, requests seen)."""
    seen, release = [], threading.Event()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            seen.append(self.path)
            release.wait(30)
            self.send_response(500)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", seen
    finally:
        release.set()
        server.shutdown()
        server.server_close()


async def test_escape_stops_the_call_and_stores_nothing(editor, workspace):
    with stalling_endpoint() as (url, seen):
        async with editor.run_test(size=(160, 45)) as pilot:
            await ask(editor, pilot, url)
            await until(pilot, lambda: seen)
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(editor.screen, TemplateEditorScreen), deadline_s=10)
    assert list_proposals(workspace, "forecast") == [] and stored_sky(workspace) == ["cloudy", "grey"]


async def test_escape_stops_a_local_model_child(editor, workspace, demo_model_dir):
    async with editor.run_test(size=(160, 45)) as pilot:
        dialog = await open_form_on_sky(editor, pilot)
        dialog.query_one("#expand-model", Input).value = str(demo_model_dir)
        dialog.query_one("#expand-model", Input).focus()
        await pilot.press("enter")
        job_files = lambda: list((workspace.root / "jobs").glob("expand-*/job.json"))  # noqa: E731
        await until(pilot, lambda: job_files() and processes_running(str(job_files()[0])))
        await pilot.press("escape")
        assert "stopping the model" in screen_text(editor)
        await until(pilot, lambda: isinstance(editor.screen, TemplateEditorScreen), deadline_s=60)
        assert not processes_running(str(job_files()[0]))  # the child is gone before the form closes
    assert list_proposals(workspace, "forecast") == []


async def test_proposals_left_waiting_are_listed_again_without_asking(editor):
    with chat_endpoint(PROPOSALS) as (url, prompts):
        async with editor.run_test(size=(160, 45)) as pilot:
            await ask(editor, pilot, url)
            await until(pilot, lambda: isinstance(editor.screen, SlotProposalsScreen) and proposal_rows(editor))
            await pilot.press("escape")  # nothing decided
            await until(pilot, lambda: isinstance(editor.screen, TemplateEditorScreen))
            await pilot.press("ctrl+o")
            await until(pilot, lambda: isinstance(editor.screen, SlotExpansionDialog))
            await pilot.press("ctrl+r")
            await until(pilot, lambda: isinstance(editor.screen, SlotProposalsScreen) and proposal_rows(editor))
            await pilot.pause()
            assert "2 waiting for you, 3 in all" in screen_text(editor)
            assert len(prompts) == 1  # the model was asked once


async def test_an_unsaved_template_is_stored_off_the_ui_thread_before_the_form_opens(editor, workspace, monkeypatch):
    async with editor.run_test(size=(140, 45)) as pilot:
        await until(pilot, lambda: editor.screen.loaded)
        editor.screen.query_one("#template-input", TextArea).load_text("<api> Weather in {{ city }} today: {{ sky }}")
        release, threads = held_back(monkeypatch, template_storing.template_domain, "save_template")
        table = editor.screen.query_one("#slot-table", DataTable)
        table.focus()
        await pilot.press("down", "ctrl+o")
        await until(pilot, lambda: threads)
        assert isinstance(editor.screen, TemplateEditorScreen)  # the form waits for the save
        release.set()
        await until(pilot, lambda: isinstance(editor.screen, SlotExpansionDialog))
    assert threads[0] is not threading.main_thread()
    assert get_template(workspace, "forecast").spec.input == "<api> Weather in {{ city }} today: {{ sky }}"
