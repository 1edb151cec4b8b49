"""Suggestions cluster on what each output got wrong: missing-tag and wrong-emoji failures of one shared check."""

from __future__ import annotations

import random

from pattern_families import CITIES, record_check_results

from curator.patterns.differences import difference_text
from curator.patterns.embeddings import DIFFERENCE_FIELD, choose_field
from curator.patterns.suggestions import suggest_buckets
from curator.review.runs import create_run_from_records

PROMPTS = [
    "<api> Is it {word} in {city} today?",
    "<api> The forecast for {city} says {word}. What should I wear?",
    "<api> {city} looks {word} this morning, any plans?",
    "<api> Tell me about the {word} weather in {city}.",
]
EMOJI = {"sunny": "☀", "cloudy": "☁", "rainy": "☔"}


def _target(word: str, city: str) -> str:
    tag = f"<display_weather>{EMOJI[word]}</display_weather>"
    return f"<think>The user asks about {city}.</think><answer>It is {word}.</answer>{tag}"


def weather_run(ws, per_family: int = 18, passing: int = 12):
    """Items that all fail `display_weather`: half lost the tag, half got the wrong emoji; the same prompts."""
    rng = random.Random(3)
    records, family = [], {}
    for key in range(2 * per_family + passing):
        word, city = rng.choice(list(EMOJI)), rng.choice(CITIES)
        target = _target(word, city)
        kind = "missing" if key % 3 == 0 else "wrong" if key % 3 == 1 else "pass"
        if kind == "pass" and sum(f == "pass" for f in family.values()) >= passing:
            kind = "missing"
        if kind == "missing":
            output = target.split("<display_weather>")[0]
        elif kind == "wrong":
            wrong = rng.choice([e for w, e in EMOJI.items() if w != word])
            output = target.replace(f">{EMOJI[word]}<", f">{wrong}<")
        else:
            output = target
        family[key] = kind
        prompt = rng.choice(PROMPTS).format(word=word, city=city)
        records.append({"item_id": f"w-{key}", "input": prompt, "target": target, "output": output})
    run = create_run_from_records(ws, "weather-tags", records)
    rows = [("display_weather", key, kind == "pass") for key, kind in family.items()]
    record_check_results(ws, run.run_id, rows)
    return run, family


def test_difference_text_names_the_failing_span():
    target = _target("sunny", "Oslo")
    assert (
        difference_text(target, target.split("<display_weather>")[0])
        == "missing <display_weather> ☀ </display_weather>"
    )
    assert difference_text(target, target.replace("☀", "☔")) == "wrong ☔ for ☀"
    assert difference_text(None, "just text") == "output just text"


def test_missing_tag_and_wrong_emoji_become_separate_suggestions(workspace, minilm):
    run, family = weather_run(workspace)
    assert choose_field(workspace, run.run_id, None) == DIFFERENCE_FIELD  # the run has targets
    phases = []
    suggestions = suggest_buckets(workspace, run.run_id, embedder=minilm, phase=lambda p, n: phases.append(p))
    assert phases == ["embedding", "clustering", "naming", "saving"]
    kinds = {
        s.name: {family[int(item.item_id.split("-")[1])] for item in _members(workspace, run.run_id, s.number)}
        for s in suggestions
    }
    assert all(len(found) == 1 for found in kinds.values()), kinds  # no suggestion mixes the two patterns
    by_kind = {next(iter(found)): name for name, found in kinds.items()}
    assert set(by_kind) == {"missing", "wrong"}
    sizes = {s.name: s.size for s in suggestions}
    failing = {k: sum(f == k for f in family.values()) for k in ("missing", "wrong")}
    for kind, name in by_kind.items():
        assert sizes[name] >= 0.8 * failing[kind]
    assert "missing" in by_kind["missing"] and "display_weather" in by_kind["missing"]
    assert "wrong" in by_kind["wrong"]


def _members(ws, run_id, number):
    from curator.patterns.suggestions import suggestion_members

    return suggestion_members(ws, run_id, number)
