"""`curator bucket` on a real workspace: make a bucket, put items in it by the ids the user sees or by a filter,
list, show, rename, remove; bad input is one line and changes nothing."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from curator.cli.main import app
from curator.errors import CuratorError, NotFoundError
from curator.review.runs import create_run_from_records
from curator.storage.browse import store_check_results
from curator.workspace import Workspace

RECORDS = [
    {"item_id": f"dev-act-{k}", "input": f"q{k}", "output": "w", "split": "held_out" if k >= 8 else "dev"}
    for k in range(10)
]


@pytest.fixture
def ws_path(tmp_path):
    path = tmp_path / "ws"
    with Workspace.open(path) as ws:
        run_id = create_run_from_records(ws, "acts", RECORDS).run_id
        with ws.db.transaction() as cur:  # items 0, 3, 6, 9 fail `answer`
            store_check_results(cur, run_id, "answer", "exact", {k: (k % 3 != 0, "") for k in range(10)})
    return path


def invoke(path, *args, width: int = 200, answer: str | None = None):
    return CliRunner().invoke(app, ["--workspace", str(path), *args], terminal_width=width, input=answer)


def shown_items(path, name: str) -> list[str]:
    done = invoke(path, "bucket", "show", name, "--json")
    assert done.exit_code == 0, done.output
    return [row["item_id"] for row in json.loads(done.output)]


def test_new_add_by_id_show_and_list(ws_path):
    made = invoke(ws_path, "bucket", "new", "wrong-action", "--description", "names the wrong action")
    assert made.exit_code == 0 and "Bucket 'wrong-action' made" in made.output
    added = invoke(ws_path, "bucket", "add", "wrong-action", "acts", "dev-act-3", "dev-act-5", "dev-act-3")
    assert added.exit_code == 0, added.output
    assert "2 item(s) of run 'acts' put in bucket 'wrong-action'" in added.output
    again = invoke(ws_path, "bucket", "add", "wrong-action", "acts", "dev-act-5", "dev-act-7")
    assert "1 item(s)" in again.output
    assert shown_items(ws_path, "wrong-action") == ["dev-act-3", "dev-act-5", "dev-act-7"]
    table = invoke(ws_path, "bucket", "show", "wrong-action").output
    assert "names the wrong action" in table and "dev-act-7" in table
    listed = json.loads(invoke(ws_path, "bucket", "list", "--json").output)
    assert listed == [{"name": "wrong-action", "description": "names the wrong action", "items": 3, "runs": 1}]


def test_a_bucket_made_here_is_the_one_template_new_finds(ws_path, tmp_path):
    assert invoke(ws_path, "bucket", "new", "X").exit_code == 0
    spec = tmp_path / "t.toml"
    spec.write_text('name = "t"\ninput = "Turn on the {{ thing }}"\ntarget = "on"\n[slots]\nthing = ["lamp", "fan"]\n')
    done = invoke(ws_path, "template", "new", str(spec), "--bucket", "X")
    assert done.exit_code == 0, done.output
    assert json.loads(invoke(ws_path, "template", "list", "--json").output)[0]["bucket"] == "X"


def test_add_by_filter_uses_the_label_filter_words(ws_path):
    invoke(ws_path, "bucket", "new", "fails-answer")
    done = invoke(ws_path, "bucket", "add", "fails-answer", "acts", "--filter", "failing:answer split:dev")
    assert done.exit_code == 0, done.output
    assert shown_items(ws_path, "fails-answer") == ["dev-act-0", "dev-act-3", "dev-act-6"]  # dev-act-9 is held out


def test_rename_and_remove(ws_path):
    invoke(ws_path, "bucket", "new", "old")
    invoke(ws_path, "bucket", "add", "old", "acts", "dev-act-1")
    renamed = invoke(ws_path, "bucket", "rename", "old", "new-name", "--description", "now described")
    assert renamed.exit_code == 0 and "Bucket 'old' is now 'new-name'" in renamed.output
    assert shown_items(ws_path, "new-name") == ["dev-act-1"]
    refused = invoke(ws_path, "bucket", "remove", "new-name", answer="n\n")
    assert refused.exit_code == 1 and shown_items(ws_path, "new-name") == ["dev-act-1"]
    removed = invoke(ws_path, "bucket", "remove", "new-name", "--yes")
    assert removed.exit_code == 0 and "Deleted bucket 'new-name' (1 item label(s))" in removed.output
    assert json.loads(invoke(ws_path, "bucket", "list", "--json").output) == []


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (("add", "nope", "acts", "dev-act-1"), NotFoundError, "no bucket named 'nope' (make it with"),
        (("add", "b", "acts", "dev-act-1", "dev-act-99"), NotFoundError, "has no item with id 'dev-act-99'"),
        (("add", "b", "acts"), CuratorError, "give item ids or --filter"),
        (("add", "b", "acts", "dev-act-1", "--filter", "failing"), CuratorError, "give item ids or --filter"),
        (("add", "b", "acts", "--filter", "failing:nope"), NotFoundError, "has no check 'nope'"),
        (("add", "b", "missing-run", "dev-act-1"), NotFoundError, "no run named 'missing-run'"),
        (("new", "b"), CuratorError, "a bucket named 'b' already exists"),
        (("new", "  "), CuratorError, "a bucket needs a name"),
        (("rename", "nope", "x"), NotFoundError, "no bucket named 'nope'"),
        (("show", "nope"), NotFoundError, "no bucket named 'nope'"),
    ],
)
def test_bad_input_is_one_clear_error_and_changes_nothing(ws_path, args, error, message):
    invoke(ws_path, "bucket", "new", "b")
    done = invoke(ws_path, "bucket", *args)
    assert done.exit_code != 0 and isinstance(done.exception, error), done.output
    assert message in str(done.exception)
    assert shown_items(ws_path, "b") == []
    assert [b["name"] for b in json.loads(invoke(ws_path, "bucket", "list", "--json").output)] == ["b"]


def test_names_print_literally_and_wrap_at_80_columns(ws_path):
    name = "a-very-long-bucket-name-\x1b[2J-that-must-wrap-and-never-be-cut-short"
    invoke(ws_path, "bucket", "new", name, "--description", "[bold]not markup[/] " * 4)
    out = invoke(ws_path, "bucket", "list", width=80).output
    assert "\x1b" not in out and "\\x1b[2J" in out and "[bold]not" in out and "markup[/]" in out
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "…" not in out


def test_remove_items_by_id_and_by_filter_leaves_the_rest(ws_path):
    invoke(ws_path, "bucket", "new", "b")
    invoke(ws_path, "bucket", "add", "b", "acts", "dev-act-0", "dev-act-1", "dev-act-3", "dev-act-6", "dev-act-9")
    done = invoke(ws_path, "bucket", "remove-items", "b", "acts", "dev-act-1", "dev-act-2", "dev-act-1")
    assert done.exit_code == 0, done.output
    assert "1 item(s) of run 'acts' taken out of bucket 'b'" in done.output  # dev-act-2 was not in it
    assert shown_items(ws_path, "b") == ["dev-act-0", "dev-act-3", "dev-act-6", "dev-act-9"]
    done = invoke(ws_path, "bucket", "remove-items", "b", "acts", "--filter", "failing:answer split:dev")
    assert done.exit_code == 0 and "3 item(s)" in done.output, done.output
    assert shown_items(ws_path, "b") == ["dev-act-9"]


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (("nope", "acts", "dev-act-1"), NotFoundError, "no bucket named 'nope' (make it with"),
        (("b", "acts", "dev-act-1", "dev-act-99"), NotFoundError, "has no item with id 'dev-act-99'"),
        (("b", "acts"), CuratorError, "give item ids or --filter"),
        (("b", "acts", "--filter", "failing:nope"), NotFoundError, "has no check 'nope'"),
        (("b", "missing-run", "dev-act-1"), NotFoundError, "no run named 'missing-run'"),
    ],
)
def test_remove_items_bad_input_is_one_clear_error_and_takes_nothing_out(ws_path, args, error, message):
    invoke(ws_path, "bucket", "new", "b")
    invoke(ws_path, "bucket", "add", "b", "acts", "dev-act-1", "dev-act-2")
    done = invoke(ws_path, "bucket", "remove-items", *args)
    assert done.exit_code != 0 and isinstance(done.exception, error), done.output
    assert message in str(done.exception) and "\n" not in str(done.exception)
    assert shown_items(ws_path, "b") == ["dev-act-1", "dev-act-2"]
