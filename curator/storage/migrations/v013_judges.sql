-- Judge checks. judge_cache holds every raw answer a judge model gave, keyed on sha256 of the rendered prompt's
-- hash, the model identity, the generation parameters and the sample index, so re-running checks asks the model
-- only for what is new. judge_verdicts holds one row per item a judge looked at, graded or not: items it left
-- not graded (an answer Curator cannot read) have no check_results row, only this one with the reason.
CREATE TABLE judge_cache (
    cache_key VARCHAR PRIMARY KEY,
    model_id VARCHAR NOT NULL,
    prompt_sha VARCHAR NOT NULL,
    params JSON NOT NULL,
    sample_index INTEGER NOT NULL,
    answer VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
CREATE TABLE judge_verdicts (
    run_id INTEGER NOT NULL,
    check_name VARCHAR NOT NULL,
    item_key BIGINT NOT NULL,
    graded BOOLEAN NOT NULL,
    passed BOOLEAN,
    score DOUBLE,
    agreement DOUBLE,
    samples INTEGER NOT NULL,
    reason VARCHAR NOT NULL,
    PRIMARY KEY (run_id, check_name, item_key)
);
