"""SQL for learned graders: the calibration labels and texts a fit is made from, and the fits kept per run."""

from __future__ import annotations

from curator.storage.database import Database


def calibration_examples(db: Database, run_id: int, check_name: str) -> list[tuple[str, bool, str, str]]:
    """(item_id, label passed, input, output) of the run's calibration-part labels of one check, in item order.
    The locked test part is never read here: a grader fitted on it would make its calibration no test."""
    return db.fetchall(
        """SELECT i.item_id, v.passed, coalesce(i.input, ''), coalesce(i.output, '')
           FROM verdict_labels v JOIN items i ON i.run_id = v.run_id AND i.item_key = v.item_key
           WHERE v.run_id = ? AND v.check_name = ? AND v.part = 'calibration'
           ORDER BY v.item_key""",
        [run_id, check_name],
    )


def find_fit(db: Database, run_id: int, check_name: str, labels_hash: str) -> str | None:
    """The weights file of an earlier fit of this check on the same labels, or None."""
    row = db.fetchone(
        "SELECT model_file FROM learned_fits WHERE run_id = ? AND check_name = ? AND labels_hash = ?",
        [run_id, check_name, labels_hash],
    )
    return row[0] if row else None


def record_fit(
    db: Database, run_id: int, check_name: str, labels_hash: str, model_file: str, labels: int, passes: int, model: str
) -> None:
    """Keep one fit (replacing an earlier row for the same labels)."""
    with db.transaction() as cur:
        cur.execute(
            "DELETE FROM learned_fits WHERE run_id = ? AND check_name = ? AND labels_hash = ?",
            [run_id, check_name, labels_hash],
        )
        cur.execute(
            """INSERT INTO learned_fits (run_id, check_name, labels_hash, model_file, labels, passes, embedding_model)
               VALUES (?, ?, ?, ?, ?, ?, ?)""",
            [run_id, check_name, labels_hash, model_file, labels, passes, model],
        )


def latest_fit(db: Database, run_id: int, check_name: str) -> tuple | None:
    """(labels_hash, model_file, labels, passes, embedding_model, fitted_at) of the check's latest fit on a run."""
    return db.fetchone(
        """SELECT labels_hash, model_file, labels, passes, embedding_model, fitted_at FROM learned_fits
           WHERE run_id = ? AND check_name = ? ORDER BY fitted_at DESC LIMIT 1""",
        [run_id, check_name],
    )


def fit_files(db: Database, run_id: int, check_name: str) -> list[str]:
    """The weights files of every fit of this check on this run (as stored: workspace-relative)."""
    rows = db.fetchall("SELECT model_file FROM learned_fits WHERE run_id = ? AND check_name = ?", [run_id, check_name])
    return [file for (file,) in rows]
