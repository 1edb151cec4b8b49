"""A sweep's figures from stored results: trials made of constructed runs (no model), compared with the base
through `compare`; refusals before anything is stored; a sweep whose trials all ran is not redone."""

import json

import pytest
from runpairs import make_run
from sweepwork import seed_recipe
from typer.testing import CliRunner

from curator.cli.main import app
from curator.errors import CuratorError
from curator.recipes.library import get_version, list_recipes
from curator.review import buckets as bucket_domain
from curator.storage import items as item_queries
from curator.storage import jobs as job_queries
from curator.storage import sweeps as sweep_queries
from curator.sweeps.plan import SweepPlan
from curator.sweeps.queue import SweepRequest, create_sweep, list_sweeps, run_sweep
from curator.sweeps.report import sweep_report
from curator.sweeps.trial import variant_version
from curator.workspace import Workspace

TRICKY = ["sunny_punct", "bright", "caps_tag", "clear", "plain", "cloudy", "rainy"]
HELD = [f"held_out-{case}-{i}" for case in TRICKY for i in (0, 1)]  # 14 held-out items with an <api> line


@pytest.fixture
def swept(workspace, tmp_path):
    """Sweep `s` (fixes=2 and fixes=6, seeds 0 and 1) with every trial done: fixes=6 fixes the weather tag on
    every held-out item on both seeds, fixes=2 on one seed only."""
    base = make_run(workspace, "base", {item: "notag" for item in HELD})
    bucket = bucket_domain.create_bucket(workspace, "tricky-weather")
    keys = [i.item_key for i in item_queries.iter_items(workspace.db, base.run_id) if i.item_id in HELD]
    bucket_domain.label_items(workspace, base.run_id, keys, bucket)
    seed_recipe(workspace)
    plan = SweepPlan(rows={"fixes": [2, 6]}, seeds=[0, 1])
    sweep = create_sweep(workspace, SweepRequest("fix", "base", plan, name="s", base_model=str(tmp_path)))
    outputs = {(1, 0): {}, (1, 1): {i: "notag" for i in HELD[3:]}, (2, 0): {}, (2, 1): {}}
    for variant in sweep_queries.variants(workspace.db, sweep.sweep_id):
        variant_version(workspace, variant, lambda stage, e: None)
        for seed in (0, 1):
            run = make_run(workspace, f"base@v{variant.position}s{seed}", outputs[variant.position, seed], parent=base,
                           adapter="adapters/x")  # fmt: skip
            sweep_queries.set_trial(workspace.db, sweep.sweep_id, variant.position, seed, "done", run_id=run.run_id)
    return workspace


def test_every_figure_comes_from_the_stored_results(swept):
    report = sweep_report(swept, "s")
    assert [(v.label, v.rows) for v in report.variants] == [("fixes=2", 6), ("fixes=6", 10)]
    assert report.sources == {1: {"fixes": 2, "general": 4}, 2: {"fixes": 6, "general": 4}}
    assert report.datasets == {1: "s-1@1", 2: "s-2@1"}
    assert get_version(swept, "s-2").row_count == 10
    small, big = report.variants
    tag = small.checks["weather_tag"]
    assert report.base_checks["weather_tag"] == (0, 14) and (tag.passed, tag.total) == (17, 28)
    assert tag.spread == (3 / 14, 1.0) and [s.verdict for s in tag.seeds] == ["improved", "no significant change"]
    assert [s.verdict for s in big.checks["weather_tag"].seeds] == ["improved", "improved"]
    assert big.checks["weather_tag"].seeds[0].p_adjusted < 0.05
    assert big.gains == ["weather_tag", "emoji"] and small.gains == [] and not big.regressions
    assert [v.on_front for v in report.variants] == [False, True]
    assert report.recommended is big and report.recommendation.startswith("fixes=6 (10 training rows): weather_tag")
    curve = report.curve["weather_tag"]
    assert [(p["rows"], p["rate"]) for p in curve] == [(6, 17 / 28), (10, 1.0)]
    data = report.as_dict()
    assert data["front"] == ["fixes=6"] and data["recommendation"]["variant"] == "fixes=6"
    held_bucket = data["variants"][1]["buckets"]["tricky-weather"]["held_out"]
    assert (held_bucket["passed"], held_bucket["total"]) == (28, 28) and data["base"]["buckets"]
    assert data["variants"][0]["checks"]["weather_tag"]["seeds"][1]["passed"] == 3
    assert json.loads(json.dumps(data)) == data


def test_the_cli_shows_the_tables_the_curve_and_the_recommendation(swept):
    root = swept.root
    swept.close()
    shown = CliRunner().invoke(app, ["-w", str(root), "sweep", "show", "s"], env={"COLUMNS": "100"})
    assert shown.exit_code == 0, shown.output
    assert "weather_tag: held-out pass rate" in shown.output and "improved 2/2" in shown.output
    assert "weather_tag: held-out pass rate against training rows" in shown.output
    assert "recommendation: fixes=6 (10 training rows)" in shown.output
    as_json = CliRunner().invoke(app, ["-w", str(root), "sweep", "show", "s", "--json"])
    assert json.loads(as_json.output)["recommendation"]["variant"] == "fixes=6"
    listed = CliRunner().invoke(app, ["-w", str(root), "sweep", "list"])
    assert "fix" in listed.output and "rows" in listed.output
    with Workspace.open(root) as ws:
        assert run_sweep(ws, "s").status == "finished"  # every trial ran: nothing is redone
        assert job_queries.list_jobs(ws.db) == []


