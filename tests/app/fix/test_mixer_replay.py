"""The mixer offers replay_from (the model's own outputs or the items' targets) and keeps recipe settings it does
not show."""

import pytest
from review_support import settle
from textual.widgets import Input

from curator.app.curator_app import CuratorApp
from curator.app.screens.fix.mixer import MixerScreen, source_argument, source_from_form
from curator.errors import CuratorError
from curator.recipes import library as recipe_domain
from curator.recipes.spec import spec_from_dict


def test_a_replay_source_can_replay_targets_and_shows_it():
    source = source_from_form("replay", "base, targets", "50", set())
    assert (source.run, source.replay_from) == ("base", "targets")
    assert source_argument(source) == "base, targets"
    again = source_from_form("replay", source_argument(source), "50", set())
    assert again.replay_from == "targets"
    plain = source_from_form("replay", "base", "50", set())
    assert (plain.run, plain.replay_from, source_argument(plain)) == ("base", "outputs", "base")


def test_an_unknown_replay_choice_is_named():
    with pytest.raises(CuratorError, match="replay from 'gold': write outputs or targets"):
        source_from_form("replay", "base, gold", "50", set())


async def test_the_mixer_keeps_the_system_prompt_it_does_not_show(workspace):
    raw = {
        "name": "mix",
        "total": 1,
        "system_prompt": "Be brief.",
        "sources": [{"kind": "seed", "share": 1, "rows": [{"prompt": "a", "completion": "b"}]}],
    }
    recipe_domain.save_recipe(workspace, spec_from_dict(raw))
    app = CuratorApp(workspace)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = MixerScreen(workspace, "mix")
        app.push_screen(screen)
        await settle(pilot)  # the stored recipe is read in a worker
        assert screen.query_one("#recipe-total", Input).value == "1"
        screen.query_one("#recipe-total", Input).value = "2"
        await settle(pilot)
        assert screen.spec().system_prompt == "Be brief." and screen.spec().total == 2
