"""verscan's command line: the only place that prints or exits."""

from __future__ import annotations

import click

from verscan import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="verscan")
def main() -> None:
    """verscan: is this hotfix really on that machine, and will this update downgrade anything?

    Exit codes: 0 clean, 1 findings (missing fixes, unreadable files, downgrades),
    2 usage or input errors.
    """


def _register() -> None:
    from verscan.cli import info, inventory, manifest, overwrite, scan

    for module in (info, manifest, scan, inventory, overwrite):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
