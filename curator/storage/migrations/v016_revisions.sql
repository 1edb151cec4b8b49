-- Revisions: a failing dev output changed as little as fixes it, by the analyst (an edit) or by a reviser model
-- (a critique, then a revision). Each is graded by the run's checks. A kept one is a preference pair (chosen: the
-- revision, rejected: the original output) and proposes an SFT example (example_id, target = the revision); its
-- review status is that example's. A draft still fails a check; a dropped one failed or changed too much.
-- A revise set is one `curator revise` call: the reviser model, its settings, prompts and principles.
CREATE SEQUENCE revise_set_ids START 1;
CREATE TABLE revise_sets (
    revise_set_id INTEGER PRIMARY KEY DEFAULT nextval('revise_set_ids'),
    run_id INTEGER NOT NULL,
    model VARCHAR NOT NULL,
    adapter VARCHAR,
    settings JSON NOT NULL,
    item_filter JSON NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
-- author: analyst | model; status: draft | dropped | kept; change: 1 - difflib ratio of original and revised.
CREATE SEQUENCE revision_ids START 1;
CREATE TABLE revisions (
    revision_id BIGINT PRIMARY KEY DEFAULT nextval('revision_ids'),
    run_id INTEGER NOT NULL,
    item_key BIGINT NOT NULL,
    bucket_id INTEGER,
    author VARCHAR NOT NULL,
    revise_set_id INTEGER,
    original VARCHAR NOT NULL,
    revised VARCHAR NOT NULL,
    critique VARCHAR,
    check_results JSON NOT NULL,
    change DOUBLE NOT NULL,
    status VARCHAR NOT NULL,
    reason VARCHAR,
    example_id BIGINT,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
