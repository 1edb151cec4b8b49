"""Suggested buckets: clusters of a run's failures to accept, rename, split or dismiss."""

from curator.app.screens.patterns.screen import PatternsScreen

__all__ = ["PatternsScreen"]
