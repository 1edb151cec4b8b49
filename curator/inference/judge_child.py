"""`python -m curator.inference.judge_child JOBFILE`: a judge model's answers to rendered prompts, in a child process.

The job file names the model folder, backend, dtype and generation settings, and a JSON-lines file of requests
(`key`, `prompt`, `sample_index`, and `generation`: GenerationSettings fields over the job's, so judges with
different settings share one model load). Answers go to `answers_file` as JSON lines (`key`, `answer`); progress
events (the eval child's protocol) to `progress_file`; a `cancel_file` that appears stops it. Sample i of every
prompt is generated with seed `seed + i`. Exit status: 0 succeeded, 1 failed or cancelled.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from curator.child.entry import child_main
from curator.child.failures import JobCancelled, JobFailure
from curator.child.job_file import JsonJobFile
from curator.child.progress import ProgressWriter
from curator.inference.backends import GenerationSettings, ModelRef, load_backend
from curator.inference.eval_child import read_items, set_cpu_threads
from curator.inference.judge_local import generate_answers


@dataclass
class JudgeJob(JsonJobFile):
    """What one judge child does."""

    model: str
    requests_file: str
    answers_file: str
    progress_file: str
    cancel_file: str | None = None
    backend: str = "auto"
    dtype: str = "auto"
    trust_remote_code: bool = False
    cpu_threads: int = 0  # 0: torch's default
    generation: dict = field(default_factory=dict)  # GenerationSettings fields


def run(job: JudgeJob, writer: ProgressWriter) -> dict:
    requests = read_items(job.requests_file)
    if not Path(job.model).is_dir():
        raise JobFailure(f"judge model '{job.model}' is not a local folder (Curator never downloads weights)")
    set_cpu_threads(job.cpu_threads)
    settings = GenerationSettings(**job.generation)
    ref = ModelRef(job.model, None, trust_remote_code=job.trust_remote_code, dtype=job.dtype)
    backend = load_backend(ref, settings, job.backend)
    total = len(requests)
    writer.emit("loaded", backend=backend.name, dtype=backend.dtype, total=total)
    started = time.monotonic()

    def progressed(done: int) -> None:
        if job.cancel_file and Path(job.cancel_file).exists():
            raise JobCancelled("judging cancelled")
        writer.emit("generated", done=done, total=total)

    answers = generate_answers(backend, settings, requests, progressed)
    seconds = time.monotonic() - started
    with open(job.answers_file, "w", encoding="utf-8") as out:
        for key, answer in answers.items():
            out.write(json.dumps({"key": key, "answer": answer}, ensure_ascii=False) + "\n")
    return {
        "backend": backend.name,
        "dtype": backend.dtype,
        "answers": len(answers),
        "generate_s": round(seconds, 3),
        "generation": settings.as_dict(),
    }


def main(argv: list[str]) -> int:
    return child_main(argv, "curator.inference.judge_child", JudgeJob.load, run)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
