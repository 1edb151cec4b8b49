"""The app's ways into the retrain loop: the retrain form from a bucket or a dataset version, then the training
screen; the compare screen for a run and its parent."""

from __future__ import annotations

from curator.app.screens.retrain import CompareScreen, RetrainForm, TrainingScreen
from curator.app.screens.retrain import palette as _loop_palette  # noqa: F401  (registers the loop palette commands)
from curator.errors import CuratorError
from curator.jobs import training as job_domain
from curator.recipes import library as recipe_domain
from curator.review import runs as run_domain
from curator.storage.buckets import BucketRow


class RetrainFlowsMixin:
    """Opens the loop screens for the app's current run, bucket or dataset version."""

    def retrain_on_bucket(self, bucket: BucketRow, run_id: int | None) -> None:
        """The retrain form on the newest dataset version holding the bucket's accepted fixes."""
        version = recipe_domain.newest_version_with_bucket(self.workspace, bucket.name)
        if version is None:
            self.notify(
                f"no dataset holds accepted fixes of bucket '{bucket.name}' yet: build one in the mixer (M)",
                severity="warning",
                markup=False,
            )
            return
        self.open_retrain(f"{version.recipe_name}@{version.version}", run_id)

    def open_retrain(self, dataset: str, run_id: int | None) -> None:
        """The retrain form with its defaults: the run's base model (or the demo's), the run for early stopping."""
        try:
            run = run_domain.resolve_run(self.workspace, run_id) if run_id is not None else None
            base_model = job_domain.default_base_model(self.workspace, run_id)
        except CuratorError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        lora, trainer = job_domain.default_settings(self.workspace, base_model)
        form = RetrainForm(
            self.workspace,
            dataset,
            base_model=base_model,
            source_run=run.name if run else None,
            lora=lora,
            trainer=trainer,
        )
        self.push_screen(form, callback=self._follow_new_job)

    def _follow_new_job(self, job_id: int | None) -> None:
        if job_id is not None:
            self.push_screen(TrainingScreen(self.workspace, job_id))

    def compare_with_parent(self, run_id: int) -> None:
        """The compare screen of the run against its parent run."""
        run = run_domain.resolve_run(self.workspace, run_id)
        if run.parent_run_id is None:
            self.notify(f"run '{run.name}' has no parent run to compare with", severity="warning", markup=False)
            return
        try:
            screen = CompareScreen(self.workspace, run.run_id)
        except CuratorError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.push_screen(screen)
