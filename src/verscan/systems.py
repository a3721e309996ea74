"""Where a scan finds installed files: a directory tree, or (see :mod:`verscan.inventory`) a
saved inventory of one. Both give the same :class:`Copy` records, so verdicts do not depend on
which was scanned."""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from verscan.copies import backup_folder_kind, backup_kind, fold
from verscan.pe import VersionInfo, read_version_info
from verscan.walk import WalkProblem, walk

HASH_CHUNK = 1 << 20


@dataclass(frozen=True)
class Copy:
    """One installed copy of a file that a manifest names."""

    rel: str
    """Path relative to the system's root, ``/``-separated."""
    name: str
    """The file name as found on disk."""
    info: VersionInfo
    """What the reader found in it."""
    backup: str | None = None
    """The kind of copy-holding folder it sits in (uninstall backup, dllcache, ...), or None."""
    sha256: str | None = None
    """SHA-256 when already known (inventories recorded with hashes)."""


class System(ABC):
    """A Windows system to scan."""

    label: str
    """How the report names the system (its root folder or its inventory's label)."""

    @abstractmethod
    def find(
        self, wanted: Callable[[str], bool], *, include_backups: bool
    ) -> Iterator[Copy | WalkProblem]:
        """Copies whose folded name ``wanted`` accepts; copies in backup folders only when asked."""

    @abstractmethod
    def sha256(self, copy: Copy) -> str | None:
        """The copy's SHA-256, or None when it cannot be had."""


def file_sha256(path: str) -> str | None:
    """SHA-256 of a file's content, or None when it cannot be read."""
    import hashlib  # OpenSSL's load is the dearest import of all: only hashing needs it

    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(HASH_CHUNK):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


class DirectorySystem(System):
    """A mounted volume, share or extracted image, walked once and read only where needed."""

    def __init__(self, root: str, *, follow_links: bool = False) -> None:
        self.root = root
        self.label = root
        self.follow_links = follow_links

    def find(
        self, wanted: Callable[[str], bool], *, include_backups: bool
    ) -> Iterator[Copy | WalkProblem]:
        """Walk the tree once; read the version of each file whose name is wanted."""

        def prune(rel: str) -> bool:
            return backup_folder_kind(rel.rsplit("/", 1)[-1]) is not None

        for item in walk(
            self.root, follow_links=self.follow_links, prune=None if include_backups else prune
        ):
            if isinstance(item, WalkProblem):
                yield item
            elif wanted(fold(item.name)):
                yield Copy(item.rel, item.name, read_version_info(item.path), backup_kind(item.rel))

    def sha256(self, copy: Copy) -> str | None:
        """Hash the file on disk."""
        return copy.sha256 or file_sha256(os.path.join(self.root, *copy.rel.split("/")))
