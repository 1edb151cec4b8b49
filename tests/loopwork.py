"""Shared material for the loop tests: a small demo model built once per session, demo runs, short jobs."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from curator.checks import run_checks
from curator.demo.setup import demo_checks
from curator.demo.task import eval_records, tricky_fix_examples
from curator.demo.tiny_model import RECIPE
from curator.review.runs import create_run_from_records
from curator.training.job import LoraSettings, TrainerSettings

# A much shorter base training than the demo's: the tests check the plumbing, not the model's quality.
TEST_RECIPE = copy.deepcopy(RECIPE)
TEST_RECIPE["corpus"]["size"] = 200
TEST_RECIPE["train"]["epochs"] = 2
SHORT_TRAINER = TrainerSettings(
    learning_rate=1e-2, max_steps=4, batch_size=8, max_length=128, eval_every=2, patience=5, device="cpu", cpu_threads=1
)
SHORT_LORA = LoraSettings(r=4, alpha=8, dropout=0.0)
FAST_GENERATION = {"max_new_tokens": 24, "batch_size": 64}


def build_test_model(base_temp: Path) -> Path:
    """The test demo model, built once per session under pytest's base temp folder (every conftest shares it)."""
    from curator.demo.tiny_model import build_demo_model, is_built, recipe_hash

    out = base_temp / f"demo-model-{recipe_hash(TEST_RECIPE)}"
    if not is_built(out, TEST_RECIPE):
        import torch  # the build runs in the test process: one thread, as the demo does

        torch.set_num_threads(1)
        build_demo_model(out, TEST_RECIPE)
    return out


def weather_run(ws, name: str = "weather", per_case: int = 2, with_outputs: bool = True):
    """A demo-task run whose outputs are the targets with the weather tag dropped on tricky cases."""
    records = eval_records(per_case=per_case)
    for record in records:
        output = record["target"]
        if with_outputs and record["metadata"]["case"] not in ("plain", "no_api"):
            output = output.split("<display_weather>")[0]
        record["output"] = output if with_outputs else None
    run = create_run_from_records(ws, name, records)
    run_checks(ws, run.run_id, demo_checks())
    return run


def write_train_file(path: Path, rows: int = 16) -> Path:
    """A frozen-dataset-like JSONL file of fix examples."""
    with path.open("w", encoding="utf-8") as out:
        for prompt, completion in tricky_fix_examples(3, rows):
            out.write(json.dumps({"prompt": prompt, "completion": completion, "source": "fixes"}) + "\n")
    return path
