"""One item in detail: input, target and output side by side with the word diff, checks, labels, metadata."""

from __future__ import annotations

import json
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Static

from curator.app import actions as _actions  # noqa: F401  (declares the bindings read below)
from curator.app import registry
from curator.app.screens.review.edit_output import EditOutputScreen
from curator.app.screens.review.labelling import LabellingMixin, RecentBuckets
from curator.app.screens.review.verdicts import VerdictKeys, checks_table
from curator.app.widgets.fitting_footer import FittingFooter
from curator.app.widgets.literal import DEFAULT_LIMIT, clipped, literal, one_line
from curator.app.widgets.tag_wrap import tag_safe_wrap
from curator.app.worker_errors import ReportsWorkerFailures
from curator.review import browse
from curator.review.browse import ItemDetail, ItemFilter, describe_filter, word_diff
from curator.review.label_views import item_labels
from curator.storage.buckets import BucketRow
from curator.storage.labels import VerdictLabel

NARROW_WIDTH = 110
DIFF_STYLES = {
    "equal": "",
    "delete": "bold red underline",
    "insert": "bold green underline",
    "delete-same": "red",
    "insert-same": "green",
}
EXPAND_STEP = 50_000
"""Characters each press of `e` adds to what is shown of a long text."""
EXPAND_CAP = 200_000
"""The most of one text the detail shows: past it, e goes back to the short view (the rest stays in the store)."""


def pane_text(pieces: list[tuple[str, str]], hidden: int, shown: int = DEFAULT_LIMIT, width: int = 0) -> Text:
    """Literal text with the diff pieces styled, wrapped without cutting tags, and a line on what was left out."""
    text = Text()
    for piece, tag in pieces:
        text.append(literal(piece), style=DIFF_STYLES[tag])
    text = tag_safe_wrap(text, width)
    if hidden:
        if shown >= EXPAND_CAP:
            more = f"\n… {hidden:,} more characters not shown (the detail shows at most {EXPAND_CAP:,}; e: shorter)"
        else:
            more = f"\n… {hidden:,} more characters (e: show {min(EXPAND_STEP, hidden):,} more)"
        text.append(more, style="dim italic")
    return text


def labels_text(detail: ItemDetail) -> Text:
    text = Text("buckets: ", style="bold")
    text.append(one_line(", ".join(b.name for b in detail.buckets)) or "none", style="" if detail.buckets else "dim")
    for note in detail.notes:
        text.append("\nnote: ", style="bold")
        text.append(literal(note.text))
    return text


def metadata_text(detail: ItemDetail) -> Text:
    item = detail.item
    shown = {"item_id": item.item_id, "split": item.split, "source_line": item.source_line, **item.metadata}
    return Text(literal(json.dumps(shown, ensure_ascii=False, indent=1, default=str)))


