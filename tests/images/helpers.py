"""The disk-image fixtures (fixtures/images, built by build.py), expanded for the tests."""

from __future__ import annotations

import lzma
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
IMAGES = ROOT / "fixtures" / "images"
TREES = IMAGES / "trees"
SYSTEMS = ROOT / "fixtures" / "systems"
WIN2000 = SYSTEMS / "win2000-sp4"
MANIFESTS = ROOT / "manifests"

CONTAINERS = {
    # kind of image: the file a user names (its other files sit beside it)
    "raw volume": "win2000-sp4.ntfs",
    "raw disk (MBR)": "win2000-sp4.img",
    "EWF (two segments)": "win2000-sp4.E01",
    "VHD fixed": "win2000-sp4-fixed.vhd",
    "VHD dynamic": "win2000-sp4-dynamic.vhd",
    "VHDX fixed": "win2000-sp4-fixed.vhdx",
    "VHDX dynamic": "win2000-sp4-dynamic.vhdx",
    "VMDK monolithic sparse": "win2000-sp4-sparse.vmdk",
    "VMDK split sparse": "win2000-sp4-split.vmdk",
    "VMDK monolithic flat": "win2000-sp4-flat.vmdk",
    "VMDK stream-optimised": "win2000-sp4-stream.vmdk",
}
"""Every container kind, each holding fixtures/systems/win2000-sp4."""

COMPANIONS = {
    "win2000-sp4.E01": ("win2000-sp4.E02",),
    "win2000-sp4-split.vmdk": ("win2000-sp4-split-s001.vmdk",),
    "win2000-sp4-flat.vmdk": ("win2000-sp4-flat-flat.vmdk",),
}
"""The files an image is made of besides the one named."""


def expand(name: str, folder: Path) -> Path:
    """``fixtures/images/NAME.xz`` expanded into ``folder`` (once), with its companion files."""
    for part in (name, *COMPANIONS.get(name, ())):
        target = folder / part
        if not target.exists():
            partial = folder / f"{part}.partial"
            with lzma.open(IMAGES / f"{part}.xz") as src, open(partial, "wb") as dst:
                shutil.copyfileobj(src, dst)
            partial.rename(target)
    return folder / name
