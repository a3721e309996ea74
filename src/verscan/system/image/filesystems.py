"""The file systems inside a volume: NTFS (libfsntfs) and FAT/exFAT (libfsfat), read-only.

Both libraries list a folder's entries and read a file's data at an offset. This
module gives the walk one shape for both: a folder's children as :class:`Child`
records (name, kind, size, a key that identifies the file, the library's entry),
in the library's order, and a positioned read per file. libfsntfs decompresses
NTFS-compressed files (LZNT1, in the fixtures) and, by its documentation, files
Windows' Compact OS compressed (WOF: no Linux tool writes them, so no fixture has
one); it does not decrypt EFS. Deleted entries and alternate data streams are not
listed.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from verscan.pe import Status, VersionInfo, read_version_info_at
from verscan.system.image.container import brief

PositionedRead = Callable[[int, int], bytes]

FOLDER = "folder"
FILE = "file"
LINK = "link"

FIRST_USER_RECORD = 16
"""NTFS MFT records below this hold the file system's own files ($MFT, $Extend, ...):
they are hidden, as a mounted volume hides them."""
_FILETIME_EPOCH = 116444736000000000
"""1970-01-01 in FILETIME units (100 ns since 1601)."""
_FILE_ATTRIBUTE_DIRECTORY = 0x10
_FILE_ATTRIBUTE_REPARSE_POINT = 0x400
_REPARSE_POINT = 0xC0
"""The $REPARSE_POINT attribute's type."""
_NAME_SURROGATE = 0x20000000
"""Set in the tags of reparse points that name another path: mount points (junctions),
symbolic links. Windows calls it IsReparseTagNameSurrogate."""


@dataclass(frozen=True)
class Child:
    """One entry of a folder."""

    name: str
    kind: str
    """:data:`FOLDER`, :data:`FILE` or :data:`LINK` (a junction or symbolic link)."""
    size: int
    key: int
    """Identifies the file in its volume (the MFT record): folders met twice are a loop."""
    entry: Any
    """The library's file entry."""
    index: int
    """Its index in its folder (to fetch it again without keeping it)."""
    error: str | None = None
    """Why the file cannot be read at all (its MFT record is damaged), None when it can."""


class _Slice:
    """A volume inside the disk, as the file-like object the libraries read from."""

    __slots__ = ("_base", "_pos", "_pread", "_size")

    def __init__(self, pread: PositionedRead, base: int, size: int) -> None:
        self._pread, self._base, self._size, self._pos = pread, base, size, 0

    def read(self, size: int = -1) -> bytes:
        pos = self._pos
        n = self._size - pos
        if 0 <= size < n:
            n = size
        if n <= 0:
            return b""
        data = self._pread(n, self._base + pos)
        self._pos = pos + len(data)
        return data

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if whence == os.SEEK_CUR:
            offset += self._pos
        elif whence == os.SEEK_END:
            offset += self._size
        self._pos = offset
        return offset

    def tell(self) -> int:
        return self._pos

    def get_offset(self) -> int:
        return self._pos

    def get_size(self) -> int:
        return self._size

    def close(self) -> None:
        return None


class FileSystem:
    """A volume's file system, opened read-only."""

    kind: str
    library: Any
    """The library's volume object."""

    def __init__(self, kind: str, library: Any) -> None:
        self.kind = kind
        self.library = library

    def root(self) -> Any:
        """The root folder's entry."""
        return self.library.get_root_directory()

    def count(self, folder: Any) -> int:
        """How many entries the folder has (:class:`OSError` when its index cannot be read)."""
        return _number(folder.get_number_of_sub_file_entries())

    def child(self, folder: Any, index: int, top: bool) -> Child | None:
        """The folder's entry ``index``; None for entries a mounted volume does not show."""
        raise NotImplementedError

    def children(self, folder: Any, top: bool) -> Iterator[Child | tuple[int, str]]:
        """The folder's entries in the library's order, one at a time (a folder's entries
        are never all held at once); ``(index, error)`` for one that cannot be read.
        :class:`OSError` at once when the folder cannot be listed at all."""
        return self._children(folder, top, self.count(folder))

    def _children(self, folder: Any, top: bool, count: int) -> Iterator[Child | tuple[int, str]]:
        for i in range(count):
            try:
                found = self.child(folder, i, top)
            except (OSError, ValueError) as exc:
                yield i, brief(exc)
                continue
            if found is not None:
                yield found

    def pread(self, child: Child) -> PositionedRead:
        """Positioned reads of the file's data (:class:`OSError` when they fail)."""
        read_at = child.entry.read_buffer_at_offset
        error = child.error

        def pread(length: int, offset: int) -> bytes:
            if error is not None:
                raise OSError(error)
            try:
                return bytes(read_at(length, offset))
            except (OSError, ValueError) as exc:
                raise OSError(f"cannot read its data: {brief(exc)}") from None

        return pread

    def read_version(self, child: Child, name: str) -> VersionInfo:
        """What the reader finds in the file (``name`` labels it)."""
        if child.error is not None:
            return VersionInfo(name, Status.UNREADABLE, error=child.error)
        return read_version_info_at(self.pread(child), child.size, name)

    def mtime(self, entry: Any) -> float | None:
        """The file's modification time (seconds since 1970), None when not known."""
        return None

    def close(self) -> None:
        """Release the volume."""
        with contextlib.suppress(OSError):
            self.library.close()


