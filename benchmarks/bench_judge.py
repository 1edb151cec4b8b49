"""Judge throughput: a `judge` check over a run through the local child (render, cache lookup, child start, model
load, generate, parse, store) against a bare batched `generate` of the same prompts in a fresh process (start,
imports and model load included, the costs the judge child pays too); then the same judge again, every answer from
the DuckDB cache.

Then the learned grader's figures from benchmarks/bench_learned.py (see there).

Prints one JSON line: model, items, max_new_tokens, judge_s, judge_items_per_s, bare_s, bare_generate_s,
bare_items_per_s, ratio (judge items/s over bare items/s), warm_s, cache_speedup (judge_s over warm_s),
model_calls_warm (0 when the cache answers everything), not_graded; and the learned_* figures. `--learned-only`
prints only the learned figures; `--learned-items N` grades N items instead of 10,000; `--compare-fp32` adds the
learned grader's agreement with fp32 vectors.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_learned import learned_report

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
        print(json.dumps(learned_report(args.learned_items, args.compare_fp32)))
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
    learned = learned_report(args.learned_items, args.compare_fp32)
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
