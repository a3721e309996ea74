"""`verscan scan`: per-KB compliance verdicts for a system directory or inventory."""

from __future__ import annotations

import sys

import click

from verscan.cli.common import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FINDINGS,
    emit,
    handle_errors,
    output_options,
    presentation_options,
    progress,
    summarize,
    warn,
)
from verscan.cli.images import open_target, partition_option
from verscan.cli.options import (
    MANIFESTS_HELP,
    exclude_option,
    follow_option,
    load_manifest_args,
    manifests_option,
    os_option,
    profile_of,
)
from verscan.reports.scan import scan_document, summary_line
from verscan.system.exclude import make_exclude
from verscan.system.interface import System
from verscan.verdicts import FileVerdict, KBVerdict
from verscan.verdicts.scan import scan


def open_system(target: str, *, follow_links: bool = False, partition: int | None = None) -> System:
    """A directory, a disk image, or a saved inventory file, as a system to scan."""
    return open_target(target, follow_links=follow_links, partition=partition)


@click.command("scan")
@click.argument("target", type=click.Path())
@manifests_option(MANIFESTS_HELP)
@output_options()
@click.option("--files", "show_files", is_flag=True, help="Add one line per file copy.")
@click.option(
    "--include-backups",
    is_flag=True,
    help="Also list copies in backup folders ($NtUninstall…$, dllcache, WinSxS, …).",
)
@follow_option("TARGET")
@partition_option()
@os_option()
@exclude_option
@presentation_options
@handle_errors
def scan_command(
    target: str,
    manifest_paths: tuple[str, ...],
    fmt: str,
    output: str | None,
    force: bool,
    show_files: bool,
    include_backups: bool,
    follow_links: bool,
    partition: int | None,
    os_text: str | None,
    excludes: tuple[str, ...],
) -> None:
    """Decide for each KB whether its hotfix is on the system at TARGET.

    TARGET is a Windows system folder (a mounted volume, a share, an extracted
    image), a disk image (EWF .E01, VHD, VHDX, VMDK or raw; read without
    mounting, with the images extra) or an inventory saved by `verscan
    inventory`. Which Windows it is (release, service pack, platform) is found
    from its kernel first: a KB's rows for other releases or platforms do not
    apply to it.

    \b
    Example:
      verscan scan fixtures/systems/win2000-sp4 -m manifests/
      verscan scan evidence.E01 -m manifests/ --partition 2
      verscan scan /mnt/c -m manifests/ --files --format json -o report.json
      verscan scan /mnt/c -m manifests/ --os "Windows XP SP3 x86"
      verscan scan /mnt/c -m manifests/ --exclude "Program Files*"

    Exit 0 when no KB is MISSING, 1 when one is or when files or folders of
    TARGET could not be read (the verdicts may then be incomplete), 2 on usage
    or input errors (a missing TARGET, a manifest that fails lint).
    """
    manifests, errors = load_manifest_args(manifest_paths)
    if not manifests and errors:
        sys.exit(EXIT_ERROR)
    system = open_system(target, follow_links=follow_links, partition=partition)
    result = scan(
        system,
        manifests,
        profile=profile_of(system, os_text),
        include_backups=include_backups,
        exclude=make_exclude(excludes),
        wrap=lambda copies: progress(copies, None, "scanning"),
    )
    for problem in result.problems:
        warn(f"{problem.path}: {problem.message}")
    emit(scan_document(result, files=show_files), fmt, output, force)
    summarize(summary_line(result))
    if errors:
        sys.exit(EXIT_ERROR)
    missing = any(kb.verdict is KBVerdict.MISSING for kb in result.kbs)
    # Verdicts from a tree that could not be read whole may be wrong: say so.
    skipped = any(p.fault for p in result.problems) or any(
        f.verdict is FileVerdict.UNREADABLE and f.backup is None
        for kb in result.kbs
        for f in kb.files
    )
    sys.exit(EXIT_FINDINGS if missing or skipped else EXIT_CLEAN)
