"""Benchmark of the classifier's second opinion: does it earn its place?

    .venv/bin/python tools/bench_classifier.py [--set resources/demo] [--set DIR ...]

Sample sets are directories written by ``python -m tools.demogen`` (``packs/``
and ``samples/ground_truth.json``); ``tools.demogen heldout --seed S`` makes
brands whose designs the model never saw in training. Each item is inspected
by the geometric checks (the inspection service without a second opinion),
then the serving model judges every aligned zone. Printed per set:

- zones the model serves (logo, hardware): ROC AUC of the geometric score and
  of the model's probability; counterfeit zones caught (FAIL) and authentic
  zones wrongly failed, for (a) the geometric checks alone, (b) the classifier
  alone at its shipped threshold, (c) the fused rule (:mod:`vision.fusion`);
  counterfeit zones that PASS under (a) and (c);
- items: counterfeits that FAIL, authentic items that FAIL, authentic items
  that PASS, counterfeits that PASS, under (a) and (c);
- inference time per zone, one at a time and batched, on one thread.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from inspector_app.services.inspection import InspectionService, InspectRequest
from inspector_app.services.second_opinion import SecondOpinions
from inspector_app.settings import Settings
from inspector_app.workstation import RESOURCES_DIR, Workstation
from reference_library.importer import import_pack
from reference_library.model_registry import ModelSummary
from reference_library.prepared import PreparedZones
from reports.verdict import suggest_verdict
from vision.classifier import PairClassifier, comparison_input, load_classifier
from vision.findings import Status, ZoneAnalysis


@dataclass(frozen=True)
class ZoneRow:
    item: str
    kind: str
    counterfeit: bool     # this zone shows a counterfeit tell
    defect: bool          # the photo was made bad on purpose
    geometric: ZoneAnalysis
    p: float | None       # the model's probability, where it judged the zone
    fused: ZoneAnalysis


@dataclass(frozen=True)
class ItemRow:
    item: str
    counterfeit: bool
    expected: str
    geometric: str
    fused: str


def roc_auc(positives: list[float], negatives: list[float]) -> float:
    """P(score of a random positive > score of a random negative), ties counting half."""
    if not positives or not negatives:
        return float("nan")
    pos, neg = np.asarray(positives)[:, None], np.asarray(negatives)[None, :]
    return float(np.mean((pos > neg) + 0.5 * (pos == neg)))


def pct(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.1f}%)" if whole else "0/0"


def run_set(sample_set: Path, ws: Workstation) -> tuple[list[ZoneRow], list[ItemRow], ModelSummary | None]:
    truth = json.loads((sample_set / "samples" / "ground_truth.json").read_text())
    for pack in sorted((sample_set / "packs").iterdir()):
        import_pack(pack, session_factory=ws.session_factory, store=ws.store)
    geometric = InspectionService(ws.session_factory, ws.store,
                                  PreparedZones(ws.store, ws.settings.home / "cache" / "prepared"))
    opinions = SecondOpinions(ws.session_factory, ws.store)
    serving = opinions.serving()
    zones: list[ZoneRow] = []
    items: list[ItemRow] = []
    for it in truth["items"]:
        photos = {z["zone"]: sample_set / z["photo"] for z in it["zones"]}
        result = geometric.inspect(InspectRequest(it["brand"], it["model"], photos, case_ref=it["id"]))
        judged = opinions.judge([(o.zone.kind, o.analysis) for o in result.zones], serving)
        by_zone = {o.zone.id: (o, j) for o, j in zip(result.zones, judged)}
        fused_statuses = []
        for z in it["zones"]:
            o, j = by_zone[z["zone"]]
            zones.append(ZoneRow(it["id"], o.zone.kind, z["truth"] == "counterfeit", bool(z["defect"]),
                                 o.analysis, j.opinion.p_authentic if j.opinion else None, j.analysis))
            fused_statuses.append((o.zone.critical, j.analysis.status))
        items.append(ItemRow(it["id"], it["truth"] == "counterfeit", it["expected_verdict"],
                             result.verdict.value, suggest_verdict(fused_statuses).value))
    return zones, items, next(iter(serving.values()), None)


def _classifier(ws: Workstation, model: ModelSummary) -> PairClassifier:
    return load_classifier(ws.store.path_for(model.sha256), model.sha256, threads=1)


def report(name: str, zones: list[ZoneRow], items: list[ItemRow], model: ModelSummary) -> None:
    t = model.threshold
    judged = [z for z in zones if z.p is not None and not z.defect]
    fakes = [z for z in judged if z.counterfeit]
    reals = [z for z in judged if not z.counterfeit]
    print(f"\n== {name}: {model.name} {model.version} ({model.sha256[:12]}), threshold {t:.3f}")
    print(f"  aligned zones judged: {len(fakes)} counterfeit, {len(reals)} authentic "
          f"({', '.join(sorted({z.kind for z in judged}))})")
    print(f"  ROC AUC   geometric score {roc_auc([z.geometric.score for z in reals], [z.geometric.score for z in fakes]):.3f}"
          f"   classifier {roc_auc([z.p for z in reals], [z.p for z in fakes]):.3f}")  # type: ignore[misc]
    rows = [
        ("(a) geometric", lambda z: z.geometric.status is Status.FAIL, lambda z: z.geometric.status is Status.PASS),
        ("(b) classifier", lambda z: z.p < t, lambda z: z.p >= t),
        ("(c) fused", lambda z: z.fused.status is Status.FAIL, lambda z: z.fused.status is Status.PASS),
    ]
    print("  zones:            counterfeit caught (FAIL) | authentic wrongly FAIL | counterfeit PASS | authentic PASS")
    for label, caught, passed in rows:
        print(f"    {label:<15} {pct(sum(map(caught, fakes)), len(fakes)):>24} | "
              f"{pct(sum(map(caught, reals)), len(reals)):>22} | {pct(sum(map(passed, fakes)), len(fakes)):>16} | "
              f"{pct(sum(map(passed, reals)), len(reals)):>14}")
    for z in judged:
        if z.geometric.status is not z.fused.status:
            print(f"    changed {z.item} {z.kind} ({'counterfeit' if z.counterfeit else 'authentic'}): "
                  f"{z.geometric.status.value} -> {z.fused.status.value} (p {z.p:.3f})")
    fake_items = [i for i in items if i.counterfeit]
    real_items = [i for i in items if not i.counterfeit and i.expected == "PASS"]
    print("  items:            counterfeit FAIL | authentic wrongly FAIL | authentic PASS | counterfeit PASS")
    for label, attr in (("(a) geometric", "geometric"), ("(c) fused", "fused")):
        v = lambda i: getattr(i, attr)  # noqa: E731
        print(f"    {label:<15} {pct(sum(v(i) == 'FAIL' for i in fake_items), len(fake_items)):>16} | "
              f"{pct(sum(v(i) == 'FAIL' for i in real_items), len(real_items)):>22} | "
              f"{pct(sum(v(i) == 'PASS' for i in real_items), len(real_items)):>14} | "
              f"{pct(sum(v(i) == 'PASS' for i in fake_items), len(fake_items)):>16}")


def inference_timing(ws: Workstation, model: ModelSummary, zones: list[ZoneRow]) -> None:
    inputs = np.stack([comparison_input(z.geometric.comparison) for z in zones if z.geometric.comparison is not None])
    classifier = _classifier(ws, model)
    classifier.probabilities(inputs[:1])   # warm-up
    singles = []
    for x in inputs[:64]:
        t = time.perf_counter()
        classifier.probabilities(x[None])
        singles.append((time.perf_counter() - t) * 1000)
    batch = inputs[:8]
    t = time.perf_counter()
    for _ in range(5):
        classifier.probabilities(batch)
    batched = (time.perf_counter() - t) * 1000 / (5 * len(batch))
    prep = []
    for z in zones[:64]:
        if z.geometric.comparison is not None:
            t = time.perf_counter()
            comparison_input(z.geometric.comparison)
            prep.append((time.perf_counter() - t) * 1000)
    print(f"\n== inference on one thread: {statistics.median(singles):.1f} ms per zone alone (max {max(singles):.1f}), "
          f"{batched:.1f} ms per zone in batches of {len(batch)}; input preparation {statistics.median(prep):.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", dest="sets", action="append", type=Path,
                        help="a sample set (default: the bundled demo library)")
    args = parser.parse_args()
    sets = args.sets or [RESOURCES_DIR / "demo"]
    for sample_set in sets:
        with tempfile.TemporaryDirectory(prefix="bench-classifier-") as home:
            ws = Workstation.open(Settings(Path(home), f"sqlite:///{home}/bench.sqlite3"))
            try:
                zones, items, model = run_set(sample_set, ws)
                if model is None:
                    raise SystemExit("no classifier model is installed: nothing to benchmark")
                report(str(sample_set), zones, items, model)
                inference_timing(ws, model, zones)
            finally:
                ws.close()


if __name__ == "__main__":
    main()
