"""What a harness-log parser hands back: item records plus what the log says about the run."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from curator.errors import BadRecord

# progress(stage, done, total): called now and then during an import; total is None when unknown.
ProgressCallback = Callable[[str, int, "int | None"], None]


@dataclass
class ParsedRun:
    """Items read from a log, in order, with the model and a default run name."""

    records: list[dict]
    default_name: str
    model: str | None = None
    skipped: list[BadRecord] = field(default_factory=list)
    settings: dict = field(default_factory=dict)


def json_safe(value):
    """A copy of `value` where non-finite floats (bare Infinity/NaN in the logs) become strings, so it is strict JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_safe(v) for v in value]
    return value
