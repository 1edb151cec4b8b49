"""`python -m curator.inference.eval_child JOBFILE`: generate outputs for a run's inputs in a child process.

The job file names the model (+ adapter), the backend preference, generation settings and a JSON-lines file
of items (`item_key`, `input`, `input_messages`). Outputs go to `outputs_file` as JSON lines
(`item_key`, `output`); progress events to `progress_file`. Exit status: 0 succeeded, 1 failed.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field

from curator.child.entry import child_main
from curator.child.job_file import JsonJobFile
from curator.child.progress import ProgressWriter
from curator.inference.backends import GenerationSettings, ModelRef, load_backend


@dataclass
class EvalJob(JsonJobFile):
    """What one eval child does."""

    model: str
    items_file: str
    outputs_file: str
    progress_file: str
    adapter: str | None = None
    backend: str = "auto"
    trust_remote_code: bool = False
    cpu_threads: int = 0  # 0: torch's default
    dtype: str = "auto"  # auto: bf16 where the device supports it, else fp32
    generation: dict = field(default_factory=dict)


def read_items(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def set_cpu_threads(count: int) -> None:
    """Fewer threads beat more on a busy CPU with a tiny model (each op is too small to split)."""
    if count > 0:
        import torch  # torch: ~2 s; the child needs it anyway

        torch.set_num_threads(count)


def run(job: EvalJob, writer: ProgressWriter) -> dict:
    items = read_items(job.items_file)
    set_cpu_threads(job.cpu_threads)
    settings = GenerationSettings(**job.generation)
    ref = ModelRef(job.model, job.adapter, trust_remote_code=job.trust_remote_code, dtype=job.dtype)
    backend = load_backend(ref, settings, job.backend)
    writer.emit("loaded", backend=backend.name, dtype=backend.dtype, total=len(items))
    prompts = [item.get("input_messages") or item.get("input") or "" for item in items]
    outputs = backend.generate(prompts, on_batch=lambda done: writer.emit("generated", done=done, total=len(items)))
    with open(job.outputs_file, "w", encoding="utf-8") as out:
        for item, output in zip(items, outputs, strict=True):
            out.write(json.dumps({"item_key": item["item_key"], "output": output}, ensure_ascii=False) + "\n")
    return {"backend": backend.name, "dtype": backend.dtype, "items": len(items), "generation": settings.as_dict()}


def main(argv: list[str]) -> int:
    return child_main(argv, "curator.inference.eval_child", EvalJob.load, run)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
