"""A slot's values extended by a model: proposals are split, deduplicated, checked against held-out items (their
surface form at the slot's place, the whole input, near duplicates of the rendered input) and never generate
anything until the analyst accepts them."""

from __future__ import annotations

import pytest
from fixwork import weather_run

from curator.errors import CuratorError
from curator.fix import slot_expansion
from curator.fix.generation import generate
from curator.fix.templates import TemplateRenderer, spec_from_dict
from curator.fix.templates import library as template_domain
from curator.review.runs import create_run_from_records

FORECAST = {
    "name": "forecast",
    "input": "<api> Weather in {{ city }}: {{ sky }}",
    "target": "<display_weather>☁</display_weather>",
    "slots": {"city": ["Oslo", "Bergen"], "sky": ["cloudy", "grey"]},
}
ANSWER = """Here you go:
1. Overcast.
2. Cloudy
3. misty
- misty
- "foggy"
- light rain shower
"""


@pytest.fixture
def forecast(workspace):
    run = weather_run(workspace)  # held out: "<api> Weather in Lima: overcast"
    held = {"item_id": "h9", "input": "<api> Weather in Oslo: light rain showers", "output": "x", "split": "held_out"}
    create_run_from_records(workspace, "other", [held])
    return template_domain.create_template(
        workspace, spec_from_dict(FORECAST), bucket="weather", source_run_id=run.run_id, source_item_key=1
    )


def _all_inputs(workspace) -> list[str]:
    renderer = TemplateRenderer(template_domain.get_template(workspace, "forecast").spec)
    return [renderer.render_index(i).input for i in range(renderer.total)]


def test_the_prompt_lists_the_slots_values_in_the_sandbox(workspace, forecast):
    plan = slot_expansion.plan_expansion(workspace, "forecast", "sky", count=5, k=2)
    assert "cloudy\ngrey" in plan.prompt and "Write 5 more ways" in plan.prompt
    assert "<api> Weather in [city]: [sky]" in plan.prompt and plan.k == 2
    with pytest.raises(CuratorError, match="unsafe"):
        slot_expansion.plan_expansion(workspace, "forecast", "sky", prompt_source="{{ slot.__class__ }}")
    with pytest.raises(CuratorError, match="has no slot 'wind'"):
        slot_expansion.plan_expansion(workspace, "forecast", "wind")


def test_values_are_split_and_held_out_surface_forms_never_proposed(workspace, forecast):
    assert slot_expansion.split_values("a, b,  c") == ["a", "b", "c"]
    plan = slot_expansion.plan_expansion(workspace, "forecast", "sky")
    rows = slot_expansion.store_expansion(workspace, plan, [ANSWER], "models/tiny", {"temperature": 0.8})
    got = {r.value: (r.status, r.reason or "") for r in rows}
    assert (
        got["Overcast."][0] == "contaminated"
        and "held-out item '<api> Weather in Lima: overcast'" in got["Overcast."][1]
    )
    assert got["light rain shower"][0] == "contaminated" and "too close to held-out item" in got["light rain shower"][1]
    assert got["misty"] == ("proposed", "") and got["foggy"] == ("proposed", "")
    assert "Cloudy" not in got and "Here you go:" not in got  # a slot value again; a lead-in line
    assert [r.value for r in rows].count("misty") == 1
    proposed = [r.value for r in rows if r.status == "proposed"]
    assert all("overcast" not in v.lower() and "light rain" not in v for v in proposed)
    # stored apart from the template: nothing is generated from a proposal before it is accepted
    assert not any("misty" in text or "foggy" in text for text in _all_inputs(workspace))
    batch = generate(workspace, "forecast", 4, seed=1)
    assert not any("misty" in c.rendered.input or "foggy" in c.rendered.input for c in batch.candidates)


def test_accepted_values_join_the_slot_and_rejected_ones_never_do(workspace, forecast):
    plan = slot_expansion.plan_expansion(workspace, "forecast", "sky")
    slot_expansion.store_expansion(workspace, plan, ["misty\nfoggy\nhazy"], "m", {})
    assert slot_expansion.review(workspace, "forecast", "sky", "accepted", ["misty"]) == ["misty"]
    assert slot_expansion.review(workspace, "forecast", "sky", "rejected", None) == ["foggy", "hazy"]
    (sky,) = [s for s in template_domain.get_template(workspace, "forecast").spec.slots if s.name == "sky"]
    assert sky.values == ["cloudy", "grey", "misty"]
    assert any("misty" in text for text in _all_inputs(workspace))
    assert not any("foggy" in text for text in _all_inputs(workspace))
    with pytest.raises(CuratorError, match="'windy' is not a proposed value"):
        slot_expansion.review(workspace, "forecast", "sky", "accepted", ["windy"])
    again = slot_expansion.store_expansion(workspace, plan, ["foggy\nmisty"], "m", {})
    assert [(r.value, r.status) for r in again] == [("foggy", "duplicate")]
    stored = [(r.value, r.status) for r in slot_expansion.list_proposals(workspace, "forecast", "sky")]
    assert stored == [("misty", "accepted"), ("foggy", "rejected"), ("hazy", "rejected"), ("foggy", "duplicate")]
