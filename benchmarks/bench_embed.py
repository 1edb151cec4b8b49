"""Embedding and clustering speed: Curator against a bare SentenceTransformer.encode on the same texts.

Prints one JSON line: curator_texts_per_s and bare_texts_per_s (5,000 distinct short texts through `embed_run`
into a fresh cache, and through `SentenceTransformer.encode` with the same batch size and model, interleaved in
ten segments in the same process),
ratio (curator / bare; target >= 0.9), cached_pass_s (the same `embed_run` again: every vector from DuckDB, no
model call) and recluster_100k_s (`suggest_buckets` over a run of 100,000 failing items whose vectors are cached:
load vectors, cluster, name, store, scikit-learn already loaded; target < 10 s); also first_cluster_5k_s, the first
clustering in the process (the 5,000, right after embedding them).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time

import numpy as np

TEMPLATES = [
    "<api> What is the weather in {city}? It is {word}{p}",
    "<api> {city} forecast: {word}{p} Should I bring a coat?",
    "Tell me a short story about {word} days in {city}{p}",
    "<api> Is it {word} in {city} this {time}{p}",
    "Write a poem about {city} when it is {word}{p}",
    "<api> My friend in {city} says it is {word}{p} What do I pack?",
    "Plan a {time} walk in {city}; the sky is {word}{p}",
    "<api> Weather report for {city}, {time}: {word}{p}",
]
CITIES = [
    "Paris",
    "Lima",
    "Oslo",
    "Cairo",
    "Tokyo",
    "Quito",
    "Perth",
    "Dakar",
    "Seoul",
    "Boston",
    "Delhi",
    "Rome",
    "Nairobi",
    "Hanoi",
    "Austin",
    "Lagos",
    "Milan",
    "Kyiv",
    "Sofia",
    "Bern",
    "Doha",
    "Baku",
    "Suva",
    "Riga",
]
WORDS = [
    "sunny",
    "rainy",
    "cloudy",
    "bright sunshine",
    "clear skies",
    "overcast",
    "drizzle",
    "foggy",
    "stormy",
    "snowy",
    "windy",
    "humid",
    "freezing",
    "a heatwave",
    "grey and wet",
    "hazy",
]
TIMES = ["morning", "afternoon", "evening", "weekend"]
PUNCTUATION = ["!", ".", "?", "...", ",", ";", "?!"]


def distinct_texts(count: int, seed: int = 0) -> list[str]:
    """`count` distinct short prompts of the weather task."""
    rng = random.Random(seed)
    found: dict[str, None] = {}
    while len(found) < count:
        found[
            rng.choice(TEMPLATES).format(
                city=rng.choice(CITIES), word=rng.choice(WORDS), time=rng.choice(TIMES), p=rng.choice(PUNCTUATION)
            )
        ] = None
    return list(found)


def make_run(ws, name: str, texts: list[str], failing_checks: list[list[str]]):
    """A run whose items are `texts`, each failing the given checks: the output names the checks it fails, and
    one regex_absent check per name grades it through the checks step, as a user's spec would."""
    from curator.checks import CheckSpec, run_checks
    from curator.review.runs import create_run_from_records

    records = [
        {"item_id": f"b{k}", "input": t, "output": " ".join(checks)}
        for k, (t, checks) in enumerate(zip(texts, failing_checks, strict=True))
    ]
    run = create_run_from_records(ws, name, records)
    names = sorted({check for checks in failing_checks for check in checks})
    run_checks(ws, run.run_id, [CheckSpec(n, "regex_absent", {"pattern": rf"\b{n}\b"}) for n in names])
    return run


def checks_for(text: str) -> list[str]:
    """A plausible failure profile: which checks an item of this text fails."""
    if not text.startswith("<api>"):
        return ["no_tags_without_api"]
    return ["weather_tag"] if text.rstrip()[-1] in "!?.;," and "sunny" in text else ["emoji"]


