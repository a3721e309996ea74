"""`verscan info`: the version resources of files, like filever or sigcheck, on any OS."""

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
    progress,
    warn,
)
from verscan.cli.options import follow_option
from verscan.output import OutputFormat
from verscan.pe import Status, VersionInfo, read_version_info
from verscan.pe.record import pe_named
from verscan.reports.info import info_document
from verscan.system.walk import MissingPath, WalkProblem, expand_paths

ENGINES = ("pefile", "verscan")
"""verscan's own reader, or pefile (imported only when chosen)."""


@click.command("info")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@output_options(
    (
        OutputFormat.TABLE,
        OutputFormat.JSON,
        OutputFormat.CSV,
        OutputFormat.YAML,
        OutputFormat.MARKDOWN,
    )
)
@click.option("--all-strings", is_flag=True, help="Show every string of every language table.")
@follow_option("folders")
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="verscan",
    show_default=True,
    help="Parser: verscan's own reader, or pefile (the slower reference, for cross-checks).",
)
@handle_errors
def info_command(
    paths: tuple[str, ...],
    fmt: str,
    output: str | None,
    force: bool,
    all_strings: bool,
    follow_links: bool,
    engine: str,
) -> None:
    """Show the PE version resource of each file; folders are read recursively.

    \b
    Example:
      verscan info fixtures/pe/iischema_x86.dll
      verscan info --format json C:/mnt/win/WINNT/system32/inetsrv

    Files in folders that are not PE files (texts, images) are left out and
    counted, unless named like one (.dll, .exe, .sys, ...); a file named on the
    command line is always reported.

    Exit 0 when every file was read, 1 when some were not PE files, broken or
    unreadable (each is listed on stderr), 2 when a path does not exist.
    """
    reader = read_version_info
    if engine == "pefile":
        from verscan.pe.reference import read_with_pefile

        reader = read_with_pefile
    infos: list[VersionInfo] = []
    missing = failed = False
    not_pe = 0
    found = list(expand_paths(list(paths), follow_links=follow_links))
    for item in progress(found, len(found), "reading"):
        if isinstance(item, MissingPath):
            warn(f"{item.path}: {item.message}")
            missing = True
        elif isinstance(item, WalkProblem):
            warn(f"{item.path}: {item.message}")
            failed = failed or item.fault
        else:
            info = reader(item.path)
            if info.status is Status.NOT_PE and not item.named and not pe_named(item.name):
                not_pe += 1  # a folder's other files (texts, images) are not findings
                continue
            infos.append(info)
            if info.status not in (Status.OK, Status.NO_VERSION):
                warn(f"{info.path}: {info.status.value}: {info.error}")
                failed = True
    emit(info_document(infos, all_strings=all_strings), fmt, output, force)
    if not_pe:
        warn(f"{not_pe} files in the folders given are not PE files and were left out")
    sys.exit(EXIT_ERROR if missing else EXIT_FINDINGS if failed else EXIT_CLEAN)
