"""Files compressed by Microsoft's tools: recognising them and expanding them, bounded.

Service-pack and hotfix folders hold files compressed with ``COMPRESS.EXE`` or
``MAKECAB.EXE``, their names ending in ``_`` (``iischema.dl_``). Two formats:

- a **cabinet** (``MSCF``): holds one file or several, each under its stored name;
- **SZDD** (``SZDD`` then ``88 F0 27 33``): holds one file and, in byte 9 of its
  header, the last character of the name that ``COMPRESS -r`` replaced with ``_``.

Both are read with libmspack (the ``pylibmspack`` bindings); the format is told
by the file's first bytes, not by its name. An :class:`Expander` expands one file
at a time into a private temporary folder and removes it as soon as it is read:
nothing is ever written next to the compressed file, and the folder goes when
the expander is closed, or when a signal stops the run (:mod:`verscan.interrupts`).

A compressed file's header may lie. What one may cost is bounded by
:class:`Limits`, each refused with one line naming the file and the limit:

- the size of one expanded file (:data:`MAX_EXPANDED`), declared and real, since
  libmspack stops quietly at the end of a truncated SZDD file;
- the bytes expanded from one compressed file in all (:data:`MAX_ARCHIVE_EXPANDED`):
  a cabinet of 0.9 MB can list four 511 MiB files at the same offset;
- the files and folders one cabinet lists (:data:`MAX_MEMBERS`, :data:`MAX_FOLDERS`),
  read from its header before libmspack reads the list: libmspack finds each file's
  folder by walking the list of folders, so its cost grows with files × folders;
- the processor time spent expanding from one compressed file
  (:data:`MAX_ARCHIVE_SECONDS`), checked before each file: a one-byte file at the far
  end of a 2 GiB folder costs what the whole folder does. Processor time, not the
  clock's, so that a busy machine does not refuse what an idle one accepts.
"""

from __future__ import annotations

import contextlib
import enum
import os
import re
import shutil
import struct
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import TypeVar

import pylibmspack

from verscan import interrupts
from verscan.errors import ArchiveError

MAX_EXPANDED = 512 * 1024 * 1024
"""Largest expanded file verscan agrees to write (512 MiB); larger ones are refused."""

MAX_ARCHIVE_EXPANDED = 1024 * 1024 * 1024
"""Most bytes expanded from one compressed file, all its files together (1 GiB)."""

MAX_MEMBERS = 10_000
"""Most files one cabinet may list."""

MAX_FOLDERS = 1_000
"""Most folders one cabinet may list (cabinets made by makecab or gcab have a few)."""

MAX_ARCHIVE_SECONDS = 60.0
"""Most processor time spent expanding files from one compressed file (seconds)."""


@dataclass(frozen=True)
class Limits:
    """What expanding may cost (see the module's documentation)."""

    member: int = MAX_EXPANDED
    """Bytes of one expanded file."""
    archive: int = MAX_ARCHIVE_EXPANDED
    """Bytes expanded from one compressed file, in all."""
    members: int = MAX_MEMBERS
    """Files one cabinet may list."""
    folders: int = MAX_FOLDERS
    """Folders one cabinet may list."""
    seconds: float = MAX_ARCHIVE_SECONDS
    """Processor seconds spent expanding from one compressed file."""


DEFAULT_LIMITS = Limits()

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


def _cabinet_counts(path: str) -> tuple[int, int]:
    """(folders, files) as the cabinet's header states them; (0, 0) when it is too short."""
    try:
        with open(path, "rb") as f:
            head = f.read(36)
    except OSError:
        return 0, 0
    if len(head) < 36:
        return 0, 0
    folders, files = struct.unpack_from("<HH", head, 26)
    return folders, files


def list_entries(path: str, *, limits: Limits = DEFAULT_LIMITS) -> list[Entry]:
    """The files held in the compressed file at ``path`` (its format told by :func:`packing_of`).

    Raises :class:`ArchiveError` when the file is not a compressed file, its
    header is damaged, or it lists more files or folders than ``limits`` allow.
    """
    packing = packing_of(path)
    if packing is None:
        raise ArchiveError(f"{path}: not a cabinet or SZDD compressed file")
    if packing is Packing.CABINET:
        folders, files = _cabinet_counts(path)
        for count, limit, what in (
            (files, limits.members, "files"),
            (folders, limits.folders, "folders"),
        ):
            if count > limit:
                raise ArchiveError(
                    f"{path}: the cabinet lists {count} {what}, more than the {limit:,} allowed;"
                    " not expanded"
                )
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


def _what(entry: Entry) -> str:
    """How a message names the entry: the compressed file, and for a cabinet the member."""
    return entry.archive if entry.packing is Packing.SZDD else f"{entry.archive}: {entry.stored}"


def total_declared(entries: list[Entry]) -> int:
    """The bytes the entries declare, all together."""
    return sum(e.size or 0 for e in entries)


