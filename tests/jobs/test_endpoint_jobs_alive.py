"""A revise through an endpoint has no child process: the process doing the work names itself in the job folder,
so reconciling leaves the job running while that process lives and records it failed once it is gone."""

from __future__ import annotations

import os

from chat_endpoint import chat_endpoint
from fixwork import weather_run
from test_reconcile import dead_pid

from curator.jobs.reconcile import WORKER_FILE, reconcile_jobs
from curator.jobs.revising import ReviseRequest, generate, mark_step, plan_revising
from curator.storage import job_processes


def endpoint_job_marked_running(workspace):
    """A revise job as `curator revise --endpoint` leaves it while its first request is under way."""
    run = weather_run(workspace)
    handle = plan_revising(workspace, ReviseRequest(run.name, "served", endpoint="http://127.0.0.1:9/v1"))
    (handle.job_dir / WORKER_FILE).write_text(str(os.getpid()))
    mark_step(workspace, handle, None, "")  # what the endpoint step tells the job row: no child pid
    return handle


def test_a_running_endpoint_revise_is_not_reconciled_as_failed(workspace):
    run = weather_run(workspace)
    handle = plan_revising(workspace, ReviseRequest(run.name, "served", endpoint="http://127.0.0.1:9/v1"))
    seen = []

    def on_child(step, pid, progress):  # as the CLI's: the row is marked, then (here) another process reconciles
        mark_step(workspace, handle, pid, progress)
        seen.append((step, reconcile_jobs(workspace), job_processes.get_child_job(workspace.db, handle.job_id)))

    with chat_endpoint("It is sunny.") as (url, _):
        handle.request.endpoint = url
        generate(handle, on_child=on_child)
    assert [step for step, _, _ in seen] == ["critique", "revision"]
    assert all(reconciled == [] and (job.status, job.pid) == ("running", None) for _, reconciled, job in seen)
    assert (handle.job_dir / WORKER_FILE).read_text().split()[0] == str(os.getpid())


def test_an_endpoint_revise_whose_process_died_is_reconciled_as_failed(workspace):
    handle = endpoint_job_marked_running(workspace)
    (handle.job_dir / WORKER_FILE).write_text(str(dead_pid()))
    (done,) = reconcile_jobs(workspace)
    assert (done.job_id, done.status) == (handle.job_id, "failed")
    assert "the revise process ended without a result" in done.detail


def test_a_reused_pid_is_not_taken_for_the_endpoint_worker(workspace):
    handle = endpoint_job_marked_running(workspace)
    (handle.job_dir / WORKER_FILE).write_text(f"{os.getpid()} 1")  # alive, but it started at another time
    (done,) = reconcile_jobs(workspace)
    assert done.status == "failed"
