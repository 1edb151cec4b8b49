-- The analyst's verdict labels per item and check, and each scoring of a check version on the locked test part.
-- `labels` already holds bucket labels, so verdicts live in `verdict_labels`. part is 'test' (the locked third,
-- chosen by a seeded hash of the item id and check name) or 'calibration'.
CREATE TABLE verdict_labels (
    run_id INTEGER NOT NULL,
    item_key BIGINT NOT NULL,
    check_name VARCHAR NOT NULL,
    passed BOOLEAN NOT NULL,
    note VARCHAR,
    part VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (run_id, item_key, check_name)
);
-- One row per scoring of the test part: check_version hashes the check's spec (a judge: rubric hash + model);
-- clean is false once another version of the same check was scored on the same run's test part before.
CREATE SEQUENCE calibration_score_ids START 1;
CREATE TABLE calibration_scores (
    score_id INTEGER PRIMARY KEY DEFAULT nextval('calibration_score_ids'),
    run_id INTEGER NOT NULL,
    check_name VARCHAR NOT NULL,
    check_version VARCHAR NOT NULL,
    clean BOOLEAN NOT NULL,
    test_labels INTEGER NOT NULL,
    report JSON NOT NULL,
    scored_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
