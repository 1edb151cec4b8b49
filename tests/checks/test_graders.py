"""Each check kind grades one item in pure Python: pass and fail, with the reason a user reads."""

import pytest

from curator.checks import CheckSpec, grade


def _grade(kind, output, *, target=None, input="", **options):
    return grade(CheckSpec("c", kind, options), input=input, target=target, output=output)


def test_regex_passes_on_a_match_and_names_the_pattern_when_missing():
    assert _grade("regex", "<answer>4</answer>", pattern=r"<answer>\d+</answer>").passed
    failed = _grade("regex", "four", pattern=r"<answer>\d+</answer>")
    assert (failed.passed, failed.reason) == (False, r"no match for /<answer>\d+</answer>/")


def test_regex_ignore_case_option():
    assert not _grade("regex", "ANSWER", pattern="answer").passed
    assert _grade("regex", "ANSWER", pattern="answer", ignore_case=True).passed


def test_regex_absent_fails_with_the_match_and_its_offset():
    failed = _grade("regex_absent", "Sure. <think>hmm</think>", pattern="<think>")
    assert (failed.passed, failed.reason) == (False, "found '<think>' at 6")
    assert _grade("regex_absent", "Sure.", pattern="<think>").reason == "no match for /<think>/"


def test_found_fragments_are_clipped_and_kept_on_one_line():
    failed = _grade("regex_absent", "x" * 10 + "\n" + "y" * 60, pattern=r"x+\sy+")
    assert failed.reason == "found '" + "x" * 10 + " " + "y" * 28 + "…' at 0"


def test_tag_present_needs_a_closing_tag():
    assert _grade("tag_present", "<display_weather>☀</display_weather>", tag="display_weather").passed
    assert _grade("tag_present", "<display_weather a='1'>\n☀\n</display_weather>", tag="display_weather").passed
    failed = _grade("tag_present", "<display_weather>☀", tag="display_weather")
    assert (failed.passed, failed.reason) == (False, "no <display_weather>…</display_weather>")


def test_tag_absent_fails_on_an_opening_closing_or_self_closing_tag():
    assert _grade("tag_absent", "It is sunny.", tag="display_weather").reason == "no <display_weather>"
    for output, offset in (("Hi <display_weather>", 3), ("x</display_weather>", 1), ("<display_weather/>", 0)):
        failed = _grade("tag_absent", output, tag="display_weather")
        assert not failed.passed
        assert failed.reason.endswith(f"at {offset}") and "display_weather" in failed.reason


def test_exact_normalises_case_and_whitespace_by_default():
    assert _grade("exact", "  The   CAT\n sat ", target="the cat sat").reason == "matches the target"
    failed = _grade("exact", "the dog sat", target="the cat sat")
    assert (failed.passed, failed.reason) == (False, "differs at word 2: found 'dog', expected 'cat'")
    shorter = _grade("exact", "the cat", target="the cat sat")
    assert shorter.reason == "differs at word 3: found nothing, expected 'sat'"


def test_exact_can_be_strict_about_case_and_whitespace():
    assert not _grade("exact", "The cat", target="the cat", ignore_case=False).passed
    spaced = _grade("exact", "the  cat", target="the cat", normalize_whitespace=False)
    assert (spaced.passed, spaced.reason) == (False, "differs in whitespace")


def test_exact_without_a_target_does_not_apply():
    assert not _grade("exact", "anything", target=None).applicable


@pytest.mark.parametrize(
    ("output", "target", "reason"),
    [
        ("<think>9*2</think><answer>18</answer>", "#### 18", "18"),
        ("so she makes $1,234.", "<answer>1234</answer>", "1234"),
        ("16-3-4=9 eggs, 9 * 2 = 18", "Janet sells 9 eggs.\n#### 18", "18"),
        ("The answer is -5.", "-5.0", "-5"),
    ],
)
def test_numeric_passes_when_the_numbers_agree(output, target, reason):
    result = _grade("numeric", output, target=target)
    assert (result.passed, result.reason) == (True, reason)


def test_numeric_fails_with_expected_and_found():
    failed = _grade("numeric", "<answer>17</answer> 18", target="#### 18")
    assert (failed.passed, failed.reason) == (False, "expected 18, found 17")
    assert _grade("numeric", "I do not know", target="#### 18").reason == "no number in output"
    assert _grade("numeric", "18", target="no idea").reason == "no number in target"


