"""Sweeps: several small retrains over versions of one recipe (rows, mix, method, seeds), compared side by side."""
