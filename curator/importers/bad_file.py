"""BadFileError: a problem with a whole file or one sample of a log, where there is no line to point at."""

from __future__ import annotations

import re
from pathlib import Path

from curator.errors import BadInputError

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
SHOWN_CHARS = 80


def visible(text: str) -> str:
    """Text from a file as it may appear in a one-line message: control characters escaped, long text cut."""
    text = CONTROL.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), str(text))
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"


def shown(text: str) -> str:
    """A name from a file, quoted, for a message."""
    return f"'{visible(text)}'"


class BadFileError(BadInputError):
    """Reads `PATH: problem`, or `PATH: sample 3, field 'F': problem`, rather than naming a line that does not exist."""

    def __init__(self, path: Path | str, problem: str, field: str | None = None, where: str | None = None):
        super().__init__(path, problem, field=field)
        parts = [visible(part) for part in (where, f"field '{field}'" if field else None) if part]
        self.args = (f"{self.path}: {', '.join(parts) + ': ' if parts else ''}{problem}",)
