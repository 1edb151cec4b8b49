"""The runs list tells runs apart by the end of their model and adapter paths, never by a cut start."""

from __future__ import annotations

from review_support import noting_app, screen_text, settle, weather_records

from curator.app.widgets.paths import distinguishing_end
from curator.review.runs import create_run_from_records


def test_the_folder_name_shows_with_its_parent_when_the_name_alone_is_generic():
    assert distinguishing_end("/home/ana/work/models/smollm2-135m-instruct", 30) == "smollm2-135m-instruct"
    assert distinguishing_end("/ws/models/adapters/job-7/adapter", 30) == "job-7/adapter"
    assert distinguishing_end("/ws/models/adapters/job-12/checkpoint-40/", 30) == "job-12/checkpoint-40"
    assert distinguishing_end("HuggingFaceTB/SmolLM2-135M-Instruct", 30) == "SmolLM2-135M-Instruct"
    assert distinguishing_end("C:\\models\\qwen\\adapter", 30) == "qwen/adapter"
    assert distinguishing_end(None, 10) == "–"


def test_a_long_name_is_cut_from_its_start_and_control_characters_are_written_out():
    shown = distinguishing_end("/m/a-very-long-model-folder-name-v2", 12)
    assert shown == "…der-name-v2" and len(shown) == 12
    assert distinguishing_end("/m/evil\x1b[31mname", 40) == "evil\\x1b[31mname"


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
    assert "job-3/adapter" in shown and "job-14/adapter" in shown
    assert "…2-135m-instruct" in shown  # the model column's 16 cells keep the end of the folder name
    assert "/home/ana" not in shown
