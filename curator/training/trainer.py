"""The LoRA training job: the method's TRL trainer (SFT, DPO, KTO or GRPO) with a peft LoraConfig, early stopping
on the dev items' check pass rate, JSON-lines progress, and a clean stop on cancel (or a stop that keeps the best
adapter so far, when the cancel file says `keep`)."""

from __future__ import annotations

import signal
from pathlib import Path

from curator.child.failures import JobCancelled, JobFailure
from curator.child.progress import ProgressWriter
from curator.inference.backends import check_local
from curator.inference.eval_child import set_cpu_threads
from curator.training.callbacks import make_progress_callback
from curator.training.dataset_file import read_rows, to_trl_rows
from curator.training.job import JobSpec
from curator.training.lengths import refuse_too_long
from curator.training.methods import method_trainer
from curator.training.precision import resolve_precision, weights_dtype


def resolve_device(setting: str) -> str:
    """'cuda' or 'cpu' for the job; a GPU-only setting without a GPU is a clear failure."""
    import torch  # torch: ~2 s, child process only

    if setting == "cuda" and not torch.cuda.is_available():
        raise JobFailure("this job asks for a GPU (device = cuda) but no CUDA GPU is available; use device = cpu")
    if setting == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return setting


def load_model_and_tokenizer(job: JobSpec, device: str = "cpu", precision: str = "fp32"):
    """The base model (and parent adapter, trainable) and its tokenizer, from local folders only; the weights in
    the dtype `precision.weights_dtype` chooses."""
    from transformers import AutoModelForCausalLM, AutoTokenizer  # ~3.5 s, child process only

    try:
        check_local_paths(job)
        tokenizer = AutoTokenizer.from_pretrained(
            job.base_model, local_files_only=True, trust_remote_code=job.trust_remote_code
        )
        model = AutoModelForCausalLM.from_pretrained(
            job.base_model,
            local_files_only=True,
            use_safetensors=True,
            trust_remote_code=job.trust_remote_code,
            dtype=weights_dtype(job.trainer, device, precision),
        )
    except (OSError, ValueError) as error:
        raise JobFailure(f"cannot load the base model from '{job.base_model}': {str(error).splitlines()[0]}") from None
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    if job.parent_adapter:
        from peft import PeftModel  # peft: ~7 s, child process only

        model = PeftModel.from_pretrained(model, job.parent_adapter, is_trainable=True)
    return model, tokenizer


def check_local_paths(job: JobSpec) -> None:
    from curator.inference.backends import ModelRef

    try:
        check_local(ModelRef(job.base_model, job.parent_adapter))
    except FileNotFoundError as error:
        raise JobFailure(str(error)) from None


def check_method_inputs(job: JobSpec) -> None:
    """GRPO's reward is the checks: a GRPO job without checks could only learn noise."""
    if job.trainer.method == "grpo" and not job.checks:
        raise JobFailure("a grpo job needs checks for its reward: name the run whose checks grade the samples (--run)")


def run_job(job: JobSpec) -> dict:
    """Train, evaluate on the dev items every N steps, keep the best adapter; returns the final metrics."""
    writer = ProgressWriter(job.progress_file)
    stop = StopFlag(job.cancel_file)
    check_method_inputs(job)
    try:
        rows = read_rows(job.dataset_file, job.trainer.method)
    except (FileNotFoundError, ValueError) as error:
        raise JobFailure(str(error)) from None
    device = resolve_device(job.trainer.device)
    precision, why = resolve_precision(job.trainer, device)
    set_cpu_threads(job.trainer.cpu_threads)
    model, tokenizer = load_model_and_tokenizer(job, device, precision)
    trainer = build_trainer(job, model, tokenizer, rows, device, precision)
    callback = make_progress_callback(job, writer, stop, trainer, tokenizer)
    trainer.add_callback(callback)
    writer.emit(
        "started",
        method=job.trainer.method,
        examples=len(rows),
        total_steps=trainer.state.max_steps or None,
        device=device,
        precision=precision,
        precision_reason=why,
        processes=trainer.accelerator.num_processes,
        trainable_parameters=_trainable(trainer.model),
    )
    output = trainer.train()
    if stop.cancelled and not stop.keep:
        raise JobCancelled()
    if stop.cancelled:
        callback.keep_best()
    else:
        callback.final_eval()
    runtime = round(output.metrics.get("train_runtime", 0.0), 3)
    return callback.finish() | {"train_runtime_s": runtime, "device": device, "precision": precision}


def build_trainer(job: JobSpec, model, tokenizer, rows: list[dict], device: str, precision: str | None = None):
    from datasets import Dataset  # datasets: ~1 s, child process only

    conversational = bool(getattr(tokenizer, "chat_template", None))
    trl_rows = to_trl_rows(rows, conversational, job.trainer.method)
    refuse_too_long(tokenizer, trl_rows, conversational, job.trainer.method, job.trainer.max_length)
    dataset = Dataset.from_list(trl_rows)
    return method_trainer(job, model, tokenizer, dataset, device, precision)


def _trainable(model) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


class StopFlag:
    """Set by SIGTERM/SIGINT or by the job's cancel file; `keep` when the file asks to keep the best adapter."""

    KEEP_WORD = "keep"

    def __init__(self, cancel_file: Path):
        self.cancel_file = Path(cancel_file)
        self._signalled = False
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._on_signal)

    def _on_signal(self, *_):
        self._signalled = True

    @property
    def cancelled(self) -> bool:
        return self._signalled or self.cancel_file.exists()

    @property
    def keep(self) -> bool:
        try:
            return self.cancel_file.read_text(encoding="utf-8").strip().lower() == self.KEEP_WORD
        except OSError:
            return False
