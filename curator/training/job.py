"""The training job file: everything the child process needs, as one JSON document.

The domain writes it; `python -m curator.training JOBFILE` reads it. The child never opens the database.
Each setting is declared once below, with its help text in the field's metadata: `curator train` builds its options
and the retrain form its fields from them (`metadata["flag"]` names the CLI option when it is not `--field-name`).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from curator.inference.dtypes import DTYPES
from curator.inference.engine_settings import EngineSettings
from curator.training.losses import loss_problem

METHODS = ("sft", "dpo", "kto", "grpo")
DEVICES = ("auto", "cpu", "cuda")
SCHEDULERS = ("linear", "constant", "cosine", "constant_with_warmup")


def setting(default, help: str, flag: str | None = None):
    """A dataclass field with its help text (and CLI flag) in the metadata."""
    metadata = {"help": help} | ({"flag": flag} if flag else {})
    return field(default=default, metadata=metadata)


@dataclass
class LoraSettings:
    """The LoRA adapter's shape."""

    r: int = setting(16, "LoRA rank.", "--lora-r")
    alpha: int = setting(32, "LoRA alpha (the update is scaled by alpha / r).", "--lora-alpha")
    dropout: float = setting(0.05, "LoRA dropout.", "--lora-dropout")
    # PEFT's shorthand for every linear layer but the output head
    target_modules: str | list[str] = setting("all-linear", "all-linear, or module names like q_proj,v_proj.")


@dataclass
class TrainerSettings:
    """Method, optimiser and schedule; defaults suit a few hundred examples on a small model."""

    method: str = setting("sft", "sft, dpo, kto or grpo (the dataset's rows must have that method's shape).")
    learning_rate: float = setting(1e-3, "Peak learning rate.", "--lr")
    epochs: float = setting(10.0, "Passes over the dataset.")
    batch_size: int = setting(8, "Examples per step and device (GRPO: completions, a multiple of --num-generations).")
    max_length: int = setting(256, "Tokens per example (longer are cut).")
    seed: int = setting(0, "Training seed.")
    max_steps: int = setting(-1, "Stop after this many optimiser steps (-1: run the epochs).")
    lr_scheduler: str = setting("linear", "Learning-rate schedule: linear, constant, cosine or constant_with_warmup.")
    warmup_ratio: float = setting(0.05, "Warmup as a share of the steps (0 to below 1).", "--warmup")
    eval_every: int = setting(20, "Steps between early-stopping evals on the dev items (0: none).")
    patience: int = setting(3, "Evals in a row without a better dev pass rate before stopping (0: never stop).")
    device: str = setting("auto", "auto, cpu or cuda.")
    dtype: str = setting(
        "auto", "Base weights' dtype: auto (fp32 on a CPU, the mixed precision's on a GPU), float32, bfloat16, float16."
    )
    bf16: bool = setting(
        False,
        "Train in bf16 mixed precision (neither bf16 nor fp16: on a GPU, bf16 where it runs natively, else fp16).",
    )
    fp16: bool = setting(False, "Train in fp16 mixed precision (GPUs only; for those without native bf16).")
    gradient_checkpointing: bool = setting(
        False, "Recompute activations in the backward pass: less GPU memory, slower steps."
    )
    cpu_threads: int = setting(0, "Torch threads on the CPU (0: torch's default; 1 is fastest on a busy 2-core CPU).")
    beta: float = setting(0.1, "DPO, KTO and GRPO: strength of the pull towards the base model (0: none).")
    num_generations: int = setting(4, "GRPO: completions sampled per prompt.")
    max_completion_length: int = setting(64, "GRPO: tokens per sampled completion.")
    temperature: float = setting(1.0, "GRPO: sampling temperature.")
    use_vllm: bool = setting(False, "GRPO: sample completions with vLLM (colocated on the training GPU; needs vllm).")
    loss_type: str = setting(
        "sigmoid", "DPO loss: sigmoid; apo_zero or apo_down when chosen beats what the model writes."
    )


