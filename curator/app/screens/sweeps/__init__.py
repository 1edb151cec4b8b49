"""The sweep screen: the workspace's sweeps and, for one, its per-check figures, front, curve and recommendation."""
