"""Domain errors: each carries one line a user can act on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class CuratorError(Exception):
    """An error whose message is fit to show a user as is."""


class WorkspaceLockedError(CuratorError):
    """The workspace is already open for writing in another process."""


class NotFoundError(CuratorError):
    """A named run, bucket, template or dataset does not exist."""


@dataclass
class BadRecord:
    """Where a bad input record is and what is wrong with it."""

    line: int | None
    field: str | None
    problem: str

    def describe(self) -> str:
        """'line 3, field 'output': problem', or just the problem when it concerns the whole file."""
        where = [f"line {self.line}"] if self.line is not None else []
        if self.field:
            where.append(f"field '{self.field}'")
        return f"{', '.join(where)}: {self.problem}" if where else self.problem


class BadInputError(CuratorError):
    """An input file cannot be used; names the file, the line or record, and the field."""

    def __init__(self, path: Path | str, problem: str, line: int | None = None, field: str | None = None):
        self.path = Path(path)
        self.record = BadRecord(line=line, field=field, problem=problem)
        super().__init__(f"{self.path}: {self.record.describe()}")

    @property
    def line(self) -> int | None:
        return self.record.line

    @property
    def field(self) -> str | None:
        return self.record.field
