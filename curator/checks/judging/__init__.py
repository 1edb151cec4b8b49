"""The `judge` check kind, its pure part: spec options, rubric syntax, verdict parsing, votes and cache keys.

No model, no database: the model calls live in curator.inference (judge_child, judge_endpoint) and the
orchestration (render, cache, run, store) in curator.jobs.judging.
"""
