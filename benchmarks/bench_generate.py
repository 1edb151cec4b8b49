"""Benchmark: generate and check 100,000 examples from a 3-slot template with perturbations, guarded against
10,000 held-out items. Prints one JSON line: examples, total_s, examples_per_s, guard_share (the share of the
time spent in the contamination guard), plus the counts per status."""

from __future__ import annotations

import argparse
import json
import random
import time

from curator.checks import load_spec_text
from curator.fix.contamination import ContaminationGuard
from curator.fix.generation import ExampleVetter, generate_candidates
from curator.fix.templates import TemplateRenderer, spec_from_dict

EXAMPLES = 100_000
HELD_OUT = 10_000
CHECKS = """
[[check]]
name = "weather_tag"
kind = "tag_present"
tag = "display_weather"
when_input = "<api>"
[[check]]
name = "emoji"
kind = "semantic_map"
within_tag = "display_weather"
groups = [ { words = ["sunny", "clear", "bright"], token = "☀" }, { words = ["cloudy", "overcast", "grey"], token = "☁" },
           { words = ["rain", "drizzle", "showers"], token = "🌧" } ]
when_input = "<api>"
"""
WEATHER = [
    ["sunny", "☀"],
    ["clear skies", "☀"],
    ["bright sunshine", "☀"],
    ["cloudy", "☁"],
    ["overcast", "☁"],
    ["grey", "☁"],
    ["rain", "🌧"],
    ["light drizzle", "🌧"],
    ["showers", "🌧"],
    ["bright", "☀"],
    ["clear", "☀"],
    ["heavy rain", "🌧"],
]
DAYS = [
    "today",
    "tomorrow",
    "on Monday",
    "on Tuesday",
    "on Wednesday",
    "on Thursday",
    "on Friday",
    "on Saturday",
    "on Sunday",
    "this morning",
    "this afternoon",
    "tonight",
    "this weekend",
    "next week",
    "right now",
    "later today",
    "at noon",
    "in the evening",
    "at dawn",
    "overnight",
]


def city_names(rng: random.Random, count: int) -> list[str]:
    syllables = ["ka", "lo", "mi", "ra", "ben", "tor", "vi", "san", "el", "do", "mar", "qu", "ost", "len", "pa"]
    names: set[str] = set()
    while len(names) < count:
        names.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))).capitalize())
    return sorted(names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=EXAMPLES)
    parser.add_argument("--held-out", type=int, default=HELD_OUT)
    options = parser.parse_args()
    rng = random.Random(0)
    cities = city_names(rng, 400)
    spec = spec_from_dict(
        {
            "name": "bench",
            "max_examples": 200_000,
            "time_limit_s": 300,
            "input": "<api> What is the weather in {{ city }} {{ day }}? It is {{ phrase }}",
            "target": "<think>{{ phrase_base }} means {{ emoji }}</think><display_weather>{{ emoji }}</display_weather>",
            "slots": {"city": cities[:300], "day": DAYS},
            "zipped": [{"names": ["phrase", "emoji"], "rows": WEATHER, "perturb": {"phrase": ["punctuation", "case"]}}],
        }
    )
    held_out = [
        f"<api> What is the weather in {rng.choice(cities[250:])} {rng.choice(DAYS)}? "
        f"It is {rng.choice(WEATHER)[0]}{rng.choice(['.', '!', ''])}"
        for _ in range(options.held_out)
    ]
    checks = load_spec_text(CHECKS)

    started = time.perf_counter()
    guard = ContaminationGuard(held_out)
    guard_seconds = time.perf_counter() - started
    original_check = guard.check_one

    def timed_check(text: str):
        nonlocal guard_seconds
        t0 = time.perf_counter()
        try:
            return original_check(text)
        finally:
            guard_seconds += time.perf_counter() - t0

    guard.check_one = timed_check
    vetter = ExampleVetter(checks, guard)
    candidates, stopped = generate_candidates(TemplateRenderer(spec), options.examples, seed=1, vetter=vetter)
    total = time.perf_counter() - started

    counts: dict[str, int] = {}
    for c in candidates:
        counts[c.status] = counts.get(c.status, 0) + 1
    print(
        json.dumps(
            {
                "examples": len(candidates),
                "total_s": round(total, 2),
                "examples_per_s": round(len(candidates) / total),
                "guard_share": round(guard_seconds / total, 3),
                "held_out": options.held_out,
                "stopped_early": stopped,
                "counts": counts,
            }
        )
    )


if __name__ == "__main__":
    main()
