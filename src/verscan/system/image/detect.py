"""What kind of disk image a file is, from its content (never from its name).

Only the file's first 4 KiB and last 512 bytes are read, with no image library:
a command decides here whether TARGET is an image at all before it needs the
``images`` extra. The signatures are the formats' own: EWF's ``EVF`` header,
VHDX's ``vhdxfile``, the VHD footer's ``conectix`` (at the end of a fixed VHD, at
both ends of a dynamic one), VMDK's ``KDMV``/``COWD`` sparse headers and its text
descriptor, and for a raw image the boot sector of a volume (NTFS, FAT, exFAT,
BitLocker, ReFS) or a partition table (GPT's ``EFI PART``, an MBR's entries).
"""

from __future__ import annotations

import os
import struct

from verscan.errors import SourceError

EWF = "EWF"
VHD = "VHD"
VHDX = "VHDX"
VMDK = "VMDK"
RAW = "raw"
KINDS = (EWF, VHD, VHDX, VMDK, RAW)
"""The kinds of image verscan reads."""

HEAD = 4096
"""Bytes read from the start of a file to recognise it."""

_UNSUPPORTED: tuple[tuple[int, bytes, str], ...] = (
    (0, b"QFI\xfb", "a QEMU QCOW image; convert it first: qemu-img convert -O vpc"),
    (
        0,
        b"LVF\x09\x0d\x0a\xff\x00",
        "an EWF logical evidence file (L01): it holds files, not a disk",
    ),
    (0, b"AFF10\x0d\x0a\x00", "an AFF image; convert it to raw or EWF first"),
    (0x40, b"\x7f\x10\xda\xbe", "a VirtualBox VDI image; convert it first: VBoxManage clonemedium"),
)

_MBR_EXTENDED = frozenset((0x05, 0x0F, 0x85))
_MBR_PROTECTIVE = 0xEE


class ImageKindError(SourceError):
    """A file that is a disk image of a kind verscan does not read (a QCOW, VDI, ... image)."""


def boot_sector_kind(sector: bytes) -> str | None:
    """The file system whose boot sector ``sector`` (a volume's first 512 bytes) is, or None.

    ``NTFS``, ``FAT12``, ``FAT16``, ``FAT32``, ``exFAT``, ``BitLocker`` or ``ReFS``.
    """
    if len(sector) < 512:
        return None
    oem = sector[3:11]
    if oem == b"NTFS    ":
        return "NTFS"
    if oem == b"-FVE-FS-":
        return "BitLocker"
    if oem == b"EXFAT   ":
        return "exFAT"
    if sector[3:7] == b"ReFS":
        return "ReFS"
    if sector[510:512] != b"\x55\xaa" or sector[0] not in (0xEB, 0xE9):
        return None
    (bytes_per_sector,) = struct.unpack_from("<H", sector, 11)
    if bytes_per_sector not in (512, 1024, 2048, 4096) or sector[13] == 0:
        return None
    if sector[82:90] == b"FAT32   ":
        return "FAT32"
    if sector[54:62] in (b"FAT12   ", b"FAT16   ", b"FAT     "):
        return "FAT16" if sector[54:62] == b"FAT16   " else "FAT12"
    return None


def _mbr_entries(sector: bytes) -> list[tuple[int, int, int]] | None:
    """The MBR's used entries ``(type, first LBA, sectors)``, None when it is not an MBR."""
    if len(sector) < 512 or sector[510:512] != b"\x55\xaa":
        return None
    entries = []
    for i in range(4):
        status, ptype, first, count = struct.unpack_from("<B3xB3xII", sector, 446 + 16 * i)
        if status not in (0x00, 0x80):
            return None
        if ptype == 0:
            continue
        if first == 0 or count == 0:
            return None
        entries.append((ptype, first, count))
    return entries or None


def raw_layout(head: bytes) -> str | None:
    """How a raw image starts: ``volume``, ``GPT`` or ``MBR``; None when it is none of them."""
    if boot_sector_kind(head[:512]) is not None:
        return "volume"
    if head[512:520] == b"EFI PART" or head[4096:4104] == b"EFI PART":
        return "GPT"
    entries = _mbr_entries(head[:512])
    if entries is None:
        return None
    if any(t == _MBR_PROTECTIVE for t, _, _ in entries):
        return "GPT"
    return "MBR"


def image_kind(path: str) -> str | None:
    """The kind of disk image the file at ``path`` is (one of :data:`KINDS`), None when it is
    not one. Raises :class:`ImageKindError` for an image of a kind verscan does not read,
    and :class:`SourceError` when the file cannot be read."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(HEAD)
            size = os.fstat(fh.fileno()).st_size
            tail = head[-512:]
            if size > len(head):
                fh.seek(size - 512)
                tail = fh.read(512)
    except OSError as exc:
        raise SourceError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if head[:4] == b"EVF\x09" or head[:4] == b"EVF2":
        return EWF
    if head[:8] == b"vhdxfile":
        return VHDX
    if head[:8] == b"conectix" or tail[:8] == b"conectix" or tail[1:9] == b"conectix":
        return VHD
    if head[:4] in (b"KDMV", b"COWD") or b"# Disk DescriptorFile" in head[:1024]:
        return VMDK
    for offset, magic, what in _UNSUPPORTED:
        if head[offset : offset + len(magic)] == magic:
            raise ImageKindError(
                f"{path}: {what}; verscan reads EWF, VHD, VHDX, VMDK and raw images"
            )
    if raw_layout(head) is not None:
        return RAW
    return None


def is_binary(path: str) -> bool:
    """Whether the file's first 4 KiB hold a NUL byte (an inventory is text)."""
    try:
        with open(path, "rb") as fh:
            return b"\x00" in fh.read(HEAD)
    except OSError:
        return False
