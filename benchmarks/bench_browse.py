"""Browse a 1,000,000-item run headless: first screen, page-move latency net of the pilot's own cost, peak RSS.

The user's path is timed: the app starts on the runs screen, and once the runs are listed the browser is opened
on the failures of one check. Prints one JSON line: items, pilot_floor_ms, page_p50_ms, page_p95_ms (net of the
floor), first_screen_s (app start to the browser's first page), peak_rss_mb, heavy_modules_loaded, and the two
parts of first_screen_s: runs_screen_s (app start to the runs listed) and browser_open_s (browser asked for to
its first page), and matching_items. The workspace is built in a child process so its memory does not count.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEAVY = ("torch", "transformers", "sentence_transformers", "peft", "trl", "sklearn", "datasets")
PAGE_DOWNS = 50


def build_workspace(path: str, items: int) -> None:
    """A run of `items` weather items with two checks (`tag` fails on a third, `answer` on a seventh)."""
    from curator.review.runs import create_run_from_records
    from curator.storage.browse import store_check_results
    from curator.workspace import Workspace

    words = ["sunny", "cloudy", "rainy", "bright sunshine", "clear skies"]
    records = [
        {
            "item_id": f"q{k:07d}",
            "input": f"<api> weather today: {words[k % 5]} ({k})",
            "target": f"<display_weather>{words[k % 5]}</display_weather>",
            "output": f"<think>hmm</think> {words[(k * 7) % 5]} {k}",
            "split": "dev" if k % 10 else "held_out",
        }
        for k in range(items)
    ]
    with Workspace.open(path) as ws:
        run_id = create_run_from_records(ws, "big", records).run_id
        del records
        with ws.db.transaction() as cur:
            store_check_results(cur, run_id, "tag", "tag_present", {k: (k % 3 != 0, "") for k in range(items)}, 0)
            store_check_results(cur, run_id, "answer", "numeric", {k: (k % 7 != 0, "") for k in range(items)}, 1)


async def timed_presses(pilot, keys: list[str]) -> list[float]:
    """Milliseconds from each key press until the app has settled."""
    times = []
    for key in keys:
        start = time.perf_counter()
        await pilot.press(key)
        await pilot.pause()
        times.append((time.perf_counter() - start) * 1000)
    return times


KEYS = ["pagedown"] * PAGE_DOWNS + ["end", "home"]


async def pilot_floor() -> float:
    """The median cost of the same presses on an app with one static widget."""
    from textual.app import App
    from textual.widgets import Static

    class Floor(App):
        def compose(self):
            yield Static("floor")

    async with Floor().run_test(size=(120, 40)) as pilot:
        return statistics.median(await timed_presses(pilot, KEYS))


async def browse(path: str) -> dict:
    from curator.app.curator_app import CuratorApp
    from curator.app.screens.review.browser import BrowserScreen
    from curator.app.screens.review.runs import RunsScreen
    from curator.app.widgets.item_table import ItemTable
    from curator.review.browse import ItemFilter, run_header
    from curator.workspace import Workspace

    start = time.perf_counter()
    with Workspace.open(path) as ws:
        app = CuratorApp(ws)
        async with app.run_test(size=(120, 40)) as pilot:
            while not (isinstance(app.screen, RunsScreen) and app.screen.runs):
                await asyncio.sleep(0.005)
            runs_screen = time.perf_counter() - start
            opened = time.perf_counter()
            app.open_browser(ItemFilter(1, failing_check="tag"))
            while not (isinstance(app.screen, BrowserScreen) and app.screen.items is not None):
                await asyncio.sleep(0.005)
            await pilot.pause()
            first_screen = time.perf_counter() - start
            browser_open = time.perf_counter() - opened
            table = app.screen.query_one(ItemTable)
            times = await timed_presses(pilot, KEYS)
            assert table.cursor_row == 0 and table.items.count == (run_header(ws, 1)[1] + 2) // 3
            return {
                "first_screen_s": first_screen,
                "runs_screen_s": runs_screen,
                "browser_open_s": browser_open,
                "times": times,
                "count": table.items.count,
            }


def measure(path: str) -> tuple[float, dict]:
    """The pilot floor, then the browse figures on the workspace at `path`."""
    return asyncio.run(pilot_floor()), asyncio.run(browse(path))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--build", help=argparse.SUPPRESS)
    parser.add_argument("--workspace", help="reuse a workspace an earlier --build made (for repeated runs)")
    args = parser.parse_args()
    if args.build:
        build_workspace(args.build, args.items)
        return
    if args.workspace:
        floor, result = measure(args.workspace)
    else:
        with tempfile.TemporaryDirectory(prefix="curator-bench-") as folder:
            path = str(Path(folder) / "ws")
            subprocess.run([sys.executable, __file__, "--items", str(args.items), "--build", path], check=True)
            floor, result = measure(path)
    net = sorted(max(0.0, t - floor) for t in result["times"])
    print(
        json.dumps(
            {
                "items": args.items,
                "pilot_floor_ms": round(floor, 1),
                "page_p50_ms": round(statistics.median(net), 1),
                "page_p95_ms": round(net[int(0.95 * (len(net) - 1))], 1),
                "first_screen_s": round(result["first_screen_s"], 3),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "heavy_modules_loaded": sorted(m for m in HEAVY if m in sys.modules),
                "runs_screen_s": round(result["runs_screen_s"], 3),
                "browser_open_s": round(result["browser_open_s"], 3),
                "matching_items": result["count"],
            }
        )
    )


if __name__ == "__main__":
    main()
