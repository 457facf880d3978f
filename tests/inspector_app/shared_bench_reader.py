"""A reader of the shared library during the shared-database test: it must never see half a pack.

    python -m tests.inspector_app.shared_bench_reader BRAND STOP_FILE OUT_JSON

Reads the brand's current pack over and over (each read its own
transaction, as a bench does) until STOP_FILE exists, and writes every
version it saw with the shape it had: models, zones, checks and references
per zone. A pack seen with a shape other than the complete one is a torn
read.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from inspector_app.workstation import Workstation
from reference_library.catalog import PackSummary, get_pack


def shape(pack: PackSummary) -> list[object]:
    return [len(pack.checks), [(m.id, [(z.id, len(z.references), len(z.counterfeits)) for z in m.zones])
                               for m in pack.models]]


def main(brand: str, stop: Path, out: Path) -> None:
    seen: dict[str, list[list[object]]] = {}
    reads = 0
    ws = Workstation.open()
    try:
        while not stop.exists():
            with ws.session_factory() as session:
                pack = get_pack(session, brand)
            shapes = seen.setdefault(pack.version, [])
            if shape(pack) not in shapes:
                shapes.append(shape(pack))
            reads += 1
            time.sleep(0.005)
    finally:
        ws.close()
    out.write_text(json.dumps({"reads": reads, "seen": seen}))


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]))
