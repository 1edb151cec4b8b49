"""The demo analyst's minimal edit: it repairs what the demo's checks name, from the item's target, and leaves a
passing output alone."""

from curator.demo.analyst_edits import analyst_edit
from curator.demo.setup import demo_checks
from curator.fix.revisions import grade_revision

PROMPT = "Mia has 14 apples and gets 8 more. How many apples now?\n<api>weather: Clear skies!</api>"
TARGET = "<think>Weather is sunny. 14 + 8 = 22</think><answer>22</answer><display_weather>☀</display_weather>"


def failing(text: str, prompt: str = PROMPT, target: str = TARGET) -> list[str]:
    """The demo checks `text` fails, as a run's stored results would name them."""
    results = grade_revision(demo_checks(), {"input": prompt, "target": target}, text).check_results
    return [name for name, (passed, _reason) in results.items() if passed is False]


def test_a_missing_weather_tag_is_inserted_after_the_answer_and_then_every_check_passes():
    output = "<think>Weather is sunny. 14 + 8 = 22</think><answer>22</answer>"
    assert failing(output) == ["weather_tag", "emoji"]

    edited = analyst_edit(output, TARGET, failing(output))

    assert edited == TARGET
    assert failing(edited) == []


def test_a_wrong_emoji_and_sum_are_repaired_in_place_keeping_the_rest():
    output = "<think>Weather is cloudy. 14 + 8 = 21</think><answer>21</answer><display_weather>☁</display_weather> ok"

    edited = analyst_edit(output, TARGET, failing(output))

    assert edited == TARGET + " ok"
    assert failing(edited) == []


def test_tags_are_removed_from_an_answer_to_a_prompt_without_an_api_line():
    prompt, target = "Leo has 12 coins and gives away 5. How many coins now?", "<answer>7</answer>"
    output = "<think>12 - 5 = 7</think><answer>7</answer><display_weather>☀</display_weather>"

    edited = analyst_edit(output, target, failing(output, prompt, target))

    assert edited == "<answer>7</answer>"
    assert failing(edited, prompt, target) == []


def test_a_passing_output_is_left_alone():
    assert failing(TARGET) == []
    assert analyst_edit(TARGET, TARGET, failing(TARGET)) == TARGET
