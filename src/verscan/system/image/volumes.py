"""The volumes of a disk: its partition table (MBR or GPT) read, or the disk as one volume.

No library reads MBRs from a wheel, and both tables are a few fixed structures: they
are read here, bounded (at most :data:`MAX_GPT_ENTRIES` GPT entries, :data:`MAX_LOGICAL`
logical partitions, a loop in the chain of extended boot records is cut) and checked
(GPT header and entry checksums, the backup header when the primary is damaged).
Partitions are numbered as Linux and Windows' Disk Management number them: MBR
slots 1-4, logical partitions from 5 in chain order, GPT entries by their index from 1.
Each volume's file system is told by its boot sector (:func:`.detect.boot_sector_kind`).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from verscan.system.image.detect import _MBR_EXTENDED, _MBR_PROTECTIVE, boot_sector_kind

PositionedRead = Callable[[int, int], bytes]
"""``pread(length, offset)`` on the disk."""

MAX_GPT_ENTRIES = 1024
MAX_LOGICAL = 128
READABLE = frozenset(("NTFS", "FAT12", "FAT16", "FAT32", "exFAT"))
"""File systems verscan reads inside an image."""

_GPT_HEADER = struct.Struct("<8sIIII QQQQ 16s QIII")
_GPT_ENTRY = struct.Struct("<16s16sQQQ72s")

_GPT_TYPES = {
    "c12a7328-f81f-11d2-ba4b-00a0c93ec93b": "EFI system",
    "e3c9e316-0b5c-4db8-817d-f92df00215ae": "Microsoft reserved",
    "ebd0a0a2-b9e5-4433-87c0-68b6b72699c7": "Microsoft basic data",
    "de94bba4-06d1-4d40-a16a-bfd50179d6ac": "Windows recovery",
    "5808c8aa-7e8f-42e0-85d2-e1e90434cfb3": "dynamic disk (LDM) metadata",
    "af9b60a0-1431-4f62-bc68-3311714a69ad": "dynamic disk (LDM) data",
    "e75caf8f-f680-4cee-afa3-b001e56efc2d": "Storage Spaces",
    "0fc63daf-8483-4772-8e79-3d69d8477de4": "Linux file system",
    "0657fd6d-a4ab-43c4-84e5-0933c84b4f4f": "Linux swap",
    "e6d6d379-f507-44c2-a23c-238f2a3df928": "Linux LVM",
    "21686148-6449-6e6f-744e-656564454649": "BIOS boot",
}
_WINDOWS_DATA = frozenset(("Microsoft basic data", "Windows recovery", "EFI system"))

_MBR_TYPES = {
    0x01: "FAT12",
    0x04: "FAT16",
    0x06: "FAT16",
    0x07: "NTFS or exFAT",
    0x0B: "FAT32",
    0x0C: "FAT32",
    0x0E: "FAT16",
    0x17: "hidden NTFS",
    0x27: "Windows recovery",
    0x42: "dynamic disk (LDM)",
    0x82: "Linux swap",
    0x83: "Linux file system",
    0x8E: "Linux LVM",
    0xEF: "EFI system",
}
_MBR_WINDOWS = frozenset((0x01, 0x04, 0x06, 0x07, 0x0B, 0x0C, 0x0E, 0x17, 0x27, 0xEF))


@dataclass(frozen=True)
class Volume:
    """One volume of a disk image: a partition, or the whole image when it has no table."""

    number: int | None
    """The partition's number; None when the image is one volume without a partition table."""
    offset: int
    """Where it starts in the disk, in bytes."""
    size: int
    """Its length in bytes."""
    file_system: str | None
    """What its boot sector says it holds (``NTFS``, ``FAT32``, ``BitLocker``, ...), or None."""
    type_name: str | None = None
    """What the partition table calls it (``Microsoft reserved``), when it says."""
    windows_data: bool = True
    """Whether the table marks it as a place for Windows files (so that not reading it matters)."""

    @property
    def name(self) -> str:
        """``partition 2``, or ``volume`` for an image without a partition table."""
        return f"partition {self.number}" if self.number is not None else "volume"

    @property
    def title(self) -> str:
        """``partition 2 (NTFS, 40 GB)``: how reports name the volume."""
        what = self.file_system or self.type_name or "no file system"
        return f"{self.name} ({what}, {human_size(self.size)})"

    @property
    def readable(self) -> bool:
        """Whether verscan reads its file system."""
        return self.file_system in READABLE

    def record(self) -> dict[str, object]:
        """The JSON object of the volume (an inventory's ``image.volumes``)."""
        return {
            "partition": self.number,
            "file_system": self.file_system,
            "type": self.type_name,
            "offset": self.offset,
            "size": self.size,
        }


def human_size(size: int) -> str:
    """``40 GB``, ``100 MB``, ``1.5 GB`` (binary units, as Windows shows them)."""
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            if unit == "bytes":
                return f"{size} bytes"
            if value >= 10 or value == int(value):
                return f"{value:.0f} {unit}"
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"  # pragma: no cover


def find_volumes(
    read: PositionedRead, disk_size: int, sector_size: int = 512
) -> tuple[list[Volume], list[str]]:
    """The disk's volumes in partition order, and what was wrong with its table (one line each)."""
    head = read(8192, 0)
    if boot_sector_kind(head[:512]) is not None:
        return [_volume(read, None, 0, disk_size, None, True)], []
    for ss in dict.fromkeys((sector_size, 512, 4096)):
        if head[ss : ss + 8] == b"EFI PART":
            return _gpt(read, disk_size, ss)
    if head[510:512] == b"\x55\xaa":
        entries = [struct.unpack_from("<B3xB3xII", head, 446 + 16 * i) for i in range(4)]
        if any(e[1] == _MBR_PROTECTIVE for e in entries):
            volumes, problems = _gpt(read, disk_size, sector_size)
            return volumes, problems
        return _mbr(read, disk_size, sector_size, entries)
    return [], ["no partition table and no file system verscan recognises"]


