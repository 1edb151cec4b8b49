"""The code's shape (issue: one way per thing): units that fit one sitting, and no private Textual internals."""

import ast
import importlib
import inspect
import textwrap
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "curator"
MAX_MODULE_LINES, MAX_CLASS_LINES = 300, 200


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path, path.read_text(encoding="utf-8")


def test_no_module_over_300_lines_and_no_class_over_200():
    too_big = []
    for path, text in _modules():
        name = path.relative_to(PACKAGE.parent)
        if len(text.splitlines()) > MAX_MODULE_LINES:
            too_big.append(f"{name}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ClassDef) and node.end_lineno - node.lineno + 1 > MAX_CLASS_LINES:
                too_big.append(f"{name}:{node.name}: {node.end_lineno - node.lineno + 1} lines")
    assert not too_big


def _textual_private(base: type) -> set[str]:
    """What a Textual class keeps private: its `_name` attributes and methods, and the `self._name`s it assigns."""
    names = {name for name in vars(base) if name.startswith("_") and not name.startswith("__")}
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(base)))
    except (OSError, TypeError):
        return names
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and node.attr.startswith("_"):
            names.add(node.attr)
    return {name for name in names if not name.startswith("__")}


def _app_classes():
    for path in sorted((PACKAGE / "app").rglob("*.py")):
        module = importlib.import_module(".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts))
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__:
                yield cls


def test_the_app_uses_no_private_textual_attribute():
    """No app class overrides, reads or assigns a name its Textual bases keep private (`_remove_worker`,
    `_workers`, `_on_key`...): a Textual upgrade could change them silently."""
    used = []
    for cls in _app_classes():
        bases = [b for b in cls.__mro__ if b.__module__.startswith("textual")]
        private = set().union(set(), *(_textual_private(b) for b in bases))
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
        for node in ast.walk(tree):
            name = node.name if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else None
            name = node.attr if isinstance(node, ast.Attribute) else name
            if name in private:
                used.append(f"{cls.__module__}.{cls.__name__}: {name}")
    assert not used
