"""The dialog that explains a refused pack: every problem, where it is, and that nothing changed.

Validation reports all problems at once so a brand partner fixes a pack in one
round; this dialog keeps that promise by listing all of them, scrollable and
copyable, instead of the first one in a message box.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from reference_library.problems import PackError, Severity, errors_in

from ..services.wording import plural


class ProblemsDialog(QDialog):
    def __init__(self, label: str, error: PackError, parent: QWidget | None = None):
        super().__init__(parent)
        self.error = error
        self.setWindowTitle("Pack not imported")
        errors = errors_in(error.problems)
        intro = QLabel(f"<b>{escape(label)} was not imported.</b> Nothing in the library changed.<br>"
                       f"{error.summary.capitalize()}: {plural(len(errors), 'problem')} to fix"
                       + (f" and {plural(len(error.problems) - len(errors), 'warning')}"
                          if len(error.problems) > len(errors) else "")
                       + ". Fix them in the pack and import it again.")
        intro.setWordWrap(True)
        intro.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.problems = QListWidget()
        self.problems.setWordWrap(True)
        self.problems.setAlternatingRowColors(True)
        self.problems.setSpacing(2)
        self.problems.setIconSize(QSize(20, 20))
        style = self.style()
        icons = {Severity.ERROR: style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical),
                 Severity.WARNING: style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)}
        for problem in error.problems:
            item = QListWidgetItem(icons[problem.severity], f"{problem.message}\n{problem.where}")
            item.setToolTip(str(problem))
            self.problems.addItem(item)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton("Copy all", QDialogButtonBox.ButtonRole.ActionRole)
        copy.setToolTip("Copy every problem as text, e.g. to send to the brand partner")
        copy.clicked.connect(self.copy_to_clipboard)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.problems, 1)
        layout.addWidget(buttons)
        self.resize(760, 420)

    def copy_to_clipboard(self) -> None:
        QGuiApplication.clipboard().setText(self.error.describe())

