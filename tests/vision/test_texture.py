"""Texture on rendered photos: authentic grain passes, a different grain does not."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

import cv2
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vision.texture as texture
from vision.findings import Status
from vision.texture import TexturePrepared, analyse, material_mask, prepare, texture_stats
from vision.zone import Tolerances

from .demo_data import centre_cut, zone_images
from .demo_data import sample as demo_sample
from .heldout import authentic_pass, heldout_design, heldout_pack_zone, heldout_photo

@lru_cache(maxsize=None)
def prepared(brand: str) -> TexturePrepared:
    _, refs, fakes = zone_images(brand, "texture")
    return prepare(refs, fakes, Tolerances())


def sample(brand: str, item: str) -> tuple[np.ndarray, dict]:
    return demo_sample(brand, item, "texture")


@pytest.mark.parametrize(("brand", "item"), [("maison-aurel", "a01"), ("maison-aurel", "a02"),
                                             ("kestrel-athletics", "a04"), ("kestrel-athletics", "c01")])
def test_authentic_material_passes(brand: str, item: str) -> None:
    photo, zone = sample(brand, item)
    assert zone["expected_status"] == "pass"
    result = analyse(prepared(brand), photo)
    assert result.status is Status.PASS, [f.message for f in result.findings]
    assert result.score >= 0.5
    # no card in the texture shots: the finding must say scale was not checked in mm
    scale = next(f for f in result.findings if f.metric.startswith("grain_scale"))
    assert scale.metric in ("grain_scale_rel", "grain_scale_px") and "no scale card" in scale.message


@pytest.mark.parametrize(("brand", "item"), [("maison-aurel", "c07"), ("kestrel-athletics", "c02")])
def test_different_grain_pattern_fails(brand: str, item: str) -> None:
    photo, zone = sample(brand, item)
    assert zone["tell"] == "grain_pattern"
    result = analyse(prepared(brand), photo)
    assert result.status is Status.FAIL
    assert any(not f.passed and f.metric == "grain_direction" for f in result.findings)
    assert result.score < 0.5


def with_scale_card(photo: np.ndarray, side_px: int) -> np.ndarray:
    """The photo with a bench scale card (ArUco DICT_4X4_50 id 3 on white) laid near its top-left corner
    (not at the very edge, where the detector does not look)."""
    marker = cv2.aruco.generateImageMarker(cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50), 3, side_px)
    card = cv2.copyMakeBorder(marker, side_px // 4, side_px // 4, side_px // 4, side_px // 4,
                              cv2.BORDER_CONSTANT, value=255)
    out = photo.copy()
    out[30:30 + card.shape[0], 30:30 + card.shape[1]] = card[..., None]
    return out


def test_different_grain_scale_is_not_passed_and_no_retake_is_asked_when_the_references_have_no_card() -> None:
    """The demo's references carry no card: a retake with one would measure the photo in
    millimetres and have nothing to compare it with, so the inspector is not sent round that loop."""
    photo, zone = sample("maison-aurel", "c04")   # grain 1.75 mm against 0.9 mm, no card
    assert zone["tell"] == "grain_scale"
    result = analyse(prepared("maison-aurel"), photo)
    assert result.status is Status.INCONCLUSIVE
    assert result.retake is None
    scale = next(f for f in result.findings if f.metric == "grain_scale_rel")   # all of the piece in view
    assert not scale.passed and "no scale card in the references" in scale.message and "by eye" in scale.message
    retaken = analyse(prepared("maison-aurel"), with_scale_card(photo, 100))
    assert retaken.status is Status.INCONCLUSIVE and retaken.retake is None


def further_away(photo: np.ndarray) -> np.ndarray:
    """The shot from twice as far: the same photo in the middle of a frame twice its size (the
    bench around it extended)."""
    h, w = photo.shape[:2]
    return cv2.copyMakeBorder(photo, h // 2, h // 2, w // 2, w // 2, cv2.BORDER_REPLICATE)


def test_a_photo_taken_further_away_passes_on_the_grain_against_the_material_piece() -> None:
    """Half as large against the frame, the grain is as large as ever against the piece of
    material, all of which is in the photo: without a card that tells a distance from a grain."""
    photo, _ = sample("maison-aurel", "a01")
    result = analyse(prepared("maison-aurel"), further_away(photo))
    assert result.status is Status.PASS, [f.message for f in result.findings]
    scale = next(f for f in result.findings if f.metric.startswith("grain_scale"))
    assert scale.metric == "grain_scale_rel" and scale.passed


def test_an_authentic_piece_shot_from_further_than_the_references_passes() -> None:
    """maison-mirsol's authentic a07 (held-out seed 1212) was shot from further away than the
    references: its grain read 0.73 times theirs against the frame, and it was inconclusive."""
    design = heldout_design(1212, "maison-mirsol")
    refs, fakes = heldout_pack_zone(1212, design, "material", ("grain_pattern", "grain_scale", "grain_pattern"))
    result = analyse(prepare(refs, fakes, Tolerances()), heldout_photo(1212, design, "a07", "material")[0])
    assert result.status is Status.PASS, [f.message for f in result.findings]
    assert next(f for f in result.findings if f.metric.startswith("grain_scale")).metric == "grain_scale_rel"


def test_a_close_up_is_asked_for_the_card_when_the_references_were_measured_with_one() -> None:
    """A close-up shows none of the piece's edges, so only the frame is left to size the grain
    against, and the camera distance is unknown: the card settles it."""
    _, refs, fakes = zone_images("maison-aurel", "texture")
    with_card = prepare(tuple(with_scale_card(r, 100) for r in refs), fakes, Tolerances())
    assert with_card.references_have_card
    close_up = centre_cut(sample("maison-aurel", "a01")[0], 0.3)     # grain 2.5 times as large in the frame
    result = analyse(with_card, close_up)
    assert result.status is Status.INCONCLUSIVE
    assert next(f for f in result.findings if f.metric.startswith("grain_scale")).metric == "grain_scale_px"
    assert result.retake and "scale card" in result.retake


def test_a_coarser_grain_shot_from_further_away_is_not_passed_on_its_size_in_the_frame() -> None:
    """studio-quinsol's counterfeit (held-out seed 7373, c05) has a grain 1.6-2 times as coarse;
    shot from further away than the references, it measured within their range against the frame
    and PASSED. Against the piece of material, all of which is in the photo, it is coarser."""
    design = heldout_design(7373, "studio-quinsol")
    refs, fakes = heldout_pack_zone(7373, design, "material", ("grain_scale", "grain_pattern", "grain_scale"))
    prep = prepare(refs, fakes, Tolerances())
    result = analyse(prep, heldout_photo(7373, design, "c05", "material", tell="grain_scale")[0])
    assert result.status is Status.INCONCLUSIVE
    scale = next(f for f in result.findings if f.metric == "grain_scale_rel")
    assert not scale.passed and "coarser" in scale.message


def smooth_noise(side: int, sigma: float, seed: int) -> np.ndarray:
    """An isotropic random grain: white noise blurred to blotches of about ``sigma`` pixels."""
    field = cv2.GaussianBlur(np.random.default_rng(seed).normal(size=(side, side)).astype(np.float32), (0, 0), sigma)
    return (field - field.mean()) / field.std()


def test_the_directionality_of_a_few_blotches_is_known_less_well_than_of_many() -> None:
    """The coherence's standard error (a jackknife over blocks of the square) grows as fewer
    blotches fill the square, and the spread of the coherence over many such squares bears it out."""
    few = [texture._coherence(smooth_noise(48, 4.0, seed)) for seed in range(40)]
    many = [texture._coherence(smooth_noise(192, 1.5, seed)) for seed in range(40)]
    for draws in (few, many):
        values, errors = np.array(draws).T
        assert 0.5 < np.median(errors) / values.std() < 2.0
    assert np.median(np.array(few)[:, 1]) > 4 * np.median(np.array(many)[:, 1])


def test_a_coarse_grain_whose_few_blotches_lie_otherwise_passes_on_its_directionality() -> None:
    """casa-tavbel (held-out seed 7373): five grain sizes across its material, a handful of
    blotches. Its authentic a04 read a directionality of 0.08 against the references' 0.38-0.49,
    within what so few blotches let chance move it, and FAILED."""
    design = heldout_design(7373, "casa-tavbel")
    refs, fakes = heldout_pack_zone(7373, design, "material", ("grain_pattern", "grain_scale", "grain_pattern"))
    prep = prepare(refs, fakes, Tolerances())
    result = analyse(prep, heldout_photo(7373, design, "a04", "material")[0])
    assert result.status is Status.PASS, [f.message for f in result.findings]
    direction = next(f for f in result.findings if f.metric == "grain_direction")
    assert direction.value < 0.15


def test_a_reference_apart_by_chance_does_not_widen_the_directionality_limit() -> None:
    """maison-mirsol (held-out seed 1212): one reference's few blotches read a directionality of
    0.39, the others 0.12-0.15, and its distance from them set the limit at 0.48: the counterfeit
    whose grain is three times as directional (c02, 0.58) PASSED. Less what chance explains, the
    references hardly spread, and that counterfeit FAILS on its direction; authentic a07 passes."""
    design = heldout_design(1212, "maison-mirsol")
    refs, fakes = heldout_pack_zone(1212, design, "material", ("grain_pattern", "grain_scale", "grain_pattern"))
    prep = prepare(refs, fakes, Tolerances())
    fake = analyse(prep, heldout_photo(1212, design, "c02", "material", tell="grain_pattern")[0])
    assert fake.status is Status.FAIL
    assert not next(f for f in fake.findings if f.metric == "grain_direction").passed
    assert analyse(prep, heldout_photo(1212, design, "a07", "material")[0]).status is Status.PASS


def test_material_is_found_apart_from_the_bench() -> None:
    photo, zone = sample("kestrel-athletics", "a01")
    mask = material_mask(photo)
    # the swatch's projected outline, from the ground-truth homography
    h = np.array(zone["capture"]["homography"])
    w_flat, h_flat = zone["capture"]["flat_size"]
    quad = cv2.perspectiveTransform(np.float32([[0, 0], [w_flat, 0], [w_flat, h_flat], [0, h_flat]])
                                    .reshape(-1, 1, 2), h).reshape(-1, 2)
    truth = np.zeros(photo.shape[:2], np.uint8)
    cv2.fillConvexPoly(truth, np.round(quad).astype(np.int32), 1)
    truth = truth.astype(bool)
    iou = (mask & truth).sum() / (mask | truth).sum()
    assert iou > 0.8


@pytest.mark.parametrize(("item", "cut"), [("a01", 0.2), ("a03", 0.3)])
def test_a_close_up_filling_the_frame_is_judged_not_refused_as_too_small(item: str, cut: float) -> None:
    """Cut from an authentic shot, the material reaches all round the border: it was taken for the
    bench, one of its own blotches for the material, and the inspector told to move closer."""
    close_up = centre_cut(sample("maison-aurel", item)[0], cut)
    assert material_mask(close_up).mean() > 0.9
    result = analyse(prepared("maison-aurel"), close_up)
    assert result.retake is None
    pattern = {f.metric: f.passed for f in result.findings}
    assert pattern["grain_direction"] and pattern["grain_pattern"]


def test_too_small_material_is_inconclusive() -> None:
    photo, zone = sample("kestrel-athletics", "b02")
    assert zone["defect"] == "too_small"
    result = analyse(prepared("kestrel-athletics"), photo)
    assert result.status is Status.INCONCLUSIVE
    assert result.retake


def test_statistics_do_not_depend_on_the_photo_resolution() -> None:
    """A smaller file of the same shot: pattern and frame-relative grain size unchanged."""
    photo, _ = sample("kestrel-athletics", "a03")
    full = texture_stats(photo)
    small = texture_stats(cv2.resize(photo, None, fx=0.6, fy=0.6, interpolation=cv2.INTER_AREA))
    assert abs(small.coherence - full.coherence) < 0.05
    assert 0.9 < small.grain_px / full.grain_px < 1.1


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(gain=st.floats(0.6, 1.3), cast=st.tuples(st.floats(0.85, 1.15), st.floats(0.85, 1.15)))
def test_light_and_colour_cast_do_not_flip_an_authentic_verdict(gain: float, cast: tuple[float, float]) -> None:
    photo, _ = sample("maison-aurel", "a05")
    gains = np.array([cast[0], 1.0, cast[1]]) * gain
    changed = np.clip(photo.astype(np.float32) * gains, 0, 255).astype(np.uint8)
    assert analyse(prepared("maison-aurel"), changed).status is Status.PASS


def test_grain_pattern_alone_fails_only_well_beyond_its_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """LBP moves with focus, noise and compression: just past its limit the zone is inconclusive,
    only far past it (or with the directionality off too) is it failed."""
    # the references seen less sharply would see the same faked distances: judged as sharp as they are
    prep = replace(prepared("maison-aurel"), less_sharp=())
    photo, _ = sample("maison-aurel", "a01")
    real = texture._distances
    direction_limit = texture.coherence_limit(prep, texture_stats(photo))

    def fake(lbp_ratio: float, coherence_ratio: float):
        def distances(st, coh, lbps, specs):
            d = real(st, coh, lbps, specs)
            return {**d, "lbp": lbp_ratio * prep.lbp_limit, "coherence": coherence_ratio * direction_limit}
        return distances

    monkeypatch.setattr(texture, "_distances", fake(1.5, 0.2))
    assert analyse(prep, photo).status is Status.INCONCLUSIVE
    monkeypatch.setattr(texture, "_distances", fake(1.5, 1.2))
    assert analyse(prep, photo).status is Status.FAIL
    monkeypatch.setattr(texture, "_distances", fake(2.5, 0.2))
    assert analyse(prep, photo).status is Status.FAIL
    monkeypatch.setattr(texture, "_distances", fake(0.5, 0.2))
    assert analyse(prep, photo).status is Status.PASS


def further_blurred(photo: np.ndarray, sigma_work_px: float) -> np.ndarray:
    """The photo taken less sharply: ``sigma_work_px`` of Gaussian blur at the analysis's working size."""
    return cv2.GaussianBlur(photo, (0, 0), sigma_work_px * max(photo.shape[:2]) / texture.WORK_LONG_SIDE)


