"""A disk image as a system to scan: its volumes walked like a directory, without mounting.

:class:`ImageSystem` gives a scan the same copies a
:class:`~verscan.system.directory.DirectorySystem` of the same tree gives: names
compared without regard to case, backup folders left out unless asked, ``--exclude``
applied to folders before they are entered, each folder's entries in sorted order.
Junctions and symbolic links are listed as not followed, as a mounted volume's links
are. A loop in the file system (a folder that holds one of its ancestors) is cut.

An image with one volume verscan reads (a bare NTFS image, a disk with one NTFS
partition, or the partition ``--partition`` picks) has paths relative to that
volume's root, as the same tree would have as a directory. An image with several
has each volume's paths under a folder named after it (``partition 2/Windows/...``).
What cannot be read (a missing segment, an encrypted volume, a broken MFT record)
is a :class:`~verscan.system.walk.WalkProblem` naming the image, the partition and
the path, and the walk goes on.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from verscan.errors import SourceError
from verscan.pe import VersionInfo
from verscan.system.copies import backup_kind, fold
from verscan.system.directory import folders_left_out
from verscan.system.exclude import Exclude
from verscan.system.image.container import Disk, brief, open_disk
from verscan.system.image.detect import image_kind
from verscan.system.image.filesystems import (
    FILE,
    FOLDER,
    LINK,
    Child,
    FileSystem,
    open_file_system,
    volume_source,
)
from verscan.system.image.origin import ImageOrigin
from verscan.system.image.volumes import Volume, find_volumes, human_size
from verscan.system.interface import HASH_CHUNK, Copy, System
from verscan.system.profile import Profile, detect_profile
from verscan.system.walk import IMAGE_LINK, WalkProblem

T = TypeVar("T")

LOOP = "folder already walked (a loop in the file system), skipped"
_LISTINGS_KEPT = 16


@dataclass(frozen=True)
class ImageProblem:
    """Something in the image that could not be read, by its path in the system (``rel``)."""

    rel: str
    message: str


@dataclass(frozen=True)
class ImageFile:
    """A file the walk found, with what ``visit`` made of it."""

    rel: str
    name: str
    size: int


@dataclass
class _Opened:
    volume: Volume
    folder: str
    """The folder its paths sit under (``""`` when it is the image's only volume)."""
    fs: FileSystem | None = None


class ImageSystem(System):
    """A disk image (EWF, VHD, VHDX, VMDK or raw), read in place."""

    def __init__(self, path: str, *, partition: int | None = None) -> None:
        kind = image_kind(path)
        if kind is None:
            raise SourceError(f"{path}: not a disk image verscan recognises")
        self.path = path
        self.kind = kind
        self.partition = partition
        self.disk: Disk = open_disk(path, kind)
        self.problems: list[ImageProblem] = [ImageProblem("", p) for p in self.disk.problems]
        try:
            self._open_volumes(partition)
        except BaseException:
            self.close()
            raise
        self.label = path
        self._listings: dict[str, dict[str, Child] | None] = {}
        self._origin = self.origin()

    # -- opening -------------------------------------------------------------------

    def _open_volumes(self, partition: int | None) -> None:
        disk = self.disk
        try:
            volumes, table_problems = find_volumes(disk.pread, disk.size, disk.sector_size)
        except OSError as exc:
            volumes, table_problems = [], [f"its first sectors cannot be read: {brief(exc)}"]
        self.volumes: list[Volume] = volumes
        self.problems.extend(ImageProblem("", p) for p in table_problems)
        if partition is not None:
            picked = [v for v in volumes if v.number == partition]
            if not picked:
                raise SourceError(self._no_partition(partition))
            volumes = picked
        # Volumes that hold (or should hold) Windows files: each gets a folder when several do.
        wanted = [v for v in volumes if v.readable or v.windows_data or partition is not None]
        several = len(wanted) > 1
        self._wanted, self._several = wanted, several
        self.opened: list[_Opened] = []
        for volume in wanted:
            folder = volume.name if several else ""
            why = _unreadable(volume)
            if why is not None:
                self.problems.append(ImageProblem("", f"{volume.title}: {why}"))
                continue
            if volume.offset + volume.size > disk.size:
                short = human_size(volume.offset + volume.size - disk.size)
                self.problems.append(
                    ImageProblem(
                        "",
                        f"{volume.title}: the image ends {short} before the end of the volume "
                        "(it was cut short): files stored there cannot be read",
                    )
                )
            source = volume_source(
                disk.pread,
                volume.offset,
                min(volume.size, max(0, disk.size - volume.offset)),
                disk.handle,
                disk.path if disk.handle is None else None,
            )
            try:
                fs = open_file_system(str(volume.file_system), source)
            except (OSError, ValueError) as exc:
                self.problems.append(
                    ImageProblem(
                        "",
                        f"{volume.title}: its {volume.file_system} file system cannot be opened: "
                        f"{brief(exc)}",
                    )
                )
                continue
            self.opened.append(_Opened(volume, folder, fs))

    def _no_partition(self, partition: int) -> str:
        if not self.volumes:
            return f"{self.path}: has no partitions (--partition {partition})"
        if self.volumes[0].number is None:
            return f"{self.path}: is one volume without a partition table: leave --partition out"
        listed = ", ".join(v.title for v in self.volumes)
        return f"{self.path}: has no partition {partition} (it has {listed})"

    def close(self) -> None:
        """Release the image and its volumes."""
        for opened in getattr(self, "opened", ()):
            if opened.fs is not None:
                opened.fs.close()
                opened.fs = None
        self.disk.close()

    # -- naming --------------------------------------------------------------------

    def describe(self) -> str:
        """``evidence.E01 (EWF): partition 1 (FAT32, 100 MB), partition 3 (NTFS, 40 GB)``."""
        shown = [v.title for v in self.volumes]
        if self.partition is not None:
            shown = [
                v.title + (" [picked]" if v.number == self.partition else "") for v in self.volumes
            ]
        return f"{self.path} ({self.kind}, {human_size(self.disk.size)}): " + (
            ", ".join(shown) or "no volume found"
        )

    def _volume_of(self, rel: str) -> tuple[_Opened | None, str]:
        """The opened volume ``rel`` lies in, and ``rel`` inside it."""
        for opened in self.opened:
            if not opened.folder:
                return opened, rel
            if rel == opened.folder:
                return opened, ""
            if rel.startswith(opened.folder + "/"):
                return opened, rel[len(opened.folder) + 1 :]
        return None, rel

    def origin(self) -> ImageOrigin:
        """The image, the partition read and the volumes, as an inventory records them."""
        single = self.partition
        if single is None and len(self._wanted) == 1:
            single = self._wanted[0].number
        return ImageOrigin(
            self.path, self.kind, self.disk.size, single, self._several, tuple(self.volumes)
        )

    def where(self, rel: str) -> str:
        """How messages name ``rel``: ``evidence.E01, partition 2: Windows/System32/x.dll``."""
        return self._origin.where(rel)

    # -- walking -------------------------------------------------------------------

    def walk(
        self,
        visit: Callable[[str, Child, FileSystem], T],
        *,
        prune: Callable[[str], bool] | None = None,
        skip: Callable[[str, str], bool] | None = None,
    ) -> Iterator[tuple[ImageFile, T] | ImageProblem]:
        """Every file of every volume with ``visit(rel, child, fs)``, and what could not be read.

        Folders ``prune`` accepts are not entered; files ``skip(rel, name)`` accepts are
        not visited (nor yielded). Each folder's files and problems come in sorted order,
        then its subfolders, as :func:`verscan.system.walk.walk` gives them.
        """
        yield from self.problems
        for opened in self.opened:
            yield from self._walk_volume(opened, visit, prune, skip)

    def _walk_volume(
        self,
        opened: _Opened,
        visit: Callable[[str, Child, FileSystem], T],
        prune: Callable[[str], bool] | None,
        skip: Callable[[str, str], bool] | None,
    ) -> Iterator[tuple[ImageFile, T] | ImageProblem]:
        fs = opened.fs
        assert fs is not None
        try:
            root = fs.root()
        except OSError as exc:
            yield ImageProblem(opened.folder, f"cannot read the root folder: {brief(exc)}")
            return
        seen: set[int] = set()
        # (folder's parent entry or None for the root, index in it, folder's rel)
        stack: list[tuple[Any, int, str]] = [(None, -1, opened.folder)]
        while stack:
            parent, index, rel = stack.pop()
            try:
                folder = root if parent is None else parent.get_sub_file_entry(index)
                listing = fs.children(folder, parent is None)
            except (OSError, ValueError) as exc:
                yield ImageProblem(rel, f"cannot list folder: {brief(exc)}")
                continue
            items: list[tuple[str, tuple[ImageFile, T] | ImageProblem]] = []
            subdirs: list[tuple[str, int, str]] = []
            for child in listing:
                if isinstance(child, tuple):
                    items.append(
                        ("", ImageProblem(rel, f"entry {child[0]} cannot be read: {child[1]}"))
                    )
                    continue
                child_rel = f"{rel}/{child.name}" if rel else child.name
                if child.kind == LINK:
                    items.append((child.name, ImageProblem(child_rel, IMAGE_LINK)))
                elif child.kind == FOLDER:
                    if prune is not None and prune(child_rel):
                        continue
                    if child.key in seen:
                        items.append((child.name, ImageProblem(child_rel, LOOP)))
                        continue
                    seen.add(child.key)
                    subdirs.append((child.name, child.index, child_rel))
                elif skip is None or not skip(child_rel, child.name):
                    done = visit(child_rel, child, fs)
                    items.append((child.name, (ImageFile(child_rel, child.name, child.size), done)))
            items.sort(key=lambda item: item[0])
            for _, item in items:
                yield item
            subdirs.sort()
            # Reversed so that the stack pops folders in sorted order.
            stack.extend((folder, i, r) for _, i, r in reversed(subdirs))

    def find(
        self,
        wanted: Callable[[str], bool],
        *,
        include_backups: bool,
        exclude: Exclude | None = None,
    ) -> Iterator[Copy | WalkProblem]:
        """Walk every volume once; read the version of each file whose name is wanted."""
        prune = folders_left_out(include_backups=include_backups, exclude=exclude)

        def skip(rel: str, name: str) -> bool:
            return not wanted(fold(name)) or (exclude is not None and exclude(rel))

        def visit(rel: str, child: Child, fs: FileSystem) -> VersionInfo:
            return fs.read_version(child, self.where(rel))

        for item in self.walk(visit, prune=prune, skip=skip):
            if isinstance(item, ImageProblem):
                yield WalkProblem(self.where(item.rel), item.message)
            else:
                found, info = item
                yield Copy(found.rel, found.name, info, backup_kind(found.rel))

    # -- single paths ----------------------------------------------------------------

    def _listing(self, rel: str) -> dict[str, Child] | None:
        """The folder ``rel``'s entries by name, None when it is not a folder."""
        if rel in self._listings:
            return self._listings[rel]
        listing: dict[str, Child] | None = None
        opened, inner = self._volume_of(rel)
        if opened is not None and opened.fs is not None:
            entry = self._entry(opened, inner)
            if entry is not None:
                try:
                    listing = {
                        c.name: c
                        for c in opened.fs.children(entry, not inner)
                        if isinstance(c, Child)
                    }
                except OSError:
                    listing = None
        if len(self._listings) >= _LISTINGS_KEPT:
            self._listings.pop(next(iter(self._listings)))
        self._listings[rel] = listing
        return listing

    def _entry(self, opened: _Opened, inner: str) -> Any:
        """The library entry of the folder ``inner`` of a volume, None when there is none."""
        assert opened.fs is not None
        if not inner:
            try:
                return opened.fs.root()
            except OSError:
                return None
        parent_rel, _, name = inner.rpartition("/")
        prefix = f"{opened.folder}/" if opened.folder else ""
        listing = self._listing(prefix + parent_rel if parent_rel else opened.folder)
        child = listing.get(name) if listing is not None else None
        if child is None or child.kind != FOLDER:
            return None
        return child.entry

    def _child(self, rel: str) -> tuple[Child, FileSystem] | None:
        opened, inner = self._volume_of(rel)
        if opened is None or opened.fs is None or not inner:
            return None
        parent, _, name = rel.rpartition("/")
        listing = self._listing(parent)
        child = listing.get(name) if listing is not None else None
        return (child, opened.fs) if child is not None else None

    def children(self, rel: str) -> Sequence[str] | None:
        """The names in a folder of the image (the root lists the volumes' folders when
        there are several)."""
        if not rel and self.opened and self.opened[0].folder:
            return [o.folder for o in self.opened]
        listing = self._listing(rel)
        return list(listing) if listing is not None else None

    def version_info(self, rel: str) -> VersionInfo | None:
        """Read the file ``rel`` (links and folders: None)."""
        found = self._child(rel)
        if found is None or found[0].kind != FILE:
            return None
        child, fs = found
        return fs.read_version(child, self.where(rel))

    def sha256(self, copy: Copy) -> str | None:
        """Hash the file, read in chunks."""
        return copy.sha256 or self.sha256_of(copy.rel)

    def sha256_of(self, rel: str) -> str | None:
        """SHA-256 of the file ``rel``, None when there is no such file or it cannot be read."""
        found = self._child(rel)
        if found is None or found[0].kind != FILE:
            return None
        child, fs = found
        return file_sha256(fs.pread(child), child.size)

    def profile(self) -> Profile:
        """Which Windows the image holds, from the kernel of the volume that has one."""
        if not self.opened:
            return Profile(warning="no volume of the image could be read")
        if not self.opened[0].folder:
            return detect_profile(self.children, self.version_info)
        found: list[tuple[_Opened, Profile]] = []
        for opened in self.opened:
            prefix = opened.folder

            def children(rel: str, prefix: str = prefix) -> Sequence[str] | None:
                return self.children(f"{prefix}/{rel}" if rel else prefix)

            def read(rel: str, prefix: str = prefix) -> VersionInfo | None:
                return self.version_info(f"{prefix}/{rel}")

            profile = detect_profile(children, read)
            if profile.windows_folder is not None:
                found.append((opened, profile))
        if not found:
            return Profile(warning="no volume has a Windows folder with a kernel")
        if len(found) > 1:
            names = ", ".join(o.volume.name for o, _ in found)
            why = f"Windows folders on {names}; pick one with --partition N or state it with --os"
            return Profile(warning=why)
        opened, profile = found[0]

        def under(rel: str | None) -> str | None:
            return None if rel is None else f"{opened.folder}/{rel}" if rel else opened.folder

        return dataclasses.replace(
            profile, windows_folder=under(profile.windows_folder), source=under(profile.source)
        )


def _unreadable(volume: Volume) -> str | None:
    """Why a volume cannot be read, None when it can."""
    if volume.readable:
        return None
    if volume.file_system == "BitLocker":
        return (
            "encrypted with BitLocker: it cannot be read without its key; "
            "scan an image of the unlocked volume"
        )
    if volume.file_system is not None:
        return f"not read: verscan reads NTFS and FAT volumes, not {volume.file_system}"
    return "no file system verscan recognises (its boot sector is not NTFS or FAT)"


def file_sha256(pread: Callable[[int, int], bytes], size: int) -> str | None:
    """SHA-256 of a file in an image, read in chunks; None when it cannot be read whole."""
    import hashlib

    digest = hashlib.sha256()
    offset = 0
    try:
        while offset < size:
            chunk = pread(min(HASH_CHUNK, size - offset), offset)
            if not chunk:
                return None
            digest.update(chunk)
            offset += len(chunk)
    except OSError:
        return None
    return digest.hexdigest()
