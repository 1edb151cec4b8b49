"""Screens of the retrain loop: the retrain form, the live training screen and the compare screen."""

from curator.screens.loop.compare import CompareScreen, SideBySideScreen
from curator.screens.loop.retrain import RetrainForm
from curator.screens.loop.training import TrainingScreen

__all__ = ["CompareScreen", "RetrainForm", "SideBySideScreen", "TrainingScreen"]
