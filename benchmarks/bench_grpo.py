"""GRPO steps/s: Curator's training job against a bare TRL GRPOTrainer script, same model, reward and settings.

Both sides train the same LoRA on the tiny demo model (or --model) with the same GRPO settings and the same reward
function (Curator's checks: the demo checks plus a `mentions_weather` regex that the tiny model passes sometimes,
weighted by one reward spec), in the same run, alternating which side goes first; best of ROUNDS per side.
Throughput is optimiser steps over the trainer's own train_runtime on both sides. Prints one JSON line:
curator_steps_per_s, bare_steps_per_s, ratio (best curator / best bare; the target is >= 0.95), median_ratio (the
same over the medians: steadier when other work shares the CPU), steps, rounds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROWS = 32
REWARDS = {"weights": {"mentions_weather": 0.5, "answer": 0.25, "weather_tag": 0.25}, "partial": {}}
MENTIONS_WEATHER = {"name": "mentions_weather", "kind": "regex", "options": {"pattern": "[Ww]eather"}}


def build_inputs(folder: Path, model: str | None) -> tuple[str, Path]:
    """The tiny model (built once, in the folder) and a fixed JSONL dataset of prompts with their fixed answers."""
    from curator.demo.task import tricky_fix_examples

    if model is None:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
        from loopwork import build_test_model

        model = str(build_test_model(folder))
    data = folder / "prompts.jsonl"
    data.write_text("".join(json.dumps({"prompt": p, "completion": c}) + "\n" for p, c in tricky_fix_examples(3, ROWS)))
    return model, data


def job_file(folder: Path, model: str, data: Path, name: str, steps: int) -> Path:
    from curator.demo.setup import demo_checks
    from curator.training.job import JobSpec, LoraSettings, TrainerSettings

    spec = JobSpec(
        dataset_file=str(data),
        base_model=model,
        output_dir=str(folder / name / "adapter"),
        progress_file=str(folder / name / "progress.jsonl"),
        lora=LoraSettings(r=16, alpha=32, dropout=0.0),
        trainer=TrainerSettings(
            method="grpo",
            learning_rate=1e-3,
            max_steps=steps,
            batch_size=8,
            num_generations=4,
            max_completion_length=32,
            max_length=192,
            eval_every=0,
            device="cpu",
            cpu_threads=1,
        ),
        checks=[json.loads(c.to_json()) for c in demo_checks()] + [MENTIONS_WEATHER],
        rewards=REWARDS,
    )
    return spec.save(folder / name / "job.json")


def bare(job_path: str) -> None:
    """The plain TRL script: GRPOTrainer + LoraConfig with the job's settings and the same reward function."""
    import torch
    from datasets import Dataset
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import GRPOConfig, GRPOTrainer

    from curator.checks.spec import CheckSpec
    from curator.training.rewards import checks_reward

    job = json.loads(Path(job_path).read_text())
    t, lora = job["trainer"], job["lora"]
    torch.set_num_threads(t["cpu_threads"])
    tok = AutoTokenizer.from_pretrained(job["base_model"])
    model = AutoModelForCausalLM.from_pretrained(job["base_model"], dtype=torch.float32)
    rows = [json.loads(line) for line in Path(job["dataset_file"]).read_text().splitlines()]
    data = Dataset.from_list(
        [
            {"prompt": [{"role": "user", "content": r["prompt"]}], "input": r["prompt"], "target": r["completion"]}
            for r in rows
        ]
    )
    reward = checks_reward([CheckSpec.from_json(json.dumps(c)) for c in job["checks"]], job["rewards"])
    args = GRPOConfig(
        output_dir=str(Path(job["output_dir"]) / "trainer"),
        max_steps=t["max_steps"],
        per_device_train_batch_size=t["batch_size"],
        num_generations=t["num_generations"],
        max_completion_length=t["max_completion_length"],
        temperature=t["temperature"],
        beta=t["beta"],
        learning_rate=t["learning_rate"],
        warmup_steps=t["warmup_ratio"],
        seed=t["seed"],
        use_cpu=True,
        bf16=False,
        activation_checkpointing=False,
        report_to="none",
        save_strategy="no",
        logging_steps=1,
        disable_tqdm=True,
        lr_scheduler_type="linear",
        dataloader_num_workers=0,
        log_completions=False,
    )
    trainer = GRPOTrainer(
        model=model,
        reward_funcs=[reward],
        args=args,
        train_dataset=data,
        processing_class=tok,
        peft_config=LoraConfig(
            r=lora["r"],
            lora_alpha=lora["alpha"],
            lora_dropout=lora["dropout"],
            target_modules=lora["target_modules"],
            task_type="CAUSAL_LM",
        ),
    )
    output = trainer.train()
    print(json.dumps({"steps_per_s": trainer.state.global_step / output.metrics["train_runtime"]}))


def curator_rate(job: Path) -> float:
    """Steps over train_runtime, as the child's final metrics report them."""
    subprocess.run([sys.executable, "-m", "curator.training", str(job)], check=True, capture_output=True)
    final = json.loads((job.parent / "progress.jsonl").read_text().splitlines()[-1])
    return final["metrics"]["steps"] / final["metrics"]["train_runtime_s"]


def bare_rate(job: Path) -> float:
    done = subprocess.run([sys.executable, __file__, "--bare", str(job)], check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])["steps_per_s"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", help="A local model folder (default: the tiny demo model, built here).")
    parser.add_argument("--steps", type=int, default=20, help="GRPO steps per run.")
    parser.add_argument("--rounds", type=int, default=3, help="Runs per side.")
    parser.add_argument("--bare", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare:
        bare(args.bare)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        model, data = build_inputs(folder, args.model)
        curator_runs, bare_runs = [], []
        for round_ in range(args.rounds):  # alternate which side goes first, so drifts in machine load even out
            sides = [("curator", curator_rate, curator_runs), ("bare", bare_rate, bare_runs)]
            for name, rate, runs in sides if round_ % 2 == 0 else sides[::-1]:
                runs.append(rate(job_file(folder, model, data, f"{name}-{round_}", args.steps)))
    best_curator, best_bare = max(curator_runs), max(bare_runs)
    print(
        json.dumps(
            {
                "curator_steps_per_s": round(best_curator, 3),
                "bare_steps_per_s": round(best_bare, 3),
                "ratio": round(best_curator / best_bare, 3),
                "median_ratio": round(statistics.median(curator_runs) / statistics.median(bare_runs), 3),
                "steps": args.steps,
                "rounds": args.rounds,
                "curator_runs": [round(r, 3) for r in curator_runs],
                "bare_runs": [round(r, 3) for r in bare_runs],
            }
        )
    )


if __name__ == "__main__":
    main()
