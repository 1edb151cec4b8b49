"""The Textual app: screens, widgets and .tcss styles. Renders and dispatches; no business rules."""
