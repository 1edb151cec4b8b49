"""Rollouts without a model: which inputs are sampled (never held-out ones), grading and rewards as stored,
the per-input summary, rejection sampling into the example list, preference pairs, and recipes built from them."""

from __future__ import annotations

import json

import pytest
from fixwork import GOOD, weather_run

from curator.checks import stored_checks
from curator.checks.rewards import grade_output
from curator.checks.spec import load_spec_text
from curator.errors import CuratorError
from curator.exports.library import export_dataset
from curator.fix import examples as example_domain
from curator.fix import rollouts as rollout_domain
from curator.recipes import library as recipe_library
from curator.recipes.cot import cot_share_of
from curator.recipes.spec import spec_from_dict
from curator.storage.rollouts import InputSummary, list_pairs

WRONG = "<display_weather>☁</display_weather> Grey."
BARE = "It is sunny."


def _store(ws, plan, samples):
    return rollout_domain.store_rollouts(ws, plan, "models/base", None, {"k": 4, "seed": 3}, samples)


@pytest.fixture
def sampled(workspace):
    """Item a (key 0) gets one good, one wrong-emoji and two bare samples; b (key 1) four good; c (key 2, no
    <api>) four tagged answers, which its no_tag check fails."""
    run = weather_run(workspace)
    plan = rollout_domain.plan_sampling(workspace, run.name)
    samples = {0: [BARE, GOOD, WRONG, BARE], 1: ["<display_weather>☁</display_weather>"] * 4, 2: [f"{GOOD} Ha."] * 4}
    return workspace, run, plan, _store(workspace, plan, samples)


def test_held_out_items_are_never_sampled(workspace):
    run = weather_run(workspace)
    plan = rollout_domain.plan_sampling(workspace, run.name)
    assert [i["item_id"] for i in plan.items] == ["a", "b", "c"] and plan.skipped_held_out == 2
    failing = rollout_domain.plan_sampling(workspace, run.name, failing="weather_tag")
    assert [i["item_id"] for i in failing.items] == ["a"]
    # h2 fails weather_tag too, but it is held out: the filter matches it and the plan leaves it out.
    assert failing.skipped_held_out == 1


def test_a_filter_matching_only_held_out_items_is_refused(workspace):
    run = weather_run(workspace)
    workspace.db.execute("UPDATE items SET split = 'held_out' WHERE run_id = ? AND item_key = 0", [run.run_id])
    with pytest.raises(CuratorError, match="held-out item"):
        rollout_domain.plan_sampling(workspace, run.name, failing="weather_tag")
    with pytest.raises(CuratorError, match="no check 'nope'"):
        rollout_domain.plan_sampling(workspace, run.name, failing="nope")


def test_rollouts_are_stored_graded_with_the_runs_checks(sampled):
    ws, run, plan, sample_set = sampled
    rows = rollout_domain.rollouts(ws, sample_set.sample_set_id)
    assert sample_set.rollout_count == len(rows) == 12
    assert (sample_set.model, sample_set.settings["k"], sample_set.item_filter["failing_check"]) == (
        "models/base",
        4,
        None,
    )
    specs = stored_checks(ws, run.run_id)
    inputs = {i["item_key"]: i for i in plan.items}
    for row in rows:
        item = inputs[row.item_key]
        expected = grade_output(specs, input=item["input"], target=item["target"], output=row.output)
        assert row.check_results == expected
        assert row.reward == pytest.approx(sum(r[0] for r in expected.values()) / len(expected))
    good = rollout_domain.rollouts(ws, sample_set.sample_set_id, item_key=0)[1]
    assert good.passed and good.reward == 1.0


def test_summary_marks_inputs_where_all_or_none_pass(sampled):
    ws, _, _, sample_set = sampled
    summaries = {s.item_id: s for s in rollout_domain.summaries(ws, sample_set.sample_set_id)}
    assert (summaries["a"].passed, summaries["a"].samples, summaries["a"].signal) == (1, 4, "mixed")
    assert summaries["b"].signal == "all pass" and summaries["c"].signal == "none pass"
    assert InputSummary(9, "x", "", None, 4, 2, 0.5, 1.0, 0.0).signal == "mixed"
    agreed = rollout_domain.unanimous_checks(rollout_domain.rollouts(ws, sample_set.sample_set_id, item_key=1))
    assert agreed == {"emoji": True, "weather_tag": True}


