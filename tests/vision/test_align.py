"""Alignment on photographs nobody here made, with ground truth where it exists."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import cv2
import numpy as np
import pytest

from vision.align import AlignmentFailed, align, chroma_grey, extract_features, homographies_lsq, normalise_grey, \
    warp_to_reference

SAMPLES = Path(__file__).parents[1] / "data" / "opencv-samples"


def load(name: str) -> np.ndarray:
    return cv2.cvtColor(cv2.imread(str(SAMPLES / name)), cv2.COLOR_BGR2RGB)


def features(img: np.ndarray, method: str = "orb"):  # type: ignore[no-untyped-def]
    return extract_features(normalise_grey(img), method=method)


def corner_error(H: np.ndarray, truth: np.ndarray, shape: tuple[int, ...]) -> float:
    h, w = shape[:2]
    corners = np.float32([[0, 0], [w, 0], [w, h], [0, h]]).reshape(-1, 1, 2)
    return float(np.linalg.norm(cv2.perspectiveTransform(corners, H) - cv2.perspectiveTransform(corners, truth),
                                axis=2).mean())


@pytest.mark.parametrize("method", ["orb", "sift"])
def test_graf_homography_against_ground_truth(method: str) -> None:
    g1, g3 = load("graf1.png"), load("graf3.png")
    truth = np.array(ET.parse(SAMPLES / "H1to3p.xml").getroot().find("H13/data").text.split(),  # type: ignore[union-attr]
                     float).reshape(3, 3)
    result = align(features(g1, method), features(g3, method))
    assert result, result
    # 30 degrees of viewpoint change; image corners are extrapolated, so a few pixels.
    assert corner_error(result.homography, truth, g1.shape) < 8.0


@pytest.mark.parametrize("method", ["orb", "sift"])
def test_box_found_in_cluttered_scene(method: str) -> None:
    box, scene = load("box.png"), load("box_in_scene.png")
    result = align(features(box, method), features(scene, method))
    assert result and result.inliers >= 20 and result.reprojection_px < 3.0
    h, w = box.shape[:2]
    quad = cv2.perspectiveTransform(np.float32([[0, 0], [w, 0], [w, h], [0, h]]).reshape(-1, 1, 2),
                                    result.homography).reshape(-1, 2)
    sh, sw = scene.shape[:2]
    assert cv2.isContourConvex(quad) and (quad >= -5).all() and (quad[:, 0] <= sw + 5).all() \
        and (quad[:, 1] <= sh + 5).all()


@pytest.mark.parametrize("a,b", [("LinuxLogo.jpg", "WindowsLogo.jpg"), ("LinuxLogo.jpg", "box_in_scene.png"),
                                 ("WindowsLogo.jpg", "box_in_scene.png")])
@pytest.mark.parametrize("method", ["orb", "sift"])
def test_different_designs_do_not_align(a: str, b: str, method: str) -> None:
    result = align(features(load(a), method), features(load(b), method))
    assert isinstance(result, AlignmentFailed) and not result and result.reason


def test_known_warp_recovered_and_undone() -> None:
    logo = load("WindowsLogo.jpg")
    truth = np.array([[0.8, -0.25, 90.0], [0.2, 0.9, 40.0], [3e-4, 2e-4, 1.0]])
    photo = cv2.warpPerspective(logo, truth, (520, 420), borderValue=(128, 128, 128))
    result = align(features(logo), features(photo))
    assert result and corner_error(result.homography, truth, logo.shape) < 2.0
    back = warp_to_reference(photo, result, logo.shape[:2])
    inner = (slice(20, -20), slice(20, -20))
    assert np.abs(back[inner].astype(int) - logo[inner].astype(int)).mean() < 12


def test_batched_homographies_agree_with_opencv_on_the_graf_matches() -> None:
    """The bootstrap's batched least-squares fits give OpenCV's answer on real matches."""
    a, b = features(load("graf1.png")), features(load("graf3.png"))
    result = align(a, b)
    assert not isinstance(result, AlignmentFailed)
    ref, photo = result.reference_points.astype(np.float64), result.photo_points.astype(np.float64)
    pick = np.random.default_rng(3).integers(0, len(ref), (8, len(ref)))
    batched = homographies_lsq(ref[pick], photo[pick])
    h, w = a.shape
    corners = np.float64([[0, 0], [w, 0], [w, h], [0, h]]).reshape(-1, 1, 2)
    for H, p in zip(batched, pick):
        expected, _ = cv2.findHomography(ref[p], photo[p], 0)
        gap = np.abs(cv2.perspectiveTransform(corners, H) - cv2.perspectiveTransform(corners, expected)).max()
        assert gap < 1.0     # pixels at the image's corners: DLT against OpenCV's refined fit


def test_batched_homographies_recover_an_exact_mapping() -> None:
    H = np.array([[0.9, 0.1, 30.0], [-0.05, 1.2, -12.0], [2e-4, -1e-4, 1.0]])
    src = np.random.default_rng(0).uniform(0, 500, (2, 30, 2))
    dst = cv2.perspectiveTransform(src.reshape(-1, 1, 2), H).reshape(2, 30, 2)
    np.testing.assert_allclose(homographies_lsq(src, dst), np.stack([H, H]), rtol=1e-6, atol=1e-9)


def test_a_photos_sift_fallback_is_detected_smaller_and_reported_in_the_photos_pixels() -> None:
    """The SIFT fallback detects a photo's features at a reduced size; they must come back in the
    working photo's coordinates, so the homography against a reference is the true one."""
    from vision.shape_compare import SIFT_PHOTO_LONG_SIDE, describe, match, with_sift

    g1, g3 = load("graf1.png"), load("graf3.png")
    k = 1024 / g3.shape[1]
    assert SIFT_PHOTO_LONG_SIDE < 1024    # the photo below really is detected smaller
    photo = describe(cv2.resize(g3, None, fx=k, fy=k, interpolation=cv2.INTER_CUBIC))
    sifted = with_sift(photo)
    assert sifted.sift.shape == photo.rgb.shape[:2] and sifted.orb is photo.orb
    assert sifted.sift.points[:, 0].max() > 0.9 * SIFT_PHOTO_LONG_SIDE
    truth = np.array(ET.parse(SAMPLES / "H1to3p.xml").getroot().find("H13/data").text.split(),  # type: ignore[union-attr]
                     float).reshape(3, 3)
    result = match(describe(g1, reference=True), sifted, method="sift")
    assert result, result
    assert corner_error(result.homography, np.diag([k, k, 1.0]) @ truth, g1.shape) < 8.0 * k


