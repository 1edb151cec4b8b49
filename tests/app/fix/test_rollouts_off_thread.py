"""The rollout view reads and writes DuckDB in workers, never on the UI thread: it opens and takes keys while the
sample set is read, shows the highlighted input's samples once read (a later cursor move wins over an earlier
read), accepts the best sample and makes pairs once per press while a write runs, and shows a refused call's
message in its status line."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest
from fixwork import GOOD, weather_run
from review_support import held_back, settle, until
from textual.app import App
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from curator.app.screens.fix import rollouts as rollouts_screen
from curator.app.screens.fix.rollouts import RolloutScreen, sample_fixes_command
from curator.errors import CuratorError
from curator.fix import examples as example_domain
from curator.fix import rollouts as rollout_domain
from curator.storage.browse import ItemFilter
from curator.storage.rollouts import list_pairs

SIZE = (160, 45)


class RolloutApp(App):
    def __init__(self, screen_factory, log_file=None):
        super().__init__()
        self.screen_factory, self.notes, self.log_file = screen_factory, [], log_file

    def on_mount(self) -> None:
        self.push_screen(self.screen_factory())

    def notify(self, message, **kwargs) -> None:
        self.notes.append(message)
        super().notify(message, **kwargs)


def shown(app: App, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def samples_table(app: App) -> DataTable:
    return app.screen.query_one("#rollout-samples", DataTable)


def off_main(threads: list[threading.Thread]) -> bool:
    return bool(threads) and all(t is not threading.main_thread() for t in threads)


@pytest.fixture
def stored(workspace):
    """Input 0: one of four samples passes; input 1: all four pass."""
    run = weather_run(workspace)
    plan = rollout_domain.plan_sampling(workspace, run.name)
    samples = {
        0: ["It is sunny.", GOOD, "It is sunny!", "It is sunny."],
        1: ["<display_weather>☁</display_weather>"] * 4,
    }
    sample_set = rollout_domain.store_rollouts(workspace, plan, "models/base", None, {"k": 4}, samples)
    return workspace, run, sample_set.sample_set_id


def view(stored) -> RolloutApp:
    ws, run, set_id = stored
    return RolloutApp(lambda: RolloutScreen(ws, run.run_id, sample_set_id=set_id))


async def test_the_view_opens_and_takes_keys_while_the_set_is_read(stored, monkeypatch):
    release, threads = held_back(monkeypatch, rollout_domain, "summaries")
    app = view(stored)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: threads)
        model = app.screen.query_one("#rollout-model", Input)
        model.focus()
        await pilot.press("x")
        assert model.value == "x" and "Reading sample set" in shown(app, "#rollout-status")
        assert app.screen.query_one("#rollout-inputs", DataTable).row_count == 0
        release.set()
        await until(pilot, lambda: samples_table(app).row_count == 4)
        assert "Sample set 1: 2 inputs, 1 with signal." in shown(app, "#rollout-status")
        assert "1 of 4 samples pass" in shown(app, "#rollout-agreement")
    assert off_main(threads)


async def test_the_highlighted_inputs_samples_show_even_after_a_slower_earlier_read(stored, monkeypatch):
    app = view(stored)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "1 of 4 samples pass" in shown(app, "#rollout-agreement")
        release, threads = held_back(monkeypatch, rollout_domain, "rollouts")
        await pilot.press("down")
        await until(pilot, lambda: threads)
        assert "1 of 4 samples pass" in shown(app, "#rollout-agreement")  # shown until input 1 is read
        release.set()
        await until(pilot, lambda: "All 4 samples pass" in shown(app, "#rollout-agreement"))
        assert "☁" in shown(app, "#rollout-target")
        assert off_main(threads)

        release, threads = held_back(monkeypatch, rollout_domain, "rollouts")
        await pilot.press("up", "down", "up")  # the reads of inputs 0 and 1 are all held
        await until(pilot, lambda: len(threads) >= 1)
        release.set()
        await until(pilot, lambda: not any(w.is_running for w in app.workers))
        await pilot.pause()
        assert app.screen.highlighted_input().item_key == 0
        assert "1 of 4 samples pass" in shown(app, "#rollout-agreement") and GOOD in shown(app, "#rollout-target")
        assert off_main(threads)


async def test_accept_best_writes_once_in_a_worker(stored, monkeypatch):
    ws, _, _ = stored
    app = view(stored)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        release, threads = held_back(monkeypatch, rollout_domain, "accept_best")
        await pilot.press("a")
        await until(pilot, lambda: threads)
        await pilot.press("a")  # a second press while the first stores
        await pilot.pause(0.2)
        assert "a: accepting the best sample…" in shown(app, "#rollout-status")
        release.set()
        await until(pilot, lambda: "best sample accepted" in shown(app, "#rollout-status"))
        await settle(pilot)
    assert len(threads) == 1 and off_main(threads)
    (example,) = example_domain.list_examples(ws, statuses=("accepted",))
    assert example.target == GOOD


async def test_make_pairs_writes_once_in_a_worker(stored, monkeypatch):
    ws, _, set_id = stored
    app = view(stored)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        release, threads = held_back(monkeypatch, rollout_domain, "make_pairs")
        await pilot.press("p")
        await until(pilot, lambda: threads)
        await pilot.press("p")
        await pilot.pause(0.2)
        assert "a: making preference pairs…" in shown(app, "#rollout-status")
        release.set()
        await until(pilot, lambda: "a: 2 new preference pair(s)" in shown(app, "#rollout-status"))
        await settle(pilot)
        await pilot.press("p")  # free again once the first is stored: nothing new to pair
        await until(pilot, lambda: "a: 0 new preference pair(s)" in shown(app, "#rollout-status"))
    assert len(threads) == 2 and off_main(threads)
    assert len(list_pairs(ws.db, sample_set_id=set_id)) == 2


def refusing(message: str):
    def refuse(*args, **kwargs):
        raise CuratorError(message)

    return refuse


@pytest.mark.parametrize("name, key", [("accept_best", "a"), ("make_pairs", "p")])
async def test_a_refused_write_shows_its_message(stored, monkeypatch, name, key):
    app = view(stored)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(rollout_domain, name, refusing("sample set 1 is gone"))
        await pilot.press(key)
        await until(pilot, lambda: "a: sample set 1 is gone" in shown(app, "#rollout-status"))
        await pilot.press(key)  # the refusal ends the write: the key works again
        await until(pilot, lambda: "a: sample set 1 is gone" in shown(app, "#rollout-status"))


async def test_refused_reads_show_their_message(stored, monkeypatch):
    monkeypatch.setattr(rollout_domain, "summaries", refusing("no sample set 1"))
    app = view(stored)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "Sample set 1: no sample set 1" in shown(app, "#rollout-status"))
    monkeypatch.undo()
    app = view(stored)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(rollout_domain, "rollouts", refusing("the samples are gone"))
        await pilot.press("down")
        await until(pilot, lambda: "b: the samples are gone" in shown(app, "#rollout-status"))


async def test_an_unexpected_failure_is_reported_and_frees_the_keys(stored, monkeypatch, tmp_path):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    ws, run, set_id = stored
    app = RolloutApp(lambda: RolloutScreen(ws, run.run_id, sample_set_id=set_id), log_file=tmp_path / "curator.log")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(rollout_domain, "accept_best", broken)
        await pilot.press("a")
        await until(pilot, lambda: "storing failed: RuntimeError: disk on fire" in shown(app, "#rollout-status"))
        assert any("disk on fire" in note for note in app.notes)
        assert "disk on fire" in (tmp_path / "curator.log").read_text()
        monkeypatch.undo()
        await pilot.press("a")
        await until(pilot, lambda: "best sample accepted" in shown(app, "#rollout-status"))


async def test_the_title_reads_the_filter_in_a_worker_or_takes_the_openers(stored, monkeypatch):
    ws, run, _ = stored
    release, threads = held_back(monkeypatch, rollout_domain, "item_filter_of")
    failing = ItemFilter(run.run_id, failing_check="weather_tag")
    app = RolloutApp(lambda: RolloutScreen(ws, run.run_id, failing))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: threads)
        assert shown(app, "#rollout-title") == "Sample fixes · …"
        release.set()
        await until(pilot, lambda: shown(app, "#rollout-title") == "Sample fixes · failing weather_tag")
    assert off_main(threads)
    monkeypatch.setattr(rollout_domain, "item_filter_of", refusing("not read again"))
    app = RolloutApp(lambda: RolloutScreen(ws, run.run_id, failing, scope=(None, "weather_tag")))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert shown(app, "#rollout-title") == "Sample fixes · failing weather_tag"


async def test_the_palette_entry_opens_the_view_with_what_its_listing_read(stored, monkeypatch):
    """The palette lists its entries in a thread worker; choosing "Sample fixes" then reads nothing on the UI
    thread: the screen gets the filter's scope and the base model from the listing."""
    ws, run, _ = stored
    listing = SimpleNamespace(
        workspace=ws, current_filter=ItemFilter(run.run_id, failing_check="weather_tag"), current_run_id=run.run_id
    )
    (command,) = sample_fixes_command(listing)
    calls = []
    monkeypatch.setattr(rollout_domain, "item_filter_of", lambda *a: calls.append(threading.current_thread()))
    monkeypatch.setattr(rollouts_screen, "default_base_model", lambda *a: calls.append(threading.current_thread()))
    app = RolloutApp(Screen)
    app.workspace = ws
    async with app.run_test(size=SIZE) as pilot:
        command.run(app)
        await settle(pilot)
        assert isinstance(app.screen, RolloutScreen)
        assert shown(app, "#rollout-title") == "Sample fixes · failing weather_tag"
    assert threading.main_thread() not in calls
