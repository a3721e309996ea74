"""A small, bounded reader of PE headers and the version resource.

It reads only what it needs, in a few positioned reads: the DOS and PE headers
with the section table, the resource directory path down to ``RT_VERSION``
(type 16, first name, first language), and the version block itself. It never
loads the whole file, never raises for a bad file and never loops: every count,
offset and length read from the file is checked against the file before use.

The layouts follow Microsoft's PE format specification and the ``VS_VERSIONINFO``
documentation; pefile is the reference parser the tests compare against.
"""

from __future__ import annotations

import functools
import os
import re
import stat
import struct
from collections.abc import Callable

from verscan.pe.record import MACHINES, Status, StringTable, VersionInfo
from verscan.versions import Fixed, from_ms_ls

RT_VERSION = 16
WINDOW = 4096
"""Bytes read ahead for the resource directory (and often the version block behind it)."""
HEAD_READ = 4096
"""Bytes read first: DOS header, PE header and section table of nearly every file."""
MAX_VERSION_BLOCK = 0x10000
"""``wLength`` is a WORD: a version block is never larger than this."""
MAX_SECTIONS = 96
"""The PE loader's own limit on NumberOfSections."""
MAX_DIR_ENTRIES = 0x10000
"""Resource directory entries considered at one level, at most."""
FIXED_SIGNATURE = 0xFEEF04BD

_U16 = struct.Struct("<H")
_U32 = struct.Struct("<I")
_FILE_HEADER = struct.Struct(
    "<4sHHIIIHH"
)  # Signature, Machine, NumberOfSections, ..., SizeOfOptionalHeader, Characteristics
_SECTION = struct.Struct("<8sIIIIIIHHI")
_SECTION_PLACE = struct.Struct("<8xIIII16x")  # VirtualSize, VirtualAddress, SizeOfRawData, Pointer
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
"""O_NONBLOCK: opening a FIFO for reading must not wait for a writer."""
_DIR = struct.Struct("<IIHHHH")  # Characteristics, TimeDateStamp, Major, Minor, Named, Id
_ENTRY = struct.Struct("<II")
_DATA_ENTRY = struct.Struct("<IIII")  # OffsetToData (RVA), Size, CodePage, Reserved
_BLOCK = struct.Struct("<HHH")  # wLength, wValueLength, wType
_FIXED = struct.Struct("<13I")


class _Broken(Exception):
    """Internal: the file is damaged; the message says how."""


Reader = Callable[[int, int], bytes]
"""``read(offset, length)``: up to ``length`` bytes at ``offset`` (fewer at the end)."""


PositionedRead = Callable[[int, int], bytes]
"""``pread(length, offset)``: up to ``length`` bytes at ``offset``, as :func:`os.pread` gives
them for a descriptor (fewer at the end of the file); raises :class:`OSError` when it cannot."""


class _Window:
    """Positioned reads through one small read-ahead window.

    The resource directory's levels, and often the version block, lie within a
    few KiB of each other: one read serves them all.
    """

    def __init__(self, pread: PositionedRead) -> None:
        self.pread = pread
        self.start = 0
        self.buf = b""

    def read(self, offset: int, length: int) -> bytes:
        """Up to ``length`` bytes at ``offset`` (fewer at the end of the file)."""
        start, buf = self.start, self.buf
        if start <= offset and offset + length <= start + len(buf):
            return buf[offset - start : offset - start + length]
        if length >= WINDOW:
            return self.pread(length, offset)
        self.start, self.buf = offset, self.pread(WINDOW, offset)
        return self.buf[:length]


def read_version_info(path: str | os.PathLike[str]) -> VersionInfo:
    """Read the PE headers and version resource of the file at ``path``.

    Never raises for the file's content or for OS errors: the result's ``status``
    says what happened. Special files (FIFOs, devices, sockets) are not read,
    since reading them could block or never end.
    """
    return read_version_and_stat(path)[0]


