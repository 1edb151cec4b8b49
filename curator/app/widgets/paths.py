"""Model and adapter paths shown by the end that tells runs apart (`job-7/adapter`), never a cut start."""

from __future__ import annotations

import re

from curator.app.widgets.literal import one_line

GENERIC_NAMES = {"adapter", "adapters", "model", "models", "final", "output", "merged", "best"}
"""Folder names that say nothing alone: the folder above them is shown too."""


def distinguishing_end(path: str | None, width: int) -> str:
    """The folder name of `path` (with its parent when the name is generic, as `job-7/adapter` or
    `job-7/checkpoint-40`), one line, cut from the start (`…`) to `width` cells; `–` for no path."""
    if not path:
        return "–"
    parts = [p for p in re.split(r"[\\/]+", path.strip()) if p]
    if not parts:
        return one_line(path, width)
    tail = parts[-1]
    if len(parts) > 1 and (tail.lower() in GENERIC_NAMES or tail.lower().startswith("checkpoint-")):
        tail = f"{parts[-2]}/{tail}"
    text = one_line(tail)
    return text if len(text) <= width else "…" + text[len(text) - width + 1 :]
