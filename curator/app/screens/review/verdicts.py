"""Verdict labels in the browser and the detail: the analyst says whether the check under focus got an item right.

`y` labels the verdict pass, `x` fail, `-` clears it; `Y` and `X` ask for a note first; `v` moves the focus to
the next check. In the browser `L` labels every item of the current filter, after a confirmation that says how
many. Labels are written in workers (never DuckDB on the UI thread); the screen is told when one is stored.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual import work
from textual.message import Message

from curator.app.widgets.dialogs import ConfirmDialog, TextPrompt
from curator.app.widgets.item_table import ItemTable
from curator.app.widgets.literal import literal, one_line
from curator.checks.spec import MODEL_GRADED_KINDS
from curator.errors import CuratorError
from curator.review import labels as label_domain
from curator.review.browse import ItemDetail, ItemFilter, describe_filter
from curator.storage.labels import VerdictLabel

VERDICT_WORDS: dict[str, bool | None] = {"pass": True, "fail": False, "clear": None}


@dataclass
class VerdictStored(Message):
    """A label (or a filter's labels) was stored or cleared: `text` says what happened."""

    text: str


@dataclass
class VerdictRefused(Message):
    """The domain refused a label (unknown check, item...): nothing changed."""

    error: str


def _said(passed: bool | None) -> str:
    return "did not grade it" if passed is None else "said pass" if passed else "said fail"


def label_cell(label: VerdictLabel | None, check_passed: bool | None) -> Text:
    """The detail's label column: your verdict, whether the check agrees, and the label's part."""
    if label is None:
        return Text("–", style="dim")
    verdict = "pass" if label.passed else "fail"
    if check_passed is None:
        agreement, style = "not graded", "dim"
    elif check_passed == label.passed:
        agreement, style = "agrees", "green"
    else:
        agreement, style = ("false pass" if check_passed else "false fail"), "bold red"
    return Text.assemble((verdict, "bold"), " · ", (agreement, style), (f" · {label.part}", "dim"))


def checks_table(
    detail: ItemDetail, labels: dict[str, VerdictLabel] | None = None, focused: str | None = None
) -> Table:
    """The item's checks: result, reason, and your label with whether the check agrees (▸ marks the check the
    verdict keys label)."""
    labels = labels or {}
    table = Table(box=None, show_header=True, header_style="bold", expand=True)
    for column in ("check", "kind", "result"):
        table.add_column(column, no_wrap=True)
    table.add_column("your label", no_wrap=True)
    table.add_column("reason", ratio=1)
    for check in detail.checks:
        result = (
            Text("n/a", style="dim")
            if check.passed is None
            else Text("pass", style="bold green")
            if check.passed
            else Text("FAIL", style="bold red")
        )
        name = Text("▸ " if check.name == focused else "  ", style="bold")
        name.append(one_line(check.name), style="bold" if check.name == focused else "")
        kind = Text(check.kind + (" (model)" if check.kind in MODEL_GRADED_KINDS else ""))
        label = label_cell(labels.get(check.name), check.passed)
        table.add_row(name, kind, result, label, Text(literal(check.reason or "")))
    return table


class VerdictKeys:
    """The verdict keys on the screen's current item (the screen supplies `run_id`, `verdict_check_names`,
    `default_verdict_check`, `verdict_target`, `verdicts_changed` and, from LabellingMixin, `queue_write`)."""

    verdict_check: str | None = None
    """The check the keys label (None: the screen's default)."""

    def focused_check(self) -> str | None:
        names = self.verdict_check_names()
        if self.verdict_check in names:
            return self.verdict_check
        return self.default_verdict_check(names) if names else None

    def action_next_verdict_check(self) -> None:
        names = self.verdict_check_names()
        if not names:
            self.notify("this run has no checks to label", timeout=2, markup=False)
            return
        current = self.focused_check()
        self.verdict_check = names[(names.index(current) + 1) % len(names)] if current in names else names[0]
        self.notify(f"y, x and - now label check {one_line(self.verdict_check)}", timeout=2, markup=False)
        self.verdicts_changed()

    def action_label_verdict(self, verdict: str) -> None:
        self._label(verdict, None)

    def action_label_verdict_note(self, verdict: str) -> None:
        check, target = self.focused_check(), self.verdict_target()
        if check is None or target is None:
            self.app.bell()
            return
        title = (
            f"Label {verdict} for check {one_line(check)} on {one_line(target[1])}: note (e.g. why the check is wrong)"
        )
        self.app.push_screen(TextPrompt(title), callback=lambda note: note is not None and self._label(verdict, note))

    def _label(self, verdict: str, note: str | None) -> None:
        check, target = self.focused_check(), self.verdict_target()
        if check is None or target is None:
            self.app.bell()
            return
        ws, run_id, item_id = self.app.workspace, self.run_id, target[1]

        def write() -> Message:
            try:
                if VERDICT_WORDS[verdict] is None:
                    found = label_domain.clear_label(ws, run_id, item_id, check)
                    text = f"{item_id}: label for {check} cleared" if found else f"{item_id} had no label for {check}"
                else:
                    stored = label_domain.set_label(ws, run_id, item_id, check, verdict, note)
                    said = _said(stored.check_passed)
                    text = f"{item_id} labelled {verdict} for {check} ({stored.part} part; the check {said})"
            except CuratorError as error:
                return VerdictRefused(str(error))
            return VerdictStored(text)

        self.queue_write(write)  # in a worker, after the labels and bucket keys pressed before it

    def on_verdict_stored(self, message: VerdictStored) -> None:
        self.notify(one_line(message.text), timeout=3, markup=False)
        self.verdicts_changed()

    def on_verdict_refused(self, message: VerdictRefused) -> None:
        self.notify(one_line(message.error), severity="error", markup=False)


class FilterVerdictKeys(VerdictKeys):
    """The browser's verdict keys: on the highlighted item, and `L` for every item of the filter (the browser
    supplies `items`, `item_filter`, `check_names` and `_show_title`)."""

    def verdict_check_names(self) -> list[str]:
        return self.check_names

    def default_verdict_check(self, names: list[str]) -> str:
        return self.item_filter.failing_check if self.item_filter.failing_check in names else names[0]

    def verdict_target(self) -> tuple[int, str] | None:
        row = self.query_one(ItemTable).current_row
        return (row.item_key, row.item_id) if row else None

    def verdicts_changed(self) -> None:
        self._show_title()

    def verdict_hint(self) -> Text:
        """`  ·  labels: answer (y pass, x fail, v next check)` for the browser's title."""
        check = self.focused_check()
        if check is None:
            return Text()
        return Text.assemble("  ·  labels: ", (one_line(check), "bold"), (" (y pass, x fail, v next check)", "dim"))

    def action_label_all_verdicts(self) -> None:
        check = self.focused_check()
        if self.items is None or not self.items.count or check is None:
            self.notify("no items (or no checks) in this filter: nothing to label", timeout=3, markup=False)
            return
        title = (
            f"Label check {one_line(check)} on all {self.items.count:,} items of this filter: "
            "pass, fail or clear (words after it are the note)"
        )
        items = self.items
        self.app.push_screen(TextPrompt(title), callback=lambda text: self._confirm_all(items, check, text))

    def _confirm_all(self, items, check: str, text: str | None) -> None:
        word, _, note = (text or "").strip().partition(" ")
        if not word:
            return
        verdict = word.lower()
        if verdict not in VERDICT_WORDS:
            self.notify(f"a verdict is pass, fail or clear, not {one_line(word)!r}", severity="error", markup=False)
            return
        what = "Clear the labels" if verdict == "clear" else f"Label {verdict}"
        question = (
            f"{what} for check {check} on all {items.count:,} items matching "
            f"{describe_filter(items.filter)}? (each item's earlier label for the check is replaced)"
        )
        self.app.push_screen(
            ConfirmDialog(question, yes_label=f"{what.split()[0]} {items.count:,} items"),
            callback=lambda yes: yes and self._label_all(items.filter, check, verdict, note.strip() or None),
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="verdict-filter")
    def _label_all(self, item_filter: ItemFilter, check: str, verdict: str, note: str | None) -> None:
        try:
            count = label_domain.label_filter(self.app.workspace, item_filter, check, VERDICT_WORDS[verdict], note)
        except CuratorError as error:
            self.post_message(VerdictRefused(f"nothing labelled: {error}"))
            return
        done = "cleared" if verdict == "clear" else f"labelled {verdict}"
        self.post_message(VerdictStored(f"{done} for check {check}: {count:,} item(s)"))
