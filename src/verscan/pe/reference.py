"""The same record as :mod:`verscan.pe.reader`, produced by pefile.

pefile is the reference parser: ``verscan info --engine pefile`` uses it to
cross-check an answer, and the tests compare both readers on every fixture.
It loads with ``fast_load=True`` and parses the resource directory alone (a
full load parses everything and is some hundred times slower). This module is
the only place that touches pefile objects; it returns plain values.
"""

from __future__ import annotations

import os
import stat
from typing import Any

import pefile

from verscan.pe.reader import _choose_table
from verscan.pe.record import MACHINES, Status, StringTable, VersionInfo
from verscan.versions import from_ms_ls

_RESOURCE = pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_RESOURCE"]
_FIXED_SIGNATURE = 0xFEEF04BD


def read_with_pefile(path: str | os.PathLike[str]) -> VersionInfo:
    """Read ``path`` with pefile into a :class:`VersionInfo`; never raises for a bad file."""
    name = os.fsdecode(path)
    try:
        st = os.stat(path)
    except OSError as exc:
        return VersionInfo(name, Status.UNREADABLE, error=exc.strerror or str(exc))
    if not stat.S_ISREG(st.st_mode):
        return VersionInfo(name, Status.UNREADABLE, error="not a regular file")
    if st.st_size == 0:
        return VersionInfo(name, Status.NOT_PE, size=0, error="empty file")
    try:
        with open(path, "rb") as fh:
            magic = fh.read(2)
    except OSError as exc:
        return VersionInfo(name, Status.UNREADABLE, size=st.st_size, error=exc.strerror or str(exc))
    if magic != b"MZ":
        return VersionInfo(name, Status.NOT_PE, size=st.st_size, error="not a PE file")
    try:
        pe = pefile.PE(name, fast_load=True)
    except pefile.PEFormatError as exc:
        return VersionInfo(name, Status.CORRUPT, size=st.st_size, error=str(exc.value))
    except OSError as exc:
        return VersionInfo(name, Status.UNREADABLE, size=st.st_size, error=exc.strerror or str(exc))
    try:
        return _convert(name, st.st_size, pe)
    finally:
        pe.close()


def _convert(name: str, size: int, pe: Any) -> VersionInfo:
    machine = int(pe.FILE_HEADER.Machine)
    known: dict[str, Any] = {
        "size": size,
        "machine": machine,
        "platform": MACHINES.get(machine, f"unknown (0x{machine:04x})"),
        "pe_format": "PE32+" if pe.OPTIONAL_HEADER.Magic == 0x20B else "PE32",
        "link_time": int(pe.FILE_HEADER.TimeDateStamp),
    }
    try:
        pe.parse_data_directories(directories=[_RESOURCE])
    except Exception as exc:  # pefile raises assorted errors on damaged resources
        return VersionInfo(name, Status.CORRUPT, error=str(exc), **known)
    if not getattr(pe, "VS_VERSIONINFO", None):
        return VersionInfo(name, Status.NO_VERSION, **known)
    fixed_list = getattr(pe, "VS_FIXEDFILEINFO", None) or []
    file_version = product_version = None
    file_flags = None
    error = None
    if fixed_list:
        fixed = fixed_list[0]
        file_version = from_ms_ls(fixed.FileVersionMS, fixed.FileVersionLS)
        product_version = from_ms_ls(fixed.ProductVersionMS, fixed.ProductVersionLS)
        file_flags = fixed.FileFlags & fixed.FileFlagsMask
        if fixed.Signature != _FIXED_SIGNATURE:
            error = f"VS_FIXEDFILEINFO signature is 0x{fixed.Signature:08x}"
    tables: list[StringTable] = []
    translations: list[tuple[int, int]] = []
    file_info = getattr(pe, "FileInfo", None) or [[]]
    for entry in file_info[0]:
        key = entry.Key.decode("ascii", "replace") if isinstance(entry.Key, bytes) else entry.Key
        if key == "StringFileInfo":
            for table in entry.StringTable:
                strings = {_text(k): _text(v) for k, v in table.entries.items()}
                tables.append(StringTable(_text(table.LangID), strings))
        elif key == "VarFileInfo":
            for var in entry.Var:
                for k, value in var.entry.items():
                    if _text(k) != "Translation":
                        continue
                    # pefile keeps one pair, the last, as "0x0409 0x04b0".
                    lang, codepage = (int(word, 16) for word in _text(value).split()[:2])
                    translations.append((lang, codepage))
    chosen = _choose_table(tables, translations)
    return VersionInfo(
        name,
        Status.CORRUPT if error else Status.OK,
        file_version=file_version,
        product_version=product_version,
        file_flags=file_flags,
        translations=tuple(translations),
        tables=tuple(tables),
        language=chosen.key if chosen else None,
        strings=dict(chosen.strings) if chosen else {},
        error=error,
        **known,
    )


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value
