"""Model and adapter paths in a table cell by the end that tells runs apart (`…/job-7/adapter`), never a cut start."""

from __future__ import annotations

from curator.app.widgets.literal import one_line
from curator.review.runs import path_end


def fitted_end(path: str | None, width: int, parts: int = 2) -> str:
    """`path_end` of the path (its last `parts` folders), one line, cut from the start (`…`) to `width` cells;
    `–` for no path."""
    text = one_line(path_end(path, parts))
    if not text:
        return "–"
    return text if len(text) <= width else "…" + text[len(text) - width + 1 :]
