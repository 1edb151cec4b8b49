"""A local judge model's answers in the process that loaded it: the judge child, and the training child (where a
judge grades the early-stopping dev evals and GRPO's reward). Each model folder is loaded once per process.

Requests are grouped by sample and generation settings: sample i of every prompt is generated with seed
`seed + i`, so judges with different settings share one loaded model.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from curator.inference.backends import GenerationSettings, ModelRef, load_backend
from curator.inference.judge_endpoint import sample_requests

GENERATION_KEYS = ("temperature", "seed", "max_new_tokens", "batch_size")
_LOADED: dict[tuple[str, str, str], object] = {}  # (folder, backend, dtype) -> loaded backend, once per process


def reseed(backend, settings: GenerationSettings) -> None:
    """Point a loaded backend at new settings (another sample's seed) without reloading the model."""
    backend.settings = settings
    if getattr(backend, "name", "") == "vllm" and hasattr(backend, "params"):  # a vLLM backend that keeps its params
        from vllm import SamplingParams  # vllm: GPU machines only

        backend.params = SamplingParams(
            temperature=settings.temperature,
            top_p=settings.top_p,
            max_tokens=settings.max_new_tokens,
            seed=settings.seed,
        )


def generate_answers(
    backend, settings: GenerationSettings, requests: list[dict], progressed: Callable[[int], None] = lambda done: None
) -> dict[str, str]:
    """key -> answer for requests (`key`, `prompt`, `sample_index`, optional `generation` over `settings`);
    `progressed(answers so far)` as they come."""
    groups: dict[tuple[int, str], list[dict]] = {}
    for request in requests:
        generation = json.dumps(request.get("generation") or {}, sort_keys=True)
        groups.setdefault((int(request.get("sample_index", 0)), generation), []).append(request)
    answers: dict[str, str] = {}
    for (sample_index, generation), group in sorted(groups.items()):
        chosen = replace(settings, **json.loads(generation))
        reseed(backend, replace(chosen, seed=chosen.seed + sample_index))
        before = len(answers)
        outputs = backend.generate([r["prompt"] for r in group], lambda done, before=before: progressed(before + done))
        answers.update((r["key"], output) for r, output in zip(group, outputs, strict=True))
    return answers


def loaded_judge(model: str, backend: str = "transformers", dtype: str = "auto"):
    """The judge model of a local folder, loaded on first use and kept for the rest of the process."""
    key = (str(Path(model).resolve()), backend, dtype)
    if key not in _LOADED:
        if not Path(model).is_dir():
            raise FileNotFoundError(f"judge model '{model}' is not a local folder (Curator never downloads weights)")
        _LOADED[key] = load_backend(ModelRef(key[0], None, dtype=dtype), GenerationSettings(), backend)
    return _LOADED[key]


def local_answers(options: dict, prompts: list[str], backend: str = "transformers") -> list[list[str]]:
    """Per prompt, a local judge model's answers to each of the judge's samples (a JudgeAnswerer's shape). Torch's
    random state is kept as it was: sampling a judge must not reseed the training around it."""
    import torch  # loaded already in the process that generates

    judge = loaded_judge(options["model"], backend)
    generation = {key: options[key] for key in GENERATION_KEYS}
    requests = [r | {"generation": generation} for r in sample_requests(prompts, options["samples"])]
    devices = list(range(torch.cuda.device_count())) if torch.cuda.is_available() else []
    with torch.random.fork_rng(devices=devices):
        answers = generate_answers(judge, GenerationSettings(), requests)
    samples = options["samples"]
    return [[answers[f"{index}:{sample}"] for sample in range(samples)] for index in range(len(prompts))]
