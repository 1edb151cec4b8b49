"""The demo's analyst: templates written from a failing dev item's own text, with the analyst's own lists, that
never reach a held-out surface form, and whose no-tag examples keep the answer."""

import re

import pytest
from loopwork import weather_run

from curator.checks import grade
from curator.demo import analyst, script
from curator.demo.setup import demo_checks
from curator.demo.task import DEV, HELD_OUT, eval_records, weather_of
from curator.fix.templates import TemplateRenderer
from curator.fix.templates.authoring import fixed_span_warnings
from curator.fix.templates.library import list_templates
from curator.storage import examples as example_queries
from curator.storage import items as item_queries


@pytest.fixture
def analysed(workspace):
    """A run failing the weather tag on tricky phrasings, after the analyst's loop-1 and loop-2 templates."""
    run = weather_run(workspace, per_case=3)
    script.loop1_examples(workspace, run)
    script.loop2_examples(workspace, run)
    return workspace, run


def strings_of(renderer: TemplateRenderer) -> set:
    """Every value any slot of the template can take (perturbations included)."""
    return {value for axis in renderer.axes for entry in axis for value in entry.values()}


@pytest.mark.parametrize("family", [DEV, HELD_OUT], ids=["dev", "held_out"])
def test_the_analysts_own_lists_share_no_surface_form_with_either_split(family):
    phrases = {phrase.casefold() for forms in family.weather.values() for phrase, _emoji in forms}
    assert not {row[0].casefold() for row in analyst.WEATHER_ROWS} & phrases
    assert not set(analyst.NAMES) & set(family.names)
    assert not set(analyst.THINGS) & set(family.things)
    assert not set(analyst.ADD_NUMBERS + analyst.SUBTRACT_A + analyst.SUBTRACT_B) & set(family.numbers)


def test_each_analyst_phrasing_names_its_emoji_by_the_checks_own_words():
    emoji = next(spec for spec in demo_checks() if spec.name == "emoji")
    for phrase, _kind, token in analyst.WEATHER_ROWS:
        output = f"<display_weather>{token}</display_weather>"
        assert grade(emoji, input=f"<api>weather: {phrase}</api>", target=None, output=output).passed, phrase
    assert all(a > b for a in analyst.SUBTRACT_A for b in analyst.SUBTRACT_B)


def test_the_loop1_template_renders_its_failing_items_own_input_and_target(analysed):
    ws, run = analysed
    template = next(t for t in list_templates(ws) if t.name.startswith("weather-tag-from-"))
    item = item_queries.get_item(ws.db, run.run_id, template.source_item_key)
    assert template.source_run_id == run.run_id and item.split == "dev"
    assert "weather_tag" in [c for c, _ in grade_failures(run, item)]
    first = TemplateRenderer(template.spec).render_index(0)  # every slot at its first value: the item's own spans
    assert (first.input, first.target) == (item.input, item.target)
    assert "{{ a + b }}" in template.spec.target and not fixed_span_warnings(template.spec)


def grade_failures(run, item):
    return [
        (spec.name, r.reason)
        for spec in demo_checks()
        if (r := grade(spec, input=item.input, target=item.target, output=item.output)).applicable and not r.passed
    ]


def test_no_template_or_generated_example_holds_a_held_out_surface_form(analysed):
    ws, _ = analysed
    held = [r for r in eval_records(per_case=3) if r["split"] == "held_out"]
    held_phrases = {weather_of(r["input"]).casefold() for r in held if weather_of(r["input"])}
    held_words = set(HELD_OUT.names + HELD_OUT.things)
    templates = list_templates(ws)
    assert len(templates) >= 2
    for template in templates:
        values = strings_of(TemplateRenderer(template.spec))
        assert not {str(v).casefold() for v in values} & held_phrases, template.name
        assert not {v for v in values if isinstance(v, int)} & set(HELD_OUT.numbers), template.name
        assert not values & held_words, template.name
    generated = example_queries.list_examples(ws.db)
    assert generated
    for example in generated:
        phrase = weather_of(example.input)
        assert phrase is None or phrase.casefold() not in held_phrases
        assert not set(re.findall(r"[A-Za-z]+", example.input)) & held_words
        assert not {int(n) for n in re.findall(r"\d+", example.input)} & set(HELD_OUT.numbers)


def test_no_tag_examples_drop_only_the_weather_line_tag_and_think_and_keep_a_right_answer(analysed):
    ws, _ = analysed
    no_tag = [e for e in example_queries.list_examples(ws.db) if e.variant == "no_tag"]
    assert no_tag
    for example in no_tag:
        assert "<api>" not in example.input and "weather" not in example.input
        a, b = (int(n) for n in re.findall(r"\d+", example.input))
        expected = a + b if "gets" in example.input else a - b
        assert example.target == f"<answer>{expected}</answer>"


def test_every_generated_example_passes_the_checks_and_the_total_stays_within_fifty(analysed):
    ws, _ = analysed
    generated = example_queries.list_examples(ws.db)
    assert len(generated) <= 50
    for example in generated:
        for check in demo_checks():
            result = grade(check, input=example.input, target=None, output=example.target)
            assert result.passed or not result.applicable, (example.input, check.name, result.reason)
