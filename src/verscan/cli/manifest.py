"""`verscan manifest build` and `verscan manifest lint`: KB articles to manifests, and checks."""

from __future__ import annotations

import os
import sys

import click

from verscan.atomic import write_atomic
from verscan.cli.build import POOL_THRESHOLD, Options, build
from verscan.cli.common import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FINDINGS,
    OUTPUT_PATH,
    handle_errors,
    presentation_options,
    refuse_output,
    say,
    summarize,
    warn,
)
from verscan.errors import ManifestError, SourceError
from verscan.kb.files import find_articles
from verscan.manifest.lint import lint_file
from verscan.manifest.load import find_manifest_files
from verscan.output import counted
from verscan.reports.build import NO_TABLE, Totals, summary_json


@click.group("manifest")
def manifest_group() -> None:
    """Build manifests from KB articles, and check manifest files."""


@manifest_group.command("build")
@click.argument("articles", nargs=-1, required=True, type=click.Path())
@click.option("--kb", "kb", default=None, help="KB number, when the article does not say it.")
@click.option(
    "--output",
    "-o",
    type=OUTPUT_PATH,
    default=None,
    help="Write the manifest to FILE (one article only; '-': standard output).",
)
@click.option(
    "--outdir",
    "-d",
    type=click.Path(file_okay=False),
    default=None,
    help="Write each manifest to DIR/KB<number>.yaml.",
)
@click.option("--force", is_flag=True, help="Replace manifests (and the summary) that exist.")
@click.option(
    "--allow-empty",
    is_flag=True,
    help="Write a manifest with the article's metadata even when it has no file table.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help=(
        "Processes parsing articles (default: one per core for batches over "
        f"{POOL_THRESHOLD} articles, else one)."
    ),
)
@click.option(
    "--summary",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write each article's outcome to FILE as JSON.",
)
@presentation_options
@handle_errors
def build_command(
    articles: tuple[str, ...],
    kb: str | None,
    output: str | None,
    outdir: str | None,
    force: bool,
    allow_empty: bool,
    jobs: int | None,
    summary: str | None,
) -> None:
    """Turn the file tables of KB ARTICLES into manifests.

    Reads plain-text articles (whitespace-aligned tables, boxed grids,
    pipe-flattened rows), saved HTML pages, Markdown and Microsoft's CSV file
    lists. Without --output or --outdir the manifest is printed. A folder
    stands for the articles in it and below it (*.txt, *.md, *.htm, *.html,
    *.csv, in any case), built in parallel into --outdir.

    \b
    Example:
      verscan manifest build Q323332.TXT --outdir manifests/
      verscan manifest build hotfix.txt --kb 829427 -o manifests/KB829427.yaml
      verscan manifest build kb-archive/ --outdir manifests/ --summary built.json

    Rows that look like file rows but cannot be read are reported as
    ARTICLE:LINE: message. A batch ends with one line of totals. Exit 0 when
    every article gave a clean manifest, 1 when an article has no file table or
    unreadable rows, 2 on errors (no KB number, an unreadable article, a
    manifest that exists without --force).
    """
    if output and outdir:
        raise SourceError("give --output or --outdir, not both")
    paths, missing = find_articles(articles)
    if not paths:  # nothing to build: say why, path by path
        for message in missing:
            warn(f"error: {message}")
        sys.exit(EXIT_ERROR)
    batch = len(paths) > 1 or any(os.path.isdir(a) for a in articles)
    if batch and (output or kb):
        raise SourceError("--output and --kb take one article; use --outdir for several")
    if batch and not outdir:
        raise SourceError("several articles need --outdir")
    if summary:
        refuse_output(summary, force)
    for message in missing:
        warn(f"error: {message}")
    if outdir:
        os.makedirs(outdir, exist_ok=True)
    options = Options(
        kb=kb, output=output, outdir=outdir, force=force, allow_empty=allow_empty, jobs=jobs
    )
    outcomes = build(paths, options)
    totals = Totals.of(outcomes, missing=len(missing))
    if batch:
        summarize(totals.line())
    if summary:
        write_atomic(summary, summary_json(outcomes, totals), force=force)
    errors = totals.errors > 0
    findings = any(o.status == NO_TABLE or o.problems for o in outcomes)
    sys.exit(EXIT_ERROR if errors else EXIT_FINDINGS if findings else EXIT_CLEAN)


@manifest_group.command("lint")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@presentation_options
@handle_errors
def lint_command(paths: tuple[str, ...]) -> None:
    """Check manifest files (folders: every *.yaml and *.yml below them).

    Each problem is printed as FILE:LINE: message.

    \b
    Example:
      verscan manifest lint manifests/

    Exit 0 when every manifest is valid, 1 when some have problems, 2 when a
    path names no manifest or a file cannot be read.
    """
    files, missing = find_manifest_files(list(paths))
    for error in missing:
        warn(f"error: {error}")
    problems = 0
    unreadable = False
    for path in files:
        try:
            found = lint_file(path)
        except ManifestError as exc:
            warn(f"error: {exc}")
            unreadable = True
            continue
        for problem in found:
            say(str(problem))
        problems += len(found)
    checked = len(files)
    warn(f"{counted(checked, 'manifest')} checked, {counted(problems, 'problem')}")
    if missing or unreadable:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if problems else EXIT_CLEAN)
