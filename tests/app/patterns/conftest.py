"""The suggested-buckets screen's tests reuse the failure families of tests/patterns."""

from __future__ import annotations

import sys
from pathlib import Path

# The family builders live beside the domain tests; this folder is not a package, so put them on the path.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "patterns"))
