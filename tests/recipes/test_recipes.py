"""Dataset recipes: shares become counts, builds freeze immutable numbered versions, seeds reproduce rows."""

from __future__ import annotations

import json
import os

import pytest
from fixwork import WEATHER_TEMPLATE, weather_run

from curator.errors import BadInputError, CuratorError
from curator.fix import examples as example_domain
from curator.fix.generation import generate
from curator.fix.templates import spec_from_dict as template_spec
from curator.fix.templates.library import create_template
from curator.recipes import library as recipes
from curator.recipes.allocation import allocate
from curator.recipes.spec import load_recipe, spec_from_dict
from curator.storage import examples as example_queries


@pytest.mark.parametrize(("shares", "total"), [([0.6, 0.3, 0.1], 17), ([1 / 3] * 3, 10), ([0.5, 0.25, 0.25], 7)])
def test_counts_are_within_one_row_of_the_shares_and_add_up(shares, total):
    counts = allocate(shares, total)
    assert sum(counts) == total
    assert all(abs(c - s * total) < 1 for c, s in zip(counts, shares, strict=False))


def write_general(path, n):
    path.write_text(
        "".join(json.dumps({"prompt": f"general question {i}", "completion": f"answer {i}"}) + "\n" for i in range(n))
    )
    return path


@pytest.fixture
def mixable(workspace, tmp_path):
    run = weather_run(workspace)
    create_template(
        workspace, template_spec(WEATHER_TEMPLATE), bucket="weather", source_run_id=run.run_id, source_item_key=0
    )
    report = generate(workspace, "weather", n=12, seed=4)
    example_domain.accept_all(workspace, batch_id=report.batch_id)
    general = write_general(tmp_path / "general.jsonl", 50)
    spec = spec_from_dict(
        {
            "name": "mix",
            "total": 20,
            "seed": 9,
            "sources": [
                {"name": "general", "kind": "file", "path": str(general), "share": 60},
                {"name": "fixes", "kind": "fixes", "buckets": ["weather"], "share": 30},
                {"name": "replay", "kind": "replay", "run": run.name, "share": 5},
                {"name": "seed", "kind": "seed", "rows": [{"prompt": "hi", "completion": "hello"}], "share": 5},
            ],
        }
    )
    recipes.save_recipe(workspace, spec)
    return workspace, spec


def test_build_freezes_a_numbered_version_with_a_manifest(mixable):
    ws, _ = mixable
    version = recipes.build(ws, "mix")
    rows = [json.loads(line) for line in open(version.path)]
    by_source = {}
    for row in rows:
        by_source[row["source"]] = by_source.get(row["source"], 0) + 1
    assert (version.version, len(rows)) == (1, 20)
    assert by_source == {"general": 12, "fixes": 6, "replay": 1, "seed": 1}
    assert {e["name"]: e["rows"] for e in version.manifest["sources"]} == by_source
    fix = next(r for r in rows if r["source"] == "fixes")
    assert fix["template"] == "weather" and fix["bucket"] == "weather" and fix["example_id"] > 0
    assert version.path.endswith("datasets/mix/v1/v1.jsonl") and os.stat(version.path).st_mode & 0o222 == 0


def test_replay_never_takes_held_out_or_failing_items(mixable):
    ws, _ = mixable
    rows = [json.loads(line) for line in open(recipes.build(ws, "mix").path)]
    replay = [r for r in rows if r["source"] == "replay"]
    assert replay and all(r["source_item_key"] in (1, 2) for r in replay)


def test_same_seed_same_rows_and_old_versions_never_change(mixable):
    ws, spec = mixable
    first = recipes.build(ws, "mix")
    before = open(first.path, "rb").read()
    second = recipes.build(ws, "mix")
    assert second.version == 2 and second.content_hash == first.content_hash
    other = recipes.build(ws, "mix", seed=10)
    assert other.content_hash != first.content_hash
    spec.total = 10
    recipes.save_recipe(ws, spec)
    third = recipes.build(ws, "mix")
    assert third.row_count == 10
    assert open(first.path, "rb").read() == before
    assert recipes.get_version(ws, "mix", 1).row_count == 20


def test_a_source_too_small_for_its_share_is_warned_and_refused(mixable):
    ws, spec = mixable
    spec.total = 200
    recipes.save_recipe(ws, spec)
    plan = {p.name: p for p in recipes.plan(ws, spec)}
    assert plan["general"].too_small and plan["general"].available == 50 and plan["general"].requested == 120
    with pytest.raises(CuratorError, match="source 'general' has 50 usable rows"):
        recipes.build(ws, "mix")
    assert recipes.list_versions(ws, "mix") == []


def test_an_altered_frozen_file_is_detected(mixable):
    ws, _ = mixable
    version = recipes.build(ws, "mix")
    os.chmod(version.path, 0o644)
    with open(version.path, "a") as handle:
        handle.write('{"prompt": "x", "completion": "y"}\n')
    with pytest.raises(CuratorError, match="no longer matches its content hash"):
        recipes.read_version_rows(version)


def test_recipe_toml_with_bad_shares_names_the_file(tmp_path):
    path = tmp_path / "r.toml"
    path.write_text('name = "x"\ntotal = 5\n[[source]]\nkind = "file"\npath = "g.jsonl"\nshare = 0.5\n')
    with pytest.raises(BadInputError, match=r"r.toml: (record, )?field 'share': shares add up to 0.5"):
        load_recipe(path)


def test_the_manifest_names_the_nearest_held_out_item_of_every_row(mixable):
    ws, _ = mixable
    version = recipes.build(ws, "mix")
    rows = [json.loads(line) for line in open(version.path)]
    nearest = version.manifest["nearest_held_out"]
    assert [n["row"] for n in nearest] == list(range(1, len(rows) + 1))
    held_out_ids = {item_id for _, item_id in example_queries.held_out_ids(ws.db)}
    weather = [n for n, row in zip(nearest, rows, strict=True) if row["source"] == "fixes"]
    assert weather and all(n["held_out_id"] in held_out_ids and 0 < n["similarity"] < 1 for n in weather)
    assert all(set(n) == {"row", "held_out_id", "similarity"} for n in nearest)  # no held-out text in the manifest
    general = [n for n, row in zip(nearest, rows, strict=True) if row["source"] == "general"]
    assert all(n["similarity"] < min(w["similarity"] for w in weather) for n in general)
