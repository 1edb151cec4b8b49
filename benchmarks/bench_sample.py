"""Sampling throughput: rollouts/s of Curator's k-sample path (`curator.inference.sampling.sample`, what the
sampling child runs) against a bare batched `model.generate(..., do_sample=True, num_return_sequences=k)` loop on
the same loaded model, prompts, seed and settings, interleaved in the same process; and grading throughput (every
rollout graded by the demo checks and given its reward, as `curator sample` does before storing).

Prints one JSON line: model, device, dtype, prompts, k, max_new_tokens, rollouts_per_s, bare_rollouts_per_s,
ratio (curator / bare; target >= 0.9), grade_s (grading all rollouts of one pass), grade_rollouts_per_s, and
vllm_rollouts_per_s (vLLM's n=k on a CUDA GPU; null without one).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path


def bare_sample(model, tokenizer, prompts: list[str], k: int, args) -> list[list[str]]:
    """What a user would write by hand: chat template, left padding, generate with num_return_sequences=k."""
    import torch

    texts = [
        tokenizer.apply_chat_template([{"role": "user", "content": p}], tokenize=False, add_generation_prompt=True)
        for p in prompts
    ]
    size = max(1, args.batch_size // k)
    torch.manual_seed(args.seed)
    out = []
    for start in range(0, len(texts), size):
        batch = tokenizer(texts[start : start + size], return_tensors="pt", padding=True, add_special_tokens=False)
        batch = batch.to(model.device)
        with torch.no_grad():
            generated = model.generate(
                **batch,
                do_sample=True,
                temperature=args.temperature,
                top_p=args.top_p,
                max_new_tokens=args.max_new_tokens,
                num_return_sequences=k,
                pad_token_id=tokenizer.pad_token_id,
            )
        decoded = tokenizer.batch_decode(generated[:, batch["input_ids"].shape[1] :], skip_special_tokens=True)
        out += [decoded[i : i + k] for i in range(0, len(decoded), k)]
    return out


def timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", help="A local model folder (default: the tiny test model, built here).")
    parser.add_argument("--prompts", type=int, default=24)
    parser.add_argument("--k", type=int, default=8)
    parser.add_argument("--max-new-tokens", type=int, default=32)
    parser.add_argument("--batch-size", type=int, default=64, help="Sequences per generate call (prompts × k).")
    parser.add_argument("--temperature", type=float, default=0.8)
    parser.add_argument("--top-p", type=float, default=0.95)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=4, help="Interleaved rounds of each side.")
    parser.add_argument("--threads", type=int, default=1, help="Torch CPU threads.")
    parser.add_argument("--dtype", default="auto", help="auto (bf16 where supported), bfloat16, float32.")
    args = parser.parse_args()
    import torch

    from curator.checks.rewards import MEAN_OF_CHECKS, all_passed, grade_output
    from curator.demo.setup import demo_checks
    from curator.demo.task import eval_records
    from curator.inference.backends import GenerationSettings, ModelRef, TransformersBackend, choose_backend
    from curator.inference.sampling import sample

    torch.set_num_threads(args.threads)
    records = [r for r in eval_records() if r["split"] == "dev"][: args.prompts]
    prompts = [r["input"] for r in records]
    settings = GenerationSettings(args.max_new_tokens, args.temperature, args.top_p, args.batch_size, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = args.model
        if model_dir is None:
            sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
            from loopwork import build_test_model

            model_dir = str(build_test_model(Path(tmp)))
        backend = TransformersBackend(ModelRef(model_dir, dtype=args.dtype), settings)
        sample(backend, prompts[:2], 2)  # warm-up
        bare_sample(backend.model, backend.tokenizer, prompts[:2], 2, args)
        times = {"curator": 0.0, "bare": 0.0}
        sides = {
            "curator": lambda: sample(backend, prompts, args.k),
            "bare": lambda: bare_sample(backend.model, backend.tokenizer, prompts, args.k, args),
        }
        for round_no in range(args.rounds):
            # Alternate which side goes first, so neither always runs on a warmer (or busier) machine.
            for side in ("curator", "bare") if round_no % 2 == 0 else ("bare", "curator"):
                seconds, result = timed(sides[side])
                times[side] += seconds
                if side == "curator":
                    samples = result
        curator_s, bare_s = times["curator"], times["bare"]
        specs = demo_checks()

        def grade_all():
            for record, outputs in zip(records, samples, strict=True):
                for output in outputs:
                    results = grade_output(specs, input=record["input"], target=record["target"], output=output)
                    all_passed(results), MEAN_OF_CHECKS.reward(results)

        grade_s, _ = timed(grade_all)
        vllm_rate = None
        if choose_backend("auto") == "vllm":
            from curator.inference.backends import VllmBackend

            vllm = VllmBackend(ModelRef(model_dir, dtype=args.dtype), settings)
            sample(vllm, prompts[:2], 2)
            seconds, _ = timed(lambda: sample(vllm, prompts, args.k))
            vllm_rate = len(prompts) * args.k / seconds
    rollouts = len(prompts) * args.k * args.rounds
    print(
        json.dumps(
            {
                "model": Path(model_dir).name if args.model else "tiny test model",
                "device": str(backend.device),
                "dtype": backend.dtype,
                "prompts": len(prompts),
                "k": args.k,
                "max_new_tokens": args.max_new_tokens,
                "rollouts_per_s": round(rollouts / curator_s, 2),
                "bare_rollouts_per_s": round(rollouts / bare_s, 2),
                "ratio": round(bare_s / curator_s, 3),
                "grade_s": round(grade_s, 4),
                "grade_rollouts_per_s": round(len(prompts) * args.k / grade_s, 1),
                "vllm_rollouts_per_s": None if vllm_rate is None else round(vllm_rate, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
