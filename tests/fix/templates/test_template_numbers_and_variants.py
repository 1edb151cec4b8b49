"""Number slots compute, the no-tag variant keeps the answer format, and spans left fixed are warned about."""

from curator.fix.templates import TemplateRenderer, spec_from_dict
from curator.fix.templates.authoring import (
    add_variant,
    fixed_span_warnings,
    make_expression,
    make_slot,
    set_slot_values,
    spec_from_texts,
)

COURSE_INPUT = "Mia has 3 apples and gets 2 more. How many apples now?\n<api>weather: sunny</api>"
COURSE_TARGET = "<think>3 + 2 = 5</think><answer>5</answer><display_weather>☀</display_weather>"


def rendered(spec) -> set[tuple[str, str]]:
    renderer = TemplateRenderer(spec)
    return {(e.input, e.target) for e in renderer.sample(renderer.total, seed=0)[0]}


def test_number_slots_typed_as_text_still_add_up():
    spec = spec_from_dict({"name": "sum", "input": "{{ a }} + {{ b }}", "target": "{{ a + b }}", "slots": {
        "a": ["4", "10"], "b": ["2"]}})  # fmt: skip
    assert rendered(spec) == {("4 + 2", "6"), ("10 + 2", "12")}


def test_a_number_span_becomes_a_number_slot_and_the_result_an_expression():
    spec = spec_from_texts("t", COURSE_INPUT, COURSE_TARGET)
    spec = make_slot(spec, "3", "a", ["7"])
    spec = make_slot(spec, "2", "b")
    spec = make_expression(spec, "5", "a + b")
    assert spec.slots[0].values == [3, 7]
    assert {t for _, t in rendered(spec)} == {
        "<think>3 + 2 = 5</think><answer>5</answer><display_weather>☀</display_weather>",
        "<think>7 + 2 = 9</think><answer>9</answer><display_weather>☀</display_weather>",
    }
    assert set_slot_values(spec, "b", ["1", "12"]).slots[1].values == [1, 12]


def test_text_that_only_looks_like_a_number_stays_text():
    spec = spec_from_dict({"name": "ids", "input": "{{ code }}", "target": "{{ code ~ '!' }}", "slots": {
        "code": ["007", "4.50.", "x1"]}})  # fmt: skip
    assert {t for _, t in rendered(spec)} == {"007!", "4.50.!", "x1!"}


def test_the_no_tag_variant_drops_the_api_line_tag_and_think_but_keeps_the_answer():
    spec = make_slot(spec_from_texts("t", COURSE_INPUT, COURSE_TARGET), "3", "a", [4])
    spec = make_expression(make_slot(spec, "2", "b"), "5", "a + b")
    variant = add_variant(spec, "no_tag").variants[-1]
    assert variant.input == "Mia has {{ a }} apples and gets {{ b }} more. How many apples now?"
    assert variant.target == "<answer>{{ a + b }}</answer>"
    no_tag = {pair for pair in rendered(add_variant(spec, "no_tag")) if "<api>" not in pair[0]}
    assert no_tag == {
        ("Mia has 3 apples and gets 2 more. How many apples now?", "<answer>5</answer>"),
        ("Mia has 4 apples and gets 2 more. How many apples now?", "<answer>6</answer>"),
    }


def test_a_number_left_literal_is_warned_about_until_it_is_a_slot():
    spec = spec_from_texts("t", COURSE_INPUT, COURSE_TARGET)
    warnings = fixed_span_warnings(spec)
    assert "'2' in the input is the same in every example: make it a slot" in warnings
    spec = make_expression(make_slot(make_slot(spec, "3", "a", [4]), "2", "b", [6]), "5", "a + b")
    assert fixed_span_warnings(spec) == []
    one_value = make_slot(spec_from_texts("u", "It is sunny.", "☀"), "sunny", "weather")
    assert fixed_span_warnings(one_value) == ["slot 'weather' has one value ('sunny'): every example repeats it"]
