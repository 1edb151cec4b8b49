"""Exports: each shape and file format loads back through `datasets`; writes are atomic and stay in their folder."""

from __future__ import annotations

import json

import pytest
from fixwork import weather_run

from curator.errors import CuratorError
from curator.exports.library import export_dataset, export_run
from curator.recipes import library as recipes
from curator.recipes.spec import spec_from_dict


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
    assert dpo.to_list() == [
        {
            "prompt": "<api> What is the weather in Paris? It is sunny.",
            "chosen": "<display_weather>☀</display_weather> Enjoy the sun.",
            "rejected": "It is sunny.",
            "source_item_key": 0,
        }
    ]
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
    with pytest.raises(CuratorError, match="could not write .*x.parquet: disk full"):
        export_run(run_ws, "base", "sft", "parquet", name="x.parquet")
    assert list(run_ws.exports_dir.iterdir()) == []


def test_dataset_version_exports_with_lineage(run_ws):
    recipes.save_recipe(
        run_ws,
        spec_from_dict(
            {
                "name": "d",
                "total": 2,
                "system_prompt": "S",
                "sources": [{"name": "replay", "kind": "replay", "run": "base", "share": 1}],
            }
        ),
    )
    recipes.build(run_ws, "d")
    sft = load(export_dataset(run_ws, "d@1", "sft", "parquet").path, "parquet")
    assert len(sft) == 2 and set(sft["source"]) == {"replay"}
    chat = load(export_dataset(run_ws, "d", "chat", "jsonl").path, "jsonl")
    assert chat[0]["messages"][0] == {"role": "system", "content": "S"}
    with pytest.raises(CuratorError, match="export 'dpo' from a run"):
        export_dataset(run_ws, "d", "dpo")


@pytest.mark.parametrize("file_format", ["jsonl", "hf"])
def test_the_folder_itself_is_refused_and_its_files_kept(run_ws, tmp_path, file_format):
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("mine")
    for folder in (victim, None):
        with pytest.raises(CuratorError, match="is the folder .* itself"):
            export_run(run_ws, "base", "sft", file_format, folder=folder, name=".", force=True)
    assert (victim / "keep.txt").read_text() == "mine"
    assert run_ws.exports_dir.is_dir()


def test_hf_export_replaces_only_a_saved_dataset_folder(run_ws, tmp_path):
    (tmp_path / "out" / "mine").mkdir(parents=True)
    (tmp_path / "out" / "mine" / "notes.txt").write_text("keep")
    with pytest.raises(CuratorError, match="a folder Curator did not write"):
        export_run(run_ws, "base", "sft", "hf", folder=tmp_path / "out", name="mine", force=True)
    assert (tmp_path / "out" / "mine" / "notes.txt").read_text() == "keep"
    first = export_run(run_ws, "base", "sft", "hf", folder=tmp_path / "out", name="ds")
    again = export_run(run_ws, "base", "dpo", "hf", folder=tmp_path / "out", name="ds", force=True)
    assert len(load(again.path, "hf")) == 1 and first.path == again.path


def test_jsonl_onto_a_folder_is_refused(run_ws, tmp_path):
    (tmp_path / "out" / "sub").mkdir(parents=True)
    with pytest.raises(CuratorError, match="is a folder"):
        export_run(run_ws, "base", "sft", folder=tmp_path / "out", name="sub", force=True)
    assert (tmp_path / "out" / "sub").is_dir()


def test_exports_get_the_umask_default_mode(run_ws, tmp_path):
    import os
    import stat

    old = os.umask(0o022)
    try:
        for shape, file_format in (("raw", "jsonl"), ("sft", "jsonl"), ("dpo", "parquet"), ("kto", "hf")):
            path = export_run(run_ws, "base", shape, file_format, folder=tmp_path / "out").path
            assert stat.S_IMODE(path.stat().st_mode) == (0o755 if file_format == "hf" else 0o644), path
    finally:
        os.umask(old)