@pytest.mark.parametrize("sigma", [2.0, 3.0])
def test_a_less_sharp_photo_of_the_material_is_retaken_not_failed(sigma: float) -> None:
    """Blur changes a fine grain's pattern as a whole: judged against the references as sharp as
    they are, the blurred authentic photo reads a different grain (FAIL, or inconclusive just past
    the limit); it reads like the references seen less sharply, so it is inconclusive, with a retake."""
    prep = prepared("kestrel-athletics")
    photo = further_blurred(sample("kestrel-athletics", "a04")[0], sigma)
    as_sharp = texture._judge(prep, texture_stats(photo))
    assert not next(f for f in as_sharp.findings if f.metric == "grain_pattern").passed
    result = analyse(prep, photo)
    assert result.status is Status.INCONCLUSIVE
    assert result.retake and "focus" in result.retake
    sharpness = result.findings[0]
    assert sharpness.metric == "grain_sharpness" and not sharpness.passed
    assert 0 < sharpness.value <= max(texture.LESS_SHARP_PX)
    assert "less sharp" in sharpness.message and "local pattern" in sharpness.message
    # the other findings are read against the references so blurred, and say so
    assert all(f"seen {sharpness.value:.1f} px less sharp" in f.expected for f in result.findings[1:])


def test_a_counterfeit_grain_is_not_taken_for_a_less_sharp_photo() -> None:
    """The references seen less sharply do not explain a grain twice as directional, turned by 60
    degrees: it still FAILS, with no sharpness finding."""
    for brand, item in (("maison-aurel", "c07"), ("kestrel-athletics", "c02")):
        result = analyse(prepared(brand), sample(brand, item)[0])
        assert result.status is Status.FAIL
        assert all(f.metric != "grain_sharpness" for f in result.findings)


