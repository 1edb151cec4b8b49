"""run_checks over a stored run: results in DuckDB, SQL and Python agreeing, re-runs replacing, stored specs."""

import random

import pytest

from curator.checks import CheckSpec, grade, load_spec, load_spec_text, run_checks, stored_checks
from curator.errors import CuratorError, NotFoundError
from curator.review.runs import create_run_from_records, summarise_run

SPEC = """
[[check]]
name = "answer_format"
kind = "regex"
pattern = '<answer>\\s*-?\\d+\\s*</answer>'

[[check]]
name = "shouting"
kind = "regex"
pattern = "answer is"
ignore_case = true

[[check]]
name = "quote_and_boundary"
kind = "regex_absent"
pattern = "it's|\\bcat\\b"

[[check]]
name = "word_class"
kind = "regex"
pattern = 'caf\\w'

[[check]]
name = "no_think"
kind = "regex_absent"
pattern = "<think>.*?</think>"
unless_input = "<api>"

[[check]]
name = "weather_tag"
kind = "tag_present"
tag = "display_weather"
when_input = "<api>"

[[check]]
name = "no_weather_tag"
kind = "tag_absent"
tag = "display_weather"
unless_input = "<api>"

[[check]]
name = "same"
kind = "exact"

[[check]]
name = "same_strict"
kind = "exact"
ignore_case = false
normalize_whitespace = false

[[check]]
name = "number"
kind = "numeric"

[[check]]
name = "emoji"
kind = "semantic_map"
within_tag = "display_weather"
groups = [
  { words = ["sunny", "clear", "bright", "sunshine"], token = "☀" },
  { words = ["cloudy", "overcast"], token = "☁" },
]

[[check]]
name = "json"
kind = "json_schema"
schema = { type = "object", properties = { n = { type = "integer" } }, required = ["n"] }
"""

INPUTS = [
    "<api>\nIt is sunny, today.",
    "<api> <SUNNY> skies",
    "Bright sunshine! <api>",
    "What is 2+2?",
    "Overcast and grey <api>",
    "Tell me a joke",
    "",
    None,
    "Clear skies!\n<api>",
    "ÉCLAIR cloudy",
]
PIECES = [
    "<think>let me see\nok</think>",
    "<think>short</think>",
    "<answer>4</answer>",
    "<answer> -12 </answer>",
    "The answer is 7.",
    "THE ANSWER IS 1,234",
    "<display_weather>☀</display_weather>",
    "<display_weather>☁️</display_weather>",
    "<display_weather>",
    "</display_weather>",
    '{"n": 3}',
    '```json\n{"n": "x"}\n```',
    "  spaced   out\t",
    "É",
    "\u00a0nbsp",
    "x" * 70,
    "😀 emoji",
    "\n",
    "<answer>4</answer>\n",
    "café",
    "cafe",
    "it's",
    "concat cat",
]
TARGETS = ["<answer>4</answer>", "#### 1,234", "The answer is 7.", "the answer is 7.", "no number here", None, ""]


def varied_records(count: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    records = []
    for index in range(count):
        output = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 4)))
        records.append(
            {
                "item_id": f"i{index}",
                "input": rng.choice(INPUTS),
                "target": rng.choice(TARGETS),
                "output": None if rng.random() < 0.05 else output,
                "split": rng.choice(["dev", "held_out"]),
            }
        )
    return records


def stored_results(ws, run_id: int) -> dict[tuple[str, int], tuple[bool, str]]:
    rows = ws.db.fetchall("SELECT check_name, item_key, passed, reason FROM check_results WHERE run_id = ?", [run_id])
    return {(name, key): (passed, reason) for name, key, passed, reason in rows}


def test_sql_and_python_grade_a_varied_sample_the_same(workspace):
    records = varied_records(400)
    run = create_run_from_records(workspace, "varied", records)
    specs = load_spec_text(SPEC, "checks.toml")
    run_checks(workspace, run.name, specs)
    stored = stored_results(workspace, run.run_id)
    expected = {}
    for spec in specs:
        for key, r in enumerate(records):
            result = grade(spec, input=r["input"], target=r["target"], output=r["output"])
            if result.applicable:
                expected[(spec.name, key)] = (result.passed, result.reason)
    assert stored == expected
    for spec in specs:  # the sample exercises both outcomes of every check
        outcomes = {passed for (name, _), (passed, _) in stored.items() if name == spec.name}
        assert outcomes == {True, False}, spec.name


def test_results_and_specs_are_stored_and_summarised_per_split(workspace):
    records = [
        {"item_id": "a", "input": "<api> sunny", "output": "<display_weather>☀</display_weather>", "split": "dev"},
        {"item_id": "b", "input": "<api> cloudy", "output": "<display_weather>☀</display_weather>", "split": "dev"},
        {"item_id": "c", "input": "<api> clear", "output": "no tag", "split": "held_out"},
        {"item_id": "d", "input": "2+2?", "output": "4", "split": "held_out"},
    ]
    run = create_run_from_records(workspace, "weather", records)
    specs = load_spec_text(SPEC, "checks.toml")
    emoji = [s for s in specs if s.name in ("weather_tag", "emoji")]
    summaries = run_checks(workspace, "weather", emoji)
    assert [(s.name, s.passed, s.total, s.by_split) for s in summaries] == [
        ("weather_tag", 2, 3, {"dev": (2, 2), "held_out": (0, 1)}),
        ("emoji", 1, 3, {"dev": (1, 2), "held_out": (0, 1)}),
    ]
    stored = stored_results(workspace, run.run_id)
    assert stored[("emoji", 1)] == (False, "expected ☁, found ☀")
    assert stored[("emoji", 2)] == (False, "expected ☀, found no <display_weather>")
    assert ("emoji", 3) not in stored and ("weather_tag", 3) not in stored  # not applicable: no row
    assert stored_checks(workspace, run.run_id) == emoji
    assert [c.name for c in summarise_run(workspace, run.run_id).checks] == ["weather_tag", "emoji"]


