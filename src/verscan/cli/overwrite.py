"""`verscan overwrite`, `verscan preflight` and `verscan prompt`: the Q235978 overwrite rule.

Overwrite an existing file only if the new file is a later version; otherwise keep it.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import sys
from collections.abc import Callable
from typing import TextIO

import click

from verscan.cli.common import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FINDINGS,
    colour_wanted,
    emit,
    handle_errors,
    output_options,
    presentation_options,
    say,
    summarize,
    terminal_width,
    warn,
    write_stdout,
)
from verscan.cli.options import follow_option
from verscan.errors import SourceError
from verscan.interrupts import Interrupted
from verscan.output import OutputFormat
from verscan.output.fit import fit_lines
from verscan.output.safe import visible
from verscan.reports.overwrite import (
    REPLY_COLOURS,
    answer_detail,
    answer_parts,
    overwrite_document,
    preflight_document,
    preflight_summary,
)
from verscan.update.archive import Expander
from verscan.update.overwrite import Candidate, Decision, decide, held_files, pick, read_held
from verscan.update.preflight import Answer, Planner, Reply

_EXIT_BY_DECISION = {
    Decision.OVERWRITE: EXIT_CLEAN,
    Decision.KEEP: EXIT_FINDINGS,
    Decision.SAME: EXIT_FINDINGS,
    Decision.UNKNOWN: EXIT_ERROR,
}


def _pair(existing_path: str, new_path: str, expander: Expander) -> tuple[Candidate, Candidate]:
    """The two files to compare, a cabinet's member chosen by the other file's name.

    Only the two files compared are read: a cabinet's other files are listed, never expanded.
    """
    existing = held_files(existing_path)
    new = held_files(new_path)
    if len(existing) == 1:
        old, fresh = existing[0], pick(new, existing[0].name, new_path)
    elif len(new) == 1:
        old, fresh = pick(existing, new[0].name, existing_path), new[0]
    else:
        raise SourceError(f"{existing_path}, {new_path}: both are cabinets of several files")
    return read_held(old, expander), read_held(fresh, expander)


@click.command("overwrite")
@click.argument("existing", type=click.Path())
@click.argument("new", type=click.Path())
@output_options((OutputFormat.TABLE, OutputFormat.JSON))
@presentation_options
@handle_errors
def overwrite_command(existing: str, new: str, fmt: str, output: str | None, force: bool) -> None:
    """Answer an installer's overwrite prompt for one file (KB Q235978).

    EXISTING is the file already on disk, NEW the file the update wants to
    write; either may be compressed (a cabinet or SZDD file such as
    iischema.dl_): its version is read from inside. The rule: overwrite only
    if NEW is a later version (fixed FileVersion, compared as numbers).

    \b
    Decisions, for the dialog "Do you want to keep the existing file?":
      overwrite  NEW is later: answer No
      keep       EXISTING is later: answer Yes (overwriting would downgrade it)
      same       same version: answer Yes
      unknown    a file has no version resource or cannot be read
    Warnings when the platforms differ or the two files sit on different
    service branches (GDR 6.1.7601.18xxx against LDR 6.1.7601.22xxx).

    \b
    Example:
      verscan overwrite C:/WINNT/system32/iischema.dll D:/i386/iischema.dl_
      verscan overwrite --format json old/kernelbase.dll new/kernelbase.dll

    Exit 0 for overwrite, 1 for keep or same, 2 for unknown or an error
    (a missing file, a folder, a damaged file or cabinet).
    """
    with Expander() as expander:
        old, fresh = _pair(existing, new, expander)
    for c in (old, fresh):
        if c.failed:
            warn(f"{c.path}: {c.info.status.value}: {c.info.error}")
    outcome = decide(old, fresh)
    emit(overwrite_document(outcome), fmt, output, force)
    sys.exit(_EXIT_BY_DECISION[outcome.decision])


@click.command("preflight")
@click.argument("source", type=click.Path())
@click.argument("target", type=click.Path())
@output_options()
@click.option(
    "--include-backups",
    is_flag=True,
    help="Also compare copies in backup folders under TARGET ($NtUninstall…$, dllcache, …).",
)
@follow_option("both folders")
@presentation_options
@handle_errors
def preflight_command(
    source: str,
    target: str,
    fmt: str,
    output: str | None,
    force: bool,
    include_backups: bool,
    follow_links: bool,
) -> None:
    """Before applying an update, show what the overwrite rule does to every file of SOURCE.

    SOURCE is an extracted service pack or hotfix folder, read recursively;
    compressed files (cabinets, SZDD: names ending in _) count under the names
    they expand to, and each file of a cabinet counts on its own. Each is
    matched by name, case-insensitively, to the installed copies under TARGET:

    \b
      upgrade    the new file is later: it replaces the installed one
      same       same version: the installed file stays
      downgrade  the installed file is later: the installer must keep it
      new        not installed under TARGET
      unknown    a version is missing or a file cannot be read

    Copies in backup folders are skipped unless --include-backups. When a name
    has several installed copies, the copies on the new file's platform are
    preferred; each remaining copy gets its own row, and each name with several
    copies is listed on stderr. Nothing is written to SOURCE or TARGET.

    \b
    Example:
      verscan preflight fixtures/preflight/sp fixtures/preflight/system
      verscan preflight /mnt/sp3/i386 /mnt/c/WINDOWS --format json -o plan.json

    Exit 0 when nothing would be downgraded, 1 when a file would be or when
    folders or files of the trees could not be walked, 2 on an error (a missing
    folder, a damaged file or cabinet in SOURCE or TARGET).
    """
    with Planner(
        source, target, include_backups=include_backups, follow_links=follow_links
    ) as planner:
        plan = planner.plan()
    for problem in plan.problems:
        warn(f"{problem.path}: {problem.message}")
    reported: set[str] = set()
    for row in plan.failures:
        for c in (row.new, row.existing):
            if c is not None and c.failed and c.path + c.name not in reported:
                reported.add(c.path + c.name)
                warn(f"{c.path}: {c.info.status.value}: {c.info.error}")
    for name, copies in plan.ambiguous().items():
        warn(f"{name}: {len(copies)} installed copies ({', '.join(copies)}); each is compared")
    emit(preflight_document(plan), fmt, output, force)
    summarize(preflight_summary(plan))
    if plan.failures:
        sys.exit(EXIT_ERROR)
    skipped = any(p.fault for p in plan.problems)
    sys.exit(EXIT_FINDINGS if plan.downgrades or skipped else EXIT_CLEAN)


_UNANSWERED = (Reply.NOT_FOUND, Reply.UNKNOWN, Reply.AMBIGUOUS)


def _say(answer: Answer, detail: bool, interactive: bool) -> None:
    label, rest = answer_parts(answer)
    if not label:
        # Piped: a blank line answers a blank line, so that answers stay in step with names.
        if not interactive:
            write_stdout("\n")
        return
    line = f"{visible(label)} — {visible(rest)}"
    width = terminal_width(None)
    lines = fit_lines([line], width) if width is not None else [line]
    if colour_wanted(None):
        styled = click.style(visible(label), fg=REPLY_COLOURS[answer.reply], bold=True)
        lines[0] = styled + lines[0][len(visible(label)) :]
    write_stdout("\n".join(lines) + "\n")
    if detail:
        for line in answer_detail(answer):
            say(line)


def _read_line(stdin: TextIO, interactive: bool) -> str | None:
    """The next line typed or piped, or None at the end of input or on Ctrl-C."""
    try:
        if interactive:
            text: str = click.prompt(
                "file name", default="", show_default=False, prompt_suffix="> "
            )
            return text
        line = stdin.readline()
    except (click.Abort, EOFError, KeyboardInterrupt, Interrupted) as exc:
        if isinstance(exc, Interrupted) and exc.signum != signal.SIGINT:
            raise  # SIGTERM, SIGHUP: the session is stopped, not ended
        if interactive:
            click.echo("", err=True)
        return None
    if not line:
        return None
    return line.rstrip("\r\n")


@click.command("prompt")
@click.option(
    "--source", "-s", required=True, type=click.Path(), help="The update's (extracted) folder."
)
@click.option(
    "--target", "-t", required=True, type=click.Path(), help="The installed system's folder."
)
@click.option(
    "--detail/--no-detail",
    default=None,
    help="Show both files under each answer (default: only at a terminal).",
)
@click.option(
    "--include-backups",
    is_flag=True,
    help="Also compare copies in backup folders under TARGET.",
)
@follow_option("both folders")
@presentation_options
@handle_errors
def prompt_command(
    source: str,
    target: str,
    detail: bool | None,
    include_backups: bool,
    follow_links: bool,
) -> None:
    """Keep open beside the installer: type the file name its dialog shows, get the answer.

    Type or paste the name (any case, with or without a path or quotes, the
    compressed or the real name). The answer comes at once, in one line:

    \b
      OVERWRITE  the new file is later: answer No to "keep the existing file?"
      KEEP       the installed file is later: answer Yes
      SAME       same version: answer Yes
      NEW        not installed under TARGET: no prompt expected
      UNKNOWN    a version is missing or a file cannot be read
      AMBIGUOUS  several copies or source files disagree (type the full path)
      NOT FOUND  not in SOURCE; the closest names follow

    At a terminal the line is coloured and followed by both files' paths,
    platforms, versions, sizes and dates. Piped input gets exactly one answer
    line per input line on stdout (a blank line for a blank line), no detail
    unless --detail. Ctrl-D or Ctrl-C ends.

    \b
    Example:
      verscan prompt --source D:/i386 --target C:/WINNT
      printf 'kernelbase.dll\\nIISCHEMA.DL_\\n' | verscan prompt -s sp -t system

    Exit 0 when every name got a decision (overwrite, keep, same, new), 2 when
    some name was not found, ambiguous or unknown, or SOURCE or TARGET is not a folder.
    """
    stdin = sys.stdin
    if isinstance(stdin, io.TextIOWrapper):
        # A name pasted in another encoding must give an answer line, not a traceback.
        stdin.reconfigure(errors="replace")
    interactive = stdin.isatty()
    show_detail = interactive if detail is None else detail
    history = _line_editing() if interactive else None
    try:
        with Planner(
            source, target, include_backups=include_backups, follow_links=follow_links
        ) as planner:
            unanswered = _session(planner, stdin, interactive, show_detail)
    finally:
        if history is not None:
            history()
    sys.exit(EXIT_ERROR if unanswered else EXIT_CLEAN)


HISTORY_LINES = 1000


def history_path() -> str:
    """Where ``prompt`` keeps the names typed: ``$XDG_STATE_HOME/verscan/prompt_history``."""
    state = os.environ.get("XDG_STATE_HOME") or os.path.join(
        os.path.expanduser("~"), ".local", "state"
    )
    return os.path.join(state, "verscan", "prompt_history")


def _line_editing() -> Callable[[], None] | None:
    """Line editing and the history of earlier sessions, where Python has ``readline``.

    Returns what saves the history when the session ends (None without readline).
    """
    try:
        import readline
    except ImportError:  # Windows' Python has none: input() still reads a line
        return None
    path = history_path()
    with contextlib.suppress(OSError):
        readline.read_history_file(path)
    readline.set_history_length(HISTORY_LINES)

    def save() -> None:
        with contextlib.suppress(OSError):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            readline.write_history_file(path)

    return save


def _session(planner: Planner, stdin: TextIO, interactive: bool, show_detail: bool) -> bool:
    """Answer each name typed until the input ends; whether some name got no decision."""
    for problem in planner.problems:
        warn(f"{problem.path}: {problem.message}")
    for sf in planner.sources:
        if sf.error is not None:
            warn(f"{sf.path}: {sf.error}")
    if interactive:
        summarize(
            f"{len(planner.sources)} files in SOURCE,"
            f" {len(planner.targets)} file names under TARGET."
            " Type the file name the dialog shows; Ctrl-D to quit."
        )
    unanswered = False
    try:
        while True:
            text = _read_line(stdin, interactive)
            if text is None:
                break
            answer = planner.lookup(text)
            unanswered = unanswered or answer.reply in _UNANSWERED
            _say(answer, show_detail, interactive)
    except (KeyboardInterrupt, Interrupted) as exc:
        if isinstance(exc, Interrupted) and exc.signum != signal.SIGINT:
            raise
        # Ctrl-C while an answer is being worked out ends the session as Ctrl-D does.
        click.echo("", err=True)
    return unanswered
