-- Buckets (named failure patterns, shared by all runs of a workspace), item labels, notes and the undo log.
CREATE SEQUENCE bucket_ids START 1;
CREATE TABLE buckets (
    bucket_id INTEGER PRIMARY KEY DEFAULT nextval('bucket_ids'),
    name VARCHAR NOT NULL UNIQUE,
    description VARCHAR NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    last_used_at TIMESTAMP
);
-- action_id names the label action that added the row, so `undo` removes exactly what it added.
CREATE TABLE labels (
    run_id INTEGER NOT NULL,
    item_key BIGINT NOT NULL,
    bucket_id INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    action_id BIGINT,
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
-- The undo log of label actions: kind is 'label' (rows in labels carry the action_id) or 'note' (note_id).
CREATE SEQUENCE label_action_ids START 1;
CREATE TABLE label_actions (
    action_id BIGINT PRIMARY KEY DEFAULT nextval('label_action_ids'),
    run_id INTEGER NOT NULL,
    kind VARCHAR NOT NULL,
    bucket_id INTEGER,
    note_id INTEGER,
    item_count BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
