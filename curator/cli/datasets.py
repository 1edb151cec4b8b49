"""`curator dataset`: save recipes, see their live counts, build frozen versions, list them."""

from __future__ import annotations

import json

import typer
from rich.text import Text

from curator.app.widgets.literal import one_line
from curator.cli.context import console, err_console, open_workspace
from curator.cli.tables import Col, fitted_table
from curator.recipes import library as recipe_domain
from curator.recipes.pair_lengths import pair_lengths_line
from curator.recipes.spec import load_recipe

dataset_app = typer.Typer(help="Dataset recipes (sources with shares) and their frozen versions.", no_args_is_help=True)


PLAN_COLUMNS = (
    Col("source", wrap=True),
    Col("kind", drop=1),
    Col("share", justify="right"),
    Col("rows", justify="right"),
    Col("available", justify="right", short="avail."),
    Col(""),
)
VERSION_COLUMNS = (
    Col("recipe", wrap=True),
    Col("version"),
    Col("rows", justify="right"),
    Col("hash", drop=2),
    Col("built", drop=3),
    Col("file", wrap=True, drop=1),
)


def _print_plan(ws, spec) -> None:
    cells = [
        [
            one_line(p.name),
            one_line(p.kind),
            f"{p.share:.0%}",
            f"{p.requested:,}",
            f"{p.available:,}",
            Text("too small", style="red") if p.too_small else "",
        ]
        for p in recipe_domain.plan(ws, spec)
    ]
    console.print(fitted_table(PLAN_COLUMNS, cells, console.width))


@dataset_app.command("recipe")
def recipe(path: str = typer.Argument(..., help="Recipe TOML: name, total, seed, [[source]] kind/share/...")) -> None:
    """Save (or replace) a recipe from a TOML file and show its counts per source."""
    spec = load_recipe(path)
    with open_workspace() as ws:
        recipe_domain.save_recipe(ws, spec)
        console.print(f"Recipe '{spec.name}' saved: {spec.total:,} rows, seed {spec.seed}.")
        _print_plan(ws, spec)


@dataset_app.command("plan")
def plan(name: str = typer.Argument(..., help="Recipe name.")) -> None:
    """Show how many rows each source must give and has (a too-small source is marked)."""
    with open_workspace() as ws:
        _print_plan(ws, recipe_domain.get_recipe(ws, name))


@dataset_app.command("build")
def build(
    name: str = typer.Argument(..., help="Recipe name."),
    seed: int = typer.Option(None, "--seed", help="Seed (default: the recipe's)."),
    as_json: bool = typer.Option(False, "--json", help="Print the manifest as JSON."),
) -> None:
    """Freeze the recipe into a new numbered, immutable version (same seed, same rows)."""
    with open_workspace() as ws:
        version = recipe_domain.build(ws, name, seed=seed)
    if as_json:
        typer.echo(json.dumps(version.manifest))
        return
    console.print(f"Built '{name}' v{version.version}: {version.row_count:,} rows -> {version.path}", highlight=False)
    console.print(
        "  "
        + ", ".join(f"{s['name']} {s['rows']:,}" for s in version.manifest["sources"])
        + f"; sha256 {version.content_hash[:16]}",
        highlight=False,
    )
    nearest = max(version.manifest.get("nearest_held_out") or [], key=lambda r: r["similarity"], default=None)
    if nearest and nearest.get("held_out_id") is not None:
        row = recipe_domain.read_version_rows(version)[nearest["row"] - 1]
        item = one_line(nearest["held_out_id"], 40)
        console.print(
            f"  nearest held-out item to any row: similarity {nearest['similarity']:.2f} "
            f"(row {nearest['row']}: {one_line(row['prompt'], 50)} ~ held-out item {item})",
            highlight=False,
        )
    lengths = pair_lengths_line(version.manifest.get("pair_lengths"))
    if lengths:
        console.print(f"  {lengths}", highlight=False)
    refused = sum(s["refused_held_out"] for s in version.manifest["sources"])
    if refused:
        err_console.print(f"{refused} row(s) too close to held-out items were left out")


@dataset_app.command("list")
def list_versions(as_json: bool = typer.Option(False, "--json", help="JSON for scripts.")) -> None:
    """List recipes and their frozen versions."""
    with open_workspace() as ws:
        recipes, versions = recipe_domain.list_recipes(ws), recipe_domain.list_versions(ws)
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {
                        "recipe": v.recipe_name,
                        "version": v.version,
                        "rows": v.row_count,
                        "content_hash": v.content_hash,
                        "path": v.path,
                    }
                    for v in versions
                ]
            )
        )
        return
    if not recipes:
        console.print("No recipes yet: `curator dataset recipe recipe.toml`.")
        return
    cells = [
        [
            one_line(v.recipe_name),
            f"v{v.version}",
            f"{v.row_count:,}",
            v.content_hash[:12],
            v.created_at.strftime("%Y-%m-%d %H:%M"),
            one_line(v.path),
        ]
        for v in versions
    ]
    cells += [[one_line(r.name), "not built", "", "", "", ""] for r in recipes if not r.version_count]
    console.print(fitted_table(VERSION_COLUMNS, cells, console.width))


@dataset_app.command("show")
def show(ref: str = typer.Argument(..., help="NAME (newest version) or NAME@N.")) -> None:
    """Print a frozen version's manifest (counts per source, seed, content hash)."""
    name, number = recipe_domain.parse_version_ref(ref)
    with open_workspace() as ws:
        version = recipe_domain.get_version(ws, name, number)
    typer.echo(json.dumps(version.manifest, indent=2))


def register(app: typer.Typer) -> None:
    app.add_typer(dataset_app, name="dataset")
