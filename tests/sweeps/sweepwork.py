"""Shared material for the sweep tests: a base run of the tiny model on a few demo items, and a recipe of fix
rows (a file) plus replay of the base run's passing dev items."""

from __future__ import annotations

from pathlib import Path

from loopwork import FAST_GENERATION, write_train_file

from curator.demo.setup import checks_file
from curator.demo.task import eval_records
from curator.inference.backends import GenerationSettings
from curator.jobs.evals import EvalRequest, run_eval
from curator.recipes.library import save_recipe
from curator.recipes.spec import spec_from_dict
from curator.review.runs import create_run_from_records
from curator.sweeps.plan import SweepPlan
from curator.sweeps.queue import SweepRequest

# Two optimiser steps, no dev evals: the tests check the queue and the figures, not the model's quality.
TRAINING = {"max_steps": 2, "batch_size": 4, "max_length": 96, "eval_every": 0, "lora_r": 4, "lora_alpha": 8}


def base_run(ws, model_dir: Path):
    """The tiny model's outputs on one item of every demo case (dev and held-out), the demo checks applied."""
    records = [r | {"output": None} for r in eval_records(per_case=1)]
    eval_set = create_run_from_records(ws, "eval-set", records)
    request = EvalRequest(
        model=str(model_dir),
        items=eval_set.run_id,
        checks=checks_file(),
        name="base",
        cpu_threads=1,
        generation=GenerationSettings(**FAST_GENERATION),
    )
    return run_eval(ws, request)


def fixes_recipe(ws, tmp_path: Path, fixes: int = 8, total: int = 8, name: str = "fix") -> str:
    """A recipe of `fixes` rows from a file of fix examples (24 there) and general rows (inline seed rows)."""
    path = write_train_file(tmp_path / "fixes.jsonl", rows=24)
    general = [{"prompt": f"Say the number {n}.", "completion": f"<answer>{n}</answer>"} for n in range(24)]
    sources = [
        {"name": "fixes", "kind": "file", "share": fixes / total, "path": str(path)},
        {"name": "general", "kind": "seed", "share": 1 - fixes / total, "rows": general},
    ]
    save_recipe(ws, spec_from_dict({"name": name, "total": total, "seed": 0, "sources": sources}))
    return name


def seed_recipe(ws, name: str = "fix") -> str:
    """A recipe of inline rows only (no model, no run needed): 12 `fixes` and 12 `general`, 8 rows half and half."""
    rows = [{"prompt": f"Question {n}?", "completion": f"<answer>{n}</answer>"} for n in range(24)]
    sources = [
        {"name": "fixes", "kind": "seed", "share": 50, "rows": rows[:12]},
        {"name": "general", "kind": "seed", "share": 50, "rows": rows[12:]},
    ]
    save_recipe(ws, spec_from_dict({"name": name, "total": 8, "sources": sources}))
    return name


def request(recipe: str, plan: SweepPlan, name: str = "s", **fields) -> SweepRequest:
    plan.training = TRAINING | plan.training
    return SweepRequest(recipe=recipe, base_run="base", plan=plan, name=name, **fields)
