"""`verscan diff`: two machines, directories or inventories, compared."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

import click

from verscan.cli.common import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FINDINGS,
    emit,
    handle_errors,
    output_options,
    presentation_options,
    summarize,
    warn,
)
from verscan.cli.images import (
    is_image_target,
    open_image_target,
    partition_for,
    partition_option,
    refuse_binary,
    refuse_partition,
)
from verscan.cli.options import (
    TABULAR_AND_STRUCTURED,
    exclude_option,
    follow_option,
    jobs_option,
    load_manifest_args,
    manifests_option,
    os_option,
    profile_of,
    reading,
)
from verscan.cli.scan import open_system
from verscan.compare.diff import Side, compare_verdicts, diff
from verscan.errors import SourceError
from verscan.reports.diff import (
    diff_document,
    summary_line,
    verdict_diff_document,
    verdict_summary_line,
)
from verscan.system.exclude import make_exclude
from verscan.system.inventory import (
    InventorySystem,
    load_inventory,
    take_inventory,
)
from verscan.system.profile import chosen_profile, stated_for
from verscan.verdicts.scan import scan


def _side(
    target: str,
    tag: str,
    os_texts: tuple[str, ...],
    *,
    follow_links: bool,
    jobs: int | None,
    partitions: tuple[str, ...] = (),
) -> Side:
    """A directory or disk image (read now) or a saved inventory, as one machine of a comparison."""
    partition = partition_for(partitions, tag, target)
    hasher: Callable[[str], str | None] | None = None
    if os.path.isdir(target):
        refuse_partition(target, partition)
        inv = take_inventory(
            target, label=target, follow_links=follow_links, workers=jobs, wrap=reading
        )
        live = True
    elif is_image_target(target):
        from verscan.system.image.inventory import take_image_inventory

        image = open_image_target(target, partition)
        inv, live, hasher = take_image_inventory(image, wrap=reading), True, image.sha256_of
    elif os.path.isfile(target):
        refuse_partition(target, partition)
        refuse_binary(target)
        inv, live = load_inventory(target), False
    else:
        raise SourceError(f"{target}: no such directory or inventory file")
    # Files are compared whatever the systems are: their profiles are shown, not warned about.
    stated = stated_for(os_texts, tag, inv.label, target)
    profile, _ = chosen_profile(InventorySystem(inv).profile(), stated, inv.label)
    return Side(inv, live=live, system=profile, hasher=hasher)


@click.command("diff")
@click.argument("a", type=click.Path())
@click.argument("b", type=click.Path())
@manifests_option(
    "Compare the KB verdicts of A and B instead of their files (repeatable).", required=False
)
@click.option(
    "--show-all/--ignore-unchanged",
    default=False,
    help="List every file (or KB), not only those that differ.  [default: --ignore-unchanged]",
)
@output_options(TABULAR_AND_STRUCTURED)
@follow_option("A and B (directories)")
@jobs_option
@partition_option("A or B")
@os_option("A or B")
@exclude_option
@presentation_options
@handle_errors
def diff_command(
    a: str,
    b: str,
    manifest_paths: tuple[str, ...],
    show_all: bool,
    fmt: str,
    output: str | None,
    force: bool,
    follow_links: bool,
    jobs: int | None,
    partitions: tuple[str, ...],
    os_texts: tuple[str, ...],
    excludes: tuple[str, ...],
) -> None:
    """Compare two machines: A and B are each a directory, a disk image or an inventory.

    Each side's Windows (release, service pack, platform) is shown first, and
    how they differ. Files are matched by their path relative to each root,
    without regard to case. A file differs when its version differs (A newer, B newer), when it is
    on one side only, when it has the same version but another hash or size,
    or when it is built for another platform. Files that cannot be read are
    listed and left out; the rest are compared.

    \b
    Example:
      verscan diff broken.json healthy.json
      verscan diff /mnt/srv01/Windows srv02.json --format json
      verscan diff srv01.json srv02.json -m manifests/
      verscan diff old.json /mnt/c -m manifests/ --os "B=Windows XP SP3 x86"
      verscan diff before.vhdx after.E01 --partition A=2 --partition B=3

    Exit 0 when the two are the same, 1 when they differ (or some files could
    not be compared on one side), 2 on usage or input errors.
    """
    if manifest_paths:
        _diff_verdicts(
            a, b, manifest_paths, show_all, fmt, output, force, follow_links, os_texts, excludes,
            partitions,
        )  # fmt: skip
        return
    side_a = _side(a, "A", os_texts, follow_links=follow_links, jobs=jobs, partitions=partitions)
    side_b = _side(b, "B", os_texts, follow_links=follow_links, jobs=jobs, partitions=partitions)
    result = diff(side_a, side_b, exclude=make_exclude(excludes))
    for p in result.problems:
        where = {"a": "A", "b": "B"}.get(p.side, "A and B")
        warn(f"{where}: {p.path or '.'}: {p.message}")
    emit(diff_document(result, show_all=show_all), fmt, output, force)
    summarize(summary_line(result))
    sys.exit(EXIT_FINDINGS if result.differ else EXIT_CLEAN)


def _diff_verdicts(
    a: str,
    b: str,
    manifest_paths: tuple[str, ...],
    show_all: bool,
    fmt: str,
    output: str | None,
    force: bool,
    follow_links: bool,
    os_texts: tuple[str, ...],
    excludes: tuple[str, ...],
    partitions: tuple[str, ...] = (),
) -> None:
    manifests, errors = load_manifest_args(manifest_paths)
    if not manifests:
        sys.exit(EXIT_ERROR)
    systems = [
        open_system(t, follow_links=follow_links, partition=partition_for(partitions, tag, t))
        for t, tag in ((a, "A"), (b, "B"))
    ]
    exclude = make_exclude(excludes)
    results = [
        scan(
            system,
            manifests,
            profile=profile_of(system, stated_for(os_texts, tag, system.label, target)),
            exclude=exclude,
        )
        for system, tag, target in zip(systems, "AB", (a, b))
    ]
    for tag, result in zip("AB", results):
        for problem in result.problems:
            warn(f"{tag}: {problem.path}: {problem.message}")
    compared = compare_verdicts(results[0], results[1], systems[0].label, systems[1].label)
    emit(verdict_diff_document(compared, show_all=show_all), fmt, output, force)
    summarize(verdict_summary_line(compared))
    if errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if compared.differences else EXIT_CLEAN)
