#!/usr/bin/env bash
# Curator's CUDA paths on a machine with a CUDA GPU, with the tiny test model (built here in seconds): an eval, a
# LoRA SFT job in bf16 and one in fp16, a re-eval with the adapter and its comparison, sampling with k=8, a DPO
# (apo_zero) and a GRPO step, and `accelerate launch` on one GPU. Prints ONE JSON line with the figures; exits
# non-zero on any failure or past 8 minutes.
#
# The machine needs only torch, transformers, peft, accelerate and sentence-transformers: Curator's other
# dependencies come from scripts/gpu-wheels/wheels.tar.xz (made here by scripts/gpu_wheels.sh), installed with
# `pip install --no-index --find-links` into a folder of the work directory (nothing outside it changes, nothing is
# downloaded). Curator itself runs from this checkout (first on PYTHONPATH): the code carried is the code checked.
#
#   scripts/gpu_check.sh [--cpu] [--no-install] [--wheels FILE] [--work DIR]
#     --cpu         run the same steps on the CPU (to exercise the script where there is no GPU)
#     --no-install  use the Curator already importable here (a development checkout's .venv)
set -uo pipefail
cd "$(dirname "$0")/.."
LIMIT_S=480
WHEELS=scripts/gpu-wheels/wheels.tar.xz
WORK=""
INSTALL=1
CHECK_ARGS=()
PY="${PYTHON:-python3}"
while [ $# -gt 0 ]; do
  case "$1" in
    --cpu) CHECK_ARGS+=(--cpu) ;;
    --no-install) INSTALL=0 ;;
    --wheels) WHEELS="$2"; shift ;;
    --work) WORK="$2"; shift ;;
    *) echo "{\"ok\": false, \"error\": \"unknown option $1\"}"; exit 2 ;;
  esac
  shift
done
fail() {  # one JSON line saying why, then a non-zero exit
  "$PY" -c 'import json, sys; print(json.dumps({"ok": False, "error": sys.argv[1]}))' "$1"
  exit 1
}
WORK="${WORK:-$(mktemp -d /tmp/curator-gpu-check.XXXXXX)}"
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
started=$(date +%s)

if [ "$INSTALL" = 1 ]; then
  version=$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || fail "no Python at '$PY' (set PYTHON)"
  [ "$version" = 3.11 ] || fail "install: the wheels are for CPython 3.11, '$PY' is $version (set PYTHON)"
  [ -f "$WHEELS" ] || fail "install: no $WHEELS (run scripts/gpu_wheels.sh on a machine that can download)"
  "$PY" scripts/gpu_wheels_pack.py unpack "$WHEELS" "$WORK/wheels" > /dev/null 2> "$WORK/install.log" \
    || fail "install: cannot unpack $WHEELS: $(tail -1 "$WORK/install.log")"
  # --target: a folder of the work directory first on the path; the preinstalled packages stay as they are. Its
  # name must contain `site-packages`: dill (datasets' fingerprints) pickles modules elsewhere by value and fails.
  rm -f "$WORK"/wheels/curator_tui-*.whl  # older archives carried one; the checkout is what runs
  "$PY" -m pip install --quiet --no-index --find-links "$WORK/wheels" --no-deps --target "$WORK/site-packages" \
    "$WORK"/wheels/*.whl >> "$WORK/install.log" 2>&1 \
    || fail "install: pip failed: $(tail -1 "$WORK/install.log")"
  export PYTHONPATH="$(pwd):$WORK/site-packages${PYTHONPATH:+:$PYTHONPATH}"
fi
left=$((LIMIT_S - ($(date +%s) - started)))
[ "$left" -gt 30 ] || fail "install took $((LIMIT_S - left)) s: no time left for the steps"
timeout --kill-after=10 "$left" "$PY" scripts/gpu_check.py --work "$WORK/check" "${CHECK_ARGS[@]}"
rc=$?
[ "$rc" = 124 ] || [ "$rc" = 137 ] && fail "the steps ran past the $LIMIT_S s limit (see $WORK/check)"
exit "$rc"
