"""Helpers shared by the benchmark scripts: file lists, measured child processes, the I/O floor.

Standard library only. The I/O floor itself lives in :mod:`floor` (``floor.py``),
a program that imports nothing it does not need; it is re-exported here.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from floor import FLOOR_DEFINITION as FLOOR_DEFINITION  # the floor, re-exported
from floor import HEAD as HEAD
from floor import floor_read as floor_read
from floor import resource_section_offset as resource_section_offset
from floor import walk_files as walk_files


def best_of(func: Callable[[], object], repeat: int) -> float:
    """The shortest wall time of ``repeat`` calls of ``func``, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def list_files(root: str) -> list[str]:
    """Every regular file under ``root``, sorted: the same list for every tool."""
    return sorted(walk_files(root))


def total_size(paths: Iterable[str]) -> int:
    """Sum of the files' sizes in bytes."""
    return sum(os.stat(p).st_size for p in paths)


def warm(paths: Iterable[str]) -> int:
    """Read every file once, whole, so that every tool meets a warm page cache; bytes read."""
    total = 0
    buf = bytearray(1 << 20)
    for path in paths:
        try:
            with open(path, "rb", buffering=0) as fh:
                while n := fh.readinto(buf):
                    total += n
        except OSError:
            continue
    return total


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
    except (OSError, IndexError, ValueError):
        return 0


def _descendants(pid: int) -> list[int]:
    found = [pid]
    i = 0
    while i < len(found):
        p = found[i]
        i += 1
        try:
            tasks = os.listdir(f"/proc/{p}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                with open(f"/proc/{p}/task/{tid}/children", "rb") as fh:
                    found.extend(int(c) for c in fh.read().split())
            except (OSError, ValueError):
                continue
    return found


@dataclass(frozen=True)
class Run:
    """One measured child process."""

    seconds: float
    """Wall time from start to exit."""
    peak_rss_mb: float
    """The larger of the process's own peak RSS and the sampled RSS sum of its process tree."""
    own_peak_mb: float
    """The process's own peak RSS (getrusage via wait4)."""
    tree_peak_mb: float
    """Largest sampled sum of RSS over the process and its descendants (workers)."""
    returncode: int
    """Exit code (negative: killed by that signal)."""
    stderr: str
    """What it wrote to standard error (the last 4,000 characters)."""


def child_env() -> dict[str, str]:
    """The environment for measured commands: Python's bytecode cache on, as an install has it.

    An editable install run with ``PYTHONDONTWRITEBYTECODE`` compiles every module at
    every start; the cache goes to a folder of its own (``PYTHONPYCACHEPREFIX``) so
    that nothing is written beside the sources.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = os.path.join(tempfile.gettempdir(), "verscan-bench-pycache")
    return env


def run_measured(
    cmd: Sequence[str],
    *,
    stdout: str | None = None,
    interval: float = 0.02,
    env: dict[str, str] | None = None,
) -> Run:
    """Run ``cmd``, measure its wall time and peak memory; ``stdout`` to that file or discarded.

    ``env`` replaces :func:`child_env`'s environment.

    The process tree is sampled every ``interval`` seconds from ``/proc`` (where there
    is one), so that worker processes count; the process's own peak comes from wait4.
    """
    with tempfile.TemporaryFile() as err:
        out = open(stdout, "wb") if stdout else subprocess.DEVNULL  # noqa: SIM115
        try:
            start = time.perf_counter()
            proc = subprocess.Popen(
                list(cmd), stdout=out, stderr=err, env=env if env is not None else child_env()
            )
            tree_peak = 0
            done = threading.Event()

            def sample() -> None:
                nonlocal tree_peak
                while not done.is_set():
                    tree_peak = max(tree_peak, sum(_rss_kib(p) for p in _descendants(proc.pid)))
                    done.wait(interval)

            sampler = None
            if os.path.isdir("/proc"):
                sampler = threading.Thread(target=sample, daemon=True)
                sampler.start()
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - start
            proc.returncode = os.waitstatus_to_exitcode(status)
            done.set()
            if sampler is not None:
                sampler.join()
        finally:
            if stdout:
                out.close()  # type: ignore[union-attr]
        err.seek(0)
        text = err.read().decode("utf-8", "replace")[-4000:]
    own = usage.ru_maxrss / 1024  # KiB on Linux
    tree = tree_peak / 1024
    return Run(seconds, max(own, tree), own, tree, proc.returncode, text)


def mb(n: float) -> float:
    """Bytes to MB (10^6), as MB/s columns use."""
    return n / 1e6
