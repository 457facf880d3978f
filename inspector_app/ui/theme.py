"""The light and the dark theme: Qt's Fusion style with a calm palette, nothing else.

Widgets take their colours from the palette, so one call here restyles the
whole window; only status colours (:mod:`.status_style`) are fixed, and they
were chosen to read on both.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

_ROLES = QPalette.ColorRole

_LIGHT = {
    _ROLES.Window: "#f3f4f6", _ROLES.WindowText: "#1f2328", _ROLES.Base: "#ffffff",
    _ROLES.AlternateBase: "#f6f8fa", _ROLES.ToolTipBase: "#ffffff", _ROLES.ToolTipText: "#1f2328",
    _ROLES.PlaceholderText: "#6e7781", _ROLES.Text: "#1f2328", _ROLES.Button: "#eaeef2",
    _ROLES.ButtonText: "#1f2328", _ROLES.BrightText: "#cf222e", _ROLES.Highlight: "#0969da",
    _ROLES.HighlightedText: "#ffffff", _ROLES.Link: "#0969da", _ROLES.Mid: "#d0d7de", _ROLES.Dark: "#8c959f",
}

_DARK = {
    _ROLES.Window: "#1e2228", _ROLES.WindowText: "#d8dde3", _ROLES.Base: "#15181d",
    _ROLES.AlternateBase: "#1b1f24", _ROLES.ToolTipBase: "#2a2f36", _ROLES.ToolTipText: "#d8dde3",
    _ROLES.PlaceholderText: "#7d8590", _ROLES.Text: "#d8dde3", _ROLES.Button: "#2a2f36",
    _ROLES.ButtonText: "#d8dde3", _ROLES.BrightText: "#ff7b72", _ROLES.Highlight: "#2f81f7",
    _ROLES.HighlightedText: "#ffffff", _ROLES.Link: "#58a6ff", _ROLES.Mid: "#3b424b", _ROLES.Dark: "#0d1014",
}

_DISABLED_TEXT = {"light": "#8c959f", "dark": "#6e7681"}


def palette(theme: str) -> QPalette:
    colours = _DARK if theme == "dark" else _LIGHT
    pal = QPalette()
    for role, colour in colours.items():
        pal.setColor(role, QColor(colour))
    disabled = QColor(_DISABLED_TEXT["dark" if theme == "dark" else "light"])
    for role in (_ROLES.WindowText, _ROLES.Text, _ROLES.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return pal


def apply_theme(app: QApplication, theme: str) -> None:
    """Fusion everywhere (it follows the palette faithfully on every platform), then the theme's palette."""
    app.setStyle("Fusion")
    app.setPalette(palette(theme))
