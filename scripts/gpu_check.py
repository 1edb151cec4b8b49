"""The GPU check's steps (run by scripts/gpu_check.sh): Curator's CUDA paths end to end on the tiny test model.

An eval, a LoRA SFT job in bf16 and one in fp16, a re-eval with the adapter and its comparison, sampling with k=8,
a DPO and a GRPO step, and `accelerate launch` on one GPU, each through the `curator` CLI as a user runs it; then
ONE JSON line with the figures (seconds per step, pass rates, the dtype and precision each child chose). Exits 1
at the first failure (the line says which step and why), 0 when every step passed.

`--cpu` runs the same steps on the CPU so the script's own logic can be exercised where there is no GPU: there the
fp16 job trains in fp32 (fp16 mixed precision needs a GPU) and the figures say so.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STEP_TIMEOUT_S = 240
ONE_PROCESS = """compute_environment: LOCAL_MACHINE
distributed_type: 'NO'
num_machines: 1
num_processes: 1
mixed_precision: 'no'
use_cpu: {use_cpu}
"""
MENTIONS_WEATHER = '\n[[check]]\nname = "mentions_weather"\nkind = "regex"\npattern = "[Ww]eather"\n'


class Failed(Exception):
    """A step failed: its name and one line saying why."""


class Check:
    """The steps, their figures and the workspace they share."""

    def __init__(self, work: Path, cpu: bool):
        self.work, self.cpu = work, cpu
        self.ws = work / "ws"
        self.figures: dict = {"device": "cpu" if cpu else "cuda", "steps": {}}
        self.env = os.environ | {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_HOME": str(work / "hf")}
        self.device_flags = ["--device", "cpu", "--cpu-threads", "1"] if cpu else ["--device", "cuda"]
        self.model = work / "tiny-model"

    def timed(self, name: str, action) -> dict:
        started = time.monotonic()
        try:
            result = action() or {}
        except Failed:
            raise
        except Exception as error:  # noqa: BLE001 - any error fails the check with one line
            first = str(error).splitlines()[0] if str(error) else ""
            raise Failed(f"{name}: {type(error).__name__}: {first}") from None
        self.figures["steps"][name] = {"s": round(time.monotonic() - started, 1), **result}
        return result

    def curator(self, name: str, *args: str) -> str:
        command = [sys.executable, "-c", "from curator.cli.main import main; main()", "-w", str(self.ws), *args]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, env=self.env, timeout=STEP_TIMEOUT_S, cwd=self.work
            )
        except subprocess.TimeoutExpired:
            raise Failed(f"{name}: `curator {args[0]}` ran past {STEP_TIMEOUT_S} s") from None
        if done.returncode != 0:
            tail = " | ".join((done.stderr + done.stdout).strip().splitlines()[-3:])
            raise Failed(f"{name}: `curator {args[0]}` exited {done.returncode}: {tail}")
        return done.stdout

    # the steps

    def environment(self) -> dict:
        import torch

        found = {"torch": torch.__version__, "cuda": bool(torch.cuda.is_available())}
        if not self.cpu:
            if not found["cuda"]:
                raise Failed("environment: torch sees no CUDA GPU (use --cpu to exercise the steps on the CPU)")
            found |= {
                "gpu": torch.cuda.get_device_name(0),
                "bf16_native": bool(torch.cuda.is_bf16_supported(including_emulation=False)),
            }
        for package in ("transformers", "peft", "trl", "accelerate", "datasets"):
            found[package] = __import__(package).__version__
        return found

    def build_model(self) -> dict:
        import torch

        from curator.demo.tiny_model import RECIPE, build_demo_model

        recipe = copy.deepcopy(RECIPE)  # the tests' short build: the plumbing, not the model's quality
        recipe["corpus"]["size"], recipe["train"]["epochs"] = 200, 2
        torch.set_num_threads(1 if self.cpu else min(4, os.cpu_count() or 1))
        build_demo_model(self.model, recipe)
        return {}

    def write_inputs(self) -> None:
        from curator.demo.setup import checks_file
        from curator.demo.task import eval_records, tricky_fix_examples

        rows = eval_records(per_case=1)
        with (self.work / "eval.jsonl").open("w", encoding="utf-8") as out:
            for r in rows:
                item = {"id": r["item_id"], "input": r["input"], "target": r["target"], "split": r["split"]}
                out.write(json.dumps(item) + "\n")
        (self.work / "checks.toml").write_text(Path(checks_file()).read_text(encoding="utf-8") + MENTIONS_WEATHER)
        examples = tricky_fix_examples(3, 16)
        with (self.work / "train.jsonl").open("w", encoding="utf-8") as out:
            for prompt, completion in examples:
                out.write(json.dumps({"prompt": prompt, "completion": completion, "source": "fixes"}) + "\n")
        with (self.work / "pairs.jsonl").open("w", encoding="utf-8") as out:
            for prompt, completion in examples:
                rejected = completion.split("<display_weather>")[0]
                out.write(json.dumps({"prompt": prompt, "chosen": completion, "rejected": rejected}) + "\n")

    def run_settings(self, name: str) -> dict:
        from curator.review.runs import resolve_run
        from curator.workspace import Workspace

        with Workspace.open(self.ws) as ws:
            run = resolve_run(ws, name)
            settings = run.settings or {}
            found = {"items": run.item_count, "pass_rate": run.pass_rate}
            return found | {"backend": settings.get("backend"), "dtype": settings.get("dtype")}

    def import_items(self) -> dict:
        """The eval items with their dev/held-out split (a plain `curator eval --items FILE` makes every item dev)."""
        self.curator("import", "import", str(self.work / "eval.jsonl"), "--name", "eval", "--split-field", "split")
        return {}

    def eval(self, name: str, items: str, *extra: str) -> dict:
        args = ["eval", "--model", str(self.model), "--items", items, "--name", name, "--max-new-tokens", "24"]
        if self.cpu:
            args += ["--cpu-threads", "1"]
        self.curator(name, *args, *extra)
        return self.run_settings(name)

    def train(self, name: str, dataset: str, *flags: str, steps: int = 4, expect: str | None = None) -> dict:
        args = ["train", "--dataset", str(self.work / dataset), "--model", str(self.model), "--run", "base"]
        args += ["--max-steps", str(steps), "--eval-every", "2", "--lora-r", "4", "--max-length", "128"]
        self.curator(name, *args, *self.device_flags, *flags)
        jobs = [j for j in json.loads(self.curator(name, "jobs", "--json")) if j.get("kind") == "train"]
        job = max(jobs, key=lambda j: j["id"])
        metrics = job.get("metrics") or {}
        if job["status"] != "succeeded":
            raise Failed(f"{name}: job {job['id']} {job['status']}: {job.get('error')}")
        if expect and metrics.get("precision") != expect:
            raise Failed(f"{name}: trained in {metrics.get('precision')}, not {expect}")
        kept = ("steps", "final_loss", "tokens_per_s", "precision", "device", "best_pass_rate", "loss_type")
        return {"job": job["id"], "adapter": job["adapter"]} | {k: metrics[k] for k in kept if k in metrics}

    def sample(self, adapter: str) -> dict:
        args = ["sample", "base", "--model", str(self.model), "--adapter", adapter, "--k", "8"]
        args += ["--max-new-tokens", "16", "--json"] + (["--cpu-threads", "1"] if self.cpu else [])
        summary = json.loads(self.curator("sample_k8", *args).strip().splitlines()[-1])
        samples = [i["samples"] for i in summary["inputs"]]
        if not samples or any(n != 8 for n in samples):
            raise Failed(f"sample_k8: expected 8 samples per input, got {sorted(set(samples))}")
        return {"inputs": len(samples), "rollouts": summary["rollouts"]}

    def compare(self, run: str) -> dict:
        result = json.loads(self.curator("compare", "compare", run, "--json").strip().splitlines()[-1])
        every = result["every_check"]
        counts = {name: len(result[name]) for name in ("checks", "fixed", "regressed")}
        return counts | {f"{side}_held_out": every[side]["held_out"] for side in ("before", "after")}

    def accelerate(self) -> dict:
        config = self.work / "hf" / "accelerate" / "default_config.yaml"
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(ONE_PROCESS.format(use_cpu="true" if self.cpu else "false"))
        result = self.train("accelerate_1gpu", "train.jsonl", "--launcher", "accelerate", steps=2)
        started = self.job_events(result["job"])[0]
        if started.get("processes") != 1 or started.get("device") != self.figures["device"]:
            raise Failed(f"accelerate_1gpu: {started.get('processes')} process(es) on {started.get('device')}")
        return result

    def job_events(self, job_id: int) -> list[dict]:
        progress = self.ws / "models" / "adapters" / f"job-{job_id}" / "progress.jsonl"
        return [json.loads(line) for line in progress.read_text(encoding="utf-8").splitlines() if line.strip()]

    def run(self) -> None:
        self.timed("environment", self.environment)
        self.timed("tiny_model", self.build_model)
        self.write_inputs()
        self.timed("import", self.import_items)
        base = self.timed("eval", lambda: self.eval("base", "eval", "--checks", str(self.work / "checks.toml")))
        if not self.cpu and (base["dtype"] not in ("bfloat16", "float16") or base["backend"] is None):
            raise Failed(f"eval: the GPU eval stored dtype {base['dtype']} and backend {base['backend']}")
        bf16 = self.timed("sft_bf16", lambda: self.train("sft_bf16", "train.jsonl", "--bf16", expect="bf16"))
        fp16, expected = ([], "fp32") if self.cpu else (["--fp16"], "fp16")  # fp16 mixed precision needs a GPU
        self.timed("sft_fp16", lambda: self.train("sft_fp16", "train.jsonl", *fp16, expect=expected))
        reeval = f"base@job{bf16['job']}"
        self.timed("reeval", lambda: self.eval(reeval, "base", "--adapter", bf16["adapter"]))
        self.timed("compare", lambda: self.compare(reeval))
        self.timed("sample_k8", lambda: self.sample(bf16["adapter"]))
        dpo = ["--method", "dpo", "--loss-type", "apo_zero"]
        self.timed("dpo_apo_zero", lambda: self.train("dpo_apo_zero", "pairs.jsonl", *dpo, steps=2))
        grpo = ["--method", "grpo", "--reward-weight", "mentions_weather=1", "--num-generations", "4"]
        grpo += ["--batch-size", "8", "--max-completion-length", "16"]
        self.timed("grpo", lambda: self.train("grpo", "train.jsonl", *grpo, steps=1))
        self.timed("accelerate_1gpu", self.accelerate)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cpu", action="store_true", help="run the steps on the CPU (no GPU needed)")
    parser.add_argument("--work", type=Path, help="working folder (default: a new temporary one)")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="curator-gpu-check-"))
    work.mkdir(parents=True, exist_ok=True)
    check = Check(work.resolve(), args.cpu)
    started = time.monotonic()
    try:
        check.run()
        check.figures["ok"] = True
    except Failed as failure:
        check.figures |= {"ok": False, "error": str(failure)}
    check.figures["total_s"] = round(time.monotonic() - started, 1)
    print(json.dumps(check.figures, ensure_ascii=False), flush=True)
    return 0 if check.figures["ok"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
