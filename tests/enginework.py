"""A base run as `curator eval` stores one generated on vLLM, with its engine options."""

from __future__ import annotations

from curator.demo.task import eval_records
from curator.review.runs import create_run_from_records

GENERATION = {"max_new_tokens": 48, "temperature": 0.0, "top_p": 1.0, "batch_size": 16, "seed": 0}
RUN_ENGINE = {"max_model_len": 2048, "gpu_memory_utilization": 0.6}


def vllm_run(ws, name: str = "base", engine: dict | None = None):
    """A run as `curator eval` stores one made on vLLM: its generation settings, backend and engine options."""
    records = eval_records(per_case=1)
    for record in records:
        record["output"] = record["target"]
    settings = {"generation": GENERATION, "backend": "vllm", "dtype": "bfloat16", "engine": engine or RUN_ENGINE}
    return create_run_from_records(ws, name, records, settings=settings)
