"""Dataset recipes: sources with shares and a total, built into frozen, numbered, immutable versions."""
