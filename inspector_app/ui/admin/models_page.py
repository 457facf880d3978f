"""The models page: the classifier models the bench holds, which one serves each zone kind, and installing one.

A model is installed only after the admin has seen its card (what it judges,
its threshold, its hash), because every verdict from then on names it. The
install goes through the role-checking service and is recorded in the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from reference_library.model_registry import ModelSummary, assign_kinds, read_card
from reports.users import Action

from ...services.users import install_model_as
from ...services.wording import format_timestamp
from ..bench_context import BenchContext
from ..messages import describe_error
from ..page_parts import MessageLine
from ..workers import JobRunner
from ..page_parts import page_action, page_shortcuts

COLUMNS = ("Model", "Version", "Zone kinds", "Threshold", "Serving", "Installed by", "Installed", "SHA-256")


@dataclass(frozen=True)
class ModelCard:
    """A model file's card as read before installing: the checked JSON and the human text beside it."""

    path: Path
    card: dict[str, Any]
    text: str


def read_model_card(onnx_path: Path) -> ModelCard:
    """Runs on a worker; :class:`RegistryError` if the card is missing or wrong."""
    card = read_card(onnx_path)
    md = onnx_path.with_suffix(".md")
    return ModelCard(onnx_path, card, md.read_text(encoding="utf-8") if md.is_file() else "")


def describe_card(card: dict[str, Any]) -> str:
    """The card's facts that decide what the model does, one per line (Markdown)."""
    return "\n".join([
        f"**{card['name']}** version {card['version']}",
        "",
        f"- judges zone kinds: {', '.join(card['kinds'])}",
        f"- threshold: {card['threshold']} (below it a zone is called counterfeit)",
        f"- sha256: `{card['sha256']}`",
    ])


class ModelCardDialog(QDialog):
    """The card of a model about to be installed; Install goes ahead, Cancel changes nothing."""

    def __init__(self, model: ModelCard, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("modelCard")
        self.setWindowTitle(f"Install model {model.card['name']} {model.card['version']}?")
        self.model = model
        self.text = QTextBrowser(objectName="modelCardText")
        self.text.setMarkdown(describe_card(model.card) + ("\n\n---\n\n" + model.text if model.text else ""))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.install_button = self.buttons.addButton("Install", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"From {model.path}"))
        layout.addWidget(self.text, 1)
        layout.addWidget(self.buttons)
        self.resize(760, 600)


class ModelsPage(QWidget):
    status = Signal(str)
    installed = Signal(object)   # the ModelSummary installed

    def __init__(self, context: BenchContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("modelsPage")
        self._context = context
        self._runner = JobRunner(self)
        self._models: tuple[ModelSummary, ...] = ()
        self.card_dialog: ModelCardDialog | None = None
        self.install_action = page_action(self, "&Install model…", "Ctrl+I", "Install a classifier model (.onnx "
                                          "with its card beside it)", self.install_dialog,
                                          offered=context.may(Action.INSTALL_MODEL))
        self.reload_action = page_action(self, "Re&load", "F5", "Read the registry again", self.refresh)
        toolbar = QToolBar("Models")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.install_action, self.reload_action):
            if action.isVisible():
                toolbar.addAction(action)
        self.message = MessageLine()
        self.table = QTableWidget(0, len(COLUMNS), objectName="modelsTable")
        self.table.setAccessibleName("Installed models")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._show_selected)
        self.detail = QTextBrowser(objectName="modelDetail")
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setSizes([300, 200])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(toolbar)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)
        self.refresh()

    def shortcuts(self) -> list[tuple[str, str]]:
        return page_shortcuts(self)

    @property
    def models(self) -> tuple[ModelSummary, ...]:
        return self._models

    @property
    def busy(self) -> bool:
        return self._runner.busy

    # -- the registry --
    def refresh(self) -> None:
        service = self._context.models
        self._runner.start(lambda _p: service.models(), on_finished=self._on_loaded,
                           on_failed=lambda exc: self.message.say(describe_error(exc)))

    def _on_loaded(self, models: tuple[ModelSummary, ...]) -> None:
        self._models = models
        serving = assign_kinds(models)
        self.table.setRowCount(len(models))
        for row, model in enumerate(models):
            serves = [kind for kind, m in serving.items() if m.sha256 == model.sha256]
            cells = (model.name, model.version, ", ".join(model.kinds), f"{model.threshold:g}",
                     ", ".join(serves) if serves else "not serving (a newer version does)", model.installed_by,
                     format_timestamp(model.installed_at), model.sha256[:16] + "…")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(model.sha256 if column == len(cells) - 1 else text)
                self.table.setItem(row, column, item)
        if models and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)
        self._show_selected()

    def _show_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self.detail.setMarkdown("No model is installed: the bench judges with its analysers alone."
                                    if not self._models else "")
            return
        model = self._models[rows[0].row()]
        self.detail.setMarkdown(describe_card({"name": model.name, "version": model.version, "kinds": model.kinds,
                                               "threshold": model.threshold, "sha256": model.sha256})
                                + f"\n- installed {format_timestamp(model.installed_at)}: {model.installed_by}")

    # -- installing --
    def install_dialog(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "Install model", str(Path.home()), "ONNX models (*.onnx)")
        if chosen:
            self.preview(Path(chosen))

    def preview(self, onnx_path: Path) -> None:
        """Read the model's card on a worker and show it; installing waits for the admin's Install."""
        self.message.clear()
        self._runner.start(lambda _p: read_model_card(onnx_path), on_finished=self._show_card,
                           on_failed=lambda exc: self.message.say(f"Not installed: {describe_error(exc)}"))

    def _show_card(self, model: ModelCard) -> None:
        self.card_dialog = ModelCardDialog(model, self)
        self.card_dialog.accepted.connect(lambda: self.install(model.path))
        self.card_dialog.open()

    def install(self, onnx_path: Path) -> None:
        actor, workstation = self._context.user, self._context.workstation
        self.message.clear()
        self._runner.start(lambda _p: install_model_as(actor, onnx_path, session_factory=workstation.session_factory,
                                                       store=workstation.store),
                           on_finished=self._on_installed,
                           on_failed=lambda exc: self.message.say(f"Not installed: {describe_error(exc)}"))

    def _on_installed(self, model: ModelSummary) -> None:
        self.status.emit(f"Installed model {model.name} {model.version}.")
        self.message.say(f"Installed model {model.name} {model.version}; it serves {', '.join(model.kinds)} "
                         "zones unless a newer version does.")
        self.installed.emit(model)
        self.refresh()
