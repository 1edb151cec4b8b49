"""Proposed cluster names: the words that set a cluster apart from the others (class-based TF-IDF)."""

from __future__ import annotations

import re

import numpy as np

from curator.unique_names import first_free_name

# Words of two letters or more, underscores included (`display_weather`), and single pictographs (☀, ☔, 🌧).
TOKEN_PATTERN = r"(?u)\b[^\W\d][\w]+\b|[\u2600-\u27bf\U0001f300-\U0001faff]"
# Markup tags (`<think>`, `</answer>`) are the format every item shares, not what sets a cluster apart.
MARKUP_TAG = re.compile(r"</?[A-Za-z_][\w-]*>")
# In a difference text a tag is what went missing or appeared: keep its name (once, from the opening tag).
OPENING_TAG = re.compile(r"<([A-Za-z_][\w-]*)>")


def class_keywords(cluster_docs: list[str], top: int = 3, keep_tags: bool = False) -> list[list[str]]:
    """For each cluster's text (all its items joined), its `top` words by c-TF-IDF (tags dropped unless
    `keep_tags`, where an opening tag counts as its name)."""
    if not cluster_docs:
        return []
    # scikit-learn takes ~1 s to import: loaded only when clusters are named.
    from sklearn.feature_extraction.text import CountVectorizer

    vectorizer = CountVectorizer(token_pattern=TOKEN_PATTERN, stop_words="english", lowercase=True)
    docs = [MARKUP_TAG.sub(" ", OPENING_TAG.sub(r" \1 ", doc) if keep_tags else doc) for doc in cluster_docs]
    try:
        counts = vectorizer.fit_transform(docs).astype(np.float64)
    except ValueError:  # every text was empty or stop words only
        return [[] for _ in cluster_docs]
    words = vectorizer.get_feature_names_out()
    weights = _ctfidf(counts)
    return [_top_words(weights.getrow(row), words, top) for row in range(weights.shape[0])]


def _ctfidf(counts):
    """c-TF-IDF: term frequency within a class times log(1 + average words per class / the term's frequency overall)."""
    class_sizes = np.asarray(counts.sum(axis=1)).ravel()
    tf = counts.multiply(1.0 / np.where(class_sizes == 0, 1.0, class_sizes)[:, None]).tocsr()
    term_totals = np.asarray(counts.sum(axis=0)).ravel()
    idf = np.log(1.0 + class_sizes.mean() / np.where(term_totals == 0, 1.0, term_totals))
    return tf.multiply(idf[None, :]).tocsr()


def _top_words(row, words: np.ndarray, top: int) -> list[str]:
    order = np.argsort(-row.data, kind="stable")[:top]
    return [str(words[row.indices[i]]) for i in order]


def propose_names(keywords: list[list[str]], taken: set[str] = frozenset()) -> list[str]:
    """A unique name per cluster from its keywords (`sunny-comma-missing`), avoiding names in `taken`."""
    names: list[str] = []
    used = set(taken)
    for number, words in enumerate(keywords, start=1):
        name = first_free_name("-".join(words) or f"cluster-{number}", used.__contains__)
        used.add(name)
        names.append(name)
    return names
