"""Hostile cabinets: what expanding one may cost is bounded, and only what is needed is expanded.

The cabinets are made by ``fixtures/archives/cabwriter.py`` (gcab writes only
honest ones): four 511 MiB members at the same offset of one folder of zeros
(0.9 MB on disk), more members or folders than allowed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pylibmspack
import pytest
from click.testing import CliRunner
from fixtures.archives import cabwriter

from tests.conftest import FIXTURES, PE
from verscan.cli import main
from verscan.errors import ArchiveError
from verscan.pe import read_version_info
from verscan.update.archive import (
    MAX_ARCHIVE_EXPANDED,
    MAX_ARCHIVE_SECONDS,
    MAX_FOLDERS,
    MAX_MEMBERS,
    Expander,
    Limits,
    list_entries,
)
from verscan.update.preflight import Planner

ARCHIVES = FIXTURES / "archives"
IISCHEMA = (PE / "iischema_x86.dll").read_bytes()


@pytest.fixture
def extractions(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The cabinet members libmspack is asked to expand, in order."""
    calls: list[str] = []
    real = pylibmspack.CabArchive.extract

    def spy(self: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(name)
        return real(self, name, *args, **kwargs)

    monkeypatch.setattr(pylibmspack.CabArchive, "extract", spy)
    yield calls


@pytest.fixture
def overlapping(tmp_path: Path) -> Path:
    """Four 511 MiB members at offset 0 of one folder, and ``real.dll`` (iischema_x86.dll)."""
    path = tmp_path / "sp" / "i386" / "update.ca_"
    path.parent.mkdir(parents=True)
    path.write_bytes(cabwriter.overlapping(real=IISCHEMA))
    assert path.stat().st_size < 1 << 20
    return path


def test_the_limits() -> None:
    assert (MAX_ARCHIVE_EXPANDED, MAX_MEMBERS, MAX_ARCHIVE_SECONDS) == (1 << 30, 10_000, 60.0)


def test_overwrite_expands_only_the_member_it_needs(
    overlapping: Path, tmp_path: Path, extractions: list[str]
) -> None:
    existing = tmp_path / "real.dll"
    existing.write_bytes(IISCHEMA)
    result = CliRunner().invoke(main, ["overwrite", str(existing), str(overlapping)])
    assert result.exit_code == 1, result.output  # same version: keep
    assert "both files are version 5.0.2195.6860" in result.stdout
    assert extractions == ["real.dll"]


def test_overwrite_names_a_few_members_of_a_large_cabinet(tmp_path: Path) -> None:
    cabinet = tmp_path / "many.cab"
    cabinet.write_bytes(cabwriter.many(300))
    result = CliRunner().invoke(main, ["overwrite", str(PE / "iischema_x86.dll"), str(cabinet)])
    assert result.exit_code == 2
    assert "the cabinet holds 300 files (f00000.dll, f00001.dll," in result.stderr
    assert "f00007.dll, and 292 more); none is iischema_x86.dll" in result.stderr


def test_preflight_refuses_a_cabinet_whose_files_declare_too_much(
    overlapping: Path, tmp_path: Path, extractions: list[str]
) -> None:
    system = tmp_path / "system"
    system.mkdir()
    shutil.copy(PE / "iischema_x86.dll", system / "real.dll")
    result = CliRunner().invoke(main, ["preflight", str(overlapping.parent.parent), str(system)])
    assert result.exit_code == 2
    message = (
        f"{overlapping}: corrupt: its 5 files expand to {4 * (511 << 20) + 3072} bytes in all,"
        " more than the 1024 MiB allowed for one compressed file; not expanded"
    )
    assert f"verscan: {message}\n" in result.stderr
    assert extractions == []


def test_a_cabinet_listing_too_many_files_is_refused_before_it_is_read(tmp_path: Path) -> None:
    cabinet = tmp_path / "many.cab"
    cabinet.write_bytes(cabwriter.many(MAX_MEMBERS + 1))
    with pytest.raises(ArchiveError, match="lists 10001 files, more than the 10,000 allowed"):
        list_entries(str(cabinet))
    result = CliRunner().invoke(main, ["overwrite", str(PE / "iischema_x86.dll"), str(cabinet)])
    assert result.exit_code == 2
    assert f"{cabinet}: corrupt: the cabinet lists 10001 files, more than the" in result.stderr


def test_a_cabinet_listing_too_many_folders_is_refused(tmp_path: Path) -> None:
    cabinet = tmp_path / "folders.cab"
    folders = [cabwriter.stored(b"x")] * 101
    cabinet.write_bytes(cabwriter.cabinet(folders, [cabwriter.Member("a.dll", 1)]))
    with pytest.raises(ArchiveError, match="lists 101 folders, more than the 100 allowed"):
        list_entries(str(cabinet), limits=Limits(folders=100))
    assert MAX_FOLDERS == 1_000


def test_bytes_expanded_from_one_archive_are_bounded(extractions: list[str]) -> None:
    entries = list_entries(str(ARCHIVES / "multi.cab"))  # 3072, 3072 and 3584 bytes
    with Expander(Limits(archive=7000)) as expander:
        assert expander.expand(entries[0], os.path.getsize) == 3072
        assert expander.expand(entries[1], os.path.getsize) == 3072
        with pytest.raises(ArchiveError, match="more than the 7000 bytes allowed for one"):
            expander.expand(entries[2], os.path.getsize)
    assert extractions == ["notepad.exe", "sqlos.dll"]


def test_processor_time_per_archive_is_bounded(extractions: list[str]) -> None:
    entries = list_entries(str(ARCHIVES / "multi.cab"))
    with Expander(Limits(seconds=0)) as expander:
        expander.expand(entries[0], os.path.getsize)  # nothing spent yet
        with pytest.raises(ArchiveError, match=r"processor time already spent on this compre"):
            expander.expand(entries[1], os.path.getsize)
    # Another archive has its own budget.
    (other,) = list_entries(str(ARCHIVES / "iischema.dl_"))
    with Expander(Limits(seconds=0)) as expander:
        assert expander.expand(other, os.path.getsize) == 3072
    assert extractions == ["notepad.exe", "iischema.dll"]


def test_preflight_expands_one_file_at_a_time_into_one_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    seen: list[tuple[str, list[str]]] = []

    def read(path: str) -> Any:
        folder = os.path.dirname(path)
        if folder.startswith(str(scratch)):  # expanded, not a plain file of SOURCE or TARGET
            seen.append((folder, sorted(os.listdir(folder))))
        return read_version_info(path)

    monkeypatch.setattr("verscan.update.overwrite.read_version_info", read)
    sp, system = FIXTURES / "preflight" / "sp", FIXTURES / "preflight" / "system"
    with Planner(str(sp), str(system)) as planner:
        planner.plan()
        assert len(seen) >= 4
        folders = {folder for folder, _ in seen}
        assert len(folders) == 1 and os.path.dirname(folders.pop()) == str(scratch)
        assert all(len(listing) == 1 for _, listing in seen)  # only the file being read
    assert os.listdir(scratch) == []
