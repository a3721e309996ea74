"""Reading many files, in parallel where that pays, in input order, as a stream.

Reading one file's version resource takes a few positioned reads and some
parsing in Python. For a whole ``C:\\Windows`` (about 100,000 files) on a server
with many cores, a process pool spreads that work; for a few hundred files the
cost of starting the workers is larger than the saving. So the pool is used
only above :data:`PARALLEL_THRESHOLD` files and with more than one core, and
work is handed out in chunks of :data:`CHUNK` paths: each chunk costs one
message each way, not one per file.

Results come back in the order of the paths and are yielded as they arrive;
only a bounded number of chunks is in flight, so a tree's results are never
held twice. Workers are started with ``forkserver`` (``spawn`` where that is
missing): forking a process that has threads, or a test runner's replaced
standard streams, is not safe.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from verscan import interrupts
from verscan.pe import Status, VersionInfo, read_version_info
from verscan.pe.reader import read_version_and_stat
from verscan.system.interface import file_sha256

if TYPE_CHECKING:
    import multiprocessing.context
    from concurrent.futures import Future

CHUNK = 256
"""Paths handed to a worker at once."""
PARALLEL_THRESHOLD = 10_000
"""Fewer files than this are read in this process: a pool would not pay for its start.

Measured on two cores with a warm cache: the reader alone does about 25,000
files a second; a pool of two was slower up to 10,000 files (0.45 s against
0.37 s) and broke even or gained above, most when files are also hashed."""

T = TypeVar("T")


@dataclass(frozen=True)
class FileRead:
    """What an inventory needs of one file: its version record, modification time and hash."""

    info: VersionInfo
    """The reader's record."""
    mtime: float | None
    """Modification time, seconds since the epoch (None when the file could not be examined)."""
    sha256: str | None
    """SHA-256 of the content, when it was asked for and could be had."""


def inspect(path: str, *, hash_all: bool = False) -> FileRead:
    """Read one file's version record and modification time; hash it when asked.

    Hashing reads the whole file, which costs far more than the version (most of an
    inventory's time when every unversioned file was hashed): it is only done with
    ``hash_all``.
    """
    info, st = read_version_and_stat(path)
    if st is None:  # not opened (permission denied, say): the folder may still tell the time
        with contextlib.suppress(OSError):
            st = os.stat(path)
    mtime = st.st_mtime if st is not None else None
    digest = None
    if hash_all and info.status not in (Status.UNREADABLE, Status.NOT_PE):
        digest = file_sha256(path)
    return FileRead(info, mtime, digest)


def read_all(paths: Iterable[str], workers: int | None = None) -> Iterator[VersionInfo]:
    """The version record of each path, in order (see :func:`ordered_map` for ``workers``)."""
    return ordered_map(read_version_info, paths, workers)


def inspect_all(
    paths: Iterable[str], workers: int | None = None, *, hash_all: bool = False
) -> Iterator[FileRead]:
    """:func:`inspect` for each path, in order (see :func:`ordered_map` for ``workers``)."""
    return ordered_map(functools.partial(inspect, hash_all=hash_all), paths, workers)


def default_workers() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def ordered_map(
    func: Callable[[str], T],
    paths: Iterable[str],
    workers: int | None = None,
    *,
    threshold: int | None = None,
    chunk: int = CHUNK,
) -> Generator[T, None, None]:
    """``func(path)`` for each path, in order, yielded as results become available.

    ``workers`` is the number of processes (default: the cores available); 1
    reads in this process. The pool is used only when there are more than
    ``threshold`` paths (default: :data:`PARALLEL_THRESHOLD`), handed out ``chunk``
    paths at a time (default: :data:`CHUNK`; fewer for slower work). ``func`` must be a
    module-level function (or a ``functools.partial`` of one) so that workers can
    receive it, and, as with any process pool, a script that calls this must guard
    its top level with ``if __name__ == "__main__":`` (workers import the main module).
    """
    count = default_workers() if workers is None else max(1, workers)
    threshold = PARALLEL_THRESHOLD if threshold is None else threshold
    it = iter(paths)
    head = list(itertools.islice(it, threshold + 1))
    if count <= 1 or len(head) <= threshold:
        for path in itertools.chain(head, it):
            yield func(path)
        return
    yield from _pooled(func, itertools.chain(head, it), count, max(1, chunk))


def _run_chunk(func: Callable[[str], T], chunk: list[str]) -> list[T]:
    return [func(path) for path in chunk]


def pool_context() -> multiprocessing.context.BaseContext:
    """How worker processes start: ``forkserver``, else ``spawn`` (never a plain fork)."""
    import multiprocessing  # the pool's modules load only when a pool is used

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _pooled(func: Callable[[str], T], paths: Iterator[str], workers: int, size: int) -> Iterator[T]:
    from concurrent.futures import ProcessPoolExecutor

    chunks = iter(lambda: list(itertools.islice(paths, size)), [])
    # Two chunks per worker in flight: enough to keep every worker busy while the
    # caller consumes results, few enough that results never pile up.
    window = 2 * workers
    # Workers leave Ctrl-C and the like to this process, which stops them as it ends.
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=pool_context(), initializer=interrupts.ignore
    ) as pool:
        pending: deque[Future[list[T]]] = deque()
        for chunk in itertools.islice(chunks, window):
            pending.append(pool.submit(_run_chunk, func, chunk))
        try:
            while pending:
                results = pending.popleft().result()
                nxt = next(chunks, None)
                if nxt is not None:
                    pending.append(pool.submit(_run_chunk, func, nxt))
                yield from results
        finally:
            # The caller may stop early (an error, Ctrl-C): drop the work not started.
            for future in pending:
                future.cancel()
