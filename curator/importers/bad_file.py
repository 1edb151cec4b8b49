"""BadFileError: a problem with a whole file or one sample of a log, where there is no line to point at."""

from __future__ import annotations

from pathlib import Path

from curator.errors import BadInputError


class BadFileError(BadInputError):
    """Reads `PATH: problem`, or `PATH: sample 3, field 'F': problem`, rather than naming a line that does not exist."""

    def __init__(self, path: Path | str, problem: str, field: str | None = None, where: str | None = None):
        super().__init__(path, problem, field=field)
        parts = [part for part in (where, f"field '{field}'" if field else None) if part]
        self.args = (f"{self.path}: {', '.join(parts) + ': ' if parts else ''}{problem}",)
