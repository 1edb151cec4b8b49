"""One planner for the mixer and the build: both count only rows the held-out guard lets through."""

from __future__ import annotations

import json

import pytest
from fixwork import weather_run

from curator.errors import CuratorError
from curator.recipes import library as recipes
from curator.recipes.spec import spec_from_dict

HELD_OUT_INPUT = "<api> What is the weather in Rome? It is sunny!"  # item h1 of the weather run


def leaky_recipe(ws, tmp_path, total: int):
    rows = [{"prompt": f"<api> Weather in town {i}: sunny", "completion": "☀"} for i in range(11)]
    rows.append({"prompt": HELD_OUT_INPUT, "completion": "leak"})
    path = tmp_path / "leaky.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    spec = spec_from_dict(
        {"name": "leaky", "total": total, "sources": [{"kind": "file", "path": str(path), "share": 1}]}
    )
    return recipes.save_recipe(ws, spec)


def test_the_plan_leaves_out_held_out_look_alikes_and_the_build_refuses_with_its_words(workspace, tmp_path):
    weather_run(workspace)
    spec = leaky_recipe(workspace, tmp_path, total=12)
    [entry] = recipes.plan(workspace, spec)
    assert (entry.requested, entry.available, entry.refused_held_out, entry.too_small) == (12, 11, 1, True)
    with pytest.raises(CuratorError) as refused:
        recipes.build(workspace, "leaky")
    assert str(refused.value) == recipes.too_small_message(entry, 12)
    assert "11 usable rows (1 refused as too close to held-out items)" in str(refused.value)
    assert recipes.list_versions(workspace) == []


def test_what_the_plan_calls_enough_builds(workspace, tmp_path):
    weather_run(workspace)
    spec = leaky_recipe(workspace, tmp_path, total=11)
    [entry] = recipes.plan(workspace, spec)
    assert not entry.too_small
    version = recipes.build(workspace, "leaky")
    assert version.row_count == 11 and version.manifest["sources"][0]["refused_held_out"] == 1


def test_an_unreadable_source_is_one_line_in_the_plan(workspace, tmp_path):
    weather_run(workspace)
    spec = spec_from_dict(
        {"name": "missing", "total": 2, "sources": [{"kind": "file", "path": str(tmp_path / "nope.jsonl"), "share": 1}]}
    )
    with pytest.raises(CuratorError):
        recipes.plan(workspace, spec)
    [entry] = [recipes.plan_source(workspace, spec.sources[0], 2, recipes.held_out_guard(workspace))]
    assert entry.problem and "nope.jsonl" in entry.problem and not entry.too_small
