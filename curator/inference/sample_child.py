"""`python -m curator.inference.sample_child JOBFILE`: k sampled outputs per input, in a child process.

The job file is an eval job (`eval_child.EvalJob`) with k. Samples go to `outputs_file` as JSON lines
(`item_key`, `sample_index`, `output`); progress events (the eval child's protocol) to `progress_file`.
Exit status: see `curator.child.entry`.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass

from curator.child.entry import child_main
from curator.child.progress import ProgressWriter
from curator.inference.backends import GenerationSettings
from curator.inference.eval_child import EvalJob, load, progress_reporter, read_items
from curator.inference.sampling import sample


@dataclass
class SampleJob(EvalJob):
    """What one sampling child does."""

    k: int = 8


def run(job: SampleJob, writer: ProgressWriter) -> dict:
    items = read_items(job.items_file)
    settings = GenerationSettings(**job.generation)
    total = len(items) * job.k
    backend = load(job, settings, writer, total, inputs=len(items), k=job.k)
    started = time.monotonic()
    prompts = [item.get("input_messages") or item.get("input") or "" for item in items]
    samples = sample(backend, prompts, job.k, progress_reporter(job, writer, total))
    seconds = time.monotonic() - started
    with open(job.outputs_file, "w", encoding="utf-8") as out:
        for item, outputs in zip(items, samples, strict=True):
            for index, output in enumerate(outputs):
                record = {"item_key": item["item_key"], "sample_index": index, "output": output}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return {
        "backend": backend.name,
        "dtype": backend.dtype,
        "dtype_reason": backend.dtype_reason,
        "inputs": len(items),
        "rollouts": total,
        "sample_s": round(seconds, 3),
        "generation": settings.as_dict(),
    }


def main(argv: list[str]) -> int:
    return child_main(argv, "curator.inference.sample_child", SampleJob.load, run)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