@dataclass
class JobSpec:
    """One LoRA training job: a frozen dataset file, a base model, settings, dev items and checks for early stopping."""

    dataset_file: str
    base_model: str
    output_dir: str
    progress_file: str
    parent_adapter: str | None = None
    lora: LoraSettings = field(default_factory=LoraSettings)
    trainer: TrainerSettings = field(default_factory=TrainerSettings)
    dev_items: list[dict] = field(default_factory=list)  # {"item_key", "input", "prompt", "target"}; never held-out
    checks: list[dict] = field(default_factory=list)  # serialised CheckSpec dicts
    generation: dict = field(default_factory=dict)  # GenerationSettings fields for the dev evals
    engine: EngineSettings = field(default_factory=EngineSettings)  # vLLM's options (GRPO with use_vllm)
    rewards: dict = field(default_factory=dict)  # GRPO: a RewardSpec as JSON ({"weights", "partial"}); {}: the mean
    trust_remote_code: bool = False
    job_id: int | None = None

    @property
    def cancel_file(self) -> Path:
        """Creating this file asks the child to stop cleanly (works under `accelerate launch` too); when it holds
        the word `keep`, the child keeps the best adapter so far and finishes as succeeded."""
        return Path(self.progress_file).with_suffix(".cancel")

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)

    def save(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.to_json(), encoding="utf-8")
        return path

    @classmethod
    def from_dict(cls, data: dict) -> JobSpec:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown job field(s): {', '.join(unknown)}")
        values = dict(data)
        values["lora"] = _settings(LoraSettings, data.get("lora") or {}, "lora")
        values["trainer"] = _settings(TrainerSettings, data.get("trainer") or {}, "trainer")
        values["engine"] = _settings(EngineSettings, data.get("engine") or {}, "engine")
        return cls(**values)

    @classmethod
    def load(cls, path: Path) -> JobSpec:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def _settings(kind, values: dict, section: str):
    known = {f.name for f in fields(kind)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ValueError(f"unknown {section} setting(s): {', '.join(unknown)}")
    return kind(**values)


def flag(f) -> str:
    """The CLI option of a settings field."""
    return f.metadata.get("flag") or "--" + f.name.replace("_", "-")


def settings_problem(lora: LoraSettings, trainer: TrainerSettings) -> str | None:
    """Why these settings could never train (one line naming the option), or None."""
    by_name = {f.name: f for kind in (LoraSettings, TrainerSettings) for f in fields(kind)}
    choices = (("method", METHODS), ("device", DEVICES), ("dtype", DTYPES), ("lr_scheduler", SCHEDULERS))
    for name, allowed in choices:
        if getattr(trainer, name) not in allowed:
            return f"{flag(by_name[name])} must be one of {', '.join(allowed)} (got '{getattr(trainer, name)}')"
    positive = [(lora, "r"), (trainer, "learning_rate"), (trainer, "epochs"), (trainer, "batch_size")]
    positive += [(trainer, "max_length"), (trainer, "num_generations"), (trainer, "max_completion_length")]
    positive += [(trainer, "temperature")]
    for owner, name in positive:
        if not getattr(owner, name) > 0:
            return f"{flag(by_name[name])} must be greater than 0 (got {getattr(owner, name)})"
    if not 0 <= trainer.warmup_ratio < 1:
        return f"--warmup is a share of the steps: from 0 to below 1 (got {trainer.warmup_ratio})"
    if trainer.beta < 0:
        return f"--beta must be 0 or more (got {trainer.beta})"
    if trainer.bf16 and trainer.fp16:
        return "--bf16 and --fp16 exclude each other: ask for one (or neither: the GPU's own choice)"
    if trainer.use_vllm and trainer.method != "grpo":
        return f"--use-vllm samples GRPO's completions: it does nothing for {trainer.method}"
    loss = loss_problem(trainer.method, trainer.loss_type)
    if loss:
        return loss
    if trainer.method == "grpo" and trainer.batch_size % trainer.num_generations:
        return (
            f"--batch-size ({trainer.batch_size}) must be a multiple of --num-generations ({trainer.num_generations}) "
            "for grpo"
        )
    return None
