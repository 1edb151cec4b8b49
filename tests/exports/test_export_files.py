"""Exports: each shape and file format loads back through `datasets`; writes are atomic and stay in their folder."""

from __future__ import annotations

import json

import pytest

from curator.errors import CuratorError
from curator.exports.library import export_dataset, export_run
from curator.recipes import library as recipes
from curator.recipes.spec import spec_from_dict
from fixwork import weather_run


@pytest.fixture
def run_ws(workspace):
    weather_run(workspace)
    return workspace


def load(path, file_format):
    # Loading back through `datasets` is the point of the test.
    import datasets

    if file_format == "hf":
        return datasets.load_from_disk(str(path))
    return datasets.load_dataset("json" if file_format == "jsonl" else "parquet", data_files=str(path), split="train")


def test_raw_run_export_has_every_item_as_jsonl_and_parquet(run_ws):
    for file_format in ("jsonl", "parquet"):
        result = export_run(run_ws, "base", "raw", file_format)
        rows = load(result.path, file_format)
        assert result.rows == 5 == len(rows)
        assert rows[0]["item_id"] == "a" and set(rows["split"]) == {"dev", "held_out"}
    assert not list(run_ws.exports_dir.glob(".*tmp"))


@pytest.mark.parametrize("file_format", ["jsonl", "parquet", "hf"])
def test_run_shapes_load_back_in_each_format(run_ws, file_format):
    sft = load(export_run(run_ws, "base", "sft", file_format).path, file_format)
    assert len(sft) == 3 and {"prompt", "completion"} <= set(sft.column_names)
    chat = load(export_run(run_ws, "base", "chat", file_format, system_prompt="Be brief.").path, file_format)
    assert [m["role"] for m in chat[0]["messages"]] == ["system", "user", "assistant"]
    dpo = load(export_run(run_ws, "base", "dpo", file_format).path, file_format)
    assert dpo.to_list() == [{"prompt": "<api> What is the weather in Paris? It is sunny.",
                              "chosen": "<display_weather>☀</display_weather> Enjoy the sun.",
                              "rejected": "It is sunny.", "source_item_key": 0}]
    kto = load(export_run(run_ws, "base", "kto", file_format).path, file_format)
    assert sorted(kto["label"]) == [False, True, True, True]


def test_held_out_items_never_reach_training_shapes(run_ws):
    rows = [json.loads(line) for line in export_run(run_ws, "base", "sft").path.read_text().splitlines()]
    assert all("Rome" not in r["prompt"] and "Lima" not in r["prompt"] for r in rows)


def test_existing_file_needs_force_and_is_replaced_whole(run_ws):
    first = export_run(run_ws, "base", "sft", name="out.jsonl")
    with pytest.raises(CuratorError, match="already exists .use --force"):
        export_run(run_ws, "base", "dpo", name="out.jsonl")
    assert len(first.path.read_text().splitlines()) == 3
    export_run(run_ws, "base", "dpo", name="out.jsonl", force=True)
    assert len(first.path.read_text().splitlines()) == 1


def test_paths_outside_the_folder_are_refused(run_ws, tmp_path):
    folder = tmp_path / "out"
    with pytest.raises(CuratorError, match="outside"):
        export_run(run_ws, "base", "sft", folder=folder, name="../escape.jsonl")
    (folder / "link").symlink_to(tmp_path)
    with pytest.raises(CuratorError, match="outside|link"):
        export_run(run_ws, "base", "sft", folder=folder, name="link/escape.jsonl")
    (folder / "file-link.jsonl").symlink_to(tmp_path / "target.jsonl")
    with pytest.raises(CuratorError, match="link"):
        export_run(run_ws, "base", "sft", folder=folder, name="file-link.jsonl")
    assert not (tmp_path / "escape.jsonl").exists() and not (tmp_path / "target.jsonl").exists()


def test_failed_write_leaves_no_file(run_ws, monkeypatch):
    import pyarrow.parquet as pq

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pq, "write_table", broken)
    with pytest.raises(OSError):
        export_run(run_ws, "base", "sft", "parquet", name="x.parquet")
    assert list(run_ws.exports_dir.iterdir()) == []


def test_dataset_version_exports_with_lineage(run_ws):
    recipes.save_recipe(run_ws, spec_from_dict({"name": "d", "total": 2, "system_prompt": "S", "sources": [
        {"name": "replay", "kind": "replay", "run": "base", "share": 1}]}))
    recipes.build(run_ws, "d")
    sft = load(export_dataset(run_ws, "d@1", "sft", "parquet").path, "parquet")
    assert len(sft) == 2 and set(sft["source"]) == {"replay"}
    chat = load(export_dataset(run_ws, "d", "chat", "jsonl").path, "jsonl")
    assert chat[0]["messages"][0] == {"role": "system", "content": "S"}
    with pytest.raises(CuratorError, match="export 'dpo' from a run"):
        export_dataset(run_ws, "d", "dpo")
