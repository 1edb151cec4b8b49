"""A learning curve as lines of text (pass rate against training rows), for the CLI and any plain view."""

from __future__ import annotations

BAR = 20  # characters of a bar at 100%


def bar(rate: float, width: int = BAR) -> str:
    """`█` up to the rate, `░` after it."""
    filled = round(rate * width)
    return "█" * filled + "░" * (width - filled)


def moves(points: list[dict], base: float | None) -> bool:
    """Whether the curve says anything: some point differs from another or from the base."""
    rates = {round(p["rate"], 6) for p in points} | ({round(base, 6)} if base is not None else set())
    return len(rates) > 1


def curve_lines(check: str, points: list[dict], base: float | None, width: int = BAR) -> list[str]:
    """The learning curve of `check`: the base run's rate, then one line per point (rows, a bar, the mean over
    seeds and their spread), fewest rows first."""
    lines = [f"{check}: held-out pass rate against training rows (mean over seeds)"]
    labels = [f"{p['rows']} rows" for p in points]
    pad = max([len(label) for label in labels] + [len("base")])
    if base is not None:
        lines.append(f"  {'base':>{pad}}  {bar(base, width)}  {base:>4.0%}")
    for label, point in zip(labels, points, strict=True):
        spread = f"seeds {point['min']:.0%}-{point['max']:.0%}"
        lines.append(f"  {label:>{pad}}  {bar(point['rate'], width)}  {point['rate']:>4.0%}  {spread}")
    return lines
