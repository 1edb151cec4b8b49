-- Fix with data: templates, generated examples with their lineage, dataset recipes and frozen versions.
CREATE SEQUENCE template_ids START 1;
CREATE TABLE templates (
    template_id INTEGER PRIMARY KEY DEFAULT nextval('template_ids'),
    name VARCHAR NOT NULL UNIQUE,
    bucket_id INTEGER,
    source_run_id INTEGER,
    source_item_key BIGINT,
    spec JSON NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
-- status: proposed | accepted | rejected (by the analyst) | failed_checks | duplicate | contaminated (refused before review).
CREATE SEQUENCE example_ids START 1;
CREATE TABLE examples (
    example_id BIGINT PRIMARY KEY DEFAULT nextval('example_ids'),
    batch_id BIGINT NOT NULL,
    template_id INTEGER NOT NULL,
    bucket_id INTEGER,
    source_run_id INTEGER,
    source_item_key BIGINT,
    seed BIGINT NOT NULL,
    position BIGINT NOT NULL,
    variant VARCHAR NOT NULL DEFAULT 'main',
    slot_values JSON NOT NULL,
    input VARCHAR NOT NULL,
    target VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    reason VARCHAR,
    check_results JSON,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    reviewed_at TIMESTAMP
);
CREATE SEQUENCE recipe_ids START 1;
CREATE TABLE dataset_recipes (
    recipe_id INTEGER PRIMARY KEY DEFAULT nextval('recipe_ids'),
    name VARCHAR NOT NULL UNIQUE,
    spec JSON NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
-- A frozen version never changes: its file, manifest and hash are written once.
CREATE TABLE dataset_versions (
    recipe_id INTEGER NOT NULL,
    version INTEGER NOT NULL,
    spec JSON NOT NULL,
    manifest JSON NOT NULL,
    content_hash VARCHAR NOT NULL,
    path VARCHAR NOT NULL,
    row_count BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (recipe_id, version)
);
