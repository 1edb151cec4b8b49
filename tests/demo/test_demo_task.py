"""The demo task: splits and tricky cases, checks that agree with the targets, a base corpus that leaves the
tricky phrasings untagged, and a fix template whose examples pass the checks."""

from collections import Counter

from curator.checks import grade
from curator.demo.setup import demo_checks
from curator.demo.task import PLAIN_WEATHER, base_corpus, eval_records, fix_template
from curator.fix.templates import TemplateRenderer, spec_from_dict


def test_eval_items_cover_every_case_in_both_splits():
    records = eval_records()
    cases = Counter((r["split"], r["metadata"]["case"]) for r in records)
    assert {case for _, case in cases} == {
        "sunny_punct",
        "bright",
        "caps_tag",
        "clear",
        "cloudy",
        "rainy",
        "plain",
        "no_api",
    }
    assert all(count == 6 for count in cases.values()) and len(records) == 96
    assert len({r["item_id"] for r in records}) == 96
    inputs = [r["input"] for r in records]
    assert any("<SUNNY>" in i for i in inputs) and any("Bright sunshine!" in i for i in inputs)
    assert any("Clear skies!" in i for i in inputs) and any("sunny." in i for i in inputs)


def test_every_target_passes_every_check_that_applies():
    specs = demo_checks()
    for record in eval_records():
        for spec in specs:
            result = grade(spec, input=record["input"], target=record["target"], output=record["target"])
            assert result.passed or not result.applicable, (record["item_id"], spec.name, result.reason)


def test_prompts_without_api_expect_neither_think_nor_tag():
    for record in eval_records():
        if record["metadata"]["case"] == "no_api":
            assert "<api>" not in record["input"]
            assert "<think>" not in record["target"] and "<display_weather>" not in record["target"]


def test_the_base_corpus_tags_only_plain_weather_but_knows_every_emoji():
    pairs = base_corpus(size=400)
    tagged = [p for p, c in pairs if "<display_weather>" in c]
    assert tagged and all(p.rsplit("weather: ", 1)[1].removesuffix("</api>") in PLAIN_WEATHER for p in tagged)
    facts = {p for p, c in pairs if p.startswith("Which emoji")}
    assert "Which emoji shows the weather 'Bright sunshine!'?" in facts


def test_the_fix_template_makes_examples_that_pass_the_checks():
    spec = spec_from_dict(fix_template("fix"))
    rendered, _ = TemplateRenderer(spec).sample(30, seed=3)
    assert {r.variant for r in rendered} >= {"main", "counterexample", "no_tag"}
    for example in rendered:
        for check in demo_checks():
            result = grade(check, input=example.input, target=None, output=example.target)
            assert result.passed or not result.applicable, (example.input, check.name, result.reason)
