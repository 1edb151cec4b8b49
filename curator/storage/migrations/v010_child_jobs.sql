-- Eval and sampling children get a job row like training jobs, so every child can be listed, cancelled and
-- reconciled when the process that watched it died. Ids come from the training jobs' sequence: one number names
-- one job of any kind (`curator jobs --cancel N`).
CREATE TABLE child_jobs (
    job_id INTEGER PRIMARY KEY DEFAULT nextval('training_job_ids'),
    kind VARCHAR NOT NULL,
    label VARCHAR NOT NULL DEFAULT '',
    status VARCHAR NOT NULL DEFAULT 'queued',
    error VARCHAR,
    job_dir VARCHAR NOT NULL DEFAULT '',
    progress_path VARCHAR NOT NULL DEFAULT '',
    pid INTEGER,
    result_id INTEGER,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    started_at TIMESTAMP,
    finished_at TIMESTAMP
);
