"""The difference between two pack versions, in the pack's own terms."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from reference_library.catalog import CheckSummary, ImageRef, ModelSummary, PackSummary, ZoneSummary
from reference_library.pack_diff import FieldChange, diff_packs


def ref(path: str, sha: str, role: str = "reference") -> ImageRef:
    return ImageRef(role, path, sha * 64 if len(sha) == 1 else sha)


LOGO = ZoneSummary("front-logo", "logo", "Logo on the front", True, {},
                   (ref("refs/logo/a.jpg", "a"), ref("refs/logo/b.jpg", "b")),
                   (ref("fakes/logo/x.jpg", "x", "counterfeit"),))
SEAM = ZoneSummary("side-seam", "stitching", "Side seam", False, {"pitch_mm": [3.6, 4.4]},
                   (ref("refs/seam/c.jpg", "c"),), ())
CHECKS = (CheckSummary("logo-ok", "Logo matches", True, "front-logo"),
          CheckSummary("smell", "No chemical smell", False, None))


def pack(version: str, models: tuple[ModelSummary, ...], checks: tuple[CheckSummary, ...] = CHECKS) -> PackSummary:
    return PackSummary("maison-test", "Maison Test", version, 1, "Maison Test", "d" * 64,
                       datetime(2026, 11, 1, tzinfo=UTC), version == "2.0", models, checks)


OLD = pack("1.0", (ModelSummary("tote", "Tote", (LOGO, SEAM)),))


def test_same_content_is_no_change_even_when_renamed() -> None:
    renamed = replace(LOGO, references=(ref("refs/logo/renamed.jpg", "a"), ref("refs/logo/b.jpg", "b")))
    diff = diff_packs(OLD, pack("2.0", (ModelSummary("tote", "Tote", (renamed, SEAM)),)))
    assert diff.empty
    assert (diff.old, diff.new, diff.brand) == ("1.0", "2.0", "maison-test")


def test_zones_added_and_removed_with_their_model() -> None:
    clasp = ZoneSummary("clasp", "hardware", "Clasp", True, {"max_delta_e": 6.0}, (ref("refs/clasp/d.jpg", "d"),), ())
    new = pack("2.0", (ModelSummary("tote", "Tote", (LOGO, clasp)), ModelSummary("wallet", "Wallet", (SEAM,))))
    diff = diff_packs(OLD, new)
    assert [m.id for m in diff.models_added] == ["wallet"] and diff.models_removed == ()
    assert [(z.model, z.zone.id) for z in diff.zones_added] == [("tote", "clasp"), ("wallet", "side-seam")]
    assert [(z.model, z.zone.id) for z in diff.zones_removed] == [("tote", "side-seam")]
    assert diff.zones_changed == ()


def test_zone_fields_and_tolerances_changed() -> None:
    seam = replace(SEAM, title="Saddle seam", critical=True, tolerances={"pitch_mm": [3.5, 4.5], "angle_deg": [20, 30]})
    diff = diff_packs(OLD, pack("2.0", (ModelSummary("tote", "Tote", (LOGO, seam)),)))
    [changed] = diff.zones_changed
    assert changed.zone.id == "side-seam" and not changed.images
    assert changed.fields == (FieldChange("title", "Side seam", "Saddle seam"), FieldChange("critical", False, True),
                              FieldChange("tolerance pitch_mm", [3.6, 4.4], [3.5, 4.5]),
                              FieldChange("tolerance angle_deg", None, [20, 30]))


def test_images_added_removed_and_replaced_by_content_and_role() -> None:
    logo = replace(LOGO, references=(ref("refs/logo/a.jpg", "e"), ref("refs/logo/new.jpg", "f")),
                   counterfeits=(ref("fakes/logo/b.jpg", "b", "counterfeit"),))
    diff = diff_packs(OLD, pack("2.0", (ModelSummary("tote", "Tote", (logo, SEAM)),)))
    [changed] = diff.zones_changed
    assert changed.fields == ()
    images = changed.images
    assert images.replaced == ((ref("refs/logo/a.jpg", "a"), ref("refs/logo/a.jpg", "e")),)
    # b moved from reference to counterfeit: a role change is a removal and an addition
    assert set(images.added) == {ref("refs/logo/new.jpg", "f"), ref("fakes/logo/b.jpg", "b", "counterfeit")}
    assert set(images.removed) == {ref("refs/logo/b.jpg", "b"), ref("fakes/logo/x.jpg", "x", "counterfeit")}


def test_checks_added_removed_and_changed() -> None:
    checks = (CheckSummary("logo-ok", "Logo and emblem match", True, "front-logo"),
              CheckSummary("lining", "Lining is sewn in", False, None))
    diff = diff_packs(OLD, pack("2.0", OLD.models, checks))
    assert [c.id for c in diff.checks_added] == ["lining"]
    assert [c.id for c in diff.checks_removed] == ["smell"]
    [changed] = diff.checks_changed
    assert changed.id == "logo-ok"
    assert changed.fields == (FieldChange("text", "Logo matches", "Logo and emblem match"),)
    assert not diff.empty
