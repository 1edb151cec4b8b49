"""One loop built only from the model's own samples, on the demo's real model, measured on held-out items.

The starting model is the one the demo's first loop leaves (SmolLM2-135M-Instruct + the loop-1 LoRA adapter,
trained on template rows): it writes the answer format but passes some checks only sometimes. From it:

1. `curator sample` on every dev item of its run (held-out items are never sampled), k samples each, graded by
   the run's checks;
2. per method (`--methods`, default `sft,dpo`):
   - `sft`: rejection sampling, the best sample of each input that passes every check becomes a training row;
   - `dpo`: preference pairs from the same samples (chosen passes every check, rejected fails one);
   - `grpo`: the inputs whose k samples differ in reward (the others carry no signal), as prompts with their
     targets; GRPO samples the model afresh and rewards each completion with the run's checks (their mean), for
     `--grpo-epochs` passes (one by default: a step samples 8 completions, ~10 s on two CPU cores);
   the rows are built into a recipe version and the loop-1 adapter is trained further on them alone, with the
   defaults `curator train --method M` gives this model on the CPU (`curator.training.defaults`), without
   early-stopping evals (the dev items are the sampled inputs themselves: the held-out items are the verdict);
3. the run's items, and `--extra-held-out` more items drawn from the held-out family (for power: 42 of the
   demo's 48 held-out items carry the format checks), are re-evaluated with the new adapter and compared with
   the starting model on the same items, per check and split, with the exact McNemar test.

`--workspace DIR --reuse` keeps loop 1, its sample set and the starting model's extra run from an earlier run
of this script in DIR.

No template row and no held-out item is in the training data of step 2. Prints one JSON line: the sampling
figures (inputs, rollouts, inputs with all / none / some passing, seconds), per method the rows, train and
eval seconds and per check {"before", "after", "fixed", "regressed", "p_value"} on dev and held-out, plus the
starting loop's figures, load average and total seconds.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import tempfile
import time
from pathlib import Path


def _run_named(ws, name: str):
    from curator.errors import CuratorError
    from curator.review.runs import resolve_run

    try:
        return resolve_run(ws, name)
    except CuratorError:
        return None


@dataclasses.dataclass
class Start:
    """The starting model: loop 1's job (its adapter) and its re-eval run of the demo items."""

    job: object
    run: object
    dataset: str
    train_s: float | None


def _start(ws, state, reuse: bool) -> Start:
    from curator.demo.script import run_loop
    from curator.jobs.training import get_job

    if reuse:
        run = _run_named(ws, f"{state.base_run.name}@job1")
        if run is not None:
            job = get_job(ws, 1)
            return Start(job, run, job.config.get("dataset", ""), None)
    first = run_loop(ws, state)
    return Start(first.job, first.run, first.dataset, round(first.train_s, 1))


