"""Rendering user-written templates safely: Jinja2 in a sandbox, every failure turned into one clear line.

Limits that hold inside one render (a template is untrusted code):
- wall clock: the generated code checks the deadline at the top of every block (each loop iteration, macro body,
  branch) and the sandbox on every call, so loops and recursion stop at the limit (no trace function: 4x cheaper);
- size: every way to build a large string or list (`*`, `**`, `+`, `~`, `%`, `str.format` widths, `center`,
  `join`, `replace`, `indent`, `batch`, `slice`, `sum`, `tojson`, `lipsum`, str methods, printing a container)
  is bounded before Python allocates it, and the whole output of one render is capped;
- no mutation of lists, dicts and sets (the immutable sandbox), so nothing grows in place.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache, update_wrapper, wraps

from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError, meta, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.runtime import Namespace, str_join
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedFormatter
from jinja2.utils import generate_lorem_ipsum

from curator.fix.templates.spec import TemplateError

MAX_ITEMS = 100_000  # longest string/list a `*` may build
MAX_CHARS = 1_000_000  # longest string (or list) any other operation may build
MAX_OUTPUT_CHARS = 1_000_000  # most characters one render may produce
MAX_RANGE = 10_000  # most numbers one range() may yield
MAX_POWER_BITS = 10_000  # biggest integer (in bits) a `**` or `*` may build
MAX_RANGE_STEPS = 100_000  # numbers all range() calls of one render may yield together (bounds nested loops)
RENDER_TIME_LIMIT_S = 2.0  # wall clock of one render (one field of one example)
SAVE_CHECK_S = 5.0  # wall clock of all the probe renders that check a template before it is stored
_range_steps_left: ContextVar[int] = ContextVar("range_steps_left", default=MAX_RANGE_STEPS)

_TAG = re.compile(r"</?[A-Za-z_][\w-]*\s*/?>")
_UNDEFINED_NAME = re.compile(r"'([^']+)' is undefined")
_NUMBER = re.compile(r"\d+")
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?[a-zA-Z%]")


def no_tags(text: str) -> str:
    """The text without `<tag>` / `</tag>` markers (for no-tag variants)."""
    return _TAG.sub("", str(text))


def markup(text: str) -> str:
    """The text as an upper-case pseudo-tag, e.g. `<SUNNY>`."""
    return f"<{str(text).upper()}>"


def _too_large(what: str) -> SecurityError:
    return SecurityError(f"{what} too large")


class RenderStopped(BaseException):
    """Raised inside a render by its deadline or by an abandoning caller.

    A BaseException so that no `except Exception` in Jinja's runtime or a filter can swallow it.
    """


# ---------------------------------------------------------------------------------------------- wall clock


@dataclass
class _Deadline:
    at: float
    seconds: float
    should_stop: Callable[[], bool] | None = None


_outer_deadline: ContextVar[_Deadline | None] = ContextVar("outer_deadline", default=None)


@contextmanager
def render_deadline(seconds: float, should_stop: Callable[[], bool] | None = None) -> Iterator[None]:
    """Every render in this block (on this thread) stops once `seconds` have passed in all, or once `should_stop()`
    returns true: the render raises TemplateError ("abandoned" / "took longer than"). For previews that run in a
    worker and may be abandoned, and for the save-time check of a template."""
    token = _outer_deadline.set(_Deadline(time.monotonic() + seconds, seconds, should_stop))
    try:
        yield
    finally:
        _outer_deadline.reset(token)


_active: ContextVar[_Deadline | None] = ContextVar("active_deadline", default=None)


def tick() -> None:
    """Stop the render in progress on this thread if its deadline passed or its caller abandoned it.

    The code generator puts a call at the top of every block (each loop iteration, macro body, if branch), and the
    sandbox calls it on every call, so loops and recursion of any depth see it."""
    limit = _active.get()
    if limit is None:
        return
    if time.monotonic() > limit.at:
        raise RenderStopped(f"rendering took longer than the {limit.seconds:g} s limit")
    if limit.should_stop is not None and limit.should_stop():
        raise RenderStopped("rendering was abandoned")


def _render_limit() -> _Deadline:
    """This render's deadline: RENDER_TIME_LIMIT_S, or the enclosing render_deadline() if that comes sooner."""
    own = _Deadline(time.monotonic() + RENDER_TIME_LIMIT_S, RENDER_TIME_LIMIT_S)
    outer = _outer_deadline.get()
    if outer is None:
        return own
    sooner = outer if outer.at < own.at else own
    return _Deadline(sooner.at, sooner.seconds, outer.should_stop)


