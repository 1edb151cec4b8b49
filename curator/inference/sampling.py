"""k sampled outputs per prompt: vLLM's `n=k` on a GPU, batched `generate(num_return_sequences=k)` otherwise."""

from __future__ import annotations

from collections.abc import Callable

from curator.inference.backends import GenerationSettings, ModelRef, load_backend
from curator.inference.chat import render_prompt


def load_sampler(ref: ModelRef, settings: GenerationSettings, preferred: str = "auto"):
    """The backend for `ref` (its dtype: `ref.dtype`, resolved by the backend), loaded and ready to sample."""
    return load_backend(ref, settings, preferred)


def prompts_per_batch(settings: GenerationSettings, k: int) -> int:
    """Prompts per generate call: `batch_size` counts sequences, so each prompt takes k of them."""
    return max(1, settings.batch_size // max(1, k))


def sample(backend, prompts: list, k: int, on_batch: Callable[[int], None] = lambda done: None) -> list[list[str]]:
    """k outputs for each prompt (strings or message lists), in prompt order."""
    if getattr(backend, "name", "") == "vllm":
        return _sample_vllm(backend, prompts, k, on_batch)
    return _sample_transformers(backend, prompts, k, on_batch)


def _sample_vllm(backend, prompts: list, k: int, on_batch) -> list[list[str]]:
    from vllm import SamplingParams  # vllm: GPU machines only

    s = backend.settings
    params = SamplingParams(n=k, temperature=s.temperature, top_p=s.top_p, max_tokens=s.max_new_tokens, seed=s.seed)
    texts = [render_prompt(backend.tokenizer, p) for p in prompts]
    results = backend.llm.generate(texts, params, lora_request=backend.lora)
    on_batch(len(results))
    return [[choice.text for choice in result.outputs] for result in results]


def _sample_transformers(backend, prompts: list, k: int, on_batch) -> list[list[str]]:
    import torch  # already loaded by the backend

    s, tokenizer, model = backend.settings, backend.tokenizer, backend.model
    texts = [render_prompt(tokenizer, p) for p in prompts]
    size = prompts_per_batch(s, k)
    torch.manual_seed(s.seed)
    tokenizer.padding_side = "left"
    model.eval()
    outputs: list[list[str]] = []
    for start in range(0, len(texts), size):
        batch = tokenizer(texts[start : start + size], return_tensors="pt", padding=True, add_special_tokens=False)
        batch = batch.to(backend.device)
        with torch.no_grad():
            generated = model.generate(
                **batch,
                do_sample=True,
                temperature=s.temperature,
                top_p=s.top_p,
                max_new_tokens=s.max_new_tokens,
                num_return_sequences=k,
                pad_token_id=tokenizer.pad_token_id,
            )
        decoded = tokenizer.batch_decode(generated[:, batch["input_ids"].shape[1] :], skip_special_tokens=True)
        outputs += [decoded[i : i + k] for i in range(0, len(decoded), k)]
        on_batch(len(outputs))
    return outputs
