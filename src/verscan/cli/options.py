"""Options and helpers shared by the commands that walk trees, read inventories or manifests."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from verscan.cli.common import progress, warn
from verscan.output import OutputFormat

if TYPE_CHECKING:
    from verscan.manifest.model import Manifest

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


def manifests_option(help_text: str, *, required: bool = True) -> Callable[[F], F]:
    """``--manifests/-m`` (repeatable), as ``manifest_paths``."""
    return click.option(
        "--manifests",
        "-m",
        "manifest_paths",
        multiple=True,
        required=required,
        type=click.Path(),
        help=help_text,
    )


MANIFESTS_HELP = "A manifest file or a folder of them (repeatable)."


def load_manifest_args(paths: Iterable[str]) -> tuple[list[Manifest], bool]:
    """The manifests named, and whether any failed to load (each failure is warned)."""
    from verscan.manifest.load import load_manifests  # spare the other commands YAML

    manifests, errors = load_manifests(list(paths))
    for error in errors:
        warn(f"error: {error}")
    return manifests, bool(errors)
