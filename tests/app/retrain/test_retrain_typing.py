"""Typing into a retrain field edits what it shows; it never silently replaces the value that was there."""

from loopwork import write_train_file
from textual.app import App
from textual.widgets import Input

from curator.app.screens.retrain import RetrainForm


class FormApp(App):
    def __init__(self, form):
        super().__init__()
        self.form = form

    def on_mount(self) -> None:
        self.push_screen(self.form)


async def test_a_key_typed_into_a_focused_field_is_added_to_its_value(workspace, tmp_path):
    dataset = write_train_file(tmp_path / "fix.jsonl")
    (tmp_path / "model").mkdir()
    app = FormApp(RetrainForm(workspace, str(dataset), base_model=str(tmp_path / "model")))
    async with app.run_test(size=(100, 60)) as pilot:
        epochs = app.form.query_one("#trainer-epochs", Input)
        before = epochs.value
        epochs.focus()
        await pilot.pause()
        await pilot.press("0")
        await pilot.pause()
        assert epochs.value == before + "0"  # not "0": the old value was not selected and replaced
        base = app.form.query_one("#base_model", Input)
        base.focus()
        await pilot.pause()
        await pilot.press("x")
        assert base.value == str(tmp_path / "model") + "x"
