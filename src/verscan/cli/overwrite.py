"""Commands of this group are registered here."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