def test_fine_grain_blurred_on_the_bench_is_retaken_not_failed() -> None:
    """atelier-jastav (held-out seed 1919): a grain about 6 working px across. Its references, seen
    through 0.6 px more blur, read a wavelength of 7-9 px and a directionality of 0.27-0.35 instead
    of 6-7 px and 0.23-0.26; the authentic bench photos shot less sharply read 8-11 px and
    0.33-0.45, and FAILED on a "different grain pattern". Those that read like the references seen
    less sharply are inconclusive now, asked to be taken again in focus; the sharp ones still pass.
    Seen through 0.9 px, the references take one of the pack's known grain-pattern counterfeits,
    blurred alike, for theirs: no photo is excused that far, and the counterfeit c01, which reads
    like them only there, still FAILS."""
    design = heldout_design(1919, "atelier-jastav")
    refs, fakes = heldout_pack_zone(1919, design, "material", ("grain_pattern", "grain_scale", "grain_pattern"))
    prep = prepare(refs, fakes, Tolerances())
    assert [level.blur_px for level in prep.less_sharp] == [0.3, 0.6]
    assert any("0.9 px less sharp" in note for note in prep.notes)
    for item in ("a04", "b02"):
        photo = heldout_photo(1919, design, item, "material")[0]
        assert texture._judge(prep, texture_stats(photo)).status is Status.FAIL
        result = analyse(prep, photo)
        assert result.status is Status.INCONCLUSIVE, item
        assert result.findings[0].metric == "grain_sharpness" and result.retake
    authentic_pass(analyse, prep, 1919, design, ("a01", "a03"), "material")
    fake = analyse(prep, heldout_photo(1919, design, "c01", "material", tell="grain_pattern")[0])
    assert fake.status is Status.FAIL
