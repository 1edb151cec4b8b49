"""Curator: the iterative refinement loop of LLM post-training, in the terminal.

The package root stays light: `import curator` loads no Textual, torch or DuckDB.
"""

__version__ = "0.1.0"
