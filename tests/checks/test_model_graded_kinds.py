"""The judge and learned kinds wherever checks are used: specs from TOML, the one grading path (not graded where
no model is at hand, with the reason), rewards that leave them out, and the rule runner that refuses them."""

import pytest

from curator.checks import CheckSpec, grade, grade_outputs, load_spec_text, run_checks, stored_results
from curator.checks.graders import JUDGE_NOT_GRADED, Case
from curator.checks.learned.grading import NOT_FITTED
from curator.checks.rewards import RewardSpec, all_passed, grade_output
from curator.checks.spec import CheckSpecError
from curator.errors import CuratorError
from curator.review.runs import create_run_from_records

SPECS_TOML = """
[[check]]
name = "answer"
kind = "regex"
pattern = "\\\\d"

[[check]]
name = "polite"
kind = "judge"
endpoint = "http://127.0.0.1:9/v1"
model = "judge-model"
rubric = "Is {{ output }} polite?"

[[check]]
name = "tone"
kind = "learned"
labels_from = "polite"
C = 0.5
class_weight = "balanced"
"""


def specs(tmp_path):
    return load_spec_text(SPECS_TOML, tmp_path / "checks.toml")


def test_judge_and_learned_load_from_a_users_file(tmp_path):
    answer, polite, tone = specs(tmp_path)
    assert (polite.kind, polite.options["model"]) == ("judge", "judge-model")
    assert tone.kind == "learned"
    assert tone.options == {"labels_from": "polite", "C": 0.5, "class_weight": "balanced"}
    [plain] = load_spec_text('[[check]]\nname = "tone"\nkind = "learned"\n', tmp_path / "checks.toml")
    assert plain.options == {"C": 1.0}


@pytest.mark.parametrize(
    ("line", "field", "words"),
    [
        ("C = 0", "C", "finite number > 0"),
        ('class_weight = "heavy"', "class_weight", '"balanced"'),
        ('labels_from = ""', "labels_from", "name of a check"),
        ('fitted = { file = "x.npz" }', "fitted", "written by Curator"),
        ('model = "m"', "model", "unknown key for kind 'learned'"),
    ],
)
def test_a_bad_learned_option_is_one_line_naming_the_field(tmp_path, line, field, words):
    text = f'[[check]]\nname = "tone"\nkind = "learned"\n{line}\n'
    with pytest.raises(CheckSpecError) as caught:
        load_spec_text(text, tmp_path / "checks.toml")
    message = str(caught.value)
    assert "\n" not in message and f"field '{field}'" in message and "line 4" in message and words in message


def test_model_graded_checks_apply_but_are_not_graded_without_their_model(tmp_path):
    answer, polite, tone = specs(tmp_path)
    verdict = grade(polite, input="hi", target=None, output="hello 1")
    assert (verdict.applicable, verdict.graded, verdict.passed, verdict.reason) == (
        True,
        False,
        False,
        JUDGE_NOT_GRADED,
    )
    [grades] = grade_outputs([answer, polite, tone], [Case("hi", None, "hello 1")])
    assert list(grades) == ["answer", "polite", "tone"]
    assert grades["answer"].graded and grades["answer"].passed
    assert not grades["tone"].graded and grades["tone"].reason == NOT_FITTED
    assert stored_results(grades) == {
        "answer": [True, "matches /\\d/"],
        "polite": [None, JUDGE_NOT_GRADED],
        "tone": [None, NOT_FITTED],
    }


def test_input_conditions_hold_for_model_graded_kinds(tmp_path):
    judge = CheckSpec("polite", "judge", specs(tmp_path)[1].options, when_input="greet")
    graded = grade_outputs([judge], [Case("greet me", None, "hi"), Case("add 2", None, "4")])
    assert [list(g) for g in graded] == [["polite"], []]
    assert not grade(judge, input="add 2", target=None, output="4").applicable


def test_rewards_and_all_passed_leave_out_a_check_that_did_not_grade(tmp_path):
    answer, polite, tone = specs(tmp_path)
    results = grade_output([answer, polite, tone], input="hi", target=None, output="no digits")
    assert results["answer"][0] is False and results["polite"][0] is None
    weights = RewardSpec(weights={"answer": 1.0, "polite": 3.0, "tone": 1.0})
    assert weights.reward(results) == 0.0
    assert weights.reward({**results, "answer": [True, "ok"]}) == 1.0  # the ungraded weights are renormalised away
    assert all_passed({**results, "answer": [True, "ok"]})
    assert not all_passed({"polite": [None, JUDGE_NOT_GRADED]})  # nothing graded: nothing says it passed


def test_the_rule_runner_refuses_model_graded_checks_and_names_the_right_path(workspace, tmp_path):
    run = create_run_from_records(workspace, "r", [{"item_id": "a", "input": "hi", "output": "1"}])
    for spec in specs(tmp_path)[1:]:
        with pytest.raises(CuratorError) as caught:
            run_checks(workspace, run.run_id, [specs(tmp_path)[0], spec])
        assert "run_all_checks" in str(caught.value) and f"'{spec.name}'" in str(caught.value)
    assert workspace.db.fetchone("SELECT count(*) FROM checks")[0] == 0


def test_template_rows_record_a_judge_as_not_graded_and_still_fail_on_a_rule(tmp_path):
    from curator.fix.generation import ExampleVetter

    answer, polite, _ = specs(tmp_path)
    vetter = ExampleVetter([answer, polite])
    assert vetter.grade("hi", "hello 2") == (
        {"answer": [True, "matches /\\d/"], "polite": [None, JUDGE_NOT_GRADED]},
        None,
    )
    results, failure = vetter.grade("hi", "hello")
    assert results["polite"] == [None, JUDGE_NOT_GRADED] and failure.startswith("check 'answer': ")
