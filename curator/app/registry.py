"""One place for what the app can do: key bindings (actions), screens and command palette entries.

Screens build their BINDINGS from here, the help screen lists it and the command palette searches it, so a
key is declared once. Other packages (fix/, loop/, patterns/) add their own with the register_* functions
at import time, before their screen classes are defined.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.binding import Binding

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen


@dataclass(frozen=True)
class ActionSpec:
    """One key binding: `keys` run `action` on screens of `scope` ("app" is everywhere)."""

    id: str
    scope: str
    keys: str
    action: str
    description: str
    tooltip: str = ""
    show: bool = True
    in_palette: bool = True
    priority: bool = False


@dataclass(frozen=True)
class ScreenSpec:
    """A screen the app can open by name: `factory(**kwargs)` builds it."""

    name: str
    title: str
    factory: Callable[..., Screen]


@dataclass(frozen=True)
class PaletteCommand:
    """One command palette entry: `run(app)` does it."""

    title: str
    help: str
    run: Callable[[App], object]


CommandSource = Callable[["App"], Iterable[PaletteCommand]]

_ACTIONS: dict[str, ActionSpec] = {}
_SCREENS: dict[str, ScreenSpec] = {}
_COMMAND_SOURCES: list[CommandSource] = []
SCOPE_TITLES: dict[str, str] = {"app": "Everywhere"}


def register_actions(scope_title: str, *specs: ActionSpec) -> None:
    """Declare bindings (ids must be unique); `scope_title` names their scope on the help screen."""
    for spec in specs:
        if spec.id in _ACTIONS and _ACTIONS[spec.id] != spec:
            raise ValueError(f"action id {spec.id!r} is declared twice")
        _ACTIONS[spec.id] = spec
        SCOPE_TITLES.setdefault(spec.scope, scope_title)


def actions(scope: str | None = None) -> list[ActionSpec]:
    """Every declared action, or those of one scope, in declaration order."""
    return [a for a in _ACTIONS.values() if scope is None or a.scope == scope]


def bindings(*scopes: str) -> list[Binding]:
    """Textual bindings for the actions of `scopes` (each with its id and tooltip)."""
    return [
        Binding(a.keys, a.action, a.description, show=a.show, tooltip=a.tooltip, id=a.id, priority=a.priority)
        for scope in scopes
        for a in actions(scope)
    ]


def register_screen(name: str, title: str, factory: Callable[..., Screen]) -> None:
    _SCREENS[name] = ScreenSpec(name, title, factory)


def screen_spec(name: str) -> ScreenSpec:
    if name not in _SCREENS:
        raise KeyError(f"no screen named {name!r}; known: {', '.join(sorted(_SCREENS))}")
    return _SCREENS[name]


def screens() -> list[ScreenSpec]:
    return list(_SCREENS.values())


def register_command_source(source: CommandSource) -> None:
    """Add a function that lists palette commands for the app's current state."""
    if source not in _COMMAND_SOURCES:
        _COMMAND_SOURCES.append(source)


def palette_commands(app: App) -> list[PaletteCommand]:
    return [command for source in _COMMAND_SOURCES for command in source(app)]


def unregister_command_source(source: CommandSource) -> None:
    if source in _COMMAND_SOURCES:
        _COMMAND_SOURCES.remove(source)
