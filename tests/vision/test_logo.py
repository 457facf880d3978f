"""Logo zones on the rendered demo library: authentic passes, every logo tell fails.

The demo library (resources/demo, tools/demogen) knows the truth of every photo.
References and counterfeits come from the brand's pack, sample photos are items
the engine has not seen during preparation.
"""

from __future__ import annotations

import math
from dataclasses import replace
from functools import cache
from pathlib import Path

import cv2
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tools.demogen import render
from tools.demogen.designs import BrandDesign
from tools.demogen.capture import capture, draw_usable
from tools.demogen.library import Layout
from tools.demogen.photos import job_rng
from tools.demogen.tells import apply_tell
from vision import logo, shape_compare
from vision.findings import Status
from vision.image_io import decode_image

from .demo_data import centre_cut, load, photo, relit, sample, sample_zones, zone_images
from .heldout import authentic_pass, heldout_design, heldout_pack_zone, heldout_photo

SAMPLES = Path(__file__).parents[1] / "data" / "opencv-samples"


@cache
def prepared(brand: str) -> logo.LogoPrepared:
    _, refs, fakes = zone_images(brand, "logo")
    return logo.prepare(refs, fakes)


TELLS = [z for z in sample_zones("logo") if z["tell"]]
AUTHENTIC = [z for z in sample_zones("logo") if not z["tell"] and not z["defect"]][::3]
@pytest.mark.parametrize("zone", TELLS, ids=lambda z: f"{z['brand']}-{z['tell']}")
def test_each_logo_tell_fails_with_a_reason(zone: dict) -> None:
    result = logo.analyse(prepared(zone["brand"]), photo(zone))
    assert result.status is Status.FAIL, [f.message for f in result.findings]
    assert result.score < 0.5
    failed = [f for f in result.findings if not f.passed]
    assert failed and all(f.message and f.expected for f in failed)
    # the letters as measured are drawn where their width is what fails
    letters = {"letters"} if any(f.metric == logo.LETTER_WIDTH for f in failed) else set()
    assert {e.name for e in result.evidence} == {"aligned", "difference", "matches"} | letters


@pytest.mark.parametrize("zone", AUTHENTIC, ids=lambda z: z["photo"].split("samples/")[-1])
def test_authentic_logo_passes(zone: dict) -> None:
    result = logo.analyse(prepared(zone["brand"]), photo(zone))
    assert result.status is Status.PASS, [f.message for f in result.findings if not f.passed]
    assert 0.5 <= result.score <= 1.0
    assert result.retake is None
    shapes = {f.metric: f for f in result.findings}
    assert set(shapes) == set(logo.FLOORS)          # the whole logo's metrics, and its parts' as one
    assert "authentic" in shapes["shape_iou"].message


def test_glare_on_the_logo_asks_for_a_retake() -> None:
    zone = next(z for z in sample_zones("logo") if z["defect"] == "glare")
    result = logo.analyse(prepared(zone["brand"]), photo(zone))
    assert result.status is Status.INCONCLUSIVE
    assert result.retake and "glare" in result.retake.lower()


def test_a_photo_of_something_else_is_inconclusive_not_failed() -> None:
    result = logo.analyse(prepared("maison-aurel"), load(SAMPLES / "box_in_scene.png"))
    assert result.status is Status.INCONCLUSIVE
    assert result.retake == logo.NOT_FOUND


def test_bounds_are_calibrated_beyond_the_authentic_spread() -> None:
    for bound in prepared("kestrel-athletics").bounds:
        worst = max(shape_compare.badness(bound.metric, v) for v in bound.authentic)
        assert bound.limit > worst            # every reference passes its own leave-one-out test
        assert len(bound.authentic) == 4 and len(bound.counterfeit) == 3


def test_analyse_rejects_a_non_rgb_photo() -> None:
    with pytest.raises(ValueError, match="photo"):
        logo.analyse(prepared("maison-aurel"), np.zeros((10, 10), np.uint8))


