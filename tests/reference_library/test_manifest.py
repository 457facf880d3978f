"""Parsing pack.toml: the valid shape, and every problem reported with its place."""

from __future__ import annotations

import pytest

from reference_library.manifest import Tolerances, parse_manifest
from reference_library.problems import Severity
from tests.conftest import VALID_MANIFEST

VALID = VALID_MANIFEST.format(brand="test-maison", version="2026.11.0")


def errors(text: str) -> list[str]:
    _, problems = parse_manifest(text)
    return [str(p) for p in problems if p.severity is Severity.ERROR]


def test_valid_manifest_parses_completely() -> None:
    manifest, problems = parse_manifest(VALID)
    assert problems == []
    assert manifest is not None
    assert manifest.pack.brand == "test-maison" and manifest.pack.version == "2026.11.0"
    assert [m.id for m in manifest.models] == ["city-tote"]
    assert [(z.id, z.kind, z.critical) for z in manifest.zones] == [
        ("front-logo", "logo", True), ("handle-stitching", "stitching", True), ("serial-tag", "code", True)]
    stitching = manifest.zones[1]
    assert stitching.tolerances == Tolerances(pitch_mm=(3.6, 4.4), angle_deg=(20.0, 30.0))
    assert manifest.zones[2].tolerances.public_key == "keys/serial-ed25519.pub"
    assert [(c.id, c.zone, c.critical) for c in manifest.checks] == [
        ("logo-lettering", "front-logo", True), ("dust-bag", None, False)]


def test_tolerances_round_trip_through_json_dict() -> None:
    manifest, _ = parse_manifest(VALID)
    assert manifest is not None
    for zone in manifest.zones:
        assert Tolerances.from_dict(zone.tolerances.as_dict()) == zone.tolerances


def test_invalid_toml_gives_line() -> None:
    (msg,) = errors("[pack\nformat = 1")
    assert "pack.toml" in msg and "not valid TOML" in msg and "line 1" in msg


@pytest.mark.parametrize("old,new,where,what", [
    ('kind = "logo"', 'kind = "emblem"', 'zone[0] "front-logo".kind', "unknown kind 'emblem'"),
    ('brand = "test-maison"', 'brand = "Test Maison"', "[pack].brand", "is not a slug"),
    ('id = "front-logo"', 'id = "Front_Logo"', 'zone[0] "Front_Logo".id', "is not a slug"),
    ('format = 1', 'format = 2', "[pack].format", "format 2 is not supported"),
    ('format = 1', 'format = "1"', "[pack].format", "expected an integer"),
    ('version = "2026.11.0"', 'version = "november"', "[pack].version", "not a version number"),
    ('pitch_mm = [3.6, 4.4]', 'pitch_mm = [4.4, 3.6]', "tolerances.pitch_mm", "range is reversed"),
    ('angle_deg = [20.0, 30.0]', 'angle_deg = [30.0, 20.0]', "tolerances.angle_deg", "range is reversed"),
    ('pitch_mm = [3.6, 4.4]', 'pitch_mm = [3.6]', "tolerances.pitch_mm", "expected [low, high]"),
    ('pitch_mm = [3.6, 4.4]', 'pitch_mm = [0, 4.4]', "tolerances.pitch_mm", "above zero"),
    ('pitch_mm = [3.6, 4.4]', 'pich_mm = [3.6, 4.4]', "tolerances.pich_mm", "not a tolerance of a stitching zone"),
    ('pattern = "^TM-[0-9]{6}$"', 'pattern = "^TM-[0-9"', "tolerances.pattern", "not a valid regular expression"),
    ('zone = "front-logo"', 'zone = "back-logo"', 'check[0] "logo-lettering".zone', "no zone with id 'back-logo'"),
    ('model = "city-tote"\nkind = "logo"', 'model = "weekender"\nkind = "logo"', 'zone[0] "front-logo".model',
     "no model with id 'weekender'"),
    ('critical = true\nreferences = ["refs/front-logo/*.jpg"]', 'critical = "yes"\nreferences = ["refs/front-logo/*.jpg"]',
     'zone[0] "front-logo".critical', "expected true or false"),
    ('references = ["refs/front-logo/*.jpg"]', 'references = []', 'zone[0] "front-logo".references',
     "at least one"),
    ('title = "Logo on the front panel"\n', '', 'zone[0] "front-logo"', "missing required field 'title'"),
])
def test_each_error_names_place_and_reason(old: str, new: str, where: str, what: str) -> None:
    assert old in VALID, old
    found = errors(VALID.replace(old, new, 1))
    assert any(where in e and what in e for e in found), found


