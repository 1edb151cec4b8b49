"""Rendering user-written Jinja text safely (the sandbox, its limits and its one-line errors): fix templates, the
reviser's prompts and judges' rubrics all render here. It imports nothing of Curator but its errors, so every
layer (the training child's grading included) may use it."""
