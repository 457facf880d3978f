"""The bench's remembered choices (QSettings): theme, camera, hot folder, window layout.

Typed accessors over one QSettings, so a screen never spells a key twice and
a bad stored value falls back to the default instead of breaking the window.
Tests point ``QSettings`` at a temporary directory (``QSettings.setPath``).
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings

THEMES = ("light", "dark")


class BenchPreferences:
    def __init__(self, settings: QSettings | None = None):
        self._s = settings or QSettings()

    def _str(self, key: str, default: str = "") -> str:
        value = self._s.value(key, default)
        return value if isinstance(value, str) else default

    def _float(self, key: str, default: float) -> float:
        try:
            return float(self._s.value(key, default))
        except (TypeError, ValueError):
            return default

    # -- look --
    @property
    def theme(self) -> str:
        theme = self._str("ui/theme", "light")
        return theme if theme in THEMES else "light"

    @theme.setter
    def theme(self, value: str) -> None:
        self._s.setValue("ui/theme", value if value in THEMES else "light")

    # -- capture devices --
    @property
    def camera_device(self) -> str:
        """The chosen camera's id (QCameraDevice.id, as text); empty means the system default."""
        return self._str("capture/camera_device")

    @camera_device.setter
    def camera_device(self, value: str) -> None:
        self._s.setValue("capture/camera_device", value)

    @property
    def camera_resolution(self) -> str:
        """``WIDTHxHEIGHT`` or empty for the camera's largest."""
        return self._str("capture/camera_resolution")

    @camera_resolution.setter
    def camera_resolution(self, value: str) -> None:
        self._s.setValue("capture/camera_resolution", value)

    @property
    def hot_folder(self) -> str:
        """The folder a tethered camera writes into; empty when none is watched."""
        return self._str("capture/hot_folder")

    @hot_folder.setter
    def hot_folder(self, value: str) -> None:
        self._s.setValue("capture/hot_folder", value)

    @property
    def scale_card_mm(self) -> float:
        """The side of the bench scale card's black square, shown in capture guidance (DESIGN.md: 20.0 mm)."""
        return self._float("capture/scale_card_mm", 20.0)

    @scale_card_mm.setter
    def scale_card_mm(self, value: float) -> None:
        self._s.setValue("capture/scale_card_mm", float(value))

    # -- window layout --
    def geometry(self, key: str) -> QByteArray | None:
        value = self._s.value(f"layout/{key}")
        return value if isinstance(value, QByteArray) else None

    def set_geometry(self, key: str, value: QByteArray) -> None:
        self._s.setValue(f"layout/{key}", value)

    @property
    def last_screen(self) -> str:
        """The screen the window showed when it was last closed."""
        return self._str("layout/screen")

    @last_screen.setter
    def last_screen(self, value: str) -> None:
        self._s.setValue("layout/screen", value)

    @property
    def last_user(self) -> str:
        return self._str("session/last_user")

    @last_user.setter
    def last_user(self, value: str) -> None:
        self._s.setValue("session/last_user", value)

    def sync(self) -> None:
        self._s.sync()
