"""Where an inventory taken from a disk image came from: the image, its kind, the partition.

Plain data (an inventory's optional ``image`` key); no image library is needed to
read or write it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from verscan.system.image.detect import KINDS
from verscan.system.image.volumes import Volume


@dataclass(frozen=True)
class ImageOrigin:
    """The disk image an inventory was taken from."""

    path: str
    """The image file as it was named."""
    kind: str
    """``EWF``, ``VHD``, ``VHDX``, ``VMDK`` or ``raw``."""
    size: int
    """The disk's size in bytes."""
    partition: int | None
    """The partition the files come from when they come from one (picked with
    ``--partition``, or the disk's only NTFS or FAT volume); None for an image of one
    volume without a partition table, or when several volumes were read."""
    volume_folders: bool
    """Whether several volumes were read, each under a folder named after it
    (``partition 2/Windows/...``)."""
    volumes: tuple[Volume, ...]
    """Every volume the image holds, read or not."""

    def where(self, rel: str) -> str:
        """How messages name a path of the system: ``evidence.E01, partition 2: Windows/x.dll``."""
        if not rel:
            return self.path
        number, inner = self.partition, rel
        if self.volume_folders:
            head, _, rest = rel.partition("/")
            number = None
            for volume in self.volumes:
                if volume.number is not None and volume.name == head:
                    number, inner = volume.number, rest
        image = self.path if number is None else f"{self.path}, partition {number}"
        return f"{image}: {inner}" if inner else image

    def record(self) -> dict[str, Any]:
        """The JSON object (an inventory's ``image``)."""
        return {
            "path": self.path,
            "kind": self.kind,
            "size": self.size,
            "partition": self.partition,
            "volume_folders": self.volume_folders,
            "volumes": [v.record() for v in self.volumes],
        }


def origin_from_record(data: object, where: str) -> ImageOrigin:
    """An :class:`ImageOrigin` from its JSON object; :class:`ValueError` naming the key."""
    if not isinstance(data, dict):
        raise ValueError(f"{where}: expected an object")

    def need(obj: dict[str, Any], key: str, kinds: tuple[type, ...], at: str) -> Any:
        value = obj.get(key)
        if not isinstance(value, kinds) or isinstance(value, bool):
            raise ValueError(f"{at}.{key}: missing or of the wrong type")
        return value

    def number(obj: dict[str, Any], key: str, at: str) -> int | None:
        value = obj.get(key)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(f"{at}.{key}: expected a whole number or null")
        return value

    def text(obj: dict[str, Any], key: str, at: str) -> str | None:
        value = obj.get(key)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{at}.{key}: expected a string or null")
        return value

    kind = need(data, "kind", (str,), where)
    if kind not in KINDS:
        raise ValueError(f"{where}.kind: {kind!r} is not one of {', '.join(KINDS)}")
    raw_volumes = need(data, "volumes", (list,), where)
    volumes = []
    for i, item in enumerate(raw_volumes):
        at = f"{where}.volumes[{i}]"
        if not isinstance(item, dict):
            raise ValueError(f"{at}: expected an object")
        volumes.append(
            Volume(
                number=number(item, "partition", at),
                offset=need(item, "offset", (int,), at),
                size=need(item, "size", (int,), at),
                file_system=text(item, "file_system", at),
                type_name=text(item, "type", at),
            )
        )
    folders = data.get("volume_folders", False)
    if not isinstance(folders, bool):
        raise ValueError(f"{where}.volume_folders: expected true or false")
    return ImageOrigin(
        path=need(data, "path", (str,), where),
        kind=kind,
        size=need(data, "size", (int,), where),
        partition=number(data, "partition", where),
        volume_folders=folders,
        volumes=tuple(volumes),
    )
