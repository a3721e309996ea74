"""An inventory taken from a disk image: the same records a folder's inventory has.

Every file of every volume read is walked (backup folders too, as
:func:`verscan.system.inventory.take_inventory` walks them) and read in this
process: the image's library handles are not shared with workers. The inventory's
``root`` is the image file, its ``image`` key says which image and partition, and
:class:`~verscan.system.inventory.InventorySystem` scans it as the image scans.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from verscan import __version__
from verscan.errors import SourceError
from verscan.pe import Status
from verscan.system.image.filesystems import Child, FileSystem
from verscan.system.image.system import ImageFile, ImageProblem, ImageSystem, file_sha256
from verscan.system.inventory import (
    HASHES,
    Inventory,
    InventoryFile,
    InventoryProblem,
    Wrap,
    hostname,
    iso_utc,
    kept_by_default,
)
from verscan.system.parallel import FileRead


def take_image_inventory(
    system: ImageSystem,
    *,
    label: str | None = None,
    hash_name: str | None = None,
    all_files: bool = False,
    wrap: Wrap[tuple[ImageFile, FileRead]] | None = None,
    host: str | None = None,
    now: datetime.datetime | None = None,
) -> Inventory:
    """Walk every volume of the image and read every file; keep the PE files (every file
    with ``all_files``); hash them with ``hash_name``. ``label`` defaults to the image file."""
    if hash_name is not None and hash_name not in HASHES:
        raise SourceError(f"unknown hash {hash_name!r} (known: {', '.join(HASHES)})")
    problems: list[InventoryProblem] = []

    def visit(rel: str, child: Child, fs: FileSystem) -> FileRead:
        info = fs.read_version(child, system.where(rel))
        digest = None
        if hash_name and info.status not in (Status.UNREADABLE, Status.NOT_PE):
            digest = file_sha256(fs.pread(child), child.size)
        return FileRead(info, fs.mtime(child.entry), digest)

    def reads() -> Iterable[tuple[ImageFile, FileRead]]:
        for item in system.walk(visit):
            if isinstance(item, ImageProblem):
                problems.append(InventoryProblem(item.rel, item.message))
            else:
                yield item

    files: list[InventoryFile] = []
    walked = reads()
    for found, read in walked if wrap is None else wrap(walked, None):
        if all_files or kept_by_default(read.info, found.name):
            files.append(InventoryFile(found.rel, read.info, iso_utc(read.mtime), read.sha256))
    created = iso_utc((now or datetime.datetime.now(datetime.timezone.utc)).timestamp())
    host = host if host is not None else hostname()
    return Inventory(
        root=system.path,
        label=label or system.label,
        host=host,
        created=created or "",
        verscan_version=__version__,
        files=tuple(files),
        problems=tuple(problems),
        hash=hash_name,
        all_files=all_files,
        follow_links=False,
        system=system.profile(),
        image=system.origin(),
    )