def test_pairs_take_the_best_passing_against_the_worst_failing(sampled):
    ws, _, _, sample_set = sampled
    assert rollout_domain.make_pairs(ws, sample_set.sample_set_id, max_pairs=1) == 1
    assert rollout_domain.make_pairs(ws, sample_set.sample_set_id, max_pairs=1) == 0  # stored once
    (pair,) = list_pairs(ws.db, sample_set_id=sample_set.sample_set_id)
    samples = rollout_domain.rollouts(ws, sample_set.sample_set_id, item_key=0)
    assert pair.chosen == GOOD and pair.chosen_rollout_id == samples[1].rollout_id
    # The bare answers fail both checks (reward 0); the wrong emoji fails one (reward 0.5): bare is the worst.
    assert pair.rejected == BARE and pair.rejected_rollout_id == samples[0].rollout_id
    # A larger cap adds the next worst distinct text (the second bare sample repeats the first pair's texts).
    assert rollout_domain.make_pairs(ws, sample_set.sample_set_id, max_pairs=3) == 1
    pairs = list_pairs(ws.db, sample_set_id=sample_set.sample_set_id)
    assert [(p.chosen, p.rejected) for p in pairs] == [(GOOD, BARE), (GOOD, WRONG)]
    assert {p.item_key for p in pairs} == {0}  # b: all pass, c: none pass: no pairs


def test_pairs_always_have_chosen_reward_above_rejected(workspace):
    run = weather_run(workspace)
    plan = rollout_domain.plan_sampling(workspace, run.name)
    cloud = "<display_weather>☁</display_weather>"
    samples = {0: [GOOD, GOOD + " More.", WRONG, BARE, WRONG, GOOD], 1: [WRONG, BARE, cloud], 2: [BARE, GOOD]}
    sample_set = _store(workspace, plan, samples)
    rollout_domain.make_pairs(workspace, sample_set.sample_set_id, max_pairs=3)
    pairs = list_pairs(workspace.db, sample_set_id=sample_set.sample_set_id)
    by_id = {r.rollout_id: r for r in rollout_domain.rollouts(workspace, sample_set.sample_set_id)}
    assert pairs and all(p.chosen_reward > p.rejected_reward for p in pairs)
    assert all(by_id[p.chosen_rollout_id].passed and not by_id[p.rejected_rollout_id].passed for p in pairs)
    assert all(
        by_id[p.chosen_rollout_id].item_key == by_id[p.rejected_rollout_id].item_key == p.item_key for p in pairs
    )
    counts = {key: sum(1 for p in pairs if p.item_key == key) for key in (0, 1, 2)}
    assert counts == {0: 3, 1: 2, 2: 1}  # capped at 3; b has 2 passing × 1 failing; c 1 × 1
    with pytest.raises(CuratorError, match="at least 1"):
        rollout_domain.make_pairs(workspace, sample_set.sample_set_id, max_pairs=0)


def test_best_passing_sample_becomes_a_proposed_example_with_lineage(sampled):
    ws, run, _, sample_set = sampled
    report = rollout_domain.propose_best(ws, sample_set.sample_set_id)
    assert report.counts == {"proposed": 2} and report.without_pass == 1  # c: every sample fails
    examples = example_domain.list_examples(ws, batch_id=report.batch_id)
    first = examples[0]
    best = rollout_domain.rollouts(ws, sample_set.sample_set_id, item_key=0)[1]
    assert (first.target, first.rollout_id, first.source_item_key, first.source_run_id) == (
        GOOD,
        best.rollout_id,
        0,
        run.run_id,
    )
    assert first.model == "models/base" and first.template_id is None and first.variant == "sampled"
    assert example_domain.accept(ws, [first.example_id]) == 1
    again = rollout_domain.propose_best(ws, sample_set.sample_set_id)
    assert again.counts == {"duplicate": 2}


