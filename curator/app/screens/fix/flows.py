"""How the app opens the fix screens for the current run or item: the template editor, examples, the mixer. What
they need to know first (an item's templates, the run's examples, the newest recipe) is read in app workers."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from textual.message import Message

from curator.app.screens.fix import palette as _fix_palette  # noqa: F401  (registers the fix palette commands)
from curator.app.screens.fix.example_review import ExampleReviewScreen
from curator.app.screens.fix.mixer import MixerScreen
from curator.app.screens.fix.template_choice import NEW_TEMPLATE, TemplateChoice
from curator.app.screens.fix.template_editor import TemplateEditorScreen
from curator.errors import CuratorError
from curator.fix.run_examples import run_examples
from curator.fix.templates import library as template_domain
from curator.fix.templates.library import TemplateRecord
from curator.recipes import library as recipe_domain
from curator.review import browse


def newest_recipe(ws) -> str | None:
    """The most recently created recipe of the workspace, if any."""
    recipes = recipe_domain.list_recipes(ws)
    return max(recipes, key=lambda r: r.recipe_id).name if recipes else None


@dataclass
class ItemTemplatesRead(Message):
    """An item's template bucket and the templates already made for it or its bucket."""

    run_id: int
    item_key: int
    bucket: str | None
    existing: list[TemplateRecord]


@dataclass
class RunExamplesRead(Message):
    """Whether the run (any run, if it has no templates) has generated examples."""

    run_id: int | None
    has_examples: bool


@dataclass
class NewestRecipeRead(Message):
    """The recipe the mixer opens on when none was named (None: a new one)."""

    recipe_name: str | None


class FixFlowsMixin:
    """Opens the fix screens for the app's current run or item. (Handlers are named, not `@on`: decorators on a
    mixin are not collected by Textual.)"""

    def _read_in_worker(self, read, name: str, group: str) -> None:
        self.run_worker(read, name=name, group=group, thread=True, exclusive=True, exit_on_error=False)

    def start_template(self, run_id: int, item_key: int) -> None:
        """The template editor for the item: when its bucket (or the item) has templates, offer to reopen one."""
        self._read_in_worker(partial(self._read_item_templates, run_id, item_key), "read the item's templates", "fix-t")

    def _read_item_templates(self, run_id: int, item_key: int) -> None:
        bucket = browse.template_bucket(self.workspace, run_id, item_key)
        existing = [
            t
            for t in template_domain.list_templates(self.workspace)
            if (bucket and t.bucket_name == bucket) or (t.source_run_id, t.source_item_key) == (run_id, item_key)
        ]
        self.post_message(ItemTemplatesRead(run_id, item_key, bucket, existing))

    def on_item_templates_read(self, message: ItemTemplatesRead) -> None:
        run_id, item_key, bucket = message.run_id, message.item_key, message.bucket
        if not message.existing:
            self._new_template(run_id, item_key, bucket)
            return

        def chosen(answer: str | None) -> None:
            if answer == NEW_TEMPLATE:
                self._new_template(run_id, item_key, bucket)
            elif answer is not None:
                self.push_screen(TemplateEditorScreen(self.workspace, answer))

        self.push_screen(TemplateChoice(bucket, message.existing), callback=chosen)

    def _new_template(self, run_id: int, item_key: int, bucket: str | None) -> None:
        try:
            editor = TemplateEditorScreen(self.workspace, run_id=run_id, item_key=item_key, bucket=bucket)
        except CuratorError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.push_screen(editor)

    def open_generated_examples(self, run_id: int | None) -> None:
        """Every batch generated from the run's templates (any run's, if it has none), oldest first."""
        self._read_in_worker(partial(self._read_run_examples, run_id), "read the run's examples", "fix-examples")

    def _read_run_examples(self, run_id: int | None) -> None:
        self.post_message(RunExamplesRead(run_id, bool(run_examples(self.workspace, run_id))))

    def on_run_examples_read(self, message: RunExamplesRead) -> None:
        if not message.has_examples:
            self.notify("no generated examples yet: t on an item starts a template", markup=False)
            return
        self.push_screen(ExampleReviewScreen(self.workspace, run_id=message.run_id))

    def open_mixer(self, recipe_name: str | None = None) -> None:
        """The mixer on `recipe_name`, else on the recipe last left or saved (a new one when there is none)."""
        if recipe_name is None:
            recipe_name = getattr(self, "last_recipe_name", None)
        if recipe_name is not None:
            self._push_mixer(recipe_name)
            return
        self._read_in_worker(self._read_newest_recipe, "read the newest recipe", "fix-recipe")

    def _read_newest_recipe(self) -> None:
        self.post_message(NewestRecipeRead(newest_recipe(self.workspace)))

    def on_newest_recipe_read(self, message: NewestRecipeRead) -> None:
        self._push_mixer(message.recipe_name)

    def _push_mixer(self, recipe_name: str | None) -> None:
        self.push_screen(MixerScreen(self.workspace, recipe_name), callback=self._mixer_closed)

    def _mixer_closed(self, recipe_name: str | None) -> None:
        if recipe_name:
            self.last_recipe_name = recipe_name
