"""One render stops at its wall-clock and size limits from inside the render, whatever the template does."""

from __future__ import annotations

import threading
import time

import pytest

from curator.errors import BadInputError
from curator.fix.templates import TemplateRenderer, spec_from_dict
from curator.fix.templates import library as template_domain
from curator.sandbox import deadline
from curator.sandbox.deadline import render_deadline

LONG = "{% set s = 'x' * 100000 %}"
NS = "{% set ns = namespace(x='ab') %}"

# Each of these would run for minutes or allocate gigabytes without limits inside the render.
SLOW = {
    "nested loops over long strings": LONG + "{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}x",
    "nested loops over long lists": (
        "{% set l = [0] * 100000 %}{% for a in l %}{% for b in l %}.{% endfor %}{% endfor %}"
    ),
    "recursive macro": (
        "{% macro m(n) %}{{ m(n - 1) if n else '' }}{{ m(n - 1) if n else '' }}{% endmacro %}{{ m(60) }}"
    ),
    "endless recursion": "{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}{{ m(0) }}",
    "lipsum": "{{ lipsum(n=10**7) }}",
    "loop with a cycler": LONG + "{% for a in s %}{% for b in s %}{{ loop.cycle('') }}{% endfor %}{% endfor %}x",
}

HUGE = {
    "center": "{{ 'x'|center(10**10) }}",
    "str.center": "{{ 'x'.center(10**10) }}",
    "ljust": "{{ 'x'.ljust(10**10) }}",
    "zfill": "{{ '1'.zfill(10**10) }}",
    "format filter": "{{ '%0*d'|format(10**10, 1) }}",
    "format filter width": "{{ '%01000000000d'|format(1) }}",
    "percent": "{{ '%01000000000d' % 1 }}",
    "str.format width": "{{ '{:>10000000000}'.format('x') }}",
    "str.format nested width": "{{ '{:>{w}}'.format('x', w=10**10) }}",
    "format_map": "{{ '{a:>10000000000}'.format_map({'a': 1}) }}",
    "join": LONG + "{{ ([s] * 100000)|join }}",
    "str.join": LONG + "{{ ''.join([s] * 100000) }}",
    "replace": LONG + "{{ s|replace('x', s) }}",
    "str.replace": LONG + "{{ s.replace('x', s) }}",
    "replace empty": LONG + "{{ s.replace('', s) }}",
    "tilde doubling": NS + "{% for i in range(60) %}{% set ns.x = ns.x ~ ns.x %}{% endfor %}{{ ns.x|length }}",
    "plus doubling": NS + "{% for i in range(60) %}{% set ns.x = ns.x + ns.x %}{% endfor %}{{ ns.x|length }}",
    "list doubling": "{% set ns = namespace(x=[1]) %}{% for i in range(60) %}{% set ns.x = ns.x + ns.x %}{% endfor %}",
    "integer squaring": (
        "{% set ns = namespace(x=2**5000) %}{% for i in range(40) %}{% set ns.x = ns.x * ns.x %}{% endfor %}"
    ),
    "printing a big list": LONG + "{{ [s] * 100000 }}",
    "string filter": LONG + "{{ ([s] * 100000)|string|length }}",
    "indent": LONG + "{{ ('\\n' * 100000)|indent(100000) }}",
    "batch": "{{ [1]|batch(10**9, 'x')|list }}",
    "slice": "{{ [1]|slice(10**9)|list }}",
    "sum of lists": LONG + "{{ ([[s] * 100000] * 100000)|sum(start=[])|length }}",
    "tojson indent": LONG + "{{ ([s] * 10)|tojson(indent=10**9) }}",
    "expandtabs": "{{ ('\\t' * 100000).expandtabs(100000) }}",
    "list.extend in place": "{% set l = [1] %}{% for i in range(60) %}{{ l.extend(l) }}{% endfor %}",
}


def renderer(source: str, **raw) -> TemplateRenderer:
    return TemplateRenderer(spec_from_dict({"name": "t", "input": source, "target": "out"} | raw))


