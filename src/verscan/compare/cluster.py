"""Judging a fleet's machines on a Dask distributed cluster (``verscan report --scheduler``).

Judging one machine is a pure function of its inventory file and the manifests
(:func:`verscan.compare.fleet.judge_file`), so any Dask worker that can read the
inventory can judge it: the manifests are sent to every worker once, each
inventory becomes one task, and only each task's small result comes back. The
cells are those the local pool gives.

Dask is an optional dependency (``pip install 'verscan[cluster]'``), imported
only here. A task whose worker dies is retried on another worker by Dask
itself; one that keeps killing its workers (more than
``distributed.scheduler.allowed-failures`` times, 3 by default) is reported as
not judged, and so is every task left when the connection to the scheduler is
lost. Dask counts a death against every task the worker was running or had
queued: a scheduler with ``distributed.scheduler.worker-saturation`` 1.0 queues
none beyond the worker's threads.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from verscan.compare.fleet import Failed, judge_file
from verscan.compare.judging import Judge, Outcome, Task
from verscan.errors import VerscanError
from verscan.manifest.model import Manifest

DIED_ON_CLUSTER = (
    "the Dask workers judging it stopped abruptly (killed, or out of memory) "
    "each time it was tried; not reported"
)
"""What a report says of an inventory that killed every worker that tried it."""


class ClusterError(VerscanError):
    """The cluster cannot be used: Dask is not installed, or the scheduler cannot be reached."""


def _given(value: list[Manifest]) -> list[Manifest]:
    return value


def _client(address: str, timeout: float | str | None) -> Any:
    try:
        from distributed import Client
        from distributed.comm.addressing import parse_address
        from distributed.comm.registry import get_backend
    except ImportError:
        raise ClusterError(
            "--scheduler needs Dask's distributed scheduler: pip install 'verscan[cluster]'"
        ) from None

    try:
        # Checked before a Client exists: one that fails on the address cannot be closed.
        get_backend(parse_address(address)[0])
    except ValueError as exc:
        raise ClusterError(f"{address}: not a Dask scheduler address: {exc}") from None
    try:
        given = {} if timeout is None else {"timeout": timeout}  # else Dask's configuration
        return Client(address, set_as_default=False, **given)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError) as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {reason}") from None


def judge_on_cluster(
    address: str,
    tasks: Sequence[Task],
    manifests: Sequence[Manifest],
    *,
    judge: Judge = judge_file,
    timeout: float | str | None = None,
) -> Iterator[tuple[int, Outcome]]:
    """``(index, outcome)`` for each task, judged on the cluster whose scheduler is at
    ``address`` (``tcp://host:8786``), as each is ready.

    ``timeout`` bounds connecting to the scheduler (default: Dask's
    ``distributed.comm.timeouts.connect``). Raises :class:`ClusterError` when the
    scheduler cannot be reached; once connected, whatever befalls a task is a
    :class:`~verscan.compare.fleet.Failed` outcome naming its inventory.
    """
    client = _client(address, timeout)  # first: it says when Dask is not installed
    from distributed import as_completed
    from distributed.scheduler import KilledWorker

    try:
        run = uuid.uuid4().hex
        # The manifests go to the scheduler once, as a task of their own that every
        # judgement depends on (each worker fetches its copy once). Not scattered: the
        # cluster cannot recover scattered data when the worker that holds it dies.
        shared = client.submit(_given, list(manifests), key=f"verscan-manifests-{run}")
        futures = {
            client.submit(
                judge,
                task.path,
                shared,
                task.os_texts,
                task.excludes,
                key=f"verscan-judge-{run}-{i}",
                pure=False,
            ): i
            for i, task in enumerate(tasks)
        }
        for future in as_completed(futures, loop=client.loop):  # type: ignore[no-untyped-call]
            i = futures.pop(future)
            path = tasks[i].path
            try:
                outcome = future.result()
            except KilledWorker:
                outcome = Failed(path, f"{path}: {DIED_ON_CLUSTER}")
            except Exception as exc:  # raised on the worker, or the scheduler went away
                reason = " ".join(str(exc).split()) or type(exc).__name__
                outcome = Failed(path, f"{path}: not judged on the cluster at {address}: {reason}")
            future.release()
            yield i, outcome
    except (OSError, TimeoutError) as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise ClusterError(f"lost the Dask scheduler at {address}: {reason}") from None
    finally:
        client.close()
