"""Starting a template from a failing item, turning spans into slots, storing and reloading it."""

from __future__ import annotations

import pytest
from fixwork import weather_run

from curator.errors import BadInputError, CuratorError
from curator.fix.templates import TemplateRenderer
from curator.fix.templates.authoring import add_variant, make_slot, spec_from_texts
from curator.fix.templates.library import create_from_item, get_template, save_template


def test_item_text_becomes_template_text_and_braces_stay_literal():
    spec = spec_from_texts("t", "Say {{ hi }} {% now %}", "ok")
    assert TemplateRenderer(spec).render_index(0).input == "Say {{ hi }} {% now %}"


def test_make_slot_replaces_the_span_in_input_and_target():
    spec = make_slot(spec_from_texts("t", "It is sunny.", "sunny -> ☀"), "sunny", "weather", ["cloudy"])
    assert spec.input == "It is {{ weather }}." and spec.target == "{{ weather }} -> ☀"
    inputs = sorted(e.input for e in TemplateRenderer(spec).sample(5, seed=0)[0])
    assert inputs == ["It is cloudy.", "It is sunny."]


def test_make_slot_never_rewrites_inside_an_expression():
    spec = make_slot(spec_from_texts("t", "a b", "a"), "a", "x")
    again = make_slot(spec, "x", "y") if "x" in spec.input.replace("{{ x }}", "") else spec
    assert again.input == "{{ x }} b"
    with pytest.raises(BadInputError, match="not in the template text"):
        make_slot(spec, "zzz", "z")


def test_no_tag_variant_is_prefilled_without_tags():
    spec = add_variant(spec_from_texts("t", "<api> hi", "<display_weather>☀</display_weather>"), "no_tag")
    assert (spec.variants[0].input, spec.variants[0].target) == ("hi", "☀")


def test_template_from_failing_item_is_stored_with_its_source(workspace):
    run = weather_run(workspace)
    record = create_from_item(workspace, run.name, 0, name="sunny-fix", bucket="weather")
    assert record.spec.input == "<api> What is the weather in Paris? It is sunny."
    assert record.spec.target.startswith("<display_weather>☀")
    assert (record.source_run_id, record.source_item_key, record.bucket_name) == (run.run_id, 0, "weather")
    edited = make_slot(record.spec, "Paris", "city", ["Oslo"])
    save_template(workspace, edited)
    assert get_template(workspace, "sunny-fix").spec.slots[0].values == ["Paris", "Oslo"]


def test_a_broken_template_is_never_stored(workspace):
    run = weather_run(workspace)
    record = create_from_item(workspace, run.name, 0, name="t")
    broken = make_slot(record.spec, "Paris", "city")
    broken.target = "{{ cty }}"
    with pytest.raises(CuratorError, match="undefined slot 'cty'"):
        save_template(workspace, broken)
    assert get_template(workspace, "t").spec.slots == []