def test_duplicate_ids() -> None:
    text = VALID + '\n[[model]]\nid = "city-tote"\nname = "Again"\n' \
        + '\n[[check]]\nid = "dust-bag"\ntext = "again"\n'
    text = text.replace('id = "handle-stitching"', 'id = "front-logo"')
    found = errors(text)
    assert any("duplicate model id 'city-tote'" in e for e in found)
    assert any("duplicate zone id 'front-logo' in model 'city-tote'" in e for e in found)
    assert any("duplicate check id 'dust-bag'" in e for e in found)


def test_every_problem_is_reported_at_once() -> None:
    text = (VALID.replace('kind = "logo"', 'kind = "emblem"')
            .replace("pitch_mm = [3.6, 4.4]", "pitch_mm = [4.4, 3.6]")
            .replace('zone = "front-logo"', 'zone = "nowhere"')
            .replace('brand = "test-maison"', 'brand = "BAD BRAND"'))
    found = errors(text)
    assert len(found) >= 4
    for fragment in ("unknown kind", "range is reversed", "no zone with id 'nowhere'", "is not a slug"):
        assert any(fragment in e for e in found), fragment


def test_unknown_fields_are_warnings_not_errors() -> None:
    manifest, problems = parse_manifest(VALID.replace("[pack]\n", '[pack]\nhomepage = "https://example.org"\n'))
    assert manifest is not None
    assert [(p.severity, "homepage" in p.where) for p in problems] == [(Severity.WARNING, True)]


def test_code_zone_without_key_warns() -> None:
    _, problems = parse_manifest(VALID.replace('public_key = "keys/serial-ed25519.pub"\n', ""))
    assert any(p.severity is Severity.WARNING and "cannot be verified" in p.message for p in problems)


def test_missing_pack_table() -> None:
    manifest, problems = parse_manifest('[[model]]\nid = "x"\nname = "X"\n')
    assert manifest is None
    assert any("missing the [pack] table" in str(p) for p in problems)


# Regressions found by tests/fuzz/test_fuzz_manifest.py.

@pytest.mark.parametrize("old,new,where", [
    ('pitch_mm = [3.6, 4.4]', f'pitch_mm = [3.6, {10**400}]', "tolerances.pitch_mm"),   # was OverflowError
    ('pitch_mm = [3.6, 4.4]', 'pitch_mm = [nan, nan]', "tolerances.pitch_mm"),          # was accepted
    ('angle_deg = [20.0, 30.0]', 'angle_deg = [-inf, inf]', "tolerances.angle_deg"),    # was accepted
])
def test_bounds_must_be_finite_numbers(old: str, new: str, where: str) -> None:
    found = errors(VALID.replace(old, new, 1))
    assert any(where in e and "two finite numbers" in e for e in found), found


@pytest.mark.parametrize("value", ["nan", "inf", str(10**400)])
def test_max_delta_e_must_be_finite(value: str) -> None:
    text = VALID.replace('kind = "logo"', 'kind = "hardware"', 1).replace(
        'critical = true\nreferences = ["refs/front-logo/*.jpg"]',
        f'critical = true\nreferences = ["refs/front-logo/*.jpg"]\ntolerances = {{ max_delta_e = {value} }}', 1)
    assert any("max_delta_e: expected a positive number" in e for e in errors(text))


def test_slug_with_a_final_newline_is_not_a_slug() -> None:
    # re.match(r"^...$") accepted "test-maison\n": "$" also matches before a final newline.
    manifest, problems = parse_manifest(VALID.replace('brand = "test-maison"', 'brand = "test-maison\\n"'))
    assert manifest is None
    assert [str(p) for p in problems] == [
        "pack.toml: [pack].brand: 'test-maison\\n' is not a slug (lower-case letters, digits and '-', "
        "at most 64 characters)"]


def test_nesting_deeper_than_the_toml_reader_is_a_problem_not_a_crash() -> None:
    manifest, problems = parse_manifest("a = " + "[" * 5000 + "]" * 5000)    # was RecursionError
    assert manifest is None
    assert [str(p) for p in problems] == ["pack.toml: not valid TOML: arrays or tables nested too deeply"]


def test_problems_stay_on_one_line_whatever_the_values_hold() -> None:
    text = '"x\\ny" = 1\n' + VALID.replace('kind = "logo"', 'kind = "logo\\nimported OK\\u202e"', 1)
    found = [str(p) for p in parse_manifest(text)[1]]
    assert "pack.toml: zone[0] \"front-logo\".kind: unknown kind 'logo\\nimported OK\\u202e'; expected one of " \
           "logo, stitching, hardware, code, texture" in found
    assert "pack.toml: (top level).x\\ny: warning: unknown field, ignored" in found
    assert not any("\n" in p for p in found)
