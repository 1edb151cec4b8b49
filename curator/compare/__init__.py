"""Compare a run with its parent: per check and per bucket, fixed and regressed."""
