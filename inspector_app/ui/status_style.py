"""How a status looks everywhere in the window: the same colour and word for pass, fail, inconclusive.

The colours read on both the light and the dark theme, and every status is
also spelled out, so nothing depends on telling red from green.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QIcon, QPixmap

STATUS_COLOURS = {
    "pass": QColor("#2e7d32"),
    "fail": QColor("#c62828"),
    "inconclusive": QColor("#b26a00"),
    "na": QColor("#607d8b"),
}

STATUS_WORDS = {"pass": "Pass", "fail": "Fail", "inconclusive": "Inconclusive", "na": "Not applicable"}


def status_colour(status: str) -> QColor:
    """The colour of a zone status, a check answer or a verdict (PASS/FAIL/INCONCLUSIVE in any case)."""
    return STATUS_COLOURS.get(status.lower(), QColor("#607d8b"))


def status_word(status: str) -> str:
    return STATUS_WORDS.get(status.lower(), status.capitalize())


def status_dot(status: str) -> QIcon:
    """A small square of the status colour, for lists (the word is always beside it)."""
    pixmap = QPixmap(12, 12)
    pixmap.fill(status_colour(status))
    return QIcon(pixmap)
