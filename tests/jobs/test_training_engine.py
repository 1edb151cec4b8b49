"""vLLM's engine options on a training job: `curator train` stores them, the re-eval after training uses the
job's over the run's, and `curator eval` refuses a value vLLM would refuse, in one line."""

from __future__ import annotations

import json

import pytest
from enginework import RUN_ENGINE, vllm_run
from loopwork import write_train_file
from typer.testing import CliRunner

from curator.cli.main import app
from curator.demo.task import eval_records
from curator.errors import CuratorError
from curator.jobs import training as job_domain
from curator.jobs.child_jobs import list_child_jobs
from curator.review.runs import create_run_from_records, list_runs, resolve_run
from curator.storage import jobs as job_queries
from curator.workspace import Workspace


@pytest.fixture
def not_started(monkeypatch):
    """`curator train` stores its job, then stops before starting the training child."""

    def refuse(ws, job_id, launcher="python"):
        raise CuratorError("not started in this test")

    monkeypatch.setattr(job_domain, "start_job", refuse)


@pytest.fixture
def sent(monkeypatch):
    """The eval requests a re-evaluation hands to the eval child (the child itself is not started)."""
    requests = []

    def fake_run_eval(ws, request, on_event=lambda e: None, should_cancel=lambda: False):
        requests.append(request)
        parent = resolve_run(ws, request.items)
        records = eval_records(per_case=1)
        for record in records:
            record["output"] = record["target"]
        return create_run_from_records(ws, request.name, records, parent_run_id=parent.run_id, adapter=request.adapter)

    monkeypatch.setattr("curator.jobs.evals.run_eval", fake_run_eval)
    return requests


def _train(root, tmp_path, *flags: str):
    model = tmp_path / "model"
    model.mkdir(exist_ok=True)
    data = write_train_file(tmp_path / "fix.jsonl", rows=4)
    args = ["-w", str(root), "train", "--dataset", str(data), "--model", str(model), "--device", "cpu", *flags]
    return CliRunner().invoke(app, args)


def test_curator_train_stores_the_engine_options_and_the_reeval_uses_them(workspace, tmp_path, not_started, sent):
    run = vllm_run(workspace)
    workspace.close()
    result = _train(workspace.root, tmp_path, "--run", run.name, "--max-model-len", "512")
    assert "not started in this test" in str(result.exception)
    with Workspace.open(workspace.root) as ws:
        job = job_domain.list_jobs(ws)[0]
        expected = {"max_model_len": 512, "gpu_memory_utilization": 0.6, "tensor_parallel_size": 1}
        assert job.config["engine"] == expected  # the option given, the run's for the rest
        spec = json.loads((tmp_path / "ws" / "models" / "adapters" / "job-1" / "job.json").read_text())
        assert spec["engine"] == expected
        job_queries.mark_finished(ws.db, job.job_id, "succeeded", adapter_path=str(tmp_path / "model"))
        job_domain.reeval_with_adapter(ws, job.job_id)
    assert sent[0].backend == "vllm" and sent[0].engine == {"max_model_len": 512, "gpu_memory_utilization": 0.6}


def test_a_job_without_engine_options_reevaluates_with_the_runs(workspace, tmp_path, sent):
    run = vllm_run(workspace)
    job_id = job_queries.insert_job(  # a job stored before jobs kept engine options
        workspace.db, dataset_path="d.jsonl", base_model=str(tmp_path), config={}, source_run_id=run.run_id
    )
    job_queries.mark_finished(workspace.db, job_id, "succeeded", adapter_path=str(tmp_path))
    job_domain.reeval_with_adapter(workspace, job_id)
    assert sent[0].engine == RUN_ENGINE


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--gpu-memory-utilization", "2"], "--gpu-memory-utilization is a share of the GPU's memory"),
        (["--tensor-parallel-size", "0"], "--tensor-parallel-size must be 1 or more GPUs (got 0)"),
        (["--max-model-len", "-5"], "--max-model-len must be a whole number of tokens"),
    ],
)
def test_a_bad_engine_option_is_refused_in_one_line_before_any_job(workspace, tmp_path, flags, message):
    workspace.close()
    trained = _train(workspace.root, tmp_path, *flags)
    items = tmp_path / "eval.jsonl"
    items.write_text(json.dumps({"id": "a", "input": "hi"}) + "\n")
    evaluated = CliRunner().invoke(
        app, ["-w", str(workspace.root), "eval", "--model", str(tmp_path), "--items", str(items), *flags]
    )
    for result in (trained, evaluated):
        assert isinstance(result.exception, CuratorError) and message in str(result.exception)
        assert "\n" not in str(result.exception)
    with Workspace.open(workspace.root) as ws:
        assert job_domain.list_jobs(ws) == []
        assert list_child_jobs(ws) == [] and list_runs(ws) == []  # no eval job, the eval file not even imported
