"""Judges on the one grading path: `grade_outputs` with a judge answerer (the stand-in endpoint here) grades a
judge as `curator check` would, with the other checks' reasons in its rubric."""

from chat_endpoint import chat_endpoint

from curator.checks import CheckSpec, grade_outputs, spec
from curator.checks.graders import JUDGE_NOT_GRADED, Case
from curator.inference.judge_endpoint import endpoint_answers

RUBRIC = "Reply: {{ output }}\nRule said: {{ reasons.short.reason }}"


def judge_answer(prompt: str) -> str:
    """PASS a reply that says 'good', FAIL one that says 'bad', and ramble otherwise."""
    if "Reply: good" in prompt:
        return "It reads well.\nVerdict: PASS"
    return "Verdict: FAIL" if "Reply: bad" in prompt else "I cannot tell."


def checks(base_url: str, **options) -> list[CheckSpec]:
    judge = CheckSpec("polite", "judge", {"model": "m", "endpoint": base_url, "rubric": RUBRIC, **options})
    return spec.validate_specs([judge, CheckSpec("short", "regex", {"pattern": "day"})])


def by_endpoint(judge: CheckSpec, prompts: list[str]) -> list[list[str]]:
    return endpoint_answers(judge.options, prompts)


def test_a_judge_passes_fails_and_leaves_an_unreadable_answer_not_graded():
    cases = [Case("hi", None, "good day"), Case("hi", None, "bad day"), Case("hi", None, "meh")]
    with chat_endpoint(judge_answer) as (url, prompts):
        graded = grade_outputs(checks(url), cases, by_endpoint)
    verdicts = [(g["polite"].graded, g["polite"].passed, g["polite"].reason) for g in graded]
    assert verdicts == [
        (True, True, "judge: PASS"),
        (True, False, "judge: FAIL"),
        (False, False, "not graded: no PASS or FAIL in the answer 'I cannot tell.'"),
    ]
    assert list(graded[0]) == ["polite", "short"]  # spec order, though the rule was graded first
    assert sorted(prompts)[0].startswith("Reply: bad day\nRule said: ")  # the rubric saw the rule's reason
    assert all("Verdict: PASS" in prompt for prompt in prompts)  # and the answer instruction


def test_the_same_prompt_is_asked_once_and_every_sample_is_voted():
    cases = [Case("hi", None, "good day")] * 3
    with chat_endpoint(judge_answer) as (url, prompts):
        graded = grade_outputs(checks(url, samples=3, temperature=0.7), cases, by_endpoint)
    assert len(prompts) == 3  # one prompt, three samples
    assert {g["polite"].reason for g in graded} == {"judge: PASS, 3/3 samples agree"}


def test_without_an_answerer_a_judge_is_not_graded_and_the_model_is_never_asked():
    with chat_endpoint(judge_answer) as (url, prompts):
        [grades] = grade_outputs(checks(url), [Case("hi", None, "good day")])
    assert (grades["polite"].graded, grades["polite"].reason) == (False, JUDGE_NOT_GRADED)
    assert grades["short"].passed and prompts == []


def test_an_endpoint_that_fails_is_one_line_naming_it():
    from curator.inference.judge_endpoint import EndpointError

    with chat_endpoint(judge_answer) as (url, _):
        pass  # the server is gone
    try:
        grade_outputs(checks(url, timeout_s=5), [Case("hi", None, "good day")], by_endpoint)
    except EndpointError as error:
        assert str(error).startswith(f"cannot reach the endpoint {url}") and "\n" not in str(error)
    else:
        raise AssertionError("an unreachable endpoint graded")
