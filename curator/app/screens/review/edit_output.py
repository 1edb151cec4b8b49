"""The analyst's own fix (issue 22): the failing output in an editor; ctrl+s grades the edit with every check of the
run (curator.fix.revisions.propose_edit, in a worker) and shows the character diff and which checks pass. A passing
edit is kept as a proposed SFT example and a preference pair; a failing one stays a draft naming the check."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static, TextArea

from curator.app import actions as _actions  # noqa: F401  (declares the bindings read below)
from curator.app import registry
from curator.app.widgets.fitting_footer import FittingFooter
from curator.app.widgets.literal import literal, one_line
from curator.app.worker_errors import ReportsWorkerFailures
from curator.errors import CuratorError
from curator.fix.revisions import propose_edit
from curator.storage.revisions import RevisionRow

DIFF_CHAR_LIMIT = 20_000
"""Past this many characters on a side, the diff marks the whole texts instead of comparing characters."""


def char_diff(original: str, edited: str) -> Text:
    """The edit against the original, character by character: removed text red and struck, added text green."""
    text = Text()
    if max(len(original), len(edited)) > DIFF_CHAR_LIMIT:
        text.append(literal(original), style="red strike")
        text.append(literal(edited), style="bold green")
        return text
    matcher = difflib.SequenceMatcher(None, original, edited, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            text.append(literal(original[a1:a2]))
            continue
        if a2 > a1:
            text.append(literal(original[a1:a2]), style="red strike")
        if b2 > b1:
            text.append(literal(edited[b1:b2]), style="bold green underline")
    return text


def outcome_text(revision: RevisionRow) -> Text:
    """Kept or draft, then one line per check: ✓ passes, ✗ still fails, · not graded here."""
    if revision.status == "draft":
        text = Text.assemble(("draft: ", "bold yellow"), literal(revision.reason or "a check still fails"))
    else:
        what = f"kept: a proposed SFT example and a preference pair (example {revision.example_id}, {revision.status})"
        text = Text(what, style="bold green")
        if revision.reason:
            text.append(f" · {literal(revision.reason)}", style="yellow")
    text.append(f"\nchanged {revision.change:.1%} of the original's characters")
    for name, (passed, reason) in revision.check_results.items():
        mark, style = ("·", "dim") if passed is None else ("✓", "green") if passed else ("✗", "bold red")
        text.append(f"\n{mark} ", style=style)
        text.append(one_line(name), style="bold")
        text.append(f"  {literal(reason or '')}", style="dim")
    return text


class EditOutputScreen(ReportsWorkerFailures, Screen):
    """Edit one item's output and grade the edit; escape goes back to the item."""

    CSS_PATH = "../../styles/app.tcss"
    DEFAULT_CSS = """
    EditOutputScreen #edit-output { height: 1fr; min-height: 6; }
    EditOutputScreen #edit-results { height: auto; max-height: 50%; padding: 0 1; }
    """
    BINDINGS = registry.bindings("detail.edit")
    ACTION_SCOPES = ("detail.edit",)

    @dataclass
    class EditGraded(Message):
        revision: RevisionRow

    @dataclass
    class EditRefused(Message):
        error: str

    def __init__(self, run_id: int, item_id: str, output: str) -> None:
        super().__init__()
        self.run_id, self.item_id, self.output = run_id, item_id, output
        self.revision: RevisionRow | None = None

    def compose(self) -> ComposeResult:
        title = Text.assemble(
            ("edit the output of item ", "dim"),
            (one_line(self.item_id), "bold"),
            ("  ·  make the smallest change that fixes it; ctrl+s grades and saves it", "dim"),
        )
        yield Static(title, classes="screen-title")
        with Vertical():
            yield TextArea(self.output, id="edit-output", soft_wrap=True)
            with VerticalScroll(id="edit-results"):
                yield Static("", id="edit-outcome")
                yield Static("", id="edit-diff")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.query_one("#edit-output", TextArea).focus()

    def action_save_edit(self) -> None:
        self.query_one("#edit-outcome", Static).update(Text("grading the edit with the run's checks…", style="dim"))
        self._grade(self.query_one("#edit-output", TextArea).text)

    @work(thread=True, exclusive=True, exit_on_error=False, group="edit-output")
    def _grade(self, edited: str) -> None:
        try:
            revision = propose_edit(self.app.workspace, self.run_id, self.item_id, edited)
        except CuratorError as error:
            self.post_message(self.EditRefused(str(error)))
            return
        self.post_message(self.EditGraded(revision))

    @on(EditGraded)
    def _graded(self, message: EditGraded) -> None:
        self.revision = revision = message.revision
        self.query_one("#edit-outcome", Static).update(outcome_text(revision))
        diff = Text("diff: ", style="bold")
        diff.append_text(char_diff(revision.original, revision.revised))
        self.query_one("#edit-diff", Static).update(diff)

    @on(EditRefused)
    def _refused(self, message: EditRefused) -> None:
        self.query_one("#edit-outcome", Static).update(Text(one_line(message.error), style="bold red"))
        self.query_one("#edit-diff", Static).update("")

    def action_close(self) -> None:
        self.dismiss(self.revision.revision_id if self.revision else None)


registry.register_screen("edit_output", "Edit output", EditOutputScreen)
