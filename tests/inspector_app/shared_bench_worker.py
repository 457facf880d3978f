"""One bench process of the shared-database test: inspects and signs whatever cases it can claim.

    python -m tests.inspector_app.shared_bench_worker INSPECTOR CASES_JSON OUT_JSON

INSPECTOR_HOME, INSPECTOR_DB_URL and INSPECTOR_BENCH name the shared store,
the shared database and this bench. Every bench walks the same case list from
a different starting point: it takes a case in (or claims one another bench
took in and left), photographs it with the demo sample photos, analyses it,
answers the open checks and signs. A case another bench holds is skipped.
What this bench signed is written to OUT_JSON.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QGuiApplication  # noqa: E402  (the report is drawn with Qt)

from inspector_app.services.cases import CaseError, Decision, Intake  # noqa: E402
from inspector_app.services.claims import CaseClaimed  # noqa: E402
from inspector_app.workstation import Workstation  # noqa: E402
from reports.verdict import Verdict  # noqa: E402

PASSWORD = "bench-pw"


def main(inspector: str, cases_file: Path, out: Path) -> None:
    app = QGuiApplication([])   # noqa: F841  (kept alive for the renderer)
    plan = json.loads(cases_file.read_text())
    bench = os.environ["INSPECTOR_BENCH"]
    start = int(bench.rsplit("-", 1)[1])
    order = plan[start:] + plan[:start]
    ws = Workstation.open()
    signed, skipped = [], []
    try:
        actor = ws.users().authenticate(inspector, PASSWORD)
        cases = ws.cases()
        for case in order:
            number = case["case"]
            try:
                cases.open(actor, Intake(number, case["brand"], case["model"]))
            except CaseError:
                try:
                    cases.claim(actor, number)
                except (CaseClaimed, CaseError):    # another bench holds it, or it is decided
                    skipped.append(number)
                    continue
            try:
                for zone, photo in case["photos"].items():
                    cases.add_photo(actor, number, zone, Path(photo).read_bytes())
                view = cases.analyse(actor, number)
                for state in view.checklist:
                    if state.effective is None:
                        cases.answer_check(actor, number, state.check.id, "pass")
                suggested = view.suggested or Verdict.INCONCLUSIVE
                reasons = {"authenticity": ["the machine's findings"]} if suggested is Verdict.FAIL else {}
                verdict = cases.decide_and_sign(actor, Decision(number, suggested, reasons), PASSWORD)
                signed.append({"case": number, "seq": verdict.ledger_seq, "pdf": verdict.report_pdf_sha256})
            except CaseClaimed:
                skipped.append(number)
    finally:
        ws.close()
    out.write_text(json.dumps({"bench": bench, "inspector": inspector, "signed": signed, "skipped": skipped}))


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]))
