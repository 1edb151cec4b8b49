"""Rendering user-written templates safely: Jinja2 in a sandbox, every failure turned into one clear line.

A template is untrusted code. Limits that hold inside one render:
- wall clock (`deadline`): the generated code checks the deadline at the top of every block (each loop iteration,
  macro body, branch) and the sandbox on every call, so loops and recursion stop at the limit;
- size (`size_limits`): every way to build a large string or list is bounded before Python allocates it, and the
  whole output of one render is capped;
- no mutation of lists, dicts and sets (the immutable sandbox), so nothing grows in place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache, update_wrapper

from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError, meta, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.runtime import str_join
from jinja2.sandbox import ImmutableSandboxedEnvironment

from curator.sandbox import deadline
from curator.sandbox import size_limits as size
from curator.sandbox.errors import TemplateError

_TAG = re.compile(r"</?[A-Za-z_][\w-]*\s*/?>")
_UNDEFINED_NAME = re.compile(r"'([^']+)' is undefined")


def no_tags(text: str) -> str:
    """The text without `<tag>` / `</tag>` markers (for no-tag variants)."""
    return _TAG.sub("", str(text))


def markup(text: str) -> str:
    """The text as an upper-case pseudo-tag, e.g. `<SUNNY>`."""
    return f"<{str(text).upper()}>"


class _LimitedCodeGenerator(CodeGenerator):
    """Jinja's code generator with a deadline check at the top of every block and `a ~ b` size-checked."""

    def blockvisit(self, nodes, frame: Frame) -> None:
        self.writeline("environment.tick()")
        super().blockvisit(nodes, frame)

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.concat_checked((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class LimitedSandbox(ImmutableSandboxedEnvironment):
    """The immutable Jinja2 sandbox with size caps on everything that can build a large string, list or integer."""

    code_generator_class = _LimitedCodeGenerator
    intercepted_binops = frozenset(["*", "**", "+", "%"])

    def call_binop(self, context, operator, left, right):
        if operator == "*":
            size.check_repeat(left, right)
            size.check_repeat(right, left)
            size.check_int_product(left, right)
        elif operator == "**" and isinstance(left, int) and isinstance(right, int) and right > 0:
            if abs(left) > 1 and right * max(abs(left).bit_length(), 1) > size.MAX_POWER_BITS:
                raise size.too_large(f"{left} ** {right} is")
        elif operator == "+" and size.sized(left) is not None and size.sized(right) is not None:
            unit = " characters" if isinstance(left, str) else " items"
            size.check_size(f"a {type(left).__name__} sum", len(left) + len(right), unit=unit)
        elif operator == "%" and isinstance(left, str):
            size.check_percent(left, right)
        return super().call_binop(context, operator, left, right)

    tick = staticmethod(deadline.tick)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
        deadline.tick()
        if getattr(__obj, "__name__", "") == "join" and args and isinstance(getattr(__obj, "__self__", None), str):
            args = (size.as_sequence(args[0]), *args[1:])
        size.check_str_method(__obj, args, kwargs)
        return size.check_result(super().call(__context, __obj, *args, **kwargs))

    def wrap_str_format(self, value):
        """str.format / format_map through a formatter that refuses huge widths (Jinja's own wrapper otherwise)."""
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        text, is_map = value.__self__, value.__name__ == "format_map"
        vformat = size.LimitedFormatter(self).vformat

        def wrapper(*args, **kwargs):
            if is_map:
                if kwargs or len(args) != 1:
                    return wrapped(*args, **kwargs)  # Jinja's own error message
                args, kwargs = (), args[0]
            return type(text)(vformat(text, args, kwargs))

        return update_wrapper(wrapper, value)

    @staticmethod
    def concat_checked(values: tuple) -> str:
        size.check_rendered("a ~ concatenation", *values)
        return str_join(values)


@lru_cache(maxsize=1)
def environment() -> LimitedSandbox:
    """The one sandboxed environment: undefined names are errors, no autoescaping, size caps, perturbation filters."""
    env = LimitedSandbox(
        undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True, finalize=size.finalize
    )
    for name, check in size.FILTER_CHECKS.items():
        env.filters[name] = size.checked_filter(name, check)(env.filters[name])
    env.filters.update(no_tags=no_tags, markup=markup)
    env.globals["range"] = size.LimitedRange
    env.globals["lipsum"] = size.lipsum
    return env


@dataclass(frozen=True)
class CompiledText:
    """One field of one template variant, compiled once and rendered many times."""

    template_name: str
    field: str
    source: str
    compiled: object

    def render(self, values: dict) -> str:
        """The rendered text, within the time and size limits (any failure: one TemplateError line)."""
        budget = size.range_steps_left.set(size.MAX_RANGE_STEPS)
        try:
            limit = deadline.active.set(deadline.render_limit())
            try:
                return size.join_limited(self.compiled.generate(values))
            finally:
                deadline.active.reset(limit)
        except deadline.RenderStopped as stop:
            raise self.error(str(stop)) from None
        except SecurityError as error:
            raise self.error(str(error).rstrip(".")) from None
        except UndefinedError as error:
            raise self.error(_undefined_message(str(error))) from None
        except RecursionError:
            raise self.error("recursion too deep") from None
        except Exception as error:  # noqa: BLE001 - any failure of user code becomes one clear line
            raise self.error(f"{type(error).__name__}: {error}") from None
        finally:
            size.range_steps_left.reset(budget)

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
