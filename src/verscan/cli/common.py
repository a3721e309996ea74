"""What every command shares: output options, writing reports, and turning errors into exit codes.

Exit codes everywhere: 0 clean, 1 findings, 2 usage or input error.

Everything a command prints goes through here: reports (:func:`emit`, :func:`deliver`),
lines of text on stdout (:func:`say`) and on stderr (:func:`warn`). Lines are made
safe for a terminal (:mod:`verscan.output.safe`); a standard output that is closed
or full is an error (exit 2) rather than a report lost in silence or a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import click

from verscan import interrupts
from verscan.atomic import destination, write_atomic
from verscan.errors import OutputError, VerscanError
from verscan.output import Document, OutputFormat, render
from verscan.output.safe import visible

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2

F = TypeVar("F", bound=Callable[..., Any])


OUTPUT_PATH = click.Path(dir_okay=False, writable=False, allow_dash=True)
"""The type of every ``--output``: a file to write, or ``-`` for standard output."""

STDOUT = "-"


def output_options(formats: Iterable[OutputFormat] = tuple(OutputFormat)) -> Callable[[F], F]:
    """Add ``--format``, ``--output`` and ``--force`` to a command."""
    choices = [f.value for f in formats]

    def decorate(func: F) -> F:
        func = click.option("--force", is_flag=True, help="Replace --output FILE if it exists.")(
            func
        )
        func = click.option(
            "--output",
            "-o",
            "output",
            type=OUTPUT_PATH,
            default=None,
            help="Write the report to FILE (atomically) instead of standard output ('-').",
        )(func)
        func = click.option(
            "--format",
            "-f",
            "fmt",
            type=click.Choice(choices, case_sensitive=False),
            default=choices[0],
            show_default=True,
            help="Report format.",
        )(func)
        return func

    return decorate


def to_stdout(output: str | None) -> bool:
    """Whether ``--output`` means standard output (not given, or ``-``)."""
    return output is None or output == STDOUT


def for_terminal(output: str | None) -> bool:
    """Whether a report for ``--output`` goes to a terminal (standard output, and a terminal)."""
    return to_stdout(output) and _is_terminal(sys.stdout)


def emit(doc: Document, fmt: str, output: str | None, force: bool) -> None:
    """Render ``doc`` and write it to ``output`` (atomically) or standard output."""
    deliver(render(doc, fmt.lower(), terminal=for_terminal(output)), output, force)


def deliver(text: str, output: str | None, force: bool) -> None:
    """Write a rendered report to ``output`` (atomically) or standard output."""
    if to_stdout(output):
        write_stdout(text)
    else:
        assert output is not None
        write_atomic(output, text, force=force)


def refuse_output(output: str | None, force: bool) -> None:
    """Fail before a long walk, not after it, when ``output`` may not be written."""
    if not to_stdout(output):
        assert output is not None
        destination(output, force=force)


def say(line: str) -> None:
    """One line of text on stdout (an answer, a problem), made safe for a terminal."""
    write_stdout(visible(line) + "\n")


def write_stdout(text: str, *, styled: bool = False) -> None:
    """``text`` on standard output; a closed or full one raises :class:`OutputError`.

    ``text`` is written as it is (a CSV value keeps its escape characters), unless
    ``styled``: then click drops its colours when stdout is not a terminal. A pipe
    closed by its reader (``| head``) is left to click, which ends quietly.
    """
    if sys.stdout is None:
        raise OutputError("standard output is closed; nothing was written (use --output FILE)")
    try:
        click.echo(text, nl=False, color=None if styled else True)
    except OSError as exc:
        if exc.errno == errno.EPIPE:
            raise
        _drop_pending(sys.stdout)
        raise OutputError(f"standard output: cannot write: {exc.strerror or exc}") from exc


def warn(message: str) -> None:
    """One line on stderr, made safe for a terminal; nothing when stderr cannot take it."""
    try:
        click.echo(f"verscan: {visible(message)}", err=True)
    except OSError:
        _drop_pending(sys.stderr)  # nowhere left to say it: the exit code still tells


def _drop_pending(stream: Any) -> None:
    """Point a failed standard stream at the null device, so that Python's exit does not retry."""
    with contextlib.suppress(AttributeError, OSError, ValueError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, stream.fileno())
        os.close(null)


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def handle_errors(func: F) -> F:
    """Turn a :class:`VerscanError` into one line on stderr and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except VerscanError as exc:
            warn(f"error: {exc}")
            sys.exit(EXIT_ERROR)

    return wrapper  # type: ignore[return-value]


T = TypeVar("T")


def progress(items: Iterable[T], length: int | None, label: str) -> Iterator[T]:
    """Iterate ``items`` with a progress bar on stderr when stderr is a terminal."""
    interrupts.checkpoint(label)
    stream = sys.stderr
    if not stream.isatty() or (length is not None and length < 50):
        yield from items
        return
    bar: Any = click.progressbar(items, length=length, label=label, file=stream)
    with bar:
        yield from bar
