-- Training jobs: a frozen dataset version + a base model (+ parent adapter) + a LoRA/trainer config.
-- adapter_path is set only when the job succeeded; produced_run_id is the re-eval run made with it.
-- source_run_id: the run whose dev items and checks drive early stopping (a lineage reference, not ownership).
CREATE SEQUENCE training_job_ids START 1;
CREATE TABLE training_jobs (
    job_id INTEGER PRIMARY KEY DEFAULT nextval('training_job_ids'),
    dataset_recipe_id INTEGER,
    dataset_version INTEGER,
    dataset_path VARCHAR NOT NULL,
    source_run_id INTEGER,
    base_model VARCHAR NOT NULL,
    parent_adapter VARCHAR,
    config JSON NOT NULL,
    status VARCHAR NOT NULL DEFAULT 'queued',
    error VARCHAR,
    metrics JSON,
    adapter_path VARCHAR,
    produced_run_id INTEGER,
    job_dir VARCHAR NOT NULL DEFAULT '',
    progress_path VARCHAR NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    started_at TIMESTAMP,
    finished_at TIMESTAMP
);
