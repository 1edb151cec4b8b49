"""The `learned` check kind, its pure part: spec options, the fitted model file (logistic-regression weights over
sentence embeddings of input and output) and grading from that file.

No database: the training child grades with a stored fit as a GRPO reward. Fitting on the analyst's labels and
grading a run (with the embedding cache) live in curator.jobs.learning.
"""
