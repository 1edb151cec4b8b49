"""Command palette entries for fixing with data: open the mixer, edit a template, review its examples."""

from __future__ import annotations

from collections.abc import Iterable

from curator.app import registry
from curator.app.registry import PaletteCommand
from curator.app.screens.fix.example_review import ExampleReviewScreen
from curator.app.screens.fix.mixer import MixerScreen
from curator.app.screens.fix.rollouts import sample_fixes_command
from curator.app.screens.fix.template_editor import TemplateEditorScreen
from curator.fix.templates import library as template_domain
from curator.recipes import library as recipe_domain


def fix_commands(app) -> Iterable[PaletteCommand]:
    """One entry per template and recipe of the app's workspace, plus a new mix."""
    ws = getattr(app, "workspace", None)
    if ws is None:
        return
    yield PaletteCommand(
        "Dataset mixer (new recipe)",
        "sources, shares, live counts, build",
        lambda app: app.push_screen(MixerScreen(app.workspace)),
    )
    yield from sample_fixes_command(app)
    for recipe in recipe_domain.list_recipes(ws):
        yield PaletteCommand(
            f"Dataset mixer: {recipe.name}",
            f"{recipe.version_count} built version(s)",
            lambda app, name=recipe.name: app.push_screen(MixerScreen(app.workspace, name)),
        )
    for record in template_domain.list_templates(ws):
        yield PaletteCommand(
            f"Edit template {record.name}",
            f"bucket {record.bucket_name or '—'}",
            lambda app, name=record.name: app.push_screen(TemplateEditorScreen(app.workspace, name)),
        )
        yield PaletteCommand(
            f"Review examples of template {record.name}",
            "accept, reject, edit",
            lambda app, tid=record.template_id: app.push_screen(ExampleReviewScreen(app.workspace, template_id=tid)),
        )


registry.register_command_source(fix_commands)
