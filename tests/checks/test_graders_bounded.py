"""The Python graders cannot hang or crash on what they are given: RE2 for every user pattern (ASCII classes, as
in DuckDB), schemas resolved only inside themselves, outputs nested too deeply graded with a reason."""

from __future__ import annotations

import json
import time

import pytest

from curator.checks import CheckSpec, grade
from curator.checks.rewards import load_rewards_text

CATASTROPHIC = "(a+)+$"  # exponential for a backtracking engine on "aaa…a!"


def _grade(kind: str, output: str, field: str = "output", **options):
    return grade(CheckSpec("c", kind, options, field=field), input="<api>", target=None, output=output)


def test_a_catastrophic_pattern_grades_at_once_in_python():
    started = time.monotonic()
    for text in ("a" * 40 + "!", "a" * 1_000_000 + "!"):
        assert not _grade("regex", text, pattern=CATASTROPHIC).passed
        assert _grade("regex_absent", text, pattern=CATASTROPHIC).passed
    spec = CheckSpec("n", "numeric", when_input=CATASTROPHIC)
    assert not grade(spec, input="a" * 40 + "!", target="4", output="4").applicable
    assert time.monotonic() - started < 2


def test_a_catastrophic_schema_pattern_grades_at_once():
    schema = {
        "type": "object",
        "properties": {"name": {"type": "string", "pattern": CATASTROPHIC}},
        "patternProperties": {CATASTROPHIC: {"type": "integer"}},
        "additionalProperties": False,
    }
    started = time.monotonic()
    failed = _grade("json_schema", json.dumps({"name": "a" * 40 + "!"}), schema=schema)
    assert (failed.passed, failed.reason) == (False, f"$.name: '{'a' * 40}!' does not match '{CATASTROPHIC}'")
    extra = _grade("json_schema", json.dumps({"name": "aa", "a" * 40 + "!": 1}), schema=schema)
    assert not extra.passed and "does not match any of the regexes" in extra.reason
    assert _grade("json_schema", json.dumps({"name": "aa", "aaaa": 3}), schema=schema).passed
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    ("pattern", "text", "found"),
    [
        (r"caf\w", "café", False),  # \w is ASCII, as in DuckDB
        (r"\d", "٣", False),  # Arabic-Indic three is no \d
        (r"\bcat\b", "écat", True),  # é is no word character, so a boundary sits before "cat"
        (r"x\sy", "x\u00a0y", False),  # no-break space is no \s
        (r"x\sy", "x\x0by", False),  # nor is a vertical tab (RE2's \s is [\t\n\f\r ])
        (r"x.y", "x\ny", False),  # . stops at a newline
    ],
)
def test_classes_are_ascii_like_duckdb(pattern, text, found):
    assert _grade("regex", text, pattern=pattern).passed is found


def test_offsets_count_characters_and_lone_surrogates_do_not_crash():
    failed = _grade("regex_absent", "☀☁ <think>", pattern="<think>")
    assert failed.reason == "found '<think>' at 3"
    assert _grade("regex", "\ud800 ok", pattern="ok").passed


def test_references_inside_the_schema_resolve_and_loops_through_values_are_fine():
    schema = {
        "$defs": {"node": {"type": "object", "properties": {"next": {"$ref": "#/$defs/node"}}}},
        "$ref": "#/$defs/node",
    }
    assert _grade("json_schema", '{"next": {"next": {}}}', schema=schema).passed
    failed = _grade("json_schema", '{"next": {"next": 3}}', schema=schema)
    assert failed.reason == "$.next.next: 3 is not of type 'object'"


def test_a_stored_schema_with_an_outside_reference_fails_the_item_without_fetching():
    failed = _grade("json_schema", "{}", schema={"$ref": "http://127.0.0.1:9/evil.json"})
    assert (failed.passed, failed.reason) == (
        False,
        "schema reference http://127.0.0.1:9/evil.json does not resolve inside it",
    )


def test_output_nested_too_deeply_is_graded_with_one_reason():
    deep = "[" * 100_000 + "]" * 100_000
    failed = _grade("json_schema", deep, schema={"type": "array"})
    assert (failed.passed, failed.reason) == (False, "not JSON Curator can read: nested too deeply")
    recursive = {"items": {"$ref": "#"}}
    assert _grade("json_schema", "[" * 50 + "]" * 50, schema=recursive).passed
    result = _grade("json_schema", "[" * 600 + "]" * 600, schema=recursive)  # within json's depth, past Python's
    assert (result.passed, result.reason) == (False, "nested too deeply to validate")