def test_sift_matching_finds_what_opencvs_brute_force_matcher_finds() -> None:
    """SIFT descriptors are matched by one matrix product; the pairs passing the ratio test must be
    the ones OpenCV's exhaustive matcher gives."""
    from vision.align import match_features

    a, b = features(load("graf1.png"), "sift"), features(load("graf3.png"), "sift")
    pairs = cv2.BFMatcher(cv2.NORM_L2).knnMatch(a.descriptors, b.descriptors, k=2)
    expected = {(m.queryIdx, m.trainIdx) for m, n in pairs if m.distance < 0.8 * n.distance}
    ref_pts, photo_pts = match_features(a, b, ratio=0.8)
    got = sorted(map(tuple, np.hstack([ref_pts, photo_pts]).tolist()))
    want = sorted(tuple(a.points[q].tolist() + b.points[t].tolist()) for q, t in expected)
    assert len(expected) > 100 and got == want


def _mottled_with_lettering(bench_share: float) -> np.ndarray:
    """A green material with strong dark mottling and cream lettering, on a grey bench."""
    rng = np.random.default_rng(4)
    shade = cv2.resize(rng.uniform(0.35, 1.0, (12, 16)).astype(np.float32), (160, 120), interpolation=cv2.INTER_LINEAR)
    rgb = (np.array([60, 200, 80], np.float32) * shade[..., None]).astype(np.uint8)
    rgb[50:70, 40:120] = (215, 205, 180)
    rgb[:, 160 - int(160 * bench_share):] = 128
    return rgb


@pytest.mark.parametrize("bench_share", [0.0, 0.6])
def test_chroma_grey_ignores_shading_and_keeps_a_colour_difference(bench_share: float) -> None:
    """Shading (a mottling, a light gradient) scales a colour, a lettering changes it: only the
    second shows in the chromaticity image, measured from neutral, so the lettering stays darker
    than the material whether the item or the bench fills most of the picture."""
    rgb = _mottled_with_lettering(bench_share)
    img = chroma_grey(rgb).astype(np.float32)
    material, letters = img[5:40, 5:40], img[55:65, 45:60]
    assert float(np.std(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)[5:40, 5:40])) > 10      # mottled in grey
    assert float(np.std(material)) < 0.1 * (float(np.median(material)) - float(np.median(letters)))
