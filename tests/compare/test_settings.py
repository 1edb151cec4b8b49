"""Re-evaluation uses the parent run's generation settings; compare refuses runs generated differently."""

import json

import pytest
from runpairs import make_pair, make_run
from typer.testing import CliRunner

from curator.cli.main import app
from curator.compare.comparison import compare_runs
from curator.compare.settings import SettingsMismatch
from curator.errors import CuratorError
from curator.inference.backends import GenerationSettings
from curator.jobs import training as job_domain
from curator.review.runs import resolve_run
from curator.storage import jobs as job_queries

PARENT = {"max_new_tokens": 48, "temperature": 0.0, "top_p": 1.0, "batch_size": 64, "seed": 0}


@pytest.fixture
def sent(monkeypatch, workspace):
    """The eval requests the re-evaluation hands to the eval child (the child itself is not started)."""
    requests = []

    def fake_run_eval(ws, request, on_event=lambda e: None, should_cancel=lambda: False):
        requests.append(request)
        parent = resolve_run(ws, request.items)  # as the real one: the new run's parent is the re-evaluated run
        return make_run(
            ws,
            request.name,
            {},
            per_case=1,
            parent=parent,
            generation=request.generation.as_dict(),
            adapter=request.adapter,
        )

    monkeypatch.setattr("curator.jobs.evals.run_eval", fake_run_eval)
    return requests


def _succeeded_job(ws, tmp_path, source_run) -> int:
    job_id = job_queries.insert_job(
        ws.db, dataset_path=str(tmp_path / "d.jsonl"), base_model=str(tmp_path), config={}, source_run_id=source_run
    )
    job_queries.mark_finished(ws.db, job_id, "succeeded", adapter_path=str(tmp_path))
    return job_id


def test_reeval_without_settings_uses_the_parents_not_the_defaults(workspace, tmp_path, sent):
    parent = make_run(workspace, "base", {}, per_case=1, generation=PARENT)
    job_id = _succeeded_job(workspace, tmp_path, parent.run_id)
    new_run = job_domain.reeval_with_adapter(workspace, job_id)  # what the training screen's `e` does
    assert sent[0].generation == GenerationSettings(**PARENT)
    assert GenerationSettings().max_new_tokens != 48  # the defaults would have differed
    assert new_run.settings["generation"]["max_new_tokens"] == 48
    assert new_run.name == f"base@job{job_id}"


def test_reeval_refuses_other_settings_unless_told(workspace, tmp_path, sent):
    parent = make_run(workspace, "base", {}, per_case=1, generation=PARENT)
    job_id = _succeeded_job(workspace, tmp_path, parent.run_id)
    with pytest.raises(CuratorError, match=r"max_new_tokens 48 -> 64.*--allow-settings-mismatch"):
        job_domain.reeval_with_adapter(workspace, job_id, generation=GenerationSettings(max_new_tokens=64))
    assert sent == [] and job_queries.get_job(workspace.db, job_id).produced_run_id is None
    job_domain.reeval_with_adapter(
        workspace, job_id, generation=GenerationSettings(max_new_tokens=64), allow_settings_mismatch=True
    )
    assert sent[0].generation.max_new_tokens == 64


def test_reeval_may_change_only_the_batch_size(workspace, tmp_path, sent):
    parent = make_run(workspace, "base", {}, per_case=1, generation=PARENT)
    job_id = _succeeded_job(workspace, tmp_path, parent.run_id)
    job_domain.reeval_with_adapter(workspace, job_id, generation=GenerationSettings(max_new_tokens=48, batch_size=8))
    assert sent[0].generation == GenerationSettings(**{**PARENT, "batch_size": 8})


def test_a_second_jobs_run_is_named_after_the_base_run_not_stacked(workspace, tmp_path, sent):
    base = make_run(workspace, "weather-base", {}, per_case=1, generation=PARENT)
    first_job = _succeeded_job(workspace, tmp_path, base.run_id)
    first = job_domain.reeval_with_adapter(workspace, first_job)
    second_job = _succeeded_job(workspace, tmp_path, first.run_id)  # retrained from the first run's view
    second = job_domain.reeval_with_adapter(workspace, second_job)
    assert (first.name, second.name) == ("weather-base@job1", "weather-base@job2")
    assert sent[1].items == first.run_id


