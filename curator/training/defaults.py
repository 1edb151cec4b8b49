"""Retrain defaults chosen by the base model's size and the device: one function for every entry point.

Reads only the model folder's `config.json`, so the app can call it without loading torch; whether a CUDA GPU is
here is torch's answer, asked in a short child process (`gpu_present`), never `nvidia-smi` on the PATH.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from dataclasses import replace
from functools import cache
from pathlib import Path

from curator.training.job import LoraSettings, TrainerSettings

TINY_PARAMETERS = 20_000_000  # the from-scratch test fixture (~0.9 M) and models of its kind
# Preference and RL methods take a 20x lower rate than SFT: TRL's own defaults are 1e-6 for DPOConfig, KTOConfig
# and GRPOConfig against 2e-5 for SFTConfig. Measured on SmolLM2-135M: DPO at the SFT rate (1e-3, 36 steps on 20
# pairs of its own samples) wiped out the answer format it started with (every format check 100% -> 0%).
METHOD_RATE_SCALE = {"sft": 1.0, "dpo": 0.05, "kto": 0.05, "grpo": 0.05}


def estimated_parameters(model_dir: str | Path) -> int | None:
    """Parameters of a decoder-only model from its config.json (embeddings + attention + MLP), or None."""
    try:
        config = json.loads((Path(model_dir) / "config.json").read_text(encoding="utf-8"))
        hidden, layers = int(config["hidden_size"]), int(config["num_hidden_layers"])
        vocab = int(config.get("vocab_size", 0))
        inter = int(config.get("intermediate_size", 4 * hidden))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return vocab * hidden + layers * (4 * hidden * hidden + 3 * hidden * inter)


def torch_has_gpu_build() -> bool:
    """Whether the installed torch was built for CUDA or ROCm, from its `version.py` (no import): a CPU build
    (`cuda = None`, `hip = None`) can never see a GPU, so no child needs to ask."""
    spec = importlib.util.find_spec("torch")  # a top-level package: located, not imported
    if spec is None or spec.origin is None:
        return False
    try:
        text = (Path(spec.origin).parent / "version.py").read_text(encoding="utf-8")
    except OSError:
        return True  # unknown: let torch answer
    built = re.findall(r"^(cuda|hip)\b[^=]*=\s*(.+)$", text, flags=re.MULTILINE)
    return not built or any(value.strip() != "None" for _, value in built)


@cache
def gpu_present() -> bool:
    """Whether torch sees a CUDA GPU here, asked once per process in a child (the app never imports torch)."""
    if not torch_has_gpu_build():
        return False
    probe = "import torch; print(int(torch.cuda.is_available()))"
    try:
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0 and done.stdout.strip().endswith("1")


def learning_rate_for(method: str, sft_rate: float) -> float:
    """The default rate of `method`, from the SFT rate of the same model and device."""
    return sft_rate * METHOD_RATE_SCALE.get(method, 1.0)


def default_settings(
    base_model: str, device: str = "auto", method: str = "sft"
) -> tuple[LoraSettings, TrainerSettings]:
    """LoRA and trainer defaults for a `method` retrain of `base_model` on `device` (auto: a GPU if present)."""
    lora, trainer = _sft_defaults(base_model, device)
    return lora, replace(trainer, method=method, learning_rate=learning_rate_for(method, trainer.learning_rate))


def _sft_defaults(base_model: str, device: str) -> tuple[LoraSettings, TrainerSettings]:
    on_gpu = device == "cuda" or (device == "auto" and gpu_present())
    if on_gpu:  # precision left to the child: bf16 where the GPU runs it natively, else fp16
        return LoraSettings(r=16, alpha=32, dropout=0.05), TrainerSettings(
            learning_rate=2e-4, epochs=3.0, batch_size=16, device="cuda"
        )
    parameters = estimated_parameters(base_model) if base_model else None
    if parameters is not None and parameters < TINY_PARAMETERS:
        # measured on the 0.9 M-parameter fixture: one thread, a retrain in well under a minute
        return LoraSettings(r=16, alpha=32, dropout=0.0), TrainerSettings(
            learning_rate=2e-3, epochs=8.0, batch_size=8, max_length=192, device="cpu", cpu_threads=1
        )
    # measured on SmolLM2-135M-Instruct on a 2-core CPU (TRL 1.16, LoRA r=16 alpha 32 dropout 0 on all linear
    # layers, lr 1e-3 constant without warmup, 5 epochs, batch 8, max_length 256): 50 examples, 35 steps took
    # 160-170 s and taught the new weather tag (held-out tag 45/45); about 35-40 optimiser steps were needed, 21
    # left the emoji at chance. One torch thread, since two spin-wait against anything else running.
    return LoraSettings(r=16, alpha=32, dropout=0.0), TrainerSettings(
        learning_rate=1e-3,
        lr_scheduler="constant",
        warmup_ratio=0.0,
        epochs=5.0,
        batch_size=8,
        max_length=256,
        device="cpu",
        cpu_threads=1,
    )
