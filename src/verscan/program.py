"""The verscan program as the system starts it (the ``verscan`` command, ``python -m verscan``).

Its first act is to take charge of the signals that end a run (Ctrl-C, ``kill``,
a closed terminal; see :mod:`verscan.interrupts`), before anything else loads:
loading click and the command line takes a tenth of a second, and a Ctrl-C there
must end the run as quietly as anywhere else. A signal ends the run with one line
on stderr and exit code 128 + its number; once the command has finished, signals
are ignored, so that its exit code stands.

Until then the interpreter is in charge: a signal that arrives while Python itself
starts (about 20 ms: its own modules, ``site``, the installed script's imports) is
handled as Python handles it. This module and :mod:`verscan.interrupts` import
only what handling the signals needs, so that verscan's part of that time is short.
"""

from __future__ import annotations

import sys

from verscan import interrupts

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs milliseconds in which a signal would find no handler
    from typing import NoReturn


def run() -> NoReturn:
    """Run the command line in ``sys.argv`` and exit with its code."""
    interrupts.install()
    code: int | str | None
    try:
        interrupts.checkpoint("start")
        import click  # noqa: F401  (the largest import: a test may stop the run right after it)

        interrupts.checkpoint("modules")
        from verscan.cli import main

        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code
    except interrupts.Interrupted as exc:
        # Before the command line took over (it reports its own): say so here.
        _say(f"verscan: {exc}\n")
        code = exc.exit_code
    interrupts.ignore()
    sys.exit(code)


def _say(line: str) -> None:
    stream = sys.stderr
    if stream is None:
        return
    try:
        stream.write(line)
        stream.flush()
    except (OSError, ValueError):
        pass  # stderr is gone: the exit code still tells