def test_compare_refuses_runs_generated_with_different_settings(workspace):
    _before, after = make_pair(workspace, PARENT, {**PARENT, "max_new_tokens": 64})
    with pytest.raises(SettingsMismatch) as refused:
        compare_runs(workspace, after.name)
    message = str(refused.value)
    assert "\n" not in message
    assert message == (
        "runs 'base' and 'base@job1' were generated with different settings (max_new_tokens 48 -> 64): "
        "re-evaluate with the same settings, or pass --allow-settings-mismatch"
    )
    allowed = compare_runs(workspace, after.name, allow_settings_mismatch=True)
    assert allowed.settings_note.endswith("compared anyway, as asked")


def test_compare_cli_refuses_with_one_line_and_compares_when_told(workspace):
    _before, after = make_pair(workspace, PARENT, {**PARENT, "temperature": 0.7})
    workspace.close()
    runner = CliRunner()
    refused = runner.invoke(app, ["-w", str(workspace.root), "compare", after.name])
    assert refused.exit_code != 0
    assert "temperature 0.0 -> 0.7" in str(refused.exception) + refused.output
    told = runner.invoke(app, ["-w", str(workspace.root), "compare", after.name, "--allow-settings-mismatch", "--json"])
    assert told.exit_code == 0, told.output
    payload = json.loads(told.stdout)
    assert payload["settings"]["before"]["temperature"] == 0.0 and payload["settings"]["after"]["temperature"] == 0.7
    assert "compared anyway" in payload["settings"]["note"]


def test_a_different_batch_size_is_not_a_mismatch(workspace):
    _before, after = make_pair(workspace, PARENT, {**PARENT, "batch_size": 8})
    assert compare_runs(workspace, after.name).settings_note is None


def test_reeval_uses_the_parents_dtype_and_compare_refuses_another(workspace, tmp_path, sent):
    parent = make_run(workspace, "base", {}, per_case=1, generation=PARENT, dtype="float32")
    job_id = _succeeded_job(workspace, tmp_path, parent.run_id)
    job_domain.reeval_with_adapter(workspace, job_id)
    assert sent[0].dtype == "float32"
    after = make_run(workspace, "other", {}, per_case=1, parent=parent, generation=PARENT, dtype="bfloat16")
    with pytest.raises(SettingsMismatch, match="dtype float32 -> bfloat16"):
        compare_runs(workspace, after.name)


def test_compare_refuses_a_transformers_and_a_vllm_run_unless_told(workspace):
    before = make_run(workspace, "base", {}, per_case=1, generation=PARENT, backend="transformers")
    after = make_run(workspace, "gpu", {}, per_case=1, parent=before, generation=PARENT, backend="vllm")
    with pytest.raises(SettingsMismatch) as refused:
        compare_runs(workspace, after.name)
    assert str(refused.value) == (
        "runs 'base' and 'gpu' were generated with different settings (backend transformers -> vllm): "
        "re-evaluate with the same settings, or pass --allow-settings-mismatch"
    )
    allowed = compare_runs(workspace, after.name, allow_settings_mismatch=True)
    assert "backend transformers -> vllm" in allowed.settings_note
    older = make_run(workspace, "older", {}, per_case=1, parent=before, generation=PARENT)  # stored no backend
    assert compare_runs(workspace, older.name).settings_note is None
    same = make_run(workspace, "same", {}, per_case=1, parent=before, generation=PARENT, backend="transformers")
    assert compare_runs(workspace, same.name).settings_note is None


def test_reeval_uses_the_parents_backend_unless_another_is_asked_for(workspace, tmp_path, sent):
    parent = make_run(workspace, "base", {}, per_case=1, generation=PARENT, backend="vllm")
    job_id = _succeeded_job(workspace, tmp_path, parent.run_id)
    job_domain.reeval_with_adapter(workspace, job_id)
    job_domain.reeval_with_adapter(workspace, job_id, backend="transformers")
    assert [request.backend for request in sent] == ["vllm", "transformers"]


def test_reeval_keeps_the_parents_vllm_engine_options(workspace, tmp_path, sent):
    engine = {"max_model_len": 2048, "gpu_memory_utilization": 0.6}
    parent = make_run(workspace, "base", {}, per_case=1, generation=PARENT, backend="vllm", engine=engine)
    job_domain.reeval_with_adapter(workspace, _succeeded_job(workspace, tmp_path, parent.run_id))
    assert sent[0].backend == "vllm" and sent[0].engine == engine
