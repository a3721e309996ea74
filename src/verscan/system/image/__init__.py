"""Disk images as systems: EWF (.E01), VHD, VHDX, VMDK and raw images, read without mounting.

The flow: :mod:`.detect` tells an image's kind from its content; :mod:`.container`
opens the disk inside it (libewf, libvhdi, libvmdk); :mod:`.volumes` reads its
partition table; :mod:`.filesystems` opens each NTFS (libfsntfs) or FAT (libfsfat)
volume; :mod:`.system` walks them as a :class:`~verscan.system.interface.System`;
:mod:`.inventory` takes an inventory of one. The libraries are the ``images`` extra
(``pip install 'verscan[images]'``); only :mod:`.detect` works without them.
"""

from __future__ import annotations

import importlib.util
from typing import TYPE_CHECKING

from verscan.errors import SourceError
from verscan.system.image.detect import EWF, VHD, VHDX, VMDK, image_kind

if TYPE_CHECKING:
    from verscan.system.image.system import ImageSystem

INSTALL = "pip install 'verscan[images]'"
"""How to install what reading images needs."""

_LIBRARIES = {EWF: "pyewf", VHD: "pyvhdi", VHDX: "pyvhdi", VMDK: "pyvmdk"}
_FILE_SYSTEMS = ("pyfsntfs", "pyfsfat")


class ImagesExtraMissing(SourceError):
    """A disk image was given, and the libraries that read images are not installed."""


def missing_libraries(kind: str) -> list[str]:
    """The modules reading an image of ``kind`` needs that are not installed."""
    needed = [*_FILE_SYSTEMS]
    if kind in _LIBRARIES:
        needed.insert(0, _LIBRARIES[kind])
    return [m for m in needed if importlib.util.find_spec(m) is None]


def is_image(path: str) -> bool:
    """Whether the file at ``path`` is a disk image (of a kind verscan reads or not)."""
    try:
        return image_kind(path) is not None
    except SourceError:
        return True


def open_image(path: str, *, partition: int | None = None) -> ImageSystem:
    """The image at ``path`` as a system to scan (``partition``: only that partition).

    Raises :class:`ImagesExtraMissing` when the image libraries are missing, and
    :class:`SourceError` when the file is no image verscan reads or cannot be opened.
    """
    kind = image_kind(path)
    if kind is None:
        raise SourceError(f"{path}: not a disk image verscan recognises")
    missing = missing_libraries(kind)
    if missing:
        raise ImagesExtraMissing(
            f"{path}: {'an' if kind in (EWF, 'raw') else 'a'} {kind} disk image; reading images "
            f"needs the images extra "
            f"({', '.join(missing)} missing): {INSTALL}"
        )
    from verscan.system.image.system import ImageSystem

    return ImageSystem(path, partition=partition)
