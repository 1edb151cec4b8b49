"""Import speed: a synthetic N-item JSONL run through `curator import` and 5 regex-like checks, against
`datasets.load_dataset("json", ...)` on the same file. Prints one JSON line.

    python benchmarks/bench_import.py --rows 1000000

Each side runs three times in its own child process (so peak RSS are separate), the order alternating from round
to round, and the line reports medians. Beside them stand the floors measured on the same file in the same rounds:
a bare DuckDB `CREATE TABLE AS SELECT * FROM read_json(...)` into an on-disk database, and a bare pyarrow
`read_json` scanned by DuckDB into an on-disk database; no import that writes a DuckDB file can beat them.
Targets on a 2-core machine at 1,000,000 rows: import at least as fast as the baseline (or within reach of the
floors when they are slower than it), checks under 5 s, peak RSS of the import at most 0.6 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WEATHER = ["sunny", "Bright sunshine!", "cloudy", "overcast skies", "light rain", "Clear skies!", "<SUNNY>", "showers"]
EMOJI = {
    "sunny": "☀",
    "Bright sunshine!": "☀",
    "cloudy": "☁",
    "overcast skies": "☁",
    "light rain": "🌧",
    "Clear skies!": "☀",
    "<SUNNY>": "☀",
    "showers": "🌧",
}
WORDS = (
    "the a model answer weather garden question number seven twelve apple basket river morning train ticket "
    "market price quickly carefully friend letter window kitchen summer winter city bridge music"
).split()

CHECKS = """
[[check]]
name = "think_answer"
kind = "regex"
pattern = '<think>(?s:.*?)</think>\\s*<answer>(?s:.*?)</answer>'
when_input = "<api>"

[[check]]
name = "weather_tag"
kind = "tag_present"
tag = "display_weather"
when_input = "<api>"

[[check]]
name = "no_weather_without_api"
kind = "tag_absent"
tag = "display_weather"
unless_input = "<api>"

[[check]]
name = "no_apology"
kind = "regex_absent"
pattern = '(?i)sorry|as an ai'

[[check]]
name = "answer_number"
kind = "regex"
pattern = '<answer>\\d+</answer>'
"""


def _sentences(rng: random.Random, count: int) -> list[str]:
    return [" ".join(rng.choices(WORDS, k=rng.randint(4, 12))).capitalize() + "." for _ in range(count)]


def write_synthetic(path: Path, rows: int, seed: int = 0) -> None:
    """N items of 200-600 characters (input + target + output): weather prompts with an <api> line, plain sums."""
    rng = random.Random(seed)
    filler = _sentences(rng, 4096)
    text = " ".join(filler)
    with path.open("w", encoding="utf-8") as f:
        for n in range(rows):
            a, b = rng.randint(1, 99), rng.randint(1, 99)
            if n % 2:
                weather = rng.choice(WEATHER)
                head = f"<api>weather: {weather}</api>\\n"
                answer = a + b if rng.random() < 0.8 else a + b + 1
                tag = f"<display_weather>{EMOJI[weather]}</display_weather>" if rng.random() < 0.7 else ""
                output = f"<think>{a} plus {b}. {rng.choice(filler)}</think><answer>{answer}</answer>{tag}"
                target = f"<think>{a} + {b}</think><answer>{a + b}</answer><display_weather>{EMOJI[weather]}</display_weather>"
            else:
                head = ""
                output = f"<answer>{a + b}</answer>" if rng.random() < 0.9 else f"Sorry, {rng.choice(filler)}"
                target = f"<answer>{a + b}</answer>"
            question = f" What is {a} + {b}?"
            room = max(rng.randint(200, 600) - len(head) - len(question) - len(target) - len(output), 10)
            start = rng.randrange(len(text) - room)
            prompt = f"{head}{text[start : start + room].strip()}{question}"
            f.write(
                f'{{"id": "item-{n}", "input": "{prompt}", "target": "{target}", "output": "{output}", '
                f'"task": "weather-sum"}}\n'
            )


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s() -> float:
    """CPU seconds of this process, all threads: the fair measure on a machine other work is loading."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _timed(work) -> tuple[object, float, float]:
    started, cpu = time.perf_counter(), _cpu_s()
    value = work()
    return value, time.perf_counter() - started, _cpu_s() - cpu


def run_curator(path: Path, workdir: Path) -> dict:
    """Import the file into a fresh on-disk workspace, then run the 5 checks (in this child process)."""
    from curator.checks import load_spec_text, run_checks
    from curator.importers import import_file
    from curator.workspace import Workspace

    with Workspace.open(workdir / "ws") as ws:
        result, import_s, import_cpu_s = _timed(lambda: import_file(ws, path))
        import_peak = _peak_rss_mb()
        _, checks_s, _ = _timed(lambda: run_checks(ws, result.run.run_id, load_spec_text(CHECKS, "bench")))
    return {
        "items": result.items,
        "s": import_s,
        "cpu_s": import_cpu_s,
        "checks_s": checks_s,
        "import_peak_rss_mb": import_peak,
        "peak_rss_mb": _peak_rss_mb(),
    }


def run_baseline(path: Path, workdir: Path) -> dict:
    """What the Hugging Face `datasets` JSON loader takes for the same file (in this child process)."""
    os.environ["HF_DATASETS_OFFLINE"] = "1"
    import datasets  # the baseline library itself (~1 s to import), loaded only in this child

    datasets.disable_progress_bars()
    loaded, seconds, cpu = _timed(
        lambda: datasets.load_dataset("json", data_files=str(path), split="train", cache_dir=str(workdir / "hf-cache"))
    )
    return {"items": loaded.num_rows, "s": seconds, "cpu_s": cpu, "peak_rss_mb": _peak_rss_mb()}


