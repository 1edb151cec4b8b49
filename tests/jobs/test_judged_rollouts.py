"""Best-of-k and preference pairs with a judge check: the samples are graded by the judge through the answer cache
and the model (the stand-in endpoint here), so the judge-passing sample is chosen over a judge-failing one and a
second selection asks the model only for what is new."""

from chat_endpoint import chat_endpoint

from curator.checks import CheckSpec, spec
from curator.checks.graders import JUDGE_NOT_GRADED
from curator.fix import examples as example_domain
from curator.fix import rollouts as rollout_domain
from curator.jobs import judging
from curator.review.runs import create_run_from_records
from curator.storage.rollouts import list_pairs

RECORDS = [
    {"item_id": "a", "input": "Greet Ann", "target": "good day Ann", "output": "hey", "split": "dev"},
    {"item_id": "b", "input": "Greet Bob", "target": "good day Bob", "output": "yo", "split": "dev"},
]


def judge_answer(prompt: str) -> str:
    return "Verdict: PASS" if "Reply: good" in prompt else "Verdict: FAIL"


def judged_run(ws, url: str):
    run = create_run_from_records(ws, "greetings", RECORDS)
    judge = CheckSpec("polite", "judge", {"model": "m", "endpoint": url, "rubric": "Reply: {{ output }}"})
    checks = spec.validate_specs([CheckSpec("mentions", "regex", {"pattern": "Ann|Bob"}), judge])
    judging.raise_failures(judging.run_all_checks(ws, run.run_id, checks))
    return run


def store(ws, plan, samples):
    answerer = judging.cached_answerer(ws)
    return rollout_domain.store_rollouts(ws, plan, "models/base", None, {"k": 2}, samples, answerer)


def test_best_of_k_picks_the_sample_the_judge_passes_and_pairs_it_with_the_one_it_fails(workspace):
    with chat_endpoint(judge_answer) as (url, prompts):
        run = judged_run(workspace, url)
        plan = rollout_domain.plan_sampling(workspace, run.name)
        sample_set = store(workspace, plan, {0: ["bad day Ann", "good day Ann"], 1: ["good day Bob", "bad Bob"]})
        asked = len(prompts)
    rows = rollout_domain.rollouts(workspace, sample_set.sample_set_id)
    assert [(r.item_key, r.sample_index, r.passed) for r in rows] == [
        (0, 0, False),
        (0, 1, True),
        (1, 0, True),
        (1, 1, False),
    ]
    assert rows[0].check_results["polite"] == [False, "judge: FAIL"]
    report = rollout_domain.propose_best(workspace, sample_set.sample_set_id)
    assert report.proposed == 2
    chosen = {e.source_item_key: e.target for e in example_domain.list_examples(workspace, batch_id=report.batch_id)}
    assert chosen == {0: "good day Ann", 1: "good day Bob"}
    assert rollout_domain.make_pairs(workspace, sample_set.sample_set_id) == 2
    pairs = list_pairs(workspace.db, sample_set_id=sample_set.sample_set_id)
    assert {(p.chosen, p.rejected) for p in pairs} == {("good day Ann", "bad day Ann"), ("good day Bob", "bad Bob")}
    assert asked == 2 + 4  # the run's two outputs, then four new samples


def test_a_second_selection_asks_the_model_only_for_new_samples(workspace):
    with chat_endpoint(judge_answer) as (url, prompts):
        run = judged_run(workspace, url)
        plan = rollout_domain.plan_sampling(workspace, run.name)
        store(workspace, plan, {0: ["good day Ann"], 1: ["bad Bob"]})
        before = len(prompts)
        again = store(workspace, plan, {0: ["good day Ann", "good day, Ann!"], 1: ["bad Bob"]})
        hey = next(p for p in prompts[:before] if "Reply: hey" in p)  # the run's outputs are judged in any order
        assert prompts[before:] == ["Reply: good day, Ann!" + hey.split("Reply: hey", 1)[1]]
    passed = [r.passed for r in rollout_domain.rollouts(workspace, again.sample_set_id)]
    assert passed == [True, True, False]


def test_without_the_answerer_a_judge_is_stored_not_graded(workspace):
    with chat_endpoint(judge_answer) as (url, prompts):
        run = judged_run(workspace, url)
        plan = rollout_domain.plan_sampling(workspace, run.name)
        sample_set = rollout_domain.store_rollouts(workspace, plan, "m", None, {"k": 1}, {0: ["good day Ann"]})
    [row] = rollout_domain.rollouts(workspace, sample_set.sample_set_id)
    assert row.check_results["polite"] == [None, JUDGE_NOT_GRADED] and len(prompts) == 2  # the run's outputs only
