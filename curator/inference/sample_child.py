"""`python -m curator.inference.sample_child JOBFILE`: k sampled outputs per input, in a child process.

The job file names the model (+ adapter), backend, dtype, k and the sampling settings, and a JSON-lines file of
items (`item_key`, `input`, `input_messages`). Samples go to `outputs_file` as JSON lines (`item_key`,
`sample_index`, `output`); progress events (the eval child's protocol) to `progress_file`. Exit 0 succeeded, 1 not.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from curator.child.entry import child_main
from curator.child.failures import JobCancelled
from curator.child.job_file import JsonJobFile
from curator.child.progress import ProgressWriter
from curator.inference.backends import GenerationSettings, ModelRef
from curator.inference.eval_child import read_items, set_cpu_threads
from curator.inference.sampling import load_sampler, sample


@dataclass
class SampleJob(JsonJobFile):
    """What one sampling child does."""

    model: str
    items_file: str
    outputs_file: str
    progress_file: str
    k: int = 8
    adapter: str | None = None
    backend: str = "auto"
    dtype: str = "auto"  # auto: bf16 where the device supports it, else fp32
    trust_remote_code: bool = False
    cpu_threads: int = 0  # 0: torch's default
    cancel_file: str | None = None
    generation: dict = field(default_factory=dict)


def run(job: SampleJob, writer: ProgressWriter) -> dict:
    items = read_items(job.items_file)
    set_cpu_threads(job.cpu_threads)
    settings = GenerationSettings(**job.generation)
    ref = ModelRef(job.model, job.adapter, trust_remote_code=job.trust_remote_code, dtype=job.dtype)
    backend = load_sampler(ref, settings, job.backend)
    total = len(items) * job.k
    dtype = getattr(backend, "dtype", job.dtype)
    writer.emit("loaded", backend=backend.name, dtype=dtype, total=total, inputs=len(items), k=job.k)
    started = time.monotonic()

    def progressed(done_inputs: int) -> None:
        if job.cancel_file and Path(job.cancel_file).exists():
            raise JobCancelled("sampling cancelled")
        writer.emit("generated", done=done_inputs * job.k, total=total)

    prompts = [item.get("input_messages") or item.get("input") or "" for item in items]
    samples = sample(backend, prompts, job.k, on_batch=progressed)
    seconds = time.monotonic() - started
    with open(job.outputs_file, "w", encoding="utf-8") as out:
        for item, outputs in zip(items, samples, strict=True):
            for index, output in enumerate(outputs):
                record = {"item_key": item["item_key"], "sample_index": index, "output": output}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return {
        "backend": backend.name,
        "dtype": dtype,
        "inputs": len(items),
        "rollouts": total,
        "sample_s": round(seconds, 3),
        "generation": settings.as_dict(),
    }


def main(argv: list[str]) -> int:
    return child_main(argv, "curator.inference.sample_child", SampleJob.load, run)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
