"""`A` on the rollout view proposes the best passing sample of every input and pairs the whole set (in a worker),
where `a` and `p` act only on the highlighted input."""

from __future__ import annotations

from fixwork import GOOD, weather_run
from review_support import settle, until
from textual.app import App
from textual.widgets import Static

from curator.app.screens.fix.rollouts import RolloutScreen
from curator.fix import examples as example_domain
from curator.fix import rollouts as rollout_domain
from curator.storage.rollouts import list_pairs


class RolloutApp(App):
    def __init__(self, screen):
        super().__init__()
        self.rollout_screen = screen

    def on_mount(self) -> None:
        self.push_screen(self.rollout_screen)


def status(app: App) -> str:
    return str(app.screen.query_one("#rollout-status", Static).render())


async def test_A_proposes_and_pairs_every_input_of_the_set(workspace):
    run = weather_run(workspace)
    plan = rollout_domain.plan_sampling(workspace, run.name)
    samples = {
        0: ["It is sunny.", GOOD, "It is sunny!", "It is sunny."],
        1: ["<display_weather>☁</display_weather>"] * 4,
    }
    sample_set = rollout_domain.store_rollouts(workspace, plan, "models/base", None, {"k": 4}, samples)
    app = RolloutApp(RolloutScreen(workspace, run.run_id, sample_set_id=sample_set.sample_set_id))
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)  # the set and its first input are read in workers
        assert app.screen.highlighted_input().item_key == 0
        await pilot.press("A")
        await until(pilot, lambda: status(app).startswith("whole set:"))
        proposed = example_domain.list_examples(workspace, statuses=("proposed",))
        assert {e.target for e in proposed} == {GOOD, "<display_weather>☁</display_weather>"}  # both inputs
        pairs = list_pairs(workspace.db, sample_set_id=sample_set.sample_set_id)
        assert len(pairs) == 2 and {p.chosen for p in pairs} == {GOOD}
        assert "2 proposed" in status(app) and "2 new preference pair(s)" in status(app)
        await pilot.press("A")  # again: nothing new is paired
        await until(pilot, lambda: "0 new preference pair(s)" in status(app))
    assert len(list_pairs(workspace.db, sample_set_id=sample_set.sample_set_id)) == 2


async def test_A_before_any_sampling_says_to_sample_first(workspace):
    run = weather_run(workspace)
    app = RolloutApp(RolloutScreen(workspace, run.run_id))
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        app.screen.query_one("#rollout-inputs").focus()  # not typing into the model field
        await pilot.press("A")
        await pilot.pause()
        assert "no sample set yet: ctrl+r samples" in status(app)
