"""`verscan report`: the fleet view, machines against KBs."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from datetime import datetime, timezone

import click

from verscan.cli.common import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FINDINGS,
    OUTPUT_PATH,
    deliver,
    handle_errors,
    presentation_options,
    progress,
    refuse_output,
    rendered,
    summarize,
    warn,
)
from verscan.cli.options import (
    MANIFESTS_HELP,
    TABULAR_AND_STRUCTURED,
    exclude_option,
    load_manifest_args,
    manifests_option,
    os_option,
)
from verscan.compare.fleet import Failed, Judged, assemble
from verscan.compare.judging import Outcome, Task, default_jobs, judge_all
from verscan.errors import VerscanError
from verscan.manifest.model import Manifest
from verscan.output import OutputFormat
from verscan.reports.fleet import fleet_document, fleet_page
from verscan.reports.fleet import summary_line as fleet_summary_line
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
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help=(
        "Processes judging inventories, one inventory each at a time (default: one per "
        "core when the inventories together exceed 4 MB, else this process alone)."
    ),
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help=(
        "Judge the inventories on the Dask cluster whose scheduler is at ADDRESS "
        "(tcp://host:8786); every worker must read the inventories at the same paths. "
        "Needs pip install 'verscan[cluster]'."
    ),
)
@presentation_options
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
    jobs: int | None,
    scheduler: str | None,
) -> None:
    """The fleet view: each machine (an inventory) against each KB, with the KB's verdict.

    Each machine's Windows (release, service pack, platform) comes from its
    inventory; --os LABEL=TEXT states it for one machine, --os TEXT for all.
    Inventories are judged one at a time (in a pool of processes with --jobs, or
    on a Dask cluster with --scheduler) and only their verdicts are kept, so a
    report on thousands of machines needs no more memory than one on a few.

    \b
    Example:
      verscan report inventories/*.json -m manifests/
      verscan report srv01.json srv02.json.gz -m manifests/ -f html -o fleet.html
      verscan report old*.json -m manifests/ --os "old1=Windows XP SP3 x86"
      verscan report /share/*.json.gz -m manifests/ --scheduler tcp://sched:8786

    Exit 0 when no cell is MISSING, 1 when one is, 2 on usage or input errors
    (an inventory or manifest that cannot be read or judged, a scheduler that
    cannot be reached; the others are reported).
    """
    if jobs is not None and scheduler is not None:
        raise click.UsageError("--jobs is for the local pool: leave it out with --scheduler")
    refuse_output(output, force)
    manifests, failed = load_manifest_args(manifest_paths)
    if not manifests:
        sys.exit(EXIT_ERROR)
    judged, complete = _judge(inventories, manifests, os_texts, excludes, jobs, scheduler)
    failed = failed or not complete
    if not judged:
        sys.exit(EXIT_ERROR)
    fleet = assemble(judged, manifests)
    fmt = fmt.lower()
    if fmt == "html":
        made = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        text = fleet_page(fleet, title, made)
    elif fmt == OutputFormat.CSV.value:
        text = rendered(fleet_document(fleet, views=("machines",)), fmt, output)
    else:
        text = rendered(fleet_document(fleet, views=("machines", "reasons")), fmt, output)
    deliver(text, output, force)
    summarize(fleet_summary_line(fleet))
    if failed:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if fleet.count(KBVerdict.MISSING) else EXIT_CLEAN)


def _judge(
    paths: tuple[str, ...],
    manifests: list[Manifest],
    os_texts: tuple[str, ...],
    excludes: tuple[str, ...],
    jobs: int | None,
    scheduler: str | None,
) -> tuple[list[Judged], bool]:
    """Every machine judged, in the order given; and whether none failed.

    Errors and warnings are printed as results come in, in the order of the
    inventories, each machine's as soon as those before it are done.
    """
    outcomes: list[Outcome | None] = [None] * len(paths)
    shown = 0

    def show_ready() -> None:
        nonlocal shown
        while shown < len(outcomes) and outcomes[shown] is not None:
            _show(outcomes[shown])
            shown += 1

    results: Iterable[tuple[int, Outcome]]
    if scheduler is not None:
        from verscan.compare.cluster import judge_on_cluster

        # Workers elsewhere read the files: name them so that any working folder finds them.
        tasks = [Task(os.path.abspath(p), os_texts, excludes) for p in paths]
        results = judge_on_cluster(scheduler, tasks, manifests)
    else:
        tasks = [Task(p, os_texts, excludes) for p in paths]
        results = judge_all(tasks, manifests, jobs or default_jobs(paths))
    try:
        for i, outcome in progress(results, len(tasks), "judging"):
            outcomes[i] = outcome
            show_ready()
    except VerscanError as exc:  # the scheduler went away: report what was judged
        left = outcomes.count(None)
        if left == len(paths):
            raise
        warn(f"error: {exc}; {left} of {len(paths)} inventories not judged")
        for rest in outcomes[shown:]:
            _show(rest)
    judged = [o for o in outcomes if isinstance(o, Judged)]
    return judged, len(judged) == len(paths)


def _show(outcome: Outcome | None) -> None:
    """A machine's error, or its warnings, on stderr."""
    if isinstance(outcome, Failed):
        warn(f"error: {outcome.message}")
    elif outcome is not None:
        for line in outcome.warnings:
            warn(line)
