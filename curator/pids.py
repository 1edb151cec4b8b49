"""Whether a process still runs, asked by its pid (the workspace lock, job claims, children and sweep runners)."""

from __future__ import annotations

import os


def pid_alive(pid: int | None) -> bool:
    """True while process `pid` exists (under any user); False for none, or one that has ended."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: it exists, under another user
        return True
    return True
