"""The wall clock of a render: a deadline checked at the top of every block and on every sandboxed call.

No trace function: the generated code calls `tick()` itself, which is 4x cheaper and sees loops and recursion of
any depth.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

RENDER_TIME_LIMIT_S = 2.0  # wall clock of one render (one field of one example)
SAVE_CHECK_S = 5.0  # wall clock of all the probe renders that check a template before it is stored


class RenderStopped(BaseException):
    """Raised inside a render by its deadline or by an abandoning caller.

    A BaseException so that no `except Exception` in Jinja's runtime or a filter can swallow it.
    """


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


active: ContextVar[_Deadline | None] = ContextVar("active_deadline", default=None)


def tick() -> None:
    """Stop the render in progress on this thread if its deadline passed or its caller abandoned it.

    The code generator puts a call at the top of every block (each loop iteration, macro body, if branch), and the
    sandbox calls it on every call, so loops and recursion of any depth see it."""
    limit = active.get()
    if limit is None:
        return
    if time.monotonic() > limit.at:
        raise RenderStopped(f"rendering took longer than the {limit.seconds:g} s limit")
    if limit.should_stop is not None and limit.should_stop():
        raise RenderStopped("rendering was abandoned")


def render_limit() -> _Deadline:
    """This render's deadline: RENDER_TIME_LIMIT_S, or the enclosing render_deadline() if that comes sooner."""
    own = _Deadline(time.monotonic() + RENDER_TIME_LIMIT_S, RENDER_TIME_LIMIT_S)
    outer = _outer_deadline.get()
    if outer is None:
        return own
    sooner = outer if outer.at < own.at else own
    return _Deadline(sooner.at, sooner.seconds, outer.should_stop)
