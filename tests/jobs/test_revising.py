"""Critique and revise: which outputs are revised (never held-out ones), the sandboxed prompts, and how what the
reviser wrote is graded, kept or dropped with why. The tiny model writes nonsense, so with it only the plumbing
is asserted: stored, graded, dropped with reasons."""

from __future__ import annotations

import json
import socket

import pytest
from chat_endpoint import chat_endpoint
from fixwork import CHECKS_TOML, weather_run

from curator.checks import load_spec_text, run_checks
from curator.errors import CuratorError
from curator.fix import examples as example_domain
from curator.fix import revisions
from curator.fix.revision_runs import plan_revisions, store_model_revisions
from curator.jobs.revising import ReviseRequest, plan_revising, run_revising
from curator.review.runs import create_run_from_records
from curator.storage import revisions as revision_queries

TAG = "<display_weather>☀</display_weather> "
OUTPUTS = ["Sunny in Paris today, enjoy it.", "Bright skies.", "x", "Sunny.", "Clear sky."]


@pytest.fixture
def sunny_run(workspace):
    """Five failing dev outputs (no weather tag) and one failing held-out output."""
    records = [
        {"item_id": f"d{k}", "input": f"<api> Weather in town {k}: sunny", "target": f"{TAG}Sun.", "output": out}
        for k, out in enumerate(OUTPUTS)
    ]
    records.append({"item_id": "h", "input": "<api> Weather: sunny", "output": "Sunny.", "split": "held_out"})
    run = create_run_from_records(workspace, "sunny", records)
    run_checks(workspace, run.run_id, load_spec_text(CHECKS_TOML))
    return run


def test_kept_revisions_pass_and_change_little_the_rest_are_dropped_with_why(workspace, sunny_run):
    plan = plan_revisions(workspace, sunny_run.name)
    assert [i["item_id"] for i in plan.items] == ["d0", "d1", "d2", "d3", "d4"] and plan.skipped_held_out == 1
    assert list(plan.items[0]["reasons"]) == ["weather_tag", "emoji"]
    written = {
        0: ("Add the tag.", TAG + OUTPUTS[0]),
        1: ("Rewrite.", TAG + "A completely different and much longer answer about the weather today."),
        2: ("Wrong emoji.", "<display_weather>☁</display_weather> x"),
        3: ("Nothing.", None),
        4: ("Same.", OUTPUTS[4]),
    }
    report = store_model_revisions(workspace, plan, "models/reviser", {"seed": 0}, written, max_change=0.5)
    rows = revisions.list_revisions(workspace, sunny_run.name)
    assert [(r.item_id, r.status) for r in rows] == [
        ("d0", "proposed"),
        ("d1", "dropped"),
        ("d2", "dropped"),
        ("d3", "dropped"),
        ("d4", "dropped"),
    ]
    assert report.counts == {"proposed": 1, "dropped": 4} and report.kept == 1
    kept, rewrite, failing, empty, same = rows
    assert kept.critique == "Add the tag." and kept.model == "models/reviser" and kept.revise_set_id == 1
    assert kept.change <= 0.5 and kept.check_results["weather_tag"][0] is True
    assert rewrite.reason.startswith("changes ") and rewrite.reason.endswith("(at most 50%): a rewrite, not a revision")
    assert rewrite.check_results["weather_tag"][0] is True and rewrite.example_id is None
    assert failing.reason.startswith("check 'emoji' still fails: ")
    assert empty.reason == "the reviser wrote no revision"
    assert same.reason == "the revision is the original unchanged"
    example = example_domain.get_example(workspace, kept.example_id)
    assert (example.variant, example.model, example.target) == ("revision", "models/reviser", TAG + OUTPUTS[0])
    assert revision_queries.revise_set_settings(workspace.db, 1) == {"seed": 0, "max_change": 0.5}


def test_the_failing_check_and_the_bucket_choose_the_outputs(workspace):
    run = weather_run(workspace)
    assert [i["item_id"] for i in plan_revisions(workspace, run.name, failing="weather_tag").items] == ["a"]
    assert [i["item_id"] for i in plan_revisions(workspace, run.name, bucket="weather").items] == ["a"]
    with pytest.raises(CuratorError, match="no check 'nope'"):
        plan_revisions(workspace, run.name, failing="nope")
    with pytest.raises(CuratorError, match="not both"):
        plan_revisions(workspace, run.name, bucket="weather", failing="emoji")
    assert list(plan_revisions(workspace, run.name, failing="emoji").items[0]["reasons"]) == ["emoji", "weather_tag"]
    workspace.db.execute("UPDATE items SET split = 'held_out' WHERE run_id = ? AND item_key = 0", [run.run_id])
    with pytest.raises(CuratorError, match=r"the 2 held-out item\(s\) that do are never revised"):
        plan_revisions(workspace, run.name, failing="weather_tag")