class DetailScreen(ReportsWorkerFailures, VerdictKeys, LabellingMixin, Screen):
    """An item of the current filter; j/k (n/p) move through the filter without going back to the table."""

    CSS_PATH = "../../styles/app.tcss"
    BINDINGS = registry.bindings("detail", "verdicts", "labelling")
    ACTION_SCOPES = ("detail", "verdicts", "labelling")

    shown_chars: reactive[int] = reactive(DEFAULT_LIMIT)
    """How many characters of each long text are shown (e adds EXPAND_STEP up to EXPAND_CAP, then starts over)."""

    @dataclass
    class DetailLoaded(Message):
        detail: ItemDetail
        position: int
        count: int
        labels: dict[str, VerdictLabel]

    @dataclass
    class NeighbourFound(Message):
        item_key: int | None
        forward: bool

    def __init__(self, run_id: int, item_key: int, item_filter: ItemFilter, verdict_check: str | None = None) -> None:
        super().__init__()
        self.run_id = run_id
        self.item_key = item_key
        self.item_filter = item_filter
        self.verdict_check = verdict_check
        self.detail: ItemDetail | None = None
        self.labels: dict[str, VerdictLabel] = {}
        self.recent: list[BucketRow] = []
        self.position = (0, 0)
        self._pane_width = 0

    def compose(self) -> ComposeResult:
        yield Static("", id="detail-title", classes="screen-title")
        with VerticalScroll(id="detail-body"):
            yield Static("", id="detail-checks")
            yield Static("", id="detail-labels")
            with Horizontal(id="panes"):
                for name in ("input", "target", "output"):
                    with Vertical(classes="pane", id=f"pane-{name}"):
                        yield Static(Text(name, style="bold"), classes="pane-title")
                        yield Static("", id=f"text-{name}", classes="pane-text")
            yield Static("", id="detail-metadata")
        yield RecentBuckets(id="recent-buckets")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.load_recent_buckets()
        self.load_item(self.item_key)

    def on_resize(self) -> None:
        self.query_one("#panes").set_class(self.size.width < NARROW_WIDTH, "narrow")
        self.call_after_refresh(self._rewrap)

    def _rewrap(self) -> None:
        """Wrap the panes again when their width changed (the wrapping keeps tags whole)."""
        width = self.query_one("#text-output").content_region.width
        if width != self._pane_width:
            self._render_detail()

    @work(thread=True, exclusive=True, exit_on_error=False, group="detail")
    def load_item(self, item_key: int) -> None:
        ws = self.app.workspace
        detail = browse.item_detail(ws, self.run_id, item_key)
        position, count = browse.filter_position(ws, self.item_filter, item_key)
        self.post_message(self.DetailLoaded(detail, position, count, item_labels(ws, self.run_id, item_key)))

    @on(DetailLoaded)
    def _loaded(self, message: DetailLoaded) -> None:
        self.detail, self.labels = message.detail, message.labels
        self.item_key = message.detail.item.item_key
        self.position = (message.position, message.count)
        self._render_detail()

    def _render_detail(self) -> None:
        detail = self.detail
        if detail is None:
            return
        item = detail.item
        limit = self.shown_chars
        position, count = self.position
        title = Text.assemble(
            ("item ", "dim"),
            (one_line(item.item_id), "bold"),
            (f"  {position:,}/{count:,}" if count else "", "bold"),
            f"  ·  {item.split}  ·  ",
            (one_line(describe_filter(self.item_filter)), "italic"),
            "  ·  j/k: next/previous",
        )
        self.query_one("#detail-title", Static).update(title)
        widths = {name: self.query_one(f"#text-{name}").content_region.width for name in ("input", "target", "output")}
        self._pane_width = width = widths["output"]
        input_text, input_hidden = clipped(item.input, limit)
        target_text, target_hidden = clipped(item.target, limit)
        output_text, output_hidden = clipped(item.output, limit)
        target_pieces, output_pieces = (
            word_diff(target_text, output_text) if item.target is not None else ([], [(output_text, "equal")])
        )
        self.query_one("#text-input", Static).update(
            pane_text([(input_text, "equal")], input_hidden, limit, widths["input"])
        )
        self.query_one("#text-target", Static).update(
            pane_text(target_pieces, target_hidden, limit, widths["target"])
            if item.target is not None
            else Text("(no target)", style="dim")
        )
        self.query_one("#text-output", Static).update(pane_text(output_pieces, output_hidden, limit, width))
        self.query_one("#detail-checks", Static).update(checks_table(detail, self.labels, self.focused_check()))
        self.query_one("#detail-labels", Static).update(labels_text(detail))
        self.query_one("#detail-metadata", Static).update(metadata_text(detail))
        if not width:
            self.call_after_refresh(self._rewrap)

    def watch_shown_chars(self) -> None:
        self._render_detail()

    def action_toggle_expand(self) -> None:
        """Show EXPAND_STEP more characters of the long texts, up to EXPAND_CAP; past that, the short view again."""
        item = self.detail.item if self.detail else None
        longest = max((len(t or "") for t in (item.input, item.target, item.output)), default=0) if item else 0
        if longest <= self.shown_chars or self.shown_chars >= EXPAND_CAP:
            self.shown_chars = DEFAULT_LIMIT
        else:
            self.shown_chars = min(EXPAND_CAP, self.shown_chars + EXPAND_STEP)

    def action_start_template(self) -> None:
        self.app.start_template(self.run_id, self.item_key)

    def action_more_like_this(self) -> None:
        if self.detail is not None:
            self.app.more_like_this(self.run_id, self.item_key, self.detail.item.item_id)

    def action_next_item(self) -> None:
        self._find_neighbour(self.item_key, True)

    def action_previous_item(self) -> None:
        self._find_neighbour(self.item_key, False)

    @work(thread=True, exclusive=True, exit_on_error=False, group="detail")
    def _find_neighbour(self, item_key: int, forward: bool) -> None:
        self.post_message(
            self.NeighbourFound(browse.neighbour(self.app.workspace, self.item_filter, item_key, forward), forward)
        )

    @on(NeighbourFound)
    def _neighbour_found(self, message: NeighbourFound) -> None:
        if message.item_key is None:
            where = "last" if message.forward else "first"
            self.notify(f"{where} item of the filter", timeout=2, markup=False)
            return
        self.item_key = message.item_key
        self.load_item(message.item_key)

    def current_item_key(self) -> int | None:
        return self.item_key

    def labels_changed(self) -> None:
        self.load_item(self.item_key)

    def verdict_check_names(self) -> list[str]:
        return [c.name for c in self.detail.checks] if self.detail else []

    def default_verdict_check(self, names: list[str]) -> str:
        """The filter's failing check, else the first check the item fails, else the first check."""
        if self.item_filter.failing_check in names:
            return self.item_filter.failing_check
        failing = [c.name for c in self.detail.checks if c.passed is False] if self.detail else []
        return failing[0] if failing else names[0]

    def verdict_target(self) -> tuple[int, str] | None:
        return (self.item_key, self.detail.item.item_id) if self.detail else None

    def verdicts_changed(self) -> None:
        self._render_detail()
        self.load_item(self.item_key)

    def action_edit_output(self) -> None:
        """The output in an editor, to fix it by hand (held-out items are refused: never training data)."""
        item = self.detail.item if self.detail else None
        if item is None or item.output is None:
            self.notify("this item has no output to edit", timeout=3, markup=False)
        elif item.split == "held_out":
            self.notify(f"{item.item_id} is held out: its outputs are never edited into training data", markup=False)
        else:
            screen = EditOutputScreen(self.run_id, item.item_id, item.output)
            self.app.push_screen(screen, callback=lambda _revision: self.load_item(self.item_key))

    def action_back(self) -> None:
        self.dismiss(self.item_key)


registry.register_screen("detail", "Item detail", DetailScreen)
