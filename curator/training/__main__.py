"""`python -m curator.training JOBFILE`: run one LoRA job (any method) in this process (or under `accelerate launch`).

Progress goes to the job's JSON-lines file; the last event is `succeeded`, `failed` or `cancelled`.
Exit status: 0 succeeded (also a cancel that keeps the best adapter so far), 1 failed, 3 cancelled.
"""

from __future__ import annotations

import shutil
import sys
import traceback
from pathlib import Path

from curator.child.failures import JobCancelled, failure_message
from curator.child.progress import ProgressWriter
from curator.training.job import JobSpec


def discard_adapter(job: JobSpec) -> None:
    """A cancelled or failed job leaves no adapter that could be mistaken for a usable one."""
    out = Path(job.output_dir)
    for name in ("adapter_model.safetensors", "adapter_config.json", "curator-metrics.json"):
        (out / name).unlink(missing_ok=True)
    shutil.rmtree(out / "trainer", ignore_errors=True)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m curator.training JOBFILE", file=sys.stderr)
        return 2
    try:
        job = JobSpec.load(Path(argv[0]))
    except (OSError, ValueError) as error:
        print(f"{argv[0]}: cannot read the job file: {error}", file=sys.stderr)
        return 2
    writer = ProgressWriter(job.progress_file)
    from curator.training.trainer import run_job  # pulls in torch/trl: after the job file is known good

    try:
        metrics = run_job(job)
    except JobCancelled:
        discard_adapter(job)
        writer.emit("cancelled")
        return 3
    except BaseException as error:  # noqa: BLE001 - every failure must end as one event the app can show
        traceback.print_exc()
        discard_adapter(job)
        writer.emit("failed", error=failure_message(error))
        return 1
    shutil.rmtree(Path(job.output_dir) / "trainer", ignore_errors=True)
    writer.emit("succeeded", adapter_path=job.output_dir, metrics=metrics)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
