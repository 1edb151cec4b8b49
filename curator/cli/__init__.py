"""The `curator` command line: thin commands over the domain, Rich output, no heavy imports at start."""
