"""Shared test material for the fix-with-data tests: a weather eval run with checks and held-out items."""

from __future__ import annotations

from curator.checks import load_spec_text, run_checks
from curator.review import buckets as bucket_domain
from curator.review.runs import create_run_from_records

CHECKS_TOML = """
[[check]]
name = "weather_tag"
kind = "tag_present"
tag = "display_weather"
when_input = "<api>"

[[check]]
name = "no_tag"
kind = "tag_absent"
tag = "display_weather"
unless_input = "<api>"

[[check]]
name = "emoji"
kind = "semantic_map"
within_tag = "display_weather"
groups = [ { words = ["sunny", "clear", "bright"], token = "☀" }, { words = ["cloudy", "overcast"], token = "☁" } ]
when_input = "<api>"
"""

GOOD = "<display_weather>☀</display_weather> Enjoy the sun."


def weather_records() -> list[dict]:
    """Three dev items (one failing) and two held-out items."""
    return [
        {
            "item_id": "a",
            "input": "<api> What is the weather in Paris? It is sunny.",
            "target": GOOD,
            "output": "It is sunny.",
            "split": "dev",
        },
        {
            "item_id": "b",
            "input": "<api> Weather in Oslo: cloudy",
            "target": "<display_weather>☁</display_weather>",
            "output": "<display_weather>☁</display_weather>",
            "split": "dev",
        },
        {
            "item_id": "c",
            "input": "Tell me a joke",
            "target": "Why did the cloud stay home?",
            "output": "Why did the cloud stay home?",
            "split": "dev",
        },
        {
            "item_id": "h1",
            "input": "<api> What is the weather in Rome? It is sunny!",
            "target": GOOD,
            "output": GOOD,
            "split": "held_out",
        },
        {
            "item_id": "h2",
            "input": "<api> Weather in Lima: overcast",
            "target": "<display_weather>☁</display_weather>",
            "output": "overcast",
            "split": "held_out",
        },
    ]


def weather_run(ws, name: str = "base"):
    """A stored run with the weather checks run over it and a bucket labelling the failure."""
    run = create_run_from_records(ws, name, weather_records())
    run_checks(ws, run.run_id, load_spec_text(CHECKS_TOML))
    bucket = (
        bucket_domain.create_bucket(ws, "weather") if not _has_bucket(ws) else bucket_domain.get_bucket(ws, "weather")
    )
    bucket_domain.label_items(ws, run.run_id, [0], bucket)
    return run


def _has_bucket(ws) -> bool:
    return any(b.name == "weather" for b in bucket_domain.list_buckets(ws))


WEATHER_TEMPLATE = {
    "name": "weather",
    "input": "<api> What is the weather in {{ city }}? It is {{ phrase }}",
    "target": "<display_weather>{{ emoji }}</display_weather> Enjoy the {{ 'sun' if emoji == '☀' else 'day' }}.",
    "slots": {"city": ["Paris", "Berlin", "Madrid", "Tokyo"]},
    "zipped": [
        {
            "names": ["phrase", "emoji"],
            "rows": [["sunny", "☀"], ["cloudy", "☁"], ["bright", "☀"]],
            "perturb": {"phrase": ["punctuation"]},
        }
    ],
}
