"""The dataset mixer: sources with shares, live counts per source, too-small warnings, and build."""

from __future__ import annotations

import dataclasses

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Input, Select, Static

from curator.app import registry
from curator.app.screens.fix import actions as _actions  # noqa: F401  (declares the bindings read below)
from curator.app.screens.fix.mixer_recipe import StoredRecipe
from curator.app.screens.fix.mixer_sources import (
    ARGUMENT_HINTS,
    SourcesPlanned,
    fill_source_table,
    source_argument,
    source_from_form,
)
from curator.app.screens.retrain import actions as _loop_actions  # noqa: F401  (declares the retrain binding read below)
from curator.app.screens.sweeps.screen import SweepsScreen  # also declares the sweeps binding read below
from curator.app.widgets.fitting_footer import FittingFooter
from curator.app.widgets.literal import literal
from curator.app.widgets.measured_table import MeasuredTable
from curator.app.worker_errors import ReportsWorkerFailures
from curator.errors import CuratorError
from curator.recipes import library as recipe_domain
from curator.recipes.allocation import allocate
from curator.recipes.library import SourcePlan
from curator.recipes.spec import SOURCE_KINDS, RecipeSpec, Source
from curator.workspace import Workspace


class MixerScreen(StoredRecipe, ReportsWorkerFailures, Screen):
    """Compose a recipe (a stored one, or a new one under `recipe_name`); every change recounts the sources."""

    CSS_PATH = "fix.tcss"
    BINDINGS = registry.bindings("fix.mixer", "loop.mixer", "sweeps.mixer")

    def __init__(self, workspace: Workspace, recipe_name: str | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self.opened_on = recipe_name
        """The stored recipe to show (read in a worker on mount); None opens a new one."""
        self.recipe_name = recipe_name or "mix"
        self.total = 100
        self.seed = 0
        self.sources: list[Source] = []
        self.saved_spec: RecipeSpec | None = None
        self.leaving = False
        """True while the recipe is being saved on the way out (a second escape waits for it)."""
        self.editing: int | None = None
        """Index of the source loaded into the fields (enter there replaces it); None adds a new one."""
        self._plans: dict[tuple, SourcePlan] = {}
        self._guard = None
        self._recounts = 0
        """Recounts started: only the newest one's counts are shown."""

    def compose(self) -> ComposeResult:
        yield Static(Text("dataset mixer"), classes="fix-title")
        with Horizontal(id="recipe-form"):
            yield Input(self.recipe_name, placeholder="recipe name", id="recipe-name")
            yield Input(str(self.total), placeholder="total rows", id="recipe-total", type="integer")
            yield Input(str(self.seed), placeholder="seed", id="recipe-seed", type="integer")
        yield MeasuredTable(id="source-table", cursor_type="row")
        with Horizontal(id="source-form"):
            yield Select([(k, k) for k in SOURCE_KINDS], value="fixes", allow_blank=False, id="source-kind")
            yield Input(placeholder=ARGUMENT_HINTS["fixes"], id="source-argument")
            yield Input(placeholder="share % (enter adds)", id="source-share")
        yield Static("", id="mixer-warnings", classes="inline-error")
        yield Static("", id="mixer-result", classes="summary")
        yield FittingFooter()

    def on_mount(self) -> None:
        for field_id, title in (
            ("#recipe-name", "recipe"),
            ("#recipe-total", "total rows"),
            ("#recipe-seed", "seed"),
            ("#source-argument", "from"),
            ("#source-share", "share %"),
        ):
            self.query_one(field_id, Input).border_title = title
        self.query_one("#source-table", DataTable).add_columns(
            "source", "kind", "from", "share", "rows", "available", ""
        )
        self._read_recipe(self.opened_on)

    def spec(self) -> RecipeSpec:
        """The recipe the screen shows (settings it does not show, like the system prompt, kept as saved)."""
        shown = {"name": self.recipe_name, "total": self.total, "sources": list(self.sources), "seed": self.seed}
        return dataclasses.replace(self.saved_spec, **shown) if self.saved_spec else RecipeSpec(**shown)

    def source_plan(self, source: Source, requested: int) -> SourcePlan:
        """The domain's plan of one source (cached per source: reading rows and the guard is the slow part)."""
        key = (source.kind, tuple(source.buckets), source.run, source.path, source.replay_from)
        if key not in self._plans:
            if self._guard is None:
                self._guard = recipe_domain.held_out_guard(self.workspace)
            self._plans[key] = recipe_domain.plan_source(self.workspace, source, requested, self._guard)
        return dataclasses.replace(self._plans[key], name=source.name, share=source.share, requested=requested)

    def recount(self) -> None:
        """Plan the sources in a worker (reading source files and building the held-out guard is slow); the table
        is refilled with requested and usable rows, and every warning listed, when the plans are in."""
        self._recounts += 1
        balanced = abs(sum(s.share for s in self.sources) - 1) < 1e-6
        counts = allocate([s.share for s in self.sources], self.total) if balanced else [None] * len(self.sources)
        self._plan_sources(self._recounts, [dataclasses.replace(s) for s in self.sources], counts)

    @work(thread=True, exclusive=True, exit_on_error=False, group="mixer-count")
    def _plan_sources(self, generation: int, sources: list[Source], counts: list[int | None]) -> None:
        plans = [self.source_plan(source, count or 0) for source, count in zip(sources, counts, strict=False)]
        self.post_message(SourcesPlanned(generation, sources, counts, plans))

    def on_sources_planned(self, message: SourcesPlanned) -> None:
        if message.generation != self._recounts:
            return
        warnings = fill_source_table(self.query_one("#source-table", DataTable), message, self.total)
        share_sum = sum(s.share for s in message.sources)
        if message.sources and abs(share_sum - 1) >= 1e-6:
            warnings.insert(0, f"shares add up to {share_sum:.0%}; they must add up to 100%")
        self.query_one("#mixer-warnings", Static).update(Text(literal("\n".join(warnings))))

    @on(Select.Changed, "#source-kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        self.query_one("#source-argument", Input).placeholder = ARGUMENT_HINTS[str(event.value)]

    @on(Input.Changed, "#recipe-total, #recipe-seed, #recipe-name")
    def _recipe_changed(self, event: Input.Changed) -> None:
        if event.input.id == "recipe-name":
            self.recipe_name = event.value.strip()
            return
        try:
            value = int(event.value)
        except ValueError:
            return
        if event.input.id == "recipe-total":
            self.total = value
            self.recount()
        else:
            self.seed = value

    @on(Input.Submitted, "#source-argument, #source-share")
    def add_source(self) -> None:
        """Add the source in the fields, or replace the one loaded with `e`."""
        kind = str(self.query_one("#source-kind", Select).value)
        argument, share = self.query_one("#source-argument", Input), self.query_one("#source-share", Input)
        others = [s for i, s in enumerate(self.sources) if i != self.editing]
        try:
            source = source_from_form(kind, argument.value, share.value, {s.name for s in others})
        except CuratorError as problem:
            self.query_one("#mixer-warnings", Static).update(Text(literal(str(problem))))
            return
        if self.editing is not None and self.editing < len(self.sources):
            old = self.sources[self.editing]
            source.name = old.name if old.kind == source.kind else source.name
            self.sources[self.editing] = source
        else:
            self.sources.append(source)
        self.editing = None
        argument.value = share.value = ""
        self.query_one("#source-share", Input).border_title = "share %"
        self.recount()

    def action_edit_source(self) -> None:
        """Load the highlighted source into the fields; enter there replaces it."""
        table = self.query_one("#source-table", DataTable)
        if not self.sources or not 0 <= table.cursor_row < len(self.sources):
            return
        self.editing = table.cursor_row
        source = self.sources[self.editing]
        self.query_one("#source-kind", Select).value = source.kind
        self.query_one("#source-argument", Input).value = source_argument(source)
        share = self.query_one("#source-share", Input)
        share.value = f"{source.share * 100:g}"
        share.border_title = f"share % (editing {source.name})"
        self.query_one("#source-argument", Input).focus()

    @on(DataTable.RowSelected, "#source-table")
    def _source_chosen(self) -> None:
        self.action_edit_source()

    def action_remove_source(self) -> None:
        table = self.query_one("#source-table", DataTable)
        if self.sources and 0 <= table.cursor_row < len(self.sources):
            del self.sources[table.cursor_row]
            self.editing = None
            self.recount()

    def action_open_sweeps(self) -> None:
        self.app.push_screen(SweepsScreen(self.workspace, self.recipe_name))


registry.register_screen("mixer", "Dataset mixer", MixerScreen)