@pytest.mark.parametrize("source", SLOW.values(), ids=SLOW.keys())
def test_runaway_renders_stop_at_the_wall_clock_limit(source, monkeypatch):
    monkeypatch.setattr(deadline, "RENDER_TIME_LIMIT_S", 0.5)
    started = time.monotonic()
    with pytest.raises(BadInputError) as error:
        renderer(source).render_index(0)
    elapsed = time.monotonic() - started
    message = str(error.value)
    assert message.startswith("template 't', field 'input': ") and "\n" not in message
    assert "limit" in message or "too large" in message or "recursion too deep" in message
    assert elapsed < 3, f"{elapsed:.1f} s"


@pytest.mark.parametrize("source", HUGE.values(), ids=HUGE.keys())
def test_every_way_to_build_a_huge_string_is_refused_before_it_is_built(source):
    started = time.monotonic()
    with pytest.raises(BadInputError) as error:
        renderer(source).render_index(0)
    message = str(error.value)
    assert message.startswith("template 't', field 'input': ") and "\n" not in message
    assert time.monotonic() - started < 3


def test_the_output_of_one_render_is_capped():
    source = "{% for i in range(10000) %}{{ 'y' * 100000 }}{% endfor %}"
    with pytest.raises(BadInputError, match="rendered text .* too large"):
        renderer(source).render_index(0)


def test_ordinary_templates_still_render_with_the_limits_on():
    r = renderer(
        "{{ a|center(9) }}|{{ '%03d' % 7 }}|{{ '{:>4}'.format(a) }}|{{ [a, a]|join('-') }}|{{ a ~ '!' }}"
        "|{{ (a + 'b')|replace('b', 'c') }}|{{ lipsum(1, False, 3, 4)|wordcount }}|{{ [[1], [2]]|sum(start=[]) }}",
        slots={"a": ["sun"]},
    )
    assert r.render_index(0).input == "   sun   |007| sun|sun-sun|sun!|sunc|3|[1, 2]"


def test_one_pass_inputs_are_measured_and_still_joined_or_summed():
    r = renderer(
        "{{ a|map('upper')|join(',') }}|{{ ','.join(a|map('lower')) }}|{{ [[1], [2]]|map('list')|sum(start=[]) }}"
        "|{{ a|select|list|length }}",
        slots={"a": [["x", "y"]]},
    )
    assert r.render_index(0).input == "X,Y|x,y|[1, 2]|2"


def test_a_render_can_be_abandoned_from_another_thread():
    stop = threading.Event()
    threading.Timer(0.3, stop.set).start()
    started = time.monotonic()
    with render_deadline(60, should_stop=stop.is_set), pytest.raises(BadInputError, match="abandoned"):
        renderer(SLOW["nested loops over long strings"]).render_index(0)
    assert time.monotonic() - started < 3


def test_a_shared_deadline_bounds_many_renders():
    slowish = "{% for i in range(300) %}{% for j in range(300) %}{% endfor %}{% endfor %}x"
    r = renderer(slowish, slots={"a": [str(n) for n in range(1000)]})
    started = time.monotonic()
    with render_deadline(0.5), pytest.raises(BadInputError, match="0.5 s limit"):
        for index in range(r.total):
            r.render_index(index)
    assert time.monotonic() - started < 3


@pytest.mark.parametrize("source", [SLOW["recursive macro"], HUGE["center"], HUGE["tilde doubling"]])
def test_a_template_that_breaks_a_limit_is_refused_when_saved(workspace, source, monkeypatch):
    monkeypatch.setattr(deadline, "RENDER_TIME_LIMIT_S", 0.5)
    spec = spec_from_dict({"name": "bomb", "input": source, "target": "out"})
    with pytest.raises(BadInputError) as error:
        template_domain.create_template(workspace, spec)
    assert "\n" not in str(error.value) and str(error.value).startswith("template 'bomb'")
    assert template_domain.list_templates(workspace) == []
