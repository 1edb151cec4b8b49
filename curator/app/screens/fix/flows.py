"""How the app opens the fix screens for the current run or item: the template editor, examples, the mixer."""

from __future__ import annotations

from curator.app.screens.fix import palette as _fix_palette  # noqa: F401  (registers the fix palette commands)
from curator.app.screens.fix.example_review import ExampleReviewScreen
from curator.app.screens.fix.mixer import MixerScreen
from curator.app.screens.fix.template_choice import NEW_TEMPLATE, TemplateChoice
from curator.app.screens.fix.template_editor import TemplateEditorScreen
from curator.errors import CuratorError
from curator.fix.run_examples import run_examples
from curator.fix.templates import library as template_domain
from curator.recipes import library as recipe_domain
from curator.review import browse


def newest_recipe(ws) -> str | None:
    """The most recently created recipe of the workspace, if any."""
    recipes = recipe_domain.list_recipes(ws)
    return max(recipes, key=lambda r: r.recipe_id).name if recipes else None


class FixFlowsMixin:
    """Opens the fix screens for the app's current run or item."""

    def start_template(self, run_id: int, item_key: int) -> None:
        """The template editor for the item: when its bucket (or the item) has templates, offer to reopen one."""
        bucket = browse.template_bucket(self.workspace, run_id, item_key)
        existing = [
            t
            for t in template_domain.list_templates(self.workspace)
            if (bucket and t.bucket_name == bucket) or (t.source_run_id, t.source_item_key) == (run_id, item_key)
        ]
        if not existing:
            self._new_template(run_id, item_key, bucket)
            return

        def chosen(answer: str | None) -> None:
            if answer == NEW_TEMPLATE:
                self._new_template(run_id, item_key, bucket)
            elif answer is not None:
                self.push_screen(TemplateEditorScreen(self.workspace, answer))

        self.push_screen(TemplateChoice(bucket, existing), callback=chosen)

    def _new_template(self, run_id: int, item_key: int, bucket: str | None) -> None:
        try:
            editor = TemplateEditorScreen(self.workspace, run_id=run_id, item_key=item_key, bucket=bucket)
        except CuratorError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.push_screen(editor)

    def open_generated_examples(self, run_id: int | None) -> None:
        """Every batch generated from the run's templates (any run's, if it has none), oldest first."""
        if not run_examples(self.workspace, run_id):
            self.notify("no generated examples yet: t on an item starts a template", markup=False)
            return
        self.push_screen(ExampleReviewScreen(self.workspace, run_id=run_id))

    def open_mixer(self, recipe_name: str | None = None) -> None:
        """The mixer on `recipe_name`, else on the recipe last left or saved (a new one when there is none)."""
        if recipe_name is None:
            recipe_name = getattr(self, "last_recipe_name", None) or newest_recipe(self.workspace)
        self.push_screen(MixerScreen(self.workspace, recipe_name), callback=self._mixer_closed)

    def _mixer_closed(self, recipe_name: str | None) -> None:
        if recipe_name:
            self.last_recipe_name = recipe_name
