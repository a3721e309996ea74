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
    """The partition ``--partition`` picked, None when every volume was read."""
    volumes: tuple[Volume, ...]
    """Every volume the image holds, read or not."""

    def record(self) -> dict[str, Any]:
        """The JSON object (an inventory's ``image``)."""
        return {
            "path": self.path,
            "kind": self.kind,
            "size": self.size,
            "partition": self.partition,
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
    return ImageOrigin(
        path=need(data, "path", (str,), where),
        kind=kind,
        size=need(data, "size", (int,), where),
        partition=number(data, "partition", where),
        volumes=tuple(volumes),
    )
