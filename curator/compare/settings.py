"""Generation settings of two runs: a comparison (or a re-evaluation) is only fair under the same ones.

Besides the generation settings, the weights' dtype and the backend (transformers or vLLM: two engines whose
kernels and sampling differ, so even greedy outputs can) must match when both runs stored them.
"""

from __future__ import annotations

from curator.errors import CuratorError
from curator.storage.runs import RunRow

# How many prompts go through the model at once changes throughput, not what greedy decoding writes.
NOT_COMPARED = ("batch_size",)
ALLOW_FLAG = "--allow-settings-mismatch"
# Stored beside the generation settings; compared only when both runs stored them (older runs did not).
ENGINE_SETTINGS = ("dtype", "backend")


class SettingsMismatch(CuratorError):
    """Two runs were generated with different settings."""


def stored_generation(run: RunRow) -> dict | None:
    """The generation settings stored with a run Curator evaluated; None for an imported run."""
    generation = (run.settings or {}).get("generation")
    return dict(generation) if isinstance(generation, dict) and generation else None


def differences(before: dict, after: dict) -> list[str]:
    """`name before -> after` for each compared setting that differs (a missing one counts as different)."""
    names = sorted((set(before) | set(after)) - set(NOT_COMPARED))
    return [f"{n} {before.get(n, '?')} -> {after.get(n, '?')}" for n in names if before.get(n) != after.get(n)]


def compared_settings(run: RunRow) -> dict | None:
    """What must match between two runs: the generation settings, and the dtype and backend the run stored."""
    generation = stored_generation(run)
    if generation is None:
        return None
    stored = run.settings or {}
    return {**generation, **{name: stored[name] for name in ENGINE_SETTINGS if stored.get(name)}}


def mismatch(before: RunRow, after: RunRow) -> str | None:
    """One line saying how the two runs' generation settings differ; None when they agree or one is unknown."""
    b, a = compared_settings(before), compared_settings(after)
    if b is None or a is None:
        return None
    unstored = [name for name in ENGINE_SETTINGS if name not in b or name not in a]  # an older run: the rest
    b, a = ({k: v for k, v in d.items() if k not in unstored} for d in (b, a))
    changed = differences(b, a)
    if not changed:
        return None
    return f"runs '{before.name}' and '{after.name}' were generated with different settings ({', '.join(changed)})"


def unknown_settings(before: RunRow, after: RunRow) -> list[str]:
    """The names of the runs whose generation settings are not stored (imported runs)."""
    return [run.name for run in (before, after) if stored_generation(run) is None]


def check_same_settings(before: RunRow, after: RunRow, allow_mismatch: bool = False) -> None:
    """Refuse a comparison of runs generated differently, unless told to allow it."""
    line = mismatch(before, after)
    if line and not allow_mismatch:
        raise SettingsMismatch(f"{line}: re-evaluate with the same settings, or pass {ALLOW_FLAG}")
