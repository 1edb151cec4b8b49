-- Sweeps: several small retrains of one recipe compared side by side. A sweep names the recipe it varies, the
-- base run whose items every variant is re-evaluated on, and its plan (the axes, the seeds, the training
-- settings). Each variant is a recipe of its own with one frozen version; each of its seeds is one training job
-- and one re-eval run. The queue's state lives in these rows, so a sweep resumes after its process died.
CREATE SEQUENCE sweep_ids START 1;
CREATE TABLE sweeps (
    sweep_id INTEGER PRIMARY KEY DEFAULT nextval('sweep_ids'),
    name VARCHAR NOT NULL UNIQUE,
    recipe_name VARCHAR NOT NULL,
    base_run_id INTEGER NOT NULL,
    base_model VARCHAR NOT NULL,
    plan JSON NOT NULL,
    status VARCHAR NOT NULL DEFAULT 'queued',
    error VARCHAR,
    runner_pid INTEGER,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    finished_at TIMESTAMP
);
CREATE TABLE sweep_variants (
    sweep_id INTEGER NOT NULL,
    position INTEGER NOT NULL,
    label VARCHAR NOT NULL,
    recipe_name VARCHAR NOT NULL,
    spec JSON NOT NULL,
    settings JSON NOT NULL,
    dataset_recipe_id INTEGER,
    dataset_version INTEGER,
    PRIMARY KEY (sweep_id, position)
);
CREATE TABLE sweep_trials (
    sweep_id INTEGER NOT NULL,
    position INTEGER NOT NULL,
    seed INTEGER NOT NULL,
    job_id INTEGER,
    reeval_run_id INTEGER,  -- not `run_id`: deleting a run must not delete the trial that made it
    status VARCHAR NOT NULL DEFAULT 'queued',
    error VARCHAR,
    PRIMARY KEY (sweep_id, position, seed)
);
