"""The trainer callback: JSON-lines progress, early stopping on the dev items' checks, best-adapter saving.

The dev evals generate as the source run did: the job's `generation` holds the run's generation settings and, under
`dtype`, the dtype its outputs were generated in (the weights being trained keep theirs; generation runs under
autocast to that dtype). The best checkpoint is the one with the highest share of dev items that pass every check
that applies to them; each eval also reports the pass rate of every check. Under `accelerate launch` only rank 0
generates and grades (the others wait for it at the next collective step); every rank learns its verdict.
"""

from __future__ import annotations

import hashlib
import json
import time
from contextlib import nullcontext
from dataclasses import asdict, fields
from pathlib import Path

from curator.child.progress import ProgressWriter, is_main_process
from curator.inference.backends import GenerationSettings, TransformersBackend
from curator.training.grading import child_judges, dev_pass_rates, specs_from_dicts
from curator.training.job import JobSpec

# Metrics TRL logs per step that the progress events pass on when present (GRPO's reward, DPO's margins).
EXTRA_LOGS = {"reward": "reward", "rewards/chosen": "reward_chosen", "rewards/margins": "reward_margin"}


class EarlyStopping:
    """Tracks the best dev pass rate and how many evals in a row did not beat it."""

    def __init__(self, patience: int):
        self.patience = patience
        self.best_rate: float | None = None
        self.best_step: int | None = None
        self.evals_without_gain = 0

    def record(self, step: int, rate: float) -> bool:
        """Note an eval; True when it is the best so far."""
        if self.best_rate is None or rate > self.best_rate:
            self.best_rate, self.best_step, self.evals_without_gain = rate, step, 0
            return True
        self.evals_without_gain += 1
        return False

    @property
    def exhausted(self) -> bool:
        return self.patience > 0 and self.evals_without_gain >= self.patience


