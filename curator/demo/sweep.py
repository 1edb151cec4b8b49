"""`curator demo --script --sweep`: how many examples does the emoji fix need? A quantity sweep of loop 1's fixes.

Loop 1's bucket and template (the weather-tag failures of the base run's dev items, one template from a failing
item's own text), generated and accepted until there are enough usable fix rows for the largest variant; a recipe
of those fixes plus replay of the base run's passing dev items (a third as many as the most fixes, as loop 1
takes); then a sweep of 10, 20 and 40 fix rows (the replay rows the same in every variant), two seeds each, with
the demo's LoRA and trainer settings, re-evaluated on the base run's items and read on held-out."""

from __future__ import annotations

from collections.abc import Callable

from curator.demo import script
from curator.demo.retrain import DEMO_LORA, DEMO_TRAINER, usable_rows
from curator.demo.setup import DemoState
from curator.errors import CuratorError
from curator.fix import examples as example_domain
from curator.fix.generation import generate
from curator.fix.templates.library import list_templates
from curator.recipes.library import save_recipe
from curator.recipes.spec import spec_from_dict
from curator.storage import buckets as bucket_queries
from curator.storage.runs import RunRow
from curator.sweeps.plan import SweepPlan
from curator.sweeps.queue import SweepRequest
from curator.sweeps.report import SweepReport, run_and_report
from curator.training.job import LoraSettings, TrainerSettings
from curator.workspace import Workspace

BUCKET = "missing-weather-tag"  # loop 1's bucket (script.loop1_examples names it)
RECIPE = "weather-fix-sweep"
SWEEP = "emoji-quantity"
ROWS = (10, 20, 40)
SEEDS = (0, 1)
MORE_ROUNDS = 4  # extra generation rounds from loop 1's template when its examples are too few for the largest variant
STAGES = {"train": "train", "eval": "reeval"}  # the demo's bars: training, then re-evaluating with the adapter

EventCallback = Callable[[str, dict], None]


def _sources(run: RunRow, fixes: int, replay: int) -> list[dict]:
    total = fixes + replay
    sources = [{"name": "fixes", "kind": "fixes", "share": fixes / total, "buckets": [BUCKET]}]
    if replay:
        sources.append({"name": "replay", "kind": "replay", "share": replay / total, "run": run.name})
    return sources


def _loop1_template(ws: Workspace):
    return next((t for t in list_templates(ws) if t.bucket_name == BUCKET), None)


def fix_rows(ws: Workspace, run: RunRow, wanted: int) -> int:
    """Loop 1's fixes, generated (and accepted) until at least `wanted` rows are usable; returns how many are."""
    if bucket_queries.find_bucket(ws.db, BUCKET) is None or _loop1_template(ws) is None:
        script.loop1_examples(ws, run)
    fixes = spec_from_dict({"name": RECIPE, "total": 1, "sources": _sources(run, 1, 0)}, "demo recipe").sources[0]
    template = _loop1_template(ws)
    have = usable_rows(ws, fixes)
    for round_number in range(MORE_ROUNDS):
        if have >= wanted:
            break
        batch = generate(
            ws, template.template_id, n=wanted - have + 4, seed=3000 + round_number, source_run_id=run.run_id,
            source_item_key=template.source_item_key,
        )  # fmt: skip
        example_domain.accept_all(ws, batch_id=batch.batch_id)
        have = usable_rows(ws, fixes)
    return have


def sweep_request(
    ws: Workspace,
    state: DemoState,
    rows: tuple[int, ...] = ROWS,
    seeds: tuple[int, ...] = SEEDS,
    lora: LoraSettings = DEMO_LORA,
    trainer: TrainerSettings = DEMO_TRAINER,
    training: dict | None = None,
) -> SweepRequest:
    """The demo's quantity sweep: its recipe saved (fixes + replay), the request ready for `run_and_report`."""
    run = state.base_run
    most = max(rows)
    have = fix_rows(ws, run, most)
    if have < most:
        raise CuratorError(f"loop 1's template gave {have} usable fix rows; the largest variant asks for {most}")
    replay_probe = spec_from_dict({"name": RECIPE, "total": 2, "sources": _sources(run, 1, 1)}, "demo recipe")
    replay = min(most // 3, usable_rows(ws, replay_probe.sources[1]))
    spec = spec_from_dict(
        {"name": RECIPE, "total": most + replay, "seed": 0, "sources": _sources(run, most, replay)}, "demo recipe"
    )
    save_recipe(ws, spec)
    plan = SweepPlan(rows={"fixes": list(rows)}, seeds=list(seeds), training=dict(training or {}))
    model = str(state.model_path)
    return SweepRequest(RECIPE, run.name, plan, name=SWEEP, base_model=model, lora=lora, trainer=trainer)


def run_demo_sweep(
    ws: Workspace, state: DemoState, on_event: EventCallback = lambda stage, e: None, **settings
) -> SweepReport:
    """Build the request and run the sweep (resuming the demo's sweep when the workspace has one); its report."""
    request = sweep_request(ws, state, **settings)

    def shown(stage: str, event: dict) -> None:
        if stage in STAGES:
            on_event(STAGES[stage], event)

    return run_and_report(ws, request, shown)
