"""Benchmark of the vision engine: accuracy against ground truth, and speed.

    .venv/bin/python tools/bench_vision.py [--set resources/demo] [--set DIR ...] [--timing-megapixels 12]

For each sample set (a directory with ``packs/`` and ``samples/ground_truth.json``,
as written by ``python -m tools.demogen``) the packs are imported into a fresh
data home and every item is inspected through the same service as
``inspector-app inspect``, in ground-truth order with its item id as case, so
cloned serials are caught as at a real bench. Printed:

- items: counterfeits that FAIL, authentic items that PASS, items with a bad
  photo that come out INCONCLUSIVE, and every miss by name;
- zones, per kind: counterfeit zones failed, authentic zones passed, bad
  photos made inconclusive, and usable photos (no defect drawn) sent back for
  a retake all the same;
- timing on one core, on the timing set (``--timing-set``, default the first
  set): photos that already have the given megapixels are used as they are
  (``tools.demogen heldout --megapixels 12`` renders such sets), smaller ones
  are upscaled and re-encoded as JPEG; time per zone (decode at analysis size
  + analysis, references prepared beforehand) against the time to decode the
  same file at full resolution, and per item, naming the three slowest items;
  then each item inspected from those files as ``inspector-app inspect`` does
  it (read, store, decode, judge, store the evidence; OpenCV's own threads as
  the application has them), one zone at a time and its zones side by side;
- alignment on photographs nobody here made: graf1 -> graf3 against the
  ground-truth homography, and box.png found in box_in_scene.png.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from pathlib import Path

import cv2
import numpy as np

from inspector_app.services.inspection import InspectionService, InspectRequest, zone_workers
from inspector_app.settings import Settings
from inspector_app.workstation import RESOURCES_DIR, Workstation
from reference_library.catalog import get_pack
from reference_library.importer import import_pack
from vision.align import align, extract_features, normalise_grey
from vision.engine import WORK_LONG_SIDE, analyse_zone
from vision.image_io import decode_for_analysis

SAMPLES = Path(__file__).resolve().parents[1] / "tests" / "data" / "opencv-samples"


def pct(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.1f}%)" if whole else "0/0"


def accuracy(sample_set: Path, ws: Workstation) -> list[dict]:  # type: ignore[type-arg]
    truth = json.loads((sample_set / "samples" / "ground_truth.json").read_text())
    for pack in sorted((sample_set / "packs").iterdir()):
        import_pack(pack, session_factory=ws.session_factory, store=ws.store)
    service = ws.inspection()
    rows = []
    for it in truth["items"]:
        photos = {z["zone"]: sample_set / z["photo"] for z in it["zones"]}
        result = service.inspect(InspectRequest(it["brand"], it["model"], photos, case_ref=it["id"]))
        rows.append({"item": it, "result": result})
    return rows


def report_accuracy(name: str, rows: list[dict]) -> None:  # type: ignore[type-arg]
    print(f"\n== accuracy: {name} ({len(rows)} items)")
    fakes = [r for r in rows if r["item"]["truth"] == "counterfeit"]
    fakes_expected_fail = [r for r in fakes if r["item"]["expected_verdict"] == "FAIL"]
    clean_authentic = [r for r in rows if r["item"]["truth"] == "authentic" and r["item"]["expected_verdict"] == "PASS"]
    bad_photo = [r for r in rows if r["item"]["truth"] == "authentic" and r["item"]["expected_verdict"] == "INCONCLUSIVE"]
    v = lambda r: r["result"].verdict.value  # noqa: E731
    print(f"  counterfeit items FAIL           {pct(sum(v(r) == 'FAIL' for r in fakes_expected_fail), len(fakes_expected_fail))}"
          f"   (all counterfeits, incl. non-critical tells: {pct(sum(v(r) == 'FAIL' for r in fakes), len(fakes))};"
          f" wrongly PASS: {sum(v(r) == 'PASS' for r in fakes)})")
    print(f"  authentic items PASS             {pct(sum(v(r) == 'PASS' for r in clean_authentic), len(clean_authentic))}"
          f"   (wrongly FAIL: {sum(v(r) == 'FAIL' for r in clean_authentic)})")
    print(f"  authentic, bad photo INCONCLUSIVE {pct(sum(v(r) == 'INCONCLUSIVE' for r in bad_photo), len(bad_photo))}")
    print(f"  inconclusive share, all items    {pct(sum(v(r) == 'INCONCLUSIVE' for r in rows), len(rows))}")
    for r in rows:
        if v(r) != r["item"]["expected_verdict"]:
            print(f"    miss {r['item']['id']}: expected {r['item']['expected_verdict']}, got {v(r)}")

    print("  per zone kind:            counterfeit zones fail | authentic zones pass | bad photos inconclusive"
          " | usable photos sent back for a retake")
    by_kind: dict[str, Counter] = defaultdict(Counter)  # type: ignore[type-arg]
    misses: list[str] = []
    for r in rows:
        outcome = {o.zone.id: o for o in r["result"].zones}
        for z in r["item"]["zones"]:
            got = outcome[z["zone"]].analysis.status.value
            group = "defect" if z["defect"] else ("fake" if z["truth"] == "counterfeit" else "real")
            want = {"defect": "inconclusive", "fake": "fail", "real": "pass"}[group]
            by_kind[z["kind"]][group] += 1
            by_kind[z["kind"]][group + "_ok"] += got == want
            if group != "defect":    # a retake asked of a usable photo: the next one may be asked again
                by_kind[z["kind"]]["usable"] += 1
                by_kind[z["kind"]]["sent_back"] += outcome[z["zone"]].analysis.retake is not None
            if got != want:
                a = outcome[z["zone"]].analysis
                why = a.retake or next((f.message for f in a.findings if not f.passed), "")
                misses.append(f"    {r['item']['id']}/{z['zone']} ({z['tell'] or z['defect'] or 'authentic'}): "
                              f"expected {want}, got {got}. {why}")
    for kind, c in sorted(by_kind.items()):
        print(f"    {kind:<10} {pct(c['fake_ok'], c['fake']):>24} | {pct(c['real_ok'], c['real']):>20} | "
              f"{pct(c['defect_ok'], c['defect']):>23} | {pct(c['sent_back'], c['usable']):>16}")
    for line in misses:
        print(line)


def timing(sample_set: Path, ws: Workstation, megapixels: float) -> None:
    opencv_threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    truth = json.loads((sample_set / "samples" / "ground_truth.json").read_text())
    service = ws.inspection()
    per_kind: dict[str, list[tuple[float, float]]] = defaultdict(list)
    per_item: list[float] = []
    slowest: list[tuple[float, str, str]] = []      # item ms, item, its slowest zone
    files: dict[tuple[str, str], bytes] = {}        # (item, zone) -> the photo as timed
    for it in truth["items"]:
        item_ms = 0.0
        zone_times: dict[str, float] = {}
        with ws.session_factory() as session:
            pack = get_pack(session, it["brand"])
        zones = {z.id: z for m in pack.models for z in m.zones}
        for z in it["zones"]:
            data = (sample_set / z["photo"]).read_bytes()
            rgb = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
            if rgb.shape[0] * rgb.shape[1] < 0.9 * megapixels * 1e6:
                scale = (megapixels * 1e6 / (rgb.shape[0] * rgb.shape[1])) ** 0.5
                big = cv2.resize(rgb, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
                data = cv2.imencode(".jpg", big, [cv2.IMWRITE_JPEG_QUALITY, 92])[1].tobytes()
            files[it["id"], z["zone"]] = data
            prepared = service.prepared_zone(pack, zones[z["zone"]])
            t = time.perf_counter()
            cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
            full_decode = (time.perf_counter() - t) * 1000
            t = time.perf_counter()
            analyse_zone(prepared, decode_for_analysis(data, min_long_side=WORK_LONG_SIDE[z["kind"]]))
            zone_ms = (time.perf_counter() - t) * 1000
            per_kind[z["kind"]].append((zone_ms, full_decode))
            zone_times[z["zone"]] = zone_ms
            item_ms += zone_ms
        per_item.append(item_ms)
        worst = max(zone_times, key=zone_times.__getitem__)
        slowest.append((item_ms, it["id"], f"{worst} {zone_times[worst]:.0f} ms"))
    print(f"\n== timing on one core: {sample_set}, photos of {megapixels:.0f} megapixels")
    print("  kind        zone ms (median / max)   full decode ms (median)   ratio (median / max)")
    for kind, values in sorted(per_kind.items()):
        zone = [v[0] for v in values]
        ratio = [v[0] / v[1] for v in values]
        print(f"  {kind:<10} {statistics.median(zone):8.0f} / {max(zone):6.0f}   {statistics.median(v[1] for v in values):14.0f}"
              f"             {statistics.median(ratio):5.2f} / {max(ratio):5.2f}")
    print(f"  whole item (5 zones): median {statistics.median(per_item):.0f} ms, max {max(per_item):.0f} ms")
    for item_ms, item, zone in sorted(slowest, reverse=True)[:3]:
        print(f"    slow: {item} {item_ms:.0f} ms (slowest zone: {zone})")
    cv2.setNumThreads(opencv_threads)     # as the application runs: OpenCV's own threads as well
    zones = max(len(it["zones"]) for it in truth["items"])
    print(f"  inspect, as inspector-app inspect runs it ({os.cpu_count()} cores; read, store, decode, judge, "
          "store the evidence):")
    with tempfile.TemporaryDirectory() as tmp:
        requests = []
        for it in truth["items"]:
            photos = {z["zone"]: Path(tmp) / f"{it['id'].replace('/', '-')}-{z['zone']}.jpg" for z in it["zones"]}
            for zone, path in photos.items():
                path.write_bytes(files[it["id"], zone])
            requests.append(InspectRequest(it["brand"], it["model"], photos))
        inspect_times(requests, service)        # once untimed: the photos and evidence are then in the
        for workers in (1, zone_workers(zones)):  # store for both runs alike (a new photo is written once)
            service.max_zone_workers = workers
            walls = inspect_times(requests, service)
            print(f"    {workers} zone(s) at once: median {statistics.median(walls):.0f} ms, "
                  f"max {max(walls):.0f} ms per item")


def inspect_times(requests: list[InspectRequest], service: InspectionService) -> list[float]:
    """Wall time (ms) of each request inspected, as ``inspector-app inspect`` does it."""
    out = []
    for request in requests:
        t = time.perf_counter()
        service.inspect(request)
        out.append((time.perf_counter() - t) * 1000)
    return out


def real_photo_alignment() -> None:
    print("\n== alignment on real photographs")
    g1, g3 = cv2.imread(str(SAMPLES / "graf1.png")), cv2.imread(str(SAMPLES / "graf3.png"))
    node = ET.parse(SAMPLES / "H1to3p.xml").getroot().find("H13/data")
    truth = np.array(node.text.split(), float).reshape(3, 3)  # type: ignore[union-attr]
    h, w = g1.shape[:2]
    corners = np.float32([[0, 0], [w, 0], [w, h], [0, h]]).reshape(-1, 1, 2)
    for method in ("orb", "sift"):
        t = time.perf_counter()
        a = align(extract_features(normalise_grey(g1), method=method), extract_features(normalise_grey(g3), method=method))
        ms = (time.perf_counter() - t) * 1000
        if a:
            err = np.linalg.norm(cv2.perspectiveTransform(corners, a.homography) - cv2.perspectiveTransform(corners, truth),
                                 axis=2).ravel()
            print(f"  graf1->graf3 {method}: mean corner error {err.mean():.2f} px (max {err.max():.2f}), "
                  f"{a.inliers} inliers, {ms:.0f} ms")
        else:
            print(f"  graf1->graf3 {method}: failed ({a.reason})")
    box, scene = cv2.imread(str(SAMPLES / "box.png")), cv2.imread(str(SAMPLES / "box_in_scene.png"))
    a = align(extract_features(normalise_grey(box)), extract_features(normalise_grey(scene)))
    print(f"  box in box_in_scene (orb): {'found, ' + str(a.inliers) + ' inliers, ' + format(a.reprojection_px, '.2f') + ' px' if a else 'not found: ' + a.reason}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", dest="sets", type=Path, action="append",
                        help="sample set directory (default: the bundled demo)")
    parser.add_argument("--timing-set", type=Path, help="sample set for the timing run (default: the first set)")
    parser.add_argument("--timing-megapixels", type=float, default=12.0)
    parser.add_argument("--no-timing", action="store_true")
    args = parser.parse_args()
    sets = args.sets or [RESOURCES_DIR / "demo"]
    timing_set = None if args.no_timing else (args.timing_set or sets[0])
    for sample_set in dict.fromkeys([*sets, *([timing_set] if timing_set else [])]):
        with tempfile.TemporaryDirectory() as tmp:
            ws = Workstation.open(Settings(home=Path(tmp), database_url=f"sqlite:///{tmp}/db.sqlite3"))
            try:
                rows = accuracy(sample_set, ws)
                if sample_set in sets:
                    report_accuracy(str(sample_set), rows)
                if sample_set == timing_set:
                    timing(sample_set, ws, args.timing_megapixels)
            finally:
                ws.close()
    real_photo_alignment()


if __name__ == "__main__":
    main()
