"""Size limits inside a render: every way a template can build a large string, list or integer is measured
before Python allocates it (`*`, `**`, `+`, `~`, `%`, `str.format` widths, `center`, `join`, `replace`, `indent`,
`batch`, `slice`, `sum`, `tojson`, `lipsum`, str methods, printing a container, `range()`), and the whole output
of one render is capped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextvars import ContextVar
from functools import wraps

from jinja2.exceptions import SecurityError
from jinja2.runtime import Namespace
from jinja2.sandbox import SandboxedFormatter
from jinja2.utils import generate_lorem_ipsum

MAX_ITEMS = 100_000  # longest string/list a `*` may build
MAX_CHARS = 1_000_000  # longest string (or list) any other operation may build
MAX_OUTPUT_CHARS = 1_000_000  # most characters one render may produce
MAX_RANGE = 10_000  # most numbers one range() may yield
MAX_POWER_BITS = 10_000  # biggest integer (in bits) a `**` or `*` may build
MAX_RANGE_STEPS = 100_000  # numbers all range() calls of one render may yield together (bounds nested loops)
range_steps_left: ContextVar[int] = ContextVar("range_steps_left", default=MAX_RANGE_STEPS)

_NUMBER = re.compile(r"\d+")
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?[a-zA-Z%]")


def too_large(what: str) -> SecurityError:
    return SecurityError(f"{what} too large")


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


def check_size(what: str, size: int, limit: int = MAX_CHARS, unit: str = " characters") -> None:
    if size > limit:
        raise too_large(f"{what} of {size:,}{unit} (at most {limit:,}) is")


def check_rendered(what: str, *values) -> None:
    check_size(what, sum(rendered_size(v) for v in values))


def check_repeat(sequence, count) -> None:
    if isinstance(sequence, (str, list, tuple, bytes)) and isinstance(count, int):
        if len(sequence) * count > MAX_ITEMS:
            raise too_large(
                f"a repeated {type(sequence).__name__} of {len(sequence) * count:,} items (at most {MAX_ITEMS:,}) is"
            )


def check_int_product(left, right) -> None:
    if isinstance(left, int) and isinstance(right, int) and left.bit_length() + right.bit_length() > MAX_POWER_BITS:
        raise too_large("an integer product is")


def check_percent(fmt: str, args) -> None:
    for width, precision in _PERCENT_SPEC.findall(fmt):
        for number in (width, precision):
            if number == "*":
                raise SecurityError("'*' widths in % formatting are not allowed in templates")
            if number and int(number) > MAX_CHARS:
                raise too_large(f"a % format width of {int(number):,} is")
    check_size("a % formatted string", len(fmt) + rendered_size(args))


def _check_format_spec(spec: str) -> None:
    for number in _NUMBER.findall(spec or ""):
        if int(number) > MAX_CHARS:
            raise too_large(f"a format width of {int(number):,} is")


class LimitedFormatter(SandboxedFormatter):
    """str.format in the sandbox, refusing widths or values that would make a huge string."""

    def format_field(self, value, format_spec: str) -> str:
        _check_format_spec(format_spec)
        check_rendered("a formatted value", value)
        return super().format_field(value, format_spec)


def sized(value) -> int | None:
    return len(value) if isinstance(value, (str, bytes, bytearray, list, tuple)) else None


def check_str_method(method, args: tuple, kwargs: dict) -> None:
    """Bound what str/bytes methods that can grow their input would build, before they run."""
    owner, name = getattr(method, "__self__", None), getattr(method, "__name__", "")
    if not isinstance(owner, (str, bytes, bytearray)):
        return
    if name in ("center", "ljust", "rjust", "zfill") and args and isinstance(args[0], int):
        check_size(f"str.{name}() of width", args[0])
    elif name == "expandtabs":
        tabsize = args[0] if args else kwargs.get("tabsize", 8)
        if isinstance(tabsize, int):
            check_size(
                "str.expandtabs()", len(owner) + owner.count("\t" if isinstance(owner, str) else b"\t") * tabsize
            )
    elif name == "replace" and len(args) >= 2:
        check_size("str.replace()", _replaced_size(owner, args[0], args[1]))
    elif name == "join" and args:
        check_size("str.join()", _joined_size(owner, args[0]))


def _replaced_size(text, old, new) -> int:
    if not isinstance(old, type(text)) or not isinstance(new, type(text)):
        return len(text)
    hits = len(text) + 1 if not old else text.count(old)
    return len(text) + hits * max(len(new) - len(old), 0)


def as_sequence(items):
    """A one-pass iterable (a `map`, a generator) as a list, so it can be measured and still be used after."""
    if isinstance(items, (list, tuple, str, bytes, dict)):
        return items
    out = []
    for item in items:
        out.append(item)
        if len(out) > MAX_CHARS:
            raise too_large(f"a sequence of more than {MAX_CHARS:,} items is")
    return out


def _joined_size(separator, items) -> int:
    check_size("a joined list", len(items), unit=" items")
    return len(separator) * max(len(items) - 1, 0) + sum(rendered_size(i) for i in items)


def check_result(result):
    size = sized(result)
    if size is not None:
        check_size(f"a built {type(result).__name__}", size)
    return result


def finalize(value):
    """Applied to every `{{ }}` output before str(): printing a huge container is refused."""
    check_size("a printed value", rendered_size(value), MAX_OUTPUT_CHARS)
    return value


_ONE_PASS_INPUTS = ("join", "sum")  # filters whose input is measured first: a one-pass input is made a list


def checked_filter(name: str, check: Callable) -> Callable:
    def wrap(original):
        first = 1 if getattr(original, "jinja_pass_arg", None) is not None else 0  # Jinja passes a context first

        @wraps(original)
        def limited(*args, **kwargs):
            if name in _ONE_PASS_INPUTS and len(args) > first:
                args = (*args[:first], as_sequence(args[first]), *args[first + 1 :])
            check(*args[first:], **kwargs)
            return check_result(original(*args, **kwargs))

        return limited

    return wrap


def _arg(args: tuple, kwargs: dict, index: int, name: str, default):
    return args[index] if len(args) > index else kwargs.get(name, default)


def _int(value, default: int = 0) -> int:
    return value if isinstance(value, int) else default


def _center_check(value, *args, **kwargs):
    check_size("a centered string", max(rendered_size(value), _int(_arg(args, kwargs, 0, "width", 80))))


def _indent_check(value, *args, **kwargs):
    width = _arg(args, kwargs, 0, "width", 4)
    width = len(width) if isinstance(width, str) else _int(width)
    text = str(value) if rendered_size(value) <= MAX_CHARS else ""
    check_size("an indented string", rendered_size(value) + (text.count("\n") + 1) * width)


def _format_check(value, *args, **kwargs):
    check_percent(str(value), (args, kwargs))


def _join_check(value, *args, **kwargs):
    separator = _arg(args, kwargs, 0, "d", "")
    check_size("a joined list", _joined_size(str(separator), value))


def _replace_check(value, *args, **kwargs):
    if len(args) >= 2:
        check_size("a replaced string", _replaced_size(str(value), str(args[0]), str(args[1])))


def _count_check(value, *args, **kwargs):
    count = _int(_arg(args, kwargs, 0, "linecount", 0))
    check_size("a batch or slice count", count, MAX_ITEMS, unit="")


def _sum_check(iterable, *args, **kwargs):
    start = _arg(args, kwargs, 1, "start", 0)
    if sized(start) is not None:
        check_size("a sum of lists", len(start) + sum(sized(i) or 0 for i in iterable), unit=" items")


def _printed_check(value, *args, **kwargs):
    indent = _int(kwargs.get("indent", args[0] if args else 0))
    check_size("a printed value", rendered_size(value) * (1 + max(indent, 0)), MAX_OUTPUT_CHARS)


FILTER_CHECKS = {
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


def lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:  # noqa: A002 - Jinja's names
    """Jinja's lipsum, refusing sizes over the output cap (each word is up to ~12 characters)."""
    check_size("lipsum()", _int(n) * _int(max) * 12, MAX_OUTPUT_CHARS)
    return generate_lorem_ipsum(n=n, html=html, min=min, max=max)


class LimitedRange:
    """range() capped at MAX_RANGE numbers per call and MAX_RANGE_STEPS per render, so nested loops stay bounded."""

    def __init__(self, *args: int):
        self.numbers = range(*args)
        if len(self.numbers) > MAX_RANGE:
            raise too_large(f"range of {len(self.numbers):,} numbers (at most {MAX_RANGE:,}) is")

    def __len__(self) -> int:
        return len(self.numbers)

    def __iter__(self):
        for number in self.numbers:
            left = range_steps_left.get() - 1
            if left < 0:
                raise too_large(f"loops over more than {MAX_RANGE_STEPS:,} range() numbers in one render are")
            range_steps_left.set(left)
            yield number


def join_limited(chunks) -> str:
    """The chunks of a render joined, stopping it once the output passes MAX_OUTPUT_CHARS."""
    out, size = [], 0
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_OUTPUT_CHARS:
            chunks.close()
            raise too_large(f"the rendered text (over {MAX_OUTPUT_CHARS:,} characters) is")
        out.append(chunk)
    return "".join(out)
