"""The sweep screen on stored sweeps (constructed runs, no training): reached from the palette and the mixer, it
shows per check each variant's held-out pass rate with its Wilson interval and spread over seeds, the seeds'
verdicts, the front marks, the learning curve and the recommendation; cancel and resume run from it."""

import threading

from review_support import noting_app, screen_text, settle, until
from runpairs import make_run
from sweepscreen_support import stored_sweep
from textual.widgets import DataTable
from textual_plotext import PlotextPlot

from curator.app.screens.fix.mixer import MixerScreen
from curator.app.screens.sweeps.screen import SweepsScreen
from curator.storage import sweeps as sweep_queries
from curator.sweeps import queue as queue_module
from curator.sweeps.trial import TrialCancelled

SIZE = (170, 50)


def _loaded(app, name: str = "s"):
    screen = app.screen
    return isinstance(screen, SweepsScreen) and screen.report is not None and screen.report.sweep.name == name


def _figures(screen) -> list[list[str]]:
    table = screen.query_one("#sweep-figures", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_the_palette_opens_the_sweeps_with_figures_front_curve_and_recommendation(workspace, tmp_path):
    stored_sweep(workspace, tmp_path)
    app = noting_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"sweeps", "enter")
        await until(pilot, lambda: _loaded(app), 30)
        await settle(pilot)
        screen = app.screen
        rows = _figures(screen)
        tag = [r for r in rows if r[0] == "weather_tag"]
        assert tag[0][1:5] == ["base", "", "0%", "0%-22%"]
        assert tag[1][1:] == ["fixes=2", "6", "61%", "42%-76%", "21%-100%", "+60.7", "improved 1/2", ""]
        assert tag[2][1:] == ["fixes=6", "10", "100%", "88%-100%", "100%-100%", "+100.0", "improved 2/2", "*"]
        buckets = screen.query_one("#sweep-buckets", DataTable)
        assert [str(c) for c in buckets.get_row_at(0)] == [
            "tricky-weather", "held-out", "0%", "61% (21%-100%)", "100% (100%-100%)",
        ]  # fmt: skip
        shown = screen_text(app)
        assert "sweep s: recipe fix, base run base, rows sweep, seeds 0, 1; queued, 4 of 4 trials done" in shown
        assert "Pareto front across checks (*): fixes=6" in shown
        assert "recommendation: fixes=6 (10 training rows): weather_tag 0% -> 100%" in shown
        assert screen.query_one("#sweep-curve", PlotextPlot).display
        assert "Cancel sweep" in shown and "Resume sweep" in shown


async def test_an_empty_workspace_says_how_to_start_a_sweep(workspace):
    app = noting_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(SweepsScreen(workspace))
        await until(pilot, lambda: "no sweep yet" in screen_text(app), 30)
        assert "curator sweep RECIPE --base-run RUN --rows fixes=10,20,40 --seeds 2" in screen_text(app)
        assert "Cancel sweep" not in screen_text(app)


async def test_the_mixer_opens_the_sweeps_of_its_recipe(workspace, tmp_path):
    stored_sweep(workspace, tmp_path)
    app = noting_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(MixerScreen(workspace, "fix"))
        await settle(pilot)
        assert "Sweeps" in screen_text(app)
        await pilot.press("ctrl+t")
        await until(pilot, lambda: _loaded(app), 30)
        assert app.screen.recipe == "fix" and "sweeps of recipe fix" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MixerScreen)


async def test_cancel_keeps_finished_trials_and_resume_runs_the_rest(workspace, tmp_path, monkeypatch):
    """The queue's trials are replaced by stand-ins: a trial waits until the sweep is cancelled, or, once let
    through, stores a run as a re-eval would; everything else is the sweep domain's own queue."""
    sweep = stored_sweep(workspace, tmp_path, done=(1,))
    real_trial, let_through, waiting = queue_module.run_trial, threading.Event(), threading.Event()

    def trial(ws, sweep_row, variant, trial_row, on_event, stop):
        if trial_row.status == "done":
            return real_trial(ws, sweep_row, variant, trial_row, on_event, stop)
        while not let_through.is_set():
            waiting.set()
            if stop():
                raise TrialCancelled("job cancelled")
            threading.Event().wait(0.05)
        run = make_run(ws, f"base@v{variant.position}s{trial_row.seed}r", {}, adapter="adapters/x")
        sweep_queries.set_trial(ws.db, sweep_row.sweep_id, variant.position, trial_row.seed, "done", run_id=run.run_id)
        on_event("trial", {"variant": variant.label, "seed": trial_row.seed, "job_id": 0, "run": run.name})
        return run.run_id

    monkeypatch.setattr(queue_module, "run_trial", trial)
    app = noting_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(SweepsScreen(workspace))
        await until(pilot, lambda: _loaded(app), 30)
        await pilot.press("r")
        await until(pilot, waiting.is_set, 30)
        assert app.screen.running == "s"
        await pilot.press("c")
        await until(pilot, lambda: any("cancelled" in n for n in app.notes), 30)
        stored = sweep_queries.find_sweep(workspace.db, "s")
        assert stored.status == "cancelled"
        statuses = [(t.position, t.seed, t.status) for t in sweep_queries.trials(workspace.db, sweep.sweep_id)]
        assert statuses == [(1, 0, "done"), (1, 1, "done"), (2, 0, "cancelled"), (2, 1, "queued")]
        await until(pilot, lambda: "cancelled, 2 of 4 trials done" in screen_text(app), 30)
        let_through.set()
        await pilot.press("r")
        await until(pilot, lambda: "finished, 4 of 4 trials done" in screen_text(app), 30)
        assert sweep_queries.find_sweep(workspace.db, "s").status == "finished"
        assert "Resume sweep" not in screen_text(app) and "Cancel sweep" not in screen_text(app)


async def test_leaving_the_screen_cancels_the_queue_it_resumed(workspace, tmp_path, monkeypatch):
    sweep = stored_sweep(workspace, tmp_path, done=(1,))
    real_trial, waiting = queue_module.run_trial, threading.Event()

    def trial(ws, sweep_row, variant, trial_row, on_event, stop):
        if trial_row.status == "done":
            return real_trial(ws, sweep_row, variant, trial_row, on_event, stop)
        while not stop():
            waiting.set()
            threading.Event().wait(0.05)
        raise TrialCancelled("job cancelled")

    monkeypatch.setattr(queue_module, "run_trial", trial)
    app = noting_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(SweepsScreen(workspace))
        await until(pilot, lambda: _loaded(app), 30)
        await pilot.press("r")
        await until(pilot, waiting.is_set, 30)
        await pilot.press("escape")
        await until(pilot, lambda: sweep_queries.find_sweep(workspace.db, "s").status == "cancelled", 30)
        assert not isinstance(app.screen, SweepsScreen)
    statuses = [t.status for t in sweep_queries.trials(workspace.db, sweep.sweep_id)]
    assert statuses == ["done", "done", "cancelled", "queued"]


async def test_a_stored_error_is_shown_as_typed(workspace, tmp_path):
    sweep = stored_sweep(workspace, tmp_path, done=())
    sweep_queries.set_status(workspace.db, sweep.sweep_id, "failed", error="[bold]boom[/bold] \x1b[31mred")
    app = noting_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(SweepsScreen(workspace))
        await until(pilot, lambda: _loaded(app), 30)
        await settle(pilot)
        shown = screen_text(app)
        assert "failed, 0 of 4 trials done ([bold]boom[/bold] \\x1b[31mred)" in shown
        assert "recommendation: no variant is clearly better than the base" in shown
        assert not app.screen.query_one("#sweep-curve", PlotextPlot).display
