"""Shared material for the training tests: job files for each method on the tiny fixture model, and running them."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from loopwork import FAST_GENERATION, SHORT_LORA, SHORT_TRAINER, write_train_file

from curator.child.progress import read_events
from curator.demo.setup import demo_checks
from curator.demo.task import eval_records, tricky_fix_examples
from curator.training.job import JobSpec


def failing(completion: str) -> str:
    """The completion without its weather tag: what the weather_tag and emoji checks fail."""
    return completion.split("<display_weather>")[0]


def write_pairs_file(path: Path, rows: int = 16) -> Path:
    """DPO rows (`curator export --shape dpo`): chosen is the fixed answer, rejected the one without the tag."""
    with path.open("w", encoding="utf-8") as out:
        for prompt, completion in tricky_fix_examples(3, rows):
            out.write(json.dumps({"prompt": prompt, "chosen": completion, "rejected": failing(completion)}) + "\n")
    return path


def write_labels_file(path: Path, rows: int = 16) -> Path:
    """KTO rows (`curator export --shape kto`): each prompt once with a good and once with a bad completion."""
    with path.open("w", encoding="utf-8") as out:
        for prompt, completion in tricky_fix_examples(3, rows // 2):
            out.write(json.dumps({"prompt": prompt, "completion": completion, "label": True}) + "\n")
            out.write(json.dumps({"prompt": prompt, "completion": failing(completion), "label": False}) + "\n")
    return path


DATASETS = {"sft": write_train_file, "dpo": write_pairs_file, "kto": write_labels_file, "grpo": write_train_file}


def dev_items() -> list[dict]:
    return [
        {"item_key": i, "input": r["input"], "target": r["target"]}
        for i, r in enumerate(eval_records(per_case=1))
        if r["split"] == "dev"
    ]


def write_job(tmp_path: Path, model_dir: Path, method: str = "sft", dataset: Path | None = None, **trainer) -> JobSpec:
    """A short job of `method` with the demo checks and dev items; saved as tmp_path/job.json."""
    settings = replace(SHORT_TRAINER, method=method, **trainer)
    if method == "grpo":  # 2 prompts x 4 samples a step, short samples: the plumbing, not the model's quality
        settings = replace(settings, num_generations=4, max_completion_length=16, **trainer)
    spec = JobSpec(
        dataset_file=str(dataset or DATASETS[method](tmp_path / f"{method}.jsonl")),
        base_model=str(model_dir),
        output_dir=str(tmp_path / "adapter"),
        progress_file=str(tmp_path / "progress.jsonl"),
        lora=SHORT_LORA,
        trainer=settings,
        dev_items=dev_items(),
        checks=[json.loads(c.to_json()) for c in demo_checks()],
        generation=FAST_GENERATION,
    )
    spec.save(tmp_path / "job.json")
    return spec


def run_child(tmp_path: Path, timeout: int = 300) -> tuple[int, list[dict]]:
    """`python -m curator.training tmp_path/job.json`: its exit status and progress events."""
    done = subprocess.run(
        [sys.executable, "-m", "curator.training", str(tmp_path / "job.json")],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    events = read_events(tmp_path / "progress.jsonl")[0]
    if done.returncode not in (0, 3) and (not events or events[-1]["event"] != "failed"):
        raise AssertionError(done.stderr[-3000:])
    return done.returncode, events
