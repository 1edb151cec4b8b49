-- Runs, items, checks and check results: what an eval run is.
CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE SEQUENCE run_ids START 1;
CREATE TABLE runs (
    run_id INTEGER PRIMARY KEY DEFAULT nextval('run_ids'),
    name VARCHAR NOT NULL UNIQUE,
    model VARCHAR,
    adapter VARCHAR,
    source_path VARCHAR,
    source_format VARCHAR,
    parent_run_id INTEGER,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    settings JSON
);
-- item_key is the item's 0-based position in its run: dense, ordered, the key for keyset pagination.
-- No index on purpose: bulk inserts of a million rows stay fast and zone maps serve range scans.
CREATE TABLE items (
    run_id INTEGER NOT NULL,
    item_key BIGINT NOT NULL,
    item_id VARCHAR NOT NULL,
    input VARCHAR,
    input_messages JSON,
    target VARCHAR,
    output VARCHAR,
    metadata JSON,
    split VARCHAR NOT NULL DEFAULT 'dev',
    source_line BIGINT
);
CREATE TABLE checks (
    run_id INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    spec JSON NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (run_id, name)
);
CREATE TABLE check_results (
    run_id INTEGER NOT NULL,
    check_name VARCHAR NOT NULL,
    item_key BIGINT NOT NULL,
    passed BOOLEAN NOT NULL,
    reason VARCHAR
);
