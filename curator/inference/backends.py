"""Inference backends behind one interface: vLLM on a CUDA GPU when installed, transformers otherwise.

Both render each prompt once into token ids (`chat.prompt_token_ids`) and return k outputs per prompt from one
generate loop; `generate` is the k=1 case.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from curator.inference.chat import prompt_token_ids
from curator.inference.dtypes import DTYPES, check_dtype, resolve_dtype  # noqa: F401 (DTYPES, check_dtype: re-exported)
from curator.inference.engine_settings import EngineSettings

Progress = Callable[[int], None]


@dataclass(frozen=True)
class GenerationSettings:
    """How outputs are generated; stored with the run they produce."""

    max_new_tokens: int = 64
    temperature: float = 0.0  # 0 = greedy
    top_p: float = 1.0
    batch_size: int = 32  # sequences per generate call (prompts × k)
    seed: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class ModelRef:
    """A local model folder, an optional LoRA adapter folder, whether remote code may run, and the dtype name."""

    model: str
    adapter: str | None = None
    trust_remote_code: bool = False
    dtype: str = "auto"  # auto | bfloat16 | float16 | float32 (see `dtypes.resolve_dtype`)


def check_local(ref: ModelRef) -> None:
    """Models load from local folders only: a clear error otherwise."""
    for label, path in (("model", ref.model), ("adapter", ref.adapter)):
        if path is not None and not Path(path).is_dir():
            raise FileNotFoundError(f"{label} path '{path}' is not a local folder (Curator never downloads weights)")


def cuda_available() -> bool:
    import torch  # torch: ~2 s; only in the process that generates

    return bool(torch.cuda.is_available())


def choose_backend(preferred: str = "auto") -> str:
    """'vllm' when it is installed and a CUDA GPU is present (or asked for), else 'transformers'."""
    if preferred in ("transformers", "vllm"):
        if preferred == "vllm" and not (importlib.util.find_spec("vllm") and cuda_available()):
            raise RuntimeError("the vLLM backend needs `pip install curator-tui[vllm]` and a CUDA GPU")
        return preferred
    if importlib.util.find_spec("vllm") is not None and cuda_available():
        return "vllm"
    return "transformers"


class FinishedRows:
    """A stopping criterion that never stops: it counts the rows of a batch that have ended (an end-of-sequence
    token after the prompt) so progress moves as items finish, not once per batch."""

    def __init__(self, eos_ids: list[int], prompt_length: int, on_change: Progress):
        self.eos_ids, self.prompt_length, self.on_change, self.finished = eos_ids, prompt_length, on_change, 0

    def __call__(self, input_ids, scores, **kwargs):
        import torch  # already loaded

        if len(self.eos_ids):
            if not torch.is_tensor(self.eos_ids):  # once, on the generating device
                self.eos_ids = torch.tensor(self.eos_ids, device=input_ids.device)
            ended = int(torch.isin(input_ids[:, self.prompt_length :], self.eos_ids).any(dim=1).sum())
            if ended != self.finished:
                self.finished = ended
                self.on_change(ended)
        return torch.zeros(input_ids.shape[0], dtype=torch.bool, device=input_ids.device)


class TransformersBackend:
    """Batched greedy (or sampled) generation with transformers; left padding; CPU or GPU."""

    name = "transformers"

    def __init__(self, ref: ModelRef, settings: GenerationSettings):
        import torch  # torch: ~2 s
        from transformers import AutoModelForCausalLM, AutoTokenizer  # ~3.5 s

        check_local(ref)
        self.settings = settings
        self.device = "cuda" if torch.cuda.is_available() else "cpu"
        self.dtype, self.dtype_reason = resolve_dtype(ref.dtype, self.device)
        self.tokenizer = AutoTokenizer.from_pretrained(
            ref.model, trust_remote_code=ref.trust_remote_code, local_files_only=True, padding_side="left"
        )
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        model = AutoModelForCausalLM.from_pretrained(
            ref.model,
            trust_remote_code=ref.trust_remote_code,
            local_files_only=True,
            use_safetensors=True,
            dtype=getattr(torch, self.dtype),
        )
        if ref.adapter:
            from peft import PeftModel  # peft: ~7 s, only when an adapter is used

            model = PeftModel.from_pretrained(model, ref.adapter, is_trainable=False)
        self.model = model.to(self.device).eval()

    @classmethod
    def from_loaded(cls, model, tokenizer, settings: GenerationSettings) -> TransformersBackend:
        """Wrap a model already in memory (the training child grades its dev items this way)."""
        backend = cls.__new__(cls)
        backend.model, backend.tokenizer, backend.settings = model, tokenizer, settings
        parameter = next(model.parameters())
        backend.device, backend.dtype = parameter.device, str(parameter.dtype).removeprefix("torch.")
        backend.dtype_reason = "the training model's"
        return backend

    def generate(self, prompts: list, on_progress: Progress = lambda done: None) -> list[str]:
        """One output for each prompt (a string or a message list), in order; `on_progress(items done)`."""
        return [outputs[0] for outputs in self.complete(prompts, 1, on_progress)]

    def complete(self, prompts: list, k: int, on_progress: Progress = lambda done: None) -> list[list[str]]:
        """k outputs for each prompt, in prompt order; `on_progress(sequences done)` as sequences end."""
        import torch  # already loaded by __init__
        from transformers import StoppingCriteriaList  # already loaded by __init__

        ids = [prompt_token_ids(self.tokenizer, p) for p in prompts]
        per_call = max(1, self.settings.batch_size // max(1, k))  # batch_size counts sequences
        kwargs = self._generate_kwargs(k)
        outputs: list[list[str]] = []
        was_training = self.model.training
        self.model.eval()
        padding_side, self.tokenizer.padding_side = self.tokenizer.padding_side, "left"
        try:
            for start in range(0, len(ids), per_call):
                batch = self.tokenizer.pad({"input_ids": ids[start : start + per_call]}, return_tensors="pt")
                batch = batch.to(self.device)
                done_before = len(outputs) * k
                progress = FinishedRows(
                    self._eos_ids(), batch["input_ids"].shape[1], lambda n, before=done_before: on_progress(before + n)
                )
                with torch.no_grad():
                    generated = self.model.generate(
                        **batch, **kwargs, stopping_criteria=StoppingCriteriaList([progress])
                    )
                decoded = self.tokenizer.batch_decode(
                    generated[:, batch["input_ids"].shape[1] :], skip_special_tokens=True
                )
                outputs += [decoded[i : i + k] for i in range(0, len(decoded), k)]
                on_progress(len(outputs) * k)
        finally:
            self.tokenizer.padding_side = padding_side
            self.model.train(was_training)
        return outputs

    def _eos_ids(self) -> list[int]:
        eos = getattr(getattr(self.model, "generation_config", None), "eos_token_id", None)
        if eos is None:
            eos = self.tokenizer.eos_token_id
        return [] if eos is None else [eos] if isinstance(eos, int) else list(eos)

    def _generate_kwargs(self, k: int) -> dict:
        s = self.settings
        kwargs = {"max_new_tokens": s.max_new_tokens, "pad_token_id": self.tokenizer.pad_token_id}
        kwargs["num_return_sequences"] = k
        if s.temperature > 0:
            import torch  # already loaded

            torch.manual_seed(s.seed)
            return kwargs | {"do_sample": True, "temperature": s.temperature, "top_p": s.top_p}
        return kwargs | {"do_sample": False}


def adapter_rank(adapter: str) -> int:
    """The LoRA rank in an adapter folder's adapter_config.json (vLLM must be told the largest rank it serves)."""
    config = json.loads((Path(adapter) / "adapter_config.json").read_text(encoding="utf-8"))
    ranks = [config.get("r") or 8, *(config.get("rank_pattern") or {}).values()]
    return max(int(r) for r in ranks)


