"""The example specs fit their tasks: the demo's own answers pass every weather check, broken ones fail."""

from pathlib import Path

from curator.checks import load_spec, run_checks
from curator.demo.task import eval_records
from curator.review.runs import create_run_from_records

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "checks"


def test_the_demo_tasks_expected_answers_pass_every_weather_check(workspace):
    records = [r | {"output": r["target"]} for r in eval_records()]
    run = create_run_from_records(workspace, "perfect", records)
    summaries = run_checks(workspace, run.run_id, load_spec(EXAMPLES / "weather.toml"))
    assert all(s.total and s.passed == s.total for s in summaries), summaries
    assert {s.name: s.total for s in summaries}["answer"] == len(records)


def test_answers_without_the_weather_tag_fail_the_tag_and_emoji_checks(workspace):
    records = [r | {"output": r["target"].split("<display_weather>")[0]} for r in eval_records()]
    run = create_run_from_records(workspace, "untagged", records)
    by_name = {s.name: s for s in run_checks(workspace, run.run_id, load_spec(EXAMPLES / "weather.toml"))}
    assert by_name["weather_tag"].passed == 0 < by_name["weather_tag"].total
    assert by_name["emoji"].passed == 0
    assert by_name["answer"].passed == by_name["answer"].total
    reasons = {r[0] for r in workspace.db.fetchall("SELECT reason FROM check_results WHERE check_name = 'emoji'")}
    assert reasons == {
        "expected ☀, found no <display_weather>",
        "expected ☁, found no <display_weather>",
        "expected 🌧, found no <display_weather>",
    }
