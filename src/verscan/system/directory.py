"""A mounted volume, share or extracted image as a system to scan."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator, Sequence

from verscan.pe import VersionInfo, read_version_info
from verscan.system.copies import backup_folder_kind, backup_kind, fold
from verscan.system.exclude import Exclude
from verscan.system.interface import Copy, System, file_sha256
from verscan.system.walk import Prune, WalkProblem, walk


def folders_left_out(*, include_backups: bool, exclude: Exclude | None) -> Prune | None:
    """The folders a scan does not enter: excluded ones, and backup folders unless asked."""
    if exclude is None and include_backups:
        return None

    def prune(rel: str) -> bool:
        if exclude is not None and exclude(rel):
            return True
        return not include_backups and backup_folder_kind(rel.rsplit("/", 1)[-1]) is not None

    return prune


class DirectorySystem(System):
    """A mounted volume, share or extracted image, walked once and read only where needed."""

    def __init__(self, root: str, *, follow_links: bool = False) -> None:
        self.root = root
        self.label = root
        self.follow_links = follow_links

    def find(
        self,
        wanted: Callable[[str], bool],
        *,
        include_backups: bool,
        exclude: Exclude | None = None,
    ) -> Iterator[Copy | WalkProblem]:
        """Walk the tree once; read the version of each file whose name is wanted."""
        for item in walk(
            self.root,
            follow_links=self.follow_links,
            prune=folders_left_out(include_backups=include_backups, exclude=exclude),
        ):
            if isinstance(item, WalkProblem):
                yield item
            elif wanted(fold(item.name)) and (exclude is None or not exclude(item.rel)):
                yield Copy(item.rel, item.name, read_version_info(item.path), backup_kind(item.rel))

    def _path(self, rel: str) -> str:
        return os.path.join(self.root, *rel.split("/")) if rel else self.root

    def children(self, rel: str) -> Sequence[str] | None:
        """List the folder (links to folders are followed only with ``follow_links``)."""
        path = self._path(rel)
        try:
            st = os.stat(path) if self.follow_links or not rel else os.lstat(path)
            if not stat.S_ISDIR(st.st_mode):
                return None
            return os.listdir(path)
        except (OSError, ValueError):
            return None

    def version_info(self, rel: str) -> VersionInfo | None:
        """Read the file (links only with ``follow_links``; FIFOs and devices never)."""
        path = self._path(rel)
        try:
            st = os.stat(path) if self.follow_links else os.lstat(path)
        except (OSError, ValueError):
            return None
        if not stat.S_ISREG(st.st_mode):
            return None
        return read_version_info(path)

    def sha256(self, copy: Copy) -> str | None:
        """Hash the file on disk."""
        return copy.sha256 or file_sha256(os.path.join(self.root, *copy.rel.split("/")))
