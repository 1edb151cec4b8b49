"""Inference backends (vLLM, transformers) and the eval child process; never opens the database."""
