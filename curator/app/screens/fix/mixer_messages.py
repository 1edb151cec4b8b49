"""What the mixer's workers bring back: the stored recipe, a build, a save, the newest built version."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from curator.recipes.spec import RecipeSpec
from curator.storage.datasets import VersionRow


@dataclass
class RecipeRead(Message):
    """The recipe the mixer was opened on, as stored (None: a new recipe)."""

    spec: RecipeSpec | None


@dataclass
class MixBuilt(Message):
    """The recipe was saved and a version frozen."""

    spec: RecipeSpec
    version: VersionRow


@dataclass
class MixRefused(Message):
    """Saving or building was refused (a too-small source, bad shares): nothing was built."""

    problem: str
    saved: RecipeSpec | None = None
    """The recipe as saved, when only the build was refused."""
    leaving: bool = False
    """Refused while leaving the mixer (the user is asked whether to leave unsaved)."""


@dataclass
class RecipeSaved(Message):
    """The recipe was saved on leaving."""

    spec: RecipeSpec


@dataclass
class NewestVersionRead(Message):
    """The recipe's newest built version (None: none built yet), for the retrain form."""

    recipe_name: str
    version: int | None
