"""Files compressed by Microsoft's tools: recognising them and expanding them, bounded.

Service-pack and hotfix folders hold files compressed with ``COMPRESS.EXE`` or
``MAKECAB.EXE``, their names ending in ``_`` (``iischema.dl_``). Two formats:

- a **cabinet** (``MSCF``): holds one file or several, each under its stored name;
- **SZDD** (``SZDD`` then ``88 F0 27 33``): holds one file and, in byte 9 of its
  header, the last character of the name that ``COMPRESS -r`` replaced with ``_``.

Both are read with libmspack (the ``pylibmspack`` bindings); the format is told
by the file's first bytes, not by its name. Expansion goes to a private
temporary folder that is removed at once: nothing is ever written next to the
compressed file. Declared sizes are checked before expanding and the real size
after, since libmspack stops quietly at the end of a truncated SZDD file.
"""

from __future__ import annotations

import enum
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

import pylibmspack

from verscan.errors import ArchiveError

MAX_EXPANDED = 512 * 1024 * 1024
"""Largest expanded file verscan agrees to write (512 MiB); larger ones are refused."""

_CAB_MAGIC = b"MSCF\0\0\0\0"
_SZDD_MAGIC = b"SZDD\x88\xf0\x27\x33"
_SZDD_QBASIC_MAGIC = b"SZ \x88\xf0\x27\x33\xd1"
_KWAJ_MAGIC = b"KWAJ\x88\xf0\x27\xd1"

# Characters that must never come out of a header into a file name.
_UNSAFE_NAME_CHARS = frozenset('/\\:*?"<>|')

T = TypeVar("T")

# libmspack's error numbers (mspack.h), as pylibmspack reports them.
_LIBMSPACK_ERRORS = {
    2: "cannot open",
    3: "read error, the file may be truncated",
    5: "seek error, the file may be truncated",
    6: "out of memory",
    7: "bad signature",
    8: "bad data format",
    9: "checksum mismatch",
    11: "compressed data cannot be decoded",
}


class Packing(str, enum.Enum):
    """How a file is compressed."""

    CABINET = "cabinet"
    """A Microsoft cabinet (``MSCF``), one or more files."""
    SZDD = "szdd"
    """``COMPRESS.EXE``'s SZDD format, one file."""

    @property
    def label(self) -> str:
        """The format's name in messages."""
        return "cabinet" if self is Packing.CABINET else "SZDD file"


@dataclass(frozen=True)
class Entry:
    """One file held in a compressed file."""

    archive: str
    """Path of the compressed file."""
    packing: Packing
    """Its format."""
    stored: str
    """The name as stored: the member name in a cabinet, the compressed file's name for SZDD."""
    name: str
    """The real name of the file: the cabinet member's name without folders, or the
    expanded SZDD name (``iischema.dl_`` with stored character ``l`` → ``iischema.dll``)."""
    size: int | None
    """The expanded size the header declares."""
    modified: datetime | None = None
    """The member's date and time as the cabinet stores them (local time of the
    packer, no time zone); None for SZDD, which stores none."""


def packing_of(path: str) -> Packing | None:
    """The compressed format of the file at ``path`` by its first bytes; None for any other file.

    KWAJ files (``COMPRESS -Z``) are recognised and refused with :class:`ArchiveError`.
    A file that cannot be opened is "not compressed": reading it later reports why.
    """
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except OSError:
        return None
    if head == _CAB_MAGIC:
        return Packing.CABINET
    if head in (_SZDD_MAGIC, _SZDD_QBASIC_MAGIC):
        return Packing.SZDD
    if head == _KWAJ_MAGIC:
        raise ArchiveError(f"{path}: KWAJ compressed file: this format is not supported")
    return None


def szdd_name(compressed: str, missing: int) -> str:
    """The expanded name of an SZDD file called ``compressed`` whose header stores ``missing``.

    ``COMPRESS -r`` replaces the last character with ``_`` and stores it in the
    header (``iischema.dl_`` + ``l``). Other compressors append ``_`` and store 0
    (``iischema.dll_``): then the underscore is dropped. A name without a final
    underscore was renamed after compression and is kept as it is.
    """
    if not compressed.endswith("_"):
        return compressed
    stem = compressed[:-1]
    char = chr(missing) if 32 < missing < 127 else ""
    if char and char not in _UNSAFE_NAME_CHARS:
        return stem + char
    # No usable stored character: the name was "name.ext" + "_" (or "name." + "_").
    return stem[:-1] if stem.endswith(".") and len(stem) > 1 else stem or compressed


