-- Buckets (named failure patterns, shared by all runs of a workspace), item labels and notes.
CREATE SEQUENCE bucket_ids START 1;
CREATE TABLE buckets (
    bucket_id INTEGER PRIMARY KEY DEFAULT nextval('bucket_ids'),
    name VARCHAR NOT NULL UNIQUE,
    description VARCHAR NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    last_used_at TIMESTAMP
);
CREATE TABLE labels (
    run_id INTEGER NOT NULL,
    item_key BIGINT NOT NULL,
    bucket_id INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (run_id, item_key, bucket_id)
);
CREATE SEQUENCE note_ids START 1;
CREATE TABLE notes (
    note_id INTEGER PRIMARY KEY DEFAULT nextval('note_ids'),
    run_id INTEGER NOT NULL,
    item_key BIGINT NOT NULL,
    bucket_id INTEGER,
    text VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
