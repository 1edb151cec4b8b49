"""The runs list tells runs apart by the end of their model and adapter paths, never by a cut start."""

from __future__ import annotations

from review_support import noting_app, screen_text, settle, weather_records

from curator.app.widgets.paths import fitted_end
from curator.review.runs import create_run_from_records


def test_the_end_of_a_path_shows_cut_from_its_start_to_the_cell():
    assert fitted_end("/ws/models/adapters/job-7/adapter", 18) == "…/job-7/adapter"
    assert fitted_end("/home/ana/work/models/smollm2-135m-instruct", 30, parts=1) == "…/smollm2-135m-instruct"
    shown = fitted_end("/m/a-very-long-model-folder-name-v2", 12, parts=1)
    assert shown == "…der-name-v2" and len(shown) == 12
    assert fitted_end("/m/evil\x1b[31mname", 40, parts=1) == "…/evil\\x1b[31mname"
    assert fitted_end(None, 10) == "–"


async def test_the_runs_screen_shows_the_job_and_model_folder_of_each_run(workspace):
    for job in (3, 14):
        create_run_from_records(
            workspace,
            f"reeval-{job}",
            weather_records(2),
            model="/home/ana/work/models/smollm2-135m-instruct",
            adapter=f"/home/ana/work/models/adapters/job-{job}/adapter",
        )
    app = noting_app(workspace)
    async with app.run_test(size=(120, 20)) as pilot:
        await settle(pilot)
        shown = screen_text(app)
    assert "…/job-3/adapter" in shown and "…/job-14/adapter" in shown
    assert "…2-135m-instruct" in shown  # the model column's 16 cells keep the end of the folder name
    assert "/home/ana" not in shown
