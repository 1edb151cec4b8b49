"""Slot expansion on the demo's loop 1 (issue 22 §3): does loop 1 with model-expanded slots generalise better on
held-out than loop 1 without, on the same number of rows?

On a fresh workspace: the demo's setup and loop 1 as it is (the baseline). Then a copy of loop 1's template (in
its own bucket, labelled with the same failing dev items) whose plain phrasing slots SmolLM2 extends, as
`curator template expand TEMPLATE SLOT --model M --count 20 --temperature 0.8 --k K` does; what the held-out guard
passes is accepted (appended to the slot). The weather phrase is zipped with its class and emoji, so the domain
refuses to expand it: the refusal is recorded. Twice loop 1's count is generated with loop 1's seed (the
duplicate guard refuses rows loop 1 already has) and a dataset of loop 1's size (as many fixes, the same replay)
is drawn from it, retrained from the base with the same settings and
seed, re-evaluated and compared with loop 1's run per check (McNemar, Holm across checks). One draw, one seed.

Prints one JSON line: per slot the values proposed / refused / accepted, the rows of both datasets, per check
held-out and dev rates of loop 1 and of the expanded loop with the verdict and Holm p, train_s, eval_s, total_s,
load_avg.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

SLOTS = ("name", "thing", "weather")  # the template's phrasing slots; weather is zipped (refused, recorded)
EXPANDED = "weather-fix-expanded"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def expanded_copy(ws, state, template_name: str):
    """Loop 1's template under a new name, in its own bucket holding the same failing dev items."""
    from curator.demo.script import FAILING_CHECK
    from curator.fix.templates import library as template_domain
    from curator.review import buckets as bucket_domain
    from curator.storage import compare as compare_queries

    run = state.base_run
    record = template_domain.get_template(ws, template_name)
    keys = compare_queries.failing_item_keys(ws.db, run.run_id, FAILING_CHECK, split="dev")
    bucket = bucket_domain.create_bucket(ws, "missing-weather-tag-expanded", "loop 1's items, expanded slots")
    bucket_domain.label_items(ws, run.run_id, keys, bucket)
    spec = dataclasses.replace(record.spec, name=f"{template_name}-expanded")
    return template_domain.create_template(
        ws, spec, bucket=bucket.name, source_run_id=run.run_id, source_item_key=record.source_item_key
    )


def expand_slot(ws, template, slot: str, model: str, args) -> dict:
    """Ask the model for `count` more values (k samples), store what the guard passes, accept all of it."""
    from curator.errors import CuratorError
    from curator.fix import slot_expansion
    from curator.jobs.revising import ReviseRequest, ask_model

    try:
        plan = slot_expansion.plan_expansion(ws, template.name, slot, args.count, args.k)
    except CuratorError as error:
        return {"refused": str(error)}
    request = ReviseRequest(
        run=template.name,
        model=model,
        temperature=args.temperature,
        seed=0,
        max_new_tokens=256,
        batch_size=args.k,
        cpu_threads=1,
    )
    folder = ws.root / "jobs" / f"expand-{slot}"
    folder.mkdir(parents=True, exist_ok=True)
    requests = [{"key": str(i), "prompt": plan.prompt, "sample_index": i} for i in range(args.k)]
    answers, seconds = ask_model(request, folder, "expand", requests, what="expanding")
    settings = {"temperature": args.temperature, "seed": 0, "max_new_tokens": 256}
    rows = slot_expansion.store_expansion(ws, plan, [answers[str(i)] for i in range(args.k)], model, settings)
    accepted = slot_expansion.review(ws, template.name, slot, "accepted", None)
    return {
        "stored": dict(Counter(r.status for r in rows)),
        "refused_why": dict(Counter((r.reason or "").split(" '")[0] for r in rows if r.status != "proposed")),
        "accepted": accepted,
        "seconds": round(seconds, 1),
    }


