"""A child's job description as one JSON file: the parent saves it, the child loads it (unknown keys ignored)."""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from pathlib import Path
from typing import Self


class JsonJobFile:
    """Mixin for a dataclass that travels to a child process as a JSON file."""

    @classmethod
    def load(cls, path: Path) -> Self:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def save(self, path: Path) -> Path:
        Path(path).write_text(json.dumps(asdict(self), indent=2), encoding="utf-8")
        return Path(path)
