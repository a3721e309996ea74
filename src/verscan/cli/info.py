"""`verscan info` (placeholder until the reader lands)."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
