"""The reviser's prompts (sandboxed Jinja templates the analyst may replace) and how much a revision changes.

The critique template sees `principles`, `input`, `output`, `failures` (one `- check: reason` line per failing
check) and `reasons` ({check: reason}); the revision template sees the same and `critique`. They render in the
template sandbox (`sandbox/engine.py`): no attribute tricks, bounded loops, sizes and time.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from curator.errors import BadInputError
from curator.sandbox.engine import CompiledText, compile_text

DEFAULT_PRINCIPLES = (
    "Fix only what the failing checks name. Keep every other word, tag and character exactly as it is: "
    "the smallest change that makes the answer right."
)
DEFAULT_CRITIQUE = """You review an assistant's answer.

Principles:
{{ principles }}

Request:
{{ input }}

Answer:
{{ output }}

Automatic checks found these problems:
{{ failures }}

In two or three sentences, say what is wrong with the answer and what the smallest fix is."""
DEFAULT_REVISION = """Rewrite the assistant's answer with the smallest change that fixes it.

Principles:
{{ principles }}

Request:
{{ input }}

Answer:
{{ output }}

Problems:
{{ failures }}

Review:
{{ critique }}

Write only the corrected answer, nothing else."""
CRITIQUE_NAMES = ["principles", "input", "output", "failures", "reasons"]
REVISION_NAMES = [*CRITIQUE_NAMES, "critique"]
MAX_TEXT_FILE_BYTES = 64_000  # a template or principles file: a prompt, not a corpus
# Above this many characters on a side, change is measured over words (difflib over characters is quadratic).
CHAR_LIMIT = 5_000


def read_text_file(path: Path | str, what: str) -> str:
    """A small UTF-8 text file (a template or the principles); one line naming the file otherwise."""
    path = Path(path)
    if not path.is_file():
        raise BadInputError(path, f"no such {what} file")
    if path.stat().st_size > MAX_TEXT_FILE_BYTES:
        raise BadInputError(path, f"a {what} file must be at most {MAX_TEXT_FILE_BYTES:,} bytes")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise BadInputError(path, f"not UTF-8 text (byte {error.start})") from None
    if not text.strip():
        raise BadInputError(path, f"the {what} file is empty")
    return text


@dataclass(frozen=True)
class RevisionPrompts:
    """The two compiled templates and the principles they are given."""

    critique: CompiledText
    revision: CompiledText
    principles: str

    @classmethod
    def build(
        cls, critique_source: str | None = None, revision_source: str | None = None, principles: str | None = None
    ) -> RevisionPrompts:
        """Compile the templates (the defaults where None); syntax errors and unknown names fail here."""
        return cls(
            compile_text("critique", "critique", critique_source or DEFAULT_CRITIQUE, CRITIQUE_NAMES),
            compile_text("revision", "revision", revision_source or DEFAULT_REVISION, REVISION_NAMES),
            (principles or DEFAULT_PRINCIPLES).strip(),
        )

    def values(self, item: dict) -> dict:
        reasons = dict(item["reasons"])
        failures = "\n".join(f"- {name}: {reason}" for name, reason in reasons.items())
        return {
            "principles": self.principles,
            "input": item["input"] or "",
            "output": item["output"] or "",
            "failures": failures,
            "reasons": reasons,
        }

    def critique_prompt(self, item: dict) -> str:
        """The critique prompt of one item (TemplateError, one line, when the template fails)."""
        return self.critique.render(self.values(item))

    def revision_prompt(self, item: dict, critique: str) -> str:
        return self.revision.render(self.values(item) | {"critique": critique.strip()})

    def settings(self) -> dict:
        """What to store with a revise set so it can be told apart and repeated."""
        return {
            "principles": self.principles,
            "critique_template": self.critique.source,
            "revision_template": self.revision.source,
        }


def change_share(original: str, revised: str) -> float:
    """How much of the text changed: 1 - difflib's ratio (0 the same, 1 nothing in common); over characters, or
    over words when either side is long."""
    if original == revised:
        return 0.0
    a, b = (original, revised) if max(len(original), len(revised)) <= CHAR_LIMIT else _words(original, revised)
    return round(1.0 - difflib.SequenceMatcher(None, a, b, autojunk=False).ratio(), 4)


def _words(original: str, revised: str) -> tuple[list[str], list[str]]:
    return original.split(" "), revised.split(" ")


def inline_diff(original: str, revised: str) -> str:
    """The revision as one string with what it removed in `[-…-]` and what it added in `{+…+}`."""
    if max(len(original), len(revised)) > CHAR_LIMIT:
        return f"[-{original}-]{{+{revised}+}}"
    parts = []
    matcher = difflib.SequenceMatcher(None, original, revised, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(original[a1:a2])
            continue
        if a2 > a1:
            parts.append(f"[-{original[a1:a2]}-]")
        if b2 > b1:
            parts.append(f"{{+{revised[b1:b2]}+}}")
    return "".join(parts)
