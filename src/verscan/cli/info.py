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
    presentation_options,
    progress,
    summarize,
    warn,
)
from verscan.cli.images import is_image_target, open_image_target, partition_option
from verscan.cli.options import follow_option
from verscan.errors import SourceError
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
@partition_option()
@presentation_options
@handle_errors
def info_command(
    paths: tuple[str, ...],
    fmt: str,
    output: str | None,
    force: bool,
    all_strings: bool,
    follow_links: bool,
    engine: str,
    partition: int | None,
) -> None:
    """Show the PE version resource of each file; folders are read recursively.

    \b
    Example:
      verscan info fixtures/pe/iischema_x86.dll
      verscan info --format json C:/mnt/win/WINNT/system32/inetsrv
      verscan info evidence.E01 --partition 2

    Files in folders that are not PE files (texts, images) are left out and
    counted, unless named like one (.dll, .exe, .sys, ...); a file named on the
    command line is always reported. A disk image named on the command line
    (EWF, VHD, VHDX, VMDK or raw; with the images extra) is read like a folder.

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
    images = 0
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
            if info.status is Status.NOT_PE and item.named and is_image_target(item.path):
                images += 1
                image_not_pe, image_failed = _image_infos(item.path, partition, engine, infos)
                not_pe += image_not_pe
                failed = failed or image_failed
                continue
            if info.status is Status.NOT_PE and not item.named and not pe_named(item.name):
                not_pe += 1  # a folder's other files (texts, images) are not findings
                continue
            infos.append(info)
            if info.status not in (Status.OK, Status.NO_VERSION):
                warn(f"{info.path}: {info.status.value}: {info.error}")
                failed = True
    if partition is not None and not images:
        raise SourceError("--partition applies to disk images only, and none was named")
    emit(info_document(infos, all_strings=all_strings), fmt, output, force)
    if not_pe:
        summarize(f"{not_pe} files in the folders given are not PE files and were left out")
    sys.exit(EXIT_ERROR if missing else EXIT_FINDINGS if failed else EXIT_CLEAN)


def _image_infos(
    path: str, partition: int | None, engine: str, infos: list[VersionInfo]
) -> tuple[int, bool]:
    """Read every file of a disk image into ``infos``, as a folder's files are read.

    Returns how many files were not PE files and whether anything could not be read.
    """
    if engine != "verscan":
        raise SourceError(f"{path}: --engine {engine} reads files on this machine, not in images")
    from verscan.system.image.filesystems import Child, FileSystem
    from verscan.system.image.system import ImageProblem

    image = open_image_target(path, partition)

    def visit(rel: str, child: Child, fs: FileSystem) -> VersionInfo:
        return fs.read_version(child, image.where(rel))

    not_pe = 0
    failed = False
    try:
        for item in progress(image.walk(visit), None, "reading"):
            if isinstance(item, ImageProblem):
                warn(f"{image.where(item.rel)}: {item.message}")
                failed = failed or WalkProblem(item.rel, item.message).fault
                continue
            found, info = item
            if info.status is Status.NOT_PE and not pe_named(found.name):
                not_pe += 1
                continue
            infos.append(info)
            if info.status not in (Status.OK, Status.NO_VERSION):
                warn(f"{info.path}: {info.status.value}: {info.error}")
                failed = True
    finally:
        image.close()
    return not_pe, failed
