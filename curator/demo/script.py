"""`curator demo --script`: the whole loop headless, through the same domain calls the app makes.

bucket the base run's tag failures -> template from a failure -> generate and accept near neighbours ->
build a dataset version (fixes + replay of passing dev items) -> LoRA retrain -> re-eval -> compare.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from curator.compare.comparison import SPLITS, Comparison, compare_runs
from curator.demo.setup import DEMO_GENERATION, DEMO_THREADS, DemoState
from curator.demo.task import fix_template
from curator.errors import CuratorError
from curator.fix import examples as example_domain
from curator.fix.contamination import ContaminationGuard
from curator.fix.generation import generate
from curator.fix.templates.library import create_template, get_template
from curator.fix.templates.spec import spec_from_dict as template_from_dict
from curator.jobs import training as job_domain
from curator.recipes.library import build, save_recipe
from curator.recipes.sources import source_rows
from curator.recipes.spec import spec_from_dict as recipe_from_dict
from curator.review import buckets as bucket_domain
from curator.storage import buckets as bucket_queries
from curator.storage import compare as compare_queries
from curator.storage import examples as example_queries
from curator.storage.jobs import JobRow
from curator.storage.runs import RunRow
from curator.training.job import LoraSettings, TrainerSettings
from curator.workspace import Workspace

BUCKET = "tricky-weather"
TEMPLATE = "tricky-weather-fix"
RECIPE = "weather-fix"
FAILING_CHECK = "weather_tag"
PER_FAILURE = 4
# Settings that teach the tiny model the tag in about a minute on two cores (see docs/loop.md).
DEMO_LORA = LoraSettings(r=16, alpha=32, dropout=0.0)
DEMO_TRAINER = TrainerSettings(
    learning_rate=2e-3,
    epochs=8,
    batch_size=8,
    max_length=192,
    eval_every=20,
    patience=3,
    device="cpu",
    cpu_threads=DEMO_THREADS,
)

EventCallback = Callable[[str, dict], None]


@dataclass
class LoopResult:
    """What one pass of the loop made, and the comparison of the re-eval run with the base run."""

    bucket_items: int
    generated_examples: int
    accepted_examples: int
    dataset: str
    job: JobRow
    run: RunRow
    comparison: Comparison
    train_s: float

    def pass_rates(self) -> dict:
        """{"before": {check: {"dev": r, "held_out": r}}, "after": {...}} from the stored check results."""
        return {
            side: {row.name: {s: getattr(row, side)[s].rate for s in SPLITS} for row in self.comparison.checks}
            for side in ("before", "after")
        }


def bucket_failures(ws: Workspace, run: RunRow) -> list[int]:
    """Label the base run's dev items that fail the weather-tag check (held-out items stay unseen)."""
    keys = compare_queries.failing_item_keys(ws.db, run.run_id, FAILING_CHECK, split="dev")
    if not keys:
        raise CuratorError(f"run '{run.name}' has no dev item failing '{FAILING_CHECK}': nothing to fix")
    bucket = bucket_queries.find_bucket(ws.db, BUCKET) or bucket_domain.create_bucket(
        ws, BUCKET, "weather tag missing on tricky phrasings"
    )
    bucket_domain.label_items(ws, run.run_id, keys, bucket)
    return keys


def make_examples(ws: Workspace, run: RunRow, failing_keys: list[int]) -> tuple[int, int]:
    """A template from the first failure, `PER_FAILURE` near neighbours per failure, all proposed ones accepted."""
    try:
        record = get_template(ws, TEMPLATE)
    except CuratorError:
        record = create_template(
            ws,
            template_from_dict(fix_template(TEMPLATE)),
            bucket=BUCKET,
            source_run_id=run.run_id,
            source_item_key=failing_keys[0],
        )
    generated = accepted = 0
    for position, key in enumerate(failing_keys):
        report = generate(
            ws, record.template_id, n=PER_FAILURE, seed=1000 + position, source_run_id=run.run_id, source_item_key=key
        )
        generated += len(report.candidates)
        accepted += example_domain.accept_all(ws, batch_id=report.batch_id)
    return generated, accepted


def usable_rows(ws: Workspace, source) -> int:
    """Rows a source can give once near-duplicates of held-out items are refused (as the build refuses them)."""
    guard = ContaminationGuard(example_queries.held_out_inputs(ws.db))
    return sum(guard.check_one(row["prompt"]) is None for row in source_rows(ws, source))


def _recipe(run: RunRow, fixes: int, replay: int):
    total = fixes + replay
    sources = [{"name": "fixes", "kind": "fixes", "share": fixes / total, "buckets": [BUCKET]}]
    if replay:
        sources.append({"name": "replay", "kind": "replay", "share": replay / total, "run": run.name})
    return recipe_from_dict({"name": RECIPE, "total": total, "seed": 0, "sources": sources}, "demo recipe")


def build_dataset(ws: Workspace, run: RunRow) -> str:
    """A recipe of the bucket's accepted fixes plus up to a third as many passing dev items of the base run
    (replay, so the model keeps what it could already do), frozen as a new version."""
    probe = _recipe(run, 1, 1).sources
    fixes, replay = (usable_rows(ws, source) for source in probe)
    if not fixes:
        raise CuratorError(f"bucket '{BUCKET}' has no accepted examples to train on")
    spec = _recipe(run, fixes, min(fixes // 3, replay))
    save_recipe(ws, spec)
    version = build(ws, RECIPE)
    return f"{version.recipe_name}@{version.version}"


def run_loop(
    ws: Workspace,
    state: DemoState,
    on_event: EventCallback = lambda stage, e: None,
    lora: LoraSettings = DEMO_LORA,
    trainer: TrainerSettings = DEMO_TRAINER,
) -> LoopResult:
    """One pass of the loop from the base run to a compared re-eval run."""
    run = state.base_run
    keys = bucket_failures(ws, run)
    generated, accepted = make_examples(ws, run, keys)
    dataset = build_dataset(ws, run)
    started = time.monotonic()
    request = job_domain.TrainingRequest(
        dataset=dataset,
        base_model=str(state.model_path),
        source_run=run.name,
        lora=lora,
        trainer=trainer,
        generation=DEMO_GENERATION.as_dict(),
    )
    job = job_domain.run_job(ws, request, on_event=lambda e: on_event("train", e))
    train_s = time.monotonic() - started
    if job.status != "succeeded":
        raise CuratorError(f"training job {job.job_id} {job.status}: {job.error}")
    new_run = job_domain.reeval_with_adapter(
        ws,
        job.job_id,
        run.run_id,
        cpu_threads=DEMO_THREADS,
        generation=DEMO_GENERATION,
        on_event=lambda e: on_event("reeval", e),
    )
    return LoopResult(
        len(keys),
        generated,
        accepted,
        dataset,
        job_domain.get_job(ws, job.job_id),
        new_run,
        compare_runs(ws, new_run.run_id, run.run_id),
        train_s,
    )
