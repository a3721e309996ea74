"""`verscan inventory`, `verscan diff` and `verscan report`: snapshots, two machines, a fleet."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import click

from verscan.atomic import write_atomic
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
from verscan.cli.scan import open_system
from verscan.diff import Side, compare_verdicts, diff
from verscan.errors import InventoryError, OutputError, SourceError
from verscan.fleet import build_fleet
from verscan.inventory import (
    HASHES,
    Inventory,
    dump_inventory,
    is_yaml_name,
    joined,
    load_inventory,
    take_inventory,
)
from verscan.manifest.load import load_manifests
from verscan.output import OutputFormat, render
from verscan.output.html import HtmlRenderer
from verscan.pe import Status
from verscan.reports.diff import (
    diff_document,
    summary_line,
    verdict_diff_document,
    verdict_summary_line,
)
from verscan.reports.fleet import fleet_document
from verscan.reports.fleet import summary_line as fleet_summary_line
from verscan.reports.inventory import summary_line as inventory_summary_line
from verscan.scan import scan
from verscan.verdicts import KBVerdict

_TABULAR_AND_STRUCTURED = (
    OutputFormat.TABLE,
    OutputFormat.JSON,
    OutputFormat.YAML,
    OutputFormat.CSV,
    OutputFormat.MARKDOWN,
)

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

_jobs_option = click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Processes reading files (default: one per core; large trees only).",
)


def _follow_option(where: str) -> Callable[[F], F]:
    return click.option(
        "--follow-links", is_flag=True, help=f"Follow symbolic links inside {where}."
    )


def _reading(items: Iterable[T], count: int) -> Iterable[T]:
    return progress(items, count, "reading")


def _refuse_existing(output: str, force: bool) -> None:
    """Fail before a long walk, not after it, when the output may not be replaced."""
    if not force and (os.path.exists(output) or os.path.islink(output)):
        raise OutputError(f"{output}: exists (use --force to replace it)")


@click.command("inventory")
@click.argument("directory", type=click.Path())
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(dir_okay=False),
    help="The inventory file to write: JSON, or YAML when it ends in .yaml.",
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
@_follow_option("DIRECTORY")
@_jobs_option
@handle_errors
def inventory_command(
    directory: str,
    output: str,
    label: str | None,
    hash_name: str | None,
    all_files: bool,
    force: bool,
    follow_links: bool,
    jobs: int | None,
) -> None:
    """Record the PE files under DIRECTORY in an inventory FILE, to scan or compare elsewhere.

    Every file whose content is a PE image is recorded (whatever its name), and
    every file named like a Windows binary (.dll, .exe, .sys, ...): its path
    relative to DIRECTORY, size, modification time, version resource, platform
    and status. `verscan scan FILE` gives the verdicts a scan of DIRECTORY gives.

    \b
    Example:
      verscan inventory /mnt/srv01/Windows --label srv01 --output srv01.json
      verscan inventory C:/ --hash sha256 --output srv01.yaml

    Exit 0 when every file was read, 1 when some files or folders could not be
    (each is listed on stderr; the inventory records them), 2 when DIRECTORY is
    not a folder or FILE exists (use --force).
    """
    _refuse_existing(output, force)
    inv = take_inventory(
        directory,
        label=label,
        hash_name=hash_name,
        all_files=all_files,
        follow_links=follow_links,
        workers=jobs,
        wrap=_reading,
    )
    write_atomic(output, dump_inventory(inv, yaml_format=is_yaml_name(output)), force=force)
    unread = [f for f in inv.files if f.info.status is Status.UNREADABLE]
    for p in inv.problems:
        warn(f"{joined(inv.root, p.rel)}: {p.message}")
    for f in unread:
        warn(f"{f.info.path}: unreadable: {f.info.error}")
    warn(inventory_summary_line(inv, output))
    sys.exit(EXIT_FINDINGS if inv.problems or unread else EXIT_CLEAN)


def _side(target: str, *, follow_links: bool, jobs: int | None) -> Side:
    """A directory (read now) or a saved inventory, as one machine of a comparison."""
    if os.path.isdir(target):
        inv = take_inventory(
            target, label=target, follow_links=follow_links, workers=jobs, wrap=_reading
        )
        return Side(inv, live=True)
    if os.path.isfile(target):
        return Side(load_inventory(target))
    raise SourceError(f"{target}: no such directory or inventory file")


@click.command("diff")
@click.argument("a", type=click.Path())
@click.argument("b", type=click.Path())
@click.option(
    "--manifests",
    "-m",
    "manifest_paths",
    multiple=True,
    type=click.Path(),
    help="Compare the KB verdicts of A and B instead of their files (repeatable).",
)
@click.option(
    "--show-all/--ignore-unchanged",
    default=False,
    help="List every file (or KB), not only those that differ.  [default: --ignore-unchanged]",
)
@output_options(_TABULAR_AND_STRUCTURED)
@_follow_option("A and B (directories)")
@_jobs_option
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
) -> None:
    """Compare two machines: A and B are each a directory or an inventory.

    Files are matched by their path relative to each root, without regard to
    case. A file differs when its version differs (A newer, B newer), when it is
    on one side only, when it has the same version but another hash or size,
    or when it is built for another platform. Files that cannot be read are
    listed and left out; the rest are compared.

    \b
    Example:
      verscan diff broken.json healthy.json
      verscan diff /mnt/srv01/Windows srv02.json --format json
      verscan diff srv01.json srv02.json -m manifests/

    Exit 0 when the two are the same, 1 when they differ (or some files could
    not be compared on one side), 2 on usage or input errors.
    """
    if manifest_paths:
        _diff_verdicts(a, b, manifest_paths, show_all, fmt, output, force, follow_links)
        return
    side_a = _side(a, follow_links=follow_links, jobs=jobs)
    side_b = _side(b, follow_links=follow_links, jobs=jobs)
    result = diff(side_a, side_b)
    for p in result.problems:
        where = {"a": "A", "b": "B"}.get(p.side, "A and B")
        warn(f"{where}: {p.path or '.'}: {p.message}")
    emit(diff_document(result, show_all=show_all), fmt, output, force)
    warn(summary_line(result))
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
) -> None:
    manifests, errors = load_manifests(list(manifest_paths))
    for error in errors:
        warn(f"error: {error}")
    if not manifests:
        sys.exit(EXIT_ERROR)
    systems = [open_system(t, follow_links=follow_links) for t in (a, b)]
    results = [scan(system, manifests) for system in systems]
    for tag, result in zip("AB", results):
        for problem in result.problems:
            warn(f"{tag}: {problem.path}: {problem.message}")
    compared = compare_verdicts(results[0], results[1], systems[0].label, systems[1].label)
    emit(verdict_diff_document(compared, show_all=show_all), fmt, output, force)
    warn(verdict_summary_line(compared))
    if errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if compared.differences else EXIT_CLEAN)


_REPORT_FORMATS = (*(f.value for f in _TABULAR_AND_STRUCTURED), "html")


@click.command("report")
@click.argument("inventories", nargs=-1, required=True, type=click.Path())
@click.option(
    "--manifests",
    "-m",
    "manifest_paths",
    multiple=True,
    required=True,
    type=click.Path(),
    help="A manifest file or a folder of them (repeatable).",
)
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(_REPORT_FORMATS, case_sensitive=False),
    default="table",
    show_default=True,
    help="Report format; html is one self-contained page (verdicts coloured, sortable).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the report to FILE (atomically) instead of standard output.",
)
@click.option("--force", is_flag=True, help="Replace --output FILE if it exists.")
@click.option("--title", default="verscan fleet report", show_default=True, help="HTML title.")
@handle_errors
def report_command(
    inventories: tuple[str, ...],
    manifest_paths: tuple[str, ...],
    fmt: str,
    output: str | None,
    force: bool,
    title: str,
) -> None:
    """The fleet view: each machine (an inventory) against each KB, with the KB's verdict.

    \b
    Example:
      verscan report inventories/*.json -m manifests/
      verscan report srv01.json srv02.json -m manifests/ -f html -o fleet.html

    Exit 0 when no cell is MISSING, 1 when one is, 2 on usage or input errors
    (an inventory or manifest that cannot be read; the others are reported).
    """
    manifests, errors = load_manifests(list(manifest_paths))
    for error in errors:
        warn(f"error: {error}")
    loaded: list[Inventory] = []
    failed = bool(errors)
    for path in inventories:
        try:
            if os.path.isdir(path):
                raise InventoryError(
                    f"{path}: is a folder; take an inventory of it with `verscan inventory`"
                )
            loaded.append(load_inventory(path))
        except InventoryError as exc:
            warn(f"error: {exc}")
            failed = True
    if not loaded or not manifests:
        sys.exit(EXIT_ERROR)
    fleet = build_fleet(loaded, manifests)
    fmt = fmt.lower()
    if fmt == "html":
        doc = fleet_document(fleet, views=("machines", "kbs", "reasons"))
        text = HtmlRenderer(title, [fleet_summary_line(fleet)]).render(doc)
    elif fmt == OutputFormat.CSV.value:
        text = render(fleet_document(fleet, views=("machines",)), fmt)
    else:
        text = render(fleet_document(fleet, views=("machines", "reasons")), fmt)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomic(output, text, force=force)
    warn(fleet_summary_line(fleet))
    if failed:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if fleet.count(KBVerdict.MISSING) else EXIT_CLEAN)
