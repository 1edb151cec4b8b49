"""The weights' dtype: the names every child and form accept, and what `auto` becomes on this device, with why.

On a CPU, bf16 pays only with native bf16 units (AVX512_BF16 or AMX): on a 2-core AVX2 CPU it generated 2.7x
slower than fp32 (SmolLM2, 48 prompts: 81.9 s vs 30.0 s), so `auto` asks torch what the CPU can do. On a GPU,
`auto` asks torch whether bf16 runs natively (emulation does not count), else fp16; never `nvidia-smi`.
"""

from __future__ import annotations

from pathlib import Path

DTYPES = ("auto", "bfloat16", "float16", "float32")


def check_dtype(name: str) -> str:
    """A dtype name the backends understand; a clear error otherwise."""
    if name not in DTYPES:
        raise ValueError(f"dtype '{name}' is not one of {', '.join(DTYPES)}")
    return name


def _cpu_flags() -> set[str]:
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    line = next((row for row in text.splitlines() if row.startswith("flags")), "")
    return set(line.partition(":")[2].split())


def cpu_bf16_units() -> str | None:
    """The native bf16 units this CPU has as torch names them (`AVX512_BF16`, `AMX`), or None."""
    import torch  # torch: ~2 s; only in the process that generates

    probes = (
        ("AMX", "_is_amx_tile_supported", "amx_bf16"),
        ("AVX512_BF16", "_is_avx512_bf16_supported", "avx512_bf16"),
    )
    flags = None
    for name, probe, flag in probes:
        check = getattr(torch.cpu, probe, None)
        if check is not None:
            if check():
                return name
            continue
        flags = _cpu_flags() if flags is None else flags  # an older torch: the kernel's own list
        if flag in flags:
            return name
    return None


def cpu_capability() -> str:
    import torch  # already loaded by the caller

    try:
        return str(torch.backends.cpu.get_cpu_capability())
    except (AttributeError, RuntimeError):
        return "unknown"


def cpu_dtype() -> tuple[str, str]:
    """`auto` on this CPU: bf16 with native bf16 units, else fp32; and the reason in words."""
    units = cpu_bf16_units()
    if units:
        return "bfloat16", f"auto: the CPU has native bf16 ({units})"
    return "float32", f"auto: the CPU ({cpu_capability()}) has no native bf16 (AVX512_BF16 or AMX), fp32 is faster"


def cuda_dtype() -> tuple[str, str]:
    """`auto` on a CUDA GPU: bf16 where it runs natively, else fp16."""
    import torch  # already loaded by the caller

    if torch.cuda.is_bf16_supported(including_emulation=False):
        return "bfloat16", "auto: the GPU runs bf16 natively"
    return "float16", "auto: the GPU has no native bf16"


def resolve_dtype(name: str, device: str) -> tuple[str, str]:
    """The dtype to load in on `device` and why: `auto` resolved for the device, any other name as asked."""
    check_dtype(name)
    if name != "auto":
        return name, "asked for"
    return cuda_dtype() if str(device).startswith("cuda") else cpu_dtype()
