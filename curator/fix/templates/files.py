"""Templates written by hand in a TOML (or JSON) file."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from curator.errors import BadInputError
from curator.fix.templates.spec import TemplateSpec, spec_from_dict


def load_template_file(path: Path | str, name: str | None = None) -> TemplateSpec:
    """A template from `path` (keys: name, input, target, slots, zipped, variants, synonyms, max_examples)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BadInputError(path, "no such file") from None
    try:
        raw = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as error:
        raise BadInputError(path, f"cannot be parsed: {error}") from None
    return spec_from_dict(raw, name or raw.get("name") or path.stem)
