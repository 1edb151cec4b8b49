"""The demo's retrain step: a dataset from the loop's accepted fixes plus replay, a LoRA retrain from the base
model with fixed settings, and the base run's items re-evaluated with the adapter."""

from __future__ import annotations

import time
from collections.abc import Callable

from curator.demo.setup import DEMO_GENERATION, DEMO_THREADS, DemoState
from curator.errors import CuratorError
from curator.fix.contamination import ContaminationGuard
from curator.jobs import training as job_domain
from curator.recipes.library import build, save_recipe
from curator.recipes.sources import source_rows
from curator.recipes.spec import spec_from_dict as recipe_from_dict
from curator.storage import examples as example_queries
from curator.storage.jobs import JobRow
from curator.storage.runs import RunRow
from curator.training.job import LoraSettings, TrainerSettings
from curator.workspace import Workspace

# Measured with SmolLM2-135M on two CPU cores: with r=16 and lr 1e-3 at a constant rate, the emoji needed about
# 35-40 optimiser steps (21 left it at chance), and 35 steps took 160-170 s on a quiet machine. A fixed 36 steps
# keeps each retrain near 3 minutes however much the dataset grows. No early-stopping evals: each would
# regenerate the dev items in fp32 (~30 s).
DEMO_LORA = LoraSettings(r=16, alpha=32, dropout=0.0)
DEMO_TRAINER = TrainerSettings(
    learning_rate=1e-3,
    lr_scheduler="constant",  # the measured recipe that learned the emoji used a constant rate
    epochs=6,
    max_steps=36,
    batch_size=8,
    max_length=256,
    warmup_ratio=0.0,
    eval_every=0,
    device="cpu",
    cpu_threads=DEMO_THREADS,
)

EventCallback = Callable[[str, dict], None]


def usable_rows(ws: Workspace, source) -> int:
    """Rows a source can give once near-duplicates of held-out items are refused (as the build refuses them)."""
    guard = ContaminationGuard(example_queries.held_out_inputs(ws.db))
    return sum(guard.check_one(row["prompt"]) is None for row in source_rows(ws, source))


def _recipe(name: str, run: RunRow, buckets: list[str], fixes: int, replay: int):
    total = fixes + replay
    sources = [{"name": "fixes", "kind": "fixes", "share": fixes / total, "buckets": buckets}]
    if replay:
        sources.append({"name": "replay", "kind": "replay", "share": replay / total, "run": run.name})
    return recipe_from_dict({"name": name, "total": total, "seed": 0, "sources": sources}, "demo recipe")


def build_dataset(ws: Workspace, run: RunRow, name: str, buckets: list[str]) -> str:
    """A recipe of the buckets' accepted fixes plus up to a third as many passing dev items of the base run
    (replay, so the model keeps what it could already do), frozen as a new version."""
    probe = _recipe(name, run, buckets, 1, 1).sources
    fixes, replay = (usable_rows(ws, source) for source in probe)
    if not fixes:
        raise CuratorError(f"buckets {', '.join(buckets)} have no accepted examples to train on")
    spec = _recipe(name, run, buckets, fixes, min(fixes // 3, replay))
    save_recipe(ws, spec)
    version = build(ws, name)
    return f"{version.recipe_name}@{version.version}"


def retrain_and_compare(
    ws: Workspace,
    state: DemoState,
    dataset: str,
    on_event: EventCallback,
    lora,
    trainer,
    parent_adapter: str | None = None,
) -> tuple[JobRow, RunRow, float, float]:
    """A LoRA retrain on `dataset` from the base model (or continuing `parent_adapter`), then the base run's items
    re-evaluated with it; (the job, the new run, train seconds, eval seconds)."""
    run = state.base_run
    started = time.monotonic()
    request = job_domain.TrainingRequest(
        dataset=dataset,
        base_model=str(state.model_path),
        source_run=run.name,
        parent_adapter=parent_adapter,
        lora=lora,
        trainer=trainer,
        generation=DEMO_GENERATION.as_dict(),
    )
    job = job_domain.run_job(ws, request, on_event=lambda e: on_event("train", e))
    train_s = time.monotonic() - started
    if job.status != "succeeded":
        raise CuratorError(f"training job {job.job_id} {job.status}: {job.error}")
    started = time.monotonic()
    new_run = job_domain.reeval_with_adapter(
        ws,
        job.job_id,
        run.run_id,
        cpu_threads=DEMO_THREADS,
        dtype=(run.settings or {}).get("dtype") or state.dtype,  # the base run's, so the comparison is like for like
        generation=DEMO_GENERATION,
        on_event=lambda e: on_event("reeval", e),
    )
    return job_domain.get_job(ws, job.job_id), new_run, train_s, time.monotonic() - started