def same_size_dataset(ws, state, loop1_bucket: str, bucket: str) -> tuple[str, dict]:
    """Fixes from `bucket` plus replay, as many of each as loop 1's dataset had (fewer fixes if fewer exist)."""
    from curator.demo.retrain import usable_rows
    from curator.recipes.library import build, save_recipe
    from curator.recipes.spec import spec_from_dict

    run = state.base_run

    def sources(buckets: list[str], fixes: int, replay: int) -> list[dict]:
        total = fixes + replay
        found = [{"name": "fixes", "kind": "fixes", "share": fixes / total, "buckets": buckets}]
        return found + ([{"name": "replay", "kind": "replay", "share": replay / total, "run": run.name}] * bool(replay))

    def usable(buckets: list[str]) -> tuple[int, int]:
        probe = spec_from_dict({"name": "probe", "total": 2, "sources": sources(buckets, 1, 1)}).sources
        return tuple(usable_rows(ws, source) for source in probe)

    loop1_fixes, replay_available = usable([loop1_bucket])
    replay = min(loop1_fixes // 3, replay_available)  # as demo.retrain.build_dataset chose for loop 1
    fixes = min(loop1_fixes, usable([bucket])[0])
    spec = spec_from_dict(
        {"name": EXPANDED, "total": fixes + replay, "seed": 0, "sources": sources([bucket], fixes, replay)}
    )
    save_recipe(ws, spec)
    version = build(ws, EXPANDED)
    rows = {"loop1": {"fixes": loop1_fixes, "replay": replay}, "expanded": {"fixes": fixes, "replay": replay}}
    return f"{version.recipe_name}@{version.version}", rows


def checks(ws, new_run, old_run) -> dict:
    from curator.compare.comparison import compare_runs
    from curator.demo.report import check_changes

    return {c.name: c.as_dict() for c in check_changes(compare_runs(ws, new_run.run_id, old_run.run_id))}


def measure(ws, state, args) -> dict:
    from curator.demo.retrain import DEMO_LORA, DEMO_TRAINER, retrain_and_compare
    from curator.demo.script import LOOP1_EXAMPLES, run_script
    from curator.fix import examples as example_domain
    from curator.fix.generation import generate

    log("loop 1 (baseline)")
    (loop1,) = run_script(ws, state, loops=1)
    template = expanded_copy(ws, state, loop1.templates[0])
    report = {"loop1": {k: v for k, v in loop1.as_dict().items() if k != "checks"}, "slots": {}}
    for slot in SLOTS:
        log(f"expand slot {slot}")
        report["slots"][slot] = expand_slot(ws, template, slot, str(state.model_path), args)
    log("generate, build, retrain")
    made = generate(
        ws, template.template_id, n=2 * LOOP1_EXAMPLES, seed=1000,
        source_run_id=state.base_run.run_id, source_item_key=template.source_item_key,
    )  # fmt: skip
    accepted = example_domain.accept_all(ws, batch_id=made.batch_id)
    report["expanded"] = {"generated": len(made.candidates), "accepted": accepted}
    dataset, report["rows"] = same_size_dataset(ws, state, loop1.bucket, template.bucket_name)
    _job, new_run, train_s, eval_s = retrain_and_compare(ws, state, dataset, lambda s, e: None, DEMO_LORA, DEMO_TRAINER)
    report["expanded"] |= {"dataset": dataset, "run": new_run.name, "train_s": round(train_s, 1)}
    report["expanded"]["eval_s"] = round(eval_s, 1)
    report["checks_vs_loop1"] = checks(ws, new_run, loop1.run)
    report["loop1_vs_base"] = {c.name: c.as_dict() for c in loop1.checks}
    report["expanded_vs_base"] = checks(ws, new_run, state.base_run)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", help="A local model folder (default: the demo's SmolLM2, converted here).")
    parser.add_argument("--dtype", default="auto", help="auto, bfloat16 or float32 for the evals.")
    parser.add_argument("--count", type=int, default=20, help="Values asked for per slot.")
    parser.add_argument("--k", type=int, default=4, help="Samples of the expansion prompt per slot (pooled).")
    parser.add_argument("--temperature", type=float, default=0.8)
    parser.add_argument("--workspace", help="Keep the workspace here (default: a temporary folder).")
    args = parser.parse_args()

    from curator.demo.setup import prepare_demo
    from curator.workspace import Workspace

    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(args.workspace or Path(tmp) / "ws")
        with Workspace.open(root) as ws:
            log("setup: model, eval set, base run")
            state = prepare_demo(ws, model=args.model, dtype=args.dtype)
            report = {"model": state.model_name, "seed": 0, "draws": 1, "count": args.count, "k": args.k}
            report |= measure(ws, state, args)
    report |= {
        "total_s": round(time.monotonic() - started, 1),
        "load_avg": [round(x, 2) for x in os.getloadavg()],
        "cpu_count": os.cpu_count(),
    }
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
