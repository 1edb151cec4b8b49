"""Revision pairs after the demo's first loop (issue 22 §5): DPO and APO from the loop-1 adapter, compared with
loop 1 per check.

On a fresh workspace: the demo's setup and loop 1 (SmolLM2-135M-Instruct, LoRA SFT from the base), then pairs
from the still-failing dev outputs of loop 1's re-eval run: the demo analyst's minimal edit of each
(`curator.demo.analyst_edits`, stored through `curator revise edit`'s domain call) and the model's own
critique-and-revise (`curator revise`, the base model folder as reviser). Every kept revision is accepted; a recipe
with a `revisions` source freezes them as DPO rows; a DPO job (loss sigmoid) and an APO job (apo_zero) each
continue the loop-1 adapter with the demo's retrain budget; each re-evaluates the base run's items and is
compared with loop 1's re-eval run (McNemar, Holm across checks). One draw, one seed.

Prints one JSON line: pairs (analyst edits kept/draft, model revisions kept/dropped and why), per method per check
before (loop 1) / after on held-out and dev with the verdict and Holm p, train_s, eval_s, total_s, load_avg.
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

PAIR_RECIPE = "revision-pairs-loop1"
MIN_PAIRS = 4
METHODS = {"dpo": "sigmoid", "apo": "apo_zero"}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def analyst_edits(ws, run) -> dict:
    """The analyst's minimal edit of each failing dev output of `run`, through `curator revise edit`'s call."""
    from curator.demo.analyst_edits import analyst_edit
    from curator.errors import CuratorError
    from curator.fix.revision_runs import plan_revisions
    from curator.fix.revisions import propose_edit

    statuses, reasons = Counter(), Counter()
    for item in plan_revisions(ws, run.name).items:
        text = analyst_edit(item["output"], item["target"], item["reasons"])
        try:
            revision = propose_edit(ws, run.name, item["item_id"], text)
        except CuratorError as error:  # e.g. no rule for what failed: the edit is the output unchanged
            statuses["refused"] += 1
            reasons[str(error).split(": ")[-1]] += 1
            continue
        statuses[revision.status] += 1
        if revision.reason:
            reasons[revision.reason.split(":")[0]] += 1
    return {"failing_dev_outputs": sum(statuses.values()), "statuses": dict(statuses), "reasons": dict(reasons)}


def model_revisions(ws, run, reviser: str, max_new_tokens: int) -> dict:
    """`curator revise RUN --model REVISER` on every failing dev output; kept/dropped counts and why."""
    from curator.fix.revisions import list_revisions
    from curator.jobs.revising import ReviseRequest, run_revising

    started = time.monotonic()
    request = ReviseRequest(run=run.name, model=reviser, max_new_tokens=max_new_tokens, cpu_threads=1)
    report = run_revising(ws, request, on_event=lambda e: None)
    rows = list_revisions(ws, run.name, revise_set_id=report.revise_set_id)
    why = Counter((r.reason or "").split(":")[0] or r.status for r in rows if r.status in ("dropped", "draft"))
    return {
        "revised": len(rows),
        "kept": report.kept,
        "statuses": report.counts,
        "dropped_why": dict(why),
        "seconds": round(time.monotonic() - started, 1),
    }


def pair_dataset(ws, run) -> tuple[str | None, dict]:
    """Accept every kept revision; a recipe of the run's revision pairs frozen as a dataset version."""
    from curator.fix.revisions import review_all, revision_pairs
    from curator.recipes.library import build, save_recipe
    from curator.recipes.spec import spec_from_dict

    review_all(ws, run.name, "accepted")
    pairs = revision_pairs(ws, run.name)
    counts = {"total": len(pairs), "by_author": dict(Counter(p["author"] for p in pairs))}
    if len(pairs) < MIN_PAIRS:
        return None, counts
    source = {"name": "revisions", "kind": "revisions", "share": 1, "run": run.name}
    save_recipe(ws, spec_from_dict({"name": PAIR_RECIPE, "total": len(pairs), "seed": 0, "sources": [source]}))
    version = build(ws, PAIR_RECIPE)
    return f"{version.recipe_name}@{version.version}", counts


def train_from_loop1(ws, state, parent_adapter: str, dataset: str, loss_type: str):
    """A DPO job with `loss_type` continuing loop 1's adapter, then the base run re-evaluated. Budget: the demo
    trainer's 6 epochs without its 36-step cap (36 steps of a few pairs would show each one many times over)."""
    from curator.demo.retrain import DEMO_LORA, DEMO_TRAINER, retrain_and_compare

    trainer = dataclasses.replace(DEMO_TRAINER, method="dpo", loss_type=loss_type, max_steps=-1)
    _, new_run, train_s, eval_s = retrain_and_compare(
        ws, state, dataset, lambda stage, event: None, DEMO_LORA, trainer, parent_adapter=parent_adapter
    )
    return new_run, train_s, eval_s


