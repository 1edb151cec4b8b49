"""Review screens: runs, run overview, item browser, item detail and buckets."""
