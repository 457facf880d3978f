"""Hardware zones on the rendered demo library: outline, engraving and metal colour."""

from __future__ import annotations

from functools import cache

import cv2
import numpy as np

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tools.demogen.photos import PhotoJob, make_photo
from vision import hardware, logo
from vision import shape_compare as sc
from vision.image_io import decode_image
from vision.findings import Status
from vision.quality import MAX_GLARE_SHARE
from vision.scale_card import find_scale_card
from vision.zone import Tolerances

from .demo_data import DEMO, load, photo, relit, sample_zones, zone_images
from .heldout import authentic_pass, heldout_design, heldout_pack_zone, heldout_photo


@cache
def prepared(brand: str, with_tolerance: bool = True) -> hardware.HardwarePrepared:
    _, refs, fakes = zone_images(brand, "hardware")
    return hardware.prepare(refs, fakes, Tolerances(max_delta_e=6.0) if with_tolerance else Tolerances())


def zone_of(brand: str, item: str) -> dict:
    return next(z for z in sample_zones("hardware") if z["brand"] == brand and f"/{item}/" in z["photo"])


@pytest.mark.parametrize("brand,item", [("maison-aurel", "a01"), ("maison-aurel", "a05"),
                                        ("kestrel-athletics", "a01"), ("kestrel-athletics", "a05"),
                                        ("kestrel-athletics", "a04"), ("kestrel-athletics", "c02")])
def test_authentic_hardware_passes(brand: str, item: str) -> None:
    result = hardware.analyse(prepared(brand), photo(zone_of(brand, item)))
    assert result.status is Status.PASS, [f.message for f in result.findings if not f.passed]
    colour = next(f for f in result.findings if f.metric == "metal_delta_e")
    assert colour.passed and colour.value < 6.0 and "CIEDE2000" in colour.message


def test_brassy_metal_fails_on_colour() -> None:
    zone = next(z for z in sample_zones("hardware") if z["tell"] == "metal_colour")
    result = hardware.analyse(prepared(zone["brand"]), photo(zone))
    assert result.status is Status.FAIL
    colour = next(f for f in result.findings if f.metric == "metal_delta_e")
    assert not colour.passed and colour.value > 6.0
    assert "yellower" in colour.message


def test_brassy_metal_fails_on_a_calibrated_bound_too() -> None:
    """Without the pack's max_delta_e the bound comes from the references and known fakes."""
    prep = prepared("maison-aurel", with_tolerance=False)
    assert prep.delta_e_source == "calibrated"
    assert prep.max_delta_e > max(prep.reference_delta_e)
    zone = next(z for z in sample_zones("hardware") if z["tell"] == "metal_colour")
    assert hardware.analyse(prep, photo(zone)).status is Status.FAIL


@pytest.mark.xfail(reason="engraving typeface: tolerant overlap of engraved letters is not yet discriminative "
                          "enough on the demo clasp (see report)")
def test_engraving_font_fails() -> None:
    zone = next(z for z in sample_zones("hardware") if z["tell"] == "engraving_font")
    assert hardware.analyse(prepared(zone["brand"]), photo(zone)).status is Status.FAIL


def test_other_outline_is_never_passed() -> None:
    """A different plate outline fails, or at worst (fine alignment unverified) asks for a retake."""
    zone = next(z for z in sample_zones("hardware") if z["tell"] == "outline")
    result = hardware.analyse(prepared(zone["brand"]), photo(zone))
    assert result.status is Status.FAIL       # the silhouette is registered on its own: no retake needed
    outline = next(f for f in result.findings if f.metric == "outline_iou")
    assert not outline.passed and "outline" in outline.message


def test_no_scale_card_is_inconclusive_with_the_retake_reason() -> None:
    zone = next(z for z in sample_zones("hardware") if z["defect"] == "no_scale_card")
    result = hardware.analyse(prepared(zone["brand"]), photo(zone))
    assert result.status is Status.INCONCLUSIVE
    assert result.retake == hardware.NO_CARD


def test_card_white_stays_on_the_card() -> None:
    """The white is sampled within the card's guaranteed margin: near the card's own (240, 240, 240)."""
    ref = load(next((DEMO / "packs" / "maison-aurel" / "refs").glob("*/clasp/ref-01.jpg")))
    card = find_scale_card(ref)
    assert card
    white = card.white_reference(ref)
    assert white is not None and white.min() > 200


