"""Checks graded by a model (judge, learned) are shown like the others, marked, with their not-graded count and
their calibration: in the overview, the browser's columns and title, and the compare screen's verdict."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from review_support import noting_app, screen_text, settle, until
from textual.widgets import DataTable

from curator.app.screens.retrain import CompareScreen
from curator.app.screens.review.browser import BrowserScreen
from curator.app.screens.review.overview import OverviewScreen
from curator.review import labels as label_domain
from curator.review.browse import ItemFilter
from curator.review.calibration import calibrate
from curator.review.label_views import CheckStanding, check_standings
from curator.storage import judge_cache

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "compare"))
from runpairs import make_pair  # noqa: E402

SIZE = (160, 44)


def store_polite_judge(ws, run_id: int, keys: list[int], not_graded: int = 4) -> None:
    """A judge 'polite' that could not read its answer on the first `not_graded` items and passes odd keys."""
    rows = [
        {
            "item_key": key,
            "graded": n >= not_graded,
            "passed": key % 2 == 1 if n >= not_graded else None,
            "score": None,
            "agreement": 1.0,
            "samples": 1,
            "reason": "Verdict: PASS" if n >= not_graded else "not graded: no PASS or FAIL in the answer 'hm'",
        }
        for n, key in enumerate(keys)
    ]
    spec = json.dumps({"name": "polite", "kind": "judge", "model": "m", "rubric": "Is it polite? {{ output }}"})
    judge_cache.store_judge(ws.db, run_id, "polite", "judge", spec, [], rows)


async def test_overview_and_browser_mark_a_judge_with_its_not_graded_count_and_uncalibrated(review_ws):
    store_polite_judge(review_ws, review_ws.run_id, list(range(24)))
    app = noting_app(review_ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_run(review_ws.run_id)
        await until(pilot, lambda: isinstance(app.screen, OverviewScreen) and app.screen.overview is not None)
        await settle(pilot)
        table = app.screen.query_one("#checks-table", DataTable)
        polite = [str(cell) for cell in table.get_row("polite")]
        assert "judge (model)" in polite and "4 of 24" in polite and "uncalibrated" in polite
        answer = [str(cell) for cell in table.get_row("answer")]
        assert "numeric" in answer and "uncalibrated" not in answer  # a rule never scored shows nothing
        app.open_browser(ItemFilter(review_ws.run_id))
        await until(pilot, lambda: isinstance(app.screen, BrowserScreen) and app.screen.items is not None)
        await settle(pilot)
        shown = screen_text(app)
        assert "≈polite" in shown and "≈ model-graded: polite (4 of 24 not graded, uncalibrated)" in shown


async def test_a_calibrated_check_shows_its_corrected_pass_rate_in_the_overview(review_ws):
    for i in range(24):  # labels as the check said, except one: few test labels, so still uncalibrated
        label_domain.set_label(review_ws, "weather-eval", f"q{i:03d}", "answer", i % 3 != 0 or i == 3)
    report = calibrate(review_ws, "weather-eval", "answer")
    assert report.uncalibrated
    standing = check_standings(review_ws, review_ws.run_id)["answer"]
    assert standing.calibrated is False and standing.calibration_text() == "uncalibrated"
    app = noting_app(review_ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_run(review_ws.run_id)
        await until(pilot, lambda: isinstance(app.screen, OverviewScreen) and app.screen.overview is not None)
        await settle(pilot)
        table = app.screen.query_one("#checks-table", DataTable)
        assert "uncalibrated" in [str(cell) for cell in table.get_row("answer")]


def test_the_calibration_text_of_a_calibrated_check():
    def standing(**figures) -> CheckStanding:
        base = dict(
            name="polite",
            kind="judge",
            not_graded=3,
            looked_at=40,
            calibrated=True,
            corrected_pass_rate=0.675,
            corrected_interval=(0.594, 0.768),
            clean_test=True,
        )
        return CheckStanding(**{**base, **figures})

    assert standing().calibration_text() == "corrected 67.5% [59.4%, 76.8%]"
    assert standing(clean_test=False).calibration_text() == "corrected 67.5% [59.4%, 76.8%] (not a clean test)"
    assert standing(corrected_pass_rate=None).calibration_text() == "corrected: none (no better than a coin)"
    assert standing(calibrated=None).calibration_text() == ""


async def test_compare_marks_a_judged_check_beside_its_mcnemar_verdict(workspace):
    before, after = make_pair(workspace)
    for run in (before, after):
        keys = [k for (k,) in workspace.db.fetchall("SELECT item_key FROM items WHERE run_id = ?", [run.run_id])]
        store_polite_judge(workspace, run.run_id, keys, not_graded=0)
    app = noting_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = CompareScreen(workspace, after.name)
        app.push_screen(screen)
        await until(pilot, lambda: screen.comparison is not None)
        await settle(pilot)
        held_out = screen.query_one("#compare-held-out", DataTable)
        cells = [str(cell) for cell in held_out.get_row("polite")]
        assert cells[0] == "≈polite" and "model-graded: uncalibrated" in cells[-1]
        assert "exact McNemar" in screen_text(app)
        rule = [str(cell) for cell in held_out.get_row(screen.comparison.checks[0].name)]
        assert "model-graded" not in rule[-1]


async def test_label_next_on_a_sampled_judge_opens_its_least_unanimous_item(review_ws):
    from curator.app.screens.review.detail import DetailScreen

    rows = [
        {
            "item_key": key,
            "graded": True,
            "passed": True,
            "score": None,
            "agreement": 2 / 3 if key == 17 else 1.0,  # q017: the samples split 2 to 1
            "samples": 3,
            "reason": "Verdict: PASS",
        }
        for key in range(24)
    ]
    spec = json.dumps({"name": "polite", "kind": "judge", "model": "m", "rubric": "{{ output }}", "samples": 3})
    judge_cache.store_judge(review_ws.db, review_ws.run_id, "polite", "judge", spec, [], rows)
    app = noting_app(review_ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_label_next(review_ws.run_id, "polite")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen.detail is not None)
        assert app.screen.detail.item.item_id == "q017" and app.screen.focused_check() == "polite"
