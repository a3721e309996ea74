"""Fuzzing the PE reader: it always returns a VersionInfo, in bounded time and memory.

Inputs are the PE fixtures (good and broken) with byte-level edits and broken
header and resource-directory fields, and PE images built from scratch with a
random resource tree and ``VS_VERSIONINFO`` (read back exactly when left
intact). The reader must never raise, whatever the bytes, and must not trust a
size that the file no longer has when it is read.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.pe_layout import Spec, build_pe, field_offsets, specs
from tests.fuzz.support import (
    FIXTURES,
    Seed,
    bounded,
    fuzz_settings,
    mutated,
    peak_memory,
)
from verscan.pe import Status, VersionInfo, read_version_info, read_version_info_bytes
from verscan.versions import from_ms_ls

PE_DIR = FIXTURES / "pe"
MEMORY_LIMIT = 16 * 1024 * 1024
"""Peak allocation allowed for one file: the reader reads at most about 1 MiB of any file."""


def _seed(path: Path) -> Seed:
    data = path.read_bytes()
    try:
        fields = field_offsets(data)
    except Exception:  # a broken fixture: pefile cannot place its fields
        fields = ()
    return Seed(path.name, data, fields)


SEEDS = [
    _seed(p)
    for p in sorted(PE_DIR.glob("*.dll"))
    + sorted(PE_DIR.glob("*.exe"))
    + sorted((PE_DIR / "broken").iterdir())
]


def check(info: object, data: bytes) -> VersionInfo:
    """What every result must be, whatever the input."""
    assert isinstance(info, VersionInfo)
    assert isinstance(info.status, Status)
    assert info.size == len(data)
    assert info.error is None or isinstance(info.error, str)
    if info.status is Status.OK:
        assert info.error is None
    for version in (info.file_version, info.product_version):
        assert version is None or all(0 <= part <= 0xFFFF for part in version)
    for table in info.tables:
        assert isinstance(table.key, str)
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in table.strings.items())
    return info


def read(data: bytes) -> VersionInfo:
    return check(bounded(read_version_info_bytes, data, "fuzz.dll"), data)


@fuzz_settings(1500)
@given(mutated(SEEDS))
def test_mutated_fixtures(data: bytes) -> None:
    read(data)


@fuzz_settings(400)
@given(specs(), st.data())
def test_built_files_with_broken_fields(spec: Spec, data: st.DataObject) -> None:
    image, fields = build_pe(spec)
    read(data.draw(mutated([Seed("built", image, fields)], max_edits=3)))


def _expected_choice(spec: Spec) -> str | None:
    """The table the reader must choose, by its documented rule, when keys are unambiguous."""
    keys = [key for key, _ in spec.version.tables]
    if len({k.lower() for k in keys}) < len(keys):
        return None
    for lang, codepage in spec.version.translations:
        wanted = f"{lang:04x}{codepage:04x}"
        for key in keys:
            if key.lower() == wanted:
                return key
    for key in keys:
        if key[:4].lower() == "0409":
            return key
    return keys[0] if keys else None


@fuzz_settings(250)
@given(specs())
def test_built_files_read_back(spec: Spec) -> None:
    image, _ = build_pe(spec)
    info = read(image)
    if not any(typ == 16 for typ, _ in spec.types):
        assert info.status is Status.NO_VERSION
        return
    version = spec.version
    assert info.status is Status.OK, info.error
    assert [t.key for t in info.tables] == [key for key, _ in version.tables]
    assert [t.strings for t in info.tables] == [dict(strings) for _, strings in version.tables]
    assert info.translations == version.translations
    if version.fixed is None:
        assert info.file_version is None and info.file_flags is None
    else:
        assert info.file_version == from_ms_ls(version.fixed[2], version.fixed[3])
        assert info.product_version == from_ms_ls(version.fixed[4], version.fixed[5])
        assert info.file_flags == version.fixed[7] & version.fixed[6]
    choice = _expected_choice(spec)
    if choice is not None:
        assert info.language == choice
    if info.language is not None:
        assert info.strings in [t.strings for t in info.tables if t.key == info.language]


@fuzz_settings(200)
@given(mutated(SEEDS))
def test_from_disk_equals_from_memory(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    path = tmp_path_factory.getbasetemp() / "fuzz-pe.dll"
    path.write_bytes(data)
    from_disk = check(bounded(read_version_info, path), data)
    assert from_disk == read_version_info_bytes(data, str(path))


@fuzz_settings(300)
@given(mutated(SEEDS), st.sampled_from([1, 100, 4096, 1 << 20, 1 << 33]))
def test_file_shrinking_while_read(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, lost: int
) -> None:
    """The size fstat gave is larger than what the reads find: the file was cut meanwhile."""
    path = tmp_path_factory.getbasetemp() / "fuzz-pe.dll"
    path.write_bytes(data)
    real_fstat = os.fstat

    class Larger:
        def __init__(self, st: os.stat_result) -> None:
            self._st = st
            self.st_size = st.st_size + lost

        def __getattr__(self, name: str) -> object:
            return getattr(self._st, name)

    mp = pytest.MonkeyPatch()
    mp.setattr("verscan.pe.reader.os.fstat", lambda fd: Larger(real_fstat(fd)))
    try:
        info = bounded(read_version_info, path)
    finally:
        mp.undo()
    assert isinstance(info, VersionInfo)
    assert info.status in (Status.OK, Status.NO_VERSION, Status.NOT_PE, Status.CORRUPT)


@fuzz_settings(80)
@given(mutated(SEEDS))
def test_memory_is_bounded(data: bytes) -> None:
    info, peak = peak_memory(read_version_info_bytes, data, "fuzz.dll")
    check(info, data)
    assert peak < MEMORY_LIMIT, f"{peak} bytes allocated for one {len(data)}-byte file"


@pytest.mark.parametrize("name", ["huge_entry_counts.dll", "resource_loop.dll", "bad_wlength.dll"])
def test_broken_fixtures_are_fast_and_small(name: str) -> None:
    data = (PE_DIR / "broken" / name).read_bytes()
    info, peak = peak_memory(bounded, read_version_info_bytes, data, name)
    assert info.status is Status.CORRUPT
    assert peak < MEMORY_LIMIT
