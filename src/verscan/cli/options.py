"""Options and helpers shared by the commands that walk trees or read inventories."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import click

from verscan.cli.common import (
    progress,
)
from verscan.errors import OutputError
from verscan.output import OutputFormat

TABULAR_AND_STRUCTURED = (
    OutputFormat.TABLE,
    OutputFormat.JSON,
    OutputFormat.YAML,
    OutputFormat.CSV,
    OutputFormat.MARKDOWN,
)

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

jobs_option = click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help=(
        "Processes reading files, for trees over 10,000 files (default: one per core "
        "on more than two cores or when hashing, else one)."
    ),
)


def follow_option(where: str) -> Callable[[F], F]:
    return click.option(
        "--follow-links", is_flag=True, help=f"Follow symbolic links inside {where}."
    )


def reading(items: Iterable[T], count: int | None) -> Iterable[T]:
    return progress(items, count, "reading")


def refuse_existing(output: str, force: bool) -> None:
    """Fail before a long walk, not after it, when the output may not be replaced."""
    if not force and (os.path.exists(output) or os.path.islink(output)):
        raise OutputError(f"{output}: exists (use --force to replace it)")
