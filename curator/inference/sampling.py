"""k sampled outputs per prompt: vLLM's `n=k` on a GPU, `generate(num_return_sequences=k)` with transformers.

Both go through the backend's one generate loop (`complete`); this module only names the act for the callers.
"""

from __future__ import annotations

from collections.abc import Callable


def sample(backend, prompts: list, k: int, on_progress: Callable[[int], None] = lambda done: None) -> list[list[str]]:
    """k outputs for each prompt (strings or message lists), in prompt order; `on_progress(samples done)`."""
    return backend.complete(prompts, k, on_progress)
