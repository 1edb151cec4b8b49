"""The LoRA training job: TRL's SFTTrainer with a peft LoraConfig, loss on the completion only,
early stopping on the dev items' check pass rate, JSON-lines progress, and a clean stop on cancel."""

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


def resolve_device(setting: str) -> str:
    """'cuda' or 'cpu' for the job; a GPU-only setting without a GPU is a clear failure."""
    import torch  # torch: ~2 s, child process only

    if setting == "cuda" and not torch.cuda.is_available():
        raise JobFailure("this job asks for a GPU (device = cuda) but no CUDA GPU is available; use device = cpu")
    if setting == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return setting


def load_model_and_tokenizer(job: JobSpec):
    """The base model (and parent adapter, trainable) and its tokenizer, from local folders only."""
    from transformers import AutoModelForCausalLM, AutoTokenizer  # ~3.5 s, child process only

    try:
        check_local_paths(job)
        tokenizer = AutoTokenizer.from_pretrained(
            job.base_model, local_files_only=True, trust_remote_code=job.trust_remote_code
        )
        model = AutoModelForCausalLM.from_pretrained(
            job.base_model, local_files_only=True, use_safetensors=True, trust_remote_code=job.trust_remote_code
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


def sft_config(job: JobSpec, device: str):
    """TRL settings from the job: completion-only loss, no checkpoints, no external reporting."""
    from trl import SFTConfig  # trl: ~8 s, child process only

    t = job.trainer
    return SFTConfig(
        output_dir=str(Path(job.output_dir) / "trainer"),
        num_train_epochs=t.epochs,
        max_steps=t.max_steps,
        per_device_train_batch_size=t.batch_size,
        learning_rate=t.learning_rate,
        warmup_steps=t.warmup_ratio,
        max_length=t.max_length,
        seed=t.seed,
        completion_only_loss=True,
        use_cpu=device == "cpu",
        bf16=t.bf16,
        gradient_checkpointing=False,
        report_to="none",
        save_strategy="no",
        logging_steps=1,
        disable_tqdm=True,
        lr_scheduler_type="linear",
        dataloader_num_workers=0,
    )


def run_job(job: JobSpec) -> dict:
    """Train, evaluate on the dev items every N steps, keep the best adapter; returns the final metrics."""
    writer = ProgressWriter(job.progress_file)
    stop = _StopFlag(job.cancel_file)
    try:
        rows = read_rows(job.dataset_file)
    except (FileNotFoundError, ValueError) as error:
        raise JobFailure(str(error)) from None
    device = resolve_device(job.trainer.device)
    set_cpu_threads(job.trainer.cpu_threads)
    model, tokenizer = load_model_and_tokenizer(job)
    trainer = build_trainer(job, model, tokenizer, rows, device)
    callback = make_progress_callback(job, writer, stop, trainer, tokenizer)
    trainer.add_callback(callback)
    writer.emit(
        "started",
        examples=len(rows),
        total_steps=trainer.state.max_steps or None,
        device=device,
        trainable_parameters=_trainable(trainer.model),
    )
    output = trainer.train()
    if stop.cancelled:
        raise JobCancelled()
    callback.final_eval()
    return callback.finish() | {"train_runtime_s": round(output.metrics.get("train_runtime", 0.0), 3)}


def build_trainer(job: JobSpec, model, tokenizer, rows: list[dict], device: str):
    from datasets import Dataset  # datasets: ~1 s, child process only
    from peft import LoraConfig  # peft: ~7 s, child process only
    from trl import SFTTrainer  # trl: ~8 s, child process only

    conversational = bool(getattr(tokenizer, "chat_template", None))
    dataset = Dataset.from_list(to_trl_rows(rows, conversational))
    peft_config = None
    if not job.parent_adapter:
        lora = job.lora
        peft_config = LoraConfig(
            r=lora.r,
            lora_alpha=lora.alpha,
            lora_dropout=lora.dropout,
            target_modules=lora.target_modules,
            task_type="CAUSAL_LM",
        )
    return SFTTrainer(
        model=model,
        args=sft_config(job, device),
        train_dataset=dataset,
        processing_class=tokenizer,
        peft_config=peft_config,
    )


def _trainable(model) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


class _StopFlag:
    """Set by SIGTERM/SIGINT or by the job's cancel file."""

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
