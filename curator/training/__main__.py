"""`python -m curator.training JOBFILE`: run one LoRA job (any method) in this process (or under `accelerate launch`).

Progress goes to the job's JSON-lines file; the last event is `succeeded`, `failed` or `cancelled`. The exit
status is every child's (`curator.child.entry`): 0 succeeded (also a cancel that keeps the best adapter so far),
1 failed, 2 no readable job file, 3 cancelled.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from curator.child.entry import child_main
from curator.child.progress import ProgressWriter
from curator.training.job import JobSpec


def discard_adapter(job: JobSpec) -> None:
    """A cancelled or failed job leaves no adapter that could be mistaken for a usable one."""
    out = Path(job.output_dir)
    for name in ("adapter_model.safetensors", "adapter_config.json", "curator-metrics.json"):
        (out / name).unlink(missing_ok=True)
    shutil.rmtree(out / "trainer", ignore_errors=True)


def tidy(job: JobSpec, status: str) -> None:
    """After the run: only a succeeded job keeps its adapter; the trainer's own checkpoints never stay."""
    if status == "succeeded":
        shutil.rmtree(Path(job.output_dir) / "trainer", ignore_errors=True)
    else:
        discard_adapter(job)


def run(job: JobSpec, writer: ProgressWriter) -> dict:
    from curator.training.trainer import run_job  # pulls in torch/trl: after the job file is known good

    return {"adapter_path": job.output_dir, "metrics": run_job(job)}


def main(argv: list[str]) -> int:
    return child_main(argv, "curator.training", JobSpec.load, run, on_end=tidy)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
