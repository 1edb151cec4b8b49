"""The learned grader's figures: a learned check fitted on 300 labels (the calibration part of them) and grading a
run of 10,000 items whose inputs and outputs are all distinct (every text embedded once, nothing from the cache),
embedding model load included; then the same check again (fit and vectors reused).

Then a re-evaluation, as a retrained adapter's run makes one: a new run of the same 10,000 inputs with 10,000 new
outputs, graded in a fresh process (imports and model load included) by the fit the first run's check carries: the
inputs' vectors come from the cache, the 10,000 outputs are embedded.

Prints one JSON line: learned_items, learned_labels, learned_10k_s (fit plus grading; learned_10k_cpu_s its CPU
time, all threads), learned_rerun_s, learned_load_1m (load average before and after), learned_reeval_10k_s (the
re-evaluation: 10,000 new outputs graded), learned_reeval_items, and the bare encoder alone in the same process:
learned_encoder, learned_encoder_threads, learned_encoder_texts_per_s (and per CPU second),
learned_encoder_load_1m. `--items N` grades N items instead of 10,000; `--compare-fp32` grades the same rows again
with fp32 vectors (fp32_* figures) and adds learned_fp32_verdict_agreement, learned_fp32_max_p_diff and
learned_fp32_mean_p_diff. `benchmarks/bench_judge.py` prints these figures beside the judge's.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REEVAL = """
import json, sys, time
sys.path.insert(0, {bench!r})
from bench_learned import reeval_rows
from curator.checks import stored_checks
from curator.jobs.learning import run_learned
from curator.review.runs import create_run_from_records
from curator.workspace import Workspace
with Workspace.open({workspace!r}) as ws:
    [spec] = [s for s in stored_checks(ws, {run_id}) if s.name == "learned"]
    run = create_run_from_records(ws, "learned-bench-reeval", reeval_rows({items}))
    started = time.perf_counter()
    [outcome] = run_learned(ws, run.run_id, [spec])
    seconds = time.perf_counter() - started
print(json.dumps({{"seconds": seconds, "graded": outcome.graded, "carried": outcome.carried,
                  "problem": outcome.error or outcome.reason}}))
"""


def records(count: int) -> list[dict]:
    """`count` demo eval records (cycled), each output its target."""
    from curator.demo.task import eval_records

    pool = eval_records(per_case=max(1, count // 10 + 1))
    return [
        {**r, "item_id": f"{i}", "output": r["target"]} for i, r in enumerate((pool * (count // len(pool) + 1))[:count])
    ]


def _maybe_untagged(output: str, index: int) -> str:
    """Every third output without its weather tag: what the labels fail."""
    return output.split("<display_weather>")[0] if index % 3 == 0 else output


def learned_rows(items: int) -> list[dict]:
    """`items` rows whose inputs and outputs are all distinct (a ticket number in each)."""
    return [
        {**r, "input": f"{r['input']} (ticket {i})", "output": f"{_maybe_untagged(r['output'], i)} Ref {i}."}
        for i, r in enumerate(records(items))
    ]


def reeval_rows(items: int) -> list[dict]:
    """The bench's rows with new distinct outputs: the items of a re-evaluation of the same inputs."""
    return [{**r, "output": f"{r['output']} (re-eval)"} for r in learned_rows(items)]