# ---------------------------------------------------------------------------------------------- size


def rendered_size(value, budget: int = MAX_OUTPUT_CHARS) -> int:
    """About how many characters `str(value)` makes; stops counting (returns > budget) once over `budget`."""
    total, stack, seen = 0, [value], set()
    while stack and total <= budget:
        item = stack.pop()
        if isinstance(item, (str, bytes, bytearray)):
            total += len(item)
        elif isinstance(item, bool) or item is None:
            total += 5
        elif isinstance(item, int):
            total += item.bit_length() // 3 + 2
        elif isinstance(item, Namespace):
            stack.append(getattr(item, "_Namespace__attrs", {}))
            total += 14
        elif isinstance(item, (list, tuple, set, frozenset, dict)):
            if id(item) in seen:
                total += 5
                continue
            seen.add(id(item))
            total += 2 + 2 * len(item)
            stack.extend(item.items() if isinstance(item, dict) else item)
        else:
            total += 32
    return total


def _check_size(what: str, size: int, limit: int = MAX_CHARS, unit: str = " characters") -> None:
    if size > limit:
        raise _too_large(f"{what} of {size:,}{unit} (at most {limit:,}) is")


def _check_rendered(what: str, *values) -> None:
    _check_size(what, sum(rendered_size(v) for v in values))


def _check_repeat(sequence, count) -> None:
    if isinstance(sequence, (str, list, tuple, bytes)) and isinstance(count, int):
        if len(sequence) * count > MAX_ITEMS:
            raise _too_large(
                f"a repeated {type(sequence).__name__} of {len(sequence) * count:,} items (at most {MAX_ITEMS:,}) is"
            )


def _check_int_product(left, right) -> None:
    if isinstance(left, int) and isinstance(right, int) and left.bit_length() + right.bit_length() > MAX_POWER_BITS:
        raise _too_large("an integer product is")


def _check_percent(fmt: str, args) -> None:
    for width, precision in _PERCENT_SPEC.findall(fmt):
        for number in (width, precision):
            if number == "*":
                raise SecurityError("'*' widths in % formatting are not allowed in templates")
            if number and int(number) > MAX_CHARS:
                raise _too_large(f"a % format width of {int(number):,} is")
    _check_size("a % formatted string", len(fmt) + rendered_size(args))


def _check_format_spec(spec: str) -> None:
    for number in _NUMBER.findall(spec or ""):
        if int(number) > MAX_CHARS:
            raise _too_large(f"a format width of {int(number):,} is")


class _LimitedFormatter(SandboxedFormatter):
    """str.format in the sandbox, refusing widths or values that would make a huge string."""

    def format_field(self, value, format_spec: str) -> str:
        _check_format_spec(format_spec)
        _check_rendered("a formatted value", value)
        return super().format_field(value, format_spec)


def _sized(value) -> int | None:
    return len(value) if isinstance(value, (str, bytes, bytearray, list, tuple)) else None


def _check_str_method(method, args: tuple, kwargs: dict) -> None:
    """Bound what str/bytes methods that can grow their input would build, before they run."""
    owner, name = getattr(method, "__self__", None), getattr(method, "__name__", "")
    if not isinstance(owner, (str, bytes, bytearray)):
        return
    if name in ("center", "ljust", "rjust", "zfill") and args and isinstance(args[0], int):
        _check_size(f"str.{name}() of width", args[0])
    elif name == "expandtabs":
        tabsize = args[0] if args else kwargs.get("tabsize", 8)
        if isinstance(tabsize, int):
            _check_size(
                "str.expandtabs()", len(owner) + owner.count("\t" if isinstance(owner, str) else b"\t") * tabsize
            )
    elif name == "replace" and len(args) >= 2:
        _check_size("str.replace()", _replaced_size(owner, args[0], args[1]))
    elif name == "join" and args:
        _check_size("str.join()", _joined_size(owner, args[0]))


