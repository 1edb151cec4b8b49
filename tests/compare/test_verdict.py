"""Per check and split: fixed, regressed, still failing; an item regresses when any check it passed fails; the
held-out verdict from the exact McNemar test; the warning and the JSON of `curator compare`."""

import json
import math

import pytest
from runpairs import make_pair, make_run
from typer.testing import CliRunner

from curator.cli.main import app
from curator.compare.comparison import compare_runs
from curator.compare.stats import mcnemar_exact


def _check(result, name):
    return next(c for c in result.checks if c.name == name)


def test_per_check_flips_on_dev_and_held_out_come_from_the_paired_items(workspace):
    _before, after = make_pair(workspace)
    result = compare_runs(workspace, after.name)
    tag, answer = _check(result, "weather_tag"), _check(result, "answer")
    dev = tag.flips["dev"]
    assert result.ids(dev.fixed) == ["dev-clear-0"]
    assert result.ids(dev.regressed) == ["dev-cloudy-0"]
    assert result.ids(dev.still_failing) == ["dev-bright-0"]
    assert result.ids(answer.flips["dev"].regressed) == ["dev-bright-0"]
    held = answer.flips["held_out"]
    assert len(held.regressed) == 7 and held.fixed == ()
    assert result.ids(held.still_failing) == ["held_out-no_api-0"]
    assert (answer.before["held_out"].passed, answer.after["held_out"].passed) == (15, 8)
    # The rates agree with the flips: after = before + fixed - regressed.
    for check in result.checks:
        for split, flips in check.flips.items():
            assert check.after[split].passed == check.before[split].passed + len(flips.fixed) - len(flips.regressed)


def test_an_item_regresses_when_any_check_it_passed_now_fails(workspace):
    _before, after = make_pair(workspace)
    result = compare_runs(workspace, after.name)
    regressed = {c.item_id: c for c in result.regressed}
    # dev-bright-0 failed the tag before (so it never "passed everything") and now also fails the answer.
    assert regressed["dev-bright-0"].regressed_checks == ["answer"]
    assert set(regressed["dev-cloudy-0"].regressed_checks) == {"weather_tag", "emoji"}
    assert len(regressed) == 9
    assert sorted(c.item_id for c in result.fixed) == ["dev-clear-0", "held_out-clear-0"]


def test_held_out_verdict_is_mcnemar_on_the_discordant_items(workspace):
    _before, after = make_pair(workspace)
    result = compare_runs(workspace, after.name)
    answer, tag = _check(result, "answer"), _check(result, "weather_tag")
    assert (answer.test.fixed, answer.test.regressed) == (0, 7)
    assert answer.test.p_value == pytest.approx(2 / 2**7)
    # Holm across the checks with a discordant held-out item: answer (7), weather_tag and emoji (1 fixed each)
    assert answer.test.p_adjusted == pytest.approx(3 * 2 / 2**7)
    assert answer.verdict == "regressed"
    unmoved = _check(result, "think_answer")
    assert (unmoved.test.p_value, unmoved.test.p_adjusted) == (1.0, None)  # nothing moved: not in the family
    assert tag.verdict == "no significant change" and tag.test.p_value == 1.0
    every = result.every_check
    assert (every.before["held_out"].passed, every.after["held_out"].passed, every.after["held_out"].total) == (
        14,
        8,
        16,
    )
    assert result.warnings() == ["answer regressed significantly on held-out: 7 items broke, 0 fixed (p = 0.0156)"]


