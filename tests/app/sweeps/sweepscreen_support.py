"""A stored sweep for the screen's tests: two quantity variants, two seeds, results chosen per trial."""

from __future__ import annotations

from runpairs import make_run
from sweepwork import seed_recipe

from curator.review import buckets as bucket_domain
from curator.storage import items as item_queries
from curator.storage import sweeps as sweep_queries
from curator.sweeps.plan import SweepPlan
from curator.sweeps.queue import SweepRequest, create_sweep
from curator.sweeps.trial import variant_version

TRICKY = ["sunny_punct", "bright", "caps_tag", "clear", "plain", "cloudy", "rainy"]
HELD = [f"held_out-{case}-{i}" for case in TRICKY for i in (0, 1)]  # 14 held-out items with an <api> line


def stored_sweep(ws, model_dir, done: tuple[int, ...] = (1, 2), name: str = "s"):
    """Sweep `name` of recipe `fix` (fixes=2 and fixes=6, seeds 0 and 1) against run `base`; the variants in
    `done` have both trials done: fixes=6 fixes the weather tag on every held-out item on both seeds, fixes=2 on
    one seed only. The held-out items with an <api> line are in bucket `tricky-weather`. The other variants' trials
    stay queued."""
    base = make_run(ws, "base", {item: "notag" for item in HELD})
    bucket = bucket_domain.create_bucket(ws, "tricky-weather")
    keys = [i.item_key for i in item_queries.iter_items(ws.db, base.run_id) if i.item_id in HELD]
    bucket_domain.label_items(ws, base.run_id, keys, bucket)
    seed_recipe(ws)
    plan = SweepPlan(rows={"fixes": [2, 6]}, seeds=[0, 1])
    sweep = create_sweep(ws, SweepRequest("fix", "base", plan, name=name, base_model=str(model_dir)))
    outputs = {(1, 0): {}, (1, 1): {i: "notag" for i in HELD[3:]}, (2, 0): {}, (2, 1): {}}
    for variant in sweep_queries.variants(ws.db, sweep.sweep_id):
        if variant.position not in done:
            continue
        variant_version(ws, variant, lambda stage, e: None)
        for seed in (0, 1):
            run = make_run(ws, f"base@v{variant.position}s{seed}", outputs[variant.position, seed], parent=base,
                           adapter="adapters/x")  # fmt: skip
            sweep_queries.set_trial(ws.db, sweep.sweep_id, variant.position, seed, "done", run_id=run.run_id)
    return sweep
