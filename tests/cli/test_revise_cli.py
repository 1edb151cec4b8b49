"""`curator revise edit / list / accept / reject` on a real workspace, and one line for every bad input."""

from __future__ import annotations

import json

import pytest
from chat_endpoint import chat_endpoint
from fixwork import weather_run
from typer.testing import CliRunner

from curator.cli.main import app
from curator.errors import CuratorError
from curator.fix import revisions
from curator.workspace import Workspace

FIXED = "<display_weather>☀</display_weather> It is sunny."


@pytest.fixture
def ws_path(tmp_path):
    path = tmp_path / "ws"
    with Workspace.open(path) as ws:
        weather_run(ws)
    return path


def invoke(path, *args):
    return CliRunner().invoke(app, ["--workspace", str(path), *args], terminal_width=200)


def test_edit_with_text_then_list_accept_and_pairs(ws_path):
    done = invoke(ws_path, "revise", "edit", "base", "a", "--text", FIXED)
    assert done.exit_code == 0, done.output
    assert "Revision 1 of item 'a': proposed; example 1 and a pair proposed; changed 61%." in done.output
    assert "diff: {+<display_weather>☀</display_weather> +}It is sunny." in done.output
    listed = json.loads(invoke(ws_path, "revise", "list", "base", "--json").output)
    assert [(r["revision_id"], r["status"], r["author"], r["revised"]) for r in listed] == [
        (1, "proposed", "analyst", FIXED)
    ]
    accepted = invoke(ws_path, "revise", "accept", "1")
    assert accepted.exit_code == 0 and "Accepted 1 revision(s)" in accepted.output
    with Workspace.open(ws_path) as ws:
        (pair,) = revisions.revision_pairs(ws, "base")
    assert (pair["chosen"], pair["rejected"]) == (FIXED, "It is sunny.")
    table = invoke(ws_path, "revise", "list", "base")
    assert "accepted" in table.output and "analyst" in table.output


def test_edit_from_a_file_that_still_fails_is_a_draft(ws_path, tmp_path):
    edit = tmp_path / "edit.txt"
    edit.write_text("<display_weather>☁</display_weather> It is sunny.", encoding="utf-8")
    done = invoke(ws_path, "revise", "edit", "base", "a", "--file", str(edit))
    assert done.exit_code == 0, done.output
    assert "Draft 1 kept for item 'a': check 'emoji' still fails: " in done.output
    assert json.loads(invoke(ws_path, "revise", "list", "base", "--status", "draft", "--json").output)[0]["status"] == (
        "draft"
    )
    assert json.loads(invoke(ws_path, "revise", "list", "base", "--status", "proposed", "--json").output) == []


def test_reject_all_of_a_run(ws_path):
    invoke(ws_path, "revise", "edit", "base", "a", "--text", FIXED)
    done = invoke(ws_path, "revise", "reject", "--all", "base")
    assert done.exit_code == 0 and "Rejected 1 revision(s)" in done.output
    assert json.loads(invoke(ws_path, "revise", "list", "base", "--json").output)[0]["status"] == "rejected"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("edit", "base", "h2", "--text", "<display_weather>☁</display_weather>"), "item 'h2' is held out"),
        (("edit", "base", "a"), "with --text or --file"),
        (("edit", "base", "a", "--text", "x", "--file", "f"), "with --text or --file"),
        (("edit", "base", "a", "--file", "missing.txt"), "missing.txt: no such edit file"),
        (("edit", "nope", "a", "--text", "x"), "no run named 'nope'"),
        (("accept",), "give revision ids, or --all RUN"),
        (("accept", "7"), "no revision 7"),
        (("base", "--model", "no-such-folder"), "model path 'no-such-folder' is not a local folder"),
        (("base", "--model", ".", "--max-change", "2"), "max change must be a share above 0 and at most 1"),
        (("base", "--model", ".", "--principles", "p", "--principles-file", "f"), "not both"),
        (("base", "--model", ".", "--critique-template", "missing.j2"), "missing.j2: no such template file"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(ws_path, args, message):
    done = invoke(ws_path, "revise", *args)
    assert isinstance(done.exception, CuratorError), done.output
    assert message in str(done.exception) and "\n" not in str(done.exception)
    with Workspace.open(ws_path) as ws:
        assert revisions.list_revisions(ws) == []


def test_revise_run_through_an_endpoint_prints_and_stores_the_set(ws_path):
    with chat_endpoint(FIXED) as (url, _):
        done = invoke(ws_path, "revise", "base", "--model", "m", "--endpoint", url, "--max-change", "0.7", "--json")
        table = invoke(ws_path, "revise", "base", "--model", "m", "--endpoint", url, "--principles", "Be exact.")
    assert done.exit_code == 0, done.output
    stored = json.loads(done.output)
    assert (stored["revise_set_id"], stored["counts"], stored["skipped_held_out"]) == (1, {"proposed": 1}, 1)
    assert stored["revisions"][0]["revised"] == FIXED and stored["revisions"][0]["critique"] == FIXED
    assert "Revise set 2: 1 failing output(s) of run 'base' revised (1 dropped)." in table.output
    assert "1 held-out item(s) matched and were not revised." in table.output
    words = " ".join(table.output.split())  # the table wraps the detail column at spaces
    assert "(changes 61% of the original (at most 50%): a rewrite, not a revision)" in words
