"""`curator eval --items FILE --split-field split` keeps each item's split, as `curator import` does."""

import json

import pytest

from curator.errors import CuratorError
from curator.jobs.evals import resolve_items
from curator.storage import items as item_queries


def _file(tmp_path):
    path = tmp_path / "eval.jsonl"
    rows = [{"id": "a", "input": "one", "split": "dev"}, {"id": "b", "input": "two", "split": "held_out"}]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def test_the_split_field_of_an_eval_file_decides_each_items_split(workspace, tmp_path):
    run = resolve_items(workspace, str(_file(tmp_path)), "split")
    splits = {item.item_id: item.split for item in item_queries.iter_items(workspace.db, run.run_id)}
    assert splits == {"a": "dev", "b": "held_out"}


def test_without_it_every_item_is_dev_and_a_stored_run_refuses_it(workspace, tmp_path):
    run = resolve_items(workspace, str(_file(tmp_path)))
    assert {item.split for item in item_queries.iter_items(workspace.db, run.run_id)} == {"dev"}
    with pytest.raises(CuratorError, match="--split-field reads an eval file"):
        resolve_items(workspace, run.name, "split")