def list_entries(path: str) -> list[Entry]:
    """The files held in the compressed file at ``path`` (its format told by :func:`packing_of`).

    Raises :class:`ArchiveError` when the file is not a compressed file or its
    header is damaged.
    """
    packing = packing_of(path)
    if packing is None:
        raise ArchiveError(f"{path}: not a cabinet or SZDD compressed file")
    base = os.path.basename(path)
    try:
        if packing is Packing.SZDD:
            info = pylibmspack.SzddFile(path).info()
            return [
                Entry(
                    path,
                    packing,
                    base,
                    szdd_name(base, int(info.get("missing_char", 0))),
                    int(info["length"]),
                )
            ]
        members = pylibmspack.CabArchive(path).files()
    except pylibmspack.MspackError as exc:
        raise ArchiveError(f"{path}: damaged {packing.label} header: {_describe(exc)}") from exc
    except OSError as exc:
        raise ArchiveError(f"{path}: {exc.strerror or exc}") from exc
    if not members:
        raise ArchiveError(f"{path}: the cabinet holds no files")
    entries = []
    for member in members:
        stored = str(member["name"])
        # Cabinet names may carry folders (``i386\\iischema.dll``): the last part is installed.
        name = stored.replace("\\", "/").rsplit("/", 1)[-1] or stored
        entries.append(Entry(path, packing, stored, name, int(member["size"]), _cab_time(member)))
    return entries


def _cab_time(member: pylibmspack.CabFileInfo) -> datetime | None:
    try:
        return datetime(
            int(member["date_y"]),
            int(member["date_m"]),
            int(member["date_d"]),
            int(member["time_h"]),
            int(member["time_m"]),
            int(member["time_s"]),
        )
    except (KeyError, ValueError, TypeError):
        return None


def _describe(exc: Exception) -> str:
    """libmspack's error in words, with its number for reference."""
    m = re.search(r"libmspack error (\d+)", str(exc))
    if m is None:
        return str(exc)
    number = int(m.group(1))
    return f"{_LIBMSPACK_ERRORS.get(number, 'error')} (libmspack error {number})"


def _limit(n: int) -> str:
    mib = 1024 * 1024
    return f"{n // mib} MiB" if n % mib == 0 else f"{n} bytes"


def expand(entry: Entry, read: Callable[[str], T], *, max_size: int = MAX_EXPANDED) -> T:
    """Expand ``entry`` into a private temporary folder, return ``read(path)``, remove the folder.

    Refuses entries that declare more than ``max_size`` bytes, and raises
    :class:`ArchiveError` when the data is damaged or shorter than declared.
    Messages start with the compressed file's path, then (for a cabinet) the member.
    """
    what = entry.archive if entry.packing is Packing.SZDD else f"{entry.archive}: {entry.stored}"
    if entry.size is not None and entry.size > max_size:
        raise ArchiveError(
            f"{what}: expands to {entry.size} bytes, more than the {_limit(max_size)} allowed;"
            " not expanded"
        )
    with tempfile.TemporaryDirectory(prefix="verscan-expand-") as tmp:
        try:
            if entry.packing is Packing.CABINET:
                out = pylibmspack.CabArchive(entry.archive).extract(
                    entry.stored, tmp, max_size=max_size
                )
            else:
                out = pylibmspack.SzddFile(entry.archive).extract(
                    tmp, out_name="expanded", max_size=max_size
                )
            actual = os.path.getsize(out)
        except pylibmspack.MspackPathTraversalError as exc:
            raise ArchiveError(f"{what}: unsafe member name, not expanded ({exc})") from exc
        except pylibmspack.MspackError as exc:
            if "max_size" in str(exc):
                raise ArchiveError(
                    f"{what}: expands to more than the {_limit(max_size)} allowed; not expanded"
                ) from exc
            raise ArchiveError(
                f"{what}: cannot expand, damaged {entry.packing.label}: {_describe(exc)}"
            ) from exc
        except OSError as exc:
            raise ArchiveError(f"{what}: cannot expand: {exc.strerror or exc}") from exc
        if entry.size is not None and actual != entry.size:
            raise ArchiveError(
                f"{what}: truncated or damaged {entry.packing.label}:"
                f" expanded {actual} of {entry.size} bytes declared"
            )
        return read(out)
