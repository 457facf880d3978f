"""The content-addressed store: dedupe, integrity, atomic writes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference_library.store import ContentStore, StoreError


def test_put_read_dedupe(tmp_path: Path) -> None:
    store = ContentStore(tmp_path / "store")
    sha, created = store.put(b"photo bytes")
    assert sha == hashlib.sha256(b"photo bytes").hexdigest() and created
    assert store.put(b"photo bytes") == (sha, False)
    assert store.read(sha) == b"photo bytes" and sha in store
    assert store.path_for(sha).relative_to(store.root).parts == (sha[:2], sha[2:4], sha)
    assert not list((store.root / "tmp").iterdir())  # no temporary file left behind


def test_corrupt_blob_detected(tmp_path: Path) -> None:
    store = ContentStore(tmp_path)
    sha, _ = store.put(b"original")
    store.path_for(sha).write_bytes(b"tampered")
    with pytest.raises(StoreError, match="corrupt"):
        store.read(sha)


def test_missing_blob(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="missing"):
        ContentStore(tmp_path).read("0" * 64)


def test_names_must_be_hashes(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="sha256"):
        ContentStore(tmp_path).path_for("../../etc/passwd")


def test_failed_write_leaves_nothing(tmp_path: Path) -> None:
    store = ContentStore(tmp_path)
    data = b"data"
    # A directory squatting on the blob's name makes the final rename fail.
    store.path_for(hashlib.sha256(data).hexdigest()).mkdir(parents=True)
    with pytest.raises(OSError):
        store.put(data)
    assert not [p for p in store.root.rglob("*") if p.is_file()]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.binary(max_size=64), max_size=8))
def test_any_bytes_round_trip(tmp_path_factory: pytest.TempPathFactory, blobs: list[bytes]) -> None:
    store = ContentStore(tmp_path_factory.mktemp("s"))
    shas = [store.put(b)[0] for b in blobs]
    assert [store.read(s) for s in shas] == blobs
    assert len({p for p in store.root.rglob("*") if p.is_file()}) == len(set(blobs))
