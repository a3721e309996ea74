"""verscan's command line: the only place that prints or exits.

Commands live in one module per group and are imported only when used, so a
command starts without loading the others (the KB parser, the HTML report, ...).
"""

from __future__ import annotations

import importlib
import io
import signal
import sys
from typing import Any

import click

from verscan import __version__
from verscan.encoding import ENCODE_ERRORS
from verscan.interrupts import Interrupted

COMMANDS: dict[str, str] = {
    "info": "verscan.cli.info:info_command",
    "manifest": "verscan.cli.manifest:manifest_group",
    "scan": "verscan.cli.scan:scan_command",
    "inventory": "verscan.cli.inventory:inventory_command",
    "diff": "verscan.cli.diff:diff_command",
    "report": "verscan.cli.report:report_command",
    "overwrite": "verscan.cli.overwrite:overwrite_command",
    "preflight": "verscan.cli.overwrite:preflight_command",
    "prompt": "verscan.cli.overwrite:prompt_command",
}
"""Every command, and where it is defined (``module:attribute``)."""


class LazyGroup(click.Group):
    """A group whose commands are imported on first use, and which ends quietly on a signal.

    A run stopped by a signal (:class:`~verscan.interrupts.Interrupted`, or a
    ``KeyboardInterrupt`` where verscan's handlers are not installed) ends with one
    line on stderr and exit code 128 + the signal's number: never click's
    "Aborted!" and exit 1, which ``verscan overwrite`` would mean as "keep".
    """

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """click's ``main``, a signal turned into its exit code."""
        try:
            return super().main(*args, **kwargs)
        except Interrupted as exc:
            if not kwargs.get("standalone_mode", True):
                raise
            from verscan.cli.common import warn

            warn(str(exc))
            sys.exit(exc.exit_code)

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        """Parse the group's arguments; a usage error shown as safely as any other line."""
        try:
            return super().make_context(*args, **kwargs)
        except click.ClickException as exc:
            raise _shown_safely(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a ``KeyboardInterrupt`` is a SIGINT like any other."""
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as exc:
            raise Interrupted(signal.SIGINT) from exc
        except click.ClickException as exc:
            raise _shown_safely(exc) from None

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Command names in the order of :data:`COMMANDS`."""
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Import the named command's module and return the command."""
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attribute = target.split(":")
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command)
        return command


def _shown_safely(exc: click.ClickException) -> click.ClickException:
    """A usage error whose message quotes arguments (file names, maybe) made safe to print."""
    from verscan.output.safe import visible

    exc.message = visible(exc.message)  # type: ignore[misc]
    filename = getattr(exc, "ui_filename", None)
    if isinstance(filename, str):
        exc.ui_filename = visible(filename)  # type: ignore[attr-defined]
    return exc


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="verscan")
def main() -> None:
    """verscan: is this hotfix really on that machine, and will this update downgrade anything?

    Exit codes: 0 clean, 1 findings (missing fixes, unreadable files, downgrades),
    2 usage or input errors.
    """
    _tolerant_streams()


def run() -> None:
    """The ``verscan`` program (:func:`verscan.program.run`), for scripts installed before it moved.

    The program now starts from :mod:`verscan.program`, which takes charge of
    signals before this package (and click) load.
    """
    from verscan.program import run as program

    program()


def _tolerant_streams() -> None:
    """Let stdout and stderr print any file name rather than raise UnicodeEncodeError.

    A name that is not valid UTF-8 is written as the bytes it was (as ``--output``
    files have it); a strict stream (a UTF-8 locale's stdout) would refuse it.
    """
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            stream.reconfigure(errors=ENCODE_ERRORS)
