"""Rollouts on the tiny fixture model: k samples per dev input from the child process, stored and graded,
pairs and proposed examples built from the right samples, the CLI's summary, and cancel."""

from __future__ import annotations

import json

import pytest
from loopwork import weather_run
from typer.testing import CliRunner

from curator.checks import load_spec_text, run_checks, stored_checks
from curator.checks.rewards import grade_output
from curator.cli.main import app
from curator.demo.task import eval_records
from curator.errors import CuratorError
from curator.fix import examples as example_domain
from curator.fix import rollouts as rollout_domain
from curator.fix.rollout_choice import best_passing
from curator.jobs.sampling import SampleRequest, run_sampling
from curator.review.runs import create_run_from_records
from curator.storage import items as item_queries
from curator.storage.rollouts import list_pairs, list_sample_sets
from curator.workspace import Workspace

pytestmark = pytest.mark.slow

# Checks the tiny model passes only sometimes at temperature 1 (its samples mix these words), so its rollouts
# carry signal: some samples pass, some fail, and pairs and proposals exist.
VARYING_CHECKS = """
[[check]]
name = "says_answer"
kind = "regex"
pattern = "answer"

[[check]]
name = "no_cloudy"
kind = "regex_absent"
pattern = "cloudy"
"""


def varying_run(ws):
    run = create_run_from_records(ws, "varying", eval_records(per_case=1))
    run_checks(ws, run.run_id, load_spec_text(VARYING_CHECKS))
    return run


def _request(run, model, **changes) -> SampleRequest:
    base = {"k": 4, "temperature": 1.0, "max_new_tokens": 24, "cpu_threads": 1, "seed": 5}
    return SampleRequest(run=run, model=str(model), **(base | changes))


def test_rollouts_are_stored_graded_and_paired_from_the_right_samples(workspace, demo_model_dir):
    run = varying_run(workspace)
    events = []
    sample_set = run_sampling(workspace, _request(run.name, demo_model_dir), on_event=events.append)
    items = {i.item_key: i for i in item_queries.iter_items(workspace.db, run.run_id)}
    dev = [key for key, item in items.items() if item.split == "dev"]
    rollouts = rollout_domain.rollouts(workspace, sample_set.sample_set_id)
    assert {r.item_key for r in rollouts} == set(dev) and len(rollouts) == 4 * len(dev)
    assert [e["event"] for e in events][0] == "loaded" and events[-1]["event"] == "succeeded"
    assert (sample_set.settings["k"], sample_set.settings["temperature"], sample_set.settings["backend"]) == (
        4,
        1.0,
        "transformers",
    )
    specs = stored_checks(workspace, run.run_id)
    for r in rollouts:
        item = items[r.item_key]
        results = grade_output(specs, input=item.input, target=item.target, output=r.output)
        assert r.check_results == results and r.passed == all(v[0] for v in results.values())
        assert r.reward == pytest.approx(sum(v[0] for v in results.values()) / len(results))

    rollout_domain.make_pairs(workspace, sample_set.sample_set_id, max_pairs=2)
    by_input: dict[int, list] = {}
    for r in rollouts:
        by_input.setdefault(r.item_key, []).append(r)
    pairs = list_pairs(workspace.db, sample_set_id=sample_set.sample_set_id)
    for key, samples in by_input.items():
        mine = [p for p in pairs if p.item_key == key]
        passing = [s.reward for s in samples if s.passed]
        failing = [s.reward for s in samples if not s.passed]
        if not passing or not failing or max(passing) <= min(failing):
            assert mine == []
            continue
        assert 1 <= len(mine) <= 2
        assert mine[0].chosen_reward == max(passing) and mine[0].rejected_reward == min(failing)
    assert pairs and all(p.chosen_reward > p.rejected_reward for p in pairs)

    report = rollout_domain.propose_best(workspace, sample_set.sample_set_id)
    with_pass = {key for key, samples in by_input.items() if any(s.passed for s in samples)}
    assert report.without_pass == len(by_input) - len(with_pass)
    examples = example_domain.list_examples(workspace, batch_id=report.batch_id)
    assert len(examples) == len(with_pass) > 0
    for example in examples:
        best = best_passing(by_input[example.source_item_key])
        assert example.rollout_id == best.rollout_id and example.target == best.output
        assert items[example.source_item_key].split == "dev" and example.model == str(demo_model_dir)


def test_cli_samples_a_failing_check_and_prints_the_summary(tmp_path, demo_model_dir):
    with Workspace.open(tmp_path / "ws") as ws:
        run = weather_run(ws, per_case=1)
        held_out_failing = ws.db.fetchone(
            """SELECT count(*) FROM check_results c JOIN items i USING (run_id, item_key)
               WHERE c.run_id = ? AND c.check_name = 'weather_tag' AND NOT c.passed AND i.split = 'held_out'""",
            [run.run_id],
        )[0]
    args = ["-w", str(tmp_path / "ws"), "sample", run.name, "--model", str(demo_model_dir), "--failing", "weather_tag"]
    options = ["--k", "2", "--max-new-tokens", "16", "--json", "--pairs", "2", "--propose"]
    result = CliRunner().invoke(app, [*args, *options])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output.strip().splitlines()[-1])
    assert payload["skipped_held_out"] == held_out_failing > 0
    assert payload["rollouts"] == 2 * len(payload["inputs"]) > 0
    assert all(i["signal"] in ("all pass", "none pass", "mixed") for i in payload["inputs"])
    with_pass = sum(1 for i in payload["inputs"] if i["passed"])
    assert sum(payload["proposed"]["counts"].values()) == with_pass
    bad = CliRunner().invoke(app, [*args, "--temperature", "0"])
    assert bad.exit_code != 0 and "temperature must be > 0" in str(bad.exception or bad.output)


def test_cancelled_sampling_stores_nothing(workspace, demo_model_dir):
    run = weather_run(workspace, per_case=1)
    with pytest.raises(CuratorError, match="cancelled"):
        run_sampling(workspace, _request(run.name, demo_model_dir), should_cancel=lambda: True)
    assert list_sample_sets(workspace.db) == []
