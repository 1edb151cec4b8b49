#!/usr/bin/env bash
# Create .venv and install Curator with its test tools. torch comes first, pinned to the CPU build on disk;
# the project's own range (torch>=2.4,<2.15) is then already satisfied, so no CUDA build is pulled.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet torch==2.13.0
.venv/bin/python -m pip install --quiet -e ".[dev]"
