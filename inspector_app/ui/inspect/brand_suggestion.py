"""Which brand is this? The library's brands and models ranked for one photo of the item's logo.

For the item that arrives without a readable listing, or to double-check
one: the inspector picks a photo of the logo and the best match fills brand
and model at intake, with the runners-up listed so a near miss is one click
away. It only suggests; the inspector still chooses.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFileDialog, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from ..bench_context import BenchContext
from ..messages import describe_error
from ..workers import JobRunner

if TYPE_CHECKING:   # the index brings SciPy: loaded on the worker at the first suggestion, not with the window
    from ...services.suggestions import SuggestionResult

PAIR_ROLE = Qt.ItemDataRole.UserRole + 31   # the (brand, model) an entry stands for


class BrandSuggestion(QWidget):
    status = Signal(str)
    suggested = Signal(str, str)   # brand, model: an entry chosen (the best one at first)

    def __init__(self, context: BenchContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("brandSuggestion")
        self._context = context
        self._runner = JobRunner(self)
        self.button = QPushButton("Which brand? From a logo photo…  (Ctrl+G)")
        self.button.setObjectName("suggestFromPhoto")
        self.button.setToolTip("Rank the library's brands and models for a photo of the item's logo")
        self.button.clicked.connect(self.choose_photo)
        self.summary = QLabel()
        self.summary.setObjectName("suggestionSummary")
        self.summary.setWordWrap(True)
        self.choices = QListWidget()
        self.choices.setObjectName("suggestions")
        self.choices.setAccessibleName("Brands and models that look like the photo, best first")
        self.choices.setMaximumHeight(110)
        self.choices.hide()
        self.choices.itemActivated.connect(self._on_chosen)
        self.choices.itemClicked.connect(self._on_chosen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.button)
        layout.addWidget(self.summary)
        layout.addWidget(self.choices)

    @property
    def busy(self) -> bool:
        return self._runner.busy

    def choose_photo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "A photo of the item's logo", "",
                                              "Images (*.jpg *.jpeg *.png *.tif *.tiff *.webp)")
        if path:
            self.suggest_from(Path(path))

    def suggest_from(self, photo: Path) -> None:
        """Rank the library for ``photo`` on a worker; the best match is offered at once."""
        suggestions = self._context.suggestions
        self.summary.setText(f"Looking for {photo.name} in the library…")
        self.button.setEnabled(False)

        def work(_progress: object) -> SuggestionResult:
            return suggestions.suggest(photo.read_bytes(), top=5)

        self._runner.start(work, on_finished=self._on_result, on_failed=self._on_failed)

    def _on_result(self, result: SuggestionResult) -> None:
        self.button.setEnabled(True)
        self.choices.clear()
        matched = [s for s in result.suggestions if s.inliers > 0]   # a brand nothing matched is no suggestion
        if not matched:
            self.summary.setText("Nothing in the library looks like this photo: choose brand and model by hand."
                                 if result.suggestions else "The library holds no logo references to compare with.")
            self.choices.hide()
            return
        for s in matched:
            item = QListWidgetItem(f"{s.brand_name} · {s.model_name}  ({s.inliers} matching points)")
            item.setData(PAIR_ROLE, (s.brand, s.model))
            self.choices.addItem(item)
        best = matched[0]
        self.summary.setText(f"Most like {best.brand_name} {best.model_name}; brand and model are filled in. "
                             "Check them, or pick another below.")
        self.choices.show()
        self.choices.setCurrentRow(0)
        self.suggested.emit(best.brand, best.model)

    def _on_failed(self, exc: BaseException) -> None:
        self.button.setEnabled(True)
        self.summary.setText(describe_error(exc))

    def _on_chosen(self, item: QListWidgetItem) -> None:
        brand, model = item.data(PAIR_ROLE)
        self.suggested.emit(brand, model)
