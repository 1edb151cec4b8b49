"""`curator check RUN --spec checks.toml` end to end: the table, --json, re-runs, errors, and a real GSM8K log."""

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from curator.checks import CheckSpec, run_checks
from curator.cli.main import app
from curator.errors import BadInputError
from curator.review.runs import create_run_from_records
from curator.workspace import Workspace

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "checks"

WEATHER_RECORDS = [
    {
        "item_id": "1",
        "input": "<api>\nIt is sunny, today.",
        "split": "dev",
        "target": "<answer>4</answer>",
        "output": "<think>2+2</think><answer>4</answer><display_weather>☀</display_weather>",
    },
    {
        "item_id": "2",
        "input": "<api>\nBright sunshine!",
        "split": "dev",
        "target": "<answer>6</answer>",
        "output": "<think>3+3</think><answer>6</answer><display_weather>☁</display_weather>",
    },
    {
        "item_id": "3",
        "input": "What is 5+5?",
        "split": "held_out",
        "target": "<answer>10</answer>",
        "output": "<answer>10</answer>",
    },
    {
        "item_id": "4",
        "input": "What is 1+1?",
        "split": "held_out",
        "target": "<answer>2</answer>",
        "output": "<think>1+1</think><answer>3</answer><display_weather>☀</display_weather>",
    },
]


def _workspace_with_run(tmp_path, records=WEATHER_RECORDS) -> Path:
    root = tmp_path / "ws"
    with Workspace.open(root) as ws:
        create_run_from_records(ws, "weather", records)
    return root


def _invoke(root: Path, *args: str):
    return CliRunner().invoke(app, ["--workspace", str(root), *args], catch_exceptions=True)


def test_check_prints_a_pass_rate_table_per_check_and_split(tmp_path):
    root = _workspace_with_run(tmp_path)
    result = _invoke(root, "check", "weather", "--spec", str(EXAMPLES / "weather.toml"))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any("dev" in line and "held_out" in line for line in lines)
    emoji_row = next(line for line in lines if "emoji" in line)
    assert "50.0% (1/2)" in emoji_row


def test_check_json_reports_counts_per_check_and_split(tmp_path):
    root = _workspace_with_run(tmp_path)
    result = _invoke(root, "check", "weather", "--spec", str(EXAMPLES / "weather.toml"), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    by_name = {c["name"]: c for c in report["checks"]}
    assert report["run"] == "weather" and report["items"] == 4
    assert by_name["emoji"]["by_split"] == {"dev": {"passed": 1, "total": 2, "pass_rate": 0.5}}
    assert by_name["no_think_without_api"]["by_split"]["held_out"] == {"passed": 1, "total": 2, "pass_rate": 0.5}
    assert (by_name["answer"]["passed"], by_name["answer"]["total"]) == (3, 4)
    with Workspace.open(root) as ws:
        reason = ws.db.fetchone("SELECT reason FROM check_results WHERE check_name = 'answer' AND item_key = 3")
    assert reason == ("expected 2, found 3",)


def test_check_without_spec_reruns_the_stored_checks_or_those_of_another_run(tmp_path):
    root = _workspace_with_run(tmp_path)
    with Workspace.open(root) as ws:
        create_run_from_records(ws, "retrained", WEATHER_RECORDS[:1])
        create_run_from_records(ws, "unchecked", WEATHER_RECORDS[:1])
        run_checks(ws, "weather", [CheckSpec("has_answer", "regex", {"pattern": "<answer>"})])
    rerun = _invoke(root, "check", "weather", "--json")
    assert [c["name"] for c in json.loads(rerun.output)["checks"]] == ["has_answer"]
    reused = _invoke(root, "check", "retrained", "--from", "weather", "--json")
    assert json.loads(reused.output)["checks"][0]["total"] == 1
    nothing = _invoke(root, "check", "unchecked")
    assert str(nothing.exception) == "no checks stored with this run: give --spec checks.toml"


def test_a_bad_spec_prints_one_line_naming_file_record_and_field_and_stores_nothing(tmp_path):
    root = _workspace_with_run(tmp_path)
    spec = tmp_path / "checks.toml"
    spec.write_text('[[check]]\nname = "emoji"\nkind = "semantic_map"\ngroups = []\n')
    done = subprocess.run(
        [sys.executable, "-m", "curator.cli.main", "--workspace", str(root), "check", "weather", "--spec", str(spec)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"error: {spec}: line 4, record 1 ('emoji'), field 'groups': "
        'must be a list of {words = [...], token = "..."} tables'
    ]
    with Workspace.open(root) as ws:
        assert ws.db.fetchone("SELECT count(*) FROM check_results") == (0,)
    in_process = _invoke(root, "check", "weather", "--spec", str(spec))
    assert isinstance(in_process.exception, BadInputError)


def test_gsm8k_example_spec_agrees_with_openais_own_grading_on_real_solutions(tmp_path, real_logs):
    from curator.importers import import_file

    root = tmp_path / "ws"
    solutions = real_logs / "generic" / "gsm8k_example_model_solutions.jsonl"
    with Workspace.open(root) as ws:
        mapping = {"input": "question", "target": "ground_truth", "output": "175b_verification.solution"}
        run = import_file(ws, solutions, mapping=mapping, name="gsm8k-175b").run
    result = _invoke(root, "check", "gsm8k-175b", "--spec", str(EXAMPLES / "gsm8k.toml"), "--json")
    assert result.exit_code == 0, result.output
    with Workspace.open(root) as ws:
        rows = ws.db.fetchall(
            """SELECT r.passed, json_extract(i.metadata, '$."175b_verification".is_correct')::BOOLEAN
               FROM check_results r JOIN items i USING (run_id, item_key)
               WHERE r.run_id = ? AND r.check_name = 'answer'""",
            [run.run_id],
        )
    assert len(rows) == 1319
    assert all(ours == theirs for ours, theirs in rows)
    assert json.loads(result.output)["checks"][0]["passed"] == sum(theirs for _, theirs in rows) == 742


def test_gsm8k_lm_eval_log_without_numbers_in_the_output_fails_with_a_reason(tmp_path, real_logs):
    from curator.importers import import_file

    root = tmp_path / "ws"
    with Workspace.open(root) as ws:
        run = import_file(ws, next((real_logs / "lm-eval").glob("samples_gsm8k_*.jsonl"))).run
    result = _invoke(root, "check", run.name, "--spec", str(EXAMPLES / "gsm8k.toml"), "--json")
    assert json.loads(result.output)["checks"][0] == {
        "name": "answer",
        "kind": "numeric",
        "passed": 0,
        "total": 3,
        "pass_rate": 0.0,
        "by_split": {"dev": {"passed": 0, "total": 3, "pass_rate": 0.0}},
    }
    with Workspace.open(root) as ws:
        reasons = {r[0] for r in ws.db.fetchall("SELECT reason FROM check_results WHERE check_name = 'answer'")}
    assert reasons == {"no number in output"}
