"""The queue without a model: cancel with no live runner stops what it left behind, a sweep another live process
runs is refused, a finished or cancelled sweep cannot be cancelled again."""

import os

import pytest
from runpairs import make_run
from sweepwork import seed_recipe

from curator.errors import CuratorError
from curator.storage import jobs as job_queries
from curator.storage import sweeps as sweep_queries
from curator.sweeps.plan import SweepPlan
from curator.sweeps.queue import SweepRequest, cancel_file, cancel_sweep, create_sweep, get_sweep, run_sweep


@pytest.fixture
def queued(workspace, tmp_path):
    make_run(workspace, "base", {})
    seed_recipe(workspace)
    create_sweep(workspace, SweepRequest("fix", "base", SweepPlan(), name="q", base_model=str(tmp_path)))
    return workspace


def test_cancel_with_no_live_runner_stops_the_job_it_left_and_keeps_the_rest(queued, tmp_path):
    sweep = get_sweep(queued, "q")
    job_id = job_queries.insert_job(queued.db, dataset_path=str(tmp_path / "d.jsonl"), base_model=str(tmp_path),
                                    config={})  # fmt: skip
    job_queries.set_paths(queued.db, job_id, str(tmp_path / "job"), str(tmp_path / "job" / "progress.jsonl"))
    sweep_queries.set_trial(queued.db, sweep.sweep_id, 1, 0, "done", run_id=1)
    sweep_queries.set_trial(queued.db, sweep.sweep_id, 1, 1, "training", job_id=job_id)
    sweep_queries.set_status(queued.db, sweep.sweep_id, "running", runner_pid=2**22 + 12345)  # a process now gone

    cancelled = cancel_sweep(queued, "q")
    assert cancelled.status == "cancelled" and not cancel_file(queued, "q").exists()
    assert job_queries.get_job(queued.db, job_id).status == "cancelled"
    assert [t.status for t in sweep_queries.trials(queued.db, sweep.sweep_id)] == ["done", "cancelled"]
    with pytest.raises(CuratorError, match="already cancelled: nothing to cancel"):
        cancel_sweep(queued, "q")


def test_a_sweep_another_live_process_runs_is_not_run_twice(queued):
    sweep = get_sweep(queued, "q")
    sweep_queries.set_status(queued.db, sweep.sweep_id, "running", runner_pid=os.getppid())
    with pytest.raises(CuratorError, match=f"sweep 'q' is running in process {os.getppid()}"):
        run_sweep(queued, "q")
    assert cancel_sweep(queued, "q").status == "running"  # the live runner stops itself: only the file is written
    assert cancel_file(queued, "q").exists()
