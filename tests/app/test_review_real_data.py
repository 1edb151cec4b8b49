"""The review flow on a real lm-evaluation-harness log: import, grade, find the failure, bucket it."""

from __future__ import annotations

from review_support import screen_text, settle

from curator.app.curator_app import CuratorApp
from curator.app.screens.review.detail import DetailScreen

ASDIV = "lm-eval/samples_asdiv_2024-08-21T03-44-09.494230.jsonl"


async def test_the_one_wrong_asdiv_answer_is_found_and_bucketed(workspace, real_logs):
    from curator.checks import load_spec_text, run_checks
    from curator.importers import import_file

    run = import_file(workspace, real_logs / ASDIV).run
    run_checks(workspace, run.name, load_spec_text('[[check]]\nname = "answer"\nkind = "numeric"\n', "test"))
    failing = workspace.db.fetchall("SELECT item_key FROM check_results WHERE NOT passed")
    app = CuratorApp(workspace)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert f"{len(failing)} of 50 items" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and app.screen.item_key == failing[0][0]
        assert "FAIL" in screen_text(app)
        await pilot.press("b", *"wrong-arithmetic", "enter", *"miscounted", "enter")
        await settle(pilot)
    assert workspace.db.fetchall("SELECT l.item_key, b.name FROM labels l JOIN buckets b USING (bucket_id)") == [
        (failing[0][0], "wrong-arithmetic")
    ]
