"""Three synthetic failure families of the weather task, plus passing items, as run records and check results."""

from __future__ import annotations

import itertools
import random
import re
import zlib

import numpy as np

CITIES = ["Paris", "Lima", "Oslo", "Cairo", "Tokyo", "Quito", "Perth", "Dakar", "Seoul", "Boston"]

# 1. The tag goes missing when punctuation sits right after the weather word.
PUNCTUATION_PROMPTS = [
    "<api> Weather in {city}: sunny{p} Should I take a hat?",
    "<api> {city} forecast says rainy{p} Do I need boots?",
    "<api> It looks cloudy{p} in {city}, any plans?",
]
PUNCTUATION_MARKS = ["!", ",", "...", ";", "?!"]
# 2. Synonyms of a weather word get the wrong emoji.
SYNONYM_PROMPTS = [
    "<api> Bright sunshine over {city} all afternoon.",
    "<api> Clear skies expected in {city} tonight.",
    "<api> Heavy downpour hitting {city} this morning.",
    "<api> Overcast and grey above {city} again.",
]
WRONG_EMOJI = ["☁", "☔", "☀", "☀"]
# 3. Prompts without <api> still get <think> and weather tags.
PLAIN_PROMPTS = [
    "Write a short poem about autumn leaves in {city}.",
    "What is the capital of the country where {city} is?",
    "Summarise the history of {city} in two sentences.",
    "Give me a recipe that is popular in {city}.",
]

FAMILY_CHECKS = {0: "weather_tag", 1: "emoji", 2: "no_tags_without_api"}


def _punctuation(rng: random.Random) -> tuple[str, str]:
    prompt = rng.choice(PUNCTUATION_PROMPTS).format(city=rng.choice(CITIES), p=rng.choice(PUNCTUATION_MARKS))
    return prompt, "<think>The user asks about the weather.</think><answer>Yes, be prepared.</answer>"


def _synonym(rng: random.Random) -> tuple[str, str]:
    index = rng.randrange(len(SYNONYM_PROMPTS))
    prompt = SYNONYM_PROMPTS[index].format(city=rng.choice(CITIES))
    return prompt, (
        f"<think>Weather report.</think><answer>Noted.</answer><display_weather>{WRONG_EMOJI[index]}</display_weather>"
    )


def _plain(rng: random.Random) -> tuple[str, str]:
    prompt = rng.choice(PLAIN_PROMPTS).format(city=rng.choice(CITIES))
    return prompt, "<think>Let me think.</think><answer>Here it is.</answer><display_weather>☀</display_weather>"


def _passing(rng: random.Random) -> tuple[str, str]:
    city = rng.choice(CITIES)
    return (
        f"<api> Is it sunny in {city}?",
        "<think>Sunny.</think><answer>Yes.</answer><display_weather>☀</display_weather>",
    )


def family_records(per_family: int = 20, passing: int = 15, seed: int = 7) -> tuple[list[dict], dict[int, int]]:
    """Run records (families shuffled among passing items) and {item_key: family} for the failing ones."""
    rng = random.Random(seed)
    made = [
        (family, maker(rng)) for family, maker in enumerate((_punctuation, _synonym, _plain)) for _ in range(per_family)
    ]
    made += [(-1, _passing(rng)) for _ in range(passing)]
    rng.shuffle(made)
    records, truth = [], {}
    for key, (family, (prompt, output)) in enumerate(made):
        records.append(
            {
                "item_id": f"ex-{key}",
                "input": prompt,
                "output": output,
                "target": None,
                "split": "dev",
                "source_line": key + 1,
            }
        )
        if family >= 0:
            truth[key] = family
    return records, truth


def check_results(truth: dict[int, int], item_count: int) -> list[tuple[str, int, bool]]:
    """(check, item_key, passed) rows: each family fails its own check, every other graded item passes."""
    rows = []
    for key, check in itertools.product(range(item_count), FAMILY_CHECKS.values()):
        rows.append((check, key, FAMILY_CHECKS.get(truth.get(key, -1)) != check))
    return rows


class WordHashEmbedder:
    """A deterministic bag-of-words embedder (each word a fixed random vector): fast, no model, similar words share."""

    name = "test-word-hash"
    dim = 64

    def encode(self, texts: list[str]) -> np.ndarray:
        rows = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                rows[row] += np.random.default_rng(zlib.crc32(word.encode())).standard_normal(self.dim)
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        return rows / np.where(norms == 0, 1.0, norms)


def record_check_results(ws, run_id: int, rows: list[tuple[str, int, bool]]) -> None:
    """Store graded results as the checks step would (test set-up: the checks step is not under test here)."""
    names = sorted({name for name, _, _ in rows})
    with ws.db.transaction() as cur:
        for position, name in enumerate(names):
            cur.execute(
                "INSERT INTO checks (run_id, name, kind, spec, position) VALUES (?, ?, 'regex', '{}', ?)",
                [run_id, name, position],
            )
        cur.executemany(
            "INSERT INTO check_results (run_id, check_name, item_key, passed) VALUES (?, ?, ?, ?)",
            [[run_id, name, key, passed] for name, key, passed in rows],
        )


def make_family_run(ws, name: str = "families"):
    """Store the family records as a run with their check results: (run, {item_key: family})."""
    from curator.review.runs import create_run_from_records

    records, truth = family_records()
    run = create_run_from_records(ws, name, records)
    record_check_results(ws, run.run_id, check_results(truth, len(records)))
    return run, truth