def bench_embedding(ws, embedder, texts: list[str], segments: int = 10) -> dict:
    """Curator and bare encode on the same texts, interleaved segment by segment (alternating which goes first) so
    that load from other processes on a shared machine falls on both alike."""
    from curator.patterns.embeddings import embed_run

    run = make_run(ws, "embed-5k", texts, [checks_for(t) for t in texts])
    curator_s = bare_s = 0.0
    bare_rows = 0
    for number, keys in enumerate(np.array_split(np.arange(len(texts)), segments)):

        def through_curator(keys=keys) -> float:
            start = time.perf_counter()
            report = embed_run(ws, run.run_id, embedder=embedder, field="input", scope="all", item_keys=keys.tolist())
            assert report.computed == len(keys), report
            return time.perf_counter() - start

        def bare(keys=keys) -> float:
            start = time.perf_counter()
            vectors = embedder.model.encode(
                [texts[k] for k in keys],
                batch_size=embedder.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
            assert vectors.shape[0] == len(keys)
            return time.perf_counter() - start

        if number % 2 == 0:
            curator_s += through_curator()
            bare_s += bare()
        else:
            bare_s += bare()
            curator_s += through_curator()
        bare_rows += len(keys)
    start = time.perf_counter()
    again = embed_run(ws, run.run_id, embedder=embedder, field="input", scope="all")
    cached_s = time.perf_counter() - start
    assert again.computed == 0 and again.cached == len(texts), again
    from curator.patterns.embeddings import run_vectors

    vectors = run_vectors(ws, run.run_id, field="input", scope="all")[3]
    return {
        "curator_texts_per_s": len(texts) / curator_s,
        "bare_texts_per_s": bare_rows / bare_s,
        "cached_pass_s": cached_s,
        "vectors": vectors,
        "run_id": run.run_id,
    }


def bench_recluster(ws, embedder, texts: list[str], vectors: np.ndarray, items: int) -> tuple[float, int]:
    """Time suggest_buckets over `items` failing items whose (near-copy) vectors are already cached.

    scikit-learn is already loaded (by the first clustering), as when an analyst re-clusters after labelling.
    """
    from curator.patterns.embeddings import text_hash
    from curator.patterns.suggestions import suggest_buckets
    from curator.storage.embeddings import store_vectors

    rng = np.random.default_rng(0)
    base = rng.integers(0, len(texts), items)
    big_texts = [f"{texts[b]} #{k}" for k, b in enumerate(base)]
    noisy = vectors[base] + rng.normal(0, 0.02, (items, vectors.shape[1])).astype(np.float32)
    noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
    run = make_run(ws, "recluster-100k", big_texts, [checks_for(texts[b]) for b in base])
    with ws.db.transaction() as cur:
        store_vectors(cur, embedder.name, [text_hash(t) for t in big_texts], noisy)
    start = time.perf_counter()
    suggestions = suggest_buckets(ws, run.run_id, embedder=embedder, field="input")
    return time.perf_counter() - start, len(suggestions)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--texts", type=int, default=5_000)
    parser.add_argument("--recluster-items", type=int, default=100_000)
    args = parser.parse_args()

    from curator.patterns.embeddings import SentenceTransformerEmbedder
    from curator.patterns.suggestions import suggest_buckets
    from curator.workspace import Workspace

    embedder = SentenceTransformerEmbedder()
    embedder.encode(["warm up the model"] * 64)
    texts = distinct_texts(args.texts)
    with tempfile.TemporaryDirectory() as folder, Workspace.open(folder) as ws:
        figures = bench_embedding(ws, embedder, texts)
        start = time.perf_counter()
        suggest_buckets(ws, figures.pop("run_id"), embedder=embedder, field="input")
        figures["first_cluster_5k_s"] = time.perf_counter() - start
        recluster_s, clusters = bench_recluster(ws, embedder, texts, figures.pop("vectors"), args.recluster_items)
    figures["ratio"] = figures["curator_texts_per_s"] / figures["bare_texts_per_s"]
    figures["recluster_100k_s"] = recluster_s
    result = {
        key: round(figures[key], 3)
        for key in ("curator_texts_per_s", "bare_texts_per_s", "ratio", "recluster_100k_s", "cached_pass_s")
    }
    result |= {
        "first_cluster_5k_s": round(figures["first_cluster_5k_s"], 3),
        "texts": args.texts,
        "recluster_items": args.recluster_items,
        "clusters": clusters,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    sys.exit(main())
