"""The demo task: both splits cover every case, the checks agree with the targets, and the split is by family:
no held-out weather phrasing, name, object, wording or number occurs in any dev item."""

import re
from collections import Counter

from curator.checks import grade
from curator.demo.setup import demo_checks
from curator.demo.task import CASES, HELD_OUT, eval_records, weather_of


def surface(record: dict) -> dict[str, set[str]]:
    """The surface strings of one item's input: its weather phrase, words and operand numbers."""
    text = record["input"]
    question = text.split("\n")[0]
    return {
        "weather": {weather_of(text).casefold()} if weather_of(text) else set(),
        "words": set(re.findall(r"[A-Za-z]+", question)),
        "numbers": set(re.findall(r"\d+", question)),
    }


def test_eval_items_cover_every_case_in_both_splits():
    records = eval_records()
    cases = Counter((r["split"], r["metadata"]["case"]) for r in records)
    assert {case for _, case in cases} == set(CASES)
    assert all(count == 6 for count in cases.values()) and len(records) == 96
    assert len({r["item_id"] for r in records}) == 96
    inputs = [r["input"] for r in records if r["split"] == "dev"]
    assert any("<SUNNY>" in i for i in inputs) and any("Bright sunshine!" in i for i in inputs)
    assert any("Clear skies!" in i for i in inputs) and any("sunny." in i for i in inputs)


def test_held_out_items_share_no_phrasing_name_object_or_number_with_dev_items():
    records = eval_records()
    dev = [surface(r) for r in records if r["split"] == "dev"]
    held = [surface(r) for r in records if r["split"] == "held_out"]
    dev_weather = set().union(*(s["weather"] for s in dev))
    dev_numbers = set().union(*(s["numbers"] for s in dev))
    dev_words = set().union(*(s["words"] for s in dev))
    assert not set().union(*(s["weather"] for s in held)) & dev_weather
    assert not set().union(*(s["numbers"] for s in held)) & dev_numbers
    for name in HELD_OUT.names + HELD_OUT.things + ("found", "lost", "left"):
        assert name not in dev_words, name


def test_every_target_passes_every_check_that_applies():
    specs = demo_checks()
    for record in eval_records():
        for spec in specs:
            result = grade(spec, input=record["input"], target=record["target"], output=record["target"])
            assert result.passed or not result.applicable, (record["item_id"], spec.name, result.reason)


def test_prompts_without_api_expect_only_the_answer_and_weather_prompts_name_the_class():
    for record in eval_records():
        if record["metadata"]["case"] == "no_api":
            assert "<api>" not in record["input"]
            assert re.fullmatch(r"<answer>\d+</answer>", record["target"])
        else:
            assert re.match(r"<think>Weather is (sunny|cloudy|rainy)\. \d+ [+-] \d+ = \d+</think>", record["target"])
