"""Logo signatures: features survive rotation, scale and light; words are nearest by Hamming distance."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from vision.logo_signature import (
    NO_MATCH,
    LocalFeatures,
    Vocabulary,
    colour_difference,
    extract_features,
    geometric_match,
    train_vocabulary,
    work_image,
)

from .demo_data import zone_images

VOCABULARY = Vocabulary.from_bytes(
    (Path(__file__).parents[2] / "resources" / "vision" / "logo-vocabulary.npz").read_bytes())


def _match(query: LocalFeatures, reference: LocalFeatures):
    return geometric_match(query, VOCABULARY.quantise(query.descriptors),
                           reference, VOCABULARY.quantise(reference.descriptors))


def _inliers(query: LocalFeatures, reference: LocalFeatures) -> int:
    return _match(query, reference).inliers


def _rotated_scaled(rgb: np.ndarray, angle: float, scale: float) -> np.ndarray:
    h, w = rgb.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale)
    return cv2.warpAffine(rgb, m, (w, h), borderMode=cv2.BORDER_REPLICATE)


def _brightness(rgb: np.ndarray, gain: float) -> np.ndarray:
    return np.clip(rgb.astype(np.float32) * gain, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("change", [
    pytest.param(lambda im: _rotated_scaled(im, 35, 1.0), id="rotated-35"),
    pytest.param(lambda im: _rotated_scaled(im, 0, 0.7), id="scaled-0.7"),
    pytest.param(lambda im: _rotated_scaled(im, -20, 0.8), id="rotated-scaled"),
    pytest.param(lambda im: _brightness(im, 0.55), id="darker"),
    pytest.param(lambda im: _brightness(im, 1.3), id="brighter"),
    pytest.param(lambda im: cv2.GaussianBlur(im, (0, 0), 1.2), id="blurred"),
])
@pytest.mark.parametrize(("brand", "other_brand"), [("maison-aurel", "kestrel-athletics"),
                                                   ("kestrel-athletics", "maison-aurel")])
def test_same_logo_changed_agrees_far_more_than_another_brand(change, brand: str, other_brand: str) -> None:
    _, refs, _ = zone_images(brand, "logo")
    _, others, _ = zone_images(other_brand, "logo")
    query = extract_features(change(refs[0]))
    same = _inliers(query, extract_features(refs[1]))
    other = _inliers(query, extract_features(others[1]))
    assert same > 2 * max(other, 4)


def test_features_are_computed_on_a_reduced_grey_image() -> None:
    _, refs, _ = zone_images("maison-aurel", "logo")
    big = cv2.resize(refs[0], None, fx=2, fy=2)
    small = work_image(big)
    assert small.shape[2] == 3 and max(small.shape) == 640
    features = extract_features(big)
    assert 0 < len(features) <= 400
    assert features.points.max() <= 640 and features.descriptors.shape == (len(features), 32)
    assert features.colours.shape == (len(features), 3)


def test_a_blank_image_has_no_features_and_matches_nothing() -> None:
    blank = extract_features(np.full((480, 640, 3), 128, np.uint8))
    _, refs, _ = zone_images("maison-aurel", "logo")
    assert len(blank) == 0
    assert _inliers(blank, extract_features(refs[0])) == 0


def test_quantise_picks_the_nearest_word_by_hamming_distance() -> None:
    rng = np.random.default_rng(3)
    vocabulary = Vocabulary(rng.integers(0, 256, (64, 32), dtype=np.uint8))
    descriptors = rng.integers(0, 256, (200, 32), dtype=np.uint8)
    distances = np.unpackbits(descriptors[:, None, :] ^ vocabulary.words[None, :, :], axis=2).sum(axis=2)
    words = vocabulary.quantise(descriptors)
    assert np.array_equal(distances[np.arange(200), words], distances.min(axis=1))


def test_training_is_deterministic_and_round_trips() -> None:
    _, refs, _ = zone_images("kestrel-athletics", "logo")
    descriptors = np.concatenate([extract_features(r).descriptors for r in refs])
    a = train_vocabulary(descriptors, 32, seed=5, iterations=4)
    b = train_vocabulary(descriptors, 32, seed=5, iterations=4)
    assert a.digest == b.digest and a.size == 32
    assert Vocabulary.from_bytes(a.to_bytes()).digest == a.digest


def test_a_malformed_vocabulary_is_refused() -> None:
    with pytest.raises(ValueError, match="vocabulary must be"):
        Vocabulary(np.zeros((10, 16), np.uint8))


def test_wrong_image_type_is_refused() -> None:
    with pytest.raises(ValueError, match="rgb must be"):
        extract_features(np.zeros((10, 10), np.float32))


def test_another_colourway_differs_more_than_the_same_one_under_other_light() -> None:
    """Models sharing a wordmark are told apart by colour; exposure and a mild cast must not look like that."""
    _, refs, _ = zone_images("maison-aurel", "logo")
    reference = extract_features(refs[1])
    relit = np.clip(refs[0].astype(np.float32) * [0.8 * 1.08, 0.8, 0.8 * 0.92], 0, 255).astype(np.uint8)
    recoloured = np.ascontiguousarray(refs[0][..., ::-1])  # the same logo in another colourway
    same, other = extract_features(relit), extract_features(recoloured)
    assert colour_difference(other, reference, _match(other, reference)) > \
        2 * colour_difference(same, reference, _match(same, reference))
    assert np.isnan(colour_difference(same, reference, NO_MATCH))

