"""A revise call is a job: `curator jobs` lists it with its outcome (the revise set it stored, or why it ended),
and `curator jobs --cancel ID` stops it through the cancel file its steps watch."""

from __future__ import annotations

import json
import socket

import pytest
from chat_endpoint import chat_endpoint
from fixwork import CHECKS_TOML, weather_run
from typer.testing import CliRunner

from curator.checks import load_spec_text, run_checks
from curator.cli.main import app
from curator.errors import CuratorError
from curator.fix import revisions
from curator.jobs.cancel import cancel_job
from curator.jobs.child_jobs import list_child_jobs
from curator.jobs.revising import ReviseRequest, generate, plan_revising, run_revising
from curator.review.runs import create_run_from_records
from curator.storage import job_processes
from curator.workspace import Workspace

FIXED = "<display_weather>☀</display_weather> It is sunny."


@pytest.fixture
def endpoint():
    with chat_endpoint(FIXED) as (url, _):
        yield url


def test_a_revise_run_is_a_job_that_records_its_revise_set(workspace, endpoint):
    run = weather_run(workspace)
    report = run_revising(workspace, ReviseRequest(run.name, "served", endpoint=endpoint, max_change=0.7))
    (job,) = list_child_jobs(workspace)
    assert (job.kind, job.status, job.result_id, job.error) == ("revise", "succeeded", report.revise_set_id, None)
    assert job.label == "base: 1 output(s) by served" and job.job_dir.endswith(f"revise-{job.job_id}")


def test_a_failed_revise_job_says_why(workspace):
    run = weather_run(workspace)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(CuratorError, match="cannot reach the endpoint"):
        run_revising(workspace, ReviseRequest(run.name, "served", endpoint=f"http://127.0.0.1:{port}/v1"))
    (job,) = list_child_jobs(workspace)
    assert job.status == "failed" and "the critique step failed" in job.error


def test_the_job_cancel_file_stops_the_steps(workspace, endpoint):
    run = weather_run(workspace)
    handle = plan_revising(workspace, ReviseRequest(run.name, "served", endpoint=endpoint))
    (handle.job_dir / "cancel").write_text("")  # what `curator jobs --cancel ID` writes
    with pytest.raises(CuratorError, match="revising cancelled: nothing was stored"):
        generate(handle)
    assert handle.revisions == {}


def test_curator_jobs_lists_a_revise_run(tmp_path, endpoint):
    path = tmp_path / "ws"
    with Workspace.open(path) as ws:
        weather_run(ws)
    runner = CliRunner()
    done = runner.invoke(app, ["-w", str(path), "revise", "base", "--model", "m", "--endpoint", endpoint, "--json"])
    assert done.exit_code == 0, done.output
    job_id = json.loads(done.output)["job_id"]
    (listed,) = json.loads(runner.invoke(app, ["-w", str(path), "jobs", "--json"]).output)
    assert (listed["id"], listed["kind"], listed["status"]) == (job_id, "revise", "succeeded")


@pytest.mark.slow
def test_curator_jobs_cancel_stops_a_local_reviser(workspace, demo_model_dir):
    records = [{"item_id": f"d{k}", "input": f"<api> Weather {k}: sunny", "output": "Sunny."} for k in range(6)]
    run = create_run_from_records(workspace, "many", records)
    run_checks(workspace, run.run_id, load_spec_text(CHECKS_TOML))
    outcome = {}

    def on_event(event: dict) -> None:  # as another process would: by the id `curator jobs` shows
        if event.get("event") == "loaded" and not outcome:
            (job,) = job_processes.active_child_jobs(workspace.db)
            outcome["done"] = cancel_job(workspace, job.job_id, grace_s=20)

    request = ReviseRequest(run.name, str(demo_model_dir), max_new_tokens=64, batch_size=1, cpu_threads=1)
    with pytest.raises(CuratorError, match="revising cancelled"):
        run_revising(workspace, request, on_event=on_event)
    (job,) = list_child_jobs(workspace)
    assert outcome["done"].status == "cancelled" and job.status == "cancelled"
    assert revisions.list_revisions(workspace) == []
