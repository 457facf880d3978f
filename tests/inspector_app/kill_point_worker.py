"""A bench process that kills itself (SIGKILL) at one exact point of a real write: the kill-point tests' child.

    python -m tests.inspector_app.kill_point_worker POINT NTH CASE [ZONE=PHOTO ...]

INSPECTOR_HOME, INSPECTOR_DB_URL and INSPECTOR_BENCH name the data home, the
database and the bench. The point is reached by wrapping, in this process
only, the function that marks it; production code has no test hooks:

- ``photo-rename``: photos for CASE; killed in the NTH photo's store write, after the temporary file is
  written and fsynced, before the rename (``os.replace``).
- ``photo-commit``: photos for CASE; killed once the NTH photo's row is flushed, before its transaction commits.
- ``photo-run``: photos for CASE, one after the other until killed from outside (real timing).
- ``import-blobs``: imports the pack at CASE (a path); killed in the NTH blob write, before the rename.
- ``import-record``: imports the pack at CASE; killed inside the import transaction once the pack's rows and
  ledger entry are flushed.
- ``sign``: signs CASE (analysed, checklist answered); killed after the signed report is in the store and the
  ledger entry is flushed, before the verdict transaction commits.

Each finished photo is printed as ``took INDEX ZONE SHA256`` (flushed), so the parent knows what was kept.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from sqlalchemy import event  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from inspector_app.services import cases as cases_module  # noqa: E402
from inspector_app.services import users as users_module  # noqa: E402
from inspector_app.services.cases import Decision  # noqa: E402
from inspector_app.workstation import Workstation  # noqa: E402
from reports.cases import CasePhoto  # noqa: E402

INSPECTOR, ADMIN, PASSWORD = "ann", "root", "bench-pw"


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def before_rename_in(tmp_dir: Path, nth: int) -> None:
    """Kill at the ``nth`` (0-based) rename out of the store's temporary directory."""
    real, seen = os.replace, [0]

    def replace(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        if Path(src).parent == tmp_dir:
            if seen[0] == nth:
                die()
            seen[0] += 1
        real(src, dst, *args, **kwargs)

    os.replace = replace


def after_photo_flush(nth: int) -> None:
    """Kill once the ``nth`` (0-based) photo row is flushed, inside its transaction."""
    seen = [0]

    @event.listens_for(Session, "after_flush")
    def flushed(session: Session, _context: object) -> None:
        if any(isinstance(obj, CasePhoto) for obj in session.new):
            if seen[0] == nth:
                die()
            seen[0] += 1


def after_call(owner: Any, name: str, make: bool = False) -> None:
    """Kill right after ``owner.name`` returns (``make``: after the function it returns has run)."""
    real: Callable[..., Any] = getattr(owner, name)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if make:
            hook = real(*args, **kwargs)
            return lambda *a, **k: (hook(*a, **k), die())
        result = real(*args, **kwargs)
        die()
        return result

    setattr(owner, name, wrapped)


def take_photos(ws: Workstation, case: str, shots: list[str], *, forever: bool) -> None:
    actor = ws.users().authenticate(INSPECTOR, PASSWORD)
    cases = ws.cases()
    index = 0
    while True:
        zone, photo = shots[index % len(shots)].split("=", 1)
        data = Path(photo).read_bytes()
        if forever:   # every shot a new blob, as a camera gives (bytes after the JPEG's end are ignored)
            data += index.to_bytes(4, "big")
        sha = cases.add_photo(actor, case, zone, data)
        print(f"took {index} {zone} {sha}", flush=True)
        index += 1
        if not forever and index == len(shots):
            return


def main(point: str, nth: int, case: str, shots: list[str]) -> None:
    ws = Workstation.open()
    if point == "photo-rename":
        before_rename_in(ws.store.root / "tmp", nth)
    elif point == "photo-commit":
        after_photo_flush(nth)
    elif point == "import-blobs":
        before_rename_in(ws.store.root / "tmp", nth)
    elif point == "import-record":
        after_call(users_module, "ledger_import", make=True)
    elif point == "sign":
        after_call(cases_module, "append")
    print("armed", flush=True)
    if point.startswith("photo-"):
        take_photos(ws, case, shots, forever=point == "photo-run")
    elif point.startswith("import-"):
        admin = ws.users().authenticate(ADMIN, PASSWORD)
        users_module.import_pack_as(admin, Path(case), session_factory=ws.session_factory, store=ws.store)
    else:
        from PySide6.QtGui import QGuiApplication   # the report is drawn with Qt

        app = QGuiApplication([])   # noqa: F841  (kept alive for the renderer)
        actor = ws.users().authenticate(INSPECTOR, PASSWORD)
        cases = ws.cases()
        view = cases.resume(actor, case)
        assert view.suggested is not None
        reasons = {"authenticity": ["the machine's findings"]} if view.suggested.value == "FAIL" else {}
        cases.decide_and_sign(actor, Decision(case, view.suggested, reasons), PASSWORD)
    print("finished without being killed", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:])
