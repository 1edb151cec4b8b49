"""Cache keys of judge answers: the rendered prompt, the model's identity, the generation parameters, the sample.

A local folder's identity is a digest of its config and of the names, sizes and modification times of its files
(not a hash of the weights: that would read hundreds of megabytes on every run); an endpoint's is its base URL and
the model name it serves.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

GENERATION_KEYS = ("temperature", "seed", "max_new_tokens")
_CONFIG_FILES = ("config.json", "generation_config.json", "tokenizer_config.json", "chat_template.jinja")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def folder_identity(folder: Path | str) -> str:
    """`folder:<digest>` of a local model folder: its config files' contents and every file's name, size, mtime."""
    folder = Path(folder)
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        stat = path.stat()
        digest.update(f"{path.relative_to(folder).as_posix()}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
        if path.name in _CONFIG_FILES and path.parent == folder:
            digest.update(path.read_bytes())
    return f"folder:{digest.hexdigest()}"


def endpoint_identity(base_url: str, model: str) -> str:
    """`endpoint:<base url>|<model>` (the URL without a trailing slash)."""
    return f"endpoint:{base_url.rstrip('/')}|{model}"


def model_identity(options: dict) -> str:
    """The identity of the model a judge check's options name (the folder must exist for a local model)."""
    if options.get("endpoint"):
        return endpoint_identity(options["endpoint"], options["model"])
    return folder_identity(options["model"])


def generation_params(options: dict) -> dict:
    """The generation parameters that change a judge's answer (they key the cache and travel to the model)."""
    return {key: options[key] for key in GENERATION_KEYS}


def cache_key(prompt: str, model_id: str, params: dict, sample_index: int) -> str:
    """sha256 over the prompt's hash, the model identity, the generation parameters and the sample index."""
    record = {"prompt": sha256(prompt), "model": model_id, "params": params, "sample": sample_index}
    return sha256(json.dumps(record, sort_keys=True))


def sample_seed(seed: int, sample_index: int) -> int:
    """The seed of one sample: samples of one prompt differ, and each is reproducible on its own."""
    return seed + sample_index
