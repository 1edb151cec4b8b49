"""Rendering user-written templates safely: Jinja2 in a sandbox, every failure turned into one clear line."""

from __future__ import annotations

import re
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache

from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError, meta
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from curator.fix.templates.spec import TemplateError

MAX_ITEMS = 100_000  # longest string/list a `*` may build
MAX_RANGE = 10_000  # most numbers one range() may yield
MAX_POWER_BITS = 10_000  # biggest integer (in bits) a `**` may build
MAX_RANGE_STEPS = 100_000  # numbers all range() calls of one render may yield together (bounds nested loops)
_range_steps_left: ContextVar[int] = ContextVar("range_steps_left", default=MAX_RANGE_STEPS)

_TAG = re.compile(r"</?[A-Za-z_][\w-]*\s*/?>")
_UNDEFINED_NAME = re.compile(r"'([^']+)' is undefined")


def no_tags(text: str) -> str:
    """The text without `<tag>` / `</tag>` markers (for no-tag variants)."""
    return _TAG.sub("", str(text))


def markup(text: str) -> str:
    """The text as an upper-case pseudo-tag, e.g. `<SUNNY>`."""
    return f"<{str(text).upper()}>"


def _too_large(what: str) -> SecurityError:
    return SecurityError(f"{what} too large")


class _LimitedRange:
    """range() capped at MAX_RANGE numbers per call and MAX_RANGE_STEPS per render, so nested loops stay bounded."""

    def __init__(self, *args: int):
        self.numbers = range(*args)
        if len(self.numbers) > MAX_RANGE:
            raise _too_large(f"range of {len(self.numbers):,} numbers (at most {MAX_RANGE:,}) is")

    def __len__(self) -> int:
        return len(self.numbers)

    def __iter__(self):
        for number in self.numbers:
            left = _range_steps_left.get() - 1
            if left < 0:
                raise _too_large(f"loops over more than {MAX_RANGE_STEPS:,} range() numbers in one render are")
            _range_steps_left.set(left)
            yield number


class LimitedSandbox(SandboxedEnvironment):
    """The Jinja2 sandbox with size caps on `*` and `**` so a template cannot allocate gigabytes."""

    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context, operator, left, right):
        if operator == "*":
            _check_repeat(left, right)
            _check_repeat(right, left)
        elif operator == "**" and isinstance(left, int) and isinstance(right, int) and right > 0:
            if abs(left) > 1 and right * max(abs(left).bit_length(), 1) > MAX_POWER_BITS:
                raise _too_large(f"{left} ** {right} is")
        return super().call_binop(context, operator, left, right)


def _check_repeat(sequence, count) -> None:
    if isinstance(sequence, (str, list, tuple, bytes)) and isinstance(count, int):
        if len(sequence) * count > MAX_ITEMS:
            raise _too_large(
                f"a repeated {type(sequence).__name__} of {len(sequence) * count:,} items (at most {MAX_ITEMS:,}) is"
            )


@lru_cache(maxsize=1)
def environment() -> SandboxedEnvironment:
    """The one sandboxed environment: undefined names are errors, no autoescaping, size caps, perturbation filters."""
    env = LimitedSandbox(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
    env.filters.update(no_tags=no_tags, markup=markup)
    env.globals["range"] = _LimitedRange
    return env


@dataclass(frozen=True)
class CompiledText:
    """One field of one template variant, compiled once and rendered many times."""

    template_name: str
    field: str
    source: str
    compiled: object

    def render(self, values: dict) -> str:
        budget = _range_steps_left.set(MAX_RANGE_STEPS)
        try:
            return self.compiled.render(values)
        except SecurityError as error:
            raise self.error(str(error).rstrip(".")) from None
        except UndefinedError as error:
            raise self.error(_undefined_message(str(error))) from None
        except Exception as error:  # noqa: BLE001 - any failure of user code becomes one clear line
            raise self.error(f"{type(error).__name__}: {error}") from None
        finally:
            _range_steps_left.reset(budget)

    def error(self, problem: str, line: int | None = None) -> TemplateError:
        return TemplateError(self.template_name, problem, field=self.field, line=line)


def _undefined_message(message: str) -> str:
    match = _UNDEFINED_NAME.search(message)
    return f"undefined slot '{match.group(1)}'" if match else message


def compile_text(template_name: str, field: str, source: str, slot_names: list[str]) -> CompiledText:
    """Compile one field; syntax errors and names that are not slots fail here, before any rendering."""
    env = environment()
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as error:
        raise TemplateError(template_name, f"syntax error: {error.message}", field=field, line=error.lineno) from None
    unknown = sorted(meta.find_undeclared_variables(tree) - set(slot_names) - set(env.globals))
    if unknown:
        raise TemplateError(template_name, f"undefined slot '{unknown[0]}'", field=field)
    return CompiledText(template_name, field, source, env.from_string(source))
