"""The one error a template, prompt or rubric gives when it cannot be used."""

from __future__ import annotations

from curator.errors import BadInputError


class TemplateError(BadInputError):
    """A template cannot be used: names the template, the field and (for syntax errors) the line."""

    def __init__(self, name: str, problem: str, field: str | None = None, line: int | None = None):
        super().__init__(f"template '{name}'", problem, line=line, field=field)
        self.template_name = name
        where = f"template '{name}'" + (f", field '{field}'" if field else "") + (f", line {line}" if line else "")
        self.args = (f"{where}: {problem}",)
