"""The work of `verscan manifest build`: parse articles (in parallel), write their manifests.

Articles are parsed in worker processes when a batch is large enough (see
:func:`verscan.system.parallel.ordered_map`) and come back in order. Manifests
are written by a few threads, since each write waits for the disk (the file is
synced before it is renamed into place); what is said about each article is
printed in article order, once its manifest is written.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from verscan.atomic import write_atomic
from verscan.cli.common import to_stdout, warn, write_stdout
from verscan.errors import ArticleError, OutputError
from verscan.kb import ParsedArticle, read_article
from verscan.manifest.check import without_duplicates
from verscan.manifest.dump import dump_manifest
from verscan.output import counted
from verscan.reports.build import ERROR, NO_TABLE, PRINTED, WRITTEN, Outcome

if TYPE_CHECKING:
    from concurrent.futures import Future

POOL_THRESHOLD = 64
"""Articles a batch must have before worker processes are started by default: parsing
one takes milliseconds, starting the workers a good part of a second."""

CHUNK = 16
"""Articles handed to a worker at once: an article takes milliseconds, a file's version
microseconds, so chunks are far smaller than when reading files."""

WRITERS = 8
"""Threads writing manifests: each write waits for the disk, not for the processor."""


def manifest_file_name(kb: str) -> str:
    """The file name a manifest of ``kb`` gets in an output folder."""
    return f"KB{kb}.yaml"


@dataclass(frozen=True)
class Options:
    """Where and how `manifest build` writes."""

    kb: str | None = None
    output: str | None = None
    outdir: str | None = None
    force: bool = False
    allow_empty: bool = False
    jobs: int | None = None


@dataclass
class _Article:
    """One article on its way: what to say about it, and its manifest being written."""

    outcome: Outcome
    messages: list[str] = field(default_factory=list)
    destination: str | None = None
    printed: str | None = None
    """The manifest, for standard output (no --output or --outdir)."""
    text: str = ""
    """The manifest, for ``destination``."""
    force: bool = False
    rows: int = 0
    writing: Future[None] | None = None


def parse(path: str, *, kb: str | None) -> ParsedArticle | str:
    """One article parsed, or why it cannot be (run in a worker for a batch)."""
    try:
        return read_article(path, kb=kb)
    except ArticleError as exc:
        return str(exc)


def build(paths: Sequence[str], options: Options) -> list[Outcome]:
    """Parse each article and write its manifest; say what happened, in article order."""
    if len(paths) == 1:  # no processes, no threads: one article starts faster
        return [_finish(_prepare(paths[0], parse(paths[0], kb=options.kb), options, {}))]
    from concurrent.futures import ThreadPoolExecutor

    from verscan.system.parallel import ordered_map

    work = functools.partial(parse, kb=options.kb)
    jobs = options.jobs
    threshold = 1 if jobs is not None and jobs > 1 else POOL_THRESHOLD
    parsed = ordered_map(work, paths, jobs, threshold=threshold, chunk=CHUNK)
    claimed: dict[str, str] = {}
    outcomes: list[Outcome] = []
    with ThreadPoolExecutor(max_workers=WRITERS) as writers:
        pending: deque[_Article] = deque()
        for path, result in zip(paths, parsed):
            item = _prepare(path, result, options, claimed)
            if item.destination is not None:
                item.writing = writers.submit(
                    write_atomic, item.destination, item.text, force=item.force
                )
            pending.append(item)
            while len(pending) > 2 * WRITERS or (pending and _done(pending[0])):
                outcomes.append(_finish(pending.popleft()))
        while pending:
            outcomes.append(_finish(pending.popleft()))
    return outcomes


def _done(item: _Article) -> bool:
    return item.writing is None or item.writing.done()


def _prepare(
    article: str,
    parsed: ParsedArticle | str,
    options: Options,
    claimed: dict[str, str],
) -> _Article:
    """Everything about one article but the writing of its manifest."""
    if isinstance(parsed, str):
        return _Article(Outcome(article, ERROR, error=parsed), [f"error: {parsed}"])
    item = _Article(
        Outcome(article, WRITTEN, problems=parsed.problems, notes=parsed.notes),
        [f"{article}:{p.line}: {p.message}" for p in parsed.problems]
        + [f"{article}:{n.line}: note: {n.message}" for n in parsed.notes],
    )
    manifest = parsed.manifest
    rows, repeats = without_duplicates(manifest.files)
    for index in repeats:
        row = manifest.files[index]
        what = f"{row.name} {row.version}" if row.version else row.name
        item.messages.append(f"{article}: note: {what} is listed twice alike; kept once")
    manifest = dataclasses.replace(manifest, files=rows)
    item.rows = len(rows)
    item.outcome = dataclasses.replace(
        item.outcome, kb=manifest.kb, title=manifest.title, rows=len(rows), repeats=len(repeats)
    )
    if not rows:
        item.outcome = dataclasses.replace(item.outcome, status=NO_TABLE)
        if not options.allow_empty:
            item.messages.append(
                f"{article}: no file table found; nothing written (--allow-empty writes one)"
            )
            return item
    text = dump_manifest(manifest)
    destination = None if to_stdout(options.output) else options.output
    if options.outdir:
        destination = os.path.join(options.outdir, manifest_file_name(manifest.kb))
    if destination is None:
        item.printed = text
        if rows:
            item.outcome = dataclasses.replace(item.outcome, status=PRINTED)
        return item
    first = claimed.get(destination)
    if first is not None:
        error = f"{destination}: already written from {first} in this run; not replaced"
        item.outcome = dataclasses.replace(item.outcome, status=ERROR, error=error)
        item.messages.append(f"error: {error}")
        return item
    claimed[destination] = article
    item.destination = destination
    item.text = text
    item.force = options.force
    return item


def _finish(item: _Article) -> Outcome:
    """Wait for the article's manifest to be written, then say what became of it."""
    outcome = item.outcome
    if item.destination is not None:
        try:
            if item.writing is None:
                write_atomic(item.destination, item.text, force=item.force)
            else:
                item.writing.result()
        except OutputError as exc:
            outcome = dataclasses.replace(outcome, status=ERROR, error=str(exc))
            item.messages.append(f"error: {exc}")
        else:
            outcome = dataclasses.replace(outcome, manifest=item.destination)
            files = counted(item.rows, "file")
            item.messages.append(
                f"{outcome.article}: KB{outcome.kb}, {files} -> {item.destination}"
            )
    for message in item.messages:
        warn(message)
    if item.printed is not None:
        write_stdout(item.printed)
    return outcome