def per_check(ws, new_run, loop1_run) -> dict:
    """Per check: before (loop 1) / after rates on held-out and dev, flips, the held-out verdict and Holm p."""
    from curator.compare.comparison import compare_runs
    from curator.demo.report import check_changes

    changes = check_changes(compare_runs(ws, new_run.run_id, loop1_run.run_id))
    return {c.name: c.as_dict() for c in changes}


def stored_loop1(ws):
    """Loop 1's succeeded SFT job and its re-eval run in a kept workspace (for --resume)."""
    from curator.errors import CuratorError
    from curator.jobs.training import get_job
    from curator.storage import jobs as job_queries
    from curator.storage.runs import get_run

    for job in job_queries.list_jobs(ws.db):
        if job.config.get("dataset", "").startswith("weather-fix-loop1") and job.produced_run_id:
            return get_job(ws, job.job_id), get_run(ws.db, job.produced_run_id)  # paths made absolute
    raise CuratorError("no loop-1 job with a re-eval run in this workspace: run without --resume")


def stored_revisions(ws, run) -> dict:
    """Per author: how many revisions ended in each status (kept ones: their example's), and why the rest not."""
    from curator.fix.revisions import list_revisions

    summary = {}
    for row in list_revisions(ws, run.name):
        author = summary.setdefault(row.author, {"statuses": Counter(), "why_not": Counter()})
        author["statuses"][row.status] += 1
        if row.status in ("draft", "dropped"):
            author["why_not"][(row.reason or "").split(":")[0]] += 1
    return {name: {key: dict(counts) for key, counts in parts.items()} for name, parts in summary.items()}


def loop1_and_revisions(ws, state, args) -> tuple[str, object, dict]:
    """Loop 1, then the analyst's edits and the model's revisions of its still-failing dev outputs."""
    from curator.demo.script import run_script

    log("loop 1 (SFT from the base)")
    (loop1,) = run_script(ws, state, loops=1)
    report = {"loop1": {k: v for k, v in loop1.as_dict().items() if k != "checks"}}
    report["loop1"]["checks_vs_base"] = {c.name: c.as_dict() for c in loop1.checks}
    log("analyst edits")
    report["analyst_edits"] = analyst_edits(ws, loop1.run)
    log("model revisions")
    report["model_revisions"] = model_revisions(ws, loop1.run, str(state.model_path), args.max_new_tokens)
    return loop1.job.adapter_path, loop1.run, report


def measure(ws, state, args) -> dict:
    if args.resume:
        job, run = stored_loop1(ws)
        adapter, report = job.adapter_path, {"loop1": {"run": run.name, "resumed": True}}
    else:
        adapter, run, report = loop1_and_revisions(ws, state, args)
    report["revisions"] = stored_revisions(ws, run)
    dataset, report["pairs"] = pair_dataset(ws, run)
    report["dataset"] = dataset
    if dataset is None:
        report["finding"] = f"only {report['pairs']['total']} pairs (< {MIN_PAIRS}): nothing trained"
        return report
    report["methods"] = {}
    for method in args.methods.split(","):
        loss_type = METHODS[method]
        log(f"{method} ({loss_type}) from the loop-1 adapter")
        new_run, train_s, eval_s = train_from_loop1(ws, state, adapter, dataset, loss_type)
        report["methods"][method] = {
            "loss_type": loss_type,
            "run": new_run.name,
            "train_s": round(train_s, 1),
            "eval_s": round(eval_s, 1),
            "checks": per_check(ws, new_run, run),
        }
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", help="A local model folder (default: the demo's SmolLM2, converted here).")
    parser.add_argument("--dtype", default="auto", help="auto, bfloat16 or float32 for the evals.")
    parser.add_argument("--max-new-tokens", type=int, default=128, help="The reviser's tokens per answer.")
    parser.add_argument("--workspace", help="Keep the workspace here (default: a temporary folder).")
    parser.add_argument("--methods", default="dpo,apo", help="Comma-separated: dpo (sigmoid), apo (apo_zero).")
    parser.add_argument("--resume", action="store_true", help="Reuse --workspace's loop 1 and revisions.")
    args = parser.parse_args()
    if args.resume and not args.workspace:
        parser.error("--resume needs --workspace")
    if not set(args.methods.split(",")) <= set(METHODS):
        parser.error(f"--methods takes {', '.join(METHODS)}, comma-separated (got {args.methods})")

    from curator.demo.setup import prepare_demo
    from curator.workspace import Workspace

    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(args.workspace or Path(tmp) / "ws")
        with Workspace.open(root) as ws:
            log("setup: model, eval set, base run")
            state = prepare_demo(ws, model=args.model, dtype=args.dtype)
            report = {"model": state.model_name, "seed": 0, "draws": 1} | measure(ws, state, args)
    report |= {
        "total_s": round(time.monotonic() - started, 1),
        "load_avg": [round(x, 2) for x in os.getloadavg()],
        "cpu_count": os.cpu_count(),
    }
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