def reeval_figures(workspace: Path, run_id: int, items: int) -> dict:
    """Seconds to grade a re-evaluation's new outputs in a fresh process, by the fit `run_id`'s check carries."""
    code = REEVAL.format(bench=str(ROOT / "benchmarks"), workspace=str(workspace), run_id=run_id, items=items)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        raise SystemExit(f"the re-evaluation failed: {done.stderr.strip().splitlines()[-1:]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    if figures["problem"] or not figures["carried"]:
        raise SystemExit(f"the re-evaluation was not graded by the carried fit: {figures}")
    return {"learned_reeval_10k_s": round(figures["seconds"], 2), "learned_reeval_items": figures["graded"]}


def learned_figures(tmp: Path, items: int = 10_000, labels: int = 300, model: str | None = None) -> dict:
    """Fit a learned check on `labels` labels and grade `items` distinct outputs; then the same again. `model`:
    the embedder's name (default: what a new fit uses). The per-item scores come back under "scores"."""
    from curator.checks import CheckSpec
    from curator.checks.learned.encoder import load_encoder
    from curator.jobs.learning import run_learned
    from curator.review.labels import set_label
    from curator.review.runs import create_run_from_records
    from curator.storage import judge_cache
    from curator.workspace import Workspace

    rows = learned_rows(items)
    spec = CheckSpec("learned", "learned")
    embedder = load_encoder(model) if model else None
    load_before = os.getloadavg()[0]
    with Workspace.open(tmp / f"learned-ws-{model or 'default'}") as ws:
        run = create_run_from_records(ws, "learned-bench", rows)
        run_learned(ws, run.run_id, [spec], embedder=embedder)  # stores the check (not graded) to be labelled
        for row in rows[:labels]:
            set_label(ws, run.run_id, row["item_id"], "learned", "<display_weather>" in row["output"])
        started, cpu_started = time.perf_counter(), time.process_time()
        [outcome] = run_learned(ws, run.run_id, [spec], embedder=embedder)
        fit_and_grade_s, cpu_s = time.perf_counter() - started, time.process_time() - cpu_started
        load_after = os.getloadavg()[0]
        started = time.perf_counter()
        [again] = run_learned(ws, run.run_id, [spec], embedder=embedder)
        rerun_s = time.perf_counter() - started
        scores = [score for _, _, _, score, *_ in judge_cache.verdict_rows(ws.db, run.run_id, "learned")]
    for done in (outcome, again):
        if done.error or done.reason:
            raise SystemExit(f"learned check failed: {done.error or done.reason}")
    reeval = {} if model else reeval_figures(tmp / "learned-ws-default", run.run_id, items)
    return {
        "learned_items": outcome.graded,
        "learned_labels": outcome.labels,
        "learned_10k_s": round(fit_and_grade_s, 2),
        "learned_10k_cpu_s": round(cpu_s, 2),
        "learned_rerun_s": round(rerun_s, 2),
        "learned_load_1m": [round(load_before, 2), round(load_after, 2)],
        **reeval,
        **bare_encoder(model),
        "scores": scores,
    }


def bare_encoder(model: str | None, texts: int = 2_000) -> dict:
    """Texts/s of the learned grader's encoder alone on `texts` new distinct texts of the bench's kind (model
    loaded already), on the threads it chooses, with the load average beside it."""
    from curator.checks.learned.encoder import learned_model, load_encoder
    from curator.checks.learned.threads import encoding_threads

    rows = learned_rows(texts // 2)
    sample = [f"{r['input']} (bare)" for r in rows] + [f"{r['output']} (bare)" for r in rows]
    encoder = load_encoder(model or learned_model())
    with encoding_threads() as threads:
        pass
    started, cpu_started = time.perf_counter(), time.process_time()
    encoder.encode(sample)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return {
        "learned_encoder": encoder.name,
        "learned_encoder_threads": threads,
        "learned_encoder_texts_per_s": round(len(sample) / wall, 1),
        "learned_encoder_texts_per_cpu_s": round(len(sample) / cpu, 1),
        "learned_encoder_load_1m": round(os.getloadavg()[0], 2),
    }


def agreement(scores: list[float], reference: list[float]) -> dict:
    """How the grades of one encoder agree with another's (same items, same labels): verdicts at p >= 0.5."""
    import numpy as np

    a, b = np.asarray(scores), np.asarray(reference)
    flipped = b[(a >= 0.5) != (b >= 0.5)]
    return {
        "learned_fp32_verdict_agreement": round(float(np.mean((a >= 0.5) == (b >= 0.5))), 5),
        "learned_fp32_flipped_p_range": [round(float(flipped.min()), 3), round(float(flipped.max()), 3)]
        if len(flipped)
        else None,
        "learned_fp32_max_p_diff": round(float(np.abs(a - b).max()), 4),
        "learned_fp32_mean_p_diff": round(float(np.abs(a - b).mean()), 5),
    }


def learned_report(items: int = 10_000, compare_fp32: bool = False) -> dict:
    """The learned figures (and with --compare-fp32, the same run with fp32 vectors and the verdicts' agreement)."""
    with tempfile.TemporaryDirectory() as tmp:
        figures = learned_figures(Path(tmp), items=items)
        if compare_fp32:
            from curator.checks.learned.encoder import DEFAULT_MODEL

            fp32 = learned_figures(Path(tmp), items=items, model=DEFAULT_MODEL)
            figures |= {f"fp32_{k}": v for k, v in fp32.items() if k != "scores"}
            figures |= agreement(figures["scores"], fp32["scores"])
    figures.pop("scores")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=10_000, help="Items the learned check grades.")
    parser.add_argument(
        "--compare-fp32", action="store_true", help="Grade again with fp32 vectors and report the agreement."
    )
    args = parser.parse_args()
    print(json.dumps(learned_report(args.items, args.compare_fp32)))


if __name__ == "__main__":
    main()