def test_a_sweep_that_could_not_build_is_refused_and_nothing_is_stored(workspace, tmp_path):
    make_run(workspace, "base", {})
    seed_recipe(workspace)
    too_many = SweepRequest("fix", "base", SweepPlan(rows={"fixes": [2, 20]}), name="s", base_model=str(tmp_path))
    with pytest.raises(CuratorError, match=r"variant 'fixes=20': source 'fixes' has 12 usable rows.* asks for 20"):
        create_sweep(workspace, too_many)
    no_model = SweepRequest("fix", "base", SweepPlan(rows={"fixes": [2]}), base_model=str(tmp_path / "none"))
    with pytest.raises(CuratorError, match="is not a local folder"):
        create_sweep(workspace, no_model)
    assert list_sweeps(workspace) == [] and [r.name for r in list_recipes(workspace)] == ["fix"]
    made = create_sweep(workspace, SweepRequest("fix", "base", SweepPlan(), base_model=str(tmp_path)))
    assert made.name == "fix-sweep" and made.status == "queued"
    assert len(sweep_queries.trials(workspace.db, made.sweep_id)) == 2


def test_bad_command_lines_are_one_line(workspace, tmp_path):
    root = workspace.root
    plan = tmp_path / "plan.toml"
    plan.write_text('recipe = "fix"\n[rows]\nfixes = [2, 4]\n', encoding="utf-8")
    workspace.close()
    for args, message in (
        (["sweep", "show"], "takes one name"),
        (["sweep", "show", "nope"], "no sweep named 'nope'"),
        (["sweep", "fix", "--rows", "fixes=2", "--shares", "fixes=50"], "--rows and --shares"),
        (["sweep", "fix", "--rows", "fixes=2"], "--base-run RUN"),
        (["sweep", "fix", "-r", "base", "--seeds", "1"], "2 to 20 different seeds"),
        (["sweep", "fix", "--plan", str(plan), "--rows", "fixes=2"], "not both"),
        (["sweep", "other", "--plan", str(plan)], "is a plan for recipe 'fix', not 'other'"),
        (["sweep", "fix", "--plan", str(root / "none.toml")], "none.toml: no such file"),
    ):
        done = CliRunner().invoke(app, ["-w", str(root), *args])
        assert done.exit_code != 0 and message in str(done.exception) + done.output, (args, done.output)


def test_a_script_runs_and_reports_in_one_call_resuming_a_sweep_of_that_name(swept, tmp_path):
    from curator.sweeps.report import run_and_report

    again = SweepRequest("fix", "base", SweepPlan(rows={"fixes": [2, 6]}), name="s", base_model=str(tmp_path))
    report = run_and_report(swept, again)
    assert report.sweep.status == "finished" and report.recommended.label == "fixes=6"
    assert job_queries.list_jobs(swept.db) == [] and len(list_sweeps(swept)) == 1


def test_given_settings_are_the_base_of_every_variant_and_the_plan_goes_on_top(workspace, tmp_path):
    from curator.training.job import LoraSettings, TrainerSettings

    make_run(workspace, "base", {})
    seed_recipe(workspace)
    plan = SweepPlan(setting=("lora_r", [4, 8]), training={"epochs": 2})
    given = SweepRequest("fix", "base", plan, name="t", base_model=str(tmp_path), lora=LoraSettings(alpha=4),
                         trainer=TrainerSettings(max_steps=3, learning_rate=5e-3))  # fmt: skip
    sweep = create_sweep(workspace, given)
    settings = [v.settings for v in sweep_queries.variants(workspace.db, sweep.sweep_id)]
    assert [(s["lora"]["r"], s["lora"]["alpha"]) for s in settings] == [(4, 4), (8, 4)]
    assert {(s["trainer"]["max_steps"], s["trainer"]["learning_rate"], s["trainer"]["epochs"]) for s in settings} == {
        (3, 5e-3, 2.0)
    }
    assert [v.label for v in sweep_queries.variants(workspace.db, sweep.sweep_id)] == ["lora_r=4", "lora_r=8"]


def test_a_trial_whose_run_was_deleted_shows_no_figures_and_says_so(swept):
    from curator.review.runs import delete_run, resolve_run

    gone = resolve_run(swept, "base@v1s1").run_id
    delete_run(swept, gone)
    report = sweep_report(swept, "s")
    assert report.variants[0].seeds_done == 1 and not report.variants[0].clearly_better
    assert [(t.seed, t.run_name, t.error) for t in report.trials if t.position == 1] == [
        (0, "base@v1s0", None),
        (1, None, f"its run {gone} was deleted"),
    ]
