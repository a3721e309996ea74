"""`verscan report`: the fleet view, machines against KBs."""

from __future__ import annotations

import os
import sys

import click

from verscan.cli.common import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FINDINGS,
    OUTPUT_PATH,
    deliver,
    for_terminal,
    handle_errors,
    refuse_output,
    warn,
)
from verscan.cli.options import (
    MANIFESTS_HELP,
    TABULAR_AND_STRUCTURED,
    exclude_option,
    load_manifest_args,
    manifests_option,
    os_option,
    profile_of,
    stated_for,
)
from verscan.compare.fleet import build_fleet
from verscan.errors import InventoryError
from verscan.output import OutputFormat, render
from verscan.output.html import HtmlRenderer
from verscan.reports.fleet import fleet_document
from verscan.reports.fleet import summary_line as fleet_summary_line
from verscan.system.exclude import make_exclude
from verscan.system.inventory import (
    Inventory,
    InventorySystem,
    load_inventory,
)
from verscan.verdicts import KBVerdict

_REPORT_FORMATS = (*(f.value for f in TABULAR_AND_STRUCTURED), "html")


@click.command("report")
@click.argument("inventories", nargs=-1, required=True, type=click.Path())
@manifests_option(MANIFESTS_HELP)
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
    type=OUTPUT_PATH,
    default=None,
    help="Write the report to FILE (atomically) instead of standard output ('-').",
)
@click.option("--force", is_flag=True, help="Replace --output FILE if it exists.")
@click.option("--title", default="verscan fleet report", show_default=True, help="HTML title.")
@os_option("a machine")
@exclude_option
@handle_errors
def report_command(
    inventories: tuple[str, ...],
    manifest_paths: tuple[str, ...],
    fmt: str,
    output: str | None,
    force: bool,
    title: str,
    os_texts: tuple[str, ...],
    excludes: tuple[str, ...],
) -> None:
    """The fleet view: each machine (an inventory) against each KB, with the KB's verdict.

    Each machine's Windows (release, service pack, platform) comes from its
    inventory; --os LABEL=TEXT states it for one machine, --os TEXT for all.

    \b
    Example:
      verscan report inventories/*.json -m manifests/
      verscan report srv01.json srv02.json -m manifests/ -f html -o fleet.html
      verscan report old*.json -m manifests/ --os "old1=Windows XP SP3 x86"

    Exit 0 when no cell is MISSING, 1 when one is, 2 on usage or input errors
    (an inventory or manifest that cannot be read; the others are reported).
    """
    refuse_output(output, force)
    manifests, errors = load_manifest_args(manifest_paths)
    loaded: list[Inventory] = []
    failed = errors
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
    profiles = [
        profile_of(
            InventorySystem(inv),
            stated_for(os_texts, inv.label, inv.origin or "", os.path.basename(inv.origin or "")),
        )
        for inv in loaded
    ]
    fleet = build_fleet(loaded, manifests, profiles=profiles, exclude=make_exclude(excludes))
    fmt = fmt.lower()
    if fmt == "html":
        doc = fleet_document(fleet, views=("machines", "kbs", "reasons"))
        text = HtmlRenderer(title, [fleet_summary_line(fleet)]).render(doc)
    elif fmt == OutputFormat.CSV.value:
        doc = fleet_document(fleet, views=("machines",))
        text = render(doc, fmt, terminal=for_terminal(output))
    else:
        text = render(fleet_document(fleet, views=("machines", "reasons")), fmt)
    deliver(text, output, force)
    warn(fleet_summary_line(fleet))
    if failed:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if fleet.count(KBVerdict.MISSING) else EXIT_CLEAN)
