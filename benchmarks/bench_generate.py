"""Benchmark: generate and check 100,000 examples from a 3-slot template with perturbations, guarded against
10,000 held-out items. Prints one JSON line: examples, total_s, examples_per_s, guard_share (the share of the
time spent in the contamination guard), plus the counts per status.

`--build`: instead, a real `curator dataset build` of 10,000 rows (a file source) in a fresh workspace holding
50,000 held-out items: build_s, nearest_s (each row's nearest held-out item for the manifest), the manifest's size
and the closest row's similarity."""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

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


def weather_question(rng: random.Random, cities: list[str]) -> str:
    return f"<api> What is the weather in {rng.choice(cities)} {rng.choice(DAYS)}? It is {rng.choice(WEATHER)[0]}."


def bench_build(rows: int, held_out: int) -> dict:
    """Build `rows` rows from a file source in a workspace with `held_out` held-out items; time the build."""
    from curator.recipes import freezing
    from curator.recipes import library as recipes
    from curator.recipes.spec import spec_from_dict as recipe_spec
    from curator.review.runs import create_run_from_records
    from curator.workspace import Workspace

    rng = random.Random(0)
    cities = city_names(rng, 3000)
    with tempfile.TemporaryDirectory() as folder, Workspace.open(Path(folder) / "ws") as ws:
        records = [
            {"item_id": f"h{n}", "input": weather_question(rng, cities[1500:]), "split": "held_out"}
            for n in range(held_out)
        ]
        create_run_from_records(ws, "eval", records)
        data = Path(folder) / "rows.jsonl"
        with data.open("w", encoding="utf-8") as out:
            for _ in range(rows + rows // 2):  # half spare: the guard refuses a quarter, too close to held-out items
                prompt = weather_question(rng, cities[:1500])
                out.write(json.dumps({"prompt": prompt, "completion": "<display_weather>☀</display_weather>"}) + "\n")
        source = {"name": "file", "kind": "file", "share": 1, "path": str(data)}
        recipes.save_recipe(ws, recipe_spec({"name": "bench", "total": rows, "sources": [source]}))
        nearest_s, real_nearest = [0.0], freezing.nearest_held_out

        def timed_nearest(*args):
            t0 = time.perf_counter()
            try:
                return real_nearest(*args)
            finally:
                nearest_s[0] += time.perf_counter() - t0

        freezing.nearest_held_out = timed_nearest
        started = time.perf_counter()
        version = recipes.build(ws, "bench")
        build_s = time.perf_counter() - started
        manifest_bytes = Path(version.path).with_suffix(".manifest.json").stat().st_size
        closest = max(version.manifest["nearest_held_out"], key=lambda r: r["similarity"])
    return {
        "rows": version.row_count,
        "held_out": held_out,
        "build_s": round(build_s, 2),
        "nearest_s": round(nearest_s[0], 2),
        "manifest_bytes": manifest_bytes,
        "closest_similarity": closest["similarity"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=EXAMPLES)
    parser.add_argument("--held-out", type=int, default=HELD_OUT)
    parser.add_argument(
        "--build", action="store_true", help="Time a dataset build instead (10,000 rows, 50,000 held-out)."
    )
    parser.add_argument("--rows", type=int, default=10_000, help="--build: rows to build.")
    options = parser.parse_args()
    if options.build:
        held_out = options.held_out if options.held_out != HELD_OUT else 50_000
        print(json.dumps(bench_build(options.rows, held_out)))
        return
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
