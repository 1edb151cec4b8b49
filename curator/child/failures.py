"""Failures of a child job, turned into one line a user can act on."""

from __future__ import annotations


class JobFailure(Exception):
    """A failure with a message fit for the user (bad model path, no GPU for a GPU-only setting, empty dataset)."""


class JobCancelled(Exception):
    """The user asked the job to stop; no adapter is left behind."""


def failure_message(error: BaseException) -> str:
    """One line for any exception: known failures as they are, out-of-memory named as such."""
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    if isinstance(error, JobFailure):
        return text
    if isinstance(error, MemoryError) or "out of memory" in text.lower():
        return "out of memory: lower the batch size or the max length, or use a smaller model"
    if isinstance(error, FileNotFoundError):
        return text
    return f"{type(error).__name__}: {text}"
