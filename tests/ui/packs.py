"""Small real reference packs for the UI tests, built from the OpenCV sample images."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import SAMPLES, ed25519_public_pem

MANIFEST = """\
[pack]
format = 1
brand = "{brand}"
brand_name = "{brand_name}"
version = "{version}"
publisher = "{brand_name} brand protection"

[[model]]
id = "city-tote"
name = "City Tote"

[[zone]]
id = "front-logo"
model = "city-tote"
kind = "logo"
title = "Heat-stamped logo on the front panel"
critical = true
references = ["refs/front-logo/*.jpg"]
counterfeits = ["fakes/front-logo/*.png"]

[[zone]]
id = "side-seam"
model = "city-tote"
kind = "stitching"
title = "Saddle stitching along the side seam"
references = ["refs/side-seam/*.png"]

[zone.tolerances]
pitch_mm = [3.6, 4.4]
angle_deg = [20, 30]

[[zone]]
id = "serial-tag"
model = "city-tote"
kind = "code"
title = "Serial code on the inner tag"
critical = true
references = ["refs/serial-tag/*.jpg"]

[zone.tolerances]
pattern = "^MT-[0-9]{{6}}$"
public_key = "keys/serial-ed25519.pub"

[[check]]
id = "logo-lettering"
zone = "front-logo"
text = "Lettering matches the reference: typeface, weight, spacing"
critical = true

[[check]]
id = "seam-pitch"
zone = "side-seam"
text = "Stitches are even and slanted like the reference"
critical = false

[[check]]
id = "lining-smell"
text = "No chemical smell from the lining"
critical = false
"""


def build_pack(root: Path, *, brand: str = "maison-test", brand_name: str = "Maison Test",
               version: str = "2026.1.0") -> Path:
    """A valid format-1 pack directory: one model, three zones (logo, stitching, code), three checks."""
    root.mkdir(parents=True)
    (root / "pack.toml").write_text(MANIFEST.format(brand=brand, brand_name=brand_name, version=version),
                                    encoding="utf-8")
    for target, sample in (("refs/front-logo/linux.jpg", "LinuxLogo.jpg"),
                           ("refs/front-logo/windows.jpg", "WindowsLogo.jpg"),
                           ("fakes/front-logo/box.png", "box.png"),
                           ("refs/side-seam/box.png", "box.png"),
                           ("refs/serial-tag/linux.jpg", "LinuxLogo.jpg")):
        (root / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SAMPLES / sample, root / target)
    (root / "keys").mkdir()
    (root / "keys" / "serial-ed25519.pub").write_bytes(ed25519_public_pem())
    return root


def break_pack(root: Path) -> Path:
    """Spoil a built pack in three independent ways, so a refusal must list several problems."""
    manifest = (root / "pack.toml").read_text(encoding="utf-8")
    manifest = manifest.replace('kind = "stitching"', 'kind = "stiching"')
    manifest = manifest.replace('references = ["refs/serial-tag/*.jpg"]', 'references = ["refs/serial-tag/*.gif"]')
    (root / "pack.toml").write_text(manifest, encoding="utf-8")
    (root / "refs" / "front-logo" / "windows.jpg").write_bytes(b"not really a jpeg")
    return root
