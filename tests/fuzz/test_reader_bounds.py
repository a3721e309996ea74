"""The reader's bounds, one crafted file each: loops and depth in the resource directory,
sizes past the data, lengths past their parent block, and a block of many tiny strings."""

from __future__ import annotations

import struct

import pefile

from tests.fuzz.pe_layout import Spec, VersionSpec, build_pe
from tests.fuzz.support import bounded, peak_memory
from verscan.pe import Status, read_version_info_bytes
from verscan.pe.reader import MAX_VERSION_BLOCK

FIXED = (0xFEEF04BD, 0x10000, 0x50000, 0x0893_1ACC, 0x50000, 0x0893_1ACC, 0x3F, 0, 4, 2, 0, 0, 0)
VERSION = VersionSpec(
    FIXED, (("040904b0", (("FileVersion", "5.0.2195.6860"),)),), ((0x0409, 1200),)
)


def _image(version: VersionSpec = VERSION) -> tuple[bytearray, pefile.PE]:
    spec = Spec(0x14C, False, ((10, ((1, (0x409,)),)), (16, ((1, (0x409,)),))), version)
    image, _ = build_pe(spec)
    pe = pefile.PE(data=image, fast_load=True)
    pe.parse_data_directories(
        directories=[pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_RESOURCE"]]
    )
    return bytearray(image), pe


def _version_path(pe: pefile.PE) -> tuple[object, object, object]:
    """The type-16 entry, its first name entry and that name's first language entry."""
    root = pe.DIRECTORY_ENTRY_RESOURCE
    typ = next(e for e in root.entries if e.id == 16)
    name = typ.directory.entries[0]
    return typ, name, name.directory.entries[0]


def _rsrc(pe: pefile.PE) -> int:
    return pe.get_offset_from_rva(pe.OPTIONAL_HEADER.DATA_DIRECTORY[2].VirtualAddress)


def read(image: bytearray) -> object:
    return bounded(read_version_info_bytes, bytes(image), "crafted.dll")


def test_intact_image_reads() -> None:
    image, _ = _image()
    info = read(image)
    assert info.status is Status.OK  # type: ignore[attr-defined]
    assert info.file_version == (5, 0, 2195, 6860)  # type: ignore[attr-defined]


def test_loop_at_the_name_level() -> None:
    image, pe = _image()
    typ, _, _ = _version_path(pe)
    type_dir = typ.struct.OffsetToData & 0x7FFFFFFF
    # The type directory's first (name) entry points back at the type directory itself.
    struct.pack_into("<I", image, _rsrc(pe) + type_dir + 16 + 4, 0x80000000 | type_dir)
    info = read(image)
    assert info.status is Status.CORRUPT  # type: ignore[attr-defined]
    assert info.error == "resource directory loops back on itself"  # type: ignore[attr-defined]


def test_loop_at_the_language_level_is_too_deep() -> None:
    image, pe = _image()
    _, name, _ = _version_path(pe)
    name_dir = name.struct.OffsetToData & 0x7FFFFFFF
    struct.pack_into("<I", image, _rsrc(pe) + name_dir + 16 + 4, 0x80000000 | name_dir)
    info = read(image)
    assert info.status is Status.CORRUPT  # type: ignore[attr-defined]
    assert "nested deeper than three levels" in info.error  # type: ignore[attr-defined]


def test_directory_where_data_belongs() -> None:
    image, pe = _image()
    _, name, _ = _version_path(pe)
    other = next(e for e in pe.DIRECTORY_ENTRY_RESOURCE.entries if e.id == 10)
    name_dir = name.struct.OffsetToData & 0x7FFFFFFF
    at = _rsrc(pe) + name_dir + 16 + 4
    # The language entry leads to another type's directory: a fourth level.
    struct.pack_into("<I", image, at, other.struct.OffsetToData)
    info = read(image)
    assert info.status is Status.CORRUPT  # type: ignore[attr-defined]
    assert "nested deeper than three levels" in info.error  # type: ignore[attr-defined]


def test_data_size_far_past_the_file() -> None:
    image, pe = _image()
    _, _, lang = _version_path(pe)
    at = _rsrc(pe) + (lang.struct.OffsetToData & 0x7FFFFFFF) + 4
    struct.pack_into("<I", image, at, 0xFFFFFFFF)
    info, peak = peak_memory(read_version_info_bytes, bytes(image), "crafted.dll")
    # At most one WORD-sized block is read, and the file ends before it.
    assert info.status is Status.CORRUPT
    assert info.error.startswith("file ends inside the version resource")  # type: ignore[union-attr]
    assert peak < 4 * MAX_VERSION_BLOCK


def test_child_longer_than_its_parent() -> None:
    image, pe = _image()
    _, _, lang = _version_path(pe)
    block = pe.get_offset_from_rva(lang.data.struct.OffsetToData)
    key = "FileVersion".encode("utf-16-le")
    string_block = bytes(image).index(key, block) - 6
    struct.pack_into("<H", image, string_block, 0xFFFF)  # far past the table and the resource
    info = read(image)
    assert info.status is Status.OK  # type: ignore[attr-defined]
    # The value is cut at its NUL or at the enclosing block's end, never read past it.
    assert info.strings["FileVersion"] == "5.0.2195.6860"  # type: ignore[attr-defined]


def test_value_without_terminator_stops_at_the_block_end() -> None:
    image, pe = _image()
    _, _, lang = _version_path(pe)
    block = pe.get_offset_from_rva(lang.data.struct.OffsetToData)
    value = "5.0.2195.6860".encode("utf-16-le")
    at = bytes(image).index(value, block)
    image[at + len(value) : at + len(value) + 2] = "X".encode("utf-16-le")  # no NUL any more
    info = read(image)
    assert info.strings["FileVersion"].startswith("5.0.2195.6860X")  # type: ignore[attr-defined]
    assert len(info.strings["FileVersion"]) < MAX_VERSION_BLOCK // 2  # type: ignore[attr-defined]


def test_many_tiny_strings_fill_the_block() -> None:
    strings = tuple((f"k{i}", "") for i in range(2000))
    info = read(_image(VersionSpec(FIXED, (("040904b0", strings),), ()))[0])
    assert info.status is Status.OK  # type: ignore[attr-defined]
    assert len(info.tables[0].strings) == 2000  # type: ignore[attr-defined]
