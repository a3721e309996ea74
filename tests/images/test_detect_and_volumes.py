"""Image kinds told by content, volumes found in partition tables, and damage that must not
raise: every byte of an image may be hostile."""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.images.helpers import CONTAINERS, WIN2000
from verscan.errors import SourceError
from verscan.system.image import is_image, open_image
from verscan.system.image.detect import ImageKindError, boot_sector_kind, image_kind
from verscan.system.image.volumes import Volume, human_size
from verscan.system.walk import WalkProblem

Image = Callable[[str], Path]

KINDS = {
    "raw volume": "raw",
    "raw disk (MBR)": "raw",
    "EWF (two segments)": "EWF",
    "VHD fixed": "VHD",
    "VHD dynamic": "VHD",
    "VHDX fixed": "VHDX",
    "VHDX dynamic": "VHDX",
    "VMDK monolithic sparse": "VMDK",
    "VMDK split sparse": "VMDK",
    "VMDK monolithic flat": "VMDK",
    "VMDK stream-optimised": "VMDK",
}


@pytest.mark.parametrize("kind", sorted(CONTAINERS))
def test_kind_is_told_by_content_not_name(image: Image, kind: str, tmp_path: Path) -> None:
    renamed = tmp_path / "evidence.bin"
    shutil.copy(image(CONTAINERS[kind]), renamed)
    assert image_kind(str(renamed)) == KINDS[kind]


def test_files_that_are_not_images(tmp_path: Path) -> None:
    inventory = tmp_path / "host.json"
    inventory.write_text('{"format": "verscan-inventory"}')
    pe = WIN2000 / "WINNT" / "system32" / "kernel32.dll"
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    for path in (inventory, pe, empty):
        assert image_kind(str(path)) is None and not is_image(str(path))
    with pytest.raises(SourceError, match="not a disk image verscan recognises"):
        open_image(str(pe))


def test_unsupported_kinds_are_named(image: Image, tmp_path: Path) -> None:
    with pytest.raises(ImageKindError, match="a QEMU QCOW image"):
        image_kind(str(image("win2000-sp4.qcow2")))
    assert is_image(str(image("win2000-sp4.qcow2")))
    vdi = tmp_path / "vm.vdi"
    vdi.write_bytes(
        b"<<< Oracle VM VirtualBox Disk Image >>>\n".ljust(64, b"\0") + b"\x7f\x10\xda\xbe"
    )
    with pytest.raises(ImageKindError, match="VirtualBox VDI"):
        image_kind(str(vdi))


def test_boot_sectors(image: Image) -> None:
    volume = image("win2000-sp4.ntfs").read_bytes()[:512]
    assert boot_sector_kind(volume) == "NTFS"
    gpt = image("features-gpt.img").read_bytes()
    assert boot_sector_kind(gpt[2048 * 512 : 2049 * 512]) == "FAT12"
    assert boot_sector_kind(gpt[:512]) is None  # a protective MBR is no volume
    assert boot_sector_kind(b"\xeb\x52\x90-FVE-FS-".ljust(512, b"\0")) == "BitLocker"
    assert boot_sector_kind(volume[:100]) is None


def test_sizes_and_titles() -> None:
    assert [human_size(n) for n in (512, 1536, 4 << 20, 1536 << 20, 40 << 30)] == [
        "512 bytes",
        "1.5 KB",
        "4 MB",
        "1.5 GB",
        "40 GB",
    ]
    assert Volume(3, 0, 40 << 30, "NTFS").title == "partition 3 (NTFS, 40 GB)"
    assert Volume(None, 0, 4 << 20, "NTFS").title == "volume (NTFS, 4 MB)"
    assert Volume(2, 0, 16 << 20, None, "Microsoft reserved").title == (
        "partition 2 (Microsoft reserved, 16 MB)"
    )


def _read_all(path: Path) -> list[str]:
    """Open and walk an image the way a scan does; the problems' messages."""
    try:
        system = open_image(str(path))
    except SourceError as exc:
        return [str(exc)]
    try:
        messages = [
            item.message
            for item in system.find(lambda name: True, include_backups=True)
            if isinstance(item, WalkProblem)
        ]
        system.profile()
        return messages
    finally:
        system.close()


@pytest.mark.parametrize("region", ["partition table", "boot sector", "MFT", "everywhere"])
def test_damaged_bytes_never_raise(image: Image, tmp_path: Path, region: str) -> None:
    """Bytes overwritten at random in the parts a reader trusts most: every variant opens
    and walks to the end, or is refused with a SourceError; nothing else escapes."""
    original = image("win2000-sp4.img").read_bytes()
    start, end = {
        "partition table": (446, 512),
        "boot sector": (1 << 20, (1 << 20) + 512),
        "MFT": ((1 << 20) + 16384, (1 << 20) + 110 * 1024),
        "everywhere": (0, len(original)),
    }[region]
    rng = random.Random(f"verscan-{region}")
    for variant in range(12):
        data = bytearray(original)
        for _ in range(rng.choice((1, 8, 64))):
            data[rng.randrange(start, end)] = rng.randrange(256)
        path = tmp_path / f"{variant}.img"
        path.write_bytes(bytes(data))
        _read_all(path)
