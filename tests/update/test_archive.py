"""Cabinets and SZDD files: recognised by their bytes, expanded in private, bounded."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, PE
from verscan.errors import ArchiveError
from verscan.pe import Status, read_version_info
from verscan.update.archive import (
    MAX_EXPANDED,
    Entry,
    Packing,
    expand,
    list_entries,
    packing_of,
    szdd_name,
)

ARCHIVES = FIXTURES / "archives"


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``folder`` with its size and modification time (ns)."""
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
    }


@pytest.mark.parametrize(
    ("name", "packing"),
    [
        ("iischema.dl_", Packing.CABINET),
        ("multi.cab", Packing.CABINET),
        ("corrupt.dl_", Packing.CABINET),
        ("kernel32.dl_", Packing.SZDD),
        ("kernelbase.dll_", Packing.SZDD),
        ("report.dl_", Packing.SZDD),
        ("truncated.ex_", Packing.SZDD),
    ],
)
def test_packing_is_told_by_content(name: str, packing: Packing) -> None:
    assert packing_of(str(ARCHIVES / name)) is packing


def test_plain_files_are_not_compressed(tmp_path: Path) -> None:
    assert packing_of(str(PE / "iischema_x86.dll")) is None
    assert packing_of(str(PE / "broken" / "empty.dll")) is None
    # An underscore in the name does not make a file compressed.
    plain = tmp_path / "plain.dl_"
    shutil.copy(PE / "iischema_x86.dll", plain)
    assert packing_of(str(plain)) is None
    assert packing_of(str(tmp_path / "missing.dl_")) is None


def test_kwaj_is_refused(tmp_path: Path) -> None:
    kwaj = tmp_path / "setup.ex_"
    kwaj.write_bytes(b"KWAJ\x88\xf0\x27\xd1" + bytes(32))
    with pytest.raises(ArchiveError, match="KWAJ"):
        packing_of(str(kwaj))


@pytest.mark.parametrize(
    ("compressed", "missing", "expanded"),
    [
        ("iischema.dl_", ord("l"), "iischema.dll"),  # COMPRESS -r
        ("KERNEL32.DL_", ord("L"), "KERNEL32.DLL"),
        ("iischema.dll_", 0, "iischema.dll"),  # mscompress: underscore appended
        ("readme._", 0, "readme"),
        ("kernel32.dl_", ord("/"), "kernel32.dl"),  # never a path separator from a header
        ("kernel32.dl_", 7, "kernel32.dl"),  # nor a control character
        ("renamed.dll", ord("x"), "renamed.dll"),  # renamed after compression: kept
    ],
)
def test_szdd_name(compressed: str, missing: int, expanded: str) -> None:
    assert szdd_name(compressed, missing) == expanded


def test_cabinet_entry() -> None:
    (entry,) = list_entries(str(ARCHIVES / "iischema.dl_"))
    assert entry == Entry(
        str(ARCHIVES / "iischema.dl_"),
        Packing.CABINET,
        "iischema.dll",
        "iischema.dll",
        3072,
        datetime(2003, 10, 7, 17, 20, 0),
    )


def test_szdd_entries_take_the_stored_character() -> None:
    (compress_r,) = list_entries(str(ARCHIVES / "kernel32.dl_"))
    assert (compress_r.stored, compress_r.name, compress_r.size) == (
        "kernel32.dl_",
        "kernel32.dll",
        3072,
    )
    assert compress_r.modified is None
    (appended,) = list_entries(str(ARCHIVES / "kernelbase.dll_"))
    assert appended.name == "kernelbase.dll"


def test_cabinet_of_several_files() -> None:
    entries = list_entries(str(ARCHIVES / "multi.cab"))
    assert [(e.name, e.size) for e in entries] == [
        ("notepad.exe", 3072),
        ("sqlos.dll", 3072),
        ("fabver.dll", 3584),
    ]
    versions = [expand(e, read_version_info).file_version for e in entries]
    assert versions == [(10, 0, 19041, 1000), (2009, 100, 1600, 1), (3, 2, 1, 0)]


@pytest.mark.parametrize(
    ("name", "version", "platform"),
    [
        ("iischema.dl_", (5, 0, 2195, 6860), "x86"),
        ("kernel32.dl_", (6, 1, 7601, 17514), "x64"),
        ("kernelbase.dll_", (6, 1, 7601, 22311), "x86"),
    ],
)
def test_expanded_versions(name: str, version: tuple[int, ...], platform: str) -> None:
    (entry,) = list_entries(str(ARCHIVES / name))
    info = expand(entry, read_version_info)
    assert info.status is Status.OK
    assert info.file_version == version
    assert info.platform == platform
    assert info.size == 3072


def test_expanded_bytes_equal_the_original() -> None:
    (entry,) = list_entries(str(ARCHIVES / "iischema.dl_"))
    data = expand(entry, lambda p: Path(p).read_bytes())
    assert data == (PE / "iischema_x86.dll").read_bytes()


def test_unversioned_file_inside() -> None:
    (entry,) = list_entries(str(ARCHIVES / "report.dl_"))
    assert entry.name == "report.dll"
    assert expand(entry, read_version_info).status is Status.NO_VERSION


def test_corrupt_cabinet_lists_but_does_not_expand() -> None:
    (entry,) = list_entries(str(ARCHIVES / "corrupt.dl_"))
    assert entry.name == "colormgr.dll"
    with pytest.raises(ArchiveError, match=r"colormgr\.dll: cannot expand.*checksum mismatch"):
        expand(entry, read_version_info)


def test_truncated_szdd_is_caught_by_its_declared_length() -> None:
    (entry,) = list_entries(str(ARCHIVES / "truncated.ex_"))
    assert (entry.name, entry.size) == ("truncated.exe", 3072)
    with pytest.raises(ArchiveError, match="expanded 2276 of 3072 bytes declared"):
        expand(entry, read_version_info)


def test_damaged_cabinet_header(tmp_path: Path) -> None:
    cut = tmp_path / "cut.dl_"
    cut.write_bytes((ARCHIVES / "iischema.dl_").read_bytes()[:40])
    with pytest.raises(ArchiveError, match="damaged cabinet header"):
        list_entries(str(cut))


def test_not_compressed_cannot_be_listed() -> None:
    with pytest.raises(ArchiveError, match="not a cabinet or SZDD"):
        list_entries(str(PE / "iischema_x86.dll"))


def test_entries_larger_than_the_limit_are_refused() -> None:
    (entry,) = list_entries(str(ARCHIVES / "iischema.dl_"))
    with pytest.raises(ArchiveError, match="expands to 3072 bytes, more than the 1000 bytes"):
        expand(entry, read_version_info, max_size=1000)
    assert MAX_EXPANDED == 512 * 1024 * 1024


def test_a_header_that_lies_about_the_size_is_still_bounded() -> None:
    (entry,) = list_entries(str(ARCHIVES / "kernel32.dl_"))
    liar = Entry(entry.archive, entry.packing, entry.stored, entry.name, 100)
    with pytest.raises(ArchiveError, match="more than the 1000 bytes allowed"):
        expand(liar, read_version_info, max_size=1000)


def test_expansion_writes_nothing_beside_the_archive_and_cleans_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "source"
    shutil.copytree(ARCHIVES, source)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    before = snapshot(source)
    for name in ("iischema.dl_", "kernel32.dl_", "multi.cab", "corrupt.dl_", "truncated.ex_"):
        for entry in list_entries(str(source / name)):
            with contextlib.suppress(ArchiveError):
                expand(entry, read_version_info)
    assert snapshot(source) == before
    assert os.listdir(scratch) == []