def test_a_rerun_replaces_results_and_specs_of_the_same_names_and_keeps_others(workspace):
    records = [{"item_id": "a", "input": "q", "output": "<think>x</think> 5"}]
    run = create_run_from_records(workspace, "r", records)
    run_checks(
        workspace,
        run.run_id,
        [CheckSpec("think", "regex_absent", {"pattern": "<think>"}), CheckSpec("num", "regex", {"pattern": r"\d"})],
    )
    run_checks(workspace, run.run_id, [CheckSpec("think", "regex", {"pattern": "<think>"})])
    assert stored_results(workspace, run.run_id) == {
        ("think", 0): (True, "matches /<think>/"),
        ("num", 0): (True, "matches /\\d/"),
    }
    assert [(s.name, s.kind) for s in stored_checks(workspace, run.run_id)] == [("think", "regex"), ("num", "regex")]
    assert workspace.db.fetchone("SELECT count(*) FROM checks WHERE run_id = ?", [run.run_id]) == (2,)
    run_checks(
        workspace,
        run.run_id,
        [CheckSpec("new", "regex", {"pattern": "x"}), CheckSpec("num", "regex", {"pattern": "5"})],
    )
    assert [s.name for s in stored_checks(workspace, run.run_id)] == ["think", "num", "new"]
    run_checks(workspace, run.run_id, [CheckSpec(name, "regex", {"pattern": "x"}) for name in ("new", "num", "think")])
    assert [s.name for s in stored_checks(workspace, run.run_id)] == ["new", "num", "think"]


def test_a_failing_check_run_changes_nothing(workspace):
    run = create_run_from_records(workspace, "r", [{"item_id": "a", "input": "q", "output": "x"}])
    run_checks(workspace, run.run_id, [CheckSpec("x", "regex", {"pattern": "x"})])
    before = stored_results(workspace, run.run_id)
    with pytest.raises(CuratorError):
        run_checks(workspace, run.run_id, [CheckSpec("x", "regex", {"pattern": "y"}), CheckSpec("bad", "regex", {})])
    assert stored_results(workspace, run.run_id) == before


def test_checks_of_one_run_leave_other_runs_alone(workspace):
    first = create_run_from_records(workspace, "a", [{"item_id": "1", "input": "q", "output": "x"}])
    second = create_run_from_records(workspace, "b", [{"item_id": "1", "input": "q", "output": "y"}])
    spec = [CheckSpec("x", "regex", {"pattern": "x"})]
    run_checks(workspace, first.run_id, spec)
    run_checks(workspace, second.run_id, spec)
    assert stored_results(workspace, first.run_id) == {("x", 0): (True, "matches /x/")}
    assert stored_results(workspace, second.run_id) == {("x", 0): (False, "no match for /x/")}


def test_progress_reaches_items_times_checks(workspace):
    run = create_run_from_records(workspace, "r", varied_records(30))
    seen, specs = [], load_spec_text(SPEC, "checks.toml")
    run_checks(workspace, run.run_id, specs, progress=lambda label, done, total: seen.append((label, done, total)))
    assert seen[-1][1:] == (30 * len(specs), 30 * len(specs))
    assert {label for label, _, _ in seen} >= {"answer_format", "emoji", "json"}


def test_an_unknown_run_is_a_clear_error(workspace):
    with pytest.raises(NotFoundError, match="no run named 'nope'"):
        run_checks(workspace, "nope", [CheckSpec("x", "regex", {"pattern": "x"})])


def test_stored_checks_carry_a_schema_file_s_schema_so_they_grade_without_the_file(workspace, tmp_path):
    (tmp_path / "person.json").write_text('{"type": "object", "required": ["age"]}')
    spec_path = tmp_path / "checks.toml"
    spec_path.write_text('[[check]]\nname = "person"\nkind = "json_schema"\nschema_file = "person.json"\n')
    run = create_run_from_records(workspace, "r", [{"item_id": "a", "input": "q", "output": '{"age": 1}'}])
    run_checks(workspace, run.run_id, load_spec(spec_path))
    (tmp_path / "person.json").unlink()
    [stored] = stored_checks(workspace, run.run_id)
    assert grade(stored, input="q", target=None, output="{}").reason == "$: 'age' is a required property"


def test_checks_can_grade_the_target_or_the_input_field(workspace):
    records = [{"item_id": "a", "input": "Answer with JSON", "target": "#### 5", "output": "five"}]
    run = create_run_from_records(workspace, "r", records)
    specs = [
        CheckSpec("target_marked", "regex", {"pattern": "#### \\d"}, field="target"),
        CheckSpec("asks_json", "regex", {"pattern": "JSON"}, field="input"),
    ]
    summaries = run_checks(workspace, run.run_id, specs)
    assert [(s.name, s.passed, s.total) for s in summaries] == [("target_marked", 1, 1), ("asks_json", 1, 1)]
