"""Sweeps on the tiny model: every variant built through the recipes' build, trained per seed and re-evaluated;
a cancelled sweep keeps its finished trials and resumes; a killed `curator sweep` resumes without redoing them."""

import os
import signal
import subprocess
import sys
import time

import pytest
from sweepwork import TRAINING, base_run, fixes_recipe, request
from typer.testing import CliRunner

from curator.cli.main import app
from curator.jobs.reconcile import child_alive
from curator.recipes.library import get_version
from curator.review.runs import resolve_run
from curator.storage import jobs as job_queries
from curator.storage import sweeps as sweep_queries
from curator.sweeps.plan import SweepPlan
from curator.sweeps.queue import cancel_sweep, create_sweep, get_sweep, run_sweep
from curator.sweeps.report import sweep_report
from curator.workspace import Workspace

pytestmark = pytest.mark.slow


def _sources(ws, variant) -> dict[str, int]:
    version = get_version(ws, variant.recipe_name, variant.dataset_version)
    return {s["name"]: s["rows"] for s in version.manifest["sources"]}


def test_a_quantity_sweep_trains_every_variant_per_seed_and_shows_its_figures(workspace, demo_model_dir, tmp_path):
    base = base_run(workspace, demo_model_dir)
    fixes_recipe(workspace, tmp_path, fixes=4, total=8)
    sweep = create_sweep(workspace, request("fix", SweepPlan(rows={"fixes": [2, 6]}, seeds=[0, 1])))
    ended = run_sweep(workspace, "s")
    assert ended.status == "finished", ended.error

    variants = sweep_queries.variants(workspace.db, sweep.sweep_id)
    assert [_sources(workspace, v) for v in variants] == [{"fixes": 2, "general": 4}, {"fixes": 6, "general": 4}]
    trials = sweep_queries.trials(workspace.db, sweep.sweep_id)
    assert [(t.position, t.seed, t.status) for t in trials] == [
        (1, 0, "done"),
        (1, 1, "done"),
        (2, 0, "done"),
        (2, 1, "done"),
    ]
    jobs = [job_queries.get_job(workspace.db, t.job_id) for t in trials]
    assert len({j.job_id for j in jobs}) == 4 and [j.config["trainer"]["seed"] for j in jobs] == [0, 1, 0, 1]
    assert all(j.status == "succeeded" and j.config["trainer"]["max_steps"] == TRAINING["max_steps"] for j in jobs)
    for trial, job, variant in zip(trials, jobs, [variants[0]] * 2 + [variants[1]] * 2, strict=True):
        assert (job.dataset_recipe_id, job.dataset_version) == (variant.dataset_recipe_id, variant.dataset_version)
        run = resolve_run(workspace, trial.run_id)
        assert run.parent_run_id == base.run_id and job.produced_run_id == run.run_id
        assert run.settings["generation"] == base.settings["generation"]

    report = sweep_report(workspace, "s")
    assert [v.rows for v in report.variants] == [6, 10]
    for variant in report.variants:
        assert variant.seeds_done == 2
        assert all(len(c.seeds) == 2 and c.total == 2 * c.base_total for c in variant.checks.values())
    assert set(report.curve) <= set(report.base_checks) and report.recommendation


def test_a_mix_sweep_cancelled_mid_job_keeps_finished_trials_and_resumes(workspace, demo_model_dir, tmp_path):
    base_run(workspace, demo_model_dir)
    fixes_recipe(workspace, tmp_path, fixes=4, total=8)
    sweep = create_sweep(workspace, request("fix", SweepPlan(shares={"fixes": [0.25, 0.7]}, seeds=[0, 1])))
    done = []

    def cancel_in_the_second_job(stage, event):
        done.append(stage) if stage == "trial" else None
        if stage == "train" and event.get("event") == "started" and done:
            cancel_sweep(workspace, "s")  # as `curator sweep cancel s` from another terminal: the queue stops

    stopped = run_sweep(workspace, "s", on_event=cancel_in_the_second_job)
    assert stopped.status == "cancelled", stopped.error
    first = sweep_queries.trials(workspace.db, sweep.sweep_id)
    assert [t.status for t in first] == ["done", "cancelled", "queued", "queued"]
    assert job_queries.get_job(workspace.db, first[1].job_id).status == "cancelled"

    resumed = run_sweep(workspace, "s")
    assert resumed.status == "finished", resumed.error
    after = sweep_queries.trials(workspace.db, sweep.sweep_id)
    assert (after[0].job_id, after[0].run_id) == (first[0].job_id, first[0].run_id)  # not redone
    assert after[1].job_id != first[1].job_id and all(t.status == "done" for t in after)
    assert len(job_queries.list_jobs(workspace.db)) == 5
    variants = sweep_queries.variants(workspace.db, sweep.sweep_id)
    for variant, share in zip(variants, (0.25, 0.7), strict=True):
        rows = _sources(workspace, variant)
        assert sum(rows.values()) == 8 and abs(rows["fixes"] - share * 8) <= 1
    assert [v.label for v in sweep_report(workspace, "s").variants] == ["fixes=25%", "fixes=70%"]


def _wait_for(root, predicate, timeout_s=240):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with Workspace.open(root) as ws:
            found = predicate(ws)
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError("timed out")


def test_a_killed_sweep_resumes_without_redoing_what_ran(workspace, demo_model_dir, tmp_path):
    base_run(workspace, demo_model_dir)
    fixes_recipe(workspace, tmp_path, fixes=4, total=8)
    root = workspace.root
    workspace.close()
    train = [arg for name, value in TRAINING.items() for arg in ("--train", f"{name}={value}")]
    command = [sys.executable, "-m", "curator.cli.main", "-w", str(root), "sweep", "fix", "-r", "base", "--name", "k"]
    cli = subprocess.Popen([*command, "--seeds", "2", *train], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def first_job_running(ws):
        sweep = sweep_queries.find_sweep(ws.db, "k")
        trials = sweep_queries.trials(ws.db, sweep.sweep_id) if sweep else []
        job = job_queries.get_job(ws.db, trials[0].job_id) if trials and trials[0].job_id else None
        return job if job is not None and job.status == "running" else None

    job = _wait_for(root, first_job_running)
    os.kill(cli.pid, signal.SIGKILL)  # the CLI dies; its training child runs on in its own session
    cli.wait()
    assert child_alive(job)
    with Workspace.open(root) as ws:
        assert get_sweep(ws, "k").status == "running"  # as the killed process left it
    resumed = CliRunner().invoke(app, ["-w", str(root), "sweep", "resume", "k"])
    assert resumed.exit_code == 0, (resumed.output, repr(resumed.exception))
    assert "2 of 2 trials done" in resumed.output and "recommendation: " in resumed.output
    with Workspace.open(root) as ws:
        assert get_sweep(ws, "k").status == "finished"
        trials = sweep_queries.trials(ws.db, get_sweep(ws, "k").sweep_id)
        assert trials[0].job_id == job.job_id and all(t.status == "done" for t in trials)
        assert len(job_queries.list_jobs(ws.db)) == 2
        assert job_queries.get_job(ws.db, job.job_id).produced_run_id == trials[0].run_id
