"""The four retrain methods as TRL trainers: SFT, DPO and KTO on the dataset's rows, GRPO with the checks as reward.

Every method trains a LoRA adapter (a new one, or the parent adapter when the job continues one) with the same
schedule settings. Mixed precision is the job's resolved one (`precision.resolve_precision`: on a GPU, bf16 where
it runs natively, else fp16), and gradient checkpointing is off unless asked for (TRL turns both on by default).
"""

from __future__ import annotations

from pathlib import Path

from curator.training.grading import child_judges, specs_from_dicts
from curator.training.job import JobSpec
from curator.training.precision import resolve_precision
from curator.training.rewards import checks_reward


def version_arguments(warmup_ratio: float, checkpointing_on: bool = False) -> dict:
    """Settings whose names moved in transformers 5: warmup as a share of the steps (`warmup_ratio` in 4.x;
    `warmup_steps`, which 5.x reads as a share when it is below 1: the job refuses ratios >= 1), and activation
    checkpointing as asked (`gradient_checkpointing`, an alias 5.x warns about; TRL turns it on by default)."""
    from transformers import TrainingArguments  # ~3.5 s, child process only

    names = TrainingArguments.__dataclass_fields__
    warmup = {"warmup_ratio": warmup_ratio} if "warmup_ratio" in names else {"warmup_steps": warmup_ratio}
    checkpointing = "activation_checkpointing" if "activation_checkpointing" in names else "gradient_checkpointing"
    return warmup | {checkpointing: checkpointing_on}


def common_arguments(job: JobSpec, device: str, precision: str | None = None) -> dict:
    """The settings every method shares: schedule, device, precision (resolved for `device` when not given), no
    checkpoints, no external reporting, a log per step."""
    t = job.trainer
    precision = precision or resolve_precision(t, device)[0]
    return {
        "output_dir": str(Path(job.output_dir) / "trainer"),
        "num_train_epochs": t.epochs,
        "max_steps": t.max_steps,
        "per_device_train_batch_size": t.batch_size,
        "learning_rate": t.learning_rate,
        "seed": t.seed,
        "use_cpu": device == "cpu",
        "bf16": precision == "bf16",
        "fp16": precision == "fp16",
        "report_to": "none",
        "save_strategy": "no",
        "logging_steps": 1,
        "disable_tqdm": True,
        "lr_scheduler_type": t.lr_scheduler,
        "dataloader_num_workers": 0,
        **version_arguments(t.warmup_ratio, t.gradient_checkpointing),
    }


# The job's vLLM engine options under GRPOConfig's names (colocated vLLM: TRL's default `vllm_mode`).
GRPO_VLLM_NAMES = {
    "max_model_len": "vllm_max_model_length",
    "gpu_memory_utilization": "vllm_gpu_memory_utilization",
    "tensor_parallel_size": "vllm_tensor_parallel_size",
}


def grpo_vllm_arguments(job: JobSpec) -> dict:
    """GRPO's vLLM options from the job's engine options (only those changed from TRL's defaults, and only with
    use_vllm); an option this TRL's GRPOConfig lacks fails in one line instead of being dropped."""
    import trl  # ~8 s, child process only

    if not job.trainer.use_vllm:
        return {}
    arguments = {GRPO_VLLM_NAMES[name]: value for name, value in job.engine.options().items()}
    missing = sorted(set(arguments) - set(trl.GRPOConfig.__dataclass_fields__))
    if missing:
        raise ValueError(f"this TRL's GRPOConfig has no {', '.join(missing)}: upgrade trl or leave those options out")
    return arguments


def method_config(job: JobSpec, device: str, precision: str | None = None):
    """The TRL config of the job's method."""
    import trl  # ~8 s, child process only

    t, common = job.trainer, common_arguments(job, device, precision)
    if t.method == "sft":
        return trl.SFTConfig(max_length=t.max_length, completion_only_loss=True, **common)
    if t.method == "dpo":
        return trl.DPOConfig(max_length=t.max_length, beta=t.beta, loss_type=[t.loss_type], **common)
    if t.method == "kto":
        return trl.KTOConfig(max_length=t.max_length, beta=t.beta, **common)
    return trl.GRPOConfig(
        num_generations=t.num_generations,
        max_completion_length=t.max_completion_length,
        temperature=t.temperature,
        beta=t.beta,
        use_vllm=t.use_vllm,
        log_completions=False,
        **grpo_vllm_arguments(job),
        **common,
    )


def lora_config(job: JobSpec):
    """A new adapter's LoraConfig, or None when the job continues its (already trainable) parent adapter."""
    if job.parent_adapter:
        return None
    from peft import LoraConfig  # peft: ~7 s, child process only

    lora = job.lora
    return LoraConfig(
        r=lora.r,
        lora_alpha=lora.alpha,
        lora_dropout=lora.dropout,
        target_modules=lora.target_modules,
        task_type="CAUSAL_LM",
    )


def method_trainer(job: JobSpec, model, tokenizer, dataset, device: str, precision: str | None = None):
    """The TRL trainer of the job's method on `dataset` (rows already in that method's shape)."""
    import trl  # ~8 s, child process only

    kwargs = dict(
        model=model,
        args=method_config(job, device, precision),
        train_dataset=dataset,
        processing_class=tokenizer,
        peft_config=lora_config(job),
    )
    method = job.trainer.method
    if method == "grpo":
        specs = specs_from_dicts(job.checks)
        reward = checks_reward(specs, job.rewards, child_judges(specs))
        return trl.GRPOTrainer(reward_funcs=[reward], **kwargs)
    # DPO and KTO compare against where the job starts: a new adapter's base (the adapter switched off), or a frozen
    # copy of the parent adapter when the job continues one (TRL's `ref` adapter)
    kind = {"sft": trl.SFTTrainer, "dpo": trl.DPOTrainer, "kto": trl.KTOTrainer}[method]
    return kind(**kwargs)
