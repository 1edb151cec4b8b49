"""Widgets: the item table, dialogs, the bucket picker and the literal-text helper."""