def test_numeric_tolerances():
    assert not _grade("numeric", "3.14", target="3.1416").passed
    assert _grade("numeric", "3.14", target="3.1416", tolerance=0.01).passed
    assert _grade("numeric", "1010", target="1000", relative_tolerance=0.02).passed
    assert not _grade("numeric", "1030", target="1000", relative_tolerance=0.02).passed


WEATHER = [
    {"words": ["sunny", "clear", "bright", "sunshine"], "token": "☀"},
    {"words": ["cloudy", "overcast"], "token": "☁"},
]


@pytest.mark.parametrize("input", ["It is sunny, today", "Weather: <SUNNY>", "Bright sunshine!", "Clear skies!"])
def test_semantic_map_finds_weather_words_next_to_punctuation_and_in_any_case(input):
    result = _grade(
        "semantic_map",
        "<display_weather>☀️</display_weather>",
        input=input,
        groups=WEATHER,
        within_tag="display_weather",
    )
    assert (result.passed, result.reason) == (True, "☀")


def test_semantic_map_fails_with_expected_and_found():
    wrong = _grade(
        "semantic_map",
        "<display_weather>☁</display_weather>",
        input="sunny",
        groups=WEATHER,
        within_tag="display_weather",
    )
    assert (wrong.passed, wrong.reason) == (False, "expected ☀, found ☁")
    empty = _grade("semantic_map", "It will be nice.", input="overcast", groups=WEATHER)
    assert empty.reason == "expected ☁, found nothing"
    other = _grade(
        "semantic_map",
        "<display_weather>🌈</display_weather>",
        input="sunny",
        groups=WEATHER,
        within_tag="display_weather",
    )
    assert other.reason == "expected ☀, found '🌈'"
    no_tag = _grade("semantic_map", "☀", input="sunny", groups=WEATHER, within_tag="display_weather")
    assert (no_tag.passed, no_tag.reason) == (False, "expected ☀, found no <display_weather>")


def test_semantic_map_does_not_apply_without_a_group_word_and_respects_word_boundaries():
    assert not _grade("semantic_map", "☀", input="What is 2+2?", groups=WEATHER).applicable
    assert not _grade("semantic_map", "☀", input="Unclearly phrased", groups=WEATHER).applicable


def test_semantic_map_takes_the_first_group_that_matches():
    result = _grade("semantic_map", "☁ ☀", input="cloudy then sunny", groups=WEATHER)
    assert (result.passed, result.reason) == (True, "☀")


SCHEMA = {"type": "object", "properties": {"age": {"type": "integer"}}, "required": ["age"]}


def test_json_schema_accepts_valid_json_even_in_a_fence():
    assert _grade("json_schema", '{"age": 3}', schema=SCHEMA).reason == "valid"
    assert _grade("json_schema", '```json\n{"age": 3}\n```', schema=SCHEMA).passed


def test_json_schema_fails_on_bad_json_and_on_schema_violations():
    assert _grade("json_schema", "sure!", schema=SCHEMA).reason == "not JSON: Expecting value at char 0"
    assert _grade("json_schema", '{"age": "x"}', schema=SCHEMA).reason == "$.age: 'x' is not of type 'integer'"
    assert _grade("json_schema", "{}", schema=SCHEMA).reason == "$: 'age' is a required property"


def test_conditions_decide_whether_a_check_applies():
    tag = CheckSpec("tag", "tag_present", {"tag": "display_weather"}, when_input="<api>")
    assert not grade(tag, input="What is 2+2?", target=None, output="4").applicable
    assert not grade(tag, input="<api>sunny</api>", target=None, output="4").passed
    no_tag = CheckSpec("no_tag", "tag_absent", {"tag": "display_weather"}, unless_input="<api>")
    assert not grade(no_tag, input="<api>", target=None, output="<display_weather>").applicable
    assert grade(no_tag, input="hi", target=None, output="hello").passed


def test_field_chooses_what_is_graded():
    spec = CheckSpec("t", "regex", {"pattern": "####"}, field="target")
    assert grade(spec, input="", target="#### 3", output="nothing").passed