def read_version_and_stat(
    path: str | os.PathLike[str],
) -> tuple[VersionInfo, os.stat_result | None]:
    """:func:`read_version_info`, with the ``stat`` of the file it read (None when not opened).

    The stat comes from the open descriptor, so it describes the very file read,
    and costs no second look-up of the path.
    """
    name = os.fsdecode(path)
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        return VersionInfo(name, Status.UNREADABLE, error=_os_error(exc)), None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = "a directory" if stat.S_ISDIR(st.st_mode) else "not a regular file"
            return VersionInfo(name, Status.UNREADABLE, error=kind), st
        try:
            return _read(name, st.st_size, _Window(functools.partial(os.pread, fd)).read), st
        except OSError as exc:
            return VersionInfo(name, Status.UNREADABLE, size=st.st_size, error=_os_error(exc)), st
    except OSError as exc:  # pragma: no cover - fstat of an open descriptor
        return VersionInfo(name, Status.UNREADABLE, error=_os_error(exc)), None
    finally:
        os.close(fd)


def read_version_info_at(pread: PositionedRead, size: int, name: str) -> VersionInfo:
    """Read the PE headers and version resource of a file reached through ``pread``.

    For files that are not in the host's file system (a file inside a disk image):
    ``pread(length, offset)`` reads from the file, ``size`` is its length and ``name``
    labels it. The same few positioned reads as :func:`read_version_info`; an
    :class:`OSError` from ``pread`` makes the file UNREADABLE.
    """
    try:
        return _read(name, size, _Window(pread).read)
    except OSError as exc:
        return VersionInfo(name, Status.UNREADABLE, size=size, error=_os_error(exc))


def read_version_info_bytes(data: bytes, name: str) -> VersionInfo:
    """Read the PE headers and version resource of a file held in memory (``name`` labels it)."""
    view = memoryview(data)

    def read(offset: int, length: int) -> bytes:
        return bytes(view[offset : offset + length])

    return _read(name, len(data), read)


