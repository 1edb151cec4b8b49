"""The mixer's sources: the add-source fields read into a Source, a source's row of counts, and the plans a
recount brings back from its worker."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable

from curator.app.widgets.literal import one_line
from curator.errors import CuratorError
from curator.recipes import library as recipe_domain
from curator.recipes.library import SourcePlan
from curator.recipes.spec import REPLAY_FROM, Source
from curator.unique_names import first_free_name

ARGUMENT_HINTS = {
    "fixes": "buckets, comma-separated",
    "replay": "run name[, targets]",  # targets: replay the items' targets, not the model's own outputs
    "file": "JSONL or Parquet path",
    "seed": "JSONL path of hand-written examples",
}


def source_argument(source: Source) -> str:
    """What the `from` field shows for a source (the inverse of source_from_form)."""
    if source.kind == "replay" and source.run:
        return source.run + (f", {source.replay_from}" if source.replay_from != "outputs" else "")
    return ", ".join(source.buckets) or source.run or source.path or ""


def _replay_source(source: Source, argument: str) -> None:
    """`run` or `run, outputs|targets`: which run, and whether the model's own outputs or the targets replay."""
    run, _, choice = argument.rpartition(",")
    if run.strip() and choice.strip() in REPLAY_FROM:
        source.run, source.replay_from = run.strip(), choice.strip()
    elif run.strip() and choice.strip():
        raise CuratorError(f"replay from '{choice.strip()}': write outputs or targets after the run name")
    else:
        source.run = argument


def source_from_form(kind: str, argument: str, share_percent: str, taken: set[str]) -> Source:
    """A source from the add-source fields; a clear error when a field is missing or not a number."""
    argument = argument.strip()
    if not argument:
        raise CuratorError(f"a {kind} source needs {ARGUMENT_HINTS[kind]}")
    try:
        share = float(share_percent) / 100
    except ValueError:
        raise CuratorError(f"share '{share_percent}' is not a number of percent") from None
    source = Source(name=first_free_name(kind, taken.__contains__), kind=kind, share=share)
    if kind == "fixes":
        source.buckets = [b.strip() for b in argument.split(",") if b.strip()]
    elif kind == "replay":
        _replay_source(source, argument)
    else:
        source.path = argument
    return source


def plan_cells(source: Source, entry: SourcePlan, count: int | None, short: bool) -> list[Text]:
    """One source's row in the mixer table: name, kind, from, share, rows, usable rows, warning."""
    usable = "?" if entry.problem else f"{entry.available:,}"
    if entry.refused_held_out:
        usable += f" (-{entry.refused_held_out:,} held-out)"
    return [
        Text(one_line(source.name)),
        Text(source.kind),
        Text(one_line(source_argument(source), 40)),
        Text(f"{source.share:.0%}"),
        Text("—" if count is None else f"{count:,}"),
        Text(usable),
        Text("too small", style="bold red") if short else Text(""),
    ]


@dataclass
class SourcesPlanned(Message):
    """The sources of recount number `generation` were planned (in a worker): their counts and plans."""

    generation: int
    sources: list[Source]
    counts: list[int | None]
    plans: list[SourcePlan]


def fill_source_table(table: DataTable, message: SourcesPlanned, total: int) -> list[str]:
    """The planned sources as the mixer table's rows; returns their warnings (a problem, a too-small source)."""
    table.clear()
    warnings = []
    for source, count, entry in zip(message.sources, message.counts, message.plans, strict=False):
        short = count is not None and entry.too_small
        if entry.problem:
            warnings.append(f"{source.name}: {entry.problem}")
        elif short:
            warnings.append(recipe_domain.too_small_message(entry, total))
        table.add_row(*plan_cells(source, entry, count, short), key=source.name)
    return warnings
