"""A learning curve as lines of text (pass rate against training rows), for the CLI and any plain view."""

from __future__ import annotations

BAR = 20  # characters of a bar at 100%


def bar(rate: float, width: int = BAR, base: float | None = None) -> str:
    """`█` up to the rate, `░` after it; the base's rate marked with `|` when it falls inside the bar."""
    filled = round(rate * width)
    cells = ["█"] * filled + ["░"] * (width - filled)
    if base is not None:
        cells[min(width - 1, round(base * width))] = "|"
    return "".join(cells)


def curve_lines(check: str, points: list[dict], base: float | None, width: int = BAR) -> list[str]:
    """One line per point of the learning curve of `check`: rows, a bar, the mean and the spread over seeds."""
    marker = f"; | is the base at {base:.0%}" if base is not None else ""
    lines = [f"{check}: held-out pass rate against training rows (mean over seeds{marker})"]
    digits = max((len(str(p["rows"])) for p in points), default=1)
    for point in points:
        spread = f"seeds {point['min']:.0%}-{point['max']:.0%}"
        lines.append(
            f"  {point['rows']:>{digits}} rows  {bar(point['rate'], width, base)}  {point['rate']:>4.0%}  {spread}"
        )
    return lines
