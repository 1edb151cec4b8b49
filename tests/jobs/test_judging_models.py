"""Judges that run a model: the tiny model through the local child, and through a real OpenAI-compatible server
(`transformers serve` on 127.0.0.1). The tiny model answers nonsense, so its items are left not graded."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from curator.checks import CheckSpec, run_checks, spec
from curator.jobs import judging
from curator.review.runs import create_run_from_records
from curator.storage import judge_cache

pytestmark = pytest.mark.slow
RECORDS = [
    {"item_id": "a", "input": "Mia has 3 apples and gets 4 more. How many now?", "target": "7", "output": "7"},
    {"item_id": "b", "input": "Leo has 9 cups and gives away 2. How many now?", "target": "7", "output": "11"},
    {"item_id": "c", "input": "Say something polite.", "target": None, "output": "Go away."},
]
RUBRIC = "Question: {{ input }}\nReply: {{ output }}\nIs the reply correct and polite?"
SERVER_START_S = 300  # `transformers serve` takes ~45 s on a loaded 2-core machine, mostly imports


@pytest.fixture
def run(workspace):
    made = create_run_from_records(workspace, "replies", RECORDS)
    run_checks(workspace, made.run_id, [CheckSpec("answered", "regex", {"pattern": r"\d"})])
    return made


def _judge(name: str, model: str, **extra) -> CheckSpec:
    opts = {"model": model, "rubric": RUBRIC, "max_new_tokens": 12, **extra}
    return spec.validate_specs([CheckSpec(name, "judge", opts)])[0]


def _job_dirs(ws) -> list[Path]:
    return sorted((ws.root / "jobs").glob("judge-*"))


def _assert_not_graded(ws, run_id: int, name: str, items: int) -> None:
    rows = judge_cache.verdict_rows(ws.db, run_id, name)
    assert len(rows) == items
    assert all(
        not graded and passed is None and reason.startswith("not graded: ") for _, graded, passed, *_, reason in rows
    )
    assert ws.db.fetchone("SELECT count(*) FROM check_results WHERE check_name = ?", [name]) == (0,)


def test_local_judges_share_a_child_leave_nonsense_not_graded_and_cache_their_answers(workspace, run, demo_model_dir):
    specs = [
        _judge("greedy", str(demo_model_dir)),
        _judge("voted", str(demo_model_dir), samples=3, temperature=0.8, seed=5),
    ]
    local = judging.LocalSettings(dtype="float32", cpu_threads=1)
    seen = []
    outcomes = judging.run_judges(workspace, run.run_id, specs, progress=lambda *e: seen.append(e), local=local)
    assert [o.error for o in outcomes] == [None, None]
    assert [(o.items, o.graded, o.model_calls, o.cache_hits) for o in outcomes] == [(3, 0, 3, 0), (3, 0, 9, 0)]
    assert ("greedy, voted", 12, 12) in seen  # one child for both judges: one model load
    assert len(_job_dirs(workspace)) == 1
    _assert_not_graded(workspace, run.run_id, "greedy", 3)
    _assert_not_graded(workspace, run.run_id, "voted", 3)
    assert judge_cache.cache_size(workspace.db) == 12
    assert workspace.db.fetchall("SELECT DISTINCT sample_index FROM judge_cache ORDER BY 1") == [(0,), (1,), (2,)]
    assert judging.not_graded_counts(workspace, run.run_id) == {"greedy": (3, 3), "voted": (3, 3)}
    dirs = _job_dirs(workspace)
    again = judging.run_judges(workspace, run.run_id, specs, local=local)
    assert [(o.model_calls, o.cache_hits, o.error) for o in again] == [(0, 3, None), (0, 9, None)]
    assert _job_dirs(workspace) == dirs  # no child started


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def served_model(demo_model_dir, tmp_path_factory):
    """`transformers serve` on the tiny model folder, on a free port of 127.0.0.1; stopped when the module ends."""
    port, log = _free_port(), tmp_path_factory.mktemp("serve") / "serve.log"
    command = [str(Path(sys.executable).parent / "transformers"), "serve", str(demo_model_dir)]
    command += ["--host", "127.0.0.1", "--port", str(port), "--device", "cpu"]
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", OMP_NUM_THREADS="1")
    with log.open("wb") as out:
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            if server.poll() is not None:
                pytest.fail(f"transformers serve exited {server.returncode}: {log.read_text(errors='replace')[-800:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"transformers serve not ready in {SERVER_START_S} s: {log.read_text(errors='replace')[-800:]}"
                )
            time.sleep(1)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()


def test_a_judge_through_a_real_openai_compatible_server(workspace, run, demo_model_dir, served_model):
    judge = _judge("served", str(demo_model_dir), endpoint=served_model, timeout_s=120)
    [outcome] = judging.run_judges(workspace, run.run_id, [judge])
    assert (outcome.error, outcome.items, outcome.model_calls) == (None, 3, 3)
    _assert_not_graded(workspace, run.run_id, "served", 3)
    answers = workspace.db.fetchall("SELECT model_id, answer FROM judge_cache")
    assert len(answers) == 3 and all(model == f"endpoint:{served_model}|{demo_model_dir}" for model, _ in answers)
    [again] = judging.run_judges(workspace, run.run_id, [judge])
    assert (again.model_calls, again.cache_hits, again.error) == (0, 3, None)


def test_a_model_the_server_does_not_serve_is_its_http_error_in_one_line(workspace, run, served_model):
    [outcome] = judging.run_judges(workspace, run.run_id, [_judge("wrong", "no-such-model", endpoint=served_model)])
    assert outcome.error.startswith(f"the endpoint {served_model} answered HTTP 400: ")
    assert "no-such-model" in outcome.error and "\n" not in outcome.error
    assert judge_cache.verdict_rows(workspace.db, run.run_id, "wrong") == []


def test_cancelling_a_local_judge_stops_its_child_and_stores_nothing(workspace, run, demo_model_dir):
    [outcome] = judging.run_judges(
        workspace, run.run_id, [_judge("stopped", str(demo_model_dir))], should_cancel=lambda: True
    )
    assert outcome.error == "cancelled"
    assert judge_cache.cache_size(workspace.db) == 0
    assert judge_cache.verdict_rows(workspace.db, run.run_id, "stopped") == []
    [job_dir] = _job_dirs(workspace)
    assert (job_dir / "cancel").exists() and not (job_dir / "answers.jsonl").exists()
