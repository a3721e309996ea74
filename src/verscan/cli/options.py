"""Options and helpers shared by the commands that walk trees, read inventories or manifests."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from verscan.cli.common import progress, warn
from verscan.output import OutputFormat

if TYPE_CHECKING:
    from verscan.manifest.model import Manifest
    from verscan.system.interface import System
    from verscan.system.profile import Profile

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


def exclude_option(func: F) -> F:
    """``--exclude GLOB`` (repeatable), as ``excludes``."""
    return click.option(
        "--exclude",
        "excludes",
        multiple=True,
        metavar="GLOB",
        help=(
            "Leave out paths matching GLOB (repeatable): a name at any depth "
            '("Program Files*") or, with a /, a path from the target ("Windows/Temp").'
        ),
    )(func)


def os_option(who: str | None = None) -> Callable[[F], F]:
    """``--os TEXT``: state the system's profile (``--os WHO=TEXT`` with ``who``, repeatable)."""
    if who is None:
        return click.option(
            "--os",
            "os_text",
            metavar="TEXT",
            default=None,
            callback=_check_os,
            help=(
                "State which Windows TARGET is, when it cannot be found or is wrong: "
                '"Windows XP SP3 x86", "Windows 7 SP1 x64", "Windows 10 version 22H2 x64".'
            ),
        )
    return click.option(
        "--os",
        "os_texts",
        metavar="[WHO=]TEXT",
        multiple=True,
        callback=_check_os,
        help=(
            f"State which Windows {who} is ({who.split(' ')[0]}=TEXT for one of them; "
            'repeatable): "Windows XP SP3 x86", "Windows 7 SP1 x64".'
        ),
    )


def _check_os(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Refuse an ``--os`` verscan does not understand before any walk starts."""
    from verscan.system.profile import ProfileError, stated_profile

    texts = value if isinstance(value, tuple) else (() if value is None else (value,))
    for text in texts:
        stated = text.partition("=")[2] if "=" in text else text
        try:
            stated_profile(stated)
        except ProfileError as exc:
            raise click.BadParameter(str(exc)) from None
    return value


def profile_of(system: System, os_text: str | None) -> Profile:
    """The system's profile: found from its kernel, or as ``--os`` states it (warned)."""
    from verscan.system.profile import chosen_profile

    profile, warning = chosen_profile(system.profile(), os_text, system.label)
    if warning is not None:
        warn(warning)
    return profile