@pytest.mark.parametrize(
    ("fixed", "regressed", "p_value", "verdict"),
    [
        (1, 9, 22 / 1024, "regressed"),  # 2 * (C(10,0) + C(10,1)) / 2**10
        (9, 1, 22 / 1024, "improved"),
        (0, 5, 2 / 32, "no significant change"),
        (3, 3, 1.0, "no significant change"),
        (0, 0, 1.0, "no significant change"),
        # statsmodels' mcnemar(exact=True) on [[794, 86], [150, 570]] is 2 * binom.cdf(86, 236, 0.5)
        (86, 150, 2 * sum(math.comb(236, k) for k in range(87)) / 2**236, "regressed"),
    ],
)
def test_mcnemar_equals_the_exact_binomial_on_known_tables(fixed, regressed, p_value, verdict):
    from scipy.stats import binomtest

    test = mcnemar_exact(fixed, regressed)
    assert test.p_value == pytest.approx(p_value, rel=1e-9)
    if fixed + regressed:
        assert test.p_value == binomtest(fixed, fixed + regressed, 0.5).pvalue
    assert test.verdict == verdict


def test_compare_cli_warns_in_red_and_json_carries_every_figure(workspace):
    _before, after = make_pair(workspace)
    workspace.close()
    runner = CliRunner()
    shown = runner.invoke(app, ["-w", str(workspace.root), "compare", after.name])
    assert shown.exit_code == 0, shown.output
    assert "held-out: the verdict" in shown.output
    assert "dev: seen by training (replay) and by early stopping" in shown.output
    assert "WARNING: answer regressed significantly on held-out: 7 items broke, 0 fixed (p = 0.0156)" in shown.output
    answer_row = next(line for line in shown.output.splitlines() if line.strip().startswith("answer"))
    assert answer_row.split()[1:6] == ["94%", "50%", "0", "7", "regressed"]  # 80 columns: the short table
    assert "passes every check" in shown.output
    payload = json.loads(runner.invoke(app, ["-w", str(workspace.root), "compare", after.name, "--json"]).stdout)
    held = payload["checks"]["answer"]["splits"]["held_out"]
    assert (held["fixed"], held["regressed"], held["still_failing"]) == (0, 7, 1)
    assert held["still_failing_items"] == ["held_out-no_api-0"]
    assert held["mcnemar"] == {
        "fixed": 0,
        "regressed": 7,
        "p_value": pytest.approx(0.015625),
        "p_adjusted": pytest.approx(3 * 0.015625),  # Holm over answer, weather_tag and emoji (1 flip each)
        "verdict": "regressed",
    }
    assert payload["checks"]["weather_tag"]["splits"]["dev"]["regressed_items"] == ["dev-cloudy-0"]
    assert payload["every_check"]["after"]["held_out"] == {"passed": 8, "total": 16, "rate": 0.5}
    assert payload["split_labels"]["held_out"] == "held-out: the verdict"
    assert payload["warnings"] and payload["against"] == "base"


def test_the_base_is_the_nearest_run_made_without_an_adapter_not_the_eval_set_above_it(workspace):
    eval_set = make_run(workspace, "eval-set", {})
    base = make_run(workspace, "weather-base", {"dev-clear-0": "notag"}, parent=eval_set)
    job1 = make_run(workspace, "weather-base@job1", {}, parent=base, adapter="adapters/job-1/adapter")
    job2 = make_run(workspace, "weather-base@job2", {}, parent=job1, adapter="adapters/job-2/adapter")
    for run in (job1, job2):
        assert compare_runs(workspace, run.name).before_run.name == "weather-base"


def test_a_second_job_is_compared_with_the_base_by_default_and_with_the_parent_when_asked(workspace):
    base, job1 = make_pair(workspace)
    job2 = make_run(workspace, "base@job2", {}, parent=job1, adapter="adapters/job-2/adapter")
    assert compare_runs(workspace, job2.name).before_run.name == "base"
    by_parent = compare_runs(workspace, job2.name, against="parent")
    assert by_parent.before_run.name == "base@job1" and by_parent.against == "parent"
    assert (by_parent.base_run_id, by_parent.parent_run_id) == (base.run_id, job1.run_id)
    workspace.close()
    args = ["-w", str(workspace.root), "compare", "base@job2", "--against", "parent", "--json"]
    result = CliRunner().invoke(app, args)
    assert json.loads(result.stdout)["parent"] == "base@job1"
