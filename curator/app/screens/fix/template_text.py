"""The template editor's text helpers: slot names from a span, the preview, written-out control characters, the
generate count, and the text box where `s` over a selection makes a slot."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import TextArea

from curator.app.widgets.literal import literal, one_line
from curator.errors import CuratorError
from curator.fix.templates import TemplateRenderer
from curator.fix.templates.authoring import fixed_span_warnings
from curator.fix.templates.spec import TemplateSpec

PREVIEW_COUNT = 3
PREVIEW_DELAY_S = 0.25
PREVIEW_LIMIT_S = 5.0  # all preview renders together; a newer keystroke abandons them sooner
DEFAULT_GENERATE = 5
MAX_GENERATE = 10_000


def split_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def slot_name_for(span: str) -> str:
    """A slot name suggested by the selected text: `Sunny!` -> `sunny`."""
    cleaned = "".join(c if c.isalnum() else "_" for c in span.strip().lower()).strip("_") or "slot"
    return cleaned if cleaned.isidentifier() else f"slot_{cleaned}"


def preview_text(spec: TemplateSpec) -> Text:
    """A few rendered examples and the size of the slot product (raises on any template error)."""
    renderer = TemplateRenderer(spec)
    examples, _ = renderer.sample(PREVIEW_COUNT, seed=0)
    text = Text(f"{renderer.total:,} distinct examples possible\n", style="bold")
    for warning in fixed_span_warnings(spec):
        text.append(f"! {one_line(warning)}\n", style="yellow")
    for example in examples:
        text.append(f"\n[{example.variant}] ", style="dim")
        text.append(one_line(example.input))
        text.append("\n  → ", style="dim")
        text.append(one_line(example.target))
    return text


def with_controls_written_out(spec: TemplateSpec) -> tuple[TemplateSpec, bool]:
    """The spec with control characters in its texts written out (`\\x1b`): a text box would send them to the
    terminal raw, and invisible escapes do not belong in training data. Second value: whether any were."""
    shown = dataclasses.replace(spec, input=literal(spec.input), target=literal(spec.target))
    return shown, (shown.input, shown.target) != (spec.input, spec.target)


def generate_count(answer: str) -> int:
    """How many examples the analyst asked for; a clear error when it is not a whole number in range."""
    try:
        count = int(answer.strip())
    except ValueError:
        raise CuratorError(f"'{answer.strip()}' is not a whole number of examples") from None
    if not 1 <= count <= MAX_GENERATE:
        raise CuratorError(f"generate between 1 and {MAX_GENERATE:,} examples (got {count})")
    return count


class SlotTextArea(TextArea):
    """A text box where `s` over a selection makes a slot of it (`z` pairs it with other spans) instead of typing
    over it."""

    @dataclass
    class SlotRequested(Message):
        text_area: SlotTextArea
        span: str
        paired: bool = False

    def on_key(self, event: events.Key) -> None:
        """Runs before the text box's own key handling; `prevent_default` keeps the key from being typed."""
        if event.character in ("s", "z") and self.selected_text:
            event.stop()
            event.prevent_default()
            self.post_message(self.SlotRequested(self, self.selected_text, paired=event.character == "z"))
