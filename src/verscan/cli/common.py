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
import shutil
import sys
import time
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
    """Render ``doc`` and write it to ``output`` (atomically) or standard output.

    A table for a terminal fits its width, its verdicts coloured when colours are
    wanted; for a pipe or a file it is plain and whole.
    """
    deliver(rendered(doc, fmt, output), output, force)


def rendered(doc: Document, fmt: str, output: str | None) -> str:
    """``doc`` in format ``fmt`` as it goes to ``output`` (a terminal's width, colours)."""
    fmt = fmt.lower()
    table = fmt == OutputFormat.TABLE.value
    return render(
        doc,
        fmt,
        terminal=for_terminal(output),
        width=terminal_width(output) if table else None,
        colour=table and colour_wanted(output),
    )


QUIET = "verscan.quiet"
COLOR = "verscan.color"
COLOR_CHOICES = ("auto", "always", "never")


def presentation_options(func: F) -> F:
    """Add ``--quiet/-q`` and ``--color auto|always|never`` to a command."""

    @functools.wraps(func)
    def wrapper(*args: Any, quiet: bool, color: str, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        ctx.meta[QUIET] = quiet
        ctx.meta[COLOR] = color
        return func(*args, **kwargs)

    wrapper = click.option(
        "--color",
        "--colour",
        "color",
        type=click.Choice(COLOR_CHOICES),
        default="auto",
        show_default=True,
        help="Colour verdicts: auto (at a terminal, unless NO_COLOR is set), always, never.",
    )(wrapper)
    wrapper = click.option(
        "--quiet",
        "-q",
        is_flag=True,
        help="No summary lines and no progress on stderr (warnings and errors remain).",
    )(wrapper)
    return wrapper  # type: ignore[return-value]


def _setting(key: str, default: Any) -> Any:
    ctx = click.get_current_context(silent=True)
    return default if ctx is None else ctx.meta.get(key, default)


def is_quiet() -> bool:
    """Whether ``--quiet`` was given: no summaries, no progress."""
    return bool(_setting(QUIET, False))


def terminal_width(output: str | None) -> int | None:
    """The width a report for ``output`` must fit: None for a pipe or a file (plain, whole).

    At a terminal: ``COLUMNS`` when set, else the terminal's own width. A program
    that runs verscan's commands itself may state a width instead (click's
    ``terminal_width``), as if its output were such a terminal.
    """
    if not to_stdout(output):
        return None
    stated = _stated_width()
    if stated is not None:
        return stated
    if not _is_terminal(sys.stdout):
        return None
    return max(shutil.get_terminal_size().columns, 20)


def _stated_width() -> int | None:
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.terminal_width:
        return max(int(ctx.terminal_width), 20)
    return None


def _stderr_width() -> int | None:
    """The width of the terminal stderr shows on, or None when it is not one."""
    stated = _stated_width()
    if stated is not None:
        return stated
    if not _is_terminal(sys.stderr):
        return None
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return max(int(columns), 20)
    try:
        return max(os.get_terminal_size(sys.stderr.fileno()).columns, 20)
    except (AttributeError, ValueError, OSError):
        return None


def colour_wanted(output: str | None) -> bool:
    """Whether a report for ``output`` gets colours: ``--color``, else a terminal without
    ``NO_COLOR`` (any value but empty) and not ``TERM=dumb``. Files never do."""
    if not to_stdout(output):
        return False
    choice = _setting(COLOR, "auto")
    if choice != "auto":
        return bool(choice == "always")
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return _is_terminal(sys.stdout)


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
    """One line of text on stdout (an answer, a problem), made safe for a terminal.

    At a terminal a line longer than its width is wrapped at spaces, the rest indented.
    """
    text = visible(line)
    width = terminal_width(None)
    if width is not None and len(text) > width:
        from verscan.output.fit import fit_lines

        text = "\n".join(fit_lines([text], width))
    write_stdout(text + "\n")


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
    """One line on stderr, made safe for a terminal; nothing when stderr cannot take it.

    At a terminal a line longer than its width is wrapped at spaces, the rest
    indented; in a pipe or a file it stays one line.
    """
    line = f"verscan: {visible(message)}"
    width = _stderr_width()
    if width is not None and len(line) > width:
        from verscan.output.fit import fit_lines

        line = "\n".join(fit_lines([line], width))
    try:
        if _BAR is not None:
            _BAR.clear()
        click.echo(line, err=True)
    except OSError:
        _drop_pending(sys.stderr)  # nowhere left to say it: the exit code still tells


def summarize(line: str) -> None:
    """A command's summary line on stderr, unless ``--quiet``."""
    if not is_quiet():
        warn(line)


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


class _Bar:
    """A one-line progress display on a terminal: counts, share, rate; cleared at the end."""

    REDRAW = 0.1
    """Seconds between two redraws, at most ten a second."""

    def __init__(self, stream: Any, length: int | None, label: str, delay: float) -> None:
        self.stream = stream
        self.length = length
        self.label = label
        self.count = 0
        self.start = time.monotonic()
        self.shown_at = self.start + delay
        self.drawn = False

    def advance(self) -> None:
        self.count += 1
        now = time.monotonic()
        if now >= self.shown_at:
            self.shown_at = now + self.REDRAW
            self.draw(now)

    def line(self, now: float, width: int) -> str:
        elapsed = max(now - self.start, 1e-6)
        rate = f"{self.count / elapsed:,.0f}/s"
        if self.length:
            share = min(self.count / self.length, 1.0)
            head = f"{self.label} {self.count:,} of {self.length:,}"
            tail = f"{share:4.0%}  {rate}"
            room = width - len(head) - len(tail) - 6
            if room >= 10:
                filled = int(room * share)
                return f"{head}  [{'#' * filled}{'-' * (room - filled)}]  {tail}"
            return f"{head}  {tail}"
        return f"{self.label} {self.count:,}  {rate}"

    def draw(self, now: float) -> None:
        width = _stderr_width() or 80
        text = visible(self.line(now, width - 1))[: width - 1]
        try:
            self.stream.write(f"\r{text}\x1b[K")
            self.stream.flush()
            self.drawn = True
        except (OSError, ValueError):
            pass

    def clear(self) -> None:
        if self.drawn:
            self.drawn = False
            try:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
            except (OSError, ValueError):
                pass


_BAR: _Bar | None = None
"""The progress display on screen, which a line on stderr clears first."""


def progress(
    items: Iterable[T], length: int | None, label: str, *, delay: float = 0.25
) -> Iterator[T]:
    """Iterate ``items`` with a progress line on stderr when stderr is a terminal.

    The line shows the count (of ``length`` when known, with a bar), the share
    done and the rate; it appears only after ``delay`` seconds, so that short runs
    show nothing, and is erased when the iteration ends. None with ``--quiet``.
    """
    global _BAR
    interrupts.checkpoint(label)
    stream = sys.stderr
    if is_quiet() or not _is_terminal(stream) or (length is not None and length < 50):
        yield from items
        return
    bar = _Bar(stream, length, label, delay)
    outer, _BAR = _BAR, bar
    try:
        for item in items:
            yield item
            bar.advance()
    finally:
        bar.clear()
        _BAR = outer
