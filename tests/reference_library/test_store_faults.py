"""What a killed writer leaves in the store: temporary files, removed once no live write can own them."""

from __future__ import annotations

import os
import time
from pathlib import Path

from reference_library.store import STALE_TMP_SECONDS, ContentStore


def test_temporary_files_a_day_old_are_removed_young_ones_kept(tmp_path: Path) -> None:
    store = ContentStore(tmp_path / "store")
    stale, young = store.root / "tmp" / "0123456789ab.dead", store.root / "tmp" / "ba9876543210.busy"
    stale.write_bytes(b"half a photo")
    young.write_bytes(b"another bench is writing this")
    old = time.time() - STALE_TMP_SECONDS - 60
    os.utime(stale, (old, old))
    sha, _ = store.put(b"a blob")

    ContentStore(store.root)   # the next bench (or the next start) to open the store

    assert not stale.exists() and young.exists()   # a young one may be a shared store's write in progress
    assert store.read(sha) == b"a blob"
