"""Reading a checks TOML file: the one place its text is read and parsed, and the error that says where it fails.

The `[[check]]` records (checks/spec.py) and the `[rewards]` table (checks/reward_table.py) of the same file are
read through these, so a missing file or a TOML mistake reads the same whichever part of Curator meets it first.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from curator.errors import BadInputError

_AT_LINE = re.compile(r"\(at line (\d+), column \d+\)")


class CheckSpecError(BadInputError):
    """A check spec that cannot be used: names the file, the line, the `[[check]]` record and the field."""

    def __init__(
        self, path, problem: str, *, record: str | None = None, line: int | None = None, field: str | None = None
    ):
        super().__init__(path, problem, line=line, field=field)
        self.record_label = record
        parts = [
            f"line {line}" if line is not None else None,
            f"record {record}" if record else None,
            f"field '{field}'" if field else None,
        ]
        where = ", ".join(p for p in parts if p)
        message = f"{self.path}: {where + ': ' if where else ''}{problem}"
        # names and values come from the user's file: control characters and bidi overrides shown escaped
        self.args = ("".join(char if char.isprintable() else repr(char)[1:-1] for char in message),)


def read_spec_file(path: Path | str) -> str:
    """The text of a checks file; CheckSpecError when it cannot be read as UTF-8."""
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise CheckSpecError(path, f"cannot read the check spec: {reason}") from None


def parse_toml(text: str, origin: Path | str) -> dict:
    """The TOML document in `text`; CheckSpecError names the line of a syntax error."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = _AT_LINE.search(str(error))
        problem = f"not valid TOML: {str(error).split(' (at line')[0]}"
        raise CheckSpecError(origin, problem, line=int(found.group(1)) if found else None) from None
    except RecursionError:  # tomllib parses nested tables and arrays recursively
        raise CheckSpecError(origin, "not valid TOML Curator can read: tables or arrays nested too deeply") from None
