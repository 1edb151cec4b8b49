"""Training precision, chosen in the child from torch (never from `nvidia-smi` on the PATH).

On a CUDA GPU with neither `bf16` nor `fp16` asked for, the weights' `dtype` decides: `auto` asks torch whether
the GPU runs bf16 natively (`torch.cuda.is_bf16_supported(including_emulation=False)`: Ampere and later) and
trains in bf16 mixed precision there, in fp16 elsewhere (a T4 or V100 emulates bf16 slowly); `float32` trains in
full precision. On the CPU, LoRA trains in fp32 unless bf16 is asked for; fp16 mixed precision needs a GPU.
"""

from __future__ import annotations

from curator.child.failures import JobFailure
from curator.training.job import TrainerSettings

PRECISIONS = ("bf16", "fp16", "fp32")
TORCH_DTYPES = {"bf16": "bfloat16", "fp16": "float16", "fp32": "float32"}
FROM_DTYPE = {"bfloat16": "bf16", "float16": "fp16", "float32": "fp32"}


def resolve_precision(trainer: TrainerSettings, device: str) -> tuple[str, str]:
    """`bf16`, `fp16` or `fp32` for this job on `device` ('cuda' or 'cpu'), and the reason in words."""
    if trainer.bf16:
        return "bf16", "asked for (--bf16)"
    if trainer.fp16:
        if device != "cuda":
            raise JobFailure("fp16 mixed precision needs a CUDA GPU: drop --fp16 on the CPU")
        return "fp16", "asked for (--fp16)"
    if device != "cuda":
        return "fp32", "the CPU trains LoRA in full precision"
    if trainer.dtype != "auto":
        return FROM_DTYPE[trainer.dtype], f"the weights' dtype ({trainer.dtype})"
    import torch  # torch: ~2 s, child process only

    if torch.cuda.is_bf16_supported(including_emulation=False):
        return "bf16", "auto: the GPU runs bf16 natively"
    return "fp16", "auto: the GPU has no native bf16"


def weights_dtype(trainer: TrainerSettings, device: str, precision: str):
    """The base weights' torch dtype: `auto` is fp32 on the CPU and the mixed precision's dtype on a GPU (frozen
    under LoRA; peft keeps the adapter's own weights in fp32); any other name as asked."""
    import torch  # torch: ~2 s, child process only

    if trainer.dtype != "auto":
        return getattr(torch, trainer.dtype)
    return torch.float32 if device != "cuda" else getattr(torch, TORCH_DTYPES[precision])
