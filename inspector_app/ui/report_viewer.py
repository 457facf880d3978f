"""A signed report shown in the window, printed, or exported byte for byte.

The report is a signed PDF: exporting must hand out the exact bytes that were
signed, so Export writes them as they are and never renders anything. Print
renders the pages to the printer on a worker (painting on a QPrinter is
allowed off the GUI thread), at most 300 dpi, which is plenty for text and
photos on paper.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRect, QSize, Qt, Signal
from PySide6.QtGui import QKeySequence, QPainter, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget
from shiboken6 import isValid

from .messages import describe_error
from .workers import JobRunner

#: Zoom steps, and the resolution pages are rendered at for printing.
ZOOM_STEP = 1.25
PRINT_DPI = 300


class ReportViewer(QWidget):
    """Pages of one PDF with navigation, zoom, Print… and Export…."""

    status = Signal(str)
    exported = Signal(str)   # the path the exact bytes were written to
    printed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._pdf = b""
        self._title = ""
        self._buffer: QBuffer | None = None   # QPdfDocument reads from it for as long as the document is open
        self._runner = JobRunner(self)
        self.document = QPdfDocument(self)
        self.view = QPdfView()
        self.view.setObjectName("reportPages")
        self.view.setAccessibleName("Report pages")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.pageNavigator().currentPageChanged.connect(lambda _page: self._show_page())
        self.document.pageCountChanged.connect(lambda _count: self._show_page())

        self.title = QLabel()
        self.title.setObjectName("reportTitle")
        self.page = QLabel()
        self.page.setObjectName("reportPage")
        self._keys: list[tuple[str, str]] = []
        tools = QHBoxLayout()
        tools.addWidget(self.title)
        tools.addStretch(1)
        self.buttons: dict[str, QToolButton] = {}
        for name, text, key, slot, what in (
            ("previous", "◀", "PgUp", self.previous_page, "Previous page"),
            ("next", "▶", "PgDown", self.next_page, "Next page"),
            ("fit", "Fit width", "Ctrl+0", self.fit_width, "Fit the page width to the window"),
            ("zoom_out", "−", "Ctrl+-", self.zoom_out, "Zoom out"),
            ("zoom_in", "+", "Ctrl++", self.zoom_in, "Zoom in"),
            ("print", "Print…", "Ctrl+P", self.print_report, "Print the report"),
            ("export", "Export…", "Ctrl+Shift+S", self.export, "Save the signed report, exactly as signed"),
        ):
            button = QToolButton()
            button.setText(text)
            button.setObjectName(f"report_{name}")
            button.setToolTip(f"{what} ({key})")
            button.setAccessibleName(what)
            button.setAutoRaise(True)
            button.clicked.connect(slot)
            self.buttons[name] = button
            tools.addWidget(button)
            if name == "next":
                tools.addWidget(self.page)
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
            self._keys.append((key, what))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(tools)
        layout.addWidget(self.view, 1)
        self._show_page()

    def shortcuts(self) -> list[tuple[str, str]]:
        return list(self._keys)

    def load(self, pdf: bytes, title: str) -> None:
        """Show ``pdf``; the bytes are kept as given, for Export."""
        self.document.close()
        self._pdf, self._title = bytes(pdf), title
        buffer = QBuffer(self)
        buffer.setData(QByteArray(self._pdf))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(buffer)
        if self._buffer is not None:
            self._buffer.deleteLater()
        self._buffer = buffer
        self.title.setText(title)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        if self.document.error() != QPdfDocument.Error.None_:
            self.status.emit(f"The report could not be shown ({self.document.error().name}).")
        self._show_page()

    @property
    def pdf(self) -> bytes:
        return self._pdf

    @property
    def busy(self) -> bool:
        return self._runner.busy

    # -- pages and zoom --
    def current_page(self) -> int:
        return self.view.pageNavigator().currentPage()

    def go_to_page(self, page: int) -> None:
        if self.document.pageCount():
            page = min(max(page, 0), self.document.pageCount() - 1)
            self.view.pageNavigator().jump(page, QPointF(), self.view.pageNavigator().currentZoom())

    def previous_page(self) -> None:
        self.go_to_page(self.current_page() - 1)

    def next_page(self) -> None:
        self.go_to_page(self.current_page() + 1)

    def fit_width(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

    def zoom_in(self) -> None:
        self._zoom(ZOOM_STEP)

    def zoom_out(self) -> None:
        self._zoom(1 / ZOOM_STEP)

    def _zoom(self, factor: float) -> None:
        current = self.view.zoomFactor() if self.view.zoomMode() == QPdfView.ZoomMode.Custom else self._fit_factor()
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(min(max(current * factor, 0.1), 8.0))

    def _fit_factor(self) -> float:
        """The zoom factor that fit-width shows now (points are 1/72 inch; the view draws at screen dpi)."""
        if not self.document.pageCount():
            return 1.0
        width = self.document.pagePointSize(self.current_page()).width() * self.logicalDpiX() / 72
        return self.view.viewport().width() / width if width else 1.0

    def _show_page(self) -> None:
        if not isValid(self.document):   # the document closes (and says so) while the viewer is destroyed
            return
        count = self.document.pageCount()
        self.page.setText(f"Page {self.current_page() + 1} of {count}" if count else "No report")
        for name in ("previous", "next", "fit", "zoom_out", "zoom_in", "print", "export"):
            self.buttons[name].setEnabled(bool(count))

    # -- print and export --
    def print_report(self) -> None:
        """Ask for a printer, then print every page on a worker."""
        if not self.document.pageCount():
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self._title)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print the report")
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> None:
        """Render the pages to ``printer`` on a worker; ``printed`` follows."""
        document = self.document
        dpi = min(printer.resolution(), PRINT_DPI)

        def work(progress: Callable[[str, int, int], None]) -> None:
            painter = QPainter()
            if not painter.begin(printer):
                raise OSError(0, "the printer could not be opened")
            try:
                target: QRect = printer.pageLayout().paintRectPixels(printer.resolution())
                target.moveTo(0, 0)
                for page in range(document.pageCount()):
                    progress("printing", page, document.pageCount())
                    if page:
                        printer.newPage()
                    size = document.pagePointSize(page) * (dpi / 72)
                    image = document.render(page, QSize(round(size.width()), round(size.height())))
                    painter.drawImage(_fitted(image.size(), target), image)
            finally:
                painter.end()

        self.status.emit(f"Printing {self._title}…")
        self._runner.start(work, on_finished=lambda _: self._printed(printer),
                           on_failed=lambda exc: self.status.emit(f"Not printed: {describe_error(exc)}"))

    def _printed(self, printer: QPrinter) -> None:
        self.status.emit(f"{self._title} sent to {printer.printerName() or printer.outputFileName()}.")
        self.printed.emit()

    def export(self) -> None:
        """Ask where, then write the signed bytes there, unchanged."""
        if not self._pdf:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Export the signed report", f"{self._title}.pdf",
                                              "PDF documents (*.pdf)")
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        data = self._pdf
        self._runner.start(lambda _progress: path.write_bytes(data),
                           on_finished=lambda _: self._exported(path),
                           on_failed=lambda exc: self.status.emit(f"Not exported: {describe_error(exc)}"))

    def _exported(self, path: Path) -> None:
        self.status.emit(f"Report exported to {path}.")
        self.exported.emit(str(path))


def _fitted(size: QSize, target: QRect) -> QRect:
    """``size`` scaled to fit ``target``, centred, aspect kept."""
    scaled = size.scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
    return QRect(target.x() + (target.width() - scaled.width()) // 2,
                 target.y() + (target.height() - scaled.height()) // 2, scaled.width(), scaled.height())
