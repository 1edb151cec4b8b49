"""An eval run by Curator is a job: its row records the run it produced, the dtype chosen and why."""

import pytest
from loopwork import weather_run

from curator.inference.backends import GenerationSettings
from curator.jobs.child_jobs import list_child_jobs
from curator.jobs.evals import EvalRequest, run_eval

pytestmark = pytest.mark.slow


def test_a_succeeded_eval_records_its_run_and_its_dtype_reason(workspace, demo_model_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("CURATOR_CORES_DIR", str(tmp_path / "cores"))
    weather_run(workspace, per_case=1)
    events = []
    request = EvalRequest(
        model=str(demo_model_dir), items="weather", name="after", generation=GenerationSettings(16, batch_size=8)
    )
    run = run_eval(workspace, request, on_event=events.append)
    [job] = list_child_jobs(workspace)
    assert (job.kind, job.status, job.result_id, job.label) == ("eval", "succeeded", run.run_id, "after")
    assert job.job_dir.endswith(f"jobs/eval-{job.job_id}") and run.settings["job_id"] == job.job_id
    loaded = next(e for e in events if e["event"] == "loaded")
    assert run.settings["dtype"] == loaded["dtype"] and run.settings["dtype_reason"].startswith("auto: ")
    assert loaded["threads"] >= 1
    done = [e["done"] for e in events if e["event"] == "generated"]
    assert done == sorted(done) and done[-1] == run.item_count


def test_a_failed_eval_is_recorded_failed_with_its_error(workspace, tmp_path, monkeypatch):
    from curator.errors import CuratorError

    monkeypatch.setenv("CURATOR_CORES_DIR", str(tmp_path / "cores"))
    weather_run(workspace, per_case=1)
    not_a_model = tmp_path / "empty-model"
    not_a_model.mkdir()
    with pytest.raises(CuratorError, match="eval failed"):
        run_eval(workspace, EvalRequest(model=str(not_a_model), items="weather"))
    [job] = list_child_jobs(workspace)
    assert job.status == "failed" and job.error.startswith("eval failed") and job.result_id is None
