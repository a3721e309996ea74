"""A mounted volume, share or extracted image as a system to scan."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

from verscan.pe import read_version_info
from verscan.system.copies import backup_folder_kind, backup_kind, fold
from verscan.system.interface import Copy, System, file_sha256
from verscan.system.walk import WalkProblem, walk


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