@settings(max_examples=6, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(gain=st.floats(0.6, 1.3), r=st.floats(0.8, 1.2), b=st.floats(0.8, 1.2))
def test_light_and_colour_cast_do_not_flip_an_authentic_verdict(gain: float, r: float, b: float) -> None:
    zone = next(z for z in sample_zones("logo") if z["brand"] == "maison-aurel" and z["photo"].endswith("a02/front-logo.jpg"))
    result = logo.analyse(prepared("maison-aurel"), relit(photo(zone), gain, (r, 1.0, b)))
    assert result.status is Status.PASS, [f.message for f in result.findings if not f.passed]


def test_a_value_just_past_its_bound_is_inconclusive_and_only_a_decisive_one_fails() -> None:
    """Four careful reference shots under-cover bench photos: just past the bound asks the inspector."""
    bound = shape_compare.calibrate("shape_iou", [0.93, 0.95, 0.94, 0.92], [], logo.FLOORS["shape_iou"])
    assert bound.limit < bound.fail_limit
    inside, band, beyond = 1 - bound.limit + 0.01, 1 - (bound.limit + bound.fail_limit) / 2, 1 - bound.fail_limit - 0.01
    assert logo.status_of((bound,), {"shape_iou": inside}) is Status.PASS
    assert logo.status_of((bound,), {"shape_iou": band}) is Status.INCONCLUSIVE
    assert logo.status_of((bound,), {"shape_iou": beyond}) is Status.FAIL


def test_known_counterfeits_pull_the_decisive_bound_in() -> None:
    """A tell the pack's own counterfeits show is decisive where the nearest of them lands."""
    alone = shape_compare.calibrate("shape_iou", [0.93, 0.95, 0.94, 0.92], [], 0.08)
    fakes = shape_compare.calibrate("shape_iou", [0.93, 0.95, 0.94, 0.92], [0.80], 0.08)
    assert fakes.fail_limit < alone.fail_limit
    assert fakes.decisive(0.80)


def test_a_reference_compared_with_no_ink_found_gives_no_spread() -> None:
    """A leave-one-out comparison that found no ink (a stroke width ratio of zero) compared
    nothing: doubled, its badness made every bound of the family accept anything. A reference
    that compares poorly, however far apart, is authentic spread and stays; and where fewer than
    two references compared, all stay (one value is no spread)."""
    metrics, floors = ("shape_iou", "stroke_width_ratio", "local_difference"), logo.FLOORS
    loo = [{"shape_iou": 0.88, "stroke_width_ratio": 1.02, "local_difference": 0.13},
           {"shape_iou": 0.0, "stroke_width_ratio": 0.0, "local_difference": 0.62},
           {"shape_iou": 0.91, "stroke_width_ratio": 0.97, "local_difference": 0.11},
           {"shape_iou": 0.88, "stroke_width_ratio": 1.03, "local_difference": 0.15}]
    assert [logo.measured_nothing(metrics, row) for row in loo] == [False, True, False, False]
    shape, weight, _ = logo.bounds_for(metrics, floors, loo, [])
    assert shape.authentic == (0.88, 0.91, 0.88)
    assert 1 - shape.limit > 0.7 and weight.passed(1.1) and not weight.passed(1.5)
    apart = [loo[0], {"shape_iou": 0.43, "stroke_width_ratio": 1.1, "local_difference": 0.68}, loo[2], loo[3]]
    assert not any(logo.measured_nothing(metrics, row) for row in apart)
    assert logo.bounds_for(metrics, floors, apart, [])[0].authentic == (0.88, 0.43, 0.91, 0.88)
    one_compared = [loo[0], loo[1], loo[1], loo[1]]
    assert len(logo.bounds_for(metrics, floors, one_compared, [])[0].authentic) == 4


def test_the_bench_at_the_regions_border_is_not_ink_of_the_logo() -> None:
    """Where the item's edge falls differs from shot to shot; a strip of bench along the border is left out."""
    region = np.zeros((100, 200), bool)
    region[5:95, 5:195] = True
    letters = np.zeros_like(region)
    letters[40:60, 50:60] = letters[40:60, 80:90] = True
    strip = np.zeros_like(region)
    strip[5:12, 5:195] = True
    edge = shape_compare.border_ink(letters | strip, region, 3.0, None)
    assert edge[strip].all() and not edge[letters].any()
    # a piece the references also have there (a mark the region cuts through) is kept
    assert not shape_compare.border_ink(letters | strip, region, 3.0, strip).any()


def test_the_ink_refinement_takes_out_a_residual_misalignment() -> None:
    """A stroke-sized residual left by the features' homography reads as a shape change; aligning the
    photo's ink with the references' ink takes it out, and a clean alignment is left where it is."""
    shapes = prepared("maison-aurel").shapes
    zone = next(z for z in AUTHENTIC if z["brand"] == "maison-aurel")
    located = logo.locate(shapes, photo(zone))
    assert not isinstance(located, str)
    nudge = np.array([[1.0, 0, 0.8 * shapes.template.stroke_px], [0, 1.0, 0.5 * shapes.template.stroke_px],
                      [0, 0, 1.0]])
    to_frame = nudge @ located.to_frame
    off = replace(located, to_frame=to_frame, frame_rgb=shapes.frame.warp(located.work, to_frame), refined=False)
    before = logo.measure(shapes, off)[0]["shape_iou"]
    after = logo.measure(shapes, logo.refine_on_ink(shapes, off))[0]["shape_iou"]
    assert after > before + 0.05
    assert after >= logo.measure(shapes, located)[0]["shape_iou"] - 0.03


def test_the_ink_refinement_takes_out_a_tilt_no_affine_map_can(monkeypatch: pytest.MonkeyPatch) -> None:
    """A view turned slightly about the logo's centre (the features' tilt a little off) makes one
    side of the logo larger than the other: no affine correction takes that out, the ink's
    homography after it does."""
    shapes = prepared("maison-aurel").shapes
    zone = next(z for z in AUTHENTIC if z["brand"] == "maison-aurel")
    located = logo.locate(shapes, photo(zone))
    assert not isinstance(located, str)
    ys, xs = np.nonzero(shapes.template.ink)
    cx, cy, half = xs.mean(), ys.mean(), 0.5 * (xs.max() - xs.min())
    p = 0.04 / half                               # the logo's ends scaled 4 % apart
    turn = np.array([[1.0, 0, 0], [0, 1.0, 0], [p, 0, 1.0]])
    centre = np.array([[1.0, 0, cx], [0, 1.0, cy], [0, 0, 1.0]])
    tilt = centre @ turn @ np.linalg.inv(centre)
    to_frame = tilt @ located.to_frame
    off = replace(located, to_frame=to_frame, frame_rgb=shapes.frame.warp(located.work, to_frame), refined=False)
    before = logo.measure(shapes, off)[0]["shape_iou"]
    after = logo.measure(shapes, logo.refine_on_ink(shapes, off))[0]["shape_iou"]
    monkeypatch.setattr(logo, "INK_REFINE_LEVELS", tuple(lv for lv in logo.INK_REFINE_LEVELS
                                                         if lv[1] != cv2.MOTION_HOMOGRAPHY))
    affine_only = logo.measure(shapes, logo.refine_on_ink(shapes, off))[0]["shape_iou"]
    assert after > max(before, affine_only) + 0.03, (before, affine_only, after)
    assert after >= logo.measure(shapes, located)[0]["shape_iou"] - 0.03


def test_a_held_out_logo_whose_tilt_the_features_got_wrong_is_not_failed() -> None:
    """maison-fonar (held-out seed 4545) a03: through the features' homography its triangle read 1.07
    times the references' and the whole logo overlapped 0.73 (authentic photos 0.85-0.92), past
    where the pack's mark counterfeit lands, and the authentic logo FAILED. Refined on the ink by a
    homography it overlaps as its references do, and passes."""
    design = heldout_design(4545, "maison-fonar")
    refs, fakes = heldout_pack_zone(4545, design, "logo", ("spacing", "proportions", "mark"))
    prep = logo.prepare(refs, fakes)
    result = authentic_pass(logo.analyse, prep, 4545, design, ("a03",), "logo")[0]
    findings = {f.metric: f for f in result.findings}
    assert findings["shape_iou"].value > 0.85 and abs(findings["part_scale"].value - 1.0) < 0.04


def _stretch_across(centre: np.ndarray, axis: np.ndarray, factor: float) -> np.ndarray:
    """A homography (frame px) that stretches across the line through ``centre`` along ``axis``:
    points on the line stay, the frame's corners move by a share of their distance from it."""
    n = np.array([-axis[1], axis[0]]) / np.linalg.norm(axis)
    A = np.eye(2) + (factor - 1.0) * np.outer(n, n)
    H = np.eye(3)
    H[:2, :2] = A
    H[:2, 2] = centre - A @ centre
    return H


def test_a_refinement_that_keeps_the_matches_may_correct_the_tilt_they_could_not_see() -> None:
    """Matches along one line of lettering pin the homography along it only: its tilt, off by far
    more than a few per cent at the frame's corners, reads as a changed typeface and failed
    authentic 12-megapixel photos. The grey refinement corrects it; it is kept because it leaves
    the matches where they are, and a move that drags the matches away, or goes beyond what
    matches that do fix the corners allow, is still a wrong turn."""
    shapes = prepared("maison-aurel").shapes
    zone = next(z for z in AUTHENTIC if z["brand"] == "maison-aurel")
    located = logo.locate(shapes, photo(zone))
    assert not isinstance(located, str)
    parts = shape_compare._template_parts(shapes.template)
    tilt = _stretch_across(parts.centre, parts.axis, 1.3)
    to_frame = tilt @ located.to_frame
    off = shapes.frame.warp(located.work, to_frame)
    h, w = shapes.frame.roi.shape
    corners = np.float64([[0, 0], [w, 0], [w, h], [0, h]])
    moved = np.linalg.norm((corners @ tilt[:2, :2].T + tilt[:2, 2]) - corners, axis=1).max()
    assert moved > shape_compare.MAX_REFINE_SHIFT * max(h, w)       # beyond what a refinement may move
    line = parts.centre + np.outer(np.linspace(-0.4, 0.4, 20) * parts.extent_px, parts.axis)
    anchors = shape_compare.Anchors(line, 3.0, math.inf)
    assert shape_compare.refine(off, shapes.refine_target, shapes.refine_mask) is None
    W = shape_compare.refine(off, shapes.refine_target, shapes.refine_mask, anchors=anchors)
    assert W is not None
    fixed = replace(located, to_frame=np.linalg.inv(W) @ to_frame,
                    frame_rgb=shapes.frame.warp(located.work, np.linalg.inv(W) @ to_frame))
    tilted = replace(located, to_frame=to_frame, frame_rgb=off)
    iou = {name: logo.measure(shapes, loc)[0]["shape_iou"] for name, loc in
           (("located", located), ("tilted", tilted), ("fixed", fixed))}
    assert iou["fixed"] > iou["tilted"] + 0.1 and iou["fixed"] >= iou["located"] - 0.03, iou
    # the same correction is refused had the matches sat elsewhere (it would drag them away) ...
    elsewhere = shape_compare.Anchors(corners, 3.0, math.inf)
    assert not shape_compare.plausible_refinement(W, (h, w), elsewhere)
    # ... or had they fixed the frame's corners better than a refinement may move them
    assert not shape_compare.plausible_refinement(W, (h, w), replace(anchors, corner_uncertainty_px=0.0))


def _correlation_with_references(shapes: logo.ShapeReference, frame_rgb: np.ndarray) -> float:
    """ECC's correlation of a frame image with the references' mean, as the grey refinement measures it."""
    grey, mask = shape_compare.refinement_images(frame_rgb, shapes.refine_target, shapes.refine_mask)
    step = shape_compare.ecc_step(shapes.refine_target, grey, np.eye(3, dtype=np.float32),
                                  cv2.MOTION_HOMOGRAPHY, mask)
    assert step is not None
    return step[0]


def test_the_grey_refinement_never_leaves_a_logo_correlating_less_than_the_features_did() -> None:
    """ECC takes Gauss-Newton steps without a line search: near the optimum it oscillated until its
    forty steps ran out, and the coarse levels could lead it astray. Authentic kestrel-athletics
    logos of the demo correlated 0.99, 0.98 and 0.94 with the references' mean through the
    features' alignment, and were refined to 0.96, 0.93 and 0.79. Kept at its best correlation,
    a refinement improves on the features' alignment, or is refused."""
    shapes = prepared("kestrel-athletics").shapes
    gains = []
    for item in ("a01", "a03", "a05"):
        located = logo.locate(shapes, sample("kestrel-athletics", item, "logo")[0])
        assert not isinstance(located, str)
        to_frame = shapes.frame.photo_to_frame(located.ref_index, located.alignment)
        frame = shapes.frame.warp(located.work, to_frame)
        anchors = shape_compare.anchors_of(located.alignment, to_frame, shapes.frame.size)
        W = shape_compare.refine(frame, shapes.refine_target, shapes.refine_mask, anchors=anchors)
        if W is not None:
            refined = shapes.frame.warp(located.work, np.linalg.inv(W) @ to_frame)
            gains.append(_correlation_with_references(shapes, refined) - _correlation_with_references(shapes, frame))
    assert gains and min(gains) >= 0.0 and max(gains) > 0.002, gains


def _logo_shot(design, seed: int, *, fill: float, bench: tuple[int, int, int]) -> np.ndarray:
    """A usable bench photo of the design's logo, with the item's size in the picture and the bench chosen."""
    rng = job_rng(seed, f"{design.brand}/logo")
    flat = render.render_logo(design, 12.0, render.logo_canvas_mm(design), rng)
    params = replace(draw_usable(rng, 1280, 960), fill=fill, bench_rgb=bench)
    return decode_image(capture(flat, params, rng).jpeg)


def test_the_bench_around_the_item_is_left_out_of_the_comparison() -> None:
    """References shot with the item small on a dark bench, as dark as the lettering, and a photo
    filling the frame on a pale bench: the bench around the references' item was compared as ink,
    and failed the authentic photo on its logo's shape and length."""
    design = heldout_design(303, "house-cortav")
    dark = ((40, 44, 52), (58, 62, 60))
    refs = tuple(_logo_shot(design, i, fill=0.55, bench=dark[i % 2]) for i in range(4))
    prepared_zone = logo.prepare(refs)
    shapes = prepared_zone.shapes
    template = shapes.template
    assert not shape_compare.border_ink(template.ink, template.region, template.stroke_px, None).any()
    assert shapes.frame.roi.sum() < shapes.frame.roi.size          # the bench beyond the item is out
    photo = _logo_shot(design, 9, fill=0.8, bench=(150, 150, 146))
    result = logo.analyse(prepared_zone, photo)
    assert result.status is Status.PASS, [f.message for f in result.findings if not f.passed]


def test_thin_lettering_on_a_busy_mottled_material_is_found() -> None:
    """Thin light lettering on a mottled material: local contrast equalisation lifted the material's
    faint texture, which differs from item to item, above the lettering's corners, so no two
    references aligned and the brand's logo was never judged. The unequalised grey's features
    align them, and an authentic photo passes."""
    design = heldout_design(5151, "atelier-danbel")
    benches = ((40, 44, 52), (58, 62, 60), (150, 150, 146), (96, 90, 84))
    refs = tuple(_logo_shot(design, i, fill=0.7, bench=benches[i]) for i in range(4))
    prepared_zone = logo.prepare(refs)
    assert "plain" in prepared_zone.shapes.frame.methods and "chroma" not in prepared_zone.shapes.frame.methods
    photo = _logo_shot(design, 9, fill=0.75, bench=(120, 118, 112))
    result = logo.analyse(prepared_zone, photo)
    assert result.status is Status.PASS, [f.message for f in result.findings if not f.passed]



def test_pale_lettering_on_a_strongly_mottled_saturated_material_is_found_by_its_colour() -> None:
    """Cream lettering on a green material with strong dark mottling: in grey, equalised or not,
    every strong corner lies on the mottling, which differs from item to item, so no two
    references aligned and every photo of the brand was inconclusive. In chromaticity the
    mottling (a darker shade of the same green) vanishes and the lettering stands out."""
    design = heldout_design(9001, "atelier-solgar")
    benches = ((40, 44, 52), (150, 150, 146), (58, 62, 60), (96, 90, 84))
    refs = tuple(_logo_shot(design, i, fill=fill, bench=benches[i])
                 for i, fill in enumerate((0.5, 0.75, 0.65, 0.55)))
    plain_views = [shape_compare.describe(shape_compare.to_working(r)[0], reference=True) for r in refs[:2]]
    for method in ("orb", "sift", "plain"):
        assert not shape_compare.match(plain_views[0], plain_views[1], method=method)
    prepared_zone = logo.prepare(refs)
    assert "chroma" in prepared_zone.shapes.frame.methods      # so a photo of the brand is tried so too
    photo = _logo_shot(design, 9, fill=0.8, bench=(120, 118, 112))
    result = logo.analyse(prepared_zone, photo)
    assert result.status is Status.PASS, [f.message for f in result.findings if not f.passed]


def test_a_logo_photographed_from_too_far_is_a_retake_not_a_failure() -> None:
    """Photographed from so far that its strokes are 2.2 pixels wide, a bold wordmark's strokes
    run together and measure heavier: that is the photo's fault, so the zone asks for a retake."""
    zone = AUTHENTIC[0]
    prep = prepared(zone["brand"])
    img = photo(zone)
    located = logo.locate(prep.shapes, img, work=shape_compare.to_working(img))
    assert not isinstance(located, str)
    stroke = (logo.zone_extent_px(logo.zone_mask(prep.shapes, located), located.scale)
              * prep.shapes.template.stroke_px / shape_compare.FRAME_LONG_SIDE)
    factor = 2.2 / stroke
    small = cv2.resize(img, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    far = np.empty_like(img)
    far[:] = np.median(img[:8].reshape(-1, 3), axis=0).astype(np.uint8)      # the bench around it
    y, x = (img.shape[0] - small.shape[0]) // 2, (img.shape[1] - small.shape[1]) // 2
    far[y:y + small.shape[0], x:x + small.shape[1]] = small
    result = logo.analyse(prep, far)
    assert result.status is Status.INCONCLUSIVE
    assert result.retake and "too small" in result.retake.lower()


def test_a_fail_must_hold_through_half_of_the_references() -> None:
    """An authentic logo (development seed 6262, house-fonzel/a07) failed through the reference it
    matched best and passed through the three others: one reference's registration onto the frame
    is a few pixels off for this photo, and thin strokes no longer overlap."""
    design = heldout_design(6262, "house-fonzel")
    zone = next(z for z in design.zones if z.kind == "logo")
    refs, fakes = heldout_pack_zone(6262, design, zone.id, ("weight", "spacing", "proportions"))
    prep = logo.prepare(refs, fakes)
    result = logo.analyse(prep, heldout_photo(6262, design, "a07", zone.id)[0])
    assert result.status is Status.PASS, [f.message for f in result.findings if not f.passed]


@pytest.mark.parametrize("zone", TELLS, ids=lambda z: f"{z['brand']}-{z['tell']}")
def test_a_fail_settled_by_enough_references_is_the_fail_all_of_them_give(zone: dict) -> None:
    """The references after a settling majority of failures are not tried; the zone's status must be
    the lower median over every reference the photo aligns with solidly, as judged one by one
    (located as :func:`vision.logo.analyse` locates it)."""
    prep = prepared(zone["brand"])
    shapes, img = prep.shapes, photo(zone)
    work = shape_compare.to_working(img)
    first = logo.locate(shapes, img, work=work, spread=True)
    assert not isinstance(first, str)
    method = first.alignment.method
    outcomes = [logo.most_favourable(shapes, prep.bounds, first)[1][3]]
    for i in range(len(shapes.views)):
        again = logo.locate(shapes, img, work=work, reference=i, method=method, view=first.view)
        if i != first.ref_index and not isinstance(again, str) and logo.solid(shapes, again):
            outcomes.append(logo.most_favourable(shapes, prep.bounds, again)[1][3])
    rank = {Status.FAIL: 0, Status.INCONCLUSIVE: 1, Status.PASS: 2}
    lower_median = sorted(outcomes, key=rank.__getitem__)[(len(outcomes) - 1) // 2]
    if outcomes[0] is not Status.FAIL:
        pytest.skip("this photo does not fail through the reference it matches best")
    assert len(outcomes) >= 2      # the photo aligns solidly with other references: the median is not one judgement
    assert logo.analyse(prep, img).status is lower_median is Status.FAIL


def test_a_logo_is_judged_through_an_alignment_that_fixes_the_whole_logo() -> None:
    """An authentic logo small in the photo, on a mottled material (held-out seed 7373,
    casa-tavbel/a03): ORB matched 25 features, crowded on three letters, and the homography
    extrapolated from them warped the rest of the logo off the references' (overlap 0.31): a
    wrong FAIL. The unequalised grey's features match 63, spread over the whole logo."""
    design = heldout_design(7373, "casa-tavbel")
    refs, fakes = heldout_pack_zone(7373, design, "logo", ("weight", "spacing", "proportions"))
    prep = logo.prepare(refs, fakes)
    photo = heldout_photo(7373, design, "a03", "logo")[0]
    crowded = logo.locate(prep.shapes, photo)
    assert not isinstance(crowded, str) and not logo.fixes_frame(prep.shapes, crowded.ref_index, crowded.alignment)
    result = logo.analyse(prep, photo)
    assert result.status is Status.PASS, [f.message for f in result.findings if not f.passed]
    fake = heldout_photo(7373, design, "c05", "logo", tell="proportions")[0]
    assert logo.analyse(prep, fake).status is Status.FAIL


def test_a_fail_through_an_alignment_another_reference_contradicts_is_not_decisive(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """maison-mirxan (held-out seed 1212): "MAISON MIRXAN" shares letters between its words, and
    SIFT matched one word's letters on the other's, 27 inliers spread along the line, a
    consistent homography that neither fine alignment could refine. Through it an authentic logo
    read an overlap of 0.46 and FAILED. Through another reference, 14 matches that the grey
    refinement confirmed, it passes (0.89): the FAIL is contradicted, so the zone is inconclusive
    and says why. A spacing counterfeit that fails through an unconfirmed alignment, with no
    confirmed one to contradict it, still fails.

    That was with one reference registered squashed, as the first feature set that aligned it
    had it; registered where the references coincide, the same photo passes outright. The
    squashed registration is kept here: the rule guards any photo's unconfirmed alignment."""
    design = heldout_design(1212, "maison-mirxan")
    refs, fakes = heldout_pack_zone(1212, design, "logo", ("typeface", "weight", "spacing"))
    assert logo.analyse(logo.prepare(refs, fakes), heldout_photo(1212, design, "a02", "logo")[0]).status \
        is Status.PASS
    monkeypatch.setattr(shape_compare, "MIN_COINCIDENCE_GAIN", math.inf)   # the first registration stands
    prep = logo.prepare(refs, fakes)
    photo = heldout_photo(1212, design, "a02", "logo")[0]
    first = logo.locate(prep.shapes, photo, spread=True)
    assert not isinstance(first, str)
    if not logo.unverified_alignment(first):
        pytest.skip("the first registration is confirmed on the machine of 2026-12-06 (an AMD "
                    "EPYC with AVX2): the wrong alignment this test guards against does not arise")
    assert logo.judge(prep.shapes, prep.bounds, first)[3] is Status.FAIL
    result = logo.analyse(prep, photo)
    assert result.status is Status.INCONCLUSIVE
    found = {f.metric: f for f in result.findings}
    assert not found["fine_alignment"].passed and not found["shape_iou"].passed
    shape = next(b for b in prep.bounds if b.metric == "shape_iou")
    assert shape.passed(found["confirmed_alignment"].value)       # what the confirmed alignment shows, in words
    assert "aligned_confirmed" in {e.name for e in result.evidence}  # ... and as its aligned crop
    fake = heldout_photo(1212, design, "c07", "logo", tell="spacing")[0]
    located = logo.locate(prep.shapes, fake, spread=True)
    assert not isinstance(located, str) and logo.unverified_alignment(located)
    assert logo.analyse(prep, fake).status is Status.FAIL


def test_a_mottled_material_does_not_read_as_ink() -> None:
    """studio-belir (held-out seed 1212): a serif wordmark in indigo on an olive material mottled
    with darker blotches. Along Fisher's direction (almost the green channel: lightness) the
    blotches read as faint ink, the references' overlap with each other fell to 0.69-0.79, and a
    sans-serif counterfeit passed. Weighed against the material's spread alone, the direction
    leans on the ink's hue: the blotches fade and the ink reads as before."""
    design = heldout_design(1212, "studio-belir")
    refs, fakes = heldout_pack_zone(1212, design, "logo", ("mark", "typeface", "weight"))
    prep = logo.prepare(refs, fakes)
    t = prep.shapes.template
    images = list(prep.shapes.frame_images)
    material = t.region & ~(cv2.dilate(t.ink.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0)
    fisher, ground_only = (shape_compare.fit_ink_model(images, t.ink, t.region, ground_only=g) for g in (False, True))
    for image in images:
        before, after = (shape_compare.ink_map(m, image, t.region, t.ink) for m in (fisher, ground_only))
        assert after[material].mean() < 0.5 * before[material].mean()
        assert after[t.ink].mean() > 0.95 * before[t.ink].mean()
    authentic_pass(logo.analyse, prep, 1212, design, ("a01", "a03", "a07"), "logo")
    typeface = logo.analyse(prep, heldout_photo(1212, design, "c07", "logo", tell="typeface")[0])
    assert typeface.status is Status.FAIL
    assert not {f.metric: f for f in typeface.findings}["shape_iou"].passed


def test_a_reference_left_out_is_located_as_a_photo_would_be() -> None:
    """studio-xanwen (held-out seed 101): its matches with the others pin one reference along the
    wordmark only (corners uncertain by 31 px), and under the plain 3 % limit for references its
    fine alignment was refused. Left out, it overlapped the others' logo by 0.75 where a bench photo
    of it overlaps by 0.92, and the shape bound (twice the worst leave-one-out value) let a
    counterfeit with other letter spacing pass at 0.75. Located as a photo is, it overlaps by 0.95
    and the spacing counterfeit fails; the authentic photos of the set still pass."""
    design = heldout_design(101, "studio-xanwen")
    refs, fakes = heldout_pack_zone(101, design, "logo", ("spacing", "proportions", "mark"))
    prep = logo.prepare(refs, fakes)
    assert min(v["shape_iou"] for v in logo.loo_values(prep.shapes)) > 0.9
    fake = heldout_photo(101, design, "c02", "logo", tell="spacing")[0]
    assert logo.analyse(prep, fake).status is Status.FAIL
    authentic_pass(logo.analyse, prep, 101, design, ("a01", "a04", "a07"), "logo")


def test_a_logo_running_off_the_photo_is_a_retake_not_a_fail() -> None:
    """Taken closer, the mark of an authentic logo reaches the photo's edge: the frame beyond the
    photo is its edge replicated, and the smeared mark read as a changed shape (FAIL)."""
    img, zone = sample("kestrel-athletics", "a02", "logo")
    assert zone["truth"] == "authentic"
    result = logo.analyse(prepared("kestrel-athletics"), centre_cut(img, 0.2))
    assert result.status is Status.INCONCLUSIVE
    assert result.retake and "edge of the photo" in result.retake
    assert result.findings[0].metric == "outside_photo" and result.findings[0].value > logo.MAX_INK_OUTSIDE


def test_a_logo_filling_the_photo_but_whole_is_judged() -> None:
    img, _ = sample("maison-aurel", "a01", "logo")
    assert logo.analyse(prepared("maison-aurel"), centre_cut(img, 0.2)).status is Status.PASS


def test_a_photo_less_sharp_than_the_references_reads_their_stroke_weight() -> None:
    """Blur spreads a stroke's edges: an authentic logo blurred a little (or shot from further away)
    read as heavy as the pack's counterfeits and FAILED. Its ink, summed in linear light
    (:func:`vision.shape_compare.ink_mass`), is the references'; blur softens its letters' shapes,
    so it may be inconclusive, never FAIL."""
    img, zone = sample("maison-aurel", "a01", "logo")
    assert zone["truth"] == "authentic"
    prep = prepared("maison-aurel")
    assert logo.analyse(prep, img).status is Status.PASS
    further = cv2.copyMakeBorder(img, 320, 320, 427, 427, cv2.BORDER_REPLICATE)   # the logo smaller in the frame
    for blurred in (cv2.GaussianBlur(img, (0, 0), 1.0), further):
        result = logo.analyse(prep, blurred)
        assert result.status is not Status.FAIL, [f.message for f in result.findings if not f.passed]
        weight = next(f for f in result.findings if f.metric == "stroke_width_ratio")
        assert weight.passed, weight.message


#: One capture changed at a time from a sharp, square, well-lit one: defocus, the logo's size in the
#: photo, the photo's size (defocus scaled with it).
CAPTURE_CHANGES = ({}, {"defocus_sigma": 0.3}, {"defocus_sigma": 1.1}, {"fill": 0.55}, {"fill": 0.8},
                   {"width": 1920, "height": 1440, "defocus_sigma": 0.9}, {"width": 960, "height": 720, "defocus_sigma": 0.45})


def _captures(design: BrandDesign, draw: int) -> list[np.ndarray]:
    """The design's logo (as rendered for the bench, once) photographed under each of :data:`CAPTURE_CHANGES`."""
    flat = render.render_logo(design, Layout().px_per_mm, render.logo_canvas_mm(design), np.random.default_rng(draw))
    base = replace(draw_usable(np.random.default_rng(draw), 1280, 960), tilt_x_deg=5.0, tilt_y_deg=-4.0,
                   roll_deg=3.0, fill=0.68, offset_x=0.0, offset_y=0.0, exposure=1.0, glare=0.0, motion_px=0.0,
                   defocus_sigma=0.6, noise_sigma=1.2, jpeg_quality=92)
    return [decode_image(capture(flat, replace(base, **change), np.random.default_rng(draw + i)).jpeg)
            for i, change in enumerate(CAPTURE_CHANGES)]


@pytest.mark.parametrize(("seed", "brand"), [(1212, "maison-mirxan"), (2718, "house-xanpra")])
def test_the_stroke_weight_is_the_ink_summed_in_linear_light_whatever_the_sharpness(seed: int, brand: str) -> None:
    """One logo photographed again and again, one thing changed at a time: its defocus, its size in
    the photo, the photo's size. Read off the ink map's outline, the authentic strokes' weight went
    with the sharpness: maison-mirxan's light lettering (held-out seed 1212) 0.94-1.04 times the
    references', its weight counterfeit 0.81-0.92; house-xanpra's dark lettering (2718) 0.82-0.93,
    and its bold counterfeit 1.00-1.06, no heavier than the references. Summed in linear light
    (:func:`vision.shape_compare.ink_mass`), every authentic capture reads the references' weight
    to within a few per cent, and every capture of the counterfeit twice as far from it at least."""
    design = heldout_design(seed, brand)
    prep = logo.prepare(heldout_pack_zone(seed, design, "logo")[0])

    def weights(d: BrandDesign) -> list[float]:
        out = []
        for shot in _captures(d, 5):
            located = logo.locate(prep.shapes, shot, spread=True)
            assert not isinstance(located, str), located
            out.append(logo.measure(prep.shapes, located)[0]["stroke_width_ratio"])
        return out

    authentic = weights(design)
    fake = weights(apply_tell(design, "logo", "weight", np.random.default_rng(1)))
    worst = max(abs(math.log(w)) for w in authentic)
    assert worst < 0.05, authentic
    assert all(abs(math.log(w)) > 2 * worst for w in fake), (authentic, fake)
    assert len({w > 1 for w in fake}) == 1                 # all heavier, or all lighter


def test_the_weight_counterfeit_of_a_brand_with_one_blurry_reference_fails() -> None:
    """maison-mirxan (held-out seed 1212): its least sharp logo reference (1.42 px of blur around
    the logo, the others 0.90-1.00) read 1.14 times the others' stroke weight off the ink map's
    outline, the bound became 0.77-1.30, and the brand's weight counterfeit PASSED; read allowing
    for the blur, it was inconclusive. Summed in linear light, the references' ink agrees within a
    few per cent, and the counterfeit's strokes are decisively lighter; the brand's authentic
    logos, sharper and blurrier than their references, pass."""
    design = heldout_design(1212, "maison-mirxan")
    refs, fakes = heldout_pack_zone(1212, design, "logo", ("typeface", "weight", "spacing"))
    prep = logo.prepare(refs, fakes)
    weight = next(b for b in prep.bounds if b.metric == "stroke_width_ratio")
    assert max(abs(math.log(v)) for v in weight.authentic) < 0.05
    authentic_pass(logo.analyse, prep, 1212, design, ("a01", "a04", "a05", "c01", "c04"), "logo")
    lighter = logo.analyse(prep, heldout_photo(1212, design, "c05", "logo", tell="weight")[0])
    assert lighter.status is Status.FAIL
    found = next(f for f in lighter.findings if f.metric == "stroke_width_ratio")
    assert not found.passed and "lighter" in found.message


def test_lettering_burnt_out_by_overexposure_is_a_retake_not_a_lighter_weight() -> None:
    """maison-fonkor (held-out seed 3838): pale pink lettering on a green label. Its bad photo b02,
    about three times too bright, burns the lettering white while the label keeps its colour; the
    clipping covers under 1 % of the frame, too little for the exposure rule, in letters too small
    for glare. It kept 0.56 of the references' ink, and the authentic logo FAILED on stroke weight.
    The references exposed as the photo (:func:`vision.shape_compare.ink_masses_exposed_as`) lose as
    much: the photo is sent back for a retake. The same authentic photo made brighter step by step
    reads the references' weight while it clips a little, and is sent back, never failed, once
    the clip takes more ink than the weight's bound allows."""
    design = heldout_design(3838, "maison-fonkor")
    prep = logo.prepare(heldout_pack_zone(3838, design, "logo")[0])
    shot = heldout_photo(3838, design, "b02", "logo", defect="overexposed")[0]
    located = logo.locate(prep.shapes, shot, spread=True)
    assert not isinstance(located, str), located
    own, exposed = float(np.median(prep.shapes.reference_mass)), logo.exposed_mass(prep.shapes, located)
    assert exposed / own < 0.7                      # the references lose as much ink as the photo did
    assert shape_compare.ink_mass(located.frame_rgb, prep.shapes.template) / exposed == pytest.approx(1.0, abs=0.05)
    burnt = logo.analyse(prep, shot)
    assert burnt.status is Status.INCONCLUSIVE
    assert burnt.retake and "burnt out" in burnt.retake, burnt.retake
    img = heldout_photo(3838, design, "a03", "logo")[0]
    sent_back = []
    for gain in (1.0, 1.4, 2.0, 2.8):
        shot = relit(img, gain)
        located = logo.locate(prep.shapes, shot, spread=True)
        assert not isinstance(located, str), located
        result = logo.analyse(prep, shot)
        assert result.status is not Status.FAIL, (gain, [f.message for f in result.findings if not f.passed])
        if result.retake:
            assert "burnt out" in result.retake, result.retake
            sent_back.append(gain)
        else:
            assert abs(math.log(logo.measure(prep.shapes, located)[0]["stroke_width_ratio"])) < 0.05, gain
    assert sent_back == [2.0, 2.8]


def test_a_held_out_authentic_logo_blurrier_than_its_references_is_not_failed_as_heavier() -> None:
    """studio-quinsol (held-out seed 7373): 1.33 px of blur around the logo against the references'
    0.80-0.97; its strokes read 1.22 times the references', past the pack's blurry mark counterfeit
    (1.20), and the authentic item FAILED; the blur then made it inconclusive. With the ink told
    from the material by its hue (:func:`vision.shape_compare.fit_ink_model`), its strokes read
    1.15 times the references', and the logo passes."""
    design = heldout_design(7373, "studio-quinsol")
    refs, fakes = heldout_pack_zone(7373, design, "logo", ("spacing", "proportions", "mark"))
    prep = logo.prepare(refs, fakes)
    result = logo.analyse(prep, heldout_photo(7373, design, "a05", "logo")[0])
    assert result.status is Status.PASS, [f.message for f in result.findings if not f.passed]


def test_a_mark_swapped_for_another_of_its_size_is_caught_by_the_marks_own_overlap() -> None:
    """casa-corver (held-out seed 6464) c06 swaps the brand's triangle for a diamond of its size.
    The mark is a fifth of the logo's ink: the whole logo still overlapped the references by 0.86
    (bound 0.83), its worst spot stayed inside its bound, and the counterfeit PASSED. Compared part
    by part (the mark, each word), each registered on its own, the mark overlaps its reference by
    0.70, where the authentic marks overlap theirs by 0.95 and their words by 0.88 or more."""
    design = heldout_design(6464, "casa-corver")
    refs, fakes = heldout_pack_zone(6464, design, "logo", ("spacing", "proportions", "mark"))
    prep = logo.prepare(refs, fakes)
    pieces = shape_compare._template_parts(prep.shapes.template).pieces
    assert len(pieces) == 3                                       # the mark, CASA, CORVER
    fake, measured = heldout_photo(6464, design, "c06", "logo", tell="mark")
    assert measured["mark_shape"] == "diamond" and design.mark.shape == "triangle"
    result = logo.analyse(prep, fake)
    assert result.status is not Status.PASS
    findings = {f.metric: f for f in result.findings}
    assert findings["shape_iou"].passed                           # the whole logo cannot tell
    assert not findings["part_iou"].passed and "mark" in findings["part_iou"].message
    for item in ("a01", "a02"):
        authentic = logo.analyse(prep, heldout_photo(6464, design, item, "logo")[0])
        assert authentic.status is Status.PASS, (item, [f.message for f in authentic.findings if not f.passed])


def test_a_mark_resized_by_a_counterfeit_fails_on_its_parts_size() -> None:
    """studio-belir (held-out seed 1212) c04 draws the brand's diamond at 0.72 of its size. Registered
    on its own by an affine map, the mark takes up its new size: it overlaps its reference as an
    authentic mark does (0.70 against >= 0.62), the whole logo too, and only the worst spot lay just
    past its bound (0.65 against 0.64): inconclusive. The registration's own scale is the mark's
    size, 0.72 of the references', where authentic parts read 0.98-1.03 and the bound is ~0.96-1.05."""
    design = heldout_design(1212, "studio-belir")
    refs, fakes = heldout_pack_zone(1212, design, "logo", ("mark", "typeface", "weight"))
    prep = logo.prepare(refs, fakes)
    sizes = [b for b in prep.bounds if shape_compare.base_metric(b.metric) == shape_compare.PART_SCALE]
    assert len(sizes) == 3                                        # the diamond, STUDIO, BELIR
    fake, measured = heldout_photo(1212, design, "c04", "logo", tell="proportions")
    assert measured["mark_size_ratio"] < 0.8 * design.mark.size_ratio
    result = logo.analyse(prep, fake)
    assert result.status is Status.FAIL
    findings = {f.metric: f for f in result.findings}
    assert findings["part_iou"].passed                            # registered on its own, the shape fits
    size = findings["part_scale"]
    assert not size.passed and size.value < 0.8 and "part 1 of 3" in size.message and "smaller" in size.message
    for result in authentic_pass(logo.analyse, prep, 1212, design, ("a01", "a02"), "logo"):
        size = {f.metric: f for f in result.findings}["part_scale"]
        assert abs(size.value - 1.0) < 0.04


def test_a_mark_nearer_its_words_than_three_strokes_is_a_part_of_its_own() -> None:
    """house-verhel (held-out seed 4242): a star 2.7 strokes before bold words whose letters stand
    0.7-1.2 strokes apart. Within three strokes of the first word, the star was one part with it:
    c07, a diamond for the star, overlapped that part by 0.85 against the authentic 0.89-0.92 and
    PASSED, and c06, the star enlarged 1.32 times, read a part size of 0.99. Parts split where the
    gap is twice the letters' own, the star overlaps by 0.69 and c06's reads 1.24."""
    design = heldout_design(4242, "house-verhel")
    refs, fakes = heldout_pack_zone(4242, design, "logo", ("spacing", "proportions", "mark"))
    prep = logo.prepare(refs, fakes)
    assert len(shape_compare.logo_parts(prep.shapes.template)) == 3     # the star, HOUSE, VERHEL
    fake, measured = heldout_photo(4242, design, "c07", "logo", tell="mark")
    assert measured["mark_shape"] == "diamond" and design.mark.shape == "star"
    result = logo.analyse(prep, fake)
    assert result.status is not Status.PASS
    part = {f.metric: f for f in result.findings}["part_iou"]
    assert not part.passed and "part 1 of 3" in part.message and part.value < 0.75
    fake, measured = heldout_photo(4242, design, "c06", "logo", tell="proportions")
    assert measured["mark_size_ratio"] > 1.2 * design.mark.size_ratio
    size = {f.metric: f for f in logo.analyse(prep, fake).findings}["part_scale"]
    assert not size.passed and size.value > 1.15 and "part 1 of 3" in size.message
    for result in authentic_pass(logo.analyse, prep, 4242, design, ("a01", "a05", "a07"), "logo"):
        assert {f.metric: f for f in result.findings}["part_iou"].passed


def test_a_logo_of_one_part_has_its_size_in_its_extent_not_a_parts_size() -> None:
    """A part's size is the proportion between a logo's parts: maison-fongar's wordmark (held-out
    seed 2718) as one word with no mark is one part, has none, and its size is the logo's extent;
    the demo's maison-aurel (a mark and two words) has one per part."""
    fongar = heldout_design(2718, "maison-fongar")
    design = replace(fongar, wordmark=replace(fongar.wordmark, text="FONGAR"), mark=replace(fongar.mark, shape="none"))
    one = logo.prepare(heldout_pack_zone(2718, design, "logo")[0])
    several = prepared("maison-aurel")
    for prep, parts in ((one, 1), (several, 3)):
        assert len(shape_compare.logo_parts(prep.shapes.template)) == parts
        sizes = [b for b in prep.bounds if shape_compare.base_metric(b.metric) == shape_compare.PART_SCALE]
        assert len(sizes) == (parts if parts > 1 else 0)
        assert any(b.metric == "extent_ratio" for b in prep.bounds)
    result = logo.analyse(one, heldout_photo(2718, design, "a01", "logo")[0])
    assert "part_scale" not in {f.metric for f in result.findings}


def test_each_part_of_a_logo_has_a_bound_of_its_own() -> None:
    """casa-olel (held-out seed 2718): a thin outline triangle and two words. In authentic photos the
    triangle overlaps its reference by 0.70-0.76, the words by 0.92-0.96. c04 spaces the letters a
    tenth of an em wider: its words overlap by 0.82, its triangle as an authentic one. Under one
    bound for the worst part, set by the triangle's spread (0.35), the counterfeit PASSED; each part
    against its own bound, its words are past theirs."""
    design = heldout_design(2718, "casa-olel")
    refs, fakes = heldout_pack_zone(2718, design, "logo", ("mark", "typeface", "weight"))
    prep = logo.prepare(refs, fakes)
    parts = {b.metric: b for b in prep.bounds if shape_compare.base_metric(b.metric) == shape_compare.PART_IOU}
    assert len(parts) == 3                                        # the triangle, CASA, OLEL
    assert parts["part_iou:1"].limit > 2 * parts["part_iou:2"].limit   # the thin outline is the noisy one
    fake, measured = heldout_photo(2718, design, "c04", "logo", tell="spacing")
    assert measured["spacing_em"] > design.wordmark.spacing_em + 0.05
    result = logo.analyse(prep, fake)
    assert result.status is not Status.PASS
    part = {f.metric: f for f in result.findings}["part_iou"]
    assert not part.passed and "of 3 along the logo" in part.message and part.value > 0.75
    authentic = logo.analyse(prep, heldout_photo(2718, design, "a01", "logo")[0])
    assert authentic.status is Status.PASS, [f.message for f in authentic.findings if not f.passed]


@cache
def _norzel() -> tuple[BrandDesign, logo.LogoPrepared]:
    """studio-norzel of held-out seed 6060: a serif wordmark on a mottled purple material."""
    design = heldout_design(6060, "studio-norzel")
    refs, fakes = heldout_pack_zone(6060, design, "logo", ("weight", "spacing", "proportions"))
    return design, logo.prepare(refs, fakes)


def test_a_letter_that_reaches_the_regions_border_where_the_references_stop_short_stays_in() -> None:
    """studio-norzel a02: the region ends just past the wordmark's last letter, and in this authentic
    photo that letter lay a few pixels further out than in the references and reached the border.
    Left out as the item's edge against the bench would be, it made the wordmark 0.93 times as long,
    and the item FAILED. A piece at the border that lies on the references' ink is the logo's."""
    design, prep = _norzel()
    result = logo.analyse(prep, heldout_photo(6060, design, "a02", "logo")[0])
    assert result.status is Status.PASS, [f.message for f in result.findings if not f.passed]
    assert abs({f.metric: f for f in result.findings}["extent_ratio"].value - 1.0) < 0.02


def test_a_slant_the_matches_leave_uncertain_is_corrected_on_the_ink(monkeypatch: pytest.MonkeyPatch) -> None:
    """studio-norzel a06: 21 matches along the one line of lettering left the slant across it
    uncertain, and the photo kept a shear of a tenth of a radian; the letters overlapped the
    references' by 0.59 and the item FAILED. The ink refinement corrects it, further than its
    plain limit because the matches leave the frame's corners uncertain, and leaves the matches
    where they are. (In the frame the wordmark's features give, with the references registered by
    the first feature set that aligns them: grown to take in the brand's disc, or registered where
    the references coincide, the frame differs and the same correction lies within the plain
    limit. The grey refinement, kept at its best correlation since stop 48, takes out part of the
    slant before the ink's; from the features' alignment alone, as the grey refinement used to
    leave it on this mottled material, the ink's correction lies past the plain limit.)"""
    monkeypatch.setattr(logo, "MAX_FRAME_GROW", 0.0)
    monkeypatch.setattr(shape_compare, "MIN_COINCIDENCE_GAIN", math.inf)
    design = heldout_design(6060, "studio-norzel")
    refs, fakes = heldout_pack_zone(6060, design, "logo", ("weight", "spacing", "proportions"))
    prep = logo.prepare(refs, fakes)
    photo, _ = heldout_photo(6060, design, "a06", "logo")
    located = logo.locate(prep.shapes, photo, spread=True)
    assert not isinstance(located, str)
    features = prep.shapes.frame.photo_to_frame(located.ref_index, located.alignment)
    unrefined = replace(located, to_frame=features, frame_rgb=prep.shapes.frame.warp(located.work, features))
    assert logo.measure(prep.shapes, unrefined)[0]["shape_iou"] < 0.65
    assert logo.refine_on_ink(prep.shapes, unrefined, calibrating=True) is unrefined     # the plain limit refuses it
    assert logo.measure(prep.shapes, logo.refine_on_ink(prep.shapes, unrefined))[0]["shape_iou"] > 0.85
    result = logo.analyse(prep, photo)
    assert result.status is Status.PASS, [f.message for f in result.findings if not f.passed]


@pytest.mark.parametrize(("seed", "brand", "tells", "item"), [
    (6060, "studio-fonver", ("spacing", "proportions", "mark"), "a03"),
    (4242, "house-verhel", ("spacing", "proportions", "mark"), "b02"),
])
def test_a_correction_only_the_uncertain_tilt_allows_does_not_confirm_an_alignment(
        seed: int, brand: str, tells: tuple[str, ...], item: str) -> None:
    """studio-fonver a03 (seed 6060): matched along the wordmark, the star above it lay three strokes
    off. The ink refinement, allowed past its plain limit by the tilt's uncertainty, settled on the
    wordmark with the star still off; counted as a confirmed alignment, the item FAILED with no other
    reference asked. Unconfirmed, the references that align precisely are asked, and through one
    the logo overlaps the references' by 0.81: the FAIL is contradicted.

    The grey refinement follows the same rule. house-verhel b02 (seed 4242), small in its photo,
    matched along its wordmark with corners uncertain by 57 px, was turned about that line by a
    grey correction of 95-152 px that kept the matches in place: its card read as a slanted
    trapezoid, the logo overlapped the references' by 0.58, and it FAILED."""
    design = heldout_design(seed, brand)
    refs, fakes = heldout_pack_zone(seed, design, "logo", tells)
    result = logo.analyse(logo.prepare(refs, fakes), heldout_photo(seed, design, item, "logo")[0])
    findings = {f.metric: f for f in result.findings}
    if "fine_alignment" not in findings:
        # the grey correction lies within the plain limit, and there is no uncertainty to allow for:
        # on the machine of 2026-12-06 verhel b02 aligned precisely at once and PASSED; on that of
        # 2026-12-07 the correction stretches it by 2-5 % within the limit, and the logo overlaps the
        # references by 0.80 and is inconclusive (the same at stop 48's code). Either way, no FAIL.
        assert result.status is not Status.FAIL, [f.message for f in result.findings if not f.passed]
    else:
        assert result.status is Status.INCONCLUSIVE
        assert not findings["fine_alignment"].passed and findings["confirmed_alignment"].passed


def test_a_fail_no_solid_alignment_contradicts_is_contradicted_by_one_the_ink_confirms() -> None:
    """house-olel a05 (seed 8080), its star above the wordmark: ORB matched it solidly through one
    reference alone, 22 inliers along the wordmark, with a homography sheared across the line that
    put the star 16-20 px off. The ink refinement that would move it there goes past the plain
    limit, and the features' tilt is too certain to allow more, so the alignment stayed
    unconfirmed, and the logo FAILED on its spacing profile (0.89 against 0.95). Through each other
    reference ORB's matches are too crowded to be solid, and on the mottled material the grey
    refinement confirms none of them: there was no witness. The ink refinement confirms them, and
    as witnesses they contradict the FAIL: the zone is inconclusive, never failed."""
    design = heldout_design(8080, "house-olel")
    refs, fakes = heldout_pack_zone(8080, design, "logo", ("weight", "spacing", "proportions"))
    prep = logo.prepare(refs, fakes)
    photo = heldout_photo(8080, design, "a05", "logo")[0]
    result = logo.analyse(prep, photo)
    assert result.status is not Status.FAIL, [f.message for f in result.findings if not f.passed]
    located = logo.locate(prep.shapes, photo, spread=True)
    assert not isinstance(located, str)
    used, judged = logo.most_favourable(prep.shapes, prep.bounds, located)
    if judged[3] is Status.FAIL and logo.unverified_alignment(used):    # as on the machine of 2026-12-06
        findings = {f.metric: f for f in result.findings}
        assert result.status is Status.INCONCLUSIVE
        assert not findings["fine_alignment"].passed and findings["confirmed_alignment"].passed


def test_a_known_fake_just_past_a_parts_bound_does_not_make_it_decisive_there() -> None:
    """Over the whole logo a known counterfeit past the bound is decisive where it lands; a part of
    the logo is noisier at its bound (thresholded, an authentic casa-tavzel logo, seed 5151, read 0.85
    against a bound of 0.87 where the pack's weight counterfeit read 0.86), so it is decisive only
    as far again beyond the bound as the bound lies beyond the typical authentic."""
    authentic, fake = [0.95, 0.96, 0.94, 0.95], [0.85]
    whole = shape_compare.calibrate("shape_iou", authentic, fake, 0.08)
    part = shape_compare.calibrate(shape_compare.part_metric(2), authentic, fake, 0.08)
    assert whole.limit == part.limit
    assert whole.decisive(0.85) and not part.decisive(0.85) and not part.passed(0.85)
    assert part.decisive(1.0 - part.limit - (part.limit - part.typical))


def test_a_letter_the_references_region_cuts_close_to_is_left_out_of_the_photo_too() -> None:
    """casa-mirgar (held-out seed 3030): the references' region ends just past the first letter of
    the wordmark, which reaches its border in their template and is left out of the shape metrics,
    as the item's edge against the bench would be. In an authentic photo the same letter stopped
    short of the border and stayed in: the wordmark measured 1.12 times longer than the references'
    and FAILED. What the references leave out there, the photo leaves out too."""
    design = heldout_design(3030, "casa-mirgar")
    refs, fakes = heldout_pack_zone(3030, design, "logo", ("mark", "typeface", "weight"))
    prep = logo.prepare(refs, fakes)
    assert shape_compare._template_parts(prep.shapes.template).left_out.any()
    result = logo.analyse(prep, heldout_photo(3030, design, "a07", "logo")[0])
    assert result.status is Status.PASS, [f.message for f in result.findings if not f.passed]
    assert abs({f.metric: f for f in result.findings}["extent_ratio"].value - 1.0) < 0.02
    fake = logo.analyse(prep, heldout_photo(3030, design, "c06", "logo", tell="mark")[0])
    assert fake.status is Status.FAIL


def test_an_edge_run_off_the_item_with_the_item_on_both_sides_is_a_cut() -> None:
    from vision.shape_compare import cut_by_the_edge

    item = np.ones((60, 100), bool)
    item[:12, 40:60] = False                     # a disc the frame's top edge cuts through
    assert cut_by_the_edge(item, 15)
    assert not cut_by_the_edge(item, 25)         # shorter than a cut is
    item = np.ones((60, 100), bool)
    item[:, 70:] = False                         # the bench beyond the item's side: not between material
    item[0, 20:23] = False                       # a dark speck of the material at the edge
    assert not cut_by_the_edge(item, 15)
    yy, xx = np.mgrid[:60, :100]
    item = (xx - 15) ** 2 + (yy - 30) ** 2 > 16 ** 2    # a disc taken in but for its tip (11 px on the left edge)
    assert cut_by_the_edge(item, 15)
    item = np.ones((60, 100), bool)
    item[10:22, 0:8] = False                     # a blotch of the material at the edge, as long as a cut is
    assert not cut_by_the_edge(item, 15)        # ... but no larger across


@pytest.mark.parametrize(("seed", "brand", "tells", "authentic", "fakes"), [
    (6060, "studio-norzel", ("weight", "spacing", "proportions"), ("a01", "a02"),
     (("c06", "mark"), ("c05", "proportions"))),
    (6060, "maison-jashel", ("mark", "typeface", "weight"), ("a06",), ()),
    (4242, "house-verhel", ("spacing", "proportions", "mark"), ("a07",), ()),
    (8080, "house-olel", ("weight", "spacing", "proportions"), ("a01",), (("c08", "mark"), ("c06", "proportions"))),
])
def test_a_mark_the_frame_cut_through_is_taken_into_the_frame(
        seed: int, brand: str, tells: tuple[str, ...], authentic: tuple[str, ...],
        fakes: tuple[tuple[str, str], ...]) -> None:
    """Held-out seed 6060: studio-norzel's plain disc above its wordmark and maison-jashel's small
    triangle before it carry almost no features, and lay beyond the frame's margin around those
    of the wordmark: the frame cut through them, and no mark was in the template. studio-norzel's
    counterfeits with a triangle for its disc and with other proportions PASSED their logo, and
    an authentic maison-jashel logo FAILED on its worst spot, at the frame's edge (0.66 against
    0.38). Grown until it cuts nothing on the item, the frame holds the mark.

    house-verhel's star (seed 4242) and house-olel's (8080), once the frame had grown, still
    touched its edge with a tip a few pixels long: the silhouette left each star out all the
    same, as what reaches the edge is no hole to fill. An authentic verhel logo was inconclusive
    on its worst spot, the star's cut edge (0.37 against 0.36), and olel's counterfeit with no
    star at all was only inconclusive, its proportions counterfeit PASSED. Grown until no piece
    off the item that large touches the edge, the frame holds the whole star."""
    design = heldout_design(seed, brand)
    refs, pack_fakes = heldout_pack_zone(seed, design, "logo", tells)
    prep = logo.prepare(refs, pack_fakes)
    frame = prep.shapes.frame
    silhouette = shape_compare.item_silhouette(prep.shapes.frame_images, frame.matched)
    assert silhouette is not None
    assert not shape_compare.cut_by_the_edge(silhouette, logo.MIN_CUT_SHARE * max(silhouette.shape))
    authentic_pass(logo.analyse, prep, seed, design, authentic, "logo")
    for item, tell in fakes:
        assert logo.analyse(prep, heldout_photo(seed, design, item, "logo", tell=tell)[0]).status is Status.FAIL, item


def test_references_are_registered_where_they_coincide_not_where_features_first_agree() -> None:
    """house-hellum (held-out seed 9393): "HOUSE HELLUM" shares letters between its words. The
    first feature set that aligns its first reference with the master (ORB, 22 inliers) matches
    letters on other letters: a consistent homography under which the two references' strokes
    do not meet. Every photo located through that reference was compared a letter off the
    others, and four authentic logos FAILED. Registered by the feature set under which the two
    coincide, the references agree, those logos pass, and the weight counterfeit that was
    inconclusive FAILS."""
    design = heldout_design(9393, "house-hellum")
    refs, fakes = heldout_pack_zone(9393, design, "logo", ("proportions", "mark", "typeface"))
    views = tuple(shape_compare.describe(shape_compare.to_working(r)[0], reference=True) for r in refs)
    registration = shape_compare.register(views)
    master = views[registration.master]
    edges = shape_compare.edge_strength(master.rgb)
    region = np.ones(master.rgb.shape[:2], bool)
    first = next(a for m in shape_compare.METHODS if (a := shape_compare.match(views[0], master, method=m)))
    assert registration.master != 0
    moving = shape_compare.edge_strength(views[0].rgb)
    wrong = shape_compare.coincidence(edges, moving, first.homography, region)
    assert wrong < 0.5
    assert shape_compare.coincidence(edges, moving, registration.to_master[0], region) > wrong + 0.2
    prep = logo.prepare(refs, fakes)
    authentic_pass(logo.analyse, prep, 9393, design, ("a03", "a07", "c02"), "logo")
    weight = logo.analyse(prep, heldout_photo(9393, design, "c05", "logo", tell="weight")[0])
    assert weight.status is Status.FAIL, [f.message for f in weight.findings if not f.passed]


def test_an_image_coincides_with_itself_and_not_with_itself_shifted_by_a_letter() -> None:
    """:func:`vision.shape_compare.coincidence` on a rendered wordmark: registered exactly, the
    edges meet (1.0); a letter's width off, as a repeated letter's match puts it, they do not."""
    canvas = np.full((120, 480, 3), 200, np.uint8)
    cv2.putText(canvas, "HELLO HELL", (10, 80), cv2.FONT_HERSHEY_SIMPLEX, 1.8, (40, 40, 40), 4)
    edges = shape_compare.edge_strength(canvas)
    region = np.ones(canvas.shape[:2], bool)
    exact = shape_compare.coincidence(edges, edges, np.eye(3), region)
    shifted = shape_compare.coincidence(edges, edges, np.array([[1, 0, 40], [0, 1, 0], [0, 0, 1.0]]), region)
    assert exact > 0.99
    assert shifted < 0.5


def test_a_fine_texture_around_the_ink_does_not_thin_its_strokes() -> None:
    """A material's fine texture reads as faint ink all over the map; its speckle adds outline but
    little area. Measured within a stroke of the ink, a 6 px bar reads 6 px whether it lies on a
    plain or a speckled ground."""
    rng = np.random.default_rng(7)
    plain = np.zeros((200, 300), np.float32)
    plain[60:140, 100:106] = 1.0
    plain[97:103, 40:260] = 1.0
    plain = cv2.GaussianBlur(plain, (0, 0), 1.0)
    speckle = cv2.GaussianBlur((rng.random(plain.shape) < 0.3).astype(np.float32), (0, 0), 0.7) * 0.5
    region = np.ones(plain.shape, bool)
    clean = shape_compare.ink_weight(plain, region)
    assert clean == pytest.approx(6.0, rel=0.1)
    assert shape_compare.ink_weight(np.maximum(plain, speckle), region) == pytest.approx(clean, rel=0.1)


def test_a_sharp_photo_of_a_dotted_weave_keeps_its_strokes_weight() -> None:
    """atelier-jasyor (held-out seed 7272): a stencil wordmark on a finely dotted weave. A sharp
    photo shows the dots that the references' softer shots blur away, and measured over the whole
    map its strokes read 0.70 times the references' weight: the authentic logo FAILED. Near the
    ink they read within the references' range, and the logo no longer FAILS; the weight
    counterfeit still reads heavier than both."""
    design = heldout_design(7272, "atelier-jasyor")
    refs, fakes = heldout_pack_zone(7272, design, "logo", ("typeface", "weight", "spacing"))
    prep = logo.prepare(refs, fakes)
    weight = next(b for b in prep.bounds if b.metric == "stroke_width_ratio")
    ratios = []
    for item in ("a04", "c03"):
        result = logo.analyse(prep, heldout_photo(7272, design, item, "logo")[0])
        assert result.status is not Status.FAIL, (item, [f.message for f in result.findings if not f.passed])
        ratios.append(next(f.value for f in result.findings if f.metric == "stroke_width_ratio"))
    assert all(weight.passed(r) for r in ratios), (ratios, weight.expected())
    heavier = logo.analyse(prep, heldout_photo(7272, design, "c05", "logo", tell="weight")[0])
    assert next(f.value for f in heavier.findings if f.metric == "stroke_width_ratio") > max(ratios)


def _wordmark(spacing_px: int, thickness: int = 4, blur: float = 1.0) -> np.ndarray:
    """Soft ink of "MAISON" drawn letter by letter, ``spacing_px`` between the letters' boxes."""
    ink = np.zeros((120, 640), np.uint8)
    x = 20
    for ch in "MAISON":
        (w, _), _ = cv2.getTextSize(ch, cv2.FONT_HERSHEY_SIMPLEX, 2.0, thickness)
        cv2.putText(ink, ch, (x, 85), cv2.FONT_HERSHEY_SIMPLEX, 2.0, 255, thickness)
        x += w + spacing_px
    return cv2.GaussianBlur(ink.astype(np.float32) / 255, (0, 0), blur)


def test_letters_spaced_wider_read_narrower_once_registered_on_the_references_letters() -> None:
    """The features lie on the letters, so the alignment stretches a wordmark spaced wider onto
    the references' letter positions: its length then matches, and its letters come out
    narrower. Drawn heavier or blurred more, or leaning, authentic letters keep their width."""
    refs = [_wordmark(12, blur=b) for b in (0.8, 1.0, 1.2)]
    region = np.ones(refs[0].shape, bool)
    template = shape_compare.make_template(refs, region)
    letters = shape_compare.logo_letters(template)
    assert len(letters.reference.width) >= 5           # M, A, S, O, N (the I is as narrow as its stroke)

    def ratio(soft: np.ndarray) -> float:
        return shape_compare.compare(template, soft, letters=True)[0]["letter_width_ratio"]

    assert ratio(_wordmark(12, thickness=5, blur=1.5)) == pytest.approx(1.0, abs=0.04)
    # a lean the alignment left (as if italic) widens each letter's span, not its width
    lean = np.float32([[1, 0.15, -0.15 * 60], [0, 1, 0]])
    assert ratio(cv2.warpAffine(refs[1], lean, refs[1].shape[::-1], flags=cv2.INTER_LINEAR)) \
        == pytest.approx(1.0, abs=0.03)
    wide = _wordmark(20)
    xs = np.nonzero(wide.max(axis=0) > 0.5)[0]
    ts = np.nonzero(template.ink.any(axis=0))[0]
    # the wider wordmark squeezed along its length onto the references' first and last letters
    scale = (ts[-1] - ts[0]) / (xs[-1] - xs[0])
    warp = np.float32([[scale, 0, ts[0] - scale * xs[0]], [0, 1, 0]])
    squeezed = cv2.warpAffine(wide, warp, wide.shape[::-1], flags=cv2.INTER_LINEAR)
    stretched = shape_compare.compare(template, squeezed, letters=True)[0]
    assert stretched["extent_ratio"] == pytest.approx(1.0, abs=0.03)
    assert stretched["letter_width_ratio"] < 0.92


def _box_width(corners: np.ndarray) -> float:
    return float(np.linalg.norm(corners[1] - corners[0]))


def test_the_letters_picture_boxes_each_letter_where_the_references_and_the_photo_put_it() -> None:
    """The inspector sees which letters are narrower or wider: each measured letter boxed as wide
    as the references' letter and as the photo's, at the same place, with their ratio."""
    refs = [_wordmark(12, blur=b) for b in (0.8, 1.0, 1.2)]
    template = shape_compare.make_template(refs, np.ones(refs[0].shape, bool))
    wide = _wordmark(20)
    xs = np.nonzero(wide.max(axis=0) > 0.5)[0]
    ts = np.nonzero(template.ink.any(axis=0))[0]
    scale = (ts[-1] - ts[0]) / (xs[-1] - xs[0])
    squeezed = cv2.warpAffine(wide, np.float32([[scale, 0, ts[0] - scale * xs[0]], [0, 1, 0]]), wide.shape[::-1],
                              flags=cv2.INTER_LINEAR)
    boxes = shape_compare.letter_boxes(template, squeezed)
    assert len(boxes) >= 5
    ratio = shape_compare.compare(template, squeezed, letters=True)[0]["letter_width_ratio"]
    assert np.median([b.ratio for b in boxes]) == pytest.approx(ratio)
    for b in boxes:
        assert b.ratio == pytest.approx(_box_width(b.photo) / _box_width(b.reference))
        assert b.ratio < 0.95
        assert np.linalg.norm(b.photo.mean(axis=0) - b.reference.mean(axis=0)) < template.stroke_px
    same = shape_compare.letter_boxes(template, refs[1])
    assert all(b.ratio == pytest.approx(1.0, abs=0.05) for b in same)

    frame = cv2.cvtColor(((1 - np.clip(squeezed, 0, 1)) * 255).astype(np.uint8), cv2.COLOR_GRAY2RGB)
    picture = shape_compare.draw_letters(frame, template, squeezed)
    up = shape_compare.LETTER_DRAWING_SCALE
    assert picture.shape == (frame.shape[0] * up, frame.shape[1] * up, 3)
    for colour in shape_compare.LETTER_COLOURS:
        drawn = np.abs(picture.astype(int) - colour).max(axis=2) < 40
        ys, xs = np.nonzero(drawn)
        # every letter is boxed in both colours: the drawing spans the whole wordmark
        assert xs.min() < up * (ts[0] + 10) and xs.max() > up * (ts[-1] - 10)


def test_a_wordmark_spaced_tighter_fails_on_its_letters_width() -> None:
    """casa-yorir (held-out seed 6363) c02 sets its letters tighter, and the pack has no spacing
    counterfeit. Aligned on its letters, the wordmark is stretched back to the references' length
    (its length reads as theirs) and the counterfeit PASSED; its letters come out wider than the
    references', decisively past their bound, and it FAILS on them."""
    design = heldout_design(6363, "casa-yorir")
    refs, fakes = heldout_pack_zone(6363, design, "logo", ("mark", "typeface", "weight"))
    prep = logo.prepare(refs, fakes)
    fake, measured = heldout_photo(6363, design, "c02", "logo", tell="spacing")
    assert measured["spacing_em"] < design.wordmark.spacing_em
    result = logo.analyse(prep, fake)
    assert result.status is Status.FAIL
    findings = {f.metric: f for f in result.findings}
    assert findings["extent_ratio"].passed
    assert not findings["letter_width_ratio"].passed and findings["letter_width_ratio"].value > 1.0
    assert "wider" in findings["letter_width_ratio"].message
    pictures = {e.name: e.image for e in result.evidence}
    assert pictures["letters"].shape[:2] == tuple(shape_compare.LETTER_DRAWING_SCALE * n
                                                   for n in pictures["aligned"].shape[:2])
    for authentic in authentic_pass(logo.analyse, prep, 6363, design, ("a01", "a02"), "logo"):
        assert "letters" not in {e.name for e in authentic.evidence}     # drawn where they differ


def test_a_stem_or_a_diagonal_alone_is_not_a_letter() -> None:
    """Thin serif capitals whose hairlines the ink map loses keep only stems and diagonals
    (atelier-xanzel, held-out seed 8282): each is as wide as its stroke, leaning or not, and the
    photo's blur widens it by half again. Only a piece wider than two strokes is measured."""
    ink = np.zeros((120, 400), np.uint8)
    cv2.line(ink, (60, 30), (60, 90), 255, 6)             # a stem
    cv2.line(ink, (140, 90), (170, 30), 255, 6)           # a diagonal
    cv2.circle(ink, (280, 60), 28, 255, 6)                # an O
    soft = cv2.GaussianBlur(ink.astype(np.float32) / 255, (0, 0), 1.0)
    template = shape_compare.make_template([soft, soft], np.ones(soft.shape, bool))
    letters = shape_compare.logo_letters(template)
    assert len(letters.reference.width) == 1
    assert letters.label[60, 280 - 28] == 1 and letters.label[60, 60] == 0 and letters.label[60, 155] == 0


def test_a_fail_through_one_precise_alignment_that_another_contradicts_is_not_decisive() -> None:
    """An authentic house-fontav logo on a blotched label (held-out seed 6161, a05) matched one
    reference solidly; the ink refinement turned the view so that its mark read 0.92 times the
    references' and its first word a stroke off, and it FAILED, though that alignment was
    confirmed. Through another reference, matched by other features and refined on its ink, the
    logo overlaps the references as authentic ones do. Two precise alignments that disagree
    decide nothing: inconclusive, with the other alignment's overlap and picture, and no retake
    (the photo is fine). A counterfeit that fails through every alignment still FAILS."""
    jasmir = heldout_design(6161, "house-jasmir")
    refs, fakes = heldout_pack_zone(6161, jasmir, "logo", ("weight", "spacing", "proportions"))
    spaced = heldout_photo(6161, jasmir, "c04", "logo", tell="spacing")[0]
    assert logo.analyse(logo.prepare(refs, fakes), spaced).status is Status.FAIL
    design = heldout_design(6161, "house-fontav")
    refs, fakes = heldout_pack_zone(6161, design, "logo", ("weight", "spacing", "proportions"))
    prep = logo.prepare(refs, fakes)
    photo = heldout_photo(6161, design, "a05", "logo")[0]
    first = logo.locate(prep.shapes, photo, spread=True)
    assert not isinstance(first, str)
    failing = logo.most_favourable(prep.shapes, prep.bounds, first)
    result = logo.analyse(prep, photo)
    if failing[1][3] is not Status.FAIL:
        assert result.status is Status.PASS
        pytest.skip("the logo passes through the reference it matches solidly on the machine of "
                    "2026-12-06 (an AMD EPYC with AVX2): the FAIL this test guards against does not arise")
    assert not logo.unverified_alignment(failing[0])
    assert result.status is Status.INCONCLUSIVE and result.retake is None
    found = {f.metric: f for f in result.findings}
    shape = next(b for b in prep.bounds if b.metric == "shape_iou")
    assert not found["shape_iou"].passed and shape.passed(found["confirmed_alignment"].value)
    assert "fine_alignment" not in found and "do not decide" in found["confirmed_alignment"].message
    assert "aligned_confirmed" in {e.name for e in result.evidence}


def test_a_fail_the_lower_median_holds_is_contradicted_by_a_confirmed_solid_alignment() -> None:
    """An authentic studio-garyor logo (held-out seed 1357, a06) aligns solidly through all four
    references: through two, refined on its ink, it overlaps them as authentic logos do; through
    the other two the features' homography stretches its mark by a ninth, no refinement confirms
    it, and it fails. Half failing, the lower median FAILED it. A confirmed alignment that passes
    contradicts the FAIL, as a witness does; the brand's counterfeits still FAIL."""
    design = heldout_design(1357, "studio-garyor")
    refs, fakes = heldout_pack_zone(1357, design, "logo", ("typeface", "weight", "spacing"))
    prep = logo.prepare(refs, fakes)
    for item, tell in (("c02", "spacing"), ("c08", "mark")):
        fake = heldout_photo(1357, design, item, "logo", tell=tell)[0]
        assert logo.analyse(prep, fake).status is Status.FAIL, item
    result = logo.analyse(prep, heldout_photo(1357, design, "a06", "logo")[0])
    if result.status is Status.PASS:
        pytest.skip("the logo passes outright on the machine of 2026-12-06 (an AMD EPYC with AVX2): "
                    "the FAIL this test guards against does not arise")
    assert result.status is Status.INCONCLUSIVE
    found = {f.metric: f for f in result.findings}
    shape = next(b for b in prep.bounds if b.metric == "shape_iou")
    assert not found["shape_iou"].passed and shape.passed(found["confirmed_alignment"].value)
