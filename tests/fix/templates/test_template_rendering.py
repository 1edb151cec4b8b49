"""Templates: slot products, zipped slots, perturbations, seeded sampling, errors and the sandbox."""

from __future__ import annotations

import pytest

from curator.errors import BadInputError
from curator.fix.templates import TemplateRenderer, spec_from_dict
from curator.fix.templates.perturbations import expand_value


def renderer(**raw) -> TemplateRenderer:
    return TemplateRenderer(spec_from_dict({"name": "t", "input": "in", "target": "out"} | raw))


def test_slot_product_covers_every_combination_once():
    r = renderer(input="{{ a }}-{{ b }}", target="{{ a }}", slots={"a": ["x", "y"], "b": ["1", "2", "3"]})
    examples, _ = r.sample(100, seed=1)
    assert r.total == 6
    assert sorted(e.input for e in examples) == ["x-1", "x-2", "x-3", "y-1", "y-2", "y-3"]


def test_zipped_slots_keep_their_values_together():
    r = renderer(
        input="It is {{ w }}",
        target="{{ e }}",
        zipped=[{"names": ["w", "e"], "rows": [["sunny", "☀"], ["cloudy", "☁"]]}],
    )
    pairs = {(e.input, e.target) for e in r.sample(10, seed=0)[0]}
    assert pairs == {("It is sunny", "☀"), ("It is cloudy", "☁")}


def test_target_templates_compute():
    r = renderer(input="{{ a }} + {{ b }} =", target="<answer>{{ a + b }}</answer>", slots={"a": [2], "b": [40]})
    assert r.render_index(0).target == "<answer>42</answer>"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("punctuation", ["sunny", "sunny.", "sunny!", "sunny,", "sunny?", "sunny..."]),
        ("case", ["sunny", "Sunny", "SUNNY"]),
        ("whitespace", ["sunny", " sunny", "sunny ", "\tsunny"]),
        ("markup", ["sunny", "<SUNNY>", "<sunny>", "*sunny*"]),
        ("synonyms", ["sunny", "bright sunshine", "clear skies"]),
    ],
)
def test_each_perturbation_makes_its_variants(name, expected):
    synonyms = {"sunny": ["bright sunshine", "clear skies"]}
    assert expand_value("sunny", [name], synonyms) == expected


def test_perturbed_slot_keeps_its_base_value_for_the_target():
    r = renderer(input="It is {{ w }}", target="{{ w_base }}", slots={"w": {"values": ["sunny"], "perturb": ["case"]}})
    examples = r.sample(10, seed=0)[0]
    assert {e.input for e in examples} == {"It is sunny", "It is Sunny", "It is SUNNY"}
    assert {e.target for e in examples} == {"sunny"}


def test_no_tag_variant_is_rendered_with_the_same_slots():
    r = renderer(
        input="<api> {{ w }}",
        target="<t>{{ w }}</t>",
        slots={"w": ["rain"]},
        variants=[{"kind": "no_tag", "input": "{{ w }} please", "target": "just {{ w }}"}],
    )
    got = {(e.variant, e.input, e.target) for e in r.sample(10, seed=0)[0]}
    assert got == {("main", "<api> rain", "<t>rain</t>"), ("no_tag", "rain please", "just rain")}


def test_same_seed_same_examples_other_seed_other_order():
    r = renderer(input="{{ a }}{{ b }}", target="x", slots={"a": list("abcdefgh"), "b": list("12345678")})
    first = [e.input for e in r.sample(5, seed=7)[0]]
    assert first == [e.input for e in r.sample(5, seed=7)[0]]
    assert first != [e.input for e in r.sample(5, seed=8)[0]]
    assert len(set(first)) == 5


def test_more_than_the_maximum_is_refused():
    r = renderer(input="{{ a }}", target="x", slots={"a": list("abc")}, max_examples=2)
    with pytest.raises(BadInputError, match="allows at most 2"):
        r.sample(3, seed=0)


def test_time_limit_stops_generation_early():
    r = renderer(input="{{ a }}", target="x", slots={"a": [str(i) for i in range(5000)]}, time_limit_s=0)
    examples, stopped = r.sample(5000, seed=0)
    assert stopped and len(examples) < 5000


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ a.__class__.__base__ }}",
    ],
)
def test_sandbox_escapes_fail_with_a_clear_error(source):
    with pytest.raises(BadInputError) as error:
        renderer(input=source, target="x", slots={"a": ["v"]}).render_index(0)
    message = str(error.value)
    assert message.startswith("template 't', field 'input': ")
    assert "unsafe" in message or "undefined" in message


def test_undefined_slot_names_the_template_field_and_slot():
    with pytest.raises(BadInputError, match=r"template 't', field 'target': undefined slot 'wether'"):
        renderer(input="{{ weather }}", target="{{ wether }}", slots={"weather": ["sun"]})


def test_syntax_error_names_the_line():
    with pytest.raises(BadInputError, match=r"field 'input', line 2: syntax error"):
        renderer(input="ok\n{{ a ", target="x")


def test_empty_render_is_refused():
    with pytest.raises(BadInputError, match="renders an empty target"):
        renderer(input="{{ a }}", target="{{ b }}", slots={"a": ["x"], "b": [" "]}).render_index(0)


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("{{ 'x' * 3000000000 }}", "too large"),
        ("{{ [1] * 3000000000 }}", "too large"),
        ("{{ 3000000000 * 'x' }}", "too large"),
        ("{{ 7 ** 3000000000 }}", "too large"),
        ("{% for i in range(100000) %}{% for j in range(100000) %}.{% endfor %}{% endfor %}", "too large"),
        ("{% for i in range(10000) %}{% for j in range(10000) %}.{% endfor %}{% endfor %}", "too large"),
    ],
)
def test_runaway_templates_fail_fast_with_one_line(source, problem):
    import time

    started = time.monotonic()
    with pytest.raises(BadInputError) as error:
        renderer(input=source, target="x").render_index(0)
    message = str(error.value)
    assert message.startswith("template 't', field 'input': ") and problem in message and "\n" not in message
    assert time.monotonic() - started < 2


def test_small_repeats_ranges_and_powers_still_render():
    r = renderer(
        input="{{ 'ab' * 3 }} {{ range(3)|length }}{% for i in range(3) %}{{ i }}{% endfor %}",
        target="{{ 2 ** 10 }} {{ [0] * 2 }}",
    )
    assert (r.render_index(0).input, r.render_index(0).target) == ("ababab 3012", "1024 [0, 0]")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"max_examples": -5}, "template 't', field 'max_examples': max_examples must be at least 1, not -5"),
        ({"max_examples": 0}, "field 'max_examples': max_examples must be at least 1, not 0"),
        ({"time_limit_s": -1}, "field 'time_limit_s': time_limit_s must not be negative"),
    ],
)
def test_out_of_range_limits_are_refused_naming_the_field(raw, message):
    with pytest.raises(BadInputError, match=message):
        renderer(**raw)


def test_asking_for_fewer_than_one_example_is_one_line():
    from curator.errors import CuratorError

    with pytest.raises(CuratorError, match="asks for -1 examples; ask for at least 1"):
        renderer().sample(-1, seed=0)