def test_a_sample_whose_input_is_near_a_held_out_item_is_refused(workspace):
    run = weather_run(workspace)
    plan = rollout_domain.plan_sampling(workspace, run.name)
    workspace.db.execute(
        "UPDATE items SET input = '<api> What is the weather in Rome? It is sunny.' WHERE run_id = ? AND item_key = 0",
        [run.run_id],
    )
    sample_set = _store(workspace, plan, {0: [GOOD]})
    report = rollout_domain.propose_best(workspace, sample_set.sample_set_id)
    assert report.counts == {"contaminated": 1}
    (example,) = example_domain.list_examples(workspace, batch_id=report.batch_id)
    assert "held-out" in example.reason and example.status == "contaminated"


def _build(ws, raw):
    recipe_library.save_recipe(ws, spec_from_dict(raw))
    version = recipe_library.build(ws, raw["name"])
    return recipe_library.read_version_rows(version)


def test_pairs_and_labels_join_recipes_as_sources(workspace):
    run = weather_run(workspace)
    plan = rollout_domain.plan_sampling(workspace, run.name)
    sample_set = _store(workspace, plan, {0: [GOOD, BARE, WRONG], 1: ["<display_weather>☁</display_weather>", BARE]})
    rollout_domain.make_pairs(workspace, sample_set.sample_set_id, max_pairs=2)
    dpo = _build(workspace, {"name": "prefs", "total": 3, "sources": [{"kind": "pairs", "run": run.name, "share": 1}]})
    assert len(dpo) == 3 and all(r["chosen"] != r["rejected"] and r["source_kind"] == "pairs" for r in dpo)
    assert all(r["chosen_reward"] > r["rejected_reward"] for r in dpo)
    kto = _build(
        workspace, {"name": "labels", "total": 5, "sources": [{"kind": "labels", "run": run.name, "share": 1}]}
    )
    assert sorted(r["label"] for r in kto) == [False, False, False, True, True]
    exported = export_dataset(workspace, "prefs", "dpo")
    lines = [json.loads(line) for line in exported.path.read_text(encoding="utf-8").splitlines()]
    triple = [(r["prompt"], r["chosen"], r["rejected"]) for r in dpo]
    assert [(r["prompt"], r["chosen"], r["rejected"]) for r in lines] == triple
    with pytest.raises(CuratorError, match="holds dpo rows"):
        export_dataset(workspace, "prefs", "sft")
    with pytest.raises(CuratorError, match="cannot be mixed"):
        spec_from_dict(
            {
                "name": "mixed",
                "total": 2,
                "sources": [
                    {"kind": "pairs", "run": run.name, "share": 0.5},
                    {"kind": "seed", "share": 0.5, "rows": [{"prompt": "p", "completion": "c"}]},
                ],
            }
        )


def test_accepted_samples_join_recipes_and_held_out_never_enters(workspace):
    run = weather_run(workspace)
    plan = rollout_domain.plan_sampling(workspace, run.name)
    sample_set = _store(workspace, plan, {0: [GOOD], 1: ["<display_weather>☁</display_weather>"]})
    report = rollout_domain.propose_best(workspace, sample_set.sample_set_id)
    example_domain.accept_all(workspace, batch_id=report.batch_id)
    rows = _build(workspace, {"name": "own", "total": 2, "sources": [{"kind": "samples", "run": run.name, "share": 1}]})
    held_out = {r[0] for r in workspace.db.fetchall("SELECT input FROM items WHERE split = 'held_out'")}
    assert {r["prompt"] for r in rows} & held_out == set()
    assert {r["source_item_key"] for r in rows} == {0, 1} and all(r["rollout_id"] for r in rows)


@pytest.mark.parametrize("share", [0.0, 0.3, 0.5, 0.85, 1.0])
def test_cot_share_of_a_built_version_is_within_one_row(workspace, share):
    rows = [
        {"prompt": f"<api> q{i}", "completion": f"<think>Weather is sunny. {i} + 1</think>\n<answer>{i + 1}</answer>"}
        for i in range(20)
    ]
    raw = {"name": "cot", "total": 17, "cot_share": share, "sources": [{"kind": "seed", "share": 1, "rows": rows}]}
    built = _build(workspace, raw)
    assert abs(cot_share_of(built) * len(built) - share * len(built)) <= 1
    for row in built:
        thinking = "<think>" in row["completion"]
        assert row["prompt"].endswith("\n<use_thinking>") == thinking
        assert thinking or row["completion"].startswith("<answer>")


