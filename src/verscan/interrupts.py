"""The signals that end a run early (Ctrl-C, ``kill``, a closed terminal) and how a run ends then.

The program (:mod:`verscan.program`) calls :func:`install` before it loads anything
else. From then on SIGINT, SIGTERM and SIGHUP raise :class:`Interrupted` in the
main thread, wherever it is: every ``finally`` and ``except BaseException`` runs,
so temporary files and partial outputs are removed, and the program ends with
exit code 128 + the signal's number. ``Interrupted`` is not a ``KeyboardInterrupt``:
no handler meant for Ctrl-C alone, nor click's "Aborted!", takes it for one.
A signal arriving while the first one is being handled is ignored, so that the
clean-up is not cut short. A signal the program was started with ignored (``nohup``,
a background job) stays ignored.

Code that creates something and takes charge of it (a temporary file, then the
``try`` that removes it) runs under :func:`deferred`: a signal arriving there
is raised when the block ends, never between the two steps.

Tests: with ``VERSCAN_TEST_SIGNALS`` set in the environment, each
:func:`checkpoint` writes ``verscan-test: at STAGE`` to standard error the first
time the run reaches it, and the stage the variable names waits there for a
signal, so that a test sends its signal at a known moment instead of after a
guessed delay.
"""

from __future__ import annotations

import os
import signal
import time
from types import FrameType, TracebackType

SIGNALS: tuple[signal.Signals, ...] = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)
"""The signals that end a run: Ctrl-C, ``kill``, the terminal closing."""

TEST_VARIABLE = "VERSCAN_TEST_SIGNALS"
"""Set (to a stage name, or to anything) to have :func:`checkpoint` report and wait."""

HOLD_SECONDS = 60.0
"""Longest a test stage waits for its signal before the run goes on."""


class Interrupted(BaseException):
    """The run was stopped by a signal."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def signal_name(self) -> str:
        """``SIGINT``, ``SIGTERM``, ..."""
        try:
            return signal.Signals(self.signum).name
        except ValueError:
            return f"signal {self.signum}"

    @property
    def exit_code(self) -> int:
        """The exit code of a program ended by this signal: 128 + its number."""
        return 128 + self.signum

    def __str__(self) -> str:
        return f"interrupted by {self.signal_name}"


class _State:
    installed = False
    raised = False
    depth = 0
    pending: int | None = None


_state = _State()
_seen: set[str] = set()


def _handler(signum: int, frame: FrameType | None) -> None:
    if _state.raised:
        return  # the run is already ending: let its clean-up finish
    if _state.depth:
        if _state.pending is None:
            _state.pending = signum
        return
    _state.raised = True
    raise Interrupted(signum)


def install() -> None:
    """Raise :class:`Interrupted` on SIGINT, SIGTERM and SIGHUP from now on (main thread only)."""
    for signum in SIGNALS:
        if signal.getsignal(signum) is signal.SIG_IGN:
            continue  # started with it ignored (nohup, a background job): keep it so
        signal.signal(signum, _handler)
    _state.installed = True
    _state.raised = False
    _state.pending = None


def ignore() -> None:
    """Ignore the signals from now on: the run has ended, only the exit is left."""
    for signum in SIGNALS:
        signal.signal(signum, signal.SIG_IGN)


class deferred:  # lower case: it reads as a function, ``with deferred():``
    """Hold back a signal while the block runs; raise it as :class:`Interrupted` at its end."""

    def __enter__(self) -> None:
        _state.depth += 1

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        _state.depth -= 1
        if not _state.depth and _state.pending is not None:
            signum, _state.pending = _state.pending, None
            _state.raised = True
            raise Interrupted(signum)


def checkpoint(stage: str) -> None:
    """A moment a test may stop the run at (see the module's documentation); else nothing."""
    wanted = os.environ.get(TEST_VARIABLE)
    if wanted is None or stage in _seen:
        return
    _seen.add(stage)
    os.write(2, f"verscan-test: at {stage}\n".encode())
    if stage != wanted:
        return
    deadline = time.monotonic() + HOLD_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.05)  # a signal's handler raises out of the sleep
