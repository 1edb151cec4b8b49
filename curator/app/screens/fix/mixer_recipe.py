"""The mixer's recipe in the workspace: read on opening, saved and built, saved on leaving, its newest version
found for the retrain form. Each is a worker (DuckDB reads, dataset files written), never the UI thread."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.message import Message
from textual.widgets import Input, Static

from curator.app.widgets.dialogs import ConfirmDialog
from curator.app.widgets.literal import literal
from curator.app.worker_errors import WorkFailed
from curator.errors import CuratorError
from curator.recipes import library as recipe_domain
from curator.recipes.spec import RecipeSpec
from curator.storage.datasets import VersionRow


@dataclass
class RecipeRead(Message):
    """The recipe the mixer was opened on, as stored (None: a new recipe)."""

    spec: RecipeSpec | None


@dataclass
class MixBuilt(Message):
    """The recipe was saved and a version frozen."""

    spec: RecipeSpec
    version: VersionRow


@dataclass
class MixRefused(Message):
    """Saving or building was refused (a too-small source, bad shares): nothing was built."""

    problem: str
    saved: RecipeSpec | None = None
    """The recipe as saved, when only the build was refused."""
    leaving: bool = False
    """Refused while leaving the mixer (the user is asked whether to leave unsaved)."""


@dataclass
class RecipeSaved(Message):
    """The recipe was saved on leaving."""

    spec: RecipeSpec


@dataclass
class NewestVersionRead(Message):
    """The recipe's newest built version (None: none built yet), for the retrain form."""

    recipe_name: str
    version: int | None


class StoredRecipe:
    """For the mixer: its recipe read, built and saved in workers (handlers named, not `@on`: decorators on a
    mixin are not collected by Textual). The screen supplies `workspace`, `recipe_name`, `saved_spec`,
    `sources`, `total`, `seed`, `leaving`, `spec()` and `recount()`."""

    @work(thread=True, exclusive=True, exit_on_error=False, group="mixer-recipe")
    def _read_recipe(self, name: str | None) -> None:
        known = {r.name for r in recipe_domain.list_recipes(self.workspace)}
        self.post_message(RecipeRead(recipe_domain.get_recipe(self.workspace, name) if name in known else None))

    def on_recipe_read(self, message: RecipeRead) -> None:
        """Show the stored recipe (a new one keeps the defaults), then count its sources."""
        spec = message.spec
        if spec is not None:
            self.total, self.seed, self.sources, self.saved_spec = spec.total, spec.seed, list(spec.sources), spec
            self.query_one("#recipe-total", Input).value = str(spec.total)
            self.query_one("#recipe-seed", Input).value = str(spec.seed)
        self.recount()

    def action_build(self) -> None:
        """Save the recipe and freeze a version (in a worker: the build writes the dataset); problems (too-small
        source, bad shares) are shown, nothing built."""
        self.query_one("#mixer-result", Static).update(Text("building…"))
        self._build(self.spec())

    @work(thread=True, exclusive=True, exit_on_error=False, group="mixer-build")
    def _build(self, spec: RecipeSpec) -> None:
        saved = None
        try:
            saved = recipe_domain.save_recipe(self.workspace, spec)
            version = recipe_domain.build(self.workspace, spec.name)
        except CuratorError as problem:
            self.post_message(MixRefused(str(problem), saved))
            return
        self.post_message(MixBuilt(saved, version))

    def on_mix_built(self, message: MixBuilt) -> None:
        self.saved_spec, version = message.spec, message.version
        parts = ", ".join(f"{s['name']} {s['rows']}" for s in version.manifest["sources"])
        built = f"built {version.recipe_name} v{version.version}: {version.row_count} rows ({parts}) -> {version.path}"
        self.query_one("#mixer-result", Static).update(Text(literal(built)))

    def on_mix_refused(self, message: MixRefused) -> None:
        self.saved_spec = message.saved or self.saved_spec
        if message.leaving:
            self.leaving = False
            self.app.push_screen(
                ConfirmDialog(f"The recipe cannot be saved: {message.problem}. Leave without saving?", "Leave unsaved"),
                callback=lambda yes: yes and self.dismiss(None),
            )
            return
        self.query_one("#mixer-result", Static).update("")
        self.query_one("#mixer-warnings", Static).update(Text(literal(message.problem)))

    def on_work_failed(self, message: WorkFailed) -> None:
        """A worker crashed (the app showed and logged it): take "building…" down, let escape try again."""
        if message.group == "mixer-build":
            self.query_one("#mixer-result", Static).update(Text(literal(f"build failed: {message.error}")))
        elif message.group == "mixer-save":
            self.leaving = False

    def action_retrain(self) -> None:
        """The retrain form on the recipe's newest built version (the app fills in the base model and run)."""
        self._read_newest_version(self.recipe_name)

    @work(thread=True, exclusive=True, exit_on_error=False, group="mixer-versions")
    def _read_newest_version(self, name: str) -> None:
        versions = recipe_domain.list_versions(self.workspace, name)
        self.post_message(NewestVersionRead(name, versions[-1].version if versions else None))

    def on_newest_version_read(self, message: NewestVersionRead) -> None:
        if message.version is None:
            self.notify(f"'{message.recipe_name}' has no built version yet: ctrl+b builds one", markup=False)
            return
        self.app.open_retrain(f"{message.recipe_name}@{message.version}", self.app.current_run_id)

    def action_back(self) -> None:
        """Leave, saving the recipe (in a worker) so that the mixer reopens on it; a recipe that cannot be saved
        asks first."""
        if self.leaving:
            return
        if not self.sources or self.spec().to_dict() == (self.saved_spec.to_dict() if self.saved_spec else None):
            self.dismiss(self.recipe_name if self.saved_spec else None)
            return
        self.leaving = True
        self._save_on_leaving(self.spec())

    @work(thread=True, exclusive=True, exit_on_error=False, group="mixer-save")
    def _save_on_leaving(self, spec: RecipeSpec) -> None:
        try:
            saved = recipe_domain.save_recipe(self.workspace, spec)
        except CuratorError as problem:
            self.post_message(MixRefused(str(problem), leaving=True))
            return
        self.post_message(RecipeSaved(saved))

    def on_recipe_saved(self, message: RecipeSaved) -> None:
        self.saved_spec = message.spec
        self.notify(f"recipe '{self.recipe_name}' saved", timeout=2, markup=False)
        self.dismiss(self.recipe_name)
