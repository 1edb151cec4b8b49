"""Inference backends behind one interface: vLLM on a CUDA GPU when installed, transformers otherwise."""

from __future__ import annotations

import importlib.util
from dataclasses import asdict, dataclass, field
from pathlib import Path

from curator.inference.chat import render_prompt


@dataclass(frozen=True)
class GenerationSettings:
    """How outputs are generated; stored with the run they produce."""

    max_new_tokens: int = 64
    temperature: float = 0.0  # 0 = greedy
    top_p: float = 1.0
    batch_size: int = 32
    seed: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class ModelRef:
    """A local model folder, an optional LoRA adapter folder, and whether remote code may run."""

    model: str
    adapter: str | None = None
    trust_remote_code: bool = False
    device: str | None = None  # None: cuda when available, else cpu
    dtype: str = "auto"  # auto | bfloat16 | float16 | float32 (see `resolve_dtype`)
    extra: dict = field(default_factory=dict)


DTYPES = ("auto", "bfloat16", "float16", "float32")


def check_dtype(name: str) -> str:
    """A dtype name the backends understand; a clear error otherwise."""
    if name not in DTYPES:
        raise ValueError(f"dtype '{name}' is not one of {', '.join(DTYPES)}")
    return name


def cpu_supports_bf16() -> bool:
    """True when a bf16 matmul runs on this CPU (measured on SmolLM2-135M: ~3x faster greedy decoding than fp32)."""
    import torch  # torch: ~2 s; only in the process that generates

    try:
        probe = torch.ones((2, 2), dtype=torch.bfloat16)
        return bool(torch.isfinite(probe @ probe).all())
    except RuntimeError:
        return False


def resolve_dtype(name: str, device: str) -> str:
    """`auto`: bf16 on a GPU or CPU that supports it, else fp32 (fp16 on a GPU without bf16); others as given."""
    check_dtype(name)
    if name != "auto":
        return name
    if device.startswith("cuda"):
        import torch  # already loaded by the caller

        return "bfloat16" if torch.cuda.is_bf16_supported() else "float16"
    return "bfloat16" if cpu_supports_bf16() else "float32"


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


class TransformersBackend:
    """Batched greedy (or sampled) generation with transformers; left padding; CPU or GPU."""

    name = "transformers"

    def __init__(self, ref: ModelRef, settings: GenerationSettings):
        import torch  # torch: ~2 s
        from transformers import AutoModelForCausalLM, AutoTokenizer  # ~3.5 s

        check_local(ref)
        self.settings = settings
        self.device = ref.device or ("cuda" if torch.cuda.is_available() else "cpu")
        self.dtype = resolve_dtype(ref.dtype, str(self.device))
        self.tokenizer = AutoTokenizer.from_pretrained(
            ref.model,
            trust_remote_code=ref.trust_remote_code,
            local_files_only=True,
            padding_side="left",
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
        return backend

    def generate(self, prompts: list, on_batch=lambda done: None) -> list[str]:
        """Outputs for `prompts` (strings or message lists), in order."""
        import torch  # already loaded by __init__

        outputs: list[str] = []
        texts = [render_prompt(self.tokenizer, p) for p in prompts]
        size = max(1, self.settings.batch_size)
        was_training = self.model.training
        self.model.eval()
        padding_side, self.tokenizer.padding_side = self.tokenizer.padding_side, "left"
        try:
            for start in range(0, len(texts), size):
                batch = self.tokenizer(
                    texts[start : start + size], return_tensors="pt", padding=True, add_special_tokens=False
                ).to(self.device)
                with torch.no_grad():
                    generated = self.model.generate(**batch, **self._generate_kwargs())
                new_tokens = generated[:, batch["input_ids"].shape[1] :]
                outputs += self.tokenizer.batch_decode(new_tokens, skip_special_tokens=True)
                on_batch(len(outputs))
        finally:
            self.tokenizer.padding_side = padding_side
            self.model.train(was_training)
        return outputs

    def _generate_kwargs(self) -> dict:
        s = self.settings
        kwargs = {"max_new_tokens": s.max_new_tokens, "pad_token_id": self.tokenizer.pad_token_id}
        if s.temperature > 0:
            import torch  # already loaded

            torch.manual_seed(s.seed)
            return kwargs | {"do_sample": True, "temperature": s.temperature, "top_p": s.top_p}
        return kwargs | {"do_sample": False}


class VllmBackend:
    """vLLM offline generation; a LoRA adapter is applied per request through `LoRARequest` (no merge)."""

    name = "vllm"

    def __init__(self, ref: ModelRef, settings: GenerationSettings):
        from vllm import LLM, SamplingParams  # vllm: GPU machines only

        check_local(ref)
        self.settings = settings
        self.dtype = check_dtype(ref.dtype)  # vLLM resolves "auto" itself (bf16 where the GPU has it)
        self.llm = LLM(
            model=ref.model,
            trust_remote_code=ref.trust_remote_code,
            enable_lora=bool(ref.adapter),
            seed=settings.seed,
            dtype=self.dtype,
            **ref.extra,
        )
        self.tokenizer = self.llm.get_tokenizer()
        self.params = SamplingParams(
            temperature=settings.temperature,
            top_p=settings.top_p,
            max_tokens=settings.max_new_tokens,
            seed=settings.seed,
        )
        self.lora = None
        if ref.adapter:
            from vllm.lora.request import LoRARequest

            self.lora = LoRARequest("curator-adapter", 1, str(ref.adapter))

    def generate(self, prompts: list, on_batch=lambda done: None) -> list[str]:
        texts = [render_prompt(self.tokenizer, p) for p in prompts]
        results = self.llm.generate(texts, self.params, lora_request=self.lora)
        on_batch(len(results))
        return [r.outputs[0].text for r in results]


def load_backend(ref: ModelRef, settings: GenerationSettings, preferred: str = "auto"):
    """The backend to use for `ref` on this machine, loaded and ready to generate."""
    name = choose_backend(preferred)
    return (VllmBackend if name == "vllm" else TransformersBackend)(ref, settings)
