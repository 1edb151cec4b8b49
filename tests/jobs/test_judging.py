"""Judge checks over a run: the answer cache, stored verdicts, and one line for every bad input (no model here;
the local model and the real server are in test_judging_models.py)."""

import socket
import subprocess
import sys
import threading

import pytest
from typer.testing import CliRunner

from curator.checks import CheckSpec, run_checks, spec
from curator.checks.judging.cache_keys import cache_key, generation_params, model_identity
from curator.checks.judging.rubric import judge_prompt
from curator.cli.main import app
from curator.jobs import judging
from curator.review.runs import create_run_from_records
from curator.storage import judge_cache
from curator.workspace import Workspace

RECORDS = [
    {"item_id": "a", "input": "Say hi", "target": "hi", "output": "hi there", "split": "dev"},
    {"item_id": "b", "input": "Say bye", "target": "bye", "output": "hello", "split": "dev"},
    {"item_id": "c", "input": "Say yes", "target": "yes", "output": "maybe", "split": "held_out"},
]
RUBRIC = "Input: {{ input }}\nReply: {{ output }}\nExpected: {{ target }}\nExact check: {{ reasons.exact.reason }}"


@pytest.fixture
def run(workspace):
    made = create_run_from_records(workspace, "replies", RECORDS)
    run_checks(workspace, made.run_id, [CheckSpec("exact", "exact")])
    return made


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def judge_spec(name="polite", endpoint=None, **extra) -> CheckSpec:
    opts = {"model": "judge-model", "endpoint": endpoint or closed_port_url(), "rubric": RUBRIC, **extra}
    return spec.validate_specs([CheckSpec(name, "judge", opts)])[0]


def prefill(ws, judge: CheckSpec, answers: dict[str, str]) -> None:
    """Put answers for these items' prompts in the cache, as an earlier run of the same judge would have."""
    reasons = judge_cache.other_reasons(ws.db, ws.db.fetchone("SELECT max(run_id) FROM runs")[0], [judge.name])
    rows = []
    for key, record in enumerate(RECORDS):
        rendered = RUBRIC.replace("{{ input }}", record["input"]).replace("{{ output }}", record["output"])
        rendered = rendered.replace("{{ target }}", record["target"])
        rendered = rendered.replace("{{ reasons.exact.reason }}", reasons[key]["exact"][1])
        prompt = judge_prompt(rendered, judge.options["scale"], judge.options.get("score_range"))
        model_id, params = model_identity(judge.options), generation_params(judge.options)
        row = {"cache_key": cache_key(prompt, model_id, params, 0), "model_id": model_id, "prompt_sha": "-"}
        rows.append(row | {"params": params, "sample_index": 0, "answer": answers[record["item_id"]]})
    with ws.db.transaction() as cur:
        judge_cache.insert_answers(cur, rows)


def test_cached_answers_grade_without_a_model_and_unreadable_ones_stay_not_graded(workspace, run):
    judge = judge_spec()
    prefill(workspace, judge, {"a": "Verdict: PASS", "b": "Verdict: FAIL", "c": "no idea"})
    [outcome] = judging.run_judges(workspace, run.run_id, [judge])
    assert outcome.error is None
    assert (outcome.items, outcome.graded, outcome.passed, outcome.model_calls, outcome.cache_hits) == (3, 2, 1, 0, 3)
    results = workspace.db.fetchall(
        "SELECT item_key, passed, reason FROM check_results WHERE check_name = 'polite' ORDER BY item_key"
    )
    assert results == [(0, True, "judge: PASS"), (1, False, "judge: FAIL")]
    rows = judge_cache.verdict_rows(workspace.db, run.run_id, "polite")
    assert rows[2] == (2, False, None, None, None, 1, "not graded: no PASS or FAIL in the answer 'no idea'")
    assert judging.not_graded_counts(workspace, run.run_id) == {"polite": (1, 3)}
    kinds = workspace.db.fetchall("SELECT name, kind, position FROM checks ORDER BY position")
    assert kinds == [("exact", "exact", 0), ("polite", "judge", 1)]


def test_the_rendered_prompt_keys_the_cache(workspace, run):
    judge = judge_spec()
    prefill(workspace, judge, {"a": "PASS", "b": "PASS", "c": "PASS"})
    run_checks(workspace, run.run_id, [CheckSpec("exact", "exact", {"ignore_case": False})])  # same reasons
    assert judging.run_judges(workspace, run.run_id, [judge])[0].model_calls == 0
    workspace.db.fetchall("UPDATE items SET output = 'hi' WHERE item_key = 0")  # item 0's prompt changes
    [outcome] = judging.run_judges(workspace, run.run_id, [judge])
    assert (outcome.model_calls, outcome.cache_hits) == (1, 2)
    assert outcome.error.startswith("cannot reach the endpoint http://127.0.0.1:")
    assert judge_cache.verdict_rows(workspace.db, run.run_id, "polite")[0][1:3] == (True, True)  # the earlier run


def test_an_unreachable_endpoint_is_one_line_and_stores_nothing_while_other_judges_land(workspace, run):
    good = judge_spec("cached")
    prefill(workspace, good, {"a": "PASS", "b": "FAIL", "c": "PASS"})
    broken = judge_spec("broken")
    outcomes = judging.run_judges(workspace, run.run_id, [broken, good])
    assert outcomes[0].error.startswith("cannot reach the endpoint http://127.0.0.1:") and outcomes[1].error is None
    assert "\n" not in outcomes[0].error
    stored = workspace.db.fetchall("SELECT DISTINCT check_name FROM check_results ORDER BY 1")
    assert stored == [("cached",), ("exact",)]
    assert judge_cache.verdict_rows(workspace.db, run.run_id, "broken") == []
    with pytest.raises(judging.JudgeFailed, match=r"^judge 'broken': cannot reach the endpoint"):
        judging.raise_failures(outcomes)