@pytest.mark.parametrize(
    ("table", "words"),
    [
        ("weights = { a = nan }", "'a' must be a finite number >= 0, not nan"),
        ("weights = { a = inf }", "'a' must be a finite number >= 0, not inf"),
        ("weights = { a = 1.7e308 }", "'a' must be 0 or between 1e-06 and 1e+06 (weights are relative)"),
        ("weights = { a = 1e-300 }", "'a' must be 0 or between 1e-06 and 1e+06"),
        ("partial = { a = -inf }", "'a' must be a finite number >= 0, not -inf"),
    ],
)
def test_absurd_weights_and_credits_are_refused(table, words):
    from curator.checks import CheckSpecError

    with pytest.raises(CheckSpecError) as caught:
        load_rewards_text(f'[[check]]\nname = "a"\nkind = "numeric"\n[rewards]\n{table}\n', "checks.toml", ["a"])
    assert words in str(caught.value)


@pytest.mark.parametrize(
    ("text", "body"),
    [
        ('```json\n{"n": 1}\n```', '{"n": 1}'),
        ('  ```JSON \t\n{"n": 1}\n  ```\n\n', '{"n": 1}'),  # spaces and a newline before the fence go
        ('```\n{"n": 1}```', '{"n": 1}'),
        ("```\n```", ""),
        ('```python\n{"n": 1}\n```', '```python\n{"n": 1}\n```'),  # another language: not a JSON fence
        ('{"n": 1}', '{"n": 1}'),
        ("```json```", "```json```"),
        ("```\n````", "`"),
    ],
)
def test_a_json_fence_is_unwrapped_as_before(text, body):
    from curator.checks.rules import unfenced

    assert unfenced(text) == body


def test_a_long_run_of_spaces_after_a_fence_grades_at_once():
    started = time.monotonic()
    failed = _grade("json_schema", "```\n" + " " * 1_000_000 + "x", schema={"type": "object"})
    assert failed.reason.startswith("not JSON: Expecting value")
    assert time.monotonic() - started < 2


def test_many_unclosed_answer_tags_grade_at_once():
    started = time.monotonic()
    result = grade(CheckSpec("n", "numeric"), input="q", target="5", output="<answer>" * 50_000 + " 5")
    assert (result.passed, result.reason) == (True, "5")
    assert time.monotonic() - started < 2


def test_ctrl_c_stops_a_grading_loop_over_catastrophic_patterns_at_once():
    """SIGINT during a long grading loop ends it with KeyboardInterrupt at once (nothing in grading swallows it)."""
    import signal
    import subprocess
    import sys

    code = (
        "import signal, sys\n"
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"  # a shell's background job starts ignoring it
        "from curator.checks import CheckSpec, grade\n"
        "spec = CheckSpec('c', 'regex', {'pattern': '(a+)+$'})\n"
        "print('ready', flush=True)\n"
        "try:\n"
        "    while True:\n"
        "        grade(spec, input='', target=None, output='a' * 40 + '!')\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted', flush=True)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ready"
        time.sleep(0.5)  # inside the grading loop by now
        child.send_signal(signal.SIGINT)
        started = time.monotonic()
        assert child.stdout.readline().strip() == "interrupted"
        assert time.monotonic() - started < 5
        assert child.wait(timeout=10) == 0
    finally:
        child.kill()
        child.wait()


def test_references_relative_to_an_inner_id_resolve_in_old_and_new_drafts():
    from curator.checks.schema_rules import schema_problem

    draft4 = {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "id": "http://x.test/root.json",
        "definitions": {"a": {"id": "http://x.test/sub/a.json", "type": "integer"}},
        "properties": {"q": {"$ref": "sub/a.json"}},
    }
    latest = {"$id": "https://x.test/root.json", "$defs": {"a": {"$id": "a.json", "type": "string"}}}
    latest["properties"] = {"p": {"$ref": "a.json"}}
    assert schema_problem(draft4) is None and schema_problem(latest) is None
    assert _grade("json_schema", '{"q": "x"}', schema=draft4).reason == "$.q: 'x' is not of type 'integer'"
    assert _grade("json_schema", '{"p": 3}', schema=latest).reason == "$.p: 3 is not of type 'string'"