def _replaced_size(text, old, new) -> int:
    if not isinstance(old, type(text)) or not isinstance(new, type(text)):
        return len(text)
    hits = len(text) + 1 if not old else text.count(old)
    return len(text) + hits * max(len(new) - len(old), 0)


def _as_sequence(items):
    """A one-pass iterable (a `map`, a generator) as a list, so it can be measured and still be used after."""
    if isinstance(items, (list, tuple, str, bytes, dict)):
        return items
    out = []
    for item in items:
        out.append(item)
        if len(out) > MAX_CHARS:
            raise _too_large(f"a sequence of more than {MAX_CHARS:,} items is")
    return out


def _joined_size(separator, items) -> int:
    _check_size("a joined list", len(items), unit=" items")
    return len(separator) * max(len(items) - 1, 0) + sum(rendered_size(i) for i in items)


def _check_result(result):
    size = _sized(result)
    if size is not None:
        _check_size(f"a built {type(result).__name__}", size)
    return result


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
            _check_repeat(left, right)
            _check_repeat(right, left)
            _check_int_product(left, right)
        elif operator == "**" and isinstance(left, int) and isinstance(right, int) and right > 0:
            if abs(left) > 1 and right * max(abs(left).bit_length(), 1) > MAX_POWER_BITS:
                raise _too_large(f"{left} ** {right} is")
        elif operator == "+" and _sized(left) is not None and _sized(right) is not None:
            unit = " characters" if isinstance(left, str) else " items"
            _check_size(f"a {type(left).__name__} sum", len(left) + len(right), unit=unit)
        elif operator == "%" and isinstance(left, str):
            _check_percent(left, right)
        return super().call_binop(context, operator, left, right)

    tick = staticmethod(tick)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
        tick()
        if getattr(__obj, "__name__", "") == "join" and args and isinstance(getattr(__obj, "__self__", None), str):
            args = (_as_sequence(args[0]), *args[1:])
        _check_str_method(__obj, args, kwargs)
        return _check_result(super().call(__context, __obj, *args, **kwargs))

    def wrap_str_format(self, value):
        """str.format / format_map through a formatter that refuses huge widths (Jinja's own wrapper otherwise)."""
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        text, is_map = value.__self__, value.__name__ == "format_map"
        vformat = _LimitedFormatter(self).vformat

        def wrapper(*args, **kwargs):
            if is_map:
                if kwargs or len(args) != 1:
                    return wrapped(*args, **kwargs)  # Jinja's own error message
                args, kwargs = (), args[0]
            return type(text)(vformat(text, args, kwargs))

        return update_wrapper(wrapper, value)

    @staticmethod
    def concat_checked(values: tuple) -> str:
        _check_rendered("a ~ concatenation", *values)
        return str_join(values)


def _finalize(value):
    """Applied to every `{{ }}` output before str(): printing a huge container is refused."""
    _check_size("a printed value", rendered_size(value), MAX_OUTPUT_CHARS)
    return value


_ONE_PASS_INPUTS = ("join", "sum")  # filters whose input is measured first: a one-pass input is made a list


def _checked_filter(name: str, check: Callable) -> Callable:
    def wrap(original):
        first = 1 if getattr(original, "jinja_pass_arg", None) is not None else 0  # Jinja passes a context first

        @wraps(original)
        def limited(*args, **kwargs):
            if name in _ONE_PASS_INPUTS and len(args) > first:
                args = (*args[:first], _as_sequence(args[first]), *args[first + 1 :])
            check(*args[first:], **kwargs)
            return _check_result(original(*args, **kwargs))

        return limited

    return wrap


