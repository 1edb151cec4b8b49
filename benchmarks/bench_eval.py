"""Eval throughput: items/s of the transformers backend batched versus one item at a time, on the tiny demo
model over the demo task's inputs; on a machine with vLLM and a CUDA GPU, vLLM versus transformers too.

Prints one JSON line: items, device, dtype, batched_items_per_s, single_items_per_s, speedup, vllm_items_per_s
(null when vLLM or a GPU is missing), max_new_tokens.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ITEMS, MAX_NEW_TOKENS = 48, 32


def items_per_s(backend, prompts: list[str]) -> float:
    backend.generate(prompts[:2])  # warm-up
    started = time.perf_counter()
    backend.generate(prompts)
    return len(prompts) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", help="A local model folder (default: the tiny demo model, built here).")
    parser.add_argument("--threads", type=int, default=1, help="Torch CPU threads (the demo uses 1).")
    parser.add_argument("--dtype", default="auto", help="auto (bf16 where supported), bfloat16, float32.")
    args = parser.parse_args()
    import torch

    from curator.demo.task import eval_records
    from curator.inference.backends import GenerationSettings, ModelRef, TransformersBackend, choose_backend

    torch.set_num_threads(args.threads)
    prompts = [r["input"] for r in eval_records()][:ITEMS]
    with tempfile.TemporaryDirectory() as tmp:
        model = args.model
        if model is None:
            sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "training"))
            from loopwork import build_test_model

            model = str(build_test_model(Path(tmp)))
        ref = ModelRef(model, dtype=args.dtype)
        batched_backend = TransformersBackend(ref, GenerationSettings(MAX_NEW_TOKENS, batch_size=ITEMS))
        dtype = batched_backend.dtype
        batched = items_per_s(batched_backend, prompts)
        single = items_per_s(TransformersBackend(ref, GenerationSettings(MAX_NEW_TOKENS, batch_size=1)), prompts)
        vllm_rate = None
        if choose_backend("auto") == "vllm":
            from curator.inference.backends import VllmBackend

            vllm_rate = items_per_s(VllmBackend(ref, GenerationSettings(MAX_NEW_TOKENS)), prompts)
    print(
        json.dumps(
            {
                "items": len(prompts),
                "device": "cuda" if torch.cuda.is_available() else "cpu",
                "dtype": dtype,
                "batched_items_per_s": round(batched, 2),
                "single_items_per_s": round(single, 2),
                "speedup": round(batched / single, 2),
                "vllm_items_per_s": None if vllm_rate is None else round(vllm_rate, 2),
                "max_new_tokens": MAX_NEW_TOKENS,
            }
        )
    )


if __name__ == "__main__":
    main()
