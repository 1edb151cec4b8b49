"""How the app opens the fix screens for the current run or item: the template editor, examples, the mixer."""

from __future__ import annotations

from curator.app.screens.fix import palette as _fix_palette  # noqa: F401  (registers the fix palette commands)
from curator.app.screens.fix.example_review import ExampleReviewScreen
from curator.app.screens.fix.mixer import MixerScreen
from curator.app.screens.fix.template_editor import TemplateEditorScreen
from curator.errors import CuratorError
from curator.fix import examples as example_domain
from curator.review import browse


class FixFlowsMixin:
    """Opens the fix screens for the app's current run or item."""

    def start_template(self, run_id: int, item_key: int) -> None:
        """Open the template editor on the item's input and target, in the item's bucket."""
        bucket = browse.template_bucket(self.workspace, run_id, item_key)
        try:
            editor = TemplateEditorScreen(self.workspace, run_id=run_id, item_key=item_key, bucket=bucket)
        except CuratorError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.push_screen(editor)

    def open_newest_examples(self, run_id: int | None) -> None:
        batch_id = example_domain.newest_batch(self.workspace, run_id)
        if batch_id is None:
            self.notify("no generated examples yet: t on an item starts a template", markup=False)
            return
        self.push_screen(ExampleReviewScreen(self.workspace, batch_id=batch_id))

    def open_mixer(self, recipe_name: str | None = None) -> None:
        self.push_screen(MixerScreen(self.workspace, recipe_name))
