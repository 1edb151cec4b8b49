"""A footer that shows only the keys that fit whole: on a narrow terminal the last ones go, none is cut mid-word.

The help key is always shown: Textual lists the screen's keys before the app's, so a screen with many keys would
otherwise push `? Help` (the way to every hidden key) off the right edge first.
"""

from __future__ import annotations

from textual.widgets import Footer

COMPACT_BELOW = 120
ALWAYS_SHOWN = ("app.show_help",)
"""Actions whose key the footer never hides (their room is kept before the other keys are fitted)."""


class FittingFooter(Footer):
    """Textual's Footer, compact on narrow terminals, hiding the keys (from the right) that would be cut.

    Every key stays reachable through the help screen and the command palette; the help key is never hidden.
    """

    async def recompose(self) -> None:
        await super().recompose()
        self.call_after_refresh(self.fit_keys)

    def on_resize(self) -> None:
        self.compact = self.size.width < COMPACT_BELOW
        self.call_after_refresh(self.fit_keys)

    def _natural_width(self, child) -> int:
        """The cells a key takes when shown (worked out from its content, so hidden keys can be measured too)."""
        content = child.get_content_width(self.size, self.app.size)
        return content + child.styles.gutter.width + child.styles.margin.width

    @staticmethod
    def _pinned(child) -> bool:
        """The palette key and the help key: shown whatever the width."""
        return child.has_class("-command-palette") or getattr(child, "action", None) in ALWAYS_SHOWN

    def fit_keys(self) -> None:
        """Show the keys (or key groups) left to right while they fit whole beside the pinned keys (palette, help);
        hide the rest."""
        children = list(self.children)
        pinned = [c for c in children if self._pinned(c)]
        room = self.size.width - sum(self._natural_width(c) for c in pinned)
        used, full = 0, False
        for child in children:
            if child in pinned:
                child.display = True
                continue
            width = self._natural_width(child)
            full = full or used + width > room
            child.display = not full
            if not full:
                used += width
