"""What every command shares: output options, writing reports, and turning errors into exit codes.

Exit codes everywhere: 0 clean, 1 findings, 2 usage or input error.

Everything a command prints goes through here: reports (:func:`emit`), lines of text
on stdout (:func:`say`) and on stderr (:func:`warn`), made safe for a terminal
(:mod:`verscan.output.safe`).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import click

from verscan import interrupts
from verscan.atomic import write_atomic
from verscan.errors import VerscanError
from verscan.output import Document, OutputFormat, render
from verscan.output.safe import visible

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2

F = TypeVar("F", bound=Callable[..., Any])


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
            type=click.Path(dir_okay=False, writable=False),
            default=None,
            help="Write the report to FILE (atomically) instead of standard output.",
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


def for_terminal(output: str | None) -> bool:
    """Whether a report for ``--output`` goes to a terminal (standard output, and a terminal)."""
    return output is None and _is_terminal(sys.stdout)


def emit(doc: Document, fmt: str, output: str | None, force: bool) -> None:
    """Render ``doc`` and write it to ``output`` (atomically) or standard output."""
    text = render(doc, fmt.lower(), terminal=for_terminal(output))
    if output is None:
        # As it is: click would cut ESC [ ... m sequences out of a CSV value.
        click.echo(text, nl=False, color=True)
    else:
        write_atomic(output, text, force=force)


def say(line: str) -> None:
    """One line of text on stdout (an answer, a problem), made safe for a terminal."""
    click.echo(visible(line))


def warn(message: str) -> None:
    """One line on stderr, made safe for a terminal."""
    click.echo(f"verscan: {visible(message)}", err=True)


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
