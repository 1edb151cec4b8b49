"""Patterns in failures: suggested buckets from clusters of failure embeddings, and "more like this".

Modules: `grouping` (the clustering), `naming` (c-TF-IDF names), `suggestions` (store, accept, rename, split,
dismiss), `similar` (nearest neighbours). scikit-learn is imported only inside the functions that cluster or name.
"""