def adapter_digest(state_dict: dict) -> str:
    """A short fingerprint of adapter weights (names and values), to tell which checkpoint a saved adapter is."""
    digest = hashlib.sha256()
    for name in sorted(state_dict):
        digest.update(name.encode())
        digest.update(state_dict[name].detach().float().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()[:16]


def generation_of(job: JobSpec) -> tuple[GenerationSettings, str | None]:
    """The dev evals' generation settings and dtype (None: the trained weights' own), from the job file."""
    known = {f.name for f in fields(GenerationSettings)}
    settings = GenerationSettings(**{k: v for k, v in job.generation.items() if k in known})
    dtype = job.generation.get("dtype")
    return settings, dtype if dtype in ("bfloat16", "float16", "float32") else None


def generation_precision(model, dtype: str | None):
    """Autocast to the source run's dtype when the trained weights are in another one (a no-op otherwise)."""
    import torch  # loaded by the trainer already

    wanted = getattr(torch, dtype) if dtype else None
    current = next(model.parameters()).dtype
    if wanted is None or wanted == current or wanted == torch.float32:
        return nullcontext()
    return torch.autocast(device_type=next(model.parameters()).device.type, dtype=wanted)


def model_digest(model) -> str:
    from peft import get_peft_model_state_dict  # peft: loaded by the trainer already

    return adapter_digest(get_peft_model_state_dict(model))


class CallbackLogic:
    """What happens at each log, step and end of training; plain Python so it reads like a script."""

    def __init__(self, job: JobSpec, writer: ProgressWriter, stop, trainer, tokenizer):
        self.job, self.writer, self.stop, self.trainer, self.tokenizer = job, writer, stop, trainer, tokenizer
        self.specs = specs_from_dicts(job.checks)
        self.judges = child_judges(self.specs)  # a local judge model loads at the first eval, once
        self.generation, self.generation_dtype = generation_of(job)
        self.early = EarlyStopping(job.trainer.patience)
        self.train_started = time.monotonic()
        self.eval_seconds = 0.0
        self.last_eval_step = -1
        self.last_loss: float | None = None
        self.tokens = 0
        self.stopped = "completed"  # or "early", "cancelled-keep"
        self.saved_step: int | None = None

    @property
    def evaluates(self) -> bool:
        return bool(self.specs and self.job.dev_items)

    def train_seconds(self) -> float:
        return time.monotonic() - self.train_started - self.eval_seconds

    def on_log(self, args, state, control, logs=None, **kwargs):
        logs = logs or {}
        if "loss" not in logs:
            return
        self.last_loss = float(logs["loss"])
        self.tokens = int(logs.get("num_tokens", self.tokens))
        seconds = max(self.train_seconds(), 1e-9)
        step, total = state.global_step, state.max_steps
        extra = {key: round(float(logs[name]), 4) for name, key in EXTRA_LOGS.items() if name in logs}
        self.writer.emit(
            "step",
            step=step,
            total_steps=total,
            epoch=round(float(state.epoch or 0), 3),
            loss=self.last_loss,
            learning_rate=float(logs.get("learning_rate", 0.0)),
            tokens_per_s=round(self.tokens / seconds, 1),
            eta_s=round(seconds / max(step, 1) * max(total - step, 0), 1),
            **extra,
        )

    def on_step_end(self, args, state, control, **kwargs):
        if self.agreed(self.stop.cancelled):
            control.should_training_stop = True
            return control
        every = self.job.trainer.eval_every
        if self.evaluates and every > 0 and state.global_step % every == 0:
            self.evaluate(state.global_step)
            if self.agreed(self.early.exhausted):
                self.stopped = "early"
                self.writer.emit(
                    "stopped_early",
                    step=state.global_step,
                    best_step=self.early.best_step,
                    best_pass_rate=self.early.best_rate,
                )
                control.should_training_stop = True
        return control

    def agreed(self, flag: bool) -> bool:
        """True on every process when any process says so: under `accelerate launch` all stop at the same step
        (one process stopping alone would leave the others waiting for it forever)."""
        accelerator = getattr(self.trainer, "accelerator", None)
        if accelerator is None or accelerator.num_processes == 1:
            return flag
        import torch  # loaded by the trainer already

        vote = torch.tensor([1.0 if flag else 0.0], device=accelerator.device)
        return bool(accelerator.reduce(vote, reduction="sum").item() > 0)

    def evaluate(self, step: int) -> None:
        """Generate on the dev items, grade with the checks, save the adapter when it is the best so far (rank 0)."""
        self.last_eval_step = step
        if not is_main_process():
            return
        started = time.monotonic()
        model = self.trainer.model
        backend = TransformersBackend.from_loaded(model, self.tokenizer, self.generation)
        with generation_precision(model, self.generation_dtype):
            outputs = backend.generate([item.get("prompt") or item["input"] for item in self.job.dev_items])
        result = dev_pass_rates(self.specs, self.job.dev_items, outputs, self.judges)
        best = self.early.record(step, result.pass_rate)
        if best:
            self.save_adapter(step)
        self.eval_seconds += time.monotonic() - started
        digest = model_digest(model)
        self.writer.emit("eval", step=step, best=best, adapter_digest=digest, **result.as_dict())

    def final_eval(self) -> None:
        """An eval at the last step, unless one just ran."""
        step = self.trainer.state.global_step
        if self.evaluates and step != self.last_eval_step and self.stopped != "early":
            self.evaluate(step)

    def keep_best(self) -> None:
        """Cancelled with `keep`: the best adapter so far stays (an eval now when none ran yet)."""
        self.stopped = "cancelled-keep"
        if self.evaluates and self.early.best_step is None:
            self.evaluate(self.trainer.state.global_step)
        self.writer.emit("stopping", reason="cancelled-keep", best_step=self.early.best_step)

    def save_adapter(self, step: int) -> None:
        self.saved_step = step
        if is_main_process():
            self.trainer.model.save_pretrained(self.job.output_dir)

    def finish(self) -> dict:
        """Save the adapter (the best one when evals ran) with its job file and metrics; return the metrics."""
        if not self.evaluates:
            self.save_adapter(self.trainer.state.global_step)
        seconds = self.train_seconds()
        metrics = {
            "method": self.job.trainer.method,
            "steps": self.trainer.state.global_step,
            "final_loss": self.last_loss,
            "train_s": round(seconds, 2),
            "tokens_per_s": round(self.tokens / max(seconds, 1e-9), 1),
            "train_tokens": self.tokens,
            "stopped": self.stopped,
            "stopped_early": self.stopped == "early",
            "best_step": self.early.best_step,
            "best_pass_rate": self.early.best_rate,
            "adapter_step": self.saved_step,
        }
        if self.job.trainer.method == "dpo":
            metrics["loss_type"] = self.job.trainer.loss_type
        if is_main_process():
            out = Path(self.job.output_dir)
            (out / "curator-job.json").write_text(json.dumps(asdict(self.job), indent=2))
            (out / "curator-metrics.json").write_text(json.dumps(metrics, indent=2))
        return metrics


def make_progress_callback(job: JobSpec, writer: ProgressWriter, stop, trainer, tokenizer):
    """A transformers TrainerCallback running CallbackLogic (the class is built here: transformers is heavy)."""
    from transformers import TrainerCallback  # ~3.5 s, child process only

    class ProgressCallback(CallbackLogic, TrainerCallback):
        pass

    return ProgressCallback(job, writer, stop, trainer, tokenizer)
