"""Fuzzing the pack manifest parser: any text, and mutations of real manifests, give problems, never a crash."""

from __future__ import annotations

import math
import re
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reference_library.manifest import SLUG_RE, ZONE_KINDS, Manifest, parse_manifest
from reference_library.problems import Problem, errors_in
from tests.conftest import VALID_MANIFEST
from tests.fuzz.budget import fuzz
from tests.fuzz.toml_values import toml_keys, toml_values

pytestmark = pytest.mark.fuzz

DEMO_PACKS = Path(__file__).parents[2] / "resources" / "demo" / "packs"
SEEDS = [textwrap.dedent(VALID_MANIFEST.format(brand="test-maison", version="2026.11.0"))] + [
    p.read_text(encoding="utf-8") for p in sorted(DEMO_PACKS.glob("*/pack.toml"))]
FIELDS = ["format", "brand", "brand_name", "version", "publisher", "id", "name", "model", "kind", "title",
          "critical", "references", "counterfeits", "pitch_mm", "angle_deg", "max_delta_e", "pattern",
          "public_key", "text", "zone", "tolerances"]
#: Values that look right to a person and wrong to a parser.
ODD_NUMBERS = ["nan", "inf", "-inf", "-0.0", "0", "1e308", "-1", str(10**400), "9223372036854775808"]
ODD_TEXT = ["\\n", "\\r", "\\t", "\\u0000", "\\u202e", "..", "/", "\\\\", "*", "**", "[", " "]
HEADERS = ["[pack]", "[[model]]", "[[zone]]", "[zone.tolerances]", "[[check]]", "[extra]", "[[pack]]"]


@st.composite
def mutated_manifests(draw: st.DrawFn) -> str:
    """A real manifest with a few lines replaced, deleted, duplicated or added."""
    lines = draw(st.sampled_from(SEEDS)).splitlines()
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["value", "number", "text", "delete", "duplicate", "insert", "header"]))
        if action == "number" and re.search(r"\d+(\.\d+)?", lines[i]):
            lines[i] = re.sub(r"\d+(\.\d+)?", draw(st.sampled_from(ODD_NUMBERS)), lines[i], count=1)
        elif action == "text" and '"' in lines[i]:
            at = draw(st.sampled_from([m.start() + 1 for m in re.finditer('"', lines[i])]))
            lines[i] = lines[i][:at] + draw(st.sampled_from(ODD_TEXT)) + lines[i][at:]
        elif action == "value" and "=" in lines[i]:
            lines[i] = f"{lines[i].split('=', 1)[0].strip()} = {draw(toml_values())}"
        elif action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "insert":
            key = draw(st.sampled_from(FIELDS) | toml_keys())
            lines.insert(i, f"{key} = {draw(toml_values())}")
        elif action == "header":
            lines.insert(i, draw(st.sampled_from(HEADERS)))
        if not lines:
            lines = [""]
    return "\n".join(lines) + "\n"


def check_result(manifest: Manifest | None, problems: list[Problem]) -> None:
    """The parser's contract: a manifest it returns is sound, and a refusal says why, one line per problem."""
    assert all(isinstance(p, Problem) and "\n" not in str(p) for p in problems)
    if manifest is None:
        assert errors_in(problems)
        return
    assert SLUG_RE.fullmatch(manifest.pack.brand)
    for zone in manifest.zones:
        assert SLUG_RE.fullmatch(zone.id) and zone.kind in ZONE_KINDS and zone.references
        tol = zone.tolerances
        for bound in (*(tol.pitch_mm or ()), *(tol.angle_deg or ()), *([tol.max_delta_e] if tol.max_delta_e else [])):
            assert math.isfinite(bound)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=2000) | mutated_manifests())
def parses_or_lists_problems(text: str) -> None:
    check_result(*parse_manifest(text))


def test_manifest_parser_fuzz() -> None:
    assert fuzz(parses_or_lists_problems) > 0