def _extra_records(count: int, seed: int) -> list[dict]:
    """`count` more held-out items: held-out family wordings, names, numbers and weather phrasings, all cases."""
    import random

    from curator.demo.task import CASES, HELD_OUT, item_record, random_problem

    rng, records = random.Random(seed), []
    for i in range(count):
        case = CASES[i % len(CASES)]
        forms = HELD_OUT.weather.get(case, [(None, None)])
        form = forms[(i // len(CASES)) % len(forms)]
        records.append(item_record(f"extra-s{seed}-{case}-{i}", "held_out", case, random_problem(rng, HELD_OUT), form))
    return records


def _extra_start_run(ws, state, start: Start, count: int, seed: int):
    """The extra held-out items, evaluated with the starting model (made once per workspace, count and seed)."""
    from curator.demo.setup import DEMO_GENERATION, DEMO_THREADS, checks_file
    from curator.jobs.evals import EvalRequest, run_eval
    from curator.review.runs import create_run_from_records

    items = f"extra-held-out-{count}-s{seed}"
    existing = _run_named(ws, f"{items}-start")
    if existing is not None:
        return existing
    create_run_from_records(ws, items, _extra_records(count, seed))
    request = EvalRequest(
        model=str(state.model_path),
        adapter=start.job.adapter_path,
        items=items,
        checks=checks_file(),
        name=f"{items}-start",
        cpu_threads=DEMO_THREADS,
        dtype=(state.base_run.settings or {}).get("dtype") or "auto",
        generation=DEMO_GENERATION,
    )
    return run_eval(ws, request)


def _sample(ws, state, first, args) -> tuple[int, dict, float]:
    from curator.fix import rollouts as rollout_domain
    from curator.jobs.sampling import SampleRequest, run_sampling

    started = time.monotonic()
    existing = rollout_domain.list_sample_sets(ws, first.run.run_id) if args.reuse else []
    request = SampleRequest(
        run=first.run.name,
        model=str(state.model_path),
        adapter=first.job.adapter_path,
        k=args.k,
        temperature=args.temperature,
        top_p=args.top_p,
        max_new_tokens=args.max_new_tokens,
        dtype=(state.base_run.settings or {}).get("dtype") or "auto",
        cpu_threads=args.threads,
    )
    sample_set = existing[0] if existing else run_sampling(ws, request)
    summaries = rollout_domain.summaries(ws, sample_set.sample_set_id)
    figures = {
        "inputs": len(summaries),
        "rollouts": sample_set.rollout_count,
        "k": args.k,
        "temperature": args.temperature,
        "signal": {kind: sum(s.signal == kind for s in summaries) for kind in ("mixed", "all pass", "none pass")},
    }
    return sample_set.sample_set_id, figures, round(time.monotonic() - started, 1)


def _rows(ws, first, sample_set_id: int, method: str, args) -> tuple[str, int]:
    """The recipe version of one method's rows from the sample set."""
    from curator.demo.script import usable_rows
    from curator.fix import examples as example_domain
    from curator.fix import rollouts as rollout_domain
    from curator.recipes.library import build, save_recipe
    from curator.recipes.spec import spec_from_dict

    if method == "sft":
        report = rollout_domain.propose_best(ws, sample_set_id)
        if report.batch_id is not None:
            example_domain.accept_all(ws, batch_id=report.batch_id)
        source = {"kind": "samples", "run": first.run.name, "share": 1}
    elif method == "dpo":
        rollout_domain.make_pairs(ws, sample_set_id, max_pairs=args.pairs)
        source = {"kind": "pairs", "run": first.run.name, "share": 1}
    else:
        varied = [s for s in rollout_domain.summaries(ws, sample_set_id) if s.best_reward > s.worst_reward]
        rows = [{"prompt": s.input, "completion": s.target} for s in varied]
        source = {"kind": "seed", "name": "reward-variance", "share": 1, "rows": rows}
    name = f"own-{method}"
    probe = spec_from_dict({"name": name, "total": 1, "sources": [source]})
    total = usable_rows(ws, probe.sources[0])  # as the build counts them: held-out near-duplicates refused
    if not total:
        return "", 0
    save_recipe(ws, spec_from_dict({"name": name, "total": total, "sources": [source]}))
    version = build(ws, name)
    return f"{version.recipe_name}@{version.version}", version.row_count


def _compared(ws, run, before) -> dict:
    from curator.compare.comparison import compare_runs
    from curator.demo.script import check_changes

    return {c.name: c.as_dict() for c in check_changes(compare_runs(ws, run.run_id, before.run_id))}


def _retrain(ws, state, start: Start, extra_start, dataset: str, method: str, args) -> dict:
    from curator.demo.setup import DEMO_GENERATION, DEMO_THREADS
    from curator.errors import CuratorError
    from curator.jobs import training as job_domain

    lora, trainer = job_domain.default_settings(ws, str(state.model_path), method)
    trainer = dataclasses.replace(trainer, eval_every=0, device="cpu")
    if method == "grpo":
        trainer = dataclasses.replace(trainer, epochs=args.grpo_epochs)
    started = time.monotonic()
    request = job_domain.TrainingRequest(
        dataset=dataset,
        base_model=str(state.model_path),
        source_run=state.base_run.name,
        parent_adapter=start.job.adapter_path,
        lora=lora,
        trainer=trainer,
        generation=DEMO_GENERATION.as_dict(),
    )
    job = job_domain.run_job(ws, request)
    train_s = time.monotonic() - started
    if job.status != "succeeded":
        raise CuratorError(f"training job {job.job_id} {job.status}: {job.error}")
    started = time.monotonic()
    options = dict(cpu_threads=DEMO_THREADS, generation=DEMO_GENERATION)
    dtype = (state.base_run.settings or {}).get("dtype") or state.dtype
    run = job_domain.reeval_with_adapter(ws, job.job_id, state.base_run.run_id, dtype=dtype, **options)
    extra = job_domain.reeval_with_adapter(ws, job.job_id, extra_start.run_id, dtype=dtype, **options)
    metrics = job_domain.get_job(ws, job.job_id).metrics or {}
    return {
        "dataset": dataset,
        "job": job.job_id,
        "learning_rate": trainer.learning_rate,
        "epochs": trainer.epochs,
        "steps": metrics.get("steps"),
        "final_loss": metrics.get("final_loss"),
        "train_s": round(train_s, 1),
        "eval_s": round(time.monotonic() - started, 1),
        "checks": _compared(ws, run, start.run),
        "extra_held_out": _compared(ws, extra, extra_start),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", help="A local Hugging Face model folder (default: the embedded SmolLM2).")
    parser.add_argument("--methods", default="sft,dpo", help="Comma-separated: sft (best of k), dpo (pairs), grpo.")
    parser.add_argument("--k", type=int, default=8)
    parser.add_argument("--temperature", type=float, default=0.8)
    parser.add_argument("--top-p", type=float, default=0.95)
    parser.add_argument("--max-new-tokens", type=int, default=48, help="The demo eval's budget (longest target 40).")
    parser.add_argument("--pairs", type=int, default=2, help="Preference pairs per input for dpo.")
    parser.add_argument("--grpo-epochs", type=float, default=1.0, help="Passes over the prompts for grpo.")
    parser.add_argument("--threads", type=int, default=0, help="CPU threads for sampling (0: torch's default).")
    parser.add_argument("--extra-held-out", type=int, default=240, help="More held-out-family items to measure on.")
    parser.add_argument(
        "--extra-seed", type=int, default=11, help="Seed of the extra draw (a new seed: items no run has seen)."
    )
    parser.add_argument("--workspace", help="Keep the workspace here (default: a temporary folder).")
    parser.add_argument("--reuse", action="store_true", help="Reuse loop 1 and the samples found in --workspace.")
    args = parser.parse_args()
    methods = [m.strip() for m in args.methods.split(",") if m.strip()]

    from curator.demo.setup import prepare_demo
    from curator.review.runs import summarise_run
    from curator.workspace import Workspace

    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(args.workspace or Path(tmp) / "ws")
        with Workspace.open(root) as ws:
            state = prepare_demo(ws, model=args.model)
            start = _start(ws, state, args.reuse)
            extra_start = _extra_start_run(ws, state, start, args.extra_held_out, args.extra_seed)
            sample_set_id, sampling, sample_s = _sample(ws, state, start, args)
            report = {
                "model": state.model_name,
                "start": {"dataset": start.dataset, "train_s": start.train_s, "run": start.run.name},
                "start_pass_counts": {c.name: c.by_split for c in summarise_run(ws, start.run.run_id).checks},
                "start_extra_pass_counts": {c.name: c.by_split for c in summarise_run(ws, extra_start.run_id).checks},
                "extra_held_out": {"items": args.extra_held_out, "seed": args.extra_seed},
                "sampling": sampling | {"sample_s": sample_s},
                "methods": {},
            }
            for method in methods:
                dataset, rows = _rows(ws, start, sample_set_id, method, args)
                if not dataset:
                    report["methods"][method] = {"rows": 0, "note": "no input had a usable sample"}
                    continue
                result = _retrain(ws, state, start, extra_start, dataset, method, args)
                report["methods"][method] = {"rows": rows} | result
                print(json.dumps({method: report["methods"][method]}, ensure_ascii=False), file=sys.stderr, flush=True)
    report["total_s"] = round(time.monotonic() - started, 1)
    report["load_avg"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
