"""Filesystem faults, each set up around ``victim.dll`` in a tree (see helpers.py).

A fault is either real (a FIFO, a device, a link, a name, a sparse file) or
made by patching the OS layer for the victim's path alone: this process runs
as root, which no permission bit stops, and a file cannot be made to vanish or
shrink at the right moment otherwise.
"""

from __future__ import annotations

import builtins
import errno
import os
import shutil
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.robustness.helpers import PE, VICTIM

WALK = "walk"
"""The walk reports the path and does not read it."""
UNREADABLE = "unreadable"
"""The walk finds a file that cannot then be read."""
CORRUPT = "corrupt"
"""The file is read, and found damaged."""
BENIGN = "benign"
LINK = "link"
"""A symbolic link the walk leaves alone (no --follow-links): reported, not a fault."""
"""Nothing is wrong: the file must be read like any other."""

Setup = Callable[[Path, pytest.MonkeyPatch], None]


@dataclass(frozen=True)
class Fault:
    """One fault: how it is made, what kind it is, and what the report must mention."""

    name: str
    kind: str
    setup: Setup
    marker: str | None
    """Text that names the fault on stderr (or in the report), None for a benign one."""

    def __str__(self) -> str:
        return self.name


def system32(tree: Path) -> Path:
    return tree / "WINNT" / "system32"


def _copy_victim(folder: Path, name: str | bytes = VICTIM) -> bytes:
    target = os.path.join(os.fsencode(folder), os.fsencode(name))
    shutil.copyfile(PE / "win7sp1_x64.dll", target)
    return target


def _same(path: object, victim: str) -> bool:
    if isinstance(path, int):
        return False
    return os.path.abspath(os.fsdecode(path)) == victim  # type: ignore[arg-type]


def deny(monkeypatch: pytest.MonkeyPatch, victim: str | os.PathLike[str]) -> None:
    """Opening ``victim`` fails with EACCES, as it would for an unprivileged user."""
    victim = os.path.abspath(victim)
    real_os_open = os.open
    real_open = builtins.open

    def os_open(path: Any, flags: int, mode: int = 0o777, *, dir_fd: int | None = None) -> int:
        if dir_fd is None and _same(path, victim):
            raise PermissionError(errno.EACCES, "Permission denied", os.fsdecode(path))
        return real_os_open(path, flags, mode, dir_fd=dir_fd)

    def open_(file: Any, *args: Any, **kwargs: Any) -> Any:
        if _same(file, victim):
            raise PermissionError(errno.EACCES, "Permission denied", os.fsdecode(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(builtins, "open", open_)


def permission_denied_file(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    deny(monkeypatch, os.fsdecode(_copy_victim(system32(tree))))


def permission_denied_folder(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = system32(tree) / "locked"
    locked.mkdir()
    _copy_victim(locked)
    real_scandir = os.scandir

    def scandir(path: Any = ".") -> Any:
        if _same(path, str(locked)):
            raise PermissionError(errno.EACCES, "Permission denied", str(locked))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)


class _Listing:
    """A finished folder listing that behaves like ``os.scandir``'s iterator."""

    def __init__(self, entries: list[os.DirEntry[Any]]) -> None:
        self._entries = iter(entries)

    def __enter__(self) -> _Listing:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def __iter__(self) -> Iterator[os.DirEntry[Any]]:
        return self

    def __next__(self) -> os.DirEntry[Any]:
        return next(self._entries)

    def close(self) -> None:
        return None


def vanished(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The victim is listed, then deleted before it is read."""
    victim = os.path.abspath(os.fsdecode(_copy_victim(system32(tree))))
    real_scandir = os.scandir

    def scandir(path: Any = ".") -> Any:
        with real_scandir(path) as it:
            entries = list(it)
        for entry in entries:
            if _same(entry.path, victim) and os.path.exists(victim):
                os.unlink(victim)
        return _Listing(entries)

    monkeypatch.setattr(os, "scandir", scandir)


def shrinking(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The victim is cut to 100 bytes just after its size was taken."""
    victim = _copy_victim(system32(tree))
    st = os.stat(victim)
    key = (st.st_dev, st.st_ino)
    real_fstat = os.fstat

    def fstat(fd: int) -> os.stat_result:
        found = real_fstat(fd)
        if (found.st_dev, found.st_ino) == key and found.st_size > 100:
            os.truncate(victim, 100)
        return found

    monkeypatch.setattr(os, "fstat", fstat)


def non_utf8_name(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _copy_victim(system32(tree), b"victim\xff\xfe.dll")


def long_name(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    name = "victim" + "x" * (255 - len("victim.dll")) + ".dll"
    assert len(name.encode()) == 255
    _copy_victim(system32(tree), name)


DEEP_PART = "d" * 200


def deep_path(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The victim at the bottom of folders whose path is longer than PATH_MAX (4096 bytes)."""
    fd = os.open(system32(tree), os.O_RDONLY)
    try:
        for _ in range(24):
            os.mkdir(DEEP_PART, dir_fd=fd)
            inner = os.open(DEEP_PART, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
        out = os.open(VICTIM, os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        with os.fdopen(out, "wb") as fh:
            fh.write((PE / "win7sp1_x64.dll").read_bytes())
    finally:
        os.close(fd)


def fifo(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    os.mkfifo(system32(tree) / VICTIM)


def char_device(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        os.mknod(system32(tree) / VICTIM, stat.S_IFCHR | 0o600, os.makedev(1, 5))  # /dev/zero
    except (PermissionError, AttributeError):
        pytest.skip("cannot create a device file here")


def link_to_dev_zero(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    os.symlink("/dev/zero", system32(tree) / VICTIM)


def broken_link(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    os.symlink("missing.dll", system32(tree) / VICTIM)


def link_loop(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    os.symlink("victim-b.dll", system32(tree) / VICTIM)
    os.symlink(VICTIM, system32(tree) / "victim-b.dll")


HUGE = 8 << 30


def huge_sparse_file(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An 8 GiB file (sparse: it takes no room) holding a real PE image at its start."""
    victim = _copy_victim(system32(tree))
    with open(victim, "r+b") as fh:
        fh.truncate(HUGE)


FAULTS = [
    Fault("permission denied (file)", UNREADABLE, permission_denied_file, "Permission denied"),
    Fault("permission denied (folder)", WALK, permission_denied_folder, "Permission denied"),
    Fault("broken symbolic link", LINK, broken_link, VICTIM),
    Fault("symbolic link loop", LINK, link_loop, VICTIM),
    Fault("file vanishes before it is read", UNREADABLE, vanished, "No such file or directory"),
    Fault("file shrinks while it is read", CORRUPT, shrinking, VICTIM),
    Fault("name not UTF-8", BENIGN, non_utf8_name, None),
    Fault("255-byte name", BENIGN, long_name, None),
    Fault("path longer than 4096 bytes", WALK, deep_path, "File name too long"),
    Fault("FIFO", WALK, fifo, "FIFO, not read"),
    Fault("character device", WALK, char_device, "character device, not read"),
    Fault("link to /dev/zero", LINK, link_to_dev_zero, VICTIM),
    Fault("8 GiB sparse file", BENIGN, huge_sparse_file, None),
]