def run_floor_duckdb(path: Path, workdir: Path) -> dict:
    """The floor of DuckDB's own reader: the whole file as typed columns into an on-disk database, no checks."""
    import duckdb

    with duckdb.connect(str(workdir / "floor-duckdb.duckdb")) as conn:
        conn.execute("SET enable_progress_bar = false")
        sql = "CREATE TABLE t AS SELECT * FROM read_json(?, format = 'newline_delimited')"
        _, seconds, cpu = _timed(lambda: conn.execute(sql, [str(path)]))
        items = conn.execute("SELECT count(*) FROM t").fetchone()[0]
    return {"items": items, "s": seconds, "cpu_s": cpu, "peak_rss_mb": _peak_rss_mb()}


def run_floor_pyarrow(path: Path, workdir: Path) -> dict:
    """The floor of pyarrow's multi-threaded reader (what `datasets` uses) scanned by DuckDB into an on-disk file."""
    import duckdb
    import pyarrow.json  # the floor's own reader, loaded only in this child

    with duckdb.connect(str(workdir / "floor-pyarrow.duckdb")) as conn:
        conn.execute("SET enable_progress_bar = false")

        def load():
            table = pyarrow.json.read_json(str(path))
            conn.register("arrow_table", table)
            conn.execute("CREATE TABLE t AS SELECT * FROM arrow_table")
            conn.unregister("arrow_table")

        _, seconds, cpu = _timed(load)
        items = conn.execute("SELECT count(*) FROM t").fetchone()[0]
    return {"items": items, "s": seconds, "cpu_s": cpu, "peak_rss_mb": _peak_rss_mb()}


RUNNERS = {
    "curator": run_curator,
    "baseline": run_baseline,
    "floor_duckdb": run_floor_duckdb,
    "floor_pyarrow": run_floor_pyarrow,
}


def _child(role: str, path: Path, workdir: Path) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", role, "--file", str(path), "--workdir", str(workdir)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{role} run failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_rounds(path: Path, workdir: Path, rounds: int, rows: int) -> dict[str, list[dict]]:
    """Every role once per round in a fresh folder, the order reversed every other round."""
    runs: dict[str, list[dict]] = {role: [] for role in RUNNERS}
    for number in range(rounds):
        order = list(RUNNERS) if number % 2 == 0 else list(reversed(RUNNERS))
        for role in order:
            folder = workdir / f"{role}-{number}"
            folder.mkdir()
            measured = _child(role, path, folder)
            assert measured["items"] == rows, (role, measured)
            runs[role].append(measured)
            shutil.rmtree(folder)
    return runs


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def summary(rows: int, runs: dict[str, list[dict]]) -> dict:
    ours, theirs = runs["curator"], runs["baseline"]
    import_s, baseline_s = _median(ours, "s"), _median(theirs, "s")
    floor_duckdb_s, floor_pyarrow_s = _median(runs["floor_duckdb"], "s"), _median(runs["floor_pyarrow"], "s")
    return {
        "rows": rows,
        "rounds": len(ours),
        "import_s": round(import_s, 2),
        "import_s_runs": [round(run["s"], 2) for run in ours],
        "import_rows_per_s": round(rows / import_s),
        "import_cpu_s": round(_median(ours, "cpu_s"), 2),
        "import_peak_rss_mb": round(_median(ours, "import_peak_rss_mb")),
        "checks_s": round(_median(ours, "checks_s"), 2),
        "checks_rows_per_s": round(rows / _median(ours, "checks_s")),
        "peak_rss_mb": round(_median(ours, "peak_rss_mb")),
        "baseline_s": round(baseline_s, 2),
        "baseline_s_runs": [round(run["s"], 2) for run in theirs],
        "baseline_cpu_s": round(_median(theirs, "cpu_s"), 2),
        "baseline_peak_rss_mb": round(_median(theirs, "peak_rss_mb")),
        "speedup_vs_baseline": round(baseline_s / import_s, 2),
        "cpu_speedup_vs_baseline": round(_median(theirs, "cpu_s") / _median(ours, "cpu_s"), 2),
        "floor_duckdb_read_json_s": round(floor_duckdb_s, 2),
        "floor_duckdb_cpu_s": round(_median(runs["floor_duckdb"], "cpu_s"), 2),
        "floor_duckdb_peak_rss_mb": round(_median(runs["floor_duckdb"], "peak_rss_mb")),
        "floor_pyarrow_into_duckdb_s": round(floor_pyarrow_s, 2),
        "floor_pyarrow_cpu_s": round(_median(runs["floor_pyarrow"], "cpu_s"), 2),
        "floor_pyarrow_peak_rss_mb": round(_median(runs["floor_pyarrow"], "peak_rss_mb")),
        "best_floor_speedup_vs_baseline": round(baseline_s / min(floor_duckdb_s, floor_pyarrow_s), 2),
        "import_vs_best_floor": round(min(floor_duckdb_s, floor_pyarrow_s) / import_s, 2),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", choices=list(RUNNERS), help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(RUNNERS[args.child](args.file, args.workdir)))
        return
    with tempfile.TemporaryDirectory(prefix="curator-bench-") as tmp:
        workdir = Path(tmp)
        path = workdir / "synthetic.jsonl"
        write_synthetic(path, args.rows)
        runs = run_rounds(path, workdir, args.rounds, args.rows)
    print(json.dumps(summary(args.rows, runs)))


if __name__ == "__main__":
    main()
