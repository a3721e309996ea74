"""Targets that may be disk images: ``--partition``, and opening a folder, image or inventory."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from verscan.cli.common import (
    summarize,
)
from verscan.errors import SourceError

if TYPE_CHECKING:
    from verscan.system.image.system import ImageSystem
    from verscan.system.interface import System

F = TypeVar("F", bound=Callable[..., Any])

PARTITION_HELP = (
    "Read only partition N of a disk image (numbered as on the image's line on stderr; "
    "default: every NTFS and FAT volume)."
)


def partition_option(who: str | None = None) -> Callable[[F], F]:
    """``--partition N`` (``--partition [WHO=]N``, repeatable, with ``who``)."""
    if who is None:
        return click.option(
            "--partition", type=click.IntRange(min=1), default=None, metavar="N",
            help=PARTITION_HELP,
        )  # fmt: skip
    return click.option(
        "--partition",
        "partitions",
        multiple=True,
        metavar="[WHO=]N",
        callback=_check_partitions,
        help=(
            f"Read only partition N of {who} when it is a disk image "
            f"({who.split(' ')[0]}=N for one of them; repeatable)."
        ),
    )


def _check_partitions(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    for text in value:
        number = text.rpartition("=")[2].strip()
        if not number.isdigit() or int(number) < 1:
            raise click.BadParameter(f"{text!r}: expected a partition number N or WHO=N")
    return value


def partition_for(texts: Iterable[str], *names: str) -> int | None:
    """The ``--partition`` for a target known by any of ``names``; else the one for all."""
    folded = {n.casefold() for n in names if n}
    common = None
    for text in texts:
        who, eq, number = text.rpartition("=")
        if not eq:
            common = int(number)
        elif who.strip().casefold() in folded:
            return int(number)
    return common


def open_image_target(path: str, partition: int | None) -> ImageSystem:
    """Open a disk image and say on stderr what it holds."""
    from verscan.system.image import open_image

    system = open_image(path, partition=partition)
    summarize(system.describe())
    return system


def is_image_target(path: str) -> bool:
    """Whether ``path`` is a file whose content is a disk image."""
    from verscan.system.image import is_image

    return os.path.isfile(path) and is_image(path)


def refuse_partition(target: str, partition: int | None) -> None:
    """``--partition`` names a partition of an image: refuse it for anything else."""
    if partition is not None:
        raise SourceError(f"{target}: --partition applies to disk images only")


def refuse_binary(target: str) -> None:
    """A file that is neither an image nor text (nor gzip-compressed text) cannot be an
    inventory: say so plainly."""
    from verscan.system.compressed import is_gzip_file
    from verscan.system.image.detect import is_binary

    if is_binary(target) and not is_gzip_file(target):
        raise SourceError(
            f"{target}: neither a disk image verscan reads (EWF, VHD, VHDX, VMDK, or a raw "
            "image with an MBR, a GPT, or an NTFS or FAT volume) nor an inventory"
        )


def open_target(target: str, *, follow_links: bool = False, partition: int | None = None) -> System:
    """A directory, a disk image, or a saved inventory file, as a system to scan."""
    if os.path.isdir(target):
        refuse_partition(target, partition)
        from verscan.system.directory import DirectorySystem

        return DirectorySystem(target, follow_links=follow_links)
    if os.path.isfile(target):
        if is_image_target(target):
            return open_image_target(target, partition)
        refuse_partition(target, partition)
        refuse_binary(target)
        from verscan.system.inventory import InventorySystem, load_inventory

        return InventorySystem(load_inventory(target))
    raise SourceError(f"{target}: no such directory or inventory file")
