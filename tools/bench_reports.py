"""Benchmark of signed reports: render one, sign it, verify it (issue 5's targets).

    .venv/bin/python tools/bench_reports.py [--rounds 10]

The report is a realistic PASS report of the demo bag ``maison-aurel/a01``:
five zones with their real photos, the pack's first reference beside each,
two evidence images per zone (a crop and a difference heat map made here),
the pack's checklist. The identity and CA are made once, outside the timing;
signing includes opening the PKCS#12 with the password, as at the bench.
Prints medians over the rounds. ``demo_report`` is also the tests' fixture.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import statistics
import time
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import cv2
import numpy as np

from reports.pki import create_authority, issue_identity
from reports.report_data import ReportCheck, ReportData, ReportEvidence, ReportFinding, ReportZone
from reports.signing import sign_pdf, verify_pdf

DEMO = Path(__file__).resolve().parents[1] / "resources" / "demo"
PASSWORD = "correct horse battery staple"
T = TypeVar("T")
_FINDINGS = {
    "logo": [("shape_distance", 0.041, "<= 0.12", "The logo's outline matches the reference within tolerance.")],
    "stitching": [("pitch_mm", 3.79, "3.53-4.07 mm", "Stitch pitch is 3.79 mm, within the brand's range."),
                  ("angle_deg", 29.9, "24-36 deg", "Stitches slant at 29.9 degrees, as on the reference.")],
    "hardware": [("delta_e", 2.4, "<= 6.0", "The metal colour differs from the reference by ΔE 2.4.")],
    "code": [("serial", "MA-751011", "^MA-[0-9]{6}$", "Serial MA-751011 is well formed and its signature verifies.")],
    "texture": [("grain_similarity", 0.91, ">= 0.75", "The leather grain matches the reference texture.")],
}


class MemoryStore:
    """A content store in memory: images by SHA-256, as ``image(sha256)`` expects."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}

    def put(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        self.blobs[digest] = data
        return digest

    def __call__(self, sha256: str) -> bytes:
        return self.blobs[sha256]


def _evidence(store: MemoryStore, photo: bytes, reference: bytes) -> tuple[ReportEvidence, ...]:
    """A centre crop of the photo and a heat map of its difference from the reference, as the engine makes."""
    p = cv2.imdecode(np.frombuffer(photo, np.uint8), cv2.IMREAD_REDUCED_COLOR_4)
    r = cv2.resize(cv2.imdecode(np.frombuffer(reference, np.uint8), cv2.IMREAD_REDUCED_COLOR_4),
                   (p.shape[1], p.shape[0]))
    h, w = p.shape[:2]
    crop = p[h // 4: 3 * h // 4, w // 4: 3 * w // 4]
    diff = cv2.applyColorMap(cv2.cvtColor(cv2.absdiff(p, r), cv2.COLOR_BGR2GRAY), cv2.COLORMAP_JET)
    return (
        ReportEvidence("aligned", "Aligned crop", store.put(cv2.imencode(".jpg", crop)[1].tobytes())),
        ReportEvidence("heatmap", "Difference from the reference", store.put(cv2.imencode(".png", diff)[1].tobytes())),
    )


def demo_report(item: str = "a01", *, decision: str = "PASS") -> tuple[ReportData, MemoryStore]:
    """A realistic report of a demo Maison Aurel bag, and the store holding its images."""
    pack_dir = DEMO / "packs" / "maison-aurel"
    manifest = tomllib.loads((pack_dir / "pack.toml").read_text(encoding="utf-8"))
    store = MemoryStore()
    zones = []
    for z in manifest["zone"]:
        photo = (DEMO / "samples" / "maison-aurel" / item / f"{z['id']}.jpg").read_bytes()
        ref_path = sorted(pack_dir.glob(z["references"][0]))[0]
        reference = ref_path.read_bytes()
        findings = tuple(ReportFinding(m, v, e, True, msg) for m, v, e, msg in _FINDINGS[z["kind"]])
        zones.append(ReportZone(
            zone_id=z["id"], title=z["title"], kind=z["kind"], critical=z.get("critical", False), status="pass",
            findings=findings, photo_sha256=store.put(photo), reference_sha256=store.put(reference),
            evidence=_evidence(store, photo, reference), retake=None,
        ))
    checklist = tuple(
        ReportCheck(check_id=c["id"], text=c["text"], critical=c.get("critical", False), zone_id=c.get("zone"),
                    machine="pass" if c.get("zone") else None, answer="pass",
                    note="Compared under daylight lamp" if i == 0 else "")
        for i, c in enumerate(manifest["check"]))
    decided = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.timezone.utc)
    data = ReportData(
        case_number="C-2026-000123", order_ref="ORD-88412", declared_value="EUR 2,450",
        brand="maison-aurel", brand_name=manifest["pack"]["brand_name"], model="city-tote",
        model_name=manifest["model"][0]["name"], pack_version=manifest["pack"]["version"], pack_revision=1,
        pack_digest=hashlib.sha256((pack_dir / "pack.toml").read_bytes()).hexdigest(),
        zones=tuple(zones), checklist=checklist, suggested="PASS", decision=decision,
        override_reason=None if decision == "PASS" else "Strap replaced by a non-original part",
        reasons={} if decision == "PASS" else {"condition": ("Strap replaced by a non-original part",)},
        inspector_username="ann", inspector_name="Ann Smith",
        intake_at=decided - dt.timedelta(minutes=42), decided_at=decided,
        tag_number="T-00042917" if decision == "PASS" else None,
        judged_against={"pack": {"brand": "maison-aurel", "version": manifest["pack"]["version"], "revision": 1},
                        "references": {z.zone_id: [z.reference_sha256] for z in zones},
                        "algorithm_version": "1", "models": []},
    )
    return data, store


def _median(fn: Callable[[], T], rounds: int) -> tuple[float, T]:
    """Median wall time of ``fn`` over ``rounds`` calls, and its last result."""
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def bench_signed_reports(rounds: int) -> dict[str, float]:
    """Median seconds to render, sign and verify one five-zone report."""
    from inspector_app.report_pdf import render_report_pdf  # Qt only when this part runs

    data, store = demo_report()
    authority = create_authority("Demo Authentication Ltd")
    p12 = issue_identity(authority, "ann", "Ann Smith", PASSWORD)
    render_report_pdf(data, store)  # warm-up: Qt start and font loading are once per process
    render_s, pdf = _median(lambda: render_report_pdf(data, store, org=authority.org), rounds)
    sign_s, signed = _median(lambda: sign_pdf(pdf, p12, PASSWORD, reason="Authentication report"), rounds)
    verify_s, check = _median(lambda: verify_pdf(signed, authority.cert_pem), rounds)
    if not check.valid:
        raise SystemExit(f"benchmark report did not verify: {check.reason}")
    return {"render (s)": render_s, "sign (s)": sign_s, "render + sign (s)": render_s + sign_s,
            "verify (s)": verify_s, "signed PDF (KB)": len(signed) / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    for name, value in bench_signed_reports(args.rounds).items():
        print(f"{name:24s} {value:8.3f}")


if __name__ == "__main__":
    main()
