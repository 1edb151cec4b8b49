"""What the expansion form asks for, read from its fields, and the model call it starts (as `curator template
expand` makes it: plan, ask the model with what="expanding", store the vetted proposals). No widgets here: the
dialog's worker calls `propose_values` off the UI thread."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from curator.errors import CuratorError, NotFoundError
from curator.fix import slot_expansion
from curator.fix.templates import library as template_domain
from curator.storage.slot_proposals import SlotProposalRow
from curator.workspace import Workspace

DEFAULT_COUNT, DEFAULT_K, DEFAULT_TEMPERATURE = 20, 1, 0.8


@dataclass(frozen=True)
class ExpansionSettings:
    """The model (a local folder, or with `endpoint` the name the server knows it by), how many values to ask for,
    how many samples of the prompt (k, pooled) and the sampling temperature."""

    model: str
    endpoint: str | None
    count: int = DEFAULT_COUNT
    k: int = DEFAULT_K
    temperature: float = DEFAULT_TEMPERATURE


def _number(kind: type, text: str, what: str):
    try:
        return kind(text.strip())
    except ValueError:
        raise CuratorError(f"{what} must be a number, not '{text.strip()}'") from None


def read_settings(model: str, endpoint: str, count: str, k: str, temperature: str) -> ExpansionSettings:
    """The form's fields as settings; one clear error for the first field that cannot be used."""
    model, endpoint = model.strip(), endpoint.strip()
    if not model:
        raise CuratorError("name the model: a local model folder, or with an endpoint URL the model's name there")
    if endpoint and not endpoint.startswith(("http://", "https://")):
        raise CuratorError(f"the endpoint must be an http(s) URL, not '{endpoint}'")
    settings = ExpansionSettings(
        model,
        endpoint or None,
        _number(int, count, "how many values"),
        _number(int, k, "samples (k)"),
        _number(float, temperature, "temperature"),
    )
    if settings.temperature < 0:
        raise CuratorError(f"temperature must be 0 (greedy) or more, not {settings.temperature}")
    return settings


def default_model_folder(ws: Workspace, template_name: str) -> str:
    """The model folder of the run the template was started from, when it is on this machine; "" otherwise."""
    from curator.review.runs import resolve_run

    record = template_domain.get_template(ws, template_name)
    if record.source_run_id is None:
        return ""
    try:
        run = resolve_run(ws, record.source_run_id)
    except NotFoundError:
        return ""
    folder = ws.resolve_path(run.model) if run.model else None
    return str(folder) if folder is not None and folder.is_dir() else ""


def propose_values(
    ws: Workspace,
    template_name: str,
    slot: str,
    settings: ExpansionSettings,
    on_event: Callable[[dict], None],
    should_cancel: Callable[[], bool],
) -> list[SlotProposalRow]:
    """Ask the model for more values of `slot` and store what the guard made of them (nothing when cancelled)."""
    from curator.jobs import expanding

    plan = slot_expansion.plan_expansion(ws, template_name, slot, settings.count, settings.k)
    model = settings.model if settings.endpoint else str(ws.local_folder(settings.model))
    request = expanding.expansion_request(plan, model, settings.endpoint, temperature=settings.temperature)
    folder = expanding.expansion_folder(ws)
    answers = expanding.ask_for_values(plan, request, folder, on_event, should_cancel)
    if should_cancel():
        raise CuratorError("expanding cancelled: nothing was stored")
    stored = {"temperature": settings.temperature, "seed": request.seed, "max_new_tokens": request.max_new_tokens}
    stored |= {"endpoint": settings.endpoint, "job": str(folder)}
    return slot_expansion.store_expansion(ws, plan, answers, model, stored)


def progress_line(event: dict) -> str | None:
    """One line for a progress event of the model call (None for events not worth a line)."""
    kind = event.get("event")
    if kind == "loaded":
        return f"asking the model ({event.get('backend', 'local')})…"
    if kind == "generated":
        return f"answered {event.get('done', 0)} of {event.get('total', '?')} sample(s)…"
    return None
