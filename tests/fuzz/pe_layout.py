"""PE files for the reader's fuzz targets: where a real file's fields are, and building new ones.

:func:`field_offsets` lists the integer fields of a well-formed PE file that
steer a reader: the headers, the section table, every resource directory, entry
and data entry, and every block header of the version resource. Mutations
overwrite them with values chosen to break them.

:func:`build_pe` writes a PE image from a :class:`Spec`: a resource tree of any
shape holding a ``VS_VERSIONINFO`` built from :class:`VersionSpec`. The layouts
follow Microsoft's PE and ``VS_VERSIONINFO`` documentation; pefile reads the
files built here as Windows would.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import TypeVar

import pefile
from hypothesis import strategies as st

T = TypeVar("T")

RT_VERSION = 16
SECTION_ALIGNMENT = 0x1000
FILE_ALIGNMENT = 0x200


def _widths(structure: pefile.Structure) -> list[tuple[int, int]]:
    """(absolute offset, width) of each field of a pefile structure."""
    offsets = sorted(set(structure.__field_offsets__.values()))
    ends = [*offsets[1:], structure.sizeof()]
    base = structure.get_file_offset()
    return [(base + o, e - o) for o, e in zip(offsets, ends) if e - o in (1, 2, 4, 8)]


def _version_blocks(data: bytes, at: int, end: int, out: list[tuple[int, int]]) -> None:
    """The block headers (and fixed-info fields) of the version resource at ``data[at:end]``."""
    while at + 6 <= end:
        length, value_length, _ = struct.unpack_from("<HHH", data, at)
        if length < 6:
            return
        out += [(at, 2), (at + 2, 2), (at + 4, 2)]
        key_end = at + 6
        while key_end + 2 <= min(at + length, end) and data[key_end : key_end + 2] != b"\0\0":
            key_end += 2
        key = data[at + 6 : key_end].decode("utf-16-le", "replace")
        value_at = (key_end + 2 + 3) & ~3
        if key == "VS_VERSION_INFO" and value_length >= 52:
            out += [(value_at + 4 * i, 4) for i in range(13)]
        if key in ("VS_VERSION_INFO", "StringFileInfo", "VarFileInfo") or len(key) == 8:
            children = value_at + (value_length if key != "StringFileInfo" else 0)
            _version_blocks(data, (children + 3) & ~3, min(at + length, end), out)
        at = (at + length + 3) & ~3


def field_offsets(data: bytes) -> tuple[tuple[int, int], ...]:
    """The fields worth breaking in the well-formed PE image ``data`` (see the module)."""
    pe = pefile.PE(data=data, fast_load=True)
    found: list[tuple[int, int]] = []
    for structure in (pe.DOS_HEADER, pe.NT_HEADERS, pe.FILE_HEADER, pe.OPTIONAL_HEADER):
        found += _widths(structure)
    for directory in pe.OPTIONAL_HEADER.DATA_DIRECTORY:
        found += _widths(directory)
    for section in pe.sections:
        found += _widths(section)
    pe.parse_data_directories(
        directories=[pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_RESOURCE"]]
    )
    stack = [getattr(pe, "DIRECTORY_ENTRY_RESOURCE", None)]
    while stack:
        directory = stack.pop()
        if directory is None:
            continue
        found += _widths(directory.struct)
        for entry in directory.entries:
            found += _widths(entry.struct)
            if hasattr(entry, "directory"):
                stack.append(entry.directory)
            if hasattr(entry, "data"):
                found += _widths(entry.data.struct)
                start = pe.get_offset_from_rva(entry.data.struct.OffsetToData)
                if data[start + 6 : start + 36] == "VS_VERSION_INFO".encode("utf-16-le"):
                    _version_blocks(data, start, start + entry.data.struct.Size, found)
    return tuple(sorted(set(found)))


# -- building -------------------------------------------------------------------------------


@dataclass(frozen=True)
class VersionSpec:
    """The content of a ``VS_VERSIONINFO`` resource."""

    fixed: tuple[int, ...] | None
    """The 13 DWORDs of ``VS_FIXEDFILEINFO`` (signature first), or None for no fixed block."""
    tables: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    """StringFileInfo tables: (key, ((name, value), ...))."""
    translations: tuple[tuple[int, int], ...]
    """``VarFileInfo\\Translation``: (language, code page) pairs."""
    var_first: bool = False
    """Whether VarFileInfo comes before StringFileInfo."""


@dataclass(frozen=True)
class Spec:
    """A PE image: its machine and format, and a resource tree."""

    machine: int
    pe32plus: bool
    types: tuple[tuple[int | str, tuple[tuple[int | str, tuple[int, ...]], ...]], ...]
    """(type, ((name, (language, ...)), ...)): the resource tree, in directory order."""
    version: VersionSpec
    """Placed at the first name and first language of type 16 (when there is one)."""
    extra_section: bool = False
    """A ``.text`` section before the resource section."""


def _align(n: int, to: int) -> int:
    return (n + to - 1) // to * to


def _block(key: str, value: bytes, value_length: int, typ: int, children: list[bytes]) -> bytes:
    out = bytearray(6) + key.encode("utf-16-le") + b"\0\0"
    if value:
        out += bytes(_align(len(out), 4) - len(out)) + value
    for child in children:
        out += bytes(_align(len(out), 4) - len(out)) + child
    struct.pack_into("<HHH", out, 0, len(out), value_length, typ)
    return bytes(out)


def version_block(v: VersionSpec) -> bytes:
    """The ``VS_VERSIONINFO`` resource for ``v``."""
    tables = []
    for key, strings in v.tables:
        entries = []
        for name, value in strings:
            text = value.encode("utf-16-le") + b"\0\0"
            entries.append(_block(name, text, len(text) // 2, 1, []))
        tables.append(_block(key, b"", 0, 1, entries))
    string_info = _block("StringFileInfo", b"", 0, 1, tables)
    pairs = b"".join(struct.pack("<HH", lang, cp) for lang, cp in v.translations)
    var_info = _block("VarFileInfo", b"", 0, 1, [_block("Translation", pairs, len(pairs), 0, [])])
    children = [var_info, string_info] if v.var_first else [string_info, var_info]
    fixed = struct.pack("<13I", *v.fixed) if v.fixed is not None else b""
    return _block("VS_VERSION_INFO", fixed, len(fixed), 0, children)


def _ordered(entries: list[tuple[int | str, T]]) -> list[tuple[int | str, T]]:
    """Directory order: named entries first, then those with an ID."""
    named = [e for e in entries if isinstance(e[0], str)]
    return named + [e for e in entries if not isinstance(e[0], str)]


def _resource_section(spec: Spec, block: bytes, rva: int) -> tuple[bytes, list[tuple[int, int]]]:
    """The resource section (at ``rva``) and the offsets of its fields within it."""
    fields: list[tuple[int, int]] = []
    # Directory tables first, then name strings, data entries and data, as linkers lay them out.
    directories: list[list[tuple[int | str, object]]] = []

    def plan(entries: list[tuple[int | str, object]]) -> int:
        directories.append(entries)
        return len(directories) - 1

    root: list[tuple[int | str, object]] = []
    plan(root)
    leaves: list[bytes] = []
    for t_index, (typ, names) in enumerate(_ordered(list(spec.types))):
        name_entries: list[tuple[int | str, object]] = []
        for n_index, (name, langs) in enumerate(_ordered(list(names))):
            lang_entries: list[tuple[int | str, object]] = []
            for l_index, lang in enumerate(langs):
                first = typ == RT_VERSION and n_index == 0 and l_index == 0
                data = block if first else bytes([t_index, n_index, l_index]) * 4
                leaves.append(data)
                lang_entries.append((lang, ("leaf", len(leaves) - 1)))
            name_entries.append((name, ("dir", plan(lang_entries))))
        root.append((typ, ("dir", plan(name_entries))))

    offsets = []
    at = 0
    for entries in directories:
        offsets.append(at)
        at += 16 + 8 * len(entries)
    strings_at = at
    names: dict[str, int] = {}
    string_blob = bytearray()
    for entries in directories:
        for ident, _ in entries:
            if isinstance(ident, str) and ident not in names:
                names[ident] = strings_at + len(string_blob)
                encoded = ident.encode("utf-16-le")
                string_blob += struct.pack("<H", len(encoded) // 2) + encoded
    data_entries_at = _align(strings_at + len(string_blob), 4)
    leaves_at = _align(data_entries_at + 16 * len(leaves), 8)
    leaf_offsets = []
    at = leaves_at
    for leaf in leaves:
        leaf_offsets.append(at)
        at = _align(at + len(leaf), 8)
    out = bytearray(at)
    for index, entries in enumerate(directories):
        base = offsets[index]
        entries = _ordered(entries)
        named = sum(isinstance(e[0], str) for e in entries)
        struct.pack_into("<IIHHHH", out, base, 0, 0, 4, 0, named, len(entries) - named)
        fields += [(base + 12, 2), (base + 14, 2)]
        for i, (ident, (kind, target)) in enumerate(entries):  # type: ignore[misc]
            at = base + 16 + 8 * i
            name_field = names[ident] | 0x80000000 if isinstance(ident, str) else ident
            if kind == "dir":
                pointer = offsets[target] | 0x80000000
            else:
                pointer = data_entries_at + 16 * target
            struct.pack_into("<II", out, at, name_field, pointer)
            fields += [(at, 4), (at + 4, 4)]
    out[strings_at : strings_at + len(string_blob)] = string_blob
    for i, leaf in enumerate(leaves):
        at = data_entries_at + 16 * i
        struct.pack_into("<IIII", out, at, rva + leaf_offsets[i], len(leaf), 0, 0)
        fields += [(at, 4), (at + 4, 4)]
        out[leaf_offsets[i] : leaf_offsets[i] + len(leaf)] = leaf
    return bytes(out), fields


def build_pe(spec: Spec) -> tuple[bytes, tuple[tuple[int, int], ...]]:
    """The PE image of ``spec``, and the file offsets of its fields worth breaking."""
    rsrc_rva = 2 * SECTION_ALIGNMENT if spec.extra_section else SECTION_ALIGNMENT
    rsrc, rsrc_fields = _resource_section(spec, version_block(spec.version), rsrc_rva)
    sections = [(b".text\0\0\0", b"\xc3" * 16)] if spec.extra_section else []
    sections.append((b".rsrc\0\0\0", rsrc))
    e_lfanew = 0x40
    opt_size = 240 if spec.pe32plus else 224
    opt = e_lfanew + 24
    table = opt + opt_size
    headers = _align(table + 40 * len(sections), FILE_ALIGNMENT)
    image = bytearray(headers)
    image[0:2] = b"MZ"
    struct.pack_into("<I", image, 0x3C, e_lfanew)
    struct.pack_into("<4sHH", image, e_lfanew, b"PE\0\0", spec.machine, len(sections))
    struct.pack_into("<HH", image, e_lfanew + 20, opt_size, 0x2102)  # DLL, executable
    fields = [(0x3C, 4), (e_lfanew + 6, 2), (e_lfanew + 20, 2), (opt, 2)]
    dirs = opt + (112 if spec.pe32plus else 96)
    struct.pack_into("<H", image, opt, 0x20B if spec.pe32plus else 0x10B)
    struct.pack_into("<II", image, opt + 32, SECTION_ALIGNMENT, FILE_ALIGNMENT)
    size_of_image = rsrc_rva + _align(len(rsrc), SECTION_ALIGNMENT)
    struct.pack_into("<II", image, opt + 56, size_of_image, headers)
    struct.pack_into("<H", image, opt + 68, 2)  # Windows GUI
    struct.pack_into("<I", image, dirs - 4, 16)
    struct.pack_into("<II", image, dirs + 16, rsrc_rva, len(rsrc))
    fields += [(opt + 32, 4), (opt + 36, 4), (opt + 60, 4), (dirs - 4, 4)]
    fields += [(dirs + 16, 4), (dirs + 20, 4)]
    raw = headers
    for i, (name, body) in enumerate(sections):
        entry = table + 40 * i
        va = SECTION_ALIGNMENT * (i + 1)
        size = _align(len(body), FILE_ALIGNMENT)
        struct.pack_into("<8sIIII", image, entry, name, len(body), va, size, raw)
        struct.pack_into("<I", image, entry + 36, 0x40000040)  # initialised data, readable
        fields += [(entry + 8, 4), (entry + 12, 4), (entry + 16, 4), (entry + 20, 4)]
        image += body + bytes(size - len(body))
        if name.startswith(b".rsrc"):
            fields += [(raw + offset, width) for offset, width in rsrc_fields]
        raw += size
    return bytes(image), tuple(sorted(set(fields)))


# -- strategies -----------------------------------------------------------------------------

# Text without NUL (it ends a string) and without lone surrogates (UTF-16 cannot hold them).
_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"), max_size=24)
_KEYS = st.sampled_from(
    [
        "FileVersion",
        "ProductVersion",
        "CompanyName",
        "FileDescription",
        "OriginalFilename",
        "InternalName",
        "ProductName",
        "LegalCopyright",
    ]
)
_WORD = st.integers(0, 0xFFFF)
_VERSION_TEXT = st.builds(lambda *p: ".".join(map(str, p)), _WORD, _WORD, _WORD, _WORD)


@st.composite
def version_specs(draw: st.DrawFn) -> VersionSpec:
    """A ``VS_VERSIONINFO`` with any fixed block, tables and translations."""
    fixed = None
    if draw(st.booleans()) or draw(st.booleans()):
        words = draw(st.lists(st.integers(0, 0xFFFFFFFF), min_size=12, max_size=12))
        fixed = (0xFEEF04BD, *words)
    table_keys = st.builds(lambda a, b: f"{a:04x}{b:04x}", _WORD, _WORD) | _TEXT.filter(bool)
    tables = draw(
        st.lists(
            st.tuples(
                table_keys,
                st.lists(
                    st.tuples(_KEYS | _TEXT.filter(bool), _TEXT | _VERSION_TEXT),
                    max_size=6,
                ).map(tuple),
            ),
            max_size=3,
        )
    )
    translations = draw(st.lists(st.tuples(_WORD, _WORD), max_size=4))
    return VersionSpec(fixed, tuple(tables), tuple(translations), draw(st.booleans()))


_IDENT = st.integers(1, 0x7FFF) | st.text(
    st.characters(min_codepoint=0x41, max_codepoint=0x5A), min_size=1, max_size=8
)


@st.composite
def specs(draw: st.DrawFn) -> Spec:
    """A PE image with a random resource tree, mostly holding a version resource."""
    types = draw(
        st.lists(st.integers(1, 24) | _IDENT, min_size=0, max_size=5, unique_by=str).map(
            lambda t: sorted(t, key=lambda x: (isinstance(x, int), str(x)))
        )
    )
    if draw(st.integers(0, 9)) and RT_VERSION not in types:
        types.append(RT_VERSION)
    tree = []
    for typ in types:
        names = draw(st.lists(_IDENT, min_size=1, max_size=3, unique_by=str))
        tree.append(
            (
                typ,
                tuple(
                    (n, tuple(draw(st.lists(st.integers(0, 0xFFFF), min_size=1, max_size=3))))
                    for n in names
                ),
            )
        )
    return Spec(
        machine=draw(st.sampled_from([0x14C, 0x8664, 0x200, 0xAA64, 0x1C4])),
        pe32plus=draw(st.booleans()),
        types=tuple(tree),
        version=draw(version_specs()),
        extra_section=draw(st.booleans()),
    )
