"""Admin pages on the demo bench, signed in as any demo account."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from inspector_app.ui.bench_context import BenchContext


@pytest.fixture
def open_page(qtbot: QtBot, context_for: Callable[[str], BenchContext]) -> Callable[[type, str], QWidget]:
    """``open_page(UsersPage, "admin")``: the page, shown, for that account."""
    def build(page_class: type, username: str) -> QWidget:
        page = page_class(context_for(username))
        qtbot.addWidget(page)
        page.resize(1100, 700)
        page.show()
        return page
    return build
