"""One walk of a directory tree, read-only, bounded, and honest about what it skipped.

The walk yields every regular file once, with its path relative to the root in
``/`` form, and a :class:`WalkProblem` for everything it could not or would not
enter: unreadable folders, special files (FIFOs and devices are never opened:
reading them could block), broken links, link loops, links it was not asked to
follow. It never opens a file itself.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class WalkEntry:
    """A regular file found by the walk."""

    path: str
    """Path to open (the root joined with the relative path)."""
    rel: str
    """Path relative to the root, with ``/`` separators."""
    name: str
    """The file name alone."""
    named: bool = False
    """Whether the user named this file (rather than a folder holding it)."""


@dataclass(frozen=True)
class WalkProblem:
    """Something under the root that was not walked, and why."""

    path: str
    """The path concerned."""
    message: str
    """What happened, in a few words."""

    @property
    def fault(self) -> bool:
        """Whether something could not be read (a link left alone as asked is not a fault)."""
        return self.message not in LINKS_LEFT_ALONE


NOT_FOLLOWED = "symbolic link, not followed (use --follow-links)"
IMAGE_LINK = "junction or symbolic link, not followed"
"""A link inside a disk image: its target names a drive of the imaged machine."""
LINKS_LEFT_ALONE = frozenset((NOT_FOLLOWED, IMAGE_LINK))

Prune = Callable[[str], bool]
"""Given a folder's relative path, whether to leave it out of the walk."""


def special_kind(mode: int) -> str:
    """What a file that is neither a regular file nor a folder is: ``FIFO``, ``socket``, ..."""
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISCHR(mode):
        return "character device"
    if stat.S_ISBLK(mode):
        return "block device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special file"


def walk(
    root: str, *, follow_links: bool = False, prune: Prune | None = None
) -> Iterator[WalkEntry | WalkProblem]:
    """Yield the regular files under ``root`` in a stable (sorted) order, and the problems met.

    Symbolic links are not followed unless ``follow_links``; then a link is
    followed once, loops are detected by device and inode, and broken links are
    reported. ``prune`` leaves folders out (their contents are not listed at all).
    """
    try:
        root_stat = os.stat(root)
    except OSError as exc:
        yield WalkProblem(root, exc.strerror or str(exc))
        return
    seen: set[tuple[int, int]] = {(root_stat.st_dev, root_stat.st_ino)}
    stack: list[tuple[str, str]] = [(root, "")]
    while stack:
        folder, rel = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            yield WalkProblem(folder, f"cannot list folder: {exc.strerror or exc}")
            continue
        subdirs: list[tuple[str, str]] = []
        for entry in entries:
            child_rel = f"{rel}/{entry.name}" if rel else entry.name
            try:
                if entry.is_symlink():
                    if not follow_links:
                        yield WalkProblem(
                            entry.path, "symbolic link, not followed (use --follow-links)"
                        )
                        continue
                    try:
                        st = os.stat(entry.path)
                    except OSError as exc:
                        reason = "symbolic link loop" if exc.errno == 40 else "broken symbolic link"
                        yield WalkProblem(entry.path, reason)
                        continue
                    mode = st.st_mode
                else:
                    if entry.is_dir(follow_symlinks=False):
                        mode = stat.S_IFDIR
                    elif entry.is_file(follow_symlinks=False):
                        mode = stat.S_IFREG
                    else:
                        mode = entry.stat(follow_symlinks=False).st_mode
            except OSError as exc:
                yield WalkProblem(entry.path, exc.strerror or str(exc))
                continue
            if stat.S_ISDIR(mode):
                if prune is not None and prune(child_rel):
                    continue
                if follow_links:
                    try:
                        st = os.stat(entry.path)
                    except OSError as exc:
                        yield WalkProblem(entry.path, exc.strerror or str(exc))
                        continue
                    key = (st.st_dev, st.st_ino)
                    if key in seen:
                        yield WalkProblem(entry.path, "folder already walked (link loop), skipped")
                        continue
                    seen.add(key)
                subdirs.append((entry.path, child_rel))
            elif stat.S_ISREG(mode):
                yield WalkEntry(entry.path, child_rel, entry.name)
            else:
                yield WalkProblem(entry.path, f"{special_kind(mode)}, not read")
        # Reversed so that the stack pops folders in sorted order.
        stack.extend(reversed(subdirs))


@dataclass(frozen=True)
class MissingPath(WalkProblem):
    """A path named by the user that does not exist (a usage error, not a finding)."""


def expand_paths(
    paths: list[str], *, follow_links: bool = False, prune: Prune | None = None
) -> Iterator[WalkEntry | WalkProblem]:
    """Files named by the user, and the files under folders named by the user.

    A named file is read even when it is a symbolic link (the user chose it);
    a name that does not exist yields :class:`MissingPath`.
    """
    for path in paths:
        try:
            st = os.stat(path)
        except FileNotFoundError:
            yield MissingPath(path, "no such file or directory")
            continue
        except OSError as exc:
            yield WalkProblem(path, exc.strerror or str(exc))
            continue
        if stat.S_ISDIR(st.st_mode):
            yield from walk(path, follow_links=follow_links, prune=prune)
        elif stat.S_ISREG(st.st_mode):
            yield WalkEntry(path, os.path.basename(path), os.path.basename(path), named=True)
        else:
            yield WalkProblem(path, f"{special_kind(st.st_mode)}, not read")
