"""Rendering user-written templates safely: Jinja2 in a sandbox, every failure turned into one clear line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError, meta
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from curator.templates.spec import TemplateError

_TAG = re.compile(r"</?[A-Za-z_][\w-]*\s*/?>")
_UNDEFINED_NAME = re.compile(r"'([^']+)' is undefined")


def no_tags(text: str) -> str:
    """The text without `<tag>` / `</tag>` markers (for no-tag variants)."""
    return _TAG.sub("", str(text))


def markup(text: str) -> str:
    """The text as an upper-case pseudo-tag, e.g. `<SUNNY>`."""
    return f"<{str(text).upper()}>"


@lru_cache(maxsize=1)
def environment() -> SandboxedEnvironment:
    """The one sandboxed environment: undefined names are errors, no autoescaping, perturbation filters added."""
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
    env.filters.update(no_tags=no_tags, markup=markup)
    return env


@dataclass(frozen=True)
class CompiledText:
    """One field of one template variant, compiled once and rendered many times."""

    template_name: str
    field: str
    source: str
    compiled: object

    def render(self, values: dict) -> str:
        try:
            return self.compiled.render(values)
        except SecurityError as error:
            raise self.error(str(error).rstrip(".")) from None
        except UndefinedError as error:
            raise self.error(_undefined_message(str(error))) from None
        except Exception as error:  # noqa: BLE001 - any failure of user code becomes one clear line
            raise self.error(f"{type(error).__name__}: {error}") from None

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