def vllm_lora_rank(adapter: str) -> int:
    """The smallest `max_lora_rank` vLLM accepts (8, 16, 32, 64...) that holds the adapter's rank."""
    rank, allowed = adapter_rank(adapter), 8
    while allowed < rank:
        allowed *= 2
    return allowed


class VllmBackend:
    """vLLM offline generation; a LoRA adapter is applied per request through `LoRARequest` (no merge)."""

    name = "vllm"

    def __init__(self, ref: ModelRef, settings: GenerationSettings, engine: dict | None = None):
        from vllm import LLM  # vllm: GPU machines only

        check_local(ref)
        self.settings = settings
        self.dtype, self.dtype_reason = resolve_dtype(ref.dtype, "cuda")  # the resolved dtype, stored with the run
        options = {"enable_lora": True, "max_lora_rank": vllm_lora_rank(ref.adapter)} if ref.adapter else {}
        self.engine = EngineSettings.from_options(engine).options()  # the options changed from vLLM's defaults
        options |= self.engine
        self.llm = LLM(
            model=ref.model,
            trust_remote_code=ref.trust_remote_code,
            seed=settings.seed,
            dtype=self.dtype,
            **options,
        )
        self.tokenizer = self.llm.get_tokenizer()
        self.lora = None
        if ref.adapter:
            from vllm.lora.request import LoRARequest

            self.lora = LoRARequest("curator-adapter", 1, str(ref.adapter))

    def generate(self, prompts: list, on_progress: Progress = lambda done: None) -> list[str]:
        return [outputs[0] for outputs in self.complete(prompts, 1, on_progress)]

    def complete(self, prompts: list, k: int, on_progress: Progress = lambda done: None) -> list[list[str]]:
        """k outputs per prompt; prompts go in as token ids rendered once (no second BOS from vLLM)."""
        from vllm import SamplingParams

        s = self.settings
        params = SamplingParams(n=k, temperature=s.temperature, top_p=s.top_p, max_tokens=s.max_new_tokens, seed=s.seed)
        requests = [{"prompt_token_ids": prompt_token_ids(self.tokenizer, p)} for p in prompts]
        results = self.llm.generate(requests, params, lora_request=self.lora)
        on_progress(len(results) * k)
        return [[choice.text for choice in result.outputs] for result in results]


def load_backend(ref: ModelRef, settings: GenerationSettings, preferred: str = "auto", engine: dict | None = None):
    """The backend to use for `ref` on this machine, loaded and ready to generate; `engine` holds vLLM's engine
    options (ignored by transformers, which has none of them)."""
    name = choose_backend(preferred)
    if name == "vllm":
        return VllmBackend(ref, settings, engine)
    return TransformersBackend(ref, settings)
