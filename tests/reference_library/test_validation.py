"""Validating the files a manifest names: globs, images, keys, roles."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from PIL import Image

from reference_library.problems import PackError
from reference_library.source import open_pack_source
from reference_library.validation import ValidatedPack, validate_pack
from tests.conftest import PackFactory
from tests.vision.test_image_io import _png_bomb


def validate(root: Path) -> ValidatedPack:
    with open_pack_source(root) as src:
        return validate_pack(src)


def problems(root: Path) -> str:
    with pytest.raises(PackError) as info:
        validate(root)
    return info.value.describe()


def test_valid_pack(make_pack: PackFactory) -> None:
    pack = validate(make_pack())
    assert pack.brand == "test-maison"
    assert pack.zone_images[("city-tote", "front-logo")].references == (
        "refs/front-logo/linux.jpg", "refs/front-logo/windows.jpg")
    assert pack.zone_images[("city-tote", "front-logo")].counterfeits == ("fakes/front-logo/box.png",)
    assert pack.files["refs/front-logo/linux.jpg"].width == 320
    assert "keys/serial-ed25519.pub" in pack.files


def test_digest_depends_on_content_not_location(make_pack: PackFactory) -> None:
    a, b = make_pack(), make_pack()
    (b / "keys/serial-ed25519.pub").write_bytes((a / "keys/serial-ed25519.pub").read_bytes())
    assert validate(a).digest == validate(b).digest
    Image.new("RGB", (40, 30), "red").save(b / "refs/front-logo/windows.jpg")
    assert validate(a).digest != validate(b).digest


def test_glob_matching_nothing(make_pack: PackFactory) -> None:
    root = make_pack()
    (root / "pack.toml").write_text((root / "pack.toml").read_text().replace("refs/stitching/*.jpg",
                                                                              "refs/stitching/*.tif"))
    msg = problems(root)
    assert 'zone[1] "handle-stitching".references' in msg and "'refs/stitching/*.tif' matches no file" in msg


def test_glob_escaping_root(make_pack: PackFactory) -> None:
    root = make_pack()
    (root / "pack.toml").write_text((root / "pack.toml").read_text().replace("refs/stitching/*.jpg",
                                                                              "../*.jpg"))
    assert "escapes the pack root" in problems(root)


def test_unreadable_and_truncated_images(make_pack: PackFactory) -> None:
    root = make_pack()
    (root / "refs/front-logo/windows.jpg").write_bytes(b"not a jpeg")
    data = (root / "refs/stitching/a.jpg").read_bytes()
    (root / "refs/stitching/a.jpg").write_bytes(data[: len(data) // 2])
    msg = problems(root)
    assert "refs/front-logo/windows.jpg: not a readable image" in msg
    assert "refs/stitching/a.jpg: image data is corrupt or truncated" in msg
    assert 'used by zone "front-logo" references' in msg


def test_image_bomb_in_pack(make_pack: PackFactory) -> None:
    root = make_pack()
    (root / "refs/serial/tag.png").write_bytes(_png_bomb(12000))
    assert "refs/serial/tag.png" in (msg := problems(root)) and "megapixels" in msg


def test_missing_key(make_pack: PackFactory) -> None:
    root = make_pack()
    (root / "keys/serial-ed25519.pub").unlink()
    assert "'keys/serial-ed25519.pub' is not in the pack" in problems(root)


def test_unreadable_key(make_pack: PackFactory) -> None:
    root = make_pack()
    (root / "keys/serial-ed25519.pub").write_text("-----BEGIN PUBLIC KEY-----\nnonsense\n-----END PUBLIC KEY-----\n")
    assert "unreadable public key for zone 'serial-tag'" in problems(root)


def test_wrong_key_type(make_pack: PackFactory) -> None:
    root = make_pack()
    rsa_pub = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    (root / "keys/serial-ed25519.pub").write_bytes(
        rsa_pub.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    msg = problems(root)
    assert "RSAPublicKey" in msg and "expected Ed25519" in msg


def test_same_image_as_reference_and_counterfeit(make_pack: PackFactory) -> None:
    root = make_pack()
    (root / "fakes/front-logo/box.png").write_bytes(
        _as_png((root / "refs/front-logo/linux.jpg").read_bytes()))
    (root / "refs/front-logo/copy.png").write_bytes((root / "fakes/front-logo/box.png").read_bytes())
    text = (root / "pack.toml").read_text().replace('references = ["refs/front-logo/*.jpg"]',
                                                    'references = ["refs/front-logo/*"]')
    (root / "pack.toml").write_text(text)
    assert "is listed as a counterfeit" in problems(root)


def _as_png(data: bytes) -> bytes:
    buf = io.BytesIO()
    Image.open(io.BytesIO(data)).save(buf, "PNG")
    return buf.getvalue()


def test_all_problems_of_all_files_at_once(make_pack: PackFactory) -> None:
    root = make_pack()
    (root / "keys/serial-ed25519.pub").write_text("junk")
    (root / "refs/front-logo/windows.jpg").write_bytes(b"junk")
    text = (root / "pack.toml").read_text().replace("refs/serial/*.png", "refs/serial/*.webp")
    (root / "pack.toml").write_text(text)
    msg = problems(root)
    assert msg.startswith("invalid pack: 3 problems")


def test_no_manifest(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert "no pack.toml at the pack root" in problems(tmp_path / "empty")


def test_manifest_not_utf8(make_pack: PackFactory) -> None:
    root = make_pack()
    (root / "pack.toml").write_bytes(b"\xff\xfe[pack]")
    assert "not UTF-8" in problems(root)
