"""`e` on the training screen re-evaluates with the parent run's stored generation settings (not the defaults),
names the run after the base run, and lands on the compare screen against the base."""

import sys
from pathlib import Path

from review_support import noting_app, settle

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "compare"))
from runpairs import make_run  # noqa: E402

from curator.app.screens.retrain import CompareScreen, TrainingScreen  # noqa: E402
from curator.inference.backends import GenerationSettings  # noqa: E402
from curator.review.runs import resolve_run  # noqa: E402
from curator.storage import jobs as job_queries  # noqa: E402

PARENT = {"max_new_tokens": 48, "temperature": 0.0, "top_p": 1.0, "batch_size": 64, "seed": 0}


async def test_e_uses_the_parents_generation_settings(workspace, tmp_path, monkeypatch):
    sent = []

    def fake_run_eval(ws, request, on_event=lambda e: None, should_cancel=lambda: False):
        sent.append(request)  # the eval child is not started: its request is what this test is about
        parent = resolve_run(ws, request.items)
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
    base = make_run(workspace, "weather-base", {}, per_case=1, generation=PARENT)
    job_id = job_queries.insert_job(
        workspace.db, dataset_path="d.jsonl", base_model=str(tmp_path), config={}, source_run_id=base.run_id
    )
    job_queries.mark_finished(workspace.db, job_id, "succeeded", adapter_path=str(tmp_path))
    app = noting_app(workspace)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        app.push_screen(TrainingScreen(workspace, job_id))
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert sent and sent[0].generation == GenerationSettings(**PARENT)
        assert isinstance(app.screen, CompareScreen)
        assert app.screen.comparison.after_run.name == f"weather-base@job{job_id}"
        assert app.screen.comparison.before_run.name == "weather-base"
        assert app.screen.comparison.settings_note is None  # same settings: nothing to warn about
