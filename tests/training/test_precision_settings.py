"""GPU-side training settings checked on the CPU: precision chosen from torch, fp16, gradient checkpointing, GRPO's
use_vllm and DPO's loss_type round-trip through the job file and reach TRL's config objects (built, not trained)."""

import json
import subprocess
import sys
from dataclasses import fields, replace
from pathlib import Path

import pytest
from loopwork import SHORT_TRAINER

from curator.child.failures import JobFailure
from curator.training.job import JobSpec, LoraSettings, TrainerSettings, settings_problem
from curator.training.losses import DEFAULT_LOSS, dpo_loss_types, loss_help
from curator.training.precision import resolve_precision

GPU_SETTINGS = {"fp16": True, "gradient_checkpointing": True, "use_vllm": True, "method": "grpo"}


def _job(tmp_path, **trainer) -> JobSpec:
    settings = replace(SHORT_TRAINER, **trainer)
    return JobSpec(dataset_file="d", base_model="m", output_dir=str(tmp_path), progress_file="p", trainer=settings)


def test_gpu_settings_and_the_loss_type_round_trip_through_the_job_file(tmp_path):
    grpo = _job(tmp_path, **GPU_SETTINGS)
    dpo = _job(tmp_path, method="dpo", loss_type="apo_zero", bf16=True)
    for job in (grpo, dpo):
        loaded = JobSpec.load(job.save(tmp_path / "job.json"))
        assert loaded == job and loaded.trainer == job.trainer
    assert json.loads((tmp_path / "job.json").read_text())["trainer"]["loss_type"] == "apo_zero"


def test_fp16_checkpointing_and_use_vllm_reach_grpos_config(tmp_path):
    from curator.training.methods import method_config

    config = method_config(_job(tmp_path, **GPU_SETTINGS), "cuda", "fp16")  # TrainingArguments builds without a GPU
    assert config.fp16 and not config.bf16 and config.gradient_checkpointing and config.use_vllm
    assert not config.use_cpu
    plain = method_config(_job(tmp_path, method="grpo"), "cpu")
    assert not (plain.fp16 or plain.bf16 or plain.gradient_checkpointing or plain.use_vllm)


def test_the_loss_type_and_bf16_reach_dpos_config(tmp_path):
    from curator.training.methods import method_config

    config = method_config(_job(tmp_path, method="dpo", loss_type="apo_zero", bf16=True), "cpu")
    assert config.loss_type == ["apo_zero"] and config.bf16 and not config.fp16
    assert method_config(_job(tmp_path, method="dpo"), "cpu").loss_type == [DEFAULT_LOSS]


def test_precision_is_asked_for_or_chosen_from_torch_on_a_gpu(monkeypatch):
    import torch

    asked = []

    def native(including_emulation=True):
        asked.append(including_emulation)
        return answer

    monkeypatch.setattr(torch.cuda, "is_bf16_supported", native)
    answer = True
    assert resolve_precision(TrainerSettings(), "cuda") == ("bf16", "auto: the GPU runs bf16 natively")
    answer = False  # a T4 or V100: bf16 only emulated
    assert resolve_precision(TrainerSettings(), "cuda") == ("fp16", "auto: the GPU has no native bf16")
    assert asked == [False, False]  # emulation never counts
    assert resolve_precision(TrainerSettings(dtype="float32"), "cuda")[0] == "fp32"
    assert resolve_precision(TrainerSettings(bf16=True), "cuda")[0] == "bf16"
    assert resolve_precision(TrainerSettings(fp16=True), "cuda")[0] == "fp16"
    assert resolve_precision(TrainerSettings(), "cpu")[0] == "fp32"
    assert resolve_precision(TrainerSettings(bf16=True), "cpu")[0] == "bf16"
    with pytest.raises(JobFailure, match="fp16 mixed precision needs a CUDA GPU"):
        resolve_precision(TrainerSettings(fp16=True), "cpu")


def test_the_loss_types_are_the_installed_trls_and_its_trainer_implements_each():
    import trl

    names = dpo_loss_types()
    assert {"sigmoid", "apo_zero", "apo_down", "ipo"} <= set(names)
    source = (Path(trl.__file__).parent / "trainer" / "dpo_trainer.py").read_text(encoding="utf-8")
    assert all(f'loss_type == "{name}"' in source for name in names)
    assert loss_help("class DPOConfig:\n    loss_type: list = field(metadata={'help': \"`'a_b'`\"})") == "`'a_b'`"


@pytest.mark.parametrize(
    "trainer, message",
    [
        ({"method": "dpo", "loss_type": "apo"}, "--loss-type must be one of the installed TRL's DPO losses: sigmoid,"),
        ({"method": "sft", "loss_type": "apo_zero"}, "--loss-type is a DPO setting: leave it at sigmoid for sft"),
        ({"bf16": True, "fp16": True}, "--bf16 and --fp16 exclude each other"),
        ({"use_vllm": True}, "--use-vllm samples GRPO's completions: it does nothing for sft"),
    ],
)
def test_settings_that_could_never_train_are_named_in_one_line(trainer, message):
    problem = settings_problem(LoraSettings(), replace(TrainerSettings(), **trainer))
    assert problem is not None and problem.startswith(message) and "\n" not in problem
    assert settings_problem(LoraSettings(), TrainerSettings(method="dpo", loss_type="apo_down")) is None


def test_curator_train_has_a_flag_for_each_new_setting():
    import inspect

    from curator.cli.train import train

    parameters = inspect.signature(train).parameters
    declared = {decl for p in parameters.values() for decl in p.default.param_decls}
    assert {"--fp16/--no-fp16", "--gradient-checkpointing/--no-gradient-checkpointing"} <= declared
    assert {"--use-vllm/--no-use-vllm", "--loss-type"} <= declared
    assert all(f.metadata["help"] for f in fields(TrainerSettings))


def test_the_defaults_never_import_torch_nor_read_nvidia_smi(tmp_path):
    probe = (
        "import sys, shutil\n"
        "shutil.which = lambda *a, **k: (_ for _ in ()).throw(AssertionError('which called'))\n"
        "from curator.training.defaults import default_settings\n"
        f"lora, trainer = default_settings({str(tmp_path)!r})\n"
        "assert 'torch' not in sys.modules, 'torch imported'\n"
        "print(trainer.device, trainer.bf16, trainer.fp16)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["cpu", "False", "False"]  # this CPU-only torch: no GPU, nothing asked
