"""Library pages for the partner tests: on an empty bench as an admin, or on the demo bench as anyone."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from inspector_app.ui.bench_context import BenchContext
from inspector_app.ui.partner.library_page import LibraryPage
from inspector_app.ui.preferences import BenchPreferences
from inspector_app.workstation import Workstation

from ..helpers import BENCH_ADMIN


def open_page(qtbot: QtBot, context: BenchContext) -> LibraryPage:
    """The page after its first read of the library."""
    page = LibraryPage(context)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.browser.loaded, timeout=10_000):
        page.resize(1280, 800)
        page.show()
    return page


@pytest.fixture
def page(qtbot: QtBot, workstation: Workstation, preferences: BenchPreferences) -> LibraryPage:
    """The library page of an admin on an empty library."""
    return open_page(qtbot, BenchContext(workstation, BENCH_ADMIN, preferences))


@pytest.fixture
def page_for(qtbot: QtBot, context_for: Callable[[str], BenchContext]) -> Callable[[str], LibraryPage]:
    """The library page of a demo account on the demo bench: ``page_for("bruno")``."""
    return lambda username: open_page(qtbot, context_for(username))
