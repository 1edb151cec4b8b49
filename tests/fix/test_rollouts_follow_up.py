"""A sample set with its proposals and pairs lands whole: a process killed between the steps leaves nothing, and
`curator rollouts propose SET` proposes and pairs any stored set (one sampled without --propose/--pairs)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fixwork import GOOD, weather_run
from typer.testing import CliRunner

from curator.cli.main import app
from curator.errors import CuratorError
from curator.fix import rollouts as rollout_domain
from curator.fix.rollout_choice import FollowUp
from curator.storage.runs import table_counts
from curator.workspace import Workspace

TESTS = Path(__file__).resolve().parents[1]
WRONG = "<display_weather>☁</display_weather> Grey."
SAMPLES = {0: ["It is sunny.", GOOD, WRONG, "It is sunny."], 1: ["<display_weather>☁</display_weather>"] * 4}
WRITTEN = ("sample_sets", "rollouts", "examples", "rollout_pairs")

# Stores the samples with --propose and --pairs 2, and SIGKILLs itself when the named step starts: the set is
# written by then (and the proposals too, for make_pairs), inside the one transaction.
KILLED_AT_STEP = """
import json, os, signal, sys
from curator.fix import rollouts as rollout_domain
from curator.fix.rollout_choice import FollowUp
from curator.workspace import Workspace

root, run_name, step, samples = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
original = getattr(rollout_domain, step)

def killed(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

setattr(rollout_domain, step, killed)
ws = Workspace.open(root)
plan = rollout_domain.plan_sampling(ws, run_name)
samples = {int(key): outputs for key, outputs in samples.items()}
store = lambda: rollout_domain.store_rollouts(ws, plan, "models/base", None, {"k": 4, "seed": 3}, samples)
rollout_domain.store_with_follow_up(ws, store, FollowUp(propose=True, pairs=2))
"""


def _written(root: Path) -> dict[str, int]:
    with Workspace.open(root) as ws:
        counts = table_counts(ws.db)
    return {name: counts[name] for name in WRITTEN}


@pytest.mark.parametrize("step", ["propose_best", "make_pairs"])
def test_a_kill_between_the_steps_leaves_no_half_done_sample_set(tmp_path, step):
    root = tmp_path / "ws"
    with Workspace.open(root) as ws:
        run = weather_run(ws)
    before = _written(root)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, "-c", KILLED_AT_STEP, str(root), run.name, step, json.dumps(SAMPLES)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == -9, done.stderr
    assert _written(root) == before == {name: 0 for name in WRITTEN}


def test_the_set_proposals_and_pairs_are_stored_together(workspace):
    run = weather_run(workspace)
    plan = rollout_domain.plan_sampling(workspace, run.name)

    def store():
        return rollout_domain.store_rollouts(workspace, plan, "models/base", None, {"k": 4}, SAMPLES)

    sample_set, made = rollout_domain.store_with_follow_up(workspace, store, FollowUp(propose=True, pairs=2))
    assert made.proposals.counts == {"proposed": 2} and made.pairs == 2
    assert _written(workspace.root) == {"sample_sets": 1, "rollouts": 8, "examples": 2, "rollout_pairs": 2}


def test_a_failing_follow_up_takes_the_set_back_with_it(workspace):
    run = weather_run(workspace)
    plan = rollout_domain.plan_sampling(workspace, run.name)

    def store():
        return rollout_domain.store_rollouts(workspace, plan, "models/base", None, {"k": 4}, SAMPLES)

    with pytest.raises(CuratorError, match="no check 'nope'"):
        rollout_domain.store_with_follow_up(workspace, store, FollowUp(propose=True, require=["nope"]))
    assert _written(workspace.root) == {name: 0 for name in WRITTEN}
    with pytest.raises(CuratorError, match="0 \\(none\\) or more"):
        FollowUp(pairs=-1)


def _cli(root: Path, *args: str):
    return CliRunner().invoke(app, ["--workspace", str(root), *args])


def test_rollouts_propose_completes_any_stored_set(workspace, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    run = weather_run(workspace)
    plan = rollout_domain.plan_sampling(workspace, run.name)
    sample_set = rollout_domain.store_rollouts(workspace, plan, "/data/models/base-model", None, {"k": 4}, SAMPLES)
    set_id, root = sample_set.sample_set_id, workspace.root
    workspace.close()
    listed = _cli(root, "rollouts", "list", "--json")
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.output)[0] | {"created_at": None} == {
        "sample_set_id": set_id,
        "run": run.name,
        "model": "/data/models/base-model",
        "adapter": None,
        "rollouts": 8,
        "proposed": 0,
        "pairs": 0,
        "created_at": None,
    }
    shown = _cli(root, "rollouts", "list")
    assert "…/base-model" in shown.output and "/data/models" not in shown.output  # the folder name, not a cut start
    done = _cli(root, "rollouts", "propose", str(set_id), "--pairs", "2", "--json")
    assert done.exit_code == 0, done.output
    payload = json.loads(done.output)
    assert payload["proposed"]["counts"] == {"proposed": 2} and payload["pairs"] == 2
    assert _written(root) == {"sample_sets": 1, "rollouts": 8, "examples": 2, "rollout_pairs": 2}
    again = _cli(root, "rollouts", "propose", str(set_id), "--no-best", "--pairs", "2")
    assert again.exit_code == 0 and "Stored 0 new preference pair(s)" in again.output
    relisted = json.loads(_cli(root, "rollouts", "list", run.name, "--json").output)
    assert (relisted[0]["proposed"], relisted[0]["pairs"]) == (2, 2)


def test_rollouts_propose_refuses_what_it_cannot_do(workspace):
    weather_run(workspace)
    root = workspace.root
    workspace.close()
    missing = _cli(root, "rollouts", "propose", "99", "--pairs", "1")
    assert missing.exit_code != 0
    nothing = _cli(root, "rollouts", "propose", "1", "--no-best")
    assert isinstance(nothing.exception, CuratorError) and "nothing to do" in str(nothing.exception)