BOTH_MODES = r"""
[[check]]
name = "thinks"
kind = "regex"
pattern = '^<think>.*</think>\s*<answer>'
when_input = "<use_thinking>"

[[check]]
name = "answers_directly"
kind = "regex"
pattern = '^<answer>\d+</answer>$'
unless_input = "<use_thinking>"

[[check]]
name = "answer"
kind = "numeric"
"""


def test_checks_keyed_on_the_thinking_switch_grade_both_modes_of_a_built_version(workspace):
    rows = [
        {"prompt": f"<api> q{i}", "completion": f"<think>{i} + 1</think>\n<answer>{i + 1}</answer>"} for i in range(10)
    ]
    raw = {"name": "modes", "total": 10, "cot_share": 0.4, "sources": [{"kind": "seed", "share": 1, "rows": rows}]}
    specs = load_spec_text(BOTH_MODES)
    built = _build(workspace, raw)
    modes = []
    for row in built:
        answer = row["completion"].rsplit("<answer>", 1)[1].split("<")[0]
        graded = grade_output(specs, input=row["prompt"], target=answer, output=row["completion"])
        thinking = "<think>" in row["completion"]
        modes.append(thinking)
        assert set(graded) == ({"thinks", "answer"} if thinking else {"answers_directly", "answer"})
        assert all(passed for passed, _ in graded.values()), graded
        # A thinking completion under a prompt without the switch fails the direct-answer check, and back.
        other = "<answer>1</answer>" if thinking else f"<think>x</think>\n{row['completion']}"
        flipped = grade_output(specs, input=row["prompt"], target=answer, output=other)
        assert not flipped["thinks" if thinking else "answers_directly"][0]
    assert modes.count(True) == 4


def test_cot_share_beyond_the_rows_with_think_is_refused(workspace):
    rows = [{"prompt": "p1", "completion": "<think>x</think> 1"}, {"prompt": "p2", "completion": "2"}]
    raw = {"name": "cot2", "total": 2, "cot_share": 100, "sources": [{"kind": "seed", "share": 1, "rows": rows}]}
    recipe_library.save_recipe(workspace, spec_from_dict(raw))
    with pytest.raises(CuratorError, match="only 1 picked rows"):
        recipe_library.build(workspace, "cot2")
    with pytest.raises(CuratorError, match="cot_share"):
        spec_from_dict(raw | {"cot_share": "half"})


def test_sampled_example_lineage_round_trips_as_json(sampled):
    ws, _, _, sample_set = sampled
    report = rollout_domain.propose_best(ws, sample_set.sample_set_id)
    stored = ws.db.fetchall("SELECT check_results FROM examples WHERE batch_id = ?", [report.batch_id])
    assert json.loads(stored[0][0])["weather_tag"][0] is True


def test_required_checks_decide_what_passes_for_proposals_and_pairs(workspace):
    run = weather_run(workspace)
    plan = rollout_domain.plan_sampling(workspace, run.name)
    # No sample of item a passes every check; the wrong-emoji one passes weather_tag.
    sample_set = _store(workspace, plan, {0: [BARE, WRONG, BARE]})
    assert rollout_domain.propose_best(workspace, sample_set.sample_set_id).batch_id is None
    report = rollout_domain.propose_best(workspace, sample_set.sample_set_id, require=["weather_tag"])
    (example,) = example_domain.list_examples(workspace, batch_id=report.batch_id)
    assert example.target == WRONG and example.status == "proposed"
    assert rollout_domain.make_pairs(workspace, sample_set.sample_set_id, require=["weather_tag"]) == 1
    (pair,) = list_pairs(workspace.db, sample_set_id=sample_set.sample_set_id)
    assert (pair.chosen, pair.rejected) == (WRONG, BARE)
    with pytest.raises(CuratorError, match="no check 'nope'"):
        rollout_domain.propose_best(workspace, sample_set.sample_set_id, require=["nope"])
