"""Screens of the app, one package per step of the loop."""
