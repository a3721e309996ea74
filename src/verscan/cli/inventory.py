"""`verscan inventory`: a snapshot of one machine's binaries."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable

import click

from verscan.atomic import write_atomic
from verscan.cli.common import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    OUTPUT_PATH,
    deliver,
    handle_errors,
    presentation_options,
    refuse_output,
    summarize,
    to_stdout,
    warn,
)
from verscan.cli.images import (
    is_image_target,
    open_image_target,
    partition_option,
    refuse_partition,
)
from verscan.cli.options import (
    follow_option,
    jobs_option,
    reading,
)
from verscan.pe import Status
from verscan.reports.inventory import summary_line as inventory_summary_line
from verscan.system.inventory import (
    HASHES,
    dump_inventory,
    inventory_bytes,
    joined,
    take_inventory,
)
from verscan.system.walk import WalkProblem


@click.command("inventory")
@click.argument("target", type=click.Path())
@click.option(
    "--output",
    "-o",
    required=True,
    type=OUTPUT_PATH,
    help=(
        "The inventory file to write: JSON, or YAML when it ends in .yaml; gzip-compressed "
        "when it also ends in .gz (host.json.gz); '-': JSON on stdout."
    ),
)
@click.option("--label", help="The machine's name in reports (default: this host's name).")
@click.option(
    "--hash",
    "hash_name",
    type=click.Choice(HASHES),
    default=None,
    help="Record the SHA-256 of every PE file (reads each file whole: slower).",
)
@click.option("--all", "all_files", is_flag=True, help="Record every file, not only PE files.")
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@follow_option("TARGET")
@jobs_option
@partition_option()
@presentation_options
@handle_errors
def inventory_command(
    target: str,
    output: str,
    label: str | None,
    hash_name: str | None,
    all_files: bool,
    force: bool,
    follow_links: bool,
    jobs: int | None,
    partition: int | None,
) -> None:
    """Record the PE files under TARGET in an inventory FILE, to scan or compare elsewhere.

    TARGET is a folder or a disk image (EWF .E01, VHD, VHDX, VMDK or raw; read
    without mounting, with the images extra). Every file whose content is a PE
    image is recorded (whatever its name), and every file named like a Windows
    binary (.dll, .exe, .sys, ...): its path relative to TARGET, size,
    modification time, version resource, platform and status. `verscan scan
    FILE` gives the verdicts a scan of TARGET gives.

    \b
    Example:
      verscan inventory /mnt/srv01/Windows --label srv01 --output srv01.json
      verscan inventory C:/ --hash sha256 --output srv01.yaml
      verscan inventory /mnt/srv02 --output srv02.json.gz
      verscan inventory evidence.E01 --partition 2 --output evidence.json

    Exit 0 when every file was read, 1 when some files or folders could not be
    (each is listed on stderr; the inventory records them), 2 when TARGET is
    neither a folder nor a disk image or FILE exists (use --force).
    """
    refuse_output(output, force)
    where: Callable[[str], str] = functools.partial(joined, target)
    if is_image_target(target):
        from verscan.system.image.inventory import take_image_inventory

        image = open_image_target(target, partition)
        where = image.where
        inv = take_image_inventory(image, label=label, hash_name=hash_name, all_files=all_files,
                                   wrap=reading)  # fmt: skip
    else:
        refuse_partition(target, partition)
        inv = take_inventory(
            target,
            label=label,
            hash_name=hash_name,
            all_files=all_files,
            follow_links=follow_links,
            workers=jobs,
            wrap=reading,
        )
    if to_stdout(output):
        deliver(dump_inventory(inv), output, force)
    else:
        write_atomic(output, inventory_bytes(inv, output), force=force)
    unread = [f for f in inv.files if f.info.status is Status.UNREADABLE]
    for p in inv.problems:
        warn(f"{where(p.rel)}: {p.message}")
    for f in unread:
        warn(f"{f.info.path}: unreadable: {f.info.error}")
    summarize(inventory_summary_line(inv, output))
    faults = [p for p in inv.problems if WalkProblem(p.rel, p.message).fault]
    sys.exit(EXIT_FINDINGS if faults or unread else EXIT_CLEAN)
