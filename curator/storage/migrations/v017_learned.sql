-- Learned graders. One row per fit of a learned check on a run's calibration labels: the hash of what the fit
-- depends on (labelled item ids and verdicts, classifier options, embedding model), the weights file it wrote
-- under the workspace (models/graders/), and how many labels it saw. A check re-run with the same labels reuses
-- the fit; changed labels fit again. Its per-item verdicts (probability of pass as score, or not graded with the
-- reason) go to judge_verdicts, its graded items to check_results, like a judge's.
CREATE TABLE learned_fits (
    run_id INTEGER NOT NULL,
    check_name VARCHAR NOT NULL,
    labels_hash VARCHAR NOT NULL,
    model_file VARCHAR NOT NULL,
    labels INTEGER NOT NULL,
    passes INTEGER NOT NULL,
    embedding_model VARCHAR NOT NULL,
    fitted_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (run_id, check_name, labels_hash)
);
