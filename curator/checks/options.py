"""The options each check kind takes, their defaults, and the checks on their values."""

from __future__ import annotations

import json
import math
import re
import stat
from pathlib import Path

from curator.checks import regex_rules, schema_rules

# Options each rule kind (graded by a rule, no model) accepts, with their defaults (None: optional; REQUIRED: must
# be given). checks/spec.py adds the model-graded kinds (judge, learned) to these in its KIND_OPTIONS.
REQUIRED = object()
RULE_OPTIONS: dict[str, dict[str, object]] = {
    "regex": {"pattern": REQUIRED, "ignore_case": False},
    "regex_absent": {"pattern": REQUIRED, "ignore_case": False},
    "tag_present": {"tag": REQUIRED},
    "tag_absent": {"tag": REQUIRED},
    "exact": {"ignore_case": True, "normalize_whitespace": True},
    "numeric": {"tolerance": 1e-6, "relative_tolerance": None},
    "semantic_map": {"groups": REQUIRED, "within_tag": None},
    "json_schema": {"schema": None, "schema_file": None},
}
_TAG_NAME = re.compile(r"[A-Za-z_][\w.:-]*\Z")
MAX_SCHEMA_FILE_BYTES = 1_000_000  # a schema file is read whole and stored with the run


class OptionProblem(Exception):
    """An option value that cannot be used: which key and why."""

    def __init__(self, key: str, text: str):
        super().__init__(text)
        self.key, self.text = key, text


def string_problem(value) -> str | None:
    return None if isinstance(value, str) and value else "must be a non-empty string"


def _need_bool(options: dict, key: str) -> None:
    if not isinstance(options[key], bool):
        raise OptionProblem(key, f"must be true or false, not {options[key]!r}")


def _check_regex(options: dict, base: Path, resolve: bool) -> dict:
    _need_bool(options, "ignore_case")
    problem = string_problem(options["pattern"]) or regex_rules.regex_problem(
        options["pattern"], ignore_case=options["ignore_case"]
    )
    if problem:
        raise OptionProblem("pattern", problem)
    return options


def _check_tag(options: dict, base: Path, resolve: bool) -> dict:
    tag = options["tag"]
    if not isinstance(tag, str) or not _TAG_NAME.match(tag):
        raise OptionProblem("tag", f"must be a tag name such as 'display_weather' (no angle brackets), not {tag!r}")
    return options


def _check_exact(options: dict, base: Path, resolve: bool) -> dict:
    _need_bool(options, "ignore_case")
    _need_bool(options, "normalize_whitespace")
    return options


def _check_numeric(options: dict, base: Path, resolve: bool) -> dict:
    for key in ("tolerance", "relative_tolerance"):
        value = options.get(key)
        if value is not None and not finite_number(value, at_least=0):
            raise OptionProblem(key, f"must be a finite number >= 0, not {value!r}")
    return options


def _check_semantic_map(options: dict, base: Path, resolve: bool) -> dict:
    groups = options["groups"]
    if not isinstance(groups, list) or not groups:
        raise OptionProblem("groups", 'must be a list of {words = [...], token = "..."} tables')
    for number, group in enumerate(groups, start=1):
        if not isinstance(group, dict) or set(group) != {"words", "token"}:
            raise OptionProblem("groups", f"group {number} must have exactly 'words' and 'token'")
        words, token = group["words"], group["token"]
        if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
            raise OptionProblem("groups", f"group {number}: 'words' must be a non-empty list of non-empty strings")
        if not isinstance(token, str) or not token:
            raise OptionProblem("groups", f"group {number}: 'token' must be a non-empty string")
    within = options.get("within_tag")
    if within is not None and (not isinstance(within, str) or not _TAG_NAME.match(within)):
        raise OptionProblem("within_tag", f"must be a tag name such as 'display_weather', not {within!r}")
    return options


def _check_json_schema(options: dict, base: Path, resolve: bool) -> dict:
    schema, schema_file = options.get("schema"), options.get("schema_file")
    key = "schema" if schema_file is None else "schema_file"
    if schema_file is not None and (not isinstance(schema_file, str) or not schema_file):
        raise OptionProblem("schema_file", "must be a path (relative to the spec file)")
    if resolve:
        if (schema is None) == (schema_file is None):
            raise OptionProblem("schema", "give exactly one of 'schema' (an inline table) or 'schema_file'")
        if schema_file is not None:
            schema = _read_schema_file(base, schema_file)
            options = {**options, "schema": schema}
    elif schema is None:
        raise OptionProblem("schema", "a json_schema check needs 'schema' (an inline table)")
    if not isinstance(schema, dict):
        raise OptionProblem(key, "the schema must be a JSON object")
    problem = schema_rules.schema_problem(schema)
    if problem:
        raise OptionProblem(key, problem)
    return options


def finite_number(value, at_least: float) -> bool:
    """A real int or float (not a bool), finite, and at least `at_least`."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value) and value >= at_least


def _read_schema_file(base: Path, name: str) -> dict:
    """The JSON of a regular file inside the spec's folder (symlinks resolved), at most MAX_SCHEMA_FILE_BYTES."""
    folder = base.resolve()
    try:
        path = (folder / name).resolve()
    except (OSError, RuntimeError) as error:  # RuntimeError: a symlink loop
        raise OptionProblem("schema_file", f"cannot resolve {name!r}: {error}") from None
    if not path.is_relative_to(folder):
        raise OptionProblem("schema_file", f"{name!r} is outside the spec's folder {folder}")
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise OptionProblem("schema_file", f"{name!r} is not a regular file")
        if info.st_size > MAX_SCHEMA_FILE_BYTES:
            raise OptionProblem("schema_file", f"{name!r} is larger than {MAX_SCHEMA_FILE_BYTES:,} bytes")
        with path.open("rb") as handle:
            data = handle.read(MAX_SCHEMA_FILE_BYTES + 1)
    except OSError as error:
        raise OptionProblem("schema_file", f"cannot read {name!r}: {error.strerror or error}") from None
    if len(data) > MAX_SCHEMA_FILE_BYTES:  # grew after stat
        raise OptionProblem("schema_file", f"{name!r} is larger than {MAX_SCHEMA_FILE_BYTES:,} bytes")
    try:
        return json.loads(data.decode("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise OptionProblem("schema_file", f"{name!r} is not JSON: {error}") from None
    except RecursionError:
        raise OptionProblem("schema_file", f"{name!r} nests too deeply to read") from None


RULE_OPTION_CHECKS = {
    "regex": _check_regex,
    "regex_absent": _check_regex,
    "tag_present": _check_tag,
    "tag_absent": _check_tag,
    "exact": _check_exact,
    "numeric": _check_numeric,
    "semantic_map": _check_semantic_map,
    "json_schema": _check_json_schema,
}
