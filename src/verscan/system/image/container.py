"""The bytes of the disk inside an image file: raw, EWF, VHD/VHDX or VMDK.

Containers are opened read-only by the libyal libraries (``pyewf``, ``pyvhdi``,
``pyvmdk``), which decompress EWF chunks, follow VHD/VHDX block tables and VMDK
grain tables, and find EWF's later segments (``.E02``...) and VMDK's extent files
beside the first. A raw image is read with :func:`os.pread`. Every read is a
positioned read of what is asked: no image is read into memory.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from verscan.errors import SourceError
from verscan.system.image.detect import EWF, RAW, VHD, VHDX, VMDK

PositionedRead = Callable[[int, int], bytes]


def brief(exc: BaseException) -> str:
    """A libyal error in a few words.

    libyal messages chain every function's complaint (``pyewf_handle_open: unable to
    open handle. libewf_...: unable to ...``): the outermost and innermost are kept.
    """
    text = " ".join(str(exc).split())
    parts = [p.strip() for p in re.split(r"(?<=\.) (?=[a-z_]+: )", text) if p.strip()]
    said = [re.sub(r"^[a-z_0-9]+: ", "", p).rstrip(".") for p in parts]
    said = [s for s in dict.fromkeys(said) if s]
    if not said:
        return exc.__class__.__name__
    if len(said) == 1:
        return said[0]
    return f"{said[0]} ({said[-1]})"


CACHE_BYTES = 64 << 20
"""The most a disk's block cache holds (compressed containers only)."""


