"""The sweep screen's tests build stored sweeps through the sweep domain with constructed runs (tests/compare's
`runpairs`, tests/sweeps' `sweepwork`): no model, no training."""

import sys
from pathlib import Path

TESTS = next(p for p in Path(__file__).resolve().parents if p.name == "tests")
sys.path.insert(0, str(TESTS / "compare"))
sys.path.insert(0, str(TESTS / "sweeps"))
