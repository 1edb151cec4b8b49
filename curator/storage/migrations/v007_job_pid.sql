-- The process id of a training job's child, so that a job whose parent died (CLI killed, app quit) can be
-- reconciled from its progress file once that process is gone, instead of staying `running` forever.
ALTER TABLE training_jobs ADD COLUMN pid INTEGER;
