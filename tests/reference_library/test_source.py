"""Hostile packs: archives and directories that try to escape, lie or exhaust."""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reference_library.problems import PackError
from reference_library.source import SourceLimits, match_glob, open_pack_source
from tests.conftest import PackFactory


def zip_dir(root: Path, out: Path, *, prefix: str = "", extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(out, "w") as zf:
        for f in sorted(root.rglob("*")):
            if f.is_file():
                zf.write(f, prefix + f.relative_to(root).as_posix())
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return out


def refused(path: Path, limits: SourceLimits = SourceLimits()) -> str:
    with pytest.raises(PackError) as info:
        open_pack_source(path, limits).close()
    assert "refused as unsafe" in info.value.describe() or "cannot open" in info.value.describe()
    return info.value.describe()


def test_zip_with_top_folder_is_read_from_inside(make_pack: PackFactory, tmp_path: Path) -> None:
    archive = zip_dir(make_pack(), tmp_path / "p.zip", prefix="maison-pack/")
    with open_pack_source(archive) as src:
        assert "pack.toml" in src
        assert src.glob("refs/front-logo/*.jpg") == ["refs/front-logo/linux.jpg", "refs/front-logo/windows.jpg"]


@pytest.mark.parametrize("member,reason", [
    ("../evil.png", "escapes the pack root"),
    ("refs/../../evil.png", "escapes the pack root"),
    ("/etc/passwd", "absolute path"),
    ("C:/windows/evil.png", "absolute path"),
    ("refs\\evil.png", "backslash"),
])
def test_zip_members_escaping_root_are_refused(make_pack: PackFactory, tmp_path: Path, member: str,
                                                reason: str) -> None:
    archive = zip_dir(make_pack(), tmp_path / "p.zip", extra={member: b"x"})
    msg = refused(archive)
    assert reason in msg and member in msg


def test_zip_symlink_member_refused(make_pack: PackFactory, tmp_path: Path) -> None:
    archive = zip_dir(make_pack(), tmp_path / "p.zip")
    with zipfile.ZipFile(archive, "a") as zf:
        info = zipfile.ZipInfo("refs/front-logo/link.jpg")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    assert "symbolic link" in refused(archive)


def test_zip_duplicate_member_refused(make_pack: PackFactory, tmp_path: Path) -> None:
    archive = zip_dir(make_pack(), tmp_path / "p.zip")
    with pytest.warns(UserWarning, match="Duplicate name"):
        with zipfile.ZipFile(archive, "a") as zf:
            zf.writestr("pack.toml", b"[pack]\n")
    assert "duplicate member" in refused(archive)


def test_too_many_files(make_pack: PackFactory, tmp_path: Path) -> None:
    extra = {f"junk/{i}.txt": b"" for i in range(50)}
    archive = zip_dir(make_pack(), tmp_path / "p.zip", extra=extra)
    assert "57 files, over the limit of 20 files" in refused(archive, SourceLimits(max_files=20))


def test_too_many_bytes_uncompressed(make_pack: PackFactory, tmp_path: Path) -> None:
    # 64 MB of zeros compress to a few kB: a classic zip bomb, refused from the headers.
    archive = tmp_path / "bomb.zip"
    zip_dir(make_pack(), archive)
    with zipfile.ZipFile(archive, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("refs/zeros.bin", b"\0" * (64 * 1024**2))
    assert archive.stat().st_size < 1024**2
    msg = refused(archive, SourceLimits(max_total_bytes=32 * 1024**2, max_file_bytes=16 * 1024**2))
    assert "uncompressed" in msg and "over the limit" in msg


def test_member_whose_header_lies_about_its_size(make_pack: PackFactory, tmp_path: Path) -> None:
    archive = zip_dir(make_pack(), tmp_path / "p.zip")
    with zipfile.ZipFile(archive, "a", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr("refs/liar.png", b"A" * 5000)
    raw = bytearray(archive.read_bytes())
    # Rewrite the central directory's uncompressed size of the last member to 10 bytes.
    cd = raw.rfind(b"PK\x01\x02")
    raw[cd + 24:cd + 28] = (10).to_bytes(4, "little")
    archive.write_bytes(bytes(raw))
    with open_pack_source(archive) as src:
        with pytest.raises(PackError, match="size does not match|damaged member"):
            src.read("refs/liar.png")


def test_not_a_zip(tmp_path: Path) -> None:
    f = tmp_path / "pack.zip"
    f.write_bytes(b"this is not an archive")
    assert "not a pack directory or a .zip" in refused(f)


def test_missing_path(tmp_path: Path) -> None:
    assert "no such file or directory" in refused(tmp_path / "nowhere")


def test_directory_with_symlink_refused(make_pack: PackFactory, tmp_path: Path) -> None:
    root = make_pack()
    os.symlink("/etc/passwd", root / "refs/front-logo/passwd.jpg")
    assert "symbolic link" in refused(root)


def test_directory_with_fifo_refused(make_pack: PackFactory) -> None:
    root = make_pack()
    os.mkfifo(root / "refs/pipe.jpg")
    assert "special file" in refused(root)


@pytest.mark.parametrize("pattern,name,expected", [
    ("refs/*.jpg", "refs/a.jpg", True),
    ("refs/*.jpg", "refs/sub/a.jpg", False),
    ("refs/**/*.jpg", "refs/a.jpg", True),
    ("refs/**/*.jpg", "refs/x/y/a.jpg", True),
    ("refs/?.jpg", "refs/ab.jpg", False),
    ("refs/[ab].jpg", "refs/b.jpg", True),
    ("refs/a.jpg", "refs/a.JPG", False),
])
def test_glob(pattern: str, name: str, expected: bool) -> None:
    assert match_glob(pattern, name) is expected


@given(st.lists(st.from_regex(r"[a-z0-9]{1,6}", fullmatch=True), min_size=1, max_size=4))
def test_glob_literal_path_matches_only_itself(parts: list[str]) -> None:
    name = "/".join(parts)
    assert match_glob(name, name)
    assert not match_glob(name, name + "/x")
    assert match_glob("**/" + parts[-1], name)


# Regressions found by tests/fuzz/test_fuzz_pack_zip.py.

def _zip_with_member(tmp_path: Path, data: bytes, compression: int) -> tuple[Path, bytearray]:
    archive = tmp_path / "p.zip"
    with zipfile.ZipFile(archive, "w", compression=compression) as zf:
        zf.writestr("pack.toml", data)
    return archive, bytearray(archive.read_bytes())


def test_unknown_compression_method_is_a_pack_error(tmp_path: Path) -> None:
    archive, raw = _zip_with_member(tmp_path, b"[pack]\n", zipfile.ZIP_STORED)
    for header, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):   # method 99 in both headers
        at = raw.find(header) + offset
        raw[at:at + 2] = (99).to_bytes(2, "little")
    archive.write_bytes(bytes(raw))
    with open_pack_source(archive) as src:   # was NotImplementedError
        with pytest.raises(PackError, match="unsupported compression method 99"):
            src.read("pack.toml")


def test_corrupt_deflate_stream_is_a_pack_error(tmp_path: Path) -> None:
    archive, raw = _zip_with_member(tmp_path, bytes(range(256)) * 64, zipfile.ZIP_DEFLATED)
    start = raw.find(b"PK\x03\x04") + 30 + len("pack.toml")
    raw[start] = 0xFF   # an invalid deflate block type
    archive.write_bytes(bytes(raw))
    with open_pack_source(archive) as src:   # was zlib.error
        with pytest.raises(PackError, match="damaged member"):
            src.read("pack.toml")


def test_member_name_with_a_newline_stays_on_one_line(make_pack: PackFactory, tmp_path: Path) -> None:
    archive = zip_dir(make_pack(), tmp_path / "p.zip", extra={"../x\nimported OK": b"x"})
    msg = refused(archive)
    assert "p.zip: ../x\\nimported OK: unsafe member: path escapes the pack root (..)" in msg.splitlines()[1]
    assert len(msg.splitlines()) == 2


def test_member_name_flagged_utf8_that_is_not_is_a_pack_error(tmp_path: Path) -> None:
    archive, raw = _zip_with_member(tmp_path, b"[pack]\n", zipfile.ZIP_STORED)
    for header, flags in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):   # name bytes 0xff.., UTF-8 flag set
        at = raw.find(header)
        raw[at + flags + 1] |= 0x08
        name_at = at + (30 if header == b"PK\x03\x04" else 46)
        raw[name_at:name_at + 2] = b"\xff\xfe"
    archive.write_bytes(bytes(raw))
    msg = refused(archive)   # was UnicodeDecodeError
    assert "damaged zip archive (a member name marked UTF-8 is not UTF-8)" in msg
