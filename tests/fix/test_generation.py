"""Generating examples: checks reject bad targets, held-out items are refused, duplicates caught, all stored."""

from __future__ import annotations

import pytest
from fixwork import WEATHER_TEMPLATE, weather_run

from curator.errors import CuratorError
from curator.fix import examples as example_domain
from curator.fix.generation import NOT_CHECKED, generate, vetter_for
from curator.fix.templates import spec_from_dict
from curator.fix.templates.library import create_template, get_template


@pytest.fixture
def weather(workspace):
    run = weather_run(workspace)
    create_template(
        workspace, spec_from_dict(WEATHER_TEMPLATE), bucket="weather", source_run_id=run.run_id, source_item_key=0
    )
    return workspace, run


def test_generation_is_seeded_and_stores_lineage(weather):
    ws, run = weather
    report = generate(ws, "weather", n=5, seed=11)
    stored = example_domain.list_examples(ws, batch_id=report.batch_id)
    assert len(stored) == 5 and report.seed == 11
    first = stored[0]
    assert (first.template_name, first.bucket_name, first.source_run_id, first.source_item_key, first.seed) == (
        "weather",
        "weather",
        run.run_id,
        0,
        11,
    )
    assert all(e.check_results["weather_tag"][0] for e in stored if e.status == "proposed")


def test_same_seed_gives_the_same_examples_again_as_duplicates(weather):
    ws, _ = weather
    first = generate(ws, "weather", n=5, seed=3)
    again = generate(ws, "weather", n=5, seed=3)
    assert [c.rendered.input for c in first.candidates] == [c.rendered.input for c in again.candidates]
    proposed_first = {c.rendered.input for c in first.candidates if c.status == "proposed"}
    assert {c.rendered.input for c in again.candidates if c.status == "duplicate"} == proposed_first


def test_a_target_that_fails_its_own_checks_is_rejected_with_the_reason(weather):
    ws, _ = weather
    spec = get_template(ws, "weather").spec
    spec.target = "<display_weather>☁</display_weather>"
    from curator.fix.templates.library import save_template

    save_template(ws, spec)
    report = generate(ws, "weather", n=30, seed=1)
    failed = [c for c in report.candidates if c.status == "failed_checks"]
    assert failed and all("sunny" in c.rendered.input or "bright" in c.rendered.input for c in failed)
    assert all(c.reason.startswith("check 'emoji':") for c in failed)
    stored = example_domain.list_examples(ws, statuses=("failed_checks",))
    assert len(stored) == len(failed) and stored[0].reason.startswith("check 'emoji':")


def test_held_out_item_differing_only_in_punctuation_is_refused_and_counted(weather):
    ws, _ = weather
    spec = spec_from_dict(
        {
            "name": "rome",
            "input": "<api> What is the weather in {{ city }}? It is sunny{{ p }}",
            "target": "<display_weather>☀</display_weather>",
            "slots": {"city": ["Rome", "Nice"], "p": [".", "?"]},
        }
    )
    create_template(ws, spec)
    report = generate(ws, "rome", n=4, seed=0, source_run_id=weather[1].run_id)
    contaminated = [c for c in report.candidates if c.status == "contaminated"]
    assert report.contaminated == 2 == len(contaminated)
    assert all("Rome" in c.rendered.input for c in contaminated)
    assert "held-out item" in contaminated[0].reason


def test_near_duplicates_of_existing_examples_are_refused_when_asked(weather):
    ws, _ = weather
    generate(ws, "weather", n=5, seed=1)
    report = generate(ws, "weather", n=40, seed=2, dedupe_threshold=0.8)
    near = [c for c in report.candidates if c.status == "duplicate" and c.reason.startswith("near")]
    assert near


def test_review_accept_reject_edit_and_accept_all(weather):
    ws, _ = weather
    report = generate(ws, "weather", n=5, seed=5)
    ids = [c.example_id for c in example_domain.list_examples(ws, batch_id=report.batch_id, statuses=("proposed",))]
    example_domain.reject(ws, ids[:1])
    edited = example_domain.edit(ws, ids[1], "<api> Weather in Quito: sunny", "<display_weather>☀</display_weather>")
    assert edited.input == "<api> Weather in Quito: sunny"
    with pytest.raises(CuratorError, match="check 'emoji'"):
        example_domain.edit(ws, ids[1], "<api> Weather in Quito: sunny", "<display_weather>☁</display_weather>")
    assert example_domain.get_example(ws, ids[1]).target == "<display_weather>☀</display_weather>"
    assert example_domain.accept_all(ws, batch_id=report.batch_id) == len(ids) - 1
    counts = example_domain.status_counts(ws, report.batch_id)
    assert counts["accepted"] == len(ids) - 1 and counts["rejected"] == 1


ARITHMETIC_CHECKS = """
[[check]]
name = "answer"
kind = "numeric"

[[check]]
name = "short"
kind = "regex"
pattern = "^-?[0-9]+$"
"""


def _addition_run(ws):
    from curator.checks import load_spec_text, run_checks
    from curator.review.runs import create_run_from_records

    records = [
        {"item_id": f"add-{a}-{b}", "input": f"What is {a} + {b}?", "target": str(a + b), "output": str(a + b)}
        for a, b in ((2, 3), (4, 1))
    ]
    run = create_run_from_records(ws, "sums", [r | {"split": "dev"} for r in records])
    run_checks(ws, run.run_id, load_spec_text(ARITHMETIC_CHECKS))
    return run


def test_a_template_computing_the_wrong_answer_is_never_graded_as_passing_its_reference_check(workspace):
    run = _addition_run(workspace)
    wrong = spec_from_dict(
        {
            "name": "adds",
            "input": "What is {{ a }} + {{ b }}?",
            "target": "{{ a - b }}",
            "slots": {"a": [7, 9], "b": [2, 5]},
        }
    )
    create_template(workspace, wrong, source_run_id=run.run_id, source_item_key=0)
    report = generate(workspace, "adds", n=4, seed=0)
    assert report.candidates
    for example in example_domain.list_examples(workspace, batch_id=report.batch_id):
        assert example.check_results["answer"] == [None, NOT_CHECKED]  # not "passed": no independent reference
        assert example.check_results["short"][0] is True  # checks that need no reference still grade


def test_a_reference_check_is_graded_against_an_independent_reference_when_there_is_one(workspace):
    run = _addition_run(workspace)
    vetter = vetter_for(workspace, run.run_id)
    results, failure = vetter.grade("What is 2 + 3?", "-1", reference="5")
    assert results["answer"][0] is False and failure.startswith("check 'answer':")
    results, failure = vetter.grade("What is 2 + 3?", "5", reference="5")
    assert results["answer"][0] is True and failure is None