@pytest.mark.parametrize(
    ("critique", "revision", "message"),
    [
        ("{{ input.__class__.__mro__ }}", None, "access to attribute '__class__' of 'str' object is unsafe"),
        (None, "{{ critique.__class__ }}", "access to attribute '__class__' of 'str' object is unsafe"),
        ("{% for i in range(10**9) %}x{% endfor %}", None, "range of 1,000,000,000 numbers"),
        ("{{ target }}", None, "undefined slot 'target'"),
        ("{% if %}", None, "syntax error"),
    ],
)
def test_the_revisers_prompts_are_sandboxed(workspace, tmp_path, critique, revision, message):
    run = weather_run(workspace)
    request = ReviseRequest(run.name, str(tmp_path), critique_template=critique, revision_template=revision)
    with pytest.raises(CuratorError, match="template '(critique|revision)'") as error:
        plan_revising(workspace, request)
    assert message in str(error.value) and "\n" not in str(error.value)
    assert not (workspace.root / "jobs").exists() and revisions.list_revisions(workspace) == []


@pytest.mark.slow
def test_the_tiny_model_critiques_and_revises_and_every_revision_is_stored_graded(workspace, demo_model_dir):
    run = weather_run(workspace)
    events = []
    request = ReviseRequest(run.name, str(demo_model_dir), max_new_tokens=12, cpu_threads=1, principles="Be brief.")
    report = run_revising(workspace, request, on_event=events.append)
    (row,) = revisions.list_revisions(workspace, run.name)
    assert row.item_id == "a" and row.author == "model" and row.revise_set_id == report.revise_set_id
    job_dir = next((workspace.root / "jobs").glob("revise-*"))
    answers = [json.loads(line) for line in (job_dir / "critique-answers.jsonl").read_text().splitlines()]
    assert [a["key"] for a in answers] == ["0"] and row.critique == answers[0]["answer"].strip()
    prompt = json.loads((job_dir / "revision-requests.jsonl").read_text())["prompt"]
    assert "Be brief." in prompt and row.critique in prompt and "It is sunny." in prompt
    assert row.status == "dropped" and row.reason  # nonsense never passes the weather checks
    assert row.revised == "" or "weather_tag" in row.check_results
    assert [e["step"] for e in events if e.get("event") == "step"] == ["critique", "revision"]
    assert {e["event"] for e in events} >= {"loaded", "succeeded"}
    settings = revision_queries.revise_set_settings(workspace.db, report.revise_set_id)
    assert settings["principles"] == "Be brief." and settings["max_change"] == 0.5


@pytest.mark.slow
def test_a_cancelled_revise_stores_nothing(workspace, demo_model_dir):
    run = weather_run(workspace)
    request = ReviseRequest(run.name, str(demo_model_dir), max_new_tokens=4, cpu_threads=1)
    with pytest.raises(CuratorError, match="revising cancelled: nothing was stored"):
        run_revising(workspace, request, should_cancel=lambda: True)
    assert revisions.list_revisions(workspace) == []


@pytest.fixture
def endpoint():
    with chat_endpoint(TAG + "Sunny.") as served:
        yield served


def test_an_endpoint_reviser_is_asked_both_steps_and_its_revisions_are_graded(workspace, sunny_run, endpoint):
    url, prompts = endpoint
    request = ReviseRequest(sunny_run.name, "served-model", endpoint=url, max_change=0.8)
    report = run_revising(workspace, request)
    rows = revisions.list_revisions(workspace, sunny_run.name)
    assert len(prompts) == 10 and all("Sunny." in r.revised for r in rows)
    assert [r.status for r in rows] == ["proposed" if r.change <= 0.8 else "dropped" for r in rows]
    assert report.kept >= 1 and rows[3].status == "proposed" and rows[3].critique == TAG + "Sunny."
    settings = revision_queries.revise_set_settings(workspace.db, report.revise_set_id)
    assert (settings["backend"], settings["endpoint"]) == ("endpoint", url)


def test_an_unreachable_endpoint_is_one_line_and_stores_nothing(workspace, sunny_run):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    request = ReviseRequest(sunny_run.name, "served-model", endpoint=f"http://127.0.0.1:{port}/v1")
    with pytest.raises(CuratorError, match="the critique step failed: cannot reach the endpoint") as error:
        run_revising(workspace, request)
    assert "\n" not in str(error.value) and revisions.list_revisions(workspace) == []
