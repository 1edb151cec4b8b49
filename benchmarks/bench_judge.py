"""Judge throughput: a `judge` check over a run through the local child (render, cache lookup, child start, model
load, generate, parse, store) against a bare batched `generate` of the same prompts in a fresh process (start,
imports and model load included, the costs the judge child pays too); then the same judge again, every answer from
the DuckDB cache.

Then a learned check: fitted on 300 labels (the calibration part of them) and grading a run of 10,000 items whose
inputs and outputs are all distinct (every text embedded once, nothing from the cache), embedding model load
included.

Prints one JSON line: model, items, max_new_tokens, judge_s, judge_items_per_s, bare_s, bare_generate_s,
bare_items_per_s, ratio (judge items/s over bare items/s), warm_s, cache_speedup (judge_s over warm_s),
model_calls_warm (0 when the cache answers everything), not_graded; learned_items, learned_labels,
learned_10k_s (fit plus grading; learned_10k_cpu_s its CPU time, all threads), learned_rerun_s (the same check
again: fit reused, vectors from the cache), learned_load_1m (load average before and after), and the bare encoder
alone in the same process: learned_encoder, learned_encoder_threads, learned_encoder_texts_per_s (and per CPU
second), learned_encoder_load_1m. `--learned-only` prints only the learned figures; `--learned-items N` grades N
items instead of 10,000; `--compare-fp32` grades the same rows again with fp32 vectors (fp32_* figures) and adds
learned_fp32_verdict_agreement, learned_fp32_max_p_diff and learned_fp32_mean_p_diff.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUBRIC = "Question: {{ input }}\nReply: {{ output }}\nDoes the reply answer the question with the right number?"
BARE = """
import json, sys, time
import torch
from curator.inference.backends import GenerationSettings, ModelRef, load_backend
torch.set_num_threads({threads})
prompts = [json.loads(line)["prompt"] for line in open({requests!r}, encoding="utf-8")]
backend = load_backend(ModelRef({model!r}, dtype={dtype!r}), GenerationSettings({tokens}, batch_size={batch}), "transformers")
started = time.perf_counter()
outputs = backend.generate(prompts)
print(json.dumps({{"generate_s": time.perf_counter() - started, "outputs": len(outputs)}}))
"""


def records(count: int) -> list[dict]:
    from curator.demo.task import eval_records

    pool = eval_records(per_case=max(1, count // 10 + 1))
    return [
        {**r, "item_id": f"{i}", "output": r["target"]} for i, r in enumerate((pool * (count // len(pool) + 1))[:count])
    ]


def _maybe_untagged(output: str, index: int) -> str:
    """Every third output without its weather tag: what the labels fail."""
    return output.split("<display_weather>")[0] if index % 3 == 0 else output


def learned_rows(items: int) -> list[dict]:
    """`items` rows whose inputs and outputs are all distinct (a ticket number in each)."""
    return [
        {**r, "input": f"{r['input']} (ticket {i})", "output": f"{_maybe_untagged(r['output'], i)} Ref {i}."}
        for i, r in enumerate(records(items))
    ]


def learned_figures(tmp: Path, items: int = 10_000, labels: int = 300, model: str | None = None) -> dict:
    """Fit a learned check on `labels` labels and grade `items` distinct outputs; then the same again. `model`:
    the embedder's name (default: what a new fit uses). The per-item scores come back under "scores"."""
    from curator.checks import CheckSpec
    from curator.checks.learned.encoder import load_encoder
    from curator.jobs.learning import run_learned
    from curator.review.labels import set_label
    from curator.review.runs import create_run_from_records
    from curator.storage import judge_cache
    from curator.workspace import Workspace

    rows = learned_rows(items)
    spec = CheckSpec("learned", "learned")
    embedder = load_encoder(model) if model else None
    load_before = os.getloadavg()[0]
    with Workspace.open(tmp / f"learned-ws-{model or 'default'}") as ws:
        run = create_run_from_records(ws, "learned-bench", rows)
        run_learned(ws, run.run_id, [spec], embedder=embedder)  # stores the check (not graded) to be labelled
        for row in rows[:labels]:
            set_label(ws, run.run_id, row["item_id"], "learned", "<display_weather>" in row["output"])
        started, cpu_started = time.perf_counter(), time.process_time()
        [outcome] = run_learned(ws, run.run_id, [spec], embedder=embedder)
        fit_and_grade_s, cpu_s = time.perf_counter() - started, time.process_time() - cpu_started
        load_after = os.getloadavg()[0]
        started = time.perf_counter()
        [again] = run_learned(ws, run.run_id, [spec], embedder=embedder)
        rerun_s = time.perf_counter() - started
        scores = [score for _, _, _, score, *_ in judge_cache.verdict_rows(ws.db, run.run_id, "learned")]
    for done in (outcome, again):
        if done.error or done.reason:
            raise SystemExit(f"learned check failed: {done.error or done.reason}")
    return {
        "learned_items": outcome.graded,
        "learned_labels": outcome.labels,
        "learned_10k_s": round(fit_and_grade_s, 2),
        "learned_10k_cpu_s": round(cpu_s, 2),
        "learned_rerun_s": round(rerun_s, 2),
        "learned_load_1m": [round(load_before, 2), round(load_after, 2)],
        **bare_encoder(model),
        "scores": scores,
    }


