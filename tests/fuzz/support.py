"""What the fuzz targets share: settings, the hang and memory guards, seeds and mutations.

Every target is a hypothesis test. By default each runs a small, fixed number of
examples, derandomized and without an example database, so the suite is short
and gives the same result on every machine. ``VERSCAN_FUZZ_EXAMPLES=N`` runs N
examples per target instead, with fresh random choices on each run (the seed is
printed on failure; ``--hypothesis-seed=S`` repeats a run).

Mutations start from real files (the fixtures) and apply a few byte-level
edits: bit flips, truncations, deletions, insertions of random bytes or of
tokens of the format (repeated, to reach limits), splices of other seeds, and,
where the seed's structure is known, overwriting one integer field with a
value chosen to break it (0, 0xFFFF, 0x80000000, the file size, ...).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
REGRESSIONS = FIXTURES / "fuzz"
"""One folder per target of inputs that once broke verscan (see the regression tests)."""

EXAMPLES_VARIABLE = "VERSCAN_FUZZ_EXAMPLES"
HANG_VARIABLE = "VERSCAN_FUZZ_HANG_SECONDS"

HANG_SECONDS = float(os.environ.get(HANG_VARIABLE, "2"))
"""Most processor time one input may take. A hang detector, not a benchmark: inputs take
milliseconds. Processor time, not the clock's: a loaded machine slows the clock's seconds
of a run, not the work it does, so the guard fails for a slow input, never for a busy CI."""

ALARM_SECONDS = max(60.0, 30 * HANG_SECONDS)
"""When an input runs this long by the clock it is interrupted, so that a real hang (one
that waits rather than works) fails, not blocks. Far above what any load makes of an input."""

T = TypeVar("T")


def long_run() -> bool:
    """Whether a longer fuzzing run was asked for."""
    return bool(os.environ.get(EXAMPLES_VARIABLE))


def fuzz_settings(examples: int) -> settings:
    """Hypothesis settings for a fuzz target: ``examples`` by default, the variable's when set."""
    if long_run():
        return settings(
            max_examples=int(os.environ[EXAMPLES_VARIABLE]),
            deadline=None,
            database=None,
            derandomize=False,
            suppress_health_check=list(HealthCheck),
            print_blob=True,
        )
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )


class Hang(Exception):
    """An input ran past :data:`ALARM_SECONDS`."""


@contextlib.contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    """Interrupt the block with :class:`Hang` after ``seconds`` (main thread on Unix only)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def ring(signum: int, frame: object) -> None:
        raise Hang(f"still running after {seconds:.0f} s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def bounded(func: Callable[..., T], *args: Any, what: str = "input", **kwargs: Any) -> T:
    """``func(*args, **kwargs)``, failing when it takes more processor time than
    :data:`HANG_SECONDS` (or more than :data:`ALARM_SECONDS` by the clock)."""
    start = time.process_time()
    with _alarm(ALARM_SECONDS):
        result = func(*args, **kwargs)
    took = time.process_time() - start
    assert took < HANG_SECONDS, (
        f"{what} took {took:.2f} s of processor time (limit {HANG_SECONDS} s)"
    )
    return result


def peak_memory(func: Callable[..., T], *args: Any, **kwargs: Any) -> tuple[T, int]:
    """``func(*args, **kwargs)`` and the peak of memory allocated while it ran, in bytes."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        with _alarm(ALARM_SECONDS):
            result = func(*args, **kwargs)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


# -- seeds and mutations --------------------------------------------------------------------


@dataclass(frozen=True)
class Seed:
    """A real input to start from, and where its integer fields are (when known)."""

    name: str
    data: bytes
    fields: tuple[tuple[int, int], ...] = field(default=(), repr=False)
    """(offset, width in bytes) of header and directory fields worth breaking."""


def read_seeds(paths: Sequence[Path]) -> list[Seed]:
    """Seeds from files, in the order given."""
    return [Seed(p.name, p.read_bytes()) for p in paths]


def interesting(width: int, size: int, current: int) -> list[int]:
    """Values that break an integer field of ``width`` bytes in a file of ``size`` bytes."""
    top = (1 << (8 * width)) - 1
    values = [0, 1, 2, 3, 4, 8, 0x10, 0x3F, 0x40, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000]
    values += [0xFFFE, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFF0, 0xFFFFFFFF]
    values += [size - 1, size, size + 1, size * 2, current - 1, current + 1, current * 2]
    values += [current | 0x80000000, current & 0x7FFFFFFF, current ^ 0x80000000]
    return sorted({v & top for v in values})


OPERATIONS = ("flip", "byte", "truncate", "delete", "insert", "token", "splice", "repeat", "field")


@st.composite
def mutated(
    draw: st.DrawFn,
    seeds: Sequence[Seed],
    tokens: Sequence[bytes] = (),
    *,
    max_edits: int = 6,
    max_size: int = 1 << 20,
) -> bytes:
    """A seed with 1 to ``max_edits`` edits (see the module's docstring), at most ``max_size``."""
    seed = draw(st.sampled_from(seeds))
    data = bytearray(seed.data)
    operations = [op for op in OPERATIONS if op != "field" or seed.fields]
    if not tokens:
        operations.remove("token")
    for _ in range(draw(st.integers(1, max_edits))):
        op = draw(st.sampled_from(operations))
        at = draw(st.integers(0, len(data)))
        if op == "flip" and data:
            data[min(at, len(data) - 1)] ^= 1 << draw(st.integers(0, 7))
        elif op == "byte" and data:
            data[min(at, len(data) - 1)] = draw(st.integers(0, 255))
        elif op == "truncate":
            del data[at:]
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 256))]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif op == "token":
            count = draw(st.sampled_from((1, 1, 2, 3, 16, 200)))
            data[at:at] = draw(st.sampled_from(tokens)) * count
        elif op == "splice":
            other = draw(st.sampled_from(seeds)).data
            start = draw(st.integers(0, len(other)))
            piece = other[start : start + draw(st.integers(1, 2048))]
            if draw(st.booleans()):
                data[at:at] = piece
            else:
                data[at : at + len(piece)] = piece
        elif op == "repeat" and data:
            start = draw(st.integers(0, len(data) - 1))
            piece = bytes(data[start : start + draw(st.integers(1, 512))])
            data[at:at] = piece * draw(st.integers(1, 8))
        elif op == "field":
            offset, width = draw(st.sampled_from(seed.fields))
            if offset + width <= len(data):
                current = int.from_bytes(data[offset : offset + width], "little")
                value = draw(
                    st.sampled_from(interesting(width, len(data), current))
                    | st.integers(0, (1 << (8 * width)) - 1)
                )
                data[offset : offset + width] = value.to_bytes(width, "little")
        del data[max_size:]
    return bytes(data)
