"""Curator's training overhead: the same LoRA job run by Curator's child process and by a plain TRL script.

Same tiny model, same fixed dataset, same steps and settings, in the same run (alternating, best of ROUNDS per
side, alternating which goes first). Throughput is training tokens over the trainer's own train_runtime on both
sides. Prints one JSON line:
curator_tokens_per_s, bare_tokens_per_s, ratio (curator / bare; the target is >= 0.95), steps, rounds.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

STEPS, ROWS, ROUNDS = 60, 160, 3


def build_inputs(folder: Path, model: str | None) -> tuple[str, Path]:
    """The tiny model (built once, cached in the folder) and a fixed JSONL dataset of fix examples."""
    from curator.demo.task import tricky_fix_examples

    if model is None:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
        from loopwork import build_test_model

        model = str(build_test_model(folder))
    data = folder / "train.jsonl"
    data.write_text("".join(json.dumps({"prompt": p, "completion": c}) + "\n" for p, c in tricky_fix_examples(3, ROWS)))
    return model, data


def job_file(folder: Path, model: str, data: Path, name: str) -> Path:
    from curator.training.job import JobSpec, LoraSettings, TrainerSettings

    spec = JobSpec(
        dataset_file=str(data),
        base_model=model,
        output_dir=str(folder / name / "adapter"),
        progress_file=str(folder / name / "progress.jsonl"),
        lora=LoraSettings(r=16, alpha=32, dropout=0.0),
        trainer=TrainerSettings(
            learning_rate=1e-3, max_steps=STEPS, batch_size=8, max_length=192, eval_every=0, device="cpu", cpu_threads=1
        ),
    )
    return spec.save(folder / name / "job.json")


def bare(job_path: str) -> None:
    """The plain TRL script: SFTTrainer + LoraConfig with the job's settings, nothing else."""
    import torch
    from datasets import Dataset
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import SFTConfig, SFTTrainer

    job = json.loads(Path(job_path).read_text())
    t, lora = job["trainer"], job["lora"]
    torch.set_num_threads(t["cpu_threads"])
    tok = AutoTokenizer.from_pretrained(job["base_model"])
    model = AutoModelForCausalLM.from_pretrained(job["base_model"])
    rows = [json.loads(line) for line in Path(job["dataset_file"]).read_text().splitlines()]
    data = Dataset.from_list(
        [
            {
                "prompt": [{"role": "user", "content": r["prompt"]}],
                "completion": [{"role": "assistant", "content": r["completion"]}],
            }
            for r in rows
        ]
    )
    args = SFTConfig(
        output_dir=str(Path(job["output_dir"]) / "trainer"),
        max_steps=t["max_steps"],
        per_device_train_batch_size=t["batch_size"],
        learning_rate=t["learning_rate"],
        warmup_steps=t["warmup_ratio"],
        max_length=t["max_length"],
        seed=t["seed"],
        completion_only_loss=True,
        use_cpu=True,
        bf16=False,
        activation_checkpointing=False,  # transformers 5 name (gradient_checkpointing is its deprecated alias)
        report_to="none",
        save_strategy="no",
        logging_steps=1,
        disable_tqdm=True,
        lr_scheduler_type="linear",
        dataloader_num_workers=0,
    )
    trainer = SFTTrainer(
        model=model,
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
    tokens = max(entry.get("num_tokens", 0) for entry in trainer.state.log_history)
    print(json.dumps({"tokens_per_s": tokens / output.metrics["train_runtime"]}))


def curator_rate(job: Path) -> float:
    """Tokens over train_runtime, as the child's final metrics report them."""
    subprocess.run([sys.executable, "-m", "curator.training", str(job)], check=True, capture_output=True)
    final = json.loads((job.parent / "progress.jsonl").read_text().splitlines()[-1])
    return final["metrics"]["train_tokens"] / final["metrics"]["train_runtime_s"]


def bare_rate(job: Path) -> float:
    done = subprocess.run([sys.executable, __file__, "--bare", str(job)], check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])["tokens_per_s"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", help="A local model folder (default: the tiny demo model, built here).")
    parser.add_argument("--bare", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare:
        bare(args.bare)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        model, data = build_inputs(folder, args.model)
        curator_runs, bare_runs = [], []
        for round_ in range(ROUNDS):  # alternate which side goes first, so drifts in machine load even out
            sides = [("curator", curator_rate, curator_runs), ("bare", bare_rate, bare_runs)]
            for name, rate, runs in sides if round_ % 2 == 0 else sides[::-1]:
                runs.append(rate(job_file(folder, model, data, f"{name}-{round_}")))
    best_curator, best_bare = max(curator_runs), max(bare_runs)
    print(
        json.dumps(
            {
                "curator_tokens_per_s": round(best_curator, 1),
                "bare_tokens_per_s": round(best_bare, 1),
                "ratio": round(best_curator / best_bare, 3),
                "steps": STEPS,
                "rounds": ROUNDS,
                "curator_runs": [round(r, 1) for r in curator_runs],
                "bare_runs": [round(r, 1) for r in bare_runs],
            }
        )
    )


if __name__ == "__main__":
    main()
