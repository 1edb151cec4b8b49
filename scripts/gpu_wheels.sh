#!/usr/bin/env bash
# Download, here, the wheels scripts/gpu_check.sh installs on a GPU machine that has only torch, transformers, peft,
# accelerate and sentence-transformers (and what they pull in: numpy, scipy, scikit-learn, tokenizers, safetensors,
# huggingface_hub, typer, rich, click, jinja2, pyyaml...) and cannot download anything.
#
# The wheels are the exact versions of this .venv (what the tests ran with) of the runtime dependencies the check's
# processes import (traced on the CPU run of the check), for CPython 3.11 on manylinux x86_64; Curator itself runs
# from the checkout gpu_check.sh sits in (a wheel built from pyproject.toml today lacks the SQL migrations). What the check never imports stays out (vLLM, the SmolLM2 and MiniLM wheels, textual,
# the judge's endpoint stack, statsmodels, gguf, rapidfuzz, zstandard). Even so pyarrow, duckdb and pandas weigh
# about 92 MB as wheels, so they travel as one xz archive of stored wheels (scripts/gpu_wheels_pack.py), which must
# stay within the 64 MiB a GPU machine is sent: this script checks it.
#
#   scripts/gpu_wheels.sh [FOLDER]      (default: scripts/gpu-wheels; writes FOLDER/wheels.tar.xz)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-scripts/gpu-wheels}"
PY=.venv/bin/python
LIMIT_BYTES=$((64 * 1024 * 1024))

# Imported by the check beyond the five preinstalled packages and their own dependencies.
PACKAGES=(
  trl datasets pyarrow pandas python-dateutil tzdata dill multiprocess xxhash duckdb google-re2
  requests urllib3 certifi charset-normalizer sniffio
)

mkdir -p "$OUT"
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
PINS=$("$PY" -c '
import sys
from importlib.metadata import PackageNotFoundError, version

for name in sys.argv[1:]:
    try:
        print(f"{name}=={version(name)}")
    except PackageNotFoundError:
        sys.exit(f"{name} is not installed in .venv: run scripts/bootstrap.sh first")
' "${PACKAGES[@]}")
# shellcheck disable=SC2086  # one requirement per word
"$PY" -m pip download --quiet --only-binary=:all: --no-deps --dest "$STAGE" \
  --python-version 3.11 --implementation cp --abi cp311 \
  --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
  $PINS

wheels=$(du -cb "$STAGE"/*.whl | tail -1 | cut -f1)
total=$("$PY" scripts/gpu_wheels_pack.py pack "$STAGE" "$OUT/wheels.tar.xz")
echo "$(ls "$STAGE"/*.whl | wc -l) wheels ($((wheels / 1048576)) MiB as wheels): $OUT/wheels.tar.xz," \
  "$((total / 1048576)) MiB ($total bytes)" >&2
if [ "$total" -gt "$LIMIT_BYTES" ]; then
  echo "the archive takes $total bytes: more than the 64 MiB a GPU machine is sent" >&2
  exit 1
fi
