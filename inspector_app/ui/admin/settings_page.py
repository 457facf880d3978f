"""The settings page: where the data lives, and this bench's camera, hot folder, scale card and theme.

The data locations come from the environment at start-up, so they are shown
with how to change them rather than edited here. The bench's own choices are
kept in its preferences the moment they change (there is no Apply to forget).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.engine import make_url

from ...settings import Settings
from ..bench_context import BenchContext
from ..inspect.frame_sources import CameraChoice, cameras
from ..preferences import THEMES
from ..page_parts import page_action, page_shortcuts

NO_CAMERA = "No camera found"
SYSTEM_DEFAULT = "System default"
LARGEST = "Largest available"


def safe_database_url(settings: Settings) -> str:
    """The database URL with any password masked: it is shown on screen and in screenshots."""
    return make_url(settings.database_url).render_as_string(hide_password=True)


def _read_only(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                  | Qt.TextInteractionFlag.TextSelectableByKeyboard)
    return label


def _buddy(text: str, widget: QWidget) -> QLabel:
    """A form label whose Alt+letter focuses ``widget`` (a row holding a layout gets no buddy by itself)."""
    label = QLabel(text)
    label.setBuddy(widget)
    return label


class SettingsPage(QWidget):
    status = Signal(str)
    themeChanged = Signal(str)

    def __init__(self, context: BenchContext, parent: QWidget | None = None, *,
                 list_cameras: Callable[[], list[CameraChoice]] = cameras):
        super().__init__(parent)
        self.setObjectName("settingsPage")
        self._prefs = context.preferences
        settings = context.workstation.settings

        data = QGroupBox("Data")
        data_form = QFormLayout(data)
        self.home = _read_only(str(settings.home))
        self.database = _read_only(safe_database_url(settings))
        self.store = _read_only(str(settings.store_dir))
        data_form.addRow("Data folder", self.home)
        data_form.addRow("Database", self.database)
        data_form.addRow("Image store", self.store)
        how = _read_only("Set when the workstation starts: the INSPECTOR_HOME environment variable names the data "
                         "folder (database, image store, keys); INSPECTOR_DB_URL points every bench at one shared "
                         "PostgreSQL database. Change them and start the workstation again.")
        how.setStyleSheet("color: palette(placeholder-text);")
        data_form.addRow(how)

        capture = QGroupBox("Capture")
        capture_form = QFormLayout(capture)
        self._cameras = list_cameras()
        self.camera = QComboBox(objectName="camera")
        self.camera.setAccessibleName("Camera")
        self.no_camera = QLabel(NO_CAMERA, objectName="noCamera")
        if self._cameras:
            self.camera.addItem(SYSTEM_DEFAULT, "")
            for choice in self._cameras:
                self.camera.addItem(choice.name, choice.id)
            self.camera.setCurrentIndex(max(self.camera.findData(self._prefs.camera_device), 0))
        self.camera.setVisible(bool(self._cameras))
        self.no_camera.setVisible(not self._cameras)
        self.resolution = QComboBox(objectName="resolution")
        self.resolution.setAccessibleName("Camera resolution")
        camera_row = QHBoxLayout()
        camera_row.addWidget(self.camera, 1)
        camera_row.addWidget(self.no_camera, 1)
        capture_form.addRow(_buddy("&Camera", self.camera), camera_row)
        capture_form.addRow("&Resolution", self.resolution)
        self._fill_resolutions()

        self.hot_folder = QLineEdit(self._prefs.hot_folder, objectName="hotFolder")
        self.hot_folder.setReadOnly(True)
        self.hot_folder.setPlaceholderText("None: photos come from the camera or from files")
        self.hot_folder.setAccessibleName("Hot folder")
        choose = QPushButton("Choose…")
        choose.setToolTip("Choose the folder a tethered camera writes into (Ctrl+O)")
        choose.clicked.connect(self.choose_hot_folder)
        clear = QPushButton("Clear")
        clear.setToolTip("Stop watching a folder")
        clear.clicked.connect(lambda: self.set_hot_folder(""))
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.hot_folder, 1)
        folder_row.addWidget(choose)
        folder_row.addWidget(clear)
        capture_form.addRow(_buddy("&Hot folder", choose), folder_row)

        self.scale_card = QDoubleSpinBox(objectName="scaleCard")
        self.scale_card.setAccessibleName("Scale card size")
        self.scale_card.setRange(5.0, 200.0)
        self.scale_card.setDecimals(1)
        self.scale_card.setSingleStep(0.5)
        self.scale_card.setSuffix(" mm")
        self.scale_card.setValue(self._prefs.scale_card_mm)
        self.scale_card.setToolTip("The side of the black square on the bench's scale card; measurements of "
                                   "stitching are scaled by it")
        capture_form.addRow("&Scale card", self.scale_card)

        look = QGroupBox("Look")
        look_form = QFormLayout(look)
        self.theme = QComboBox(objectName="theme")
        for theme in THEMES:
            self.theme.addItem(theme.capitalize(), theme)
        self.theme.setCurrentIndex(self.theme.findData(self._prefs.theme))
        look_form.addRow("&Theme", self.theme)

        for form in (data_form, capture_form, look_form):
            form.setHorizontalSpacing(18)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout = QVBoxLayout(self)
        for box in (data, capture, look):
            layout.addWidget(box)
        layout.addStretch(1)

        self.choose_action = page_action(self, "Choose &hot folder…", "Ctrl+O", "Choose the folder a tethered "
                                         "camera writes into", self.choose_hot_folder)
        self.camera.currentIndexChanged.connect(self._on_camera)
        self.resolution.currentIndexChanged.connect(self._on_resolution)
        self.scale_card.valueChanged.connect(self._on_scale_card)
        self.theme.currentIndexChanged.connect(self._on_theme)

    def showEvent(self, event: QShowEvent) -> None:
        """The window's own theme toggle may have changed the theme meanwhile."""
        self.theme.blockSignals(True)
        self.theme.setCurrentIndex(self.theme.findData(self._prefs.theme))
        self.theme.blockSignals(False)
        super().showEvent(event)

    def shortcuts(self) -> list[tuple[str, str]]:
        return page_shortcuts(self) + [("Alt+C", "Camera"), ("Alt+R", "Resolution"), ("Alt+H", "Hot folder"),
                                       ("Alt+S", "Scale card"), ("Alt+T", "Theme")]

    # -- camera --
    def _fill_resolutions(self) -> None:
        """The chosen camera's resolutions (largest first); just "Largest available" for the default camera."""
        choice = next((c for c in self._cameras if c.id == self.camera.currentData()), None)
        self.resolution.blockSignals(True)
        self.resolution.clear()
        self.resolution.addItem(LARGEST, "")
        for size in choice.resolutions if choice else ():
            self.resolution.addItem(size.replace("x", " × "), size)
        self.resolution.setCurrentIndex(max(self.resolution.findData(self._prefs.camera_resolution), 0))
        self.resolution.setEnabled(choice is not None)
        self.resolution.blockSignals(False)

    def _on_camera(self) -> None:
        self._prefs.camera_device = self.camera.currentData() or ""
        self._prefs.camera_resolution = ""
        self._fill_resolutions()
        self.status.emit(f"Camera: {self.camera.currentText()}")

    def _on_resolution(self) -> None:
        self._prefs.camera_resolution = self.resolution.currentData() or ""
        self.status.emit(f"Camera resolution: {self.resolution.currentText()}")

    # -- hot folder, scale card, theme --
    def choose_hot_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Hot folder", self.hot_folder.text())
        if chosen:
            self.set_hot_folder(chosen)

    def set_hot_folder(self, folder: str) -> None:
        self.hot_folder.setText(folder)
        self._prefs.hot_folder = folder
        self.status.emit(f"Hot folder: {folder}" if folder else "No hot folder is watched.")

    def _on_scale_card(self, value: float) -> None:
        self._prefs.scale_card_mm = value
        self.status.emit(f"Scale card: {value:g} mm")

    def _on_theme(self) -> None:
        theme = self.theme.currentData()
        self._prefs.theme = theme
        self.themeChanged.emit(theme)
