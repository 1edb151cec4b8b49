"""vLLM's engine options, declared once: `curator eval`, `curator train` and the retrain form build their options
and fields from `EngineSettings` (a field's `metadata["help"]` is its help text). A default means "vLLM's own"
(TRL's own for GRPO) and is never passed on, so a run or job stores only the options that were changed."""

from __future__ import annotations

from dataclasses import dataclass, field, fields


def _option(default, help: str):
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class EngineSettings:
    """Options of vLLM's engine for an eval (the re-eval after training too) and for GRPO with use_vllm."""

    max_model_len: int = _option(0, "vLLM: longest prompt + output in tokens (0: the model's own context length).")
    gpu_memory_utilization: float = _option(
        0.0,
        "vLLM: share of the GPU's memory it may take, above 0 up to 1 (0: vLLM's 0.9 for an eval, TRL's 0.3 for "
        "GRPO beside training).",
    )
    tensor_parallel_size: int = _option(1, "vLLM: GPUs to split the model across.")

    def options(self) -> dict:
        """The options that differ from the defaults, by vLLM's argument names (what `vllm.LLM` is given)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) != f.default}

    @classmethod
    def from_options(cls, options: dict | None) -> EngineSettings:
        """The settings a stored options dict names (a run's `settings["engine"]`); other keys are ignored."""
        known = {f.name for f in fields(cls)}
        return cls(**{name: value for name, value in (options or {}).items() if name in known and value is not None})

    def problem(self) -> str | None:
        """Why vLLM would refuse these options (one line naming the option), or None."""
        if not isinstance(self.max_model_len, int) or self.max_model_len < 0:
            return f"--max-model-len must be a whole number of tokens, 0 for the model's own (got {self.max_model_len})"
        if not isinstance(self.gpu_memory_utilization, (int, float)) or not 0 <= self.gpu_memory_utilization <= 1:
            return (
                "--gpu-memory-utilization is a share of the GPU's memory: above 0 up to 1, or 0 for the default "
                f"(got {self.gpu_memory_utilization})"
            )
        if not isinstance(self.tensor_parallel_size, int) or self.tensor_parallel_size < 1:
            return f"--tensor-parallel-size must be 1 or more GPUs (got {self.tensor_parallel_size})"
        return None
