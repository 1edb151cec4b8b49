"""Screens of the retrain loop: the retrain form, the live training screen and the compare screen."""

from curator.app.screens.retrain.compare import CompareScreen, SideBySideScreen
from curator.app.screens.retrain.retrain import RetrainForm
from curator.app.screens.retrain.training import TrainingScreen

__all__ = ["CompareScreen", "RetrainForm", "SideBySideScreen", "TrainingScreen"]
