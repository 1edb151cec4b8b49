"""Import speed: a synthetic N-item JSONL run through `curator import` and 5 regex-like checks, against
`datasets.load_dataset("json", ...)` on the same file. Prints one JSON line.

    python benchmarks/bench_import.py --rows 1000000

Targets on a 2-core machine at 1,000,000 rows: import under 15 s, checks under 5 s, peak RSS under 1.5 GB,
import faster than the baseline. Each side runs in its own child process so their peak RSS are separate.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
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


def run_curator(path: Path, workdir: Path) -> dict:
    """Import the file into a fresh on-disk workspace, then run the 5 checks (in this child process)."""
    from curator.checks import load_spec_text, run_checks
    from curator.importers import import_file
    from curator.workspace import Workspace

    with Workspace.open(workdir / "ws") as ws:
        started, cpu = time.perf_counter(), _cpu_s()
        result = import_file(ws, path)
        import_s, import_cpu_s = time.perf_counter() - started, _cpu_s() - cpu
        started = time.perf_counter()
        run_checks(ws, result.run.run_id, load_spec_text(CHECKS, "bench"))
        checks_s = time.perf_counter() - started
    return {
        "items": result.items,
        "import_s": import_s,
        "import_cpu_s": import_cpu_s,
        "checks_s": checks_s,
        "peak_rss_mb": _peak_rss_mb(),
    }


def run_baseline(path: Path, workdir: Path) -> dict:
    """What the Hugging Face `datasets` JSON loader takes for the same file (in this child process)."""
    os.environ["HF_DATASETS_OFFLINE"] = "1"
    import datasets  # the baseline library itself (~1 s to import), loaded only in this child

    datasets.disable_progress_bars()
    started, cpu = time.perf_counter(), _cpu_s()
    loaded = datasets.load_dataset("json", data_files=str(path), split="train", cache_dir=str(workdir / "hf-cache"))
    return {
        "items": loaded.num_rows,
        "baseline_s": time.perf_counter() - started,
        "baseline_cpu_s": _cpu_s() - cpu,
        "baseline_peak_rss_mb": _peak_rss_mb(),
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--child", choices=["curator", "baseline"], help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        runner = run_curator if args.child == "curator" else run_baseline
        print(json.dumps(runner(args.file, args.workdir)))
        return
    with tempfile.TemporaryDirectory(prefix="curator-bench-") as tmp:
        workdir = Path(tmp)
        path = workdir / "synthetic.jsonl"
        write_synthetic(path, args.rows)
        ours = _child("curator", path, workdir)
        theirs = _child("baseline", path, workdir)
    assert ours["items"] == theirs["items"] == args.rows, (ours, theirs)
    print(
        json.dumps(
            {
                "rows": args.rows,
                "import_s": round(ours["import_s"], 2),
                "import_rows_per_s": round(args.rows / ours["import_s"]),
                "checks_s": round(ours["checks_s"], 2),
                "checks_rows_per_s": round(args.rows / ours["checks_s"]),
                "peak_rss_mb": round(ours["peak_rss_mb"]),
                "baseline_s": round(theirs["baseline_s"], 2),
                "baseline_rows_per_s": round(args.rows / theirs["baseline_s"]),
                "baseline_peak_rss_mb": round(theirs["baseline_peak_rss_mb"]),
                "speedup_vs_baseline": round(theirs["baseline_s"] / ours["import_s"], 2),
                "import_cpu_s": round(ours["import_cpu_s"], 2),
                "baseline_cpu_s": round(theirs["baseline_cpu_s"], 2),
                "load_average_1m": round(os.getloadavg()[0], 2),
            }
        )
    )


if __name__ == "__main__":
    main()