def bare_encoder(model: str | None, texts: int = 2_000) -> dict:
    """Texts/s of the learned grader's encoder alone on `texts` new distinct texts of the bench's kind (model
    loaded already), on the threads it chooses, with the load average beside it."""
    from curator.checks.learned.encoder import learned_model, load_encoder
    from curator.checks.learned.threads import encoding_threads

    rows = learned_rows(texts // 2)
    sample = [f"{r['input']} (bare)" for r in rows] + [f"{r['output']} (bare)" for r in rows]
    encoder = load_encoder(model or learned_model())
    with encoding_threads() as threads:
        pass
    started, cpu_started = time.perf_counter(), time.process_time()
    encoder.encode(sample)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return {
        "learned_encoder": encoder.name,
        "learned_encoder_threads": threads,
        "learned_encoder_texts_per_s": round(len(sample) / wall, 1),
        "learned_encoder_texts_per_cpu_s": round(len(sample) / cpu, 1),
        "learned_encoder_load_1m": round(os.getloadavg()[0], 2),
    }


def agreement(scores: list[float], reference: list[float]) -> dict:
    """How the grades of one encoder agree with another's (same items, same labels): verdicts at p >= 0.5."""
    import numpy as np

    a, b = np.asarray(scores), np.asarray(reference)
    flipped = b[(a >= 0.5) != (b >= 0.5)]
    return {
        "learned_fp32_verdict_agreement": round(float(np.mean((a >= 0.5) == (b >= 0.5))), 5),
        "learned_fp32_flipped_p_range": [round(float(flipped.min()), 3), round(float(flipped.max()), 3)]
        if len(flipped)
        else None,
        "learned_fp32_max_p_diff": round(float(np.abs(a - b).max()), 4),
        "learned_fp32_mean_p_diff": round(float(np.abs(a - b).mean()), 5),
    }


def learned_report(args) -> dict:
    """The learned figures (and with --compare-fp32, the same run with fp32 vectors and the verdicts' agreement)."""
    with tempfile.TemporaryDirectory() as tmp:
        figures = learned_figures(Path(tmp), items=args.learned_items)
        if args.compare_fp32:
            from curator.checks.learned.encoder import DEFAULT_MODEL

            fp32 = learned_figures(Path(tmp), items=args.learned_items, model=DEFAULT_MODEL)
            figures |= {f"fp32_{k}": v for k, v in fp32.items() if k != "scores"}
            figures |= agreement(figures["scores"], fp32["scores"])
    figures.pop("scores")
    return figures


def bare_generate(requests: Path, model: str, args) -> tuple[float, float]:
    code = BARE.format(
        threads=args.threads,
        requests=str(requests),
        model=model,
        dtype=args.dtype,
        tokens=args.max_new_tokens,
        batch=args.batch_size,
    )
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    wall = time.perf_counter() - started
    return wall, json.loads(done.stdout.strip().splitlines()[-1])["generate_s"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", help="A local model folder (default: the tiny test model, built here).")
    parser.add_argument("--items", type=int, default=256)
    parser.add_argument("--max-new-tokens", type=int, default=16)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1, help="Torch CPU threads, judge child and bare alike.")
    parser.add_argument("--dtype", default="float32")
    parser.add_argument("--learned-only", action="store_true", help="Only the learned grader's figures.")
    parser.add_argument("--learned-items", type=int, default=10_000, help="Items the learned check grades.")
    parser.add_argument(
        "--compare-fp32", action="store_true", help="Grade again with fp32 vectors and report the agreement."
    )
    args = parser.parse_args()
    if args.learned_only:
        print(json.dumps(learned_report(args)))
        return

    from curator.checks import CheckSpec
    from curator.checks.judging.options import check_judge_options
    from curator.jobs import judging
    from curator.review.runs import create_run_from_records
    from curator.workspace import Workspace

    with tempfile.TemporaryDirectory() as tmp:
        model = args.model
        if model is None:
            sys.path.insert(0, str(ROOT / "tests"))
            from loopwork import build_test_model

            model = str(build_test_model(Path(tmp)))
        options = {
            "model": model,
            "rubric": RUBRIC,
            "scale": "pass_fail",
            "temperature": 0.0,
            "seed": 0,
            "samples": 1,
            "max_new_tokens": args.max_new_tokens,
            "batch_size": args.batch_size,
            "timeout_s": 60.0,
        }
        spec = CheckSpec("judge", "judge", check_judge_options(options, Path(tmp), resolve=False))
        local = judging.LocalSettings(backend="transformers", dtype=args.dtype, cpu_threads=args.threads)
        with Workspace.open(Path(tmp) / "ws") as ws:
            run = create_run_from_records(ws, "bench", records(args.items))
            started = time.perf_counter()
            [cold] = judging.run_judges(ws, run.run_id, [spec], local=local)
            judge_s = time.perf_counter() - started
            started = time.perf_counter()
            [warm] = judging.run_judges(ws, run.run_id, [spec], local=local)
            warm_s = time.perf_counter() - started
            [requests] = sorted((ws.root / "jobs").glob("judge-*/requests.jsonl"))
            bare_s, bare_generate_s = bare_generate(requests, model, args)
    learned = learned_report(args)
    for outcome in (cold, warm):
        if outcome.error:
            raise SystemExit(f"judge failed: {outcome.error}")
    print(
        json.dumps(
            {
                "model": Path(model).name,
                "items": args.items,
                "max_new_tokens": args.max_new_tokens,
                "judge_s": round(judge_s, 2),
                "judge_items_per_s": round(args.items / judge_s, 2),
                "bare_s": round(bare_s, 2),
                "bare_generate_s": round(bare_generate_s, 2),
                "bare_items_per_s": round(args.items / bare_s, 2),
                "ratio": round(bare_s / judge_s, 3),
                "warm_s": round(warm_s, 3),
                "cache_speedup": round(judge_s / warm_s, 1),
                "model_calls_warm": warm.model_calls,
                "not_graded": cold.not_graded,
                **learned,
            }
        )
    )


if __name__ == "__main__":
    main()
