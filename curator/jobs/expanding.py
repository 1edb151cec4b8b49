"""Asking a model for more values of a template slot: the expansion prompt answered k times along the reviser's
route (a local folder in the judge child, or an OpenAI-compatible endpoint). `curator template expand` and the
template editor's form both ask through here; storing the vetted proposals is `fix.slot_expansion`'s."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from curator.fix.slot_expansion import ExpansionPlan
from curator.jobs.revising import ReviseRequest, ask_model, check_request
from curator.workspace import Workspace


def expansion_folder(ws: Workspace) -> Path:
    """A new job folder for one expansion (its prompts, answers and the child's log)."""
    return ws.root / "jobs" / f"expand-{time.strftime('%Y%m%d-%H%M%S')}-{time.monotonic_ns() % 10**6}"


def expansion_request(
    plan: ExpansionPlan,
    model: str,
    endpoint: str | None,
    *,
    temperature: float,
    seed: int = 0,
    max_new_tokens: int = 256,
    cpu_threads: int = 1,
) -> ReviseRequest:
    """The model call for `plan`'s k samples, checked (one line for a model or endpoint that cannot be used)."""
    request = ReviseRequest(
        run=plan.template.name,
        model=model,
        endpoint=endpoint,
        temperature=temperature,
        seed=seed,
        max_new_tokens=max_new_tokens,
        batch_size=plan.k,
        cpu_threads=cpu_threads,
    )
    check_request(request)
    return request


def ask_for_values(
    plan: ExpansionPlan,
    request: ReviseRequest,
    folder: Path,
    on_event: Callable[[dict], None] = lambda e: None,
    should_cancel: Callable[[], bool] = lambda: False,
) -> list[str]:
    """The model's k answers to the expansion prompt, in sample order (sample i drawn with seed + i)."""
    folder.mkdir(parents=True, exist_ok=True)
    requests = [{"key": str(i), "prompt": plan.prompt, "sample_index": i} for i in range(plan.k)]
    answers, _ = ask_model(request, folder, "expand", requests, on_event, should_cancel, what="expanding")
    return [answers[str(i)] for i in range(plan.k)]