def refuse_total(path: str, entries: list[Entry], limits: Limits = DEFAULT_LIMITS) -> None:
    """Raise :class:`ArchiveError` when expanding every entry would pass ``limits.archive``."""
    total = total_declared(entries)
    if total > limits.archive:
        raise ArchiveError(
            f"{path}: its {len(entries)} files expand to {total} bytes in all, more than the"
            f" {_limit(limits.archive)} allowed for one compressed file; not expanded"
        )


@dataclass
class _Spent:
    bytes: int = 0
    seconds: float = 0.0


class Expander:
    """Expands files one at a time into one private folder, each removed once it is read.

    Use it as a context manager (or call :meth:`close`): the folder is made when
    the first file is expanded and removed at the end. What is expanded from
    each compressed file is counted against :class:`Limits`.
    """

    def __init__(self, limits: Limits = DEFAULT_LIMITS) -> None:
        self.limits = limits
        self._folder: str | None = None
        self._spent: dict[str, _Spent] = {}

    def __enter__(self) -> Expander:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Remove the private folder and whatever is left in it."""
        with interrupts.deferred():
            if self._folder is not None:
                shutil.rmtree(self._folder, ignore_errors=True)
                self._folder = None

    def _private(self) -> str:
        with interrupts.deferred():  # made and remembered as one step
            if self._folder is None:
                self._folder = tempfile.mkdtemp(prefix="verscan-expand-")
        return self._folder

    def expand(self, entry: Entry, read: Callable[[str], T]) -> T:
        """Expand ``entry``, return ``read(path)`` of the expanded file, remove the file.

        Raises :class:`ArchiveError` when a limit would be passed, when the data is
        damaged or shorter than declared. Messages start with the compressed file's
        path, then (for a cabinet) the member.
        """
        limits = self.limits
        what = (
            entry.archive if entry.packing is Packing.SZDD else f"{entry.archive}: {entry.stored}"
        )
        spent = self._spent.setdefault(entry.archive, _Spent())
        if entry.size is not None and entry.size > limits.member:
            raise ArchiveError(
                f"{what}: expands to {entry.size} bytes, more than the {_limit(limits.member)}"
                " allowed; not expanded"
            )
        if spent.bytes + (entry.size or 0) > limits.archive:
            raise ArchiveError(
                f"{what}: with it, more than the {_limit(limits.archive)} allowed for one"
                f" compressed file would be expanded ({spent.bytes} bytes already); not expanded"
            )
        if spent.seconds > limits.seconds:
            raise ArchiveError(
                f"{what}: {spent.seconds:.1f} s of processor time already spent on this"
                f" compressed file, more than the {limits.seconds:g} s allowed; not expanded"
            )
        room = min(limits.member, limits.archive - spent.bytes)
        folder = self._private()
        started = time.process_time()
        try:
            out = self._extract(entry, folder, room, what)
            interrupts.checkpoint("expand")
            actual = os.path.getsize(out)
            if entry.size is not None and actual != entry.size:
                raise ArchiveError(
                    f"{what}: truncated or damaged {entry.packing.label}:"
                    f" expanded {actual} of {entry.size} bytes declared"
                )
            spent.bytes += actual
            return read(out)
        except OSError as exc:
            raise ArchiveError(f"{what}: cannot expand: {exc.strerror or exc}") from exc
        finally:
            spent.seconds += time.process_time() - started
            self._empty(folder)

    @staticmethod
    def _extract(entry: Entry, folder: str, room: int, what: str) -> str:
        try:
            if entry.packing is Packing.CABINET:
                out: str = pylibmspack.CabArchive(entry.archive).extract(
                    entry.stored, folder, max_size=room
                )
            else:
                out = pylibmspack.SzddFile(entry.archive).extract(
                    folder, out_name="expanded", max_size=room
                )
        except pylibmspack.MspackPathTraversalError as exc:
            raise ArchiveError(f"{what}: unsafe member name, not expanded ({exc})") from exc
        except pylibmspack.MspackError as exc:
            if "max_size" in str(exc):
                raise ArchiveError(
                    f"{what}: expands to more than the {_limit(room)} allowed; not expanded"
                ) from exc
            raise ArchiveError(
                f"{what}: cannot expand, damaged {entry.packing.label}: {_describe(exc)}"
            ) from exc
        return out

    @staticmethod
    def _empty(folder: str) -> None:
        """Remove everything the expansion made in ``folder`` (a member's folders too)."""
        with interrupts.deferred():
            for name in os.listdir(folder):
                path = os.path.join(folder, name)
                if os.path.isdir(path) and not os.path.islink(path):
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    with contextlib.suppress(OSError):
                        os.unlink(path)


def expand(entry: Entry, read: Callable[[str], T], *, max_size: int = MAX_EXPANDED) -> T:
    """Expand ``entry`` alone into a private folder, return ``read(path)``, remove the folder.

    Refuses entries that declare more than ``max_size`` bytes (see :meth:`Expander.expand`).
    """
    with Expander(Limits(member=max_size)) as expander:
        return expander.expand(entry, read)
