"""What a scan asks of a system: its copies of the files manifests name.

A system is a directory tree (:mod:`verscan.system.directory`) or a saved inventory
of one (:mod:`verscan.system.inventory`). Both give the same :class:`Copy` records,
so verdicts do not depend on which was scanned."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from verscan.pe import VersionInfo
from verscan.system.exclude import Exclude
from verscan.system.profile import Profile, detect_profile
from verscan.system.walk import WalkProblem

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
        self,
        wanted: Callable[[str], bool],
        *,
        include_backups: bool,
        exclude: Exclude | None = None,
    ) -> Iterator[Copy | WalkProblem]:
        """Copies whose folded name ``wanted`` accepts; copies in backup folders only when
        asked; nothing under a path ``exclude`` accepts."""

    @abstractmethod
    def sha256(self, copy: Copy) -> str | None:
        """The copy's SHA-256, or None when it cannot be had."""

    @abstractmethod
    def children(self, rel: str) -> Sequence[str] | None:
        """The names in the folder ``rel`` (``""``: the root), None when it is not a
        folder or cannot be listed. Used to find the Windows folder and its kernel."""

    @abstractmethod
    def version_info(self, rel: str) -> VersionInfo | None:
        """What the reader finds in the file ``rel``, None when there is no such file."""

    def profile(self) -> Profile:
        """Which Windows the system is, from its kernel (:mod:`verscan.system.profile`)."""
        return detect_profile(self.children, self.version_info)


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
