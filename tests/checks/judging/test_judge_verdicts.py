"""Reading judge answers (PASS/FAIL, scores, junk) and the majority vote with its agreement rate."""

import pytest

from curator.checks.judging.verdicts import Reading, clip, parse_failure_rate, read_answer, vote


@pytest.mark.parametrize(
    ("answer", "passed"),
    [
        ("Verdict: PASS", True),
        ("verdict: fail", False),
        ("The reply names the action.\nVerdict: **PASS**", True),
        ("PASS", True),
        ("It failed to acknowledge the issue.", False),
        ("At first I thought PASS, but no.\nVerdict: FAIL", False),
        ("Verdict: PASS\n...on reflection, Verdict: FAIL", False),
    ],
)
def test_pass_fail_answers_are_read(answer, passed):
    assert read_answer(answer, "pass_fail") == Reading(passed=passed)


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        (
            "<think>3+4</think><answer>7</answer>",
            "no PASS or FAIL in the answer '<think>3+4</think><answer>7</answer>'",
        ),
        ("", "no PASS or FAIL in the answer ''"),
        ("PASS or FAIL? Hard to say.", "both PASS and FAIL in the answer 'PASS or FAIL? Hard to say.'"),
        ("passport\x1b[2J", "no PASS or FAIL in the answer 'passport\\x1b[2J'"),
    ],
)
def test_junk_is_a_problem_never_a_pass(answer, problem):
    reading = read_answer(answer, "pass_fail")
    assert (reading.passed, reading.readable, reading.problem) == (None, False, problem)


@pytest.mark.parametrize(
    ("answer", "score", "passed"),
    [
        ("Score: 4", 4.0, True),
        ("The reply is polite. score = 2", 2.0, False),
        ("3", 3.0, True),
        (" **2**.\n", 2.0, False),
        ("I give it 5/5.", 5.0, True),
        ("Rating: **1**", 1.0, False),
        ("Reasons 1 and 2 apply. Score: 3", 3.0, True),
    ],
)
def test_scores_are_read_and_compared_with_the_threshold(answer, score, passed):
    assert read_answer(answer, "score", [1, 5], 3) == Reading(passed=passed, score=score)


def test_fractional_scores_on_a_zero_to_one_range():
    assert read_answer("Score: 0.5", "score", [0, 1], 0.5) == Reading(passed=True, score=0.5)
    assert read_answer("Score: .25", "score", [0, 1], 0.5) == Reading(passed=False, score=0.25)


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ("Score: 7", "score 7 outside 1..5 in the answer 'Score: 7'"),
        ("good", "no 'Score: N' in the answer 'good'"),
        ("The <answer> tag is 4.", "no 'Score: N' in the answer 'The <answer> tag is 4.'"),
        ("Mia has 3 apples and gets 4 more", "no 'Score: N' in the answer 'Mia has 3 apples and gets 4 more'"),
    ],
)
def test_unreadable_scores_are_problems(answer, problem):
    assert read_answer(answer, "score", [1, 5], 3) == Reading(None, problem=problem)


def test_the_majority_decides_and_the_agreement_counts_every_sample():
    readings = [Reading(True), Reading(True), Reading(False), Reading(None, problem="junk")]
    assert vote(readings[:3], "pass_fail").reason == "judge: PASS, 2/3 samples agree"
    verdict = vote(readings, "pass_fail")
    assert (verdict.graded, verdict.passed, verdict.agreement) == (True, True, 0.5)


def test_a_tie_or_no_readable_sample_leaves_the_item_not_graded():
    tie = vote([Reading(True), Reading(False)], "pass_fail")
    assert (tie.graded, tie.passed, tie.reason) == (False, False, "not graded: the samples split 1 PASS / 1 FAIL")
    junk = vote([Reading(None, problem="no PASS or FAIL in the answer 'x'")] * 3, "pass_fail")
    assert (junk.graded, junk.passed, junk.agreement) == (False, False, None)
    assert junk.reason == "not graded: no PASS or FAIL in the answer 'x' (all 3 samples)"


def test_scores_vote_on_their_verdicts_and_keep_the_median():
    readings = [Reading(True, 4.0), Reading(True, 5.0), Reading(False, 2.0)]
    verdict = vote(readings, "score", threshold=3)
    assert (verdict.passed, verdict.score) == (True, 4.0)
    assert verdict.reason == "judge: score 4 (>= 3), 2/3 samples agree"
    assert vote([Reading(False, 2.0)], "score", threshold=3).reason == "judge: score 2 (< 3)"


def test_clip_and_the_parse_failure_rate():
    assert clip("a\n b\tc") == "a b c"
    assert clip("x" * 100).endswith("…") and len(clip("x" * 100)) == 60
    assert parse_failure_rate(1, 4) == 0.25 and parse_failure_rate(0, 0) is None
