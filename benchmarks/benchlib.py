"""Helpers shared by the benchmark scripts: file lists, the I/O floor, measured child processes.

Standard library only, so that the I/O floor never pays for an import it does not need.
Run as a script, it is the I/O floor as a command of its own::

    python benchmarks/benchlib.py floor DIR

walks DIR and applies :func:`floor_read` to every regular file (see :data:`FLOOR_DEFINITION`).
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

HEAD = 4096
"""Bytes of headers the floor reads, and bytes it reads of the resource section."""

FLOOR_DEFINITION = (
    "I/O floor: for each file, os.open; os.pread of the first 4 KiB; when those bytes hold "
    "PE headers whose resource directory lies in a section of the section table, os.pread "
    "of 4 KiB at the start of that section's raw data; os.close. No other work."
)
"""The I/O floor, as printed by the benchmarks and the README."""

_U16 = struct.Struct("<H")
_U32 = struct.Struct("<I")
_SECTION = struct.Struct("<8sIIII")  # Name, VirtualSize, VirtualAddress, SizeOfRawData, Pointer


def resource_section_offset(head: bytes) -> int | None:
    """File offset of the section holding the resource directory, if ``head`` shows one.

    Only ``head`` is looked at (the first 4 KiB): a file whose section table lies
    beyond it, or that has no resource directory, gets no second read.
    """
    if len(head) < 64 or head[:2] != b"MZ":
        return None
    (lfanew,) = _U32.unpack_from(head, 0x3C)
    if lfanew + 24 > len(head) or head[lfanew : lfanew + 4] != b"PE\0\0":
        return None
    (nsections,) = _U16.unpack_from(head, lfanew + 6)
    (opt_size,) = _U16.unpack_from(head, lfanew + 20)
    opt = lfanew + 24
    if opt + 2 > len(head):
        return None
    (magic,) = _U16.unpack_from(head, opt)
    dirs = {0x10B: 96, 0x20B: 112}.get(magic)
    if dirs is None or opt + dirs + 24 > len(head) or opt_size < dirs + 24:
        return None
    (rva,) = _U32.unpack_from(head, opt + dirs + 16)
    if rva == 0:
        return None
    table = opt + opt_size
    for i in range(min(nsections, 96)):
        at = table + 40 * i
        if at + 40 > len(head):
            return None
        _, vsize, va, rawsize, raw = _SECTION.unpack_from(head, at)
        if va <= rva < va + max(vsize, rawsize):
            return int(raw)
    return None


def floor_read(path: str) -> int:
    """The I/O floor for one file (see :data:`FLOOR_DEFINITION`); bytes read, -1 if unopenable."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return -1
    try:
        head = os.pread(fd, HEAD, 0)
        got = len(head)
        offset = resource_section_offset(head)
        if offset is not None:
            got += len(os.pread(fd, HEAD, offset))
        return got
    except OSError:
        return -1
    finally:
        os.close(fd)


def walk_files(root: str) -> Iterator[str]:
    """Every regular file under ``root`` (symbolic links not followed), in no set order."""
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                for entry in it:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
                    elif entry.is_file(follow_symlinks=False):
                        yield entry.path
        except OSError:
            continue


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


def run_measured(cmd: Sequence[str], *, stdout: str | None = None, interval: float = 0.02) -> Run:
    """Run ``cmd``, measure its wall time and peak memory; ``stdout`` to that file or discarded.

    The process tree is sampled every ``interval`` seconds from ``/proc`` (where there
    is one), so that worker processes count; the process's own peak comes from wait4.
    """
    with tempfile.TemporaryFile() as err:
        out = open(stdout, "wb") if stdout else subprocess.DEVNULL  # noqa: SIM115
        try:
            start = time.perf_counter()
            proc = subprocess.Popen(list(cmd), stdout=out, stderr=err, env=child_env())
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


def floor_main(argv: Sequence[str]) -> int:
    """``floor DIR``: walk DIR and apply the I/O floor to every regular file; print a summary."""
    if len(argv) != 2 or argv[0] != "floor":
        print("usage: benchlib.py floor DIR", file=sys.stderr)
        return 2
    files = read = 0
    for path in walk_files(argv[1]):
        got = floor_read(path)
        files += 1
        read += max(got, 0)
    print(f"{files} files, {read} bytes read")
    return 0


if __name__ == "__main__":
    sys.exit(floor_main(sys.argv[1:]))
