"""Tests of the compare, checklist and verdict panels and the report viewer, on cases built with the services.

The helpers here put a case in the state a panel expects (photos taken,
analysed) the way the bench does it, through the case service.
"""

from __future__ import annotations

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from inspector_app.services.cases import CaseView, Intake
from inspector_app.ui.bench_context import BenchContext
from inspector_app.ui.image_loading import DETAIL_SIDE, read_scaled
from inspector_app.ui.inspect.image_pair_view import ImageView
from tests.ui.conftest import demo_item, demo_items


def analysed_case(context: BenchContext, item_id: str, case_number: str = "C-1") -> CaseView:
    """Open a case for a ground-truth demo item, take every zone's photo and analyse it."""
    item = next(i for i in demo_items() if i["id"] == item_id)
    context.cases.open(context.user, Intake(case_number, item["brand"], item["model"]))
    for zone, photo in demo_item(item_id).items():
        context.cases.take_photo(context.user, case_number, zone, photo.read_bytes())
    return context.cases.analyse(context.user, case_number)


def evidence_sha(view: CaseView, zone_id: str, name: str) -> str:
    zone = next(z for z in view.zones if z["zone"] == zone_id)
    return next(e["sha256"] for e in zone["evidence"] if e["name"] == name)


def stored_picture(context: BenchContext, sha256: str) -> QImage:
    """A stored picture as the views decode it."""
    return read_scaled(context.workstation.store.path_for(sha256), DETAIL_SIDE)


def shows(context: BenchContext, view: ImageView, sha256: str) -> bool:
    """Whether the view's picture is exactly this stored picture."""
    if not view.has_picture:
        return False
    fmt = QImage.Format.Format_RGB32
    return view.base.pixmap().toImage().convertToFormat(fmt) == stored_picture(context, sha256).convertToFormat(fmt)


def show_active(qtbot: QtBot, widget: QWidget) -> None:
    """Show the widget as the active window, so its shortcuts fire."""
    widget.resize(1280, 800)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)


def ready_to_sign(context: BenchContext, item_id: str, case_number: str = "C-1") -> CaseView:
    """An analysed case whose open checks the inspector passed: the verdict is next."""
    view = analysed_case(context, item_id, case_number)
    for state in view.checklist:
        if state.effective is None:
            context.cases.answer_check(context.user, case_number, state.check.id, "pass")
    return context.cases.resume(context.user, case_number)
