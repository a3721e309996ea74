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
    """The library's file-like object (read/seek/get_size), None for a raw image."""
    files: tuple[str, ...] = ()
    """Every file the image is made of (segments, extents)."""
    problems: list[str] = field(default_factory=list)
    """What is wrong with the image as a whole (a missing segment), one line each."""
    _fd: int | None = None

    def close(self) -> None:
        """Release the image's files."""
        if self.handle is not None:
            with contextlib.suppress(OSError):
                self.handle.close()
            self.handle = None
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
    disk = Disk(
        path,
        kind,
        handle.get_media_size(),
        _library_read(handle),
        sector_size=handle.get_bytes_per_sector() or 512,
        handle=handle,
        files=segments,
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
    return Disk(
        path,
        kind,
        handle.get_media_size(),
        _library_read(handle),
        handle=handle,
        files=tuple(dict.fromkeys(files)),
    )
