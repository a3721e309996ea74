"""Judging a fleet's machines one inventory at a time, in this process or a pool of processes.

A fleet report needs each machine's verdicts, not its inventory: each worker
loads one inventory, judges it (:func:`verscan.compare.fleet.judge_file`) and
sends back only the :class:`~verscan.compare.fleet.Judged` result, so the memory
a report needs does not grow with the number of machines. Results arrive as
they are ready, each with its index in the list of inventories.

A worker that dies (killed, out of memory) breaks the pool: the inventories it
may have been judging are judged again, one at a time, each in a pool of its
own, so that the one that kills its worker again is named and the others are
still reported. :mod:`verscan.compare.cluster` does the same on a Dask cluster.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from verscan import interrupts
from verscan.compare.fleet import Failed, Judged, judge_file
from verscan.manifest.model import Manifest
from verscan.system.parallel import default_workers, pool_context

if TYPE_CHECKING:
    from concurrent.futures import Future

POOL_THRESHOLD_BYTES = 4 << 20
"""Inventories smaller than this, together, are judged in this process by default: starting
a pool takes longer than judging them (a Windows-sized inventory is 12 MB)."""


@dataclass(frozen=True)
class Task:
    """What judging one machine takes, besides the manifests."""

    path: str
    """The inventory file."""
    os_texts: tuple[str, ...] = ()
    """``--os`` texts (``LABEL=TEXT`` for one machine, ``TEXT`` for all)."""
    excludes: tuple[str, ...] = ()
    """``--exclude`` globs."""


Outcome = Judged | Failed
Judge = Callable[[str, Sequence[Manifest], Sequence[str], Sequence[str]], Outcome]
"""How one machine is judged: :func:`~verscan.compare.fleet.judge_file` or a function like it."""


def default_jobs(paths: Sequence[str]) -> int:
    """How many processes judge these inventories when ``--jobs`` is not given.

    One per core; one (this process) when there is a single inventory, or when
    they are so small together that starting a pool would cost more than it saves.
    """
    if len(paths) < 2:
        return 1
    total = 0
    for path in paths:
        try:
            total += os.stat(path).st_size
        except OSError:
            continue
    return default_workers() if total >= POOL_THRESHOLD_BYTES else 1


def judge_all(
    tasks: Sequence[Task],
    manifests: Sequence[Manifest],
    workers: int = 1,
    *,
    judge: Judge = judge_file,
) -> Iterator[tuple[int, Outcome]]:
    """``(index, outcome)`` for each task, as each is ready (not in order).

    ``workers`` 1 judges in this process, one inventory after the other; more
    starts a pool of that many processes (never more than there are tasks).
    ``judge`` must be a module-level function, so that workers can receive it.
    """
    if workers <= 1 or len(tasks) < 2:
        for i, task in enumerate(tasks):
            yield i, judge(task.path, manifests, task.os_texts, task.excludes)
        return
    workers = min(workers, len(tasks))
    waiting = deque(range(len(tasks)))
    while waiting:
        lost = yield from _pooled(tasks, waiting, manifests, workers, judge)
        for i in sorted(lost):
            # Alone in a pool of its own: whether it is the one that kills its worker.
            again = yield from _pooled(tasks, deque([i]), manifests, 1, judge)
            if again:
                path = tasks[i].path
                yield i, Failed(path, f"{path}: {DIED}")


DIED = "the process judging it stopped abruptly (killed, or out of memory); not reported"
"""What a report says of an inventory whose judging killed the process."""

_manifests: Sequence[Manifest] = ()


def _start_worker(manifests: Sequence[Manifest]) -> None:
    global _manifests
    # Workers leave Ctrl-C and the like to the main process, which stops them as it ends.
    interrupts.ignore()
    _manifests = manifests


def _judge_in_worker(judge: Judge, task: Task) -> Outcome:
    return judge(task.path, _manifests, task.os_texts, task.excludes)


def _pooled(
    tasks: Sequence[Task],
    waiting: deque[int],
    manifests: Sequence[Manifest],
    workers: int,
    judge: Judge,
) -> Generator[tuple[int, Outcome], None, set[int]]:
    """Judge the waiting tasks in a pool (taking them off ``waiting``), yielding outcomes.

    Returns (as the generator's value) the tasks in flight when a worker died, and
    leaves the rest waiting; an empty set when every task was judged.
    """
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    # Two tasks per worker in flight: each worker has its next inventory at hand,
    # and no more than that waits in the queue.
    window = 2 * workers
    running: dict[Future[Outcome], int] = {}
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=pool_context(),
        initializer=_start_worker,
        initargs=(manifests,),
    )
    try:
        while waiting or running:
            while waiting and len(running) < window:
                i = waiting.popleft()
                running[pool.submit(_judge_in_worker, judge, tasks[i])] = i
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                i = running.pop(future)
                try:
                    outcome = future.result()
                except BrokenProcessPool:
                    lost = {i, *running.values()}
                    running.clear()
                    return lost
                yield i, outcome
        return set()
    finally:
        for future in running:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)
