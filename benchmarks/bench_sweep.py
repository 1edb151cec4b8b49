"""Curator's sweep overhead: a sweep of several variants on the tiny model against the same jobs launched one by
one by hand (build the version, `run_job`, `reeval_with_adapter`) in the same run and the same workspace.

Both sides do the same work: per variant one frozen version, per seed one LoRA job from the same base model and one
re-eval of the base run's items. The sweep adds its plan, its queue rows and the comparisons nothing (the report is
not timed). Rounds alternate which side goes first. Prints one JSON line:
hand_s, sweep_s, ratio (hand / sweep; the target is >= 0.95), trials, rounds.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "sweeps")]

FIXES = [2, 6]  # rows of the fixes source per variant
SEEDS = [0, 1]


def hand(ws, base, model: str, counts: list[int], tag: str) -> None:
    """What a user does without a sweep: a recipe and a version per variant, then per seed train and re-evaluate."""
    from sweepwork import TRAINING

    from curator.jobs import training as job_domain
    from curator.recipes.library import build, get_recipe, save_recipe
    from curator.recipes.spec import spec_from_dict
    from curator.sweeps.settings import with_settings

    lora, trainer = with_settings(*job_domain.default_settings(ws, model), TRAINING)
    for count in counts:
        spec = get_recipe(ws, "fix").to_dict()
        total = count + 4
        spec["sources"] = [s | {"share": (count if s["name"] == "fixes" else 4) / total} for s in spec["sources"]]
        save_recipe(ws, spec_from_dict(spec | {"name": f"hand-{tag}-{count}", "total": total}))
        version = build(ws, f"hand-{tag}-{count}")
        for seed in SEEDS:
            request = job_domain.TrainingRequest(
                dataset=f"{version.recipe_name}@{version.version}", base_model=model, source_run=base.run_id,
                lora=lora, trainer=replace(trainer, seed=seed),
            )  # fmt: skip
            job = job_domain.run_job(ws, request)
            job_domain.reeval_with_adapter(ws, job.job_id, base.run_id, cpu_threads=trainer.cpu_threads)


def swept(ws, model: str, counts: list[int], tag: str) -> None:
    from sweepwork import request

    from curator.sweeps.plan import SweepPlan
    from curator.sweeps.queue import create_sweep, run_sweep

    create_sweep(ws, request("fix", SweepPlan(rows={"fixes": counts}, seeds=SEEDS), name=f"sweep-{tag}"))
    ended = run_sweep(ws, f"sweep-{tag}")
    if ended.status != "finished":
        raise SystemExit(f"the sweep ended {ended.status}: {ended.error}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    from loopwork import build_test_model
    from sweepwork import base_run, fixes_recipe

    from curator.workspace import Workspace

    times = {"hand": 0.0, "sweep": 0.0}
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        model = str(build_test_model(folder))
        with Workspace.open(folder / "ws") as ws:
            base = base_run(ws, Path(model))
            fixes_recipe(ws, folder, fixes=4, total=8)
            for round_ in range(args.rounds):
                sides = ["hand", "sweep"] if round_ % 2 == 0 else ["sweep", "hand"]
                for side in sides:
                    started = time.monotonic()
                    if side == "hand":
                        hand(ws, base, model, FIXES, str(round_))
                    else:
                        swept(ws, model, FIXES, str(round_))
                    times[side] += time.monotonic() - started
    trials = len(FIXES) * len(SEEDS)
    print(
        json.dumps(
            {
                "hand_s": round(times["hand"], 1),
                "sweep_s": round(times["sweep"], 1),
                "ratio": round(times["hand"] / times["sweep"], 3),
                "trials": trials,
                "rounds": args.rounds,
            }
        )
    )


if __name__ == "__main__":
    main()
