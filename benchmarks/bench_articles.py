"""Reading KB articles at scale: articles per second, rows that vanish, and the scorer.

Over every article of the shared archive (``../shared/kb-archive/txt``, 1,462
plain-text articles), after reading them all once (warm cache):

- in this process, best of ``--repeat``: the floor (read and decode each
  article, split its lines), a plain table-line reader (``tests/kb/archive.py``,
  the simplest reading of a file table, for scale), and verscan's parser
  (``verscan.kb.read_article``);
- as whole processes: ``verscan manifest build ARCHIVE/txt --outdir TMP`` with
  ``--jobs 1`` and with the default (one worker per core);
- every article checked for table rows that vanish without a word
  (``tests/kb/archive.py``: a line of a file table that the manifest lacks and
  no problem or note names);
- the archive's scorer (``score_tables.py``), whose last lines are printed.

    python benchmarks/bench_articles.py --repeat 3
    python benchmarks/bench_articles.py --skip scorer      # the scorer takes a minute or more
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from benchlib import run_measured, warm

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))  # tests.kb.archive: the independent table reader

from tests.kb.archive import lost_rows, table_lines  # noqa: E402
from verscan.kb import read_article  # noqa: E402
from verscan.kb.source import decode  # noqa: E402

DEFAULT_ARCHIVE = REPO.parent / "shared" / "kb-archive"


def _verscan() -> list[str]:
    script = Path(sys.executable).with_name("verscan")
    return [str(script)] if script.exists() else ["verscan"]


def _kb(path: str) -> str:
    m = re.search(r"Q(\d+)", os.path.basename(path))
    return str(int(m.group(1))) if m else "1"


def _floor(paths: Sequence[str]) -> int:
    lines = 0
    for path in paths:
        with open(path, "rb") as fh:
            lines += len((decode(fh.read()) or "").splitlines())
    return lines


def _plain_reader(paths: Sequence[str]) -> int:
    rows = 0
    for path in paths:
        with open(path, "rb") as fh:
            rows += len(table_lines(decode(fh.read()) or ""))
    return rows


def _verscan_parse(paths: Sequence[str]) -> int:
    return sum(len(read_article(path, kb=_kb(path)).manifest.files) for path in paths)


def _best(func: Callable[[Sequence[str]], int], paths: Sequence[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func(paths)
        best = min(best, time.perf_counter() - start)
    return best


def _slowest(paths: Sequence[str], count: int = 3) -> list[tuple[float, str]]:
    times = []
    for path in paths:
        start = time.perf_counter()
        read_article(path, kb=_kb(path))
        times.append((time.perf_counter() - start, path))
    return sorted(times, reverse=True)[:count]


def _lost(paths: Sequence[str]) -> tuple[int, list[str]]:
    checked = 0
    lost: list[str] = []
    for path in paths:
        with open(path, "rb") as fh:
            text = decode(fh.read()) or ""
        checked += len(table_lines(text))
        parsed = read_article(path, kb=_kb(path))
        name = os.path.basename(path)
        lost.extend(f"{name}:{x.line}: {x.text.strip()}" for x in lost_rows(text, parsed))
    return checked, lost


def _table(rows: list[tuple[str, str, int, float]], base: float) -> None:
    head = ("what", "timed", "articles", "seconds", "articles/s", "× floor")
    print(
        f"| {head[0]:<46} | {head[1]:<16} | {head[2]:>8} | {head[3]:>7} | {head[4]:>10} |"
        f" {head[5]:>7} |"
    )
    print(f"|{'-' * 48}|{'-' * 18}|{'-' * 10}|{'-' * 9}|{'-' * 12}|{'-' * 9}|")
    for what, timed, n, secs in rows:
        print(
            f"| {what:<46} | {timed:<16} | {n:>8,} | {secs:>7.2f} | {n / secs:>10,.0f} |"
            f" {secs / base:>7.1f} |"
        )


def main(argv: list[str] | None = None) -> int:
    """Time the reading of the archive, check for vanished rows, run the scorer."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--archive", default=str(DEFAULT_ARCHIVE), help="the shared archive")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of each in-process loop")
    parser.add_argument(
        "--skip", action="append", default=[], choices=["cli", "lost", "scorer"],
        help="leave a part out",
    )  # fmt: skip
    args = parser.parse_args(argv)
    archive = Path(args.archive)
    paths = sorted(str(p) for p in (archive / "txt").glob("*/*.TXT"))
    if not paths:
        print(f"no articles under {archive / 'txt'}", file=sys.stderr)
        return 2
    warm(paths)
    _verscan_parse(paths[:50])  # imports and first calls out of the timings

    floor = _best(_floor, paths, args.repeat)
    rows = [
        ("floor: read, decode, split lines", "in-process loop", len(paths), floor),
        ("plain table-line reader (tests/kb/archive.py)", "in-process loop", len(paths),
         _best(_plain_reader, paths, args.repeat)),
        ("verscan read_article, 1 process", "in-process loop", len(paths),
         _best(_verscan_parse, paths, args.repeat)),
    ]  # fmt: skip
    totals: list[str] = []
    if "cli" not in args.skip:
        for label, jobs in (("--jobs 1", ["--jobs", "1"]), ("default --jobs", [])):
            with tempfile.TemporaryDirectory() as out:
                run = run_measured(
                    [*_verscan(), "manifest", "build", str(archive / "txt"), "--outdir", out,
                     *jobs],
                )  # fmt: skip
            rows.append((f"verscan manifest build DIR {label}", "process wall", len(paths),
                         run.seconds))  # fmt: skip
            lines = [x for x in run.stderr.splitlines() if x.startswith("verscan: ")]
            totals.append(f"{label}: exit {run.returncode}, {lines[-1] if lines else '?'}")
    print(f"{len(paths):,} articles of {archive / 'txt'}, warm cache, best of {args.repeat}\n")
    _table(rows, floor)
    for line in totals:
        print(f"\n{line}")
    print("\nslowest articles (verscan read_article):")
    for secs, path in _slowest(paths):
        print(f"  {secs * 1000:7.1f} ms  {os.path.relpath(path, archive)}")

    failed = False
    if "lost" not in args.skip:
        checked, lost = _lost(paths)
        print(f"\ntable lines checked: {checked:,}; lost without a word: {len(lost)}")
        for item in lost[:20]:
            print(f"  {item}")
        failed = bool(lost)
    if "scorer" not in args.skip:
        scorer = archive / "score_tables.py"
        with tempfile.TemporaryDirectory() as work:
            done = subprocess.run(
                [sys.executable, str(scorer), _verscan()[0], str(archive), "--work", work],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
        print("\nscore_tables.py:")
        for line in done.stdout.splitlines():
            if line.startswith(("tracebacks", "no rows", "name-only", "time:", "articles ")):
                print(f"  {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