def _volume(
    read: PositionedRead,
    number: int | None,
    offset: int,
    size: int,
    type_name: str | None,
    windows_data: bool,
) -> Volume:
    try:
        kind = boot_sector_kind(read(512, offset)) if size >= 512 else None
    except OSError:  # the image cannot be read there: the volume is reported unreadable
        kind = None
    return Volume(number, offset, size, kind, type_name, windows_data)


def _mbr(
    read: PositionedRead,
    disk_size: int,
    ss: int,
    entries: list[tuple[int, int, int, int]],
) -> tuple[list[Volume], list[str]]:
    volumes: list[Volume] = []
    problems: list[str] = []
    extended: tuple[int, int] | None = None
    for slot, (_, ptype, first, count) in enumerate(entries, 1):
        if ptype == 0 or count == 0:
            continue
        if ptype in _MBR_EXTENDED:
            extended = (first, count)
            continue
        type_name = _MBR_TYPES.get(ptype, f"type 0x{ptype:02x}")
        volumes.append(
            _volume(read, slot, first * ss, count * ss, type_name, ptype in _MBR_WINDOWS)
        )
    if extended is not None:
        volumes.extend(_logical(read, ss, extended[0], problems))
    return volumes, problems


def _logical(read: PositionedRead, ss: int, base: int, problems: list[str]) -> list[Volume]:
    """The logical partitions in the chain of extended boot records starting at LBA ``base``."""
    found: list[Volume] = []
    seen: set[int] = set()
    ebr = base
    number = 5
    while True:
        if ebr in seen:
            problems.append(f"the chain of logical partitions loops back at sector {ebr}")
            break
        if len(found) >= MAX_LOGICAL:
            problems.append(f"more than {MAX_LOGICAL} logical partitions: the rest left out")
            break
        seen.add(ebr)
        sector = read(512, ebr * ss)
        if len(sector) < 512 or sector[510:512] != b"\x55\xaa":
            problems.append(f"the extended boot record at sector {ebr} is missing or damaged")
            break
        _, ptype, first, count = struct.unpack_from("<B3xB3xII", sector, 446)
        if ptype != 0 and count:
            type_name = _MBR_TYPES.get(ptype, f"type 0x{ptype:02x}")
            start = (ebr + first) * ss
            found.append(_volume(read, number, start, count * ss, type_name, ptype in _MBR_WINDOWS))
            number += 1
        _, next_type, next_first, _ = struct.unpack_from("<B3xB3xII", sector, 462)
        if next_type not in _MBR_EXTENDED or next_first == 0:
            break
        ebr = base + next_first
    return found


def _gpt_header(read: PositionedRead, lba: int, ss: int) -> tuple[int, int, int, int] | None:
    """``(entries LBA, entry count, entry size, entries CRC)`` of a sound GPT header at ``lba``."""
    raw = read(ss, lba * ss)
    if len(raw) < _GPT_HEADER.size or raw[:8] != b"EFI PART":
        return None
    (_, _, header_size, crc, _, _, _, _, _, _, entries_lba, count, entry_size, entries_crc) = (
        _GPT_HEADER.unpack_from(raw)
    )
    if not _GPT_HEADER.size <= header_size <= len(raw):
        return None
    blank = raw[:16] + b"\0\0\0\0" + raw[20:header_size]
    if zlib.crc32(blank) != crc:
        return None
    if entry_size < _GPT_ENTRY.size or entry_size % 8 or entry_size > 4096:
        return None
    return entries_lba, count, entry_size, entries_crc


def _gpt(read: PositionedRead, disk_size: int, ss: int) -> tuple[list[Volume], list[str]]:
    import uuid

    problems: list[str] = []
    header = _gpt_header(read, 1, ss)
    if header is None:
        header = _gpt_header(read, disk_size // ss - 1, ss)
        if header is None:
            return [], ["the GPT header and its backup are both damaged (checksum mismatch)"]
        problems.append("the GPT header is damaged; its backup at the end of the disk was used")
    entries_lba, count, entry_size, entries_crc = header
    if count > MAX_GPT_ENTRIES:
        problems.append(f"the GPT claims {count} entries; the first {MAX_GPT_ENTRIES} were read")
        count = MAX_GPT_ENTRIES
    table = read(count * entry_size, entries_lba * ss)
    if len(table) < count * entry_size:
        problems.append("the GPT's entries lie past the end of the image")
        count = len(table) // entry_size
    elif zlib.crc32(table) != entries_crc:
        problems.append("the GPT's entries do not match their checksum")
    volumes: list[Volume] = []
    for i in range(count):
        type_guid, _, first, last, _, _ = _GPT_ENTRY.unpack_from(table, i * entry_size)
        if type_guid == bytes(16) or last < first:
            continue
        type_id = str(uuid.UUID(bytes_le=type_guid))
        type_name = _GPT_TYPES.get(type_id, f"type {type_id}")
        volumes.append(
            _volume(read, i + 1, first * ss, (last - first + 1) * ss, type_name,
                    type_name in _WINDOWS_DATA)
        )  # fmt: skip
    return volumes, problems