class BlockCache:
    """Recently read blocks of a compressed disk (EWF chunks, VMDK grains), least recently
    used dropped first.

    The file system's reads are small and many (an MFT record, an index block, a file's
    first 4 KiB) and fall again and again in the same few compressed chunks: each chunk
    is then decompressed once, not once per read. Blocks are the container's own chunks,
    so a chunk that cannot be read spoils no other. Bounded by :data:`CACHE_BYTES`.
    """

    def __init__(self, pread: PositionedRead, size: int, block: int) -> None:
        from collections import OrderedDict

        self._pread = pread
        self._size = size
        self._block = block
        self._blocks: OrderedDict[int, bytes] = OrderedDict()
        self._most = max(4, CACHE_BYTES // block)

    def pread(self, length: int, offset: int) -> bytes:
        """Up to ``length`` bytes at ``offset``; large reads (hashing) bypass the cache."""
        block = self._block
        if length > 4 * block:
            return self._pread(length, offset)
        end = min(offset + length, self._size)
        pieces = []
        position = offset
        while position < end:
            index = position // block
            data = self._get(index)
            start = position - index * block
            piece = data[start : start + end - position]
            if not piece:
                break
            pieces.append(piece)
            position += len(piece)
        return pieces[0] if len(pieces) == 1 else b"".join(pieces)

    def _get(self, index: int) -> bytes:
        blocks = self._blocks
        data = blocks.get(index)
        if data is not None:
            blocks.move_to_end(index)
            return data
        data = self._pread(self._block, index * self._block)
        blocks[index] = data
        if len(blocks) > self._most:
            blocks.popitem(last=False)
        return data


class ImageReadError(OSError):
    """A read from an image's container failed (a missing segment, a damaged chunk)."""


@dataclass
class Disk:
    """An image file's disk, ready for positioned reads."""

    path: str
    """The image file as named."""
    kind: str
    """One of :data:`verscan.system.image.detect.KINDS`."""
    size: int
    """The disk's size in bytes (the media size, not the file's)."""
    pread: PositionedRead
    """``pread(length, offset)`` on the disk; short only at its end."""
    sector_size: int = 512
    handle: Any = None
    """The library's file-like object (read/seek/get_size), None for a raw image or when
    reads must go through :attr:`pread` (a cached, compressed container)."""
    files: tuple[str, ...] = ()
    """Every file the image is made of (segments, extents)."""
    problems: list[str] = field(default_factory=list)
    """What is wrong with the image as a whole (a missing segment), one line each."""
    _fd: int | None = None
    _closing: Any = None

    def close(self) -> None:
        """Release the image's files."""
        for handle in (self.handle, self._closing):
            if handle is not None:
                with contextlib.suppress(OSError):
                    handle.close()
        self.handle = self._closing = None
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def open_disk(path: str, kind: str) -> Disk:
    """Open the image at ``path`` (of ``kind``). Raises :class:`SourceError` when it cannot
    be opened at all, ImportError when the image libraries are not installed."""
    if kind == RAW:
        return _raw(path)
    opener = {EWF: _ewf, VHD: _vhdi, VHDX: _vhdi, VMDK: _vmdk}[kind]
    try:
        return opener(path, kind)
    except OSError as exc:
        raise SourceError(f"{path}: cannot open the {kind} image: {brief(exc)}") from exc


def _raw(path: str) -> Disk:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise SourceError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    size = os.fstat(fd).st_size

    def pread(length: int, offset: int) -> bytes:
        return os.pread(fd, length, offset)

    return Disk(path, RAW, size, pread, files=(path,), _fd=fd)


def _library_read(handle: Any) -> PositionedRead:
    read_at = handle.read_buffer_at_offset

    def pread(length: int, offset: int) -> bytes:
        try:
            return bytes(read_at(length, offset))
        except OSError as exc:
            raise ImageReadError(brief(exc)) from None

    return pread


def _ewf(path: str, kind: str) -> Disk:
    import pyewf

    segments = tuple(pyewf.glob(path))
    handle = pyewf.handle()
    handle.open(list(segments))
    size = handle.get_media_size()
    cache = BlockCache(_library_read(handle), size, handle.get_chunk_size() or 32768)
    disk = Disk(
        path,
        kind,
        size,
        cache.pread,
        sector_size=handle.get_bytes_per_sector() or 512,
        files=segments,
        _closing=handle,
    )
    missing = _ewf_missing(segments)
    if missing is not None:
        disk.problems.append(missing)
    return disk


def _ewf_missing(segments: tuple[str, ...]) -> str | None:
    """Whether segments are missing after the last one found: EWF's last segment ends with
    a ``done`` section, every other one with ``next``."""
    last = segments[-1]
    try:
        with open(last, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            end = fh.tell()
            fh.seek(max(0, end - 76))
            section = fh.read(16).rstrip(b"\0")
    except OSError as exc:  # pragma: no cover - the library just read it
        return f"{last}: cannot read: {exc.strerror or exc}"
    if section == b"done":
        return None
    name = os.path.basename(last)
    if section == b"next":
        stem, ext = os.path.splitext(name)
        following = _next_segment(ext)
        what = f"{stem}{following}" if following else "the next segment"
        return (
            f"segment file {what} is missing (the image's segments end with {name}): "
            "what lies beyond cannot be read"
        )
    return f"segment file {name} is cut short: what lies beyond its end cannot be read"


def _next_segment(ext: str) -> str | None:
    """``.E02`` after ``.E01``, ``.E10`` after ``.E09``, ``.EAA`` after ``.E99``."""
    m = re.fullmatch(r"\.([EeLlSs])(\d\d)", ext)
    if m is None:
        return None
    number = int(m.group(2)) + 1
    return f".{m.group(1)}{number:02d}" if number <= 99 else f".{m.group(1)}AA"


def _vhdi(path: str, kind: str) -> Disk:
    import pyvhdi

    handle = pyvhdi.file()
    handle.open(path)
    if handle.get_parent_identifier() is not None:
        parent = handle.get_parent_filename() or "its parent"
        handle.close()
        raise SourceError(
            f"{path}: a differencing {kind} (its changes on top of {parent}); "
            "verscan reads whole disks: merge it first (qemu-img convert)"
        )
    return Disk(
        path,
        kind,
        handle.get_media_size(),
        _library_read(handle),
        sector_size=handle.get_bytes_per_sector() or 512,
        handle=handle,
        files=(path,),
    )


def _vmdk(path: str, kind: str) -> Disk:
    import pyvmdk

    handle = pyvmdk.handle()
    handle.open(path)
    if handle.get_parent_content_identifier() not in (None, 0xFFFFFFFF):
        parent = handle.get_parent_filename() or "its parent"
        handle.close()
        raise SourceError(
            f"{path}: a VMDK snapshot (its changes on top of {parent}); "
            "verscan reads whole disks: merge it first (qemu-img convert)"
        )
    folder = os.path.dirname(path)
    files = [path]
    for i in range(handle.get_number_of_extents()):
        extent = handle.get_extent_descriptor(i)
        name = extent.get_filename()
        if name:
            extent_path = os.path.join(folder, name)
            if not os.path.isfile(extent_path):
                handle.close()
                raise SourceError(f"{path}: its extent file {name} is missing")
            files.append(extent_path)
    handle.open_extent_data_files()
    size = handle.get_media_size()
    cache = BlockCache(_library_read(handle), size, 65536)  # a sparse extent's grain
    return Disk(path, kind, size, cache.pread, files=tuple(dict.fromkeys(files)), _closing=handle)
