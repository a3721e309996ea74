"""`verscan manifest build` and `verscan manifest lint`: KB articles to manifests, and checks."""

from __future__ import annotations

import dataclasses
import os
import sys

import click

from verscan.atomic import write_atomic
from verscan.cli.common import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FINDINGS,
    OUTPUT_PATH,
    handle_errors,
    say,
    to_stdout,
    warn,
    write_stdout,
)
from verscan.errors import ArticleError, ManifestError, OutputError, SourceError
from verscan.kb import read_article
from verscan.manifest.check import without_duplicates
from verscan.manifest.dump import dump_manifest
from verscan.manifest.lint import lint_file
from verscan.manifest.load import find_manifest_files


@click.group("manifest")
def manifest_group() -> None:
    """Build manifests from KB articles, and check manifest files."""


def manifest_file_name(kb: str) -> str:
    """The file name a manifest of ``kb`` gets in an output folder."""
    return f"KB{kb}.yaml"


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
@click.option("--force", is_flag=True, help="Replace manifests that exist.")
@click.option(
    "--allow-empty",
    is_flag=True,
    help="Write a manifest with the article's metadata even when it has no file table.",
)
@handle_errors
def build_command(
    articles: tuple[str, ...],
    kb: str | None,
    output: str | None,
    outdir: str | None,
    force: bool,
    allow_empty: bool,
) -> None:
    """Turn the file tables of KB ARTICLES into manifests.

    Reads plain-text articles (whitespace-aligned tables, boxed grids,
    pipe-flattened rows), saved HTML pages, Markdown and Microsoft's CSV file
    lists. Without --output or --outdir the manifest is printed.

    \b
    Example:
      verscan manifest build Q323332.TXT --outdir manifests/
      verscan manifest build hotfix.txt --kb 829427 -o manifests/KB829427.yaml

    Rows that look like file rows but cannot be read are reported as
    ARTICLE:LINE: message. Exit 0 when every article gave a clean manifest, 1
    when an article has no file table or unreadable rows, 2 on errors (no KB
    number, an unreadable article, a manifest that exists without --force).
    """
    if output and outdir:
        raise SourceError("give --output or --outdir, not both")
    if len(articles) > 1 and (output or kb):
        raise SourceError("--output and --kb take one article; use --outdir for several")
    if len(articles) > 1 and not outdir:
        raise SourceError("several articles need --outdir")
    if outdir:
        os.makedirs(outdir, exist_ok=True)
    findings = errors = False
    for article in articles:
        try:
            parsed = read_article(article, kb=kb)
        except ArticleError as exc:
            warn(f"error: {exc}")
            errors = True
            continue
        for problem in parsed.problems:
            warn(f"{article}:{problem.line}: {problem.message}")
            findings = True
        for note in parsed.notes:
            warn(f"{article}:{note.line}: note: {note.message}")
        manifest = parsed.manifest
        rows, repeats = without_duplicates(manifest.files)
        for index in repeats:
            row = manifest.files[index]
            what = f"{row.name} {row.version}" if row.version else row.name
            warn(f"{article}: note: {what} is listed twice alike; kept once")
        manifest = dataclasses.replace(manifest, files=rows)
        if not manifest.files:
            if not allow_empty:
                warn(f"{article}: no file table found; nothing written (--allow-empty writes one)")
                findings = True
                continue
            findings = True
        text = dump_manifest(manifest)
        if outdir:
            destination: str | None = os.path.join(outdir, manifest_file_name(manifest.kb))
        else:
            destination = output
        if to_stdout(destination):
            write_stdout(text)
            continue
        assert destination is not None
        try:
            write_atomic(destination, text, force=force)
        except OutputError as exc:
            warn(f"error: {exc}")
            errors = True
            continue
        warn(f"{article}: KB{manifest.kb}, {len(manifest.files)} files -> {destination}")
    sys.exit(EXIT_ERROR if errors else EXIT_FINDINGS if findings else EXIT_CLEAN)


@manifest_group.command("lint")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
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
    warn(f"{checked} manifest{'s' if checked != 1 else ''} checked, {problems} problems")
    if missing or unreadable:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if problems else EXIT_CLEAN)
