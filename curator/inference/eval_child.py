"""`python -m curator.inference.eval_child JOBFILE`: generate outputs for a run's inputs in a child process.

The job file names the model (+ adapter), the backend preference, generation settings and a JSON-lines file
of items (`item_key`, `input`, `input_messages`). Outputs go to `outputs_file` as JSON lines
(`item_key`, `output`); progress events to `progress_file`. Exit status: see `curator.child.entry`.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from curator.child.cores import claim_cores
from curator.child.entry import child_main
from curator.child.failures import JobCancelled
from curator.child.job_file import JsonJobFile
from curator.child.progress import ProgressWriter
from curator.inference.backends import GenerationSettings, ModelRef, load_backend


@dataclass
class EvalJob(JsonJobFile):
    """What one eval child does (a sampling child is one with k > 1)."""

    model: str
    items_file: str
    outputs_file: str
    progress_file: str
    adapter: str | None = None
    backend: str = "auto"
    trust_remote_code: bool = False
    cpu_threads: int = 0  # 0: a fair share of the cores left by the other Curator children
    dtype: str = "auto"  # auto: bf16 where the device runs it natively, else fp32 (fp16 on such a GPU)
    cancel_file: str | None = None
    generation: dict = field(default_factory=dict)
    engine: dict = field(default_factory=dict)  # vLLM: max_model_len, gpu_memory_utilization, tensor_parallel_size


def read_items(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def set_cpu_threads(count: int) -> int:
    """Claim this process's threads among the running Curator children (`count` 0: a fair share); returns them."""
    return claim_cores(count).threads


def load(job: EvalJob, settings: GenerationSettings, writer: ProgressWriter, total: int, **extra):
    """The backend, loaded with this process's share of the cores; says which dtype and threads, and why."""
    threads = set_cpu_threads(job.cpu_threads)
    ref = ModelRef(job.model, job.adapter, trust_remote_code=job.trust_remote_code, dtype=job.dtype)
    backend = load_backend(ref, settings, job.backend, job.engine)
    writer.emit(
        "loaded",
        backend=backend.name,
        dtype=backend.dtype,
        dtype_reason=backend.dtype_reason,
        threads=threads,
        total=total,
        **extra,
    )
    return backend


def progress_reporter(job: EvalJob, writer: ProgressWriter, total: int):
    """`on_progress(done)` for the backend: one `generated` event per change, and the cancel file honoured."""

    def progressed(done: int) -> None:
        if job.cancel_file and Path(job.cancel_file).exists():
            raise JobCancelled("cancelled")
        writer.emit("generated", done=done, total=total)

    return progressed


def run(job: EvalJob, writer: ProgressWriter) -> dict:
    items = read_items(job.items_file)
    settings = GenerationSettings(**job.generation)
    backend = load(job, settings, writer, len(items))
    prompts = [item.get("input_messages") or item.get("input") or "" for item in items]
    outputs = backend.generate(prompts, progress_reporter(job, writer, len(items)))
    with open(job.outputs_file, "w", encoding="utf-8") as out:
        for item, output in zip(items, outputs, strict=True):
            out.write(json.dumps({"item_key": item["item_key"], "output": output}, ensure_ascii=False) + "\n")
    return {
        "backend": backend.name,
        "dtype": backend.dtype,
        "dtype_reason": backend.dtype_reason,
        "items": len(items),
        "generation": settings.as_dict(),
        "engine": getattr(backend, "engine", {}),  # the vLLM engine options used ({} for transformers)
    }


def main(argv: list[str]) -> int:
    return child_main(argv, "curator.inference.eval_child", EvalJob.load, run)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