def _arg(args: tuple, kwargs: dict, index: int, name: str, default):
    return args[index] if len(args) > index else kwargs.get(name, default)


def _int(value, default: int = 0) -> int:
    return value if isinstance(value, int) else default


def _center_check(value, *args, **kwargs):
    _check_size("a centered string", max(rendered_size(value), _int(_arg(args, kwargs, 0, "width", 80))))


def _indent_check(value, *args, **kwargs):
    width = _arg(args, kwargs, 0, "width", 4)
    width = len(width) if isinstance(width, str) else _int(width)
    text = str(value) if rendered_size(value) <= MAX_CHARS else ""
    _check_size("an indented string", rendered_size(value) + (text.count("\n") + 1) * width)


def _format_check(value, *args, **kwargs):
    _check_percent(str(value), (args, kwargs))


def _join_check(value, *args, **kwargs):
    separator = _arg(args, kwargs, 0, "d", "")
    _check_size("a joined list", _joined_size(str(separator), value))


def _replace_check(value, *args, **kwargs):
    if len(args) >= 2:
        _check_size("a replaced string", _replaced_size(str(value), str(args[0]), str(args[1])))


def _count_check(value, *args, **kwargs):
    count = _int(_arg(args, kwargs, 0, "linecount", 0))
    _check_size("a batch or slice count", count, MAX_ITEMS, unit="")


def _sum_check(iterable, *args, **kwargs):
    start = _arg(args, kwargs, 1, "start", 0)
    if _sized(start) is not None:
        _check_size("a sum of lists", len(start) + sum(_sized(i) or 0 for i in iterable), unit=" items")


def _printed_check(value, *args, **kwargs):
    indent = _int(kwargs.get("indent", args[0] if args else 0))
    _check_size("a printed value", rendered_size(value) * (1 + max(indent, 0)), MAX_OUTPUT_CHARS)


_FILTER_CHECKS = {
    "center": _center_check,
    "indent": _indent_check,
    "format": _format_check,
    "join": _join_check,
    "replace": _replace_check,
    "batch": _count_check,
    "slice": _count_check,
    "sum": _sum_check,
    "tojson": _printed_check,
    "pprint": _printed_check,
    "string": _printed_check,
    "list": _printed_check,
    "wordwrap": _printed_check,
    "urlize": _printed_check,
}


def _lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:  # noqa: A002 - Jinja's names
    """Jinja's lipsum, refusing sizes over the output cap (each word is up to ~12 characters)."""
    _check_size("lipsum()", _int(n) * _int(max) * 12, MAX_OUTPUT_CHARS)
    return generate_lorem_ipsum(n=n, html=html, min=min, max=max)


@lru_cache(maxsize=1)
def environment() -> LimitedSandbox:
    """The one sandboxed environment: undefined names are errors, no autoescaping, size caps, perturbation filters."""
    env = LimitedSandbox(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True, finalize=_finalize)
    for name, check in _FILTER_CHECKS.items():
        env.filters[name] = _checked_filter(name, check)(env.filters[name])
    env.filters.update(no_tags=no_tags, markup=markup)
    env.globals["range"] = _LimitedRange
    env.globals["lipsum"] = _lipsum
    return env


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


@dataclass(frozen=True)
class CompiledText:
    """One field of one template variant, compiled once and rendered many times."""

    template_name: str
    field: str
    source: str
    compiled: object

    def render(self, values: dict) -> str:
        """The rendered text, within the time and size limits (any failure: one TemplateError line)."""
        budget = _range_steps_left.set(MAX_RANGE_STEPS)
        try:
            limit = _active.set(_render_limit())
            try:
                return self._join_limited(self.compiled.generate(values))
            finally:
                _active.reset(limit)
        except RenderStopped as stop:
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
            _range_steps_left.reset(budget)

    @staticmethod
    def _join_limited(chunks) -> str:
        out, size = [], 0
        for chunk in chunks:
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                chunks.close()
                raise _too_large(f"the rendered text (over {MAX_OUTPUT_CHARS:,} characters) is")
            out.append(chunk)
        return "".join(out)

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