def _os_error(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _read(name: str, size: int, read: Reader) -> VersionInfo:
    if size == 0:
        return VersionInfo(name, Status.NOT_PE, size=0, error="empty file")
    head = read(0, HEAD_READ)
    if head[:2] != b"MZ":
        return VersionInfo(name, Status.NOT_PE, size=size, error=_not_pe_reason(head))
    try:
        return _read_pe(name, size, head, read)
    except _Broken as exc:
        partial: dict[str, object] = exc.args[1] if len(exc.args) > 1 else {}
        return VersionInfo(name, Status.CORRUPT, size=size, error=str(exc.args[0]), **partial)  # type: ignore[arg-type]


_TEXT_BYTES = bytes(range(32, 127)) + b"\t\n\r"


def _not_pe_reason(head: bytes) -> str:
    if head[:4] == b"\x7fELF":
        return "not a PE file (ELF binary)"
    if head[:4] == b"MSCF":
        return "not a PE file (cabinet archive)"
    if head[:4] == b"SZDD" or head[:4] == b"KWAJ":
        return "not a PE file (compressed with COMPRESS.EXE)"
    if head[:4] == b"PK\x03\x04":
        return "not a PE file (ZIP archive)"
    if not head[:512].translate(None, _TEXT_BYTES):
        return "not a PE file (text)"
    return "not a PE file (no MZ signature)"


def _read_pe(name: str, size: int, head: bytes, read: Reader) -> VersionInfo:
    if len(head) < 64:
        raise _Broken(f"truncated DOS header ({size} bytes)")
    (e_lfanew,) = _U32.unpack_from(head, 0x3C)
    if e_lfanew + _FILE_HEADER.size > size:
        raise _Broken(f"e_lfanew 0x{e_lfanew:x} points past the end of the file ({size} bytes)")
    # The section table normally lies within the first read; re-read when it does not.
    hbase = 0  # file offset of head[0]
    if e_lfanew + 0x400 > len(head) and len(head) < size:
        head = read(e_lfanew, HEAD_READ)
        hbase = e_lfanew
    base = e_lfanew - hbase
    if base + _FILE_HEADER.size > len(head):
        # Fewer bytes than the size said: the file was cut short while it was being read.
        raise _Broken(f"file ends inside the PE header ({hbase + len(head)} bytes read)")
    sig, machine, nsections, link_time, _, _, opt_size, _ = _FILE_HEADER.unpack_from(head, base)
    if sig != b"PE\x00\x00":
        if sig[:2] in (b"NE", b"LE", b"LX"):
            return VersionInfo(
                name,
                Status.NOT_PE,
                size=size,
                error=f"not a PE file ({sig[:2].decode()} executable, 16-bit or VxD)",
            )
        return VersionInfo(
            name, Status.NOT_PE, size=size, error="not a PE file (MZ executable without PE header)"
        )
    platform = MACHINES.get(machine, f"unknown (0x{machine:04x})")
    known: dict[str, object] = {"machine": machine, "platform": platform, "link_time": link_time}
    opt = base + _FILE_HEADER.size
    if opt + 2 > len(head) or opt_size < 2:
        raise _Broken("truncated optional header", known)
    (magic,) = _U16.unpack_from(head, opt)
    if magic == 0x10B:
        pe_format, dirs_at = "PE32", 96
    elif magic == 0x20B:
        pe_format, dirs_at = "PE32+", 112
    else:
        raise _Broken(f"unknown optional header magic 0x{magic:x}", known)
    known["pe_format"] = pe_format
    if opt + dirs_at > len(head) or opt_size < dirs_at:
        raise _Broken("truncated optional header", known)
    (section_alignment, file_alignment) = struct.unpack_from("<II", head, opt + 32)
    (size_of_headers,) = _U32.unpack_from(head, opt + 60)
    (n_dirs,) = _U32.unpack_from(head, opt + dirs_at - 4)
    rsrc_rva = 0
    if n_dirs > 2 and opt_size >= dirs_at + 24 and opt + dirs_at + 24 <= len(head):
        (rsrc_rva,) = _U32.unpack_from(head, opt + dirs_at + 16)
    if nsections > MAX_SECTIONS:
        raise _Broken(f"{nsections} sections, more than the loader accepts", known)
    table = opt + opt_size
    need = table + nsections * _SECTION.size
    if need > len(head):
        head = head + read(hbase + len(head), need - len(head))
        if need > len(head):
            raise _Broken("truncated section table", known)
    if rsrc_rva == 0:
        return VersionInfo(name, Status.NO_VERSION, size=size, **known)  # type: ignore[arg-type]
    sections = _sections(head, table, nsections, section_alignment, file_alignment)

    def to_offset(rva: int) -> int:
        for va, vsize, raw, rawsize in sections:
            if va <= rva < va + max(vsize, rawsize):
                if rva - va >= rawsize:
                    raise _Broken(f"RVA 0x{rva:x} lies in uninitialised data", known)
                return rva - va + raw
        if rva < size_of_headers or not sections:
            return rva
        raise _Broken(f"RVA 0x{rva:x} lies outside every section", known)

    rsrc = to_offset(rsrc_rva)
    if rsrc + _DIR.size > size:
        raise _Broken("resource directory lies past the end of the file", known)
    entry = _find_version(read, rsrc, size, known)
    if entry is None:
        return VersionInfo(name, Status.NO_VERSION, size=size, **known)  # type: ignore[arg-type]
    data_rva, data_size = entry
    data_off = to_offset(data_rva)
    if data_off >= size:
        raise _Broken("version resource lies past the end of the file", known)
    length = min(data_size, MAX_VERSION_BLOCK)
    block = read(data_off, length)
    if len(block) < length:
        raise _Broken(
            f"file ends inside the version resource ({len(block)} of {length} bytes)", known
        )
    return _parse_version_block(name, size, block, known)


def _sections(
    head: bytes, table: int, count: int, section_alignment: int, file_alignment: int
) -> list[tuple[int, int, int, int]]:
    """(VirtualAddress, VirtualSize, PointerToRawData, SizeOfRawData), as the loader rounds them."""
    if section_alignment < 0x1000:
        section_alignment = file_alignment
    sa = section_alignment or 1
    fa = 0x200 if file_alignment >= 0x200 else 1
    return [
        (va - va % sa, vsize, raw - raw % fa, rawsize)
        for vsize, va, rawsize, raw in _SECTION_PLACE.iter_unpack(
            head[table : table + count * _SECTION_PLACE.size]
        )
    ]


def _directory(read: Reader, rsrc: int, offset: int, size: int, known: dict[str, object]) -> bytes:
    """The entries of the resource directory at ``rsrc + offset``, bounded by the file."""
    at = rsrc + offset
    head = read(at, _DIR.size)
    if len(head) < _DIR.size:
        raise _Broken("resource directory lies past the end of the file", known)
    _, _, _, _, named, ids = _DIR.unpack(head)
    count = named + ids
    if count > MAX_DIR_ENTRIES or at + _DIR.size + count * _ENTRY.size > size:
        raise _Broken(f"resource directory claims {count} entries, more than the file holds", known)
    entries = read(at + _DIR.size, count * _ENTRY.size)
    if len(entries) < count * _ENTRY.size:  # the file shrank while it was being read
        raise _Broken("resource directory lies past the end of the file", known)
    return entries


def _find_version(
    read: Reader, rsrc: int, size: int, known: dict[str, object]
) -> tuple[int, int] | None:
    """RVA and size of the first RT_VERSION resource (first name, first language), or None."""
    entries = _directory(read, rsrc, 0, size, known)
    target = None
    for i in range(0, len(entries), _ENTRY.size):
        ident, child = _ENTRY.unpack_from(entries, i)
        if ident == RT_VERSION:
            target = child
            break
    if target is None:
        return None
    seen = {0}
    for level in ("name", "language"):
        if not target & 0x80000000:
            raise _Broken(f"RT_VERSION {level} entry is data where a directory belongs", known)
        offset = target & 0x7FFFFFFF
        if offset in seen:
            raise _Broken("resource directory loops back on itself", known)
        seen.add(offset)
        entries = _directory(read, rsrc, offset, size, known)
        if not entries:
            return None
        _, target = _ENTRY.unpack_from(entries, 0)
    if target & 0x80000000:
        raise _Broken("RT_VERSION is nested deeper than three levels", known)
    raw = read(rsrc + target, _DATA_ENTRY.size)
    if len(raw) < _DATA_ENTRY.size:
        raise _Broken("resource data entry lies past the end of the file", known)
    rva, length, _, _ = _DATA_ENTRY.unpack(raw)
    return rva, length


_SURROGATE = re.compile("[\ud800-\udfff]")


def _text(block: bytes, length: int) -> str:
    """``block[:length]`` as UTF-16 code units, one character per two bytes.

    Character ``i`` is bytes ``2i`` and ``2i + 1``, so the block's own lengths and
    alignments can be followed in the text, and keys and values are found with
    ``str.find`` and slicing rather than decoded one by one. ``surrogatepass``
    keeps a lone surrogate as one character; a valid pair would still become one,
    so a block holding a pair is split unit by unit instead. Surrogates are mended
    afterwards by :func:`_mend`. A trailing odd byte is dropped.
    """
    text = block[: length & ~1].decode("utf-16-le", "surrogatepass")
    if len(text) != length >> 1:  # a valid surrogate pair became one character: split them
        text = "".join(map(chr, struct.unpack_from(f"<{length >> 1}H", block)))
    return text


def _mend(text: str) -> str:
    """``text`` as its bytes decode with ``replace``: pairs joined, lone surrogates U+FFFD."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def _key(text: str, at: int, end: int) -> tuple[str, int]:
    """The NUL-terminated key at character ``at`` and the index just past its terminator."""
    i = text.find("\0", at, end)
    if i == -1:
        return text[at:end], end
    return text[at:i], i + 1


def _strings(text: str, start: int, end: int) -> dict[str, str]:
    """The String blocks of a StringTable in ``text[start:end]``, by key, in file order.

    The same walk as :func:`_children`, without building a tuple per child: string
    tables are most of the work per file.
    """
    out = {}
    at = (start + 1) & ~1
    find = text.find
    while at + 3 <= end:
        length = ord(text[at])
        if length < 6:
            break
        cend = min(at + (length >> 1), end)
        i = find("\0", at + 3, cend)
        if i == -1:
            out[text[at + 3 : cend]] = ""
        elif ord(text[at + 1]):
            v = (i + 2) & ~1
            j = find("\0", v, cend)
            out[text[at + 3 : i]] = text[v:j] if j != -1 else text[v:cend]
        else:
            out[text[at + 3 : i]] = ""
        at = ((2 * at + length + 3) & ~3) >> 1
    return out


def _children(text: str, start: int, end: int) -> list[tuple[int, int, int, str, int]]:
    """Child blocks of ``text[start:end]``: (start, end, wValueLength, key, value at).

    Indexes are characters (two bytes each); ``wValueLength`` is as stored.
    """
    out = []
    at = (start + 1) & ~1
    while at + 3 <= end:
        length = ord(text[at])
        if length < 6:
            break  # a zero or tiny length would never advance
        child_end = min(at + (length >> 1), end)
        key, after = _key(text, at + 3, child_end)
        out.append((at, child_end, ord(text[at + 1]), key, (after + 1) & ~1))
        at = ((2 * at + length + 3) & ~3) >> 1
    return out


def _parse_version_block(
    name: str, size: int, block: bytes, known: dict[str, object]
) -> VersionInfo:
    if len(block) < _BLOCK.size:
        raise _Broken("version resource is too short", known)
    length, value_length, _ = _BLOCK.unpack_from(block, 0)
    problems = []
    if length > len(block):
        problems.append(f"VS_VERSIONINFO length {length} exceeds the resource's {len(block)} bytes")
        length = len(block)
    elif length < _BLOCK.size:
        raise _Broken(f"VS_VERSIONINFO length {length} is too small", known)
    text = _text(block, length)
    end = len(text)
    nul = text.find("\0", 3, end)
    key = text[3:nul] if nul != -1 else text[3:end]
    if key != "VS_VERSION_INFO":
        raise _Broken(f"version resource key is {_mend(key)[:40]!r}, not 'VS_VERSION_INFO'", known)
    # In bytes: the value follows the key's terminator (or the block's end), 32-bit aligned.
    value_at = ((2 * nul + 2 if nul != -1 else length) + 3) & ~3
    file_version: Fixed | None = None
    product_version: Fixed | None = None
    file_flags: int | None = None
    if value_length:
        if value_at + _FIXED.size > length:
            raise _Broken("file ends inside VS_FIXEDFILEINFO", known)
        fixed = _FIXED.unpack_from(block, value_at)
        if fixed[0] != FIXED_SIGNATURE:
            # The versions are still reported (as Windows' VerQueryValue and exiftool do),
            # but the file is marked corrupt so no one takes it at face value.
            problems.append(
                f"VS_FIXEDFILEINFO signature is 0x{fixed[0]:08x}, not 0x{FIXED_SIGNATURE:08x}"
            )
        file_version = from_ms_ls(fixed[2], fixed[3])
        product_version = from_ms_ls(fixed[4], fixed[5])
        file_flags = fixed[7] & fixed[6]
    raw_tables: list[tuple[str, dict[str, str]]] = []
    translations: list[tuple[int, int]] = []
    for _, c_end, _, c_key, c_value in _children(text, (value_at + value_length + 1) >> 1, end):
        if c_key == "StringFileInfo":
            for _, t_end, _, t_key, t_value in _children(text, c_value, c_end):
                raw_tables.append((t_key, _strings(text, t_value, t_end)))
        elif c_key == "VarFileInfo":
            for _, v_end, v_vlen, v_key, v_value in _children(text, c_value, c_end):
                if v_key != "Translation":
                    continue
                # wValueLength is in bytes: the last whole pair of WORDs before it ends.
                stop = min(v_end, (2 * v_value + v_vlen) >> 1) if v_vlen else v_end
                for i in range(v_value, stop - 1, 2):
                    translations.append((ord(text[i]), ord(text[i + 1])))
    if _SURROGATE.search(text) is not None:
        raw_tables = [(_mend(k), {_mend(n): _mend(v) for n, v in s.items()}) for k, s in raw_tables]
    tables = [StringTable(k, s) for k, s in raw_tables]
    chosen = _choose_table(tables, translations)
    status = Status.CORRUPT if problems else Status.OK
    return VersionInfo(
        name,
        status,
        size=size,
        file_version=file_version,
        product_version=product_version,
        file_flags=file_flags,
        translations=tuple(translations),
        tables=tuple(tables),
        language=chosen.key if chosen else None,
        strings=dict(chosen.strings) if chosen else {},
        error="; ".join(problems) or None,
        **known,  # type: ignore[arg-type]
    )


def _choose_table(
    tables: list[StringTable], translations: list[tuple[int, int]]
) -> StringTable | None:
    """The Translation entry's table if there is one, else US English, else the first."""
    by_key = {t.key.lower(): t for t in tables}
    for lang, codepage in translations:
        table = by_key.get(f"{lang:04x}{codepage:04x}")
        if table is not None:
            return table
    for table in tables:
        if table.lang == 0x0409:
            return table
    return tables[0] if tables else None