def test_an_endpoint_that_never_answers_times_out(workspace, run):
    with socket.socket() as silent:  # accepts connections and never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/v1"
        [outcome] = judging.run_judges(workspace, run.run_id, [judge_spec(endpoint=url, timeout_s=0.5)])
    assert outcome.error == f"the endpoint {url} did not answer within 0.5 s (timeout_s)"
    assert judge_cache.cache_size(workspace.db) == 0


def test_an_http_error_names_the_status(workspace, run, tmp_path):
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = server.stdout.readline()  # "Serving HTTP on 127.0.0.1 port N (...)"
        port = int(line.split(" port ")[1].split()[0])
        url = f"http://127.0.0.1:{port}/v1"
        [outcome] = judging.run_judges(workspace, run.run_id, [judge_spec(endpoint=url)])
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert outcome.error.startswith(f"the endpoint {url} answered HTTP 501: ")
    assert judge_cache.verdict_rows(workspace.db, run.run_id, "polite") == []


def test_a_missing_model_folder_and_a_rubric_that_fails_to_render_are_one_line(workspace, run, tmp_path):
    missing = CheckSpec("local", "judge", {"model": str(tmp_path / "nope"), "rubric": "x"})
    bad = judge_spec("bad", rubric="{{ reasons.emoji.reason }}")
    outcomes = judging.run_judges(workspace, run.run_id, [missing, bad])
    assert (
        outcomes[0].error
        == f"model folder '{tmp_path / 'nope'}' is not a local folder (Curator never downloads weights)"
    )
    assert outcomes[1].error.startswith("item 0: template 'judge bad', field 'rubric': ")
    assert workspace.db.fetchall("SELECT DISTINCT check_name FROM check_results") == [("exact",)]


def test_cancel_stops_an_endpoint_judge_and_stores_nothing(workspace, run):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/v1"
        stop = threading.Event()
        threading.Timer(0.3, stop.set).start()
        [outcome] = judging.run_judges(
            workspace, run.run_id, [judge_spec(endpoint=url, timeout_s=3)], should_cancel=stop.is_set
        )
    assert outcome.error == "judging cancelled"


def test_the_cli_grades_judges_after_the_other_checks_and_prints_the_not_graded_rate(tmp_path, monkeypatch):
    root = tmp_path / "ws"
    with Workspace.open(root) as ws:
        made = create_run_from_records(ws, "replies", RECORDS)
        run_checks(ws, made.run_id, [CheckSpec("exact", "exact")])
        judge = judge_spec(endpoint="http://127.0.0.1:9/v1")
        prefill(ws, judge, {"a": "PASS", "b": "junk", "c": "FAIL"})
    rubric = RUBRIC.replace("\n", "\\n")
    spec_file = tmp_path / "checks.toml"
    spec_file.write_text(
        f'[[check]]\nname = "exact"\nkind = "exact"\n\n[[check]]\nname = "polite"\nkind = "judge"\n'
        f'endpoint = "http://127.0.0.1:9/v1"\nmodel = "judge-model"\nrubric = "{rubric}"\n'
        f'\n[[check]]\nname = "down"\nkind = "judge"\nendpoint = "{closed_port_url()}"\nmodel = "m"\nrubric = "x"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["--workspace", str(root), "check", "replies", "--spec", str(spec_file)])
    assert result.exit_code == 1 and isinstance(result.exception, judging.JudgeFailed)
    assert str(result.exception).startswith("judge 'down': cannot reach the endpoint")
    polite_row = next(line for line in result.output.splitlines() if "polite" in line and "judge" in line)
    assert "50.0% (1/2)" in polite_row and "33.3% (1/3)" in polite_row
    assert "judge 'polite': 3 items, 1 not graded; 0 model calls, 3 answers from the cache" in result.output
    assert result.output.count("(failed)") == 1  # the "down" judge's row
    as_json = CliRunner().invoke(app, ["--workspace", str(root), "check", "replies", "--json"])
    assert '"parse_failure_rate": 0.3333333333333333' in as_json.output


def test_a_rubric_sees_the_other_checks_reasons_but_never_a_judges(workspace, run):
    first = judge_spec("first")
    prefill(workspace, first, {"a": "PASS", "b": "PASS", "c": "PASS"})
    judging.run_judges(workspace, run.run_id, [first])
    reasons = judge_cache.other_reasons(workspace.db, run.run_id, [])
    assert set(reasons[0]) == {"exact"}  # the stored judge 'first' is left out
    assert reasons[1]["exact"] == (False, "differs at word 1: found 'hello', expected 'bye'")


def test_a_judge_replaced_by_another_kind_keeps_no_verdicts(workspace, run):
    judge = judge_spec()
    prefill(workspace, judge, {"a": "PASS", "b": "FAIL", "c": "??"})
    assert judging.run_all_checks(workspace, run.run_id, [judge])[0].graded == 2
    assert judging.run_all_checks(workspace, run.run_id, [CheckSpec("polite", "regex", {"pattern": "h"})]) == []
    assert judging.not_graded_counts(workspace, run.run_id) == {}
    assert workspace.db.fetchall("SELECT kind FROM checks WHERE name = 'polite'") == [("regex",)]