class Ntfs(FileSystem):
    """An NTFS volume through libfsntfs."""

    def child(self, folder: Any, index: int, top: bool) -> Child | None:
        entry = folder.get_sub_file_entry(index)
        name = entry.get_name()
        if name is None:
            return None
        if entry.is_empty():
            # The folder's index names a record that holds nothing: chkdsk marked it BAAD,
            # or it was torn or overwritten.
            record = _number(entry.get_i30_file_reference()) & 0xFFFFFFFFFFFF
            return Child(name, FILE, 0, record, entry, index,
                         f"its MFT record {record} is damaged (no file record there)")  # fmt: skip
        key = _number(entry.get_file_reference()) & 0xFFFFFFFFFFFF
        if top and key < FIRST_USER_RECORD:
            return None
        flags = _number(entry.get_file_attribute_flags())
        if flags & _FILE_ATTRIBUTE_REPARSE_POINT and _is_link(entry):
            return Child(name, LINK, 0, key, entry, index)
        if entry.has_directory_entries_index():
            return Child(name, FOLDER, 0, key, entry, index)
        return Child(name, FILE, _number(entry.get_size()), key, entry, index)

    def mtime(self, entry: Any) -> float | None:
        try:
            filetime = entry.get_modification_time_as_integer()
        except OSError:
            return None
        if not filetime:
            return None
        return (int(filetime) - _FILETIME_EPOCH) / 1e7


def _number(value: Any) -> int:
    """A value the library read from the volume, 0 when a damaged record gave none."""
    return int(value) if isinstance(value, int) else 0


def _is_link(entry: Any) -> bool:
    """Whether the entry's reparse point makes it a name for another path (a junction or a
    symbolic link), not a file whose data Windows keeps elsewhere (WOF, deduplication)."""
    for i in range(_number(entry.get_number_of_attributes())):
        attribute = entry.get_attribute(i)
        if attribute.get_attribute_type() == _REPARSE_POINT:
            return bool(_number(attribute.get_tag()) & _NAME_SURROGATE)
    return False


class Fat(FileSystem):
    """A FAT12/16/32 or exFAT volume through libfsfat.

    Modification times are not taken: the library's FAT times were found a month off.
    """

    def child(self, folder: Any, index: int, top: bool) -> Child | None:
        entry = folder.get_sub_file_entry(index)
        name = entry.get_name()
        if not name or name in (".", ".."):
            return None
        key = _number(entry.get_identifier())
        if _number(entry.get_file_attribute_flags()) & _FILE_ATTRIBUTE_DIRECTORY:
            return Child(name, FOLDER, 0, key, entry, index)
        return Child(name, FILE, _number(entry.get_size()), key, entry, index)


def open_file_system(kind: str, source: Any) -> FileSystem:
    """Open the volume (a path, or a file-like object) holding a ``kind`` file system.

    Raises :class:`OSError` when the library cannot open it.
    """
    if kind == "NTFS":
        import pyfsntfs

        volume = pyfsntfs.volume()
        opener: type[FileSystem] = Ntfs
    else:
        import pyfsfat

        volume = pyfsfat.volume()
        opener = Fat
    if isinstance(source, str):
        volume.open(source)
    else:
        volume.open_file_object(source)
    return opener(kind, volume)


def volume_source(
    pread: PositionedRead, offset: int, size: int, handle: Any, raw_path: str | None
) -> Any:
    """What the library should read a volume from: the raw image's path when the volume
    is the whole of it (the library's own reads, fastest), the container's object when
    the volume is the whole disk, else a slice of the disk."""
    if offset == 0 and raw_path is not None and size == os.path.getsize(raw_path):
        return raw_path
    if offset == 0 and handle is not None and size == handle.get_media_size():
        return handle
    return _Slice(pread, offset, size)
