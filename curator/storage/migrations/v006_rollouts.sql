-- Rollouts: k sampled outputs per input of a run, graded by the run's checks, with a reward each.
-- A sample set is one `curator sample` call: model, adapter, sampling settings, reward spec, which items.
CREATE SEQUENCE sample_set_ids START 1;
CREATE TABLE sample_sets (
    sample_set_id INTEGER PRIMARY KEY DEFAULT nextval('sample_set_ids'),
    run_id INTEGER NOT NULL,
    model VARCHAR NOT NULL,
    adapter VARCHAR,
    settings JSON NOT NULL,
    reward_spec JSON NOT NULL,
    item_filter JSON NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
-- check_results: {check name: [passed, reason]} for the checks that apply; passed: every one of them passed.
CREATE SEQUENCE rollout_ids START 1;
CREATE TABLE rollouts (
    rollout_id BIGINT PRIMARY KEY DEFAULT nextval('rollout_ids'),
    sample_set_id INTEGER NOT NULL,
    run_id INTEGER NOT NULL,
    item_key BIGINT NOT NULL,
    sample_index INTEGER NOT NULL,
    output VARCHAR NOT NULL,
    check_results JSON NOT NULL,
    passed BOOLEAN NOT NULL,
    reward DOUBLE NOT NULL,
    UNIQUE (sample_set_id, item_key, sample_index)
);
-- Preference pairs made from a sample set: chosen passed, rejected failed, chosen's reward above rejected's.
CREATE SEQUENCE rollout_pair_ids START 1;
CREATE TABLE rollout_pairs (
    pair_id BIGINT PRIMARY KEY DEFAULT nextval('rollout_pair_ids'),
    sample_set_id INTEGER NOT NULL,
    item_key BIGINT NOT NULL,
    chosen_rollout_id BIGINT NOT NULL,
    rejected_rollout_id BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    UNIQUE (chosen_rollout_id, rejected_rollout_id)
);
-- Examples proposed from a model's own best sample (rejection sampling) have no template: their lineage is the
-- rollout (and through it the item and the sample set) and the model that wrote it.
ALTER TABLE examples ALTER COLUMN template_id DROP NOT NULL;
ALTER TABLE examples ADD COLUMN rollout_id BIGINT;
ALTER TABLE examples ADD COLUMN model VARCHAR;
