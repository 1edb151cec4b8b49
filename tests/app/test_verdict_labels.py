"""Verdict labels in the app: y / x / - on the detail and the browser, a note, the whole filter after a confirmation,
the calibration screen from the overview, its disagreement queue in the browser and "label next" in the detail."""

from __future__ import annotations

from review_support import noting_app, screen_text, settle, until

from curator.app.screens.review.browser import BrowserScreen
from curator.app.screens.review.calibration import CalibrationScreen
from curator.app.screens.review.detail import DetailScreen
from curator.app.screens.review.overview import OverviewScreen
from curator.app.widgets.dialogs import ConfirmDialog
from curator.review import labels as label_domain
from curator.review.browse import ItemFilter

SIZE = (160, 44)


def stored(ws, check: str | None = None) -> dict[str, tuple[bool, str | None]]:
    return {label.item_id: (label.passed, label.note) for label in label_domain.labels_of(ws, "weather-eval", check)}


async def test_detail_keys_label_the_focused_check_and_show_whether_it_agrees(review_ws):
    app = noting_app(review_ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # q000 fails both checks; opened from the failures of `answer`, the keys label `answer`
        app.open_item(review_ws.run_id, 0, ItemFilter(review_ws.run_id, failing_check="answer"))
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, DetailScreen) and detail.focused_check() == "answer"
        assert "▸ answer" in screen_text(app) and "your label" in screen_text(app)
        await pilot.press("y")
        await until(pilot, lambda: "answer" in detail.labels)
        assert stored(review_ws) == {"q000": (True, None)}
        assert "pass · false fail" in screen_text(app)  # the check failed what the analyst passed
        assert any("q000 labelled pass for answer" in n and "the check said fail" in n for n in app.notes)
        await pilot.press("x")
        await until(pilot, lambda: detail.labels["answer"].passed is False)
        assert "fail · agrees" in screen_text(app)
        await pilot.press("minus")
        await until(pilot, lambda: "answer" not in detail.labels)
        assert stored(review_ws) == {}
        await pilot.press("v")  # the focus moves to the other check
        await settle(pilot)
        assert detail.focused_check() == "weather_tag" and "▸ weather_tag" in screen_text(app)
        await pilot.press("X")
        await settle(pilot)
        await pilot.press(*"tag is there", "enter")
        await until(pilot, lambda: "weather_tag" in detail.labels)
        assert stored(review_ws, "weather_tag") == {"q000": (False, "tag is there")}
        await pilot.press("Y", "escape")  # a note prompt closed with escape labels nothing
        await settle(pilot)
        assert stored(review_ws, "weather_tag") == {"q000": (False, "tag is there")}


async def test_browser_labels_the_highlighted_item_then_the_whole_filter_after_confirming(review_ws):
    app = noting_app(review_ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_browser(ItemFilter(review_ws.run_id, failing_check="answer"))
        await settle(pilot)
        browser = app.screen
        assert isinstance(browser, BrowserScreen)
        assert "labels: answer" in screen_text(app)
        await pilot.press("y")
        await until(pilot, lambda: stored(review_ws) == {"q000": (True, None)})
        await pilot.press("L")
        await settle(pilot)
        await pilot.press(*"maybe", "enter")  # not a verdict: one line, nothing asked
        await settle(pilot)
        assert any("a verdict is pass, fail or clear, not 'maybe'" in n for n in app.notes)
        await pilot.press("L")
        await settle(pilot)
        await pilot.press(*"fail answered one off", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "Label fail for check answer on all 8 items" in screen_text(app)
        await pilot.press("y")
        await until(pilot, lambda: len(stored(review_ws)) == 8)
        assert set(stored(review_ws).values()) == {(False, "answered one off")}
        assert any("labelled fail for check answer: 8 item(s)" in n for n in app.notes)


def label_answer_check(ws) -> None:
    """Label every item for `answer` as the check said, except q003 (the check failed it; the label passes it)."""
    for i in range(24):
        if i == 5:
            continue  # one item left unlabelled, for "label next"
        label_domain.set_label(ws, "weather-eval", f"q{i:03d}", "answer", i % 3 != 0 or i == 3)


async def test_calibration_screen_from_the_overview_then_its_queues(review_ws):
    label_answer_check(review_ws)
    app = noting_app(review_ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_run(review_ws.run_id)
        await settle(pilot)
        overview = app.screen
        assert isinstance(overview, OverviewScreen)
        table = overview.query_one("#checks-table")
        table.focus()
        table.move_cursor(row=[c.name for c in overview.overview.checks].index("answer"))
        await pilot.press("C")
        await until(pilot, lambda: isinstance(app.screen, CalibrationScreen) and app.screen.report is not None)
        await settle(pilot)
        shown = screen_text(app)
        report = app.screen.report
        assert "calibration of answer" in shown and "uncalibrated" in shown
        assert "TPR (Wilson 95%)" in shown and "corrected pass rate (bootstrap 95%)" in shown
        assert "warning: uncalibrated: under 20 test labels per verdict" in shown
        assert f"{report.test_labels} ({report.confusion.label_passes} pass" in shown
        await pilot.press("f")  # the false fails: q003, whichever part it fell in
        await until(pilot, lambda: isinstance(app.screen, BrowserScreen) and app.screen.items is not None)
        assert app.screen.items.count == 1 and "false fails of answer" in screen_text(app)
        assert "labels: answer" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("p")
        await until(pilot, lambda: any("no false passes of answer" in n for n in app.notes))
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen.detail is not None)
        assert app.screen.detail.item.item_id == "q005" and app.screen.focused_check() == "answer"
        await pilot.press("y")
        await until(pilot, lambda: "q005" in stored(review_ws, "answer"))
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("l")
        await until(pilot, lambda: any("every item answer graded is labelled" in n for n in app.notes))
        assert isinstance(app.screen, CalibrationScreen)


async def test_palette_opens_a_checks_calibration_and_its_label_next(review_ws):
    app = noting_app(review_ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_run(review_ws.run_id)
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"calibration of check weather_tag", "enter")
        await until(pilot, lambda: isinstance(app.screen, CalibrationScreen) and app.screen.check_name == "weather_tag")
        await settle(pilot)
        assert "no labels for check 'weather_tag'" in screen_text(app)  # nothing labelled yet: one line
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"label next for check weather_tag", "enter")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen.detail is not None)
        assert app.screen.focused_check() == "weather_tag"
