"""Rewards: the weighted mean of the checks that apply, partial credit, the mean by default, bad specs refused."""

from __future__ import annotations

import pytest

from curator.checks import load_spec_text
from curator.checks.rewards import MEAN_OF_CHECKS, RewardSpec, grade_output, load_rewards, load_rewards_text
from curator.checks.spec import CheckSpecError

WEIGHTED = RewardSpec(weights={"helpfulness": 0.4, "safety": 0.4, "truthfulness": 0.2})


def test_reward_is_the_weighted_sum_of_the_checks():
    results = {"helpfulness": [True, "ok"], "safety": [False, "no"], "truthfulness": [True, "ok"]}
    assert WEIGHTED.reward(results) == pytest.approx(0.4 * 1 + 0.4 * 0 + 0.2 * 1)
    assert WEIGHTED.reward({"helpfulness": [False, ""], "safety": [False, ""], "truthfulness": [True, ""]}) == (
        pytest.approx(0.2)
    )


def test_checks_that_do_not_apply_leave_the_weights_of_the_others():
    # truthfulness did not apply: helpfulness and safety share the whole reward 0.4 : 0.4
    assert WEIGHTED.reward({"helpfulness": [True, ""], "safety": [False, ""]}) == pytest.approx(0.5)
    assert WEIGHTED.reward({}) == 0.0


def test_default_is_the_mean_of_the_checks_and_partial_credit_counts():
    assert MEAN_OF_CHECKS.reward({"a": [True, ""], "b": [False, ""], "c": [False, ""], "d": [True, ""]}) == 0.5
    partial = RewardSpec(weights={"format": 1, "answer": 3}, partial={"answer": 0.5})
    assert partial.reward({"format": [True, ""], "answer": [False, ""]}) == pytest.approx((1 + 3 * 0.5) / 4)
    assert partial.reward({"format": [False, ""], "answer": [True, ""]}) == pytest.approx(3 / 4)


def test_rewards_table_is_read_from_the_checks_toml(tmp_path):
    path = tmp_path / "checks.toml"
    path.write_text(
        '[[check]]\nname = "tag"\nkind = "tag_present"\ntag = "t"\n\n[[check]]\nname = "num"\nkind = "numeric"\n\n'
        "[rewards]\nweights = { tag = 0.25, num = 0.75 }\npartial = { num = 0.2 }\n",
        encoding="utf-8",
    )
    specs = load_spec_text(path.read_text(encoding="utf-8"), path)
    spec = load_rewards(path, [s.name for s in specs])
    results = grade_output(specs, input="2+2?", target="4", output="<t>x</t> 5")
    assert results == {"tag": [True, results["tag"][1]], "num": [False, "expected 4, found 5"]}
    assert spec.reward(results) == pytest.approx(0.25 + 0.75 * 0.2)
    assert RewardSpec.from_json(spec.to_json()) == spec


@pytest.mark.parametrize(
    ("table", "line", "field", "words"),
    [
        ("weights = { tag = -1 }", 3, "weights", "must be a finite number >= 0"),
        ("weights = { nope = 1 }", 3, "weights", "names no check 'nope'"),
        ("weights = { tag = 1 }\npartial = { tag = 2 }", 4, "partial", "at most 1"),
        ("weights = { tag = 0 }", 3, "weights", "above 0"),
        ("bonus = 1", 3, "bonus", "unknown key"),
    ],
)
def test_a_bad_rewards_table_names_its_line_and_field(table, line, field, words):
    text = "# checks\n[rewards]\n" + table + "\n"
    with pytest.raises(CheckSpecError) as caught:
        load_rewards_text(text, "checks.toml", ["tag"])
    message = str(caught.value)
    assert f"line {line}" in message and f"field '{field}'" in message and words in message
    assert message.startswith("checks.toml:")


def test_no_rewards_table_means_the_mean():
    assert load_rewards_text('[[check]]\nname = "a"\nkind = "exact"\n', "c.toml", ["a"]) == MEAN_OF_CHECKS
