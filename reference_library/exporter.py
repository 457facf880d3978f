"""Export of an imported pack back to a zip that imports to the same content.

The manifest is written exactly as it was imported (comments included) and
every file comes from the content store, verified against its hash, so the
exported pack has the same digest as the imported one.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path

from sqlalchemy.orm import Session

from .catalog import find_pack_row
from .source import MANIFEST_NAME
from .store import ContentStore


def export_pack(session: Session, store: ContentStore, brand: str, out: str | os.PathLike[str],
                version: str | None = None) -> Path:
    """Write the brand's current pack (or ``version``) to ``out`` as a zip; return the path."""
    pack, _ = find_pack_row(session, brand, version)
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(MANIFEST_NAME, pack.manifest_text.encode("utf-8"))
            for f in pack.files:
                # Images are already compressed; storing them saves time for no loss.
                zf.writestr(f.path, store.read(f.sha256), compress_type=zipfile.ZIP_STORED)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