@settings(max_examples=4, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(gain=st.floats(0.7, 1.1), r=st.floats(0.85, 1.15), b=st.floats(0.85, 1.15))
def test_light_and_colour_cast_do_not_flip_authentic_hardware(gain: float, r: float, b: float) -> None:
    result = hardware.analyse(prepared("maison-aurel"), relit(photo(zone_of("maison-aurel", "a02")), gain, (r, 1.0, b)))
    assert result.status is Status.PASS, [f.message for f in result.findings if not f.passed]


def test_a_counterfeit_just_past_the_bound_does_not_make_it_decisive() -> None:
    """Only a known fake clearly beyond the pass limit (by the metric's floor) caps the decisive limit."""
    near = sc.calibrate("engraving_difference", [0.15, 0.25, 0.22, 0.15], [0.374, 0.44, 0.6], 0.12)
    assert near.fail_limit < 0.38                      # the shared calibration: a photo at 0.38 fails
    bound = hardware.separated_decisive(near, 0.12)
    assert bound.limit == near.limit and not bound.decisive(0.383) and not bound.decisive(0.44)
    assert bound.decisive(0.6) and bound.fail_limit >= bound.limit + 0.12


def test_a_counterfeit_pulls_in_only_the_bounds_of_its_tells_family() -> None:
    """A fake whose tell is its outline or its colour carries an authentic engraving: where that
    engraving measures says nothing about where an authentic one stops."""
    authentic = [{"outline_iou": v, "engraving_match": 1.0, "engraving_difference": d}
                 for v, d in ((0.99, 0.15), (0.99, 0.16), (0.98, 0.12), (0.99, 0.16))]
    floors = {"outline_iou": 0.04, "engraving_match": 0.08, "engraving_difference": 0.12}
    metrics, families = tuple(floors), (("outline_iou",), ("engraving_match", "engraving_difference"))

    def limit(fakes: list[dict[str, float]], by_colour: list[bool] | None = None) -> float:
        bounds = logo.bounds_for(metrics, floors, authentic, fakes, families=families,
                                 caught_elsewhere=by_colour)
        return next(b.limit for b in bounds if b.metric == "engraving_difference")

    alone = limit([])
    outline_fake = {"outline_iou": 0.85, "engraving_match": 1.0, "engraving_difference": 0.30}
    font_fake = {"outline_iou": 0.99, "engraving_match": 0.80, "engraving_difference": 0.30}
    unseen_fake = {"outline_iou": 0.99, "engraving_match": 1.0, "engraving_difference": 0.30}
    assert alone > 0.30
    assert limit([outline_fake]) == alone and limit([unseen_fake], [True]) == alone
    assert limit([font_fake]) < 0.30 and limit([unseen_fake], [False]) < 0.30
    # an engraving counterfeit whose plate also segments a little off still shows an engraving tell
    assert limit([{**font_fake, "outline_iou": 0.87}]) == limit([font_fake])


def _rendered(design, name: str, *, gentle: bool = False):  # type: ignore[no-untyped-def]
    job = PhotoJob(name, 4242, design, design.zone("hardware"), (1280, 960), 12.0, gentle=gentle)
    return decode_image(make_photo(job).jpeg)


def test_a_plate_right_beside_the_card_is_found() -> None:
    """A plate that starts just past the card's white: the generous square left out around the card
    cut into it, its outline touched the region's edge and the references could not be prepared.
    The card's own white, as the photo shows it, is left out instead."""
    design = heldout_design(404, "maison-norwen")
    refs = tuple(_rendered(design, f"test/norwen-ref-{i}", gentle=True) for i in range(3))
    prep = hardware.prepare(refs, (), Tolerances(max_delta_e=6.0))
    result = hardware.analyse(prep, _rendered(design, "test/norwen-authentic"))
    assert result.status is Status.PASS, [f.message for f in result.findings if not f.passed]
    # the card's silhouette holds the marker and its white, and not the plate beside it
    work = refs[0]
    card = find_scale_card(work)
    assert card
    silhouette = card.silhouette(work)
    centre = card.corners.mean(axis=0)
    assert silhouette[int(centre[1]), int(centre[0])]
    assert silhouette.sum() < hardware._card_exclusion(work, card).sum()


def test_a_plate_whose_glare_differs_from_shot_to_shot_is_found() -> None:
    """casa-corver (held-out seed 6464): a pale plate on green cloth, its glare and shadow different
    in every reference. Blurred past the plate's ends, they made spots where the references
    disagree; left out of the frame's region, those spots bit into the plate's outline, which then
    reached the region's edge. The plate was not found, and the brand's hardware could not be
    judged on any item. A spot the references agree all around stays in the region."""
    design = heldout_design(6464, "casa-corver")
    refs, _ = heldout_pack_zone(6464, design, "hardware")
    shapes = logo.build_shape_reference(refs, ())
    roi = shapes.frame.roi
    assert not (sc.fill_holes(roi) & ~roi).any()              # no hole left in the region
    prep = hardware.prepare(refs, (), Tolerances(max_delta_e=6.0))
    authentic_pass(hardware.analyse, prep, 6464, design, ("a01", "a04"), "hardware")


def _plate_with_engraving(band: bool) -> tuple[np.ndarray, np.ndarray]:
    """A gold plate with engraved strokes that differ from it more in colour than in lightness, as
    shadowed grooves in polished gold do, optionally crossed by a colourless specular band."""
    rgb = np.full((200, 320, 3), (200, 168, 110), np.float32)
    grooves = np.zeros((200, 320), bool)
    for x in range(60, 260, 40):
        grooves[70:130, x:x + 7] = True                       # five upright strokes
    grooves[97:103, 60:267] = True                            # and a crossbar
    rgb[grooves] = (175, 160, 135)
    if band:
        yy, xx = np.mgrid[0:200, 0:320]
        stripe = np.exp(-(((yy - 0.4 * xx - 40) / 10.0) ** 2))  # a diagonal band, bright and colourless
        rgb += 120.0 * stripe[..., None]
    return np.clip(rgb, 0, 255).astype(np.uint8), grooves


def test_a_specular_band_across_an_engraving_is_not_read_as_engraving() -> None:
    """A neutral specular band is as colourless as a groove's shadow, so the engraving's colour
    discriminant read it as ink: an authentic plate's engraving came out heavier and misshapen and
    failed. A groove is darker than the metal around it; the band is not."""
    clean, grooves = _plate_with_engraving(band=False)
    region = np.zeros(grooves.shape, bool)
    region[20:180, 20:300] = True
    model = sc.fit_ink_model([clean], grooves, region)
    banded, _ = _plate_with_engraving(band=True)
    ink = sc.ink_map(model, banded, region, grooves, local_px=hardware._local_px(7.0))
    metal = region & ~(cv2.dilate(grooves.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0)
    assert float(np.percentile(ink[metal], 99.5)) < 0.25        # the band, on bare metal, is no ink
    assert float(np.median(ink[grooves])) > 0.5                 # the strokes, under the band too, are


def test_a_plate_that_reaches_where_the_references_card_lay_is_still_found() -> None:
    """studio-fonver (held-out seed 6060): the comparison region leaves out where the references'
    scale card lay. In authentic photos whose card lay elsewhere, the plate reached that cut-out; a
    plate that reaches the region's edge was taken for the bench, none was found, the outline read
    0 and the items FAILED. Compared with the references' plate, it is found wherever it reaches."""
    design = heldout_design(6060, "studio-fonver")
    refs, fakes = heldout_pack_zone(6060, design, "hardware", ("engraving_font", "outline", "metal_colour"))
    prep = hardware.prepare(refs, fakes, Tolerances(max_delta_e=6.0))
    result = hardware.analyse(prep, heldout_photo(6060, design, "a01", "hardware")[0])
    assert result.status is Status.PASS, [f.message for f in result.findings if not f.passed]
    assert {f.metric: f for f in result.findings}["outline_iou"].value > 0.95


@pytest.mark.parametrize("seed,brand,authentic,colour_fake", [(2323, "studio-mirnor", ("a01", "c03"), "c02"),
                                                             (9393, "house-hellum", ("a03", "c01"), "c03")])
def test_a_plate_the_ink_map_splits_is_found_as_what_differs_from_the_material(
        seed: int, brand: str, authentic: tuple[str, ...], colour_fake: str) -> None:
    """studio-mirnor (held-out seed 2323): a beige plate with a bright highlight on purple cloth;
    house-hellum (9393): on mottled grey-blue cloth. The ink map's two classes were the lettering
    and highlights against metal and cloth together: the plate found was a crescent of the rim or
    the lettering, with no bare metal for the colour, and no plate of either brand was judged. The
    plate is then what differs from the material around it, in the references and in the photos.

    Whether the ink map splits depends on the last bits of the rendering and the analysis: on the
    machine of 2026-12-06 (an AMD EPYC with AVX2) house-hellum's holds, and its own plate is judged. Either
    way the plates are judged, and judged right."""
    design = heldout_design(seed, brand)
    refs, fakes = heldout_pack_zone(seed, design, "hardware", ("metal_colour", "engraving_font", "outline"))
    prep = hardware.prepare(refs, fakes, Tolerances(max_delta_e=6.0))
    ink_plate = hardware.find_plate(prep.shapes.template.soft, prep.shapes.template.region)
    if prep.plate.by_material:
        assert ink_plate is None or ink_plate[0].sum() < 0.2 * prep.plate.mask.sum()
    else:
        assert seed == 9393, "studio-mirnor's ink map splits on every machine seen"
    for result in authentic_pass(hardware.analyse, prep, seed, design, authentic, "hardware"):
        assert {f.metric: f for f in result.findings}["outline_iou"].value > 0.9
    brassy = hardware.analyse(prep, heldout_photo(seed, design, colour_fake, "hardware", tell="metal_colour")[0])
    assert brassy.status is Status.FAIL
    assert not {f.metric: f for f in brassy.findings}["metal_delta_e"].passed


def test_a_plate_the_ink_map_holds_keeps_the_ink_map() -> None:
    """Where the ink map's plate is the plate, it is kept: its outline follows the metal's edge,
    where the material's spread reaches a little into the plate's shadow."""
    assert not prepared("maison-aurel").plate.by_material
    assert not prepared("kestrel-athletics").plate.by_material


def test_each_reference_engraving_is_calibrated_against_the_others_template() -> None:
    """atelier-solel (held-out seed 4545): each reference's engraving was compared with the
    consensus of all references, itself included, so the worst-spot differences the bound is set
    from read low (bound 0.23) and an authentic plate at 0.35 FAILED. Against the others' template,
    as a logo reference is, the bound is 0.28: that plate is inconclusive, a second one at 0.27-0.29
    (by the machine's numerics) is at the bound, and the engraving counterfeit (0.46) still FAILS."""
    design = heldout_design(4545, "atelier-solel")
    refs, fakes = heldout_pack_zone(4545, design, "hardware", ("outline", "metal_colour", "engraving_font"))
    prep = hardware.prepare(refs, fakes, Tolerances(max_delta_e=6.0))
    difference = next(b for b in prep.bounds if b.metric == "engraving_difference")
    assert difference.limit > 0.25
    status = {item: hardware.analyse(prep, heldout_photo(4545, design, item, "hardware")[0]).status
              for item in ("a01", "a07")}
    assert status["a01"] is not Status.FAIL and status["a07"] is not Status.FAIL
    fake = hardware.analyse(prep, heldout_photo(4545, design, "c07", "hardware", tell="engraving_font")[0])
    assert fake.status is Status.FAIL


@pytest.mark.parametrize("seed,brand,fakes,items,fake_item,fake_status", [
    (4545, "atelier-solel", ("outline", "metal_colour", "engraving_font"), ("a01", "a04"), "c07", Status.FAIL),
    (9393, "atelier-korbel", ("metal_colour", "engraving_font", "outline"), ("a04",), "c06", Status.INCONCLUSIVE),
])
def test_a_rim_the_light_draws_differently_is_no_part_of_the_engraving(
        seed: int, brand: str, fakes: tuple, items: tuple, fake_item: str, fake_status: Status) -> None:
    """atelier-solel's octagonal plate (held-out seed 4545): the references' light drew dark lines
    along two of its chamfers, and the engraving's template took them for grooves; bench photos
    lit from elsewhere did not show them, and their worst spot (0.34-0.35 against 0.28) made them
    inconclusive. atelier-korbel's oval rim (9393) did the same (0.56 against 0.45). The rim's ink
    is left out of the engraving's region, which is then smaller than the plate's interior: those
    plates pass. The engraving counterfeit is not passed (solel's FAILS, korbel's is inconclusive,
    as before)."""
    design = heldout_design(seed, brand)
    refs, fake_images = heldout_pack_zone(seed, design, "hardware", fakes)
    prep = hardware.prepare(refs, fake_images, Tolerances(max_delta_e=6.0))
    assert prep.plate.engraving.region.sum() < prep.plate.interior.sum()
    authentic_pass(hardware.analyse, prep, seed, design, items, "hardware")
    fake = hardware.analyse(prep, heldout_photo(seed, design, fake_item, "hardware", tell="engraving_font")[0])
    assert fake.status is fake_status


def test_a_reference_whose_engraving_was_not_found_gives_the_bounds_no_spread() -> None:
    """maison-yortav (held-out seed 1212): one reference, compared with the others' template,
    found no engraving (its stroke ratio 0). Taken as the references' spread, it set the engraving
    bounds to >= -1.00 and 0.00-10^12, and the engraving counterfeit PASSED. Left out, the
    engraving's bounds come from the three references that were compared (the outline's from all
    four): the counterfeit FAILS on its letters, and authentic plates still pass.

    On the machine of 2026-12-06 (an AMD EPYC with AVX2) that reference's engraving is found, and all four
    give the spread; the bounds and verdicts are asserted either way."""
    design = heldout_design(1212, "maison-yortav")
    refs, fakes = heldout_pack_zone(1212, design, "hardware", ("metal_colour", "engraving_font", "outline"))
    prep = hardware.prepare(refs, fakes, Tolerances(max_delta_e=6.0))
    bounds = {b.metric: b for b in prep.bounds}
    assert len(bounds["outline_iou"].authentic) == len(refs)      # its outline was compared
    compared = len(bounds["engraving_match"].authentic)
    assert compared in (len(refs) - 1, len(refs))
    assert len(bounds["engraving_letter_overlap"].authentic) == compared    # its words were not, if it was not
    assert all(v > 0 for v in bounds["engraving_stroke_ratio"].authentic)   # none that found nothing
    assert 1 - bounds["engraving_match"].limit > 0.85
    assert not bounds["engraving_stroke_ratio"].passed(1.5)
    authentic_pass(hardware.analyse, prep, 1212, design, ("a01", "a04"), "hardware")
    fake = hardware.analyse(prep, heldout_photo(1212, design, "c08", "hardware", tell="engraving_font")[0])
    assert fake.status is Status.FAIL
    assert not {f.metric: f for f in fake.findings}["engraving_match"].passed


def test_an_engraving_in_another_typeface_fails_on_its_words_registered_on_their_own() -> None:
    """atelier-danbel (held-out seed 5151): a plate engraved in the other family of typeface
    matched 0.97 within half a stroke of the references' letters (bound 0.92), and no other
    engraving metric reached its bound: the counterfeit PASSED. Registered word by word and
    compared as soft ink, as a logo's parts are, its letters overlap the references' by 0.65
    against a bound of 0.72: it FAILS, on that finding, and authentic plates still pass."""
    design = heldout_design(5151, "atelier-danbel")
    refs, fakes = heldout_pack_zone(5151, design, "hardware", ("engraving_font", "outline", "metal_colour"))
    prep = hardware.prepare(refs, fakes, Tolerances(max_delta_e=6.0))
    authentic_pass(hardware.analyse, prep, 5151, design, ("a01", "a02"), "hardware")
    fake = hardware.analyse(prep, heldout_photo(5151, design, "c08", "hardware", tell="engraving_font")[0])
    findings = {f.metric: f for f in fake.findings}
    assert findings["engraving_match"].passed
    assert not findings["engraving_letter_overlap"].passed
    assert "another typeface" in findings["engraving_letter_overlap"].message
    assert fake.status is Status.FAIL


def test_a_decisive_outline_fails_the_plate_whatever_its_fine_alignment() -> None:
    """The outline is registered on its own silhouette: where it is decisively off, the plate
    FAILS even if the fine alignment the engraving needs did not converge. maison-fongar's
    engraving counterfeit (held-out seed 2718) reads decisively off in its outline and in its
    letters, with an unverified alignment; it was left inconclusive, as if only its engraving
    disagreed, once the letters' overlap could be decisive."""
    design = heldout_design(2718, "maison-fongar")
    refs, fakes = heldout_pack_zone(2718, design, "hardware", ("metal_colour", "engraving_font", "outline"))
    prep = hardware.prepare(refs, fakes, Tolerances(max_delta_e=6.0))
    photo = heldout_photo(2718, design, "c06", "hardware", tell="engraving_font")[0]
    assert logo.unverified_alignment(logo.locate(prep.shapes, photo, work=sc.to_working(photo)))
    fake = hardware.analyse(prep, photo)
    findings = {f.metric: f for f in fake.findings}
    outline = next(b for b in prep.bounds if b.metric == "outline_iou")
    assert outline.decisive(findings["outline_iou"].value) and not findings["engraving_letter_overlap"].passed
    assert fake.status is Status.FAIL


def test_words_decisively_off_fail_the_plate_whatever_its_fine_alignment() -> None:
    """Each word is registered on its own, and the words decide only where the engraving's ink lies
    within half a stroke of the references'. house-hellum's engraving counterfeit (held-out seed
    9393) reads decisively off in its words, its ink matching, through an alignment no fine
    alignment confirmed: it asked for a squarer photo. It FAILS on its words; the brand's
    authentic plates still pass."""
    design = heldout_design(9393, "house-hellum")
    refs, fakes = heldout_pack_zone(9393, design, "hardware", ("metal_colour", "engraving_font", "outline"))
    prep = hardware.prepare(refs, fakes, Tolerances(max_delta_e=6.0))
    authentic_pass(hardware.analyse, prep, 9393, design, ("a01", "a02"), "hardware")
    photo = heldout_photo(9393, design, "c08", "hardware", tell="engraving_font")[0]
    assert logo.unverified_alignment(logo.locate(prep.shapes, photo, work=sc.to_working(photo)))
    fake = hardware.analyse(prep, photo)
    findings = {f.metric: f for f in fake.findings}
    words = next(b for b in prep.bounds if b.metric == "engraving_letter_overlap")
    assert findings["engraving_match"].passed and words.decisive(findings["engraving_letter_overlap"].value)
    assert fake.status is Status.FAIL and fake.retake is None


def test_letters_the_ink_map_lost_do_not_fail_the_plate() -> None:
    """studio-fonver (held-out seed 6060): an authentic plate under a specular band, whose ink map
    lost its letters. Its words overlap the references' by 0.47, decisively past the bound, but its
    letters do not lie where the references' do even within half a stroke (engraving_match fails
    too), so the words cannot tell the photo from the item: inconclusive, not FAIL.

    With the plate's rim left out of the engraving (:func:`vision.hardware.without_rim`) its letters
    are found (they match 0.99); read as they were (matching 0.83, words overlapping 0.47), the
    words would be decisive, and still do not decide."""
    design = heldout_design(6060, "studio-fonver")
    refs, fakes = heldout_pack_zone(6060, design, "hardware", ("engraving_font", "outline", "metal_colour"))
    prep = hardware.prepare(refs, fakes, Tolerances(max_delta_e=6.0))
    lost = hardware.analyse(prep, heldout_photo(6060, design, "a06", "hardware")[0])
    assert lost.status is not Status.FAIL
    as_before = {**{f.metric: f.value for f in lost.findings}, "engraving_match": 0.83,
                 "engraving_letter_overlap": 0.47}
    bounds = {b.metric: b for b in prep.bounds}
    assert not bounds["engraving_match"].passed(as_before["engraving_match"])
    assert bounds["engraving_letter_overlap"].decisive(as_before["engraving_letter_overlap"])
    deciding = {b.metric: b for b in hardware.letters_decide(prep.bounds, as_before)}
    assert not deciding["engraving_letter_overlap"].decisive(as_before["engraving_letter_overlap"])


def test_a_plate_glinting_as_its_references_do_is_judged() -> None:
    """casa-ulmir (held-out seed 2718): a polished plate whose references glint over 1-3 % of the
    zone. An authentic bench photo glinting over 4.1 % was refused as glare, and the item was
    inconclusive; it is judged, and passes. A reflection over a tenth of the plate is still
    refused."""
    design = heldout_design(2718, "casa-ulmir")
    refs, fakes = heldout_pack_zone(2718, design, "hardware", ("metal_colour", "engraving_font", "outline"))
    prep = hardware.prepare(refs, fakes, Tolerances(max_delta_e=6.0))
    assert 0.02 < prep.shapes.glint < MAX_GLARE_SHARE
    photo = heldout_photo(2718, design, "a02", "hardware")[0]
    result = hardware.analyse(prep, photo)
    assert result.status is Status.PASS, [f.message for f in result.findings if not f.passed]
    # a light's reflection over a tenth of the zone, on the plate
    work = sc.to_working(photo)
    located = logo.locate(prep.shapes, photo, work=work)
    assert not isinstance(located, str)
    zone = logo.zone_mask(prep.shapes, located)
    ys, xs = np.nonzero(zone)
    centre = (int(xs.mean() / work[1]), int(ys.mean() / work[1]))
    glared = cv2.circle(photo.copy(), centre, int(np.sqrt(0.10 * zone.sum() / np.pi) / work[1]), (255, 255, 255), -1)
    refused = hardware.analyse(prep, glared)
    assert refused.status is Status.INCONCLUSIVE and refused.retake and "Glare" in refused.retake
