"""Turning shares into row counts that add up exactly to the total (largest remainder)."""

from __future__ import annotations

import math


def allocate(shares: list[float], total: int) -> list[int]:
    """Counts per share, each within one row of share * total, summing to `total`."""
    exact = [share * total for share in shares]
    counts = [math.floor(x) for x in exact]
    by_remainder = sorted(range(len(shares)), key=lambda i: (-(exact[i] - counts[i]), i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts
