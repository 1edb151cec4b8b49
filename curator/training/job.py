"""The training job file: everything the child process needs, as one JSON document.

The domain writes it; `python -m curator.training JOBFILE` reads it. The child never opens the database.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path


@dataclass
class LoraSettings:
    """The LoRA adapter's shape."""

    r: int = 16
    alpha: int = 32
    dropout: float = 0.05
    target_modules: str | list[str] = "all-linear"  # PEFT's shorthand for every linear layer but the output head


@dataclass
class TrainerSettings:
    """Optimiser and schedule; defaults suit a few hundred examples on a small model."""

    learning_rate: float = 1e-3
    epochs: float = 10.0
    batch_size: int = 8
    max_length: int = 256
    seed: int = 0
    max_steps: int = -1  # > 0 caps the number of optimiser steps (overrides epochs)
    warmup_ratio: float = 0.05
    eval_every: int = 20  # steps between early-stopping evals on the dev items; 0 = never
    patience: int = 3  # evals without improvement before stopping
    device: str = "auto"  # auto | cpu | cuda
    bf16: bool = False
    cpu_threads: int = 0  # torch threads on the CPU; 0 = torch's default (1 is fastest for the tiny demo model)


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
    trust_remote_code: bool = False
    job_id: int | None = None

    @property
    def cancel_file(self) -> Path:
        """Touching this file asks the child to stop cleanly (works under `accelerate launch` too)."""
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
