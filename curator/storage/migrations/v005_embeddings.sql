-- Embedding cache (shared by all runs: keyed by model and the sha256 of the embedded text),
-- the embedding choice last used per run, and the suggested buckets found by clustering a run's failures.
CREATE TABLE embeddings (
    model VARCHAR NOT NULL,
    text_hash VARCHAR NOT NULL,
    dim INTEGER NOT NULL,
    vector FLOAT[] NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (model, text_hash)
);
CREATE TABLE run_embedding_settings (
    run_id INTEGER PRIMARY KEY,
    model VARCHAR NOT NULL,
    text_field VARCHAR NOT NULL,
    embedded_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
CREATE SEQUENCE suggestion_ids START 1;
-- number: the suggestion's place in its run's latest clustering (1 = largest), what the CLI and screen show.
-- status: open | accepted | dismissed; bucket_id is set once accepted.
CREATE TABLE cluster_suggestions (
    suggestion_id INTEGER PRIMARY KEY DEFAULT nextval('suggestion_ids'),
    run_id INTEGER NOT NULL,
    number INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    keywords VARCHAR[] NOT NULL,
    status VARCHAR NOT NULL DEFAULT 'open',
    bucket_id INTEGER,
    model VARCHAR NOT NULL,
    text_field VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    UNIQUE (run_id, number)
);
-- rank 0 is the item nearest the cluster's centre (its most representative item).
CREATE TABLE cluster_suggestion_items (
    run_id INTEGER NOT NULL,
    suggestion_id INTEGER NOT NULL,
    item_key BIGINT NOT NULL,
    rank INTEGER NOT NULL,
    PRIMARY KEY (suggestion_id, item_key)
);
