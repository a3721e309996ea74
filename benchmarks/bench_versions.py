"""Reading the fixed FileVersion of every file of a corpus: verscan against its peers.

In one run, on the same sorted list of files and after the page cache has been
warmed, this times:

- verscan's reader (``verscan.pe.read_version_info``) in one process, and its
  parallel path (``verscan.system.parallel``) when there is one;
- pefile with ``fast_load=True`` plus the resource directory alone;
- exiftool, one batch process for the whole list (its start-up included);
- the I/O floor (see ``floor.FLOOR_DEFINITION``), over the list and as a
  process that walks the corpus (``floor.py``, which imports only ``os``,
  ``struct`` and ``sys``);
- ``verscan inventory CORPUS --output FILE --force`` as a process;
- both processes again on an empty folder: their start-up alone, so that the
  cost per file can be compared with the start-up taken out.

Each measured tool runs in a child process of its own, so that its peak memory is
its own. After one warm-up round that is not counted, every measurement is
repeated ``--repeat`` times, interleaved, and the best time is reported (peak
memory: the largest seen). Then each tool's answers
are compared with verscan's on every file where the tool finds a version.

    python benchmarks/bench_versions.py --corpus /tmp/pecorpus --repeat 5
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchlib import FLOOR_DEFINITION, list_files, run_measured, total_size, warm

HERE = Path(__file__).resolve().parent
FLOOR = HERE / "floor.py"

TARGET_PEER_RATIO = 40.0
"""verscan's reader must read at least this many times the files per second of each peer."""
TARGET_FLOOR_RATIO = 2.0
"""``verscan inventory`` must take at most this many times the I/O floor's wall time."""

BREAKDOWN_ROUNDS = 9
"""Timed rounds of each group's loop in the per-status breakdown (the best is kept)."""
STARTUP_COMMANDS = {
    "Python alone": ["-c", "pass"],
    "Python importing click": ["-c", "import click"],
    "Python importing verscan's inventory command": ["-c", "import verscan.cli.inventory"],
}
"""What the start-up breakdown times (arguments to this Python), each as a whole process."""

KNOWN_EXCEPTIONS: dict[tuple[str, str], str] = {}
"""(tool, path relative to the corpus) -> why that tool's answer may differ from verscan's."""

Version = str | None


# --- workers: each runs in a child process and writes its answers as JSON ----------------


def _dotted(ms: int, ls: int) -> str:
    return f"{ms >> 16 & 0xFFFF}.{ms & 0xFFFF}.{ls >> 16 & 0xFFFF}.{ls & 0xFFFF}"


def _work_verscan(paths: list[str]) -> tuple[float, list[Version], list[str]]:
    from verscan.pe import read_version_info

    start = time.perf_counter()
    infos = [read_version_info(p) for p in paths]
    seconds = time.perf_counter() - start
    versions = [".".join(map(str, i.file_version)) if i.file_version else None for i in infos]
    return seconds, versions, [i.status.value for i in infos]


def _work_verscan_parallel(paths: list[str]) -> tuple[float, list[Version], list[str]]:
    from verscan.pe import read_version_info
    from verscan.system import parallel

    start = time.perf_counter()
    ordered_map = getattr(parallel, "ordered_map", None)
    if ordered_map is not None:
        # threshold=0: use the pool even for a corpus smaller than verscan's own threshold.
        infos = list(ordered_map(read_version_info, paths, None, threshold=0))
    else:
        infos = list(parallel.read_all(paths))
    seconds = time.perf_counter() - start
    versions = [".".join(map(str, i.file_version)) if i.file_version else None for i in infos]
    return seconds, versions, [i.status.value for i in infos]


def _work_pefile(paths: list[str]) -> tuple[float, list[Version], list[str]]:
    import pefile

    resource = pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_RESOURCE"]

    def one(path: str) -> Version:
        try:
            pe = pefile.PE(path, fast_load=True)
        except Exception:  # pefile raises assorted errors on files it cannot take
            return None
        try:
            pe.parse_data_directories(directories=[resource])
            fixed = getattr(pe, "VS_FIXEDFILEINFO", None)
            return _dotted(fixed[0].FileVersionMS, fixed[0].FileVersionLS) if fixed else None
        except Exception:
            return None
        finally:
            pe.close()

    start = time.perf_counter()
    versions = [one(p) for p in paths]
    return time.perf_counter() - start, versions, []


def _work_floor(paths: list[str]) -> tuple[float, list[Version], list[str]]:
    from benchlib import floor_read

    start = time.perf_counter()
    for p in paths:
        floor_read(p)
    return time.perf_counter() - start, [], []


WORKERS: dict[str, Callable[[list[str]], tuple[float, list[Version], list[str]]]] = {
    "verscan": _work_verscan,
    "verscan-parallel": _work_verscan_parallel,
    "pefile": _work_pefile,
    "floor": _work_floor,
}


def _breakdown(paths: list[str], rounds: int) -> dict[str, dict[str, float]]:
    """Microseconds per file of verscan's reader and of the I/O floor, per reader status.

    Each group's loop is timed ``rounds`` times; the best is kept.
    """
    from benchlib import floor_read

    from verscan.pe import read_version_info

    groups: dict[str, list[str]] = {}
    for p in paths:
        groups.setdefault(read_version_info(p).status.value, []).append(p)
    out = {}
    for status, group in groups.items():
        best = {"reader": float("inf"), "floor": float("inf")}
        for _ in range(rounds):
            for name, func in (("reader", read_version_info), ("floor", floor_read)):
                start = time.perf_counter()
                for p in group:
                    func(p)
                best[name] = min(best[name], time.perf_counter() - start)
        out[status] = {"files": len(group), **{k: v / len(group) * 1e6 for k, v in best.items()}}
    return out


def worker_main(name: str, list_file: str, result_file: str) -> int:
    """Run one in-process measurement and write ``{seconds, versions, status}`` as JSON."""
    paths = Path(list_file).read_text(encoding="utf-8").splitlines()
    if name == "breakdown":
        data = _breakdown(paths, BREAKDOWN_ROUNDS)
        Path(result_file).write_text(json.dumps(data), encoding="utf-8")
        return 0
    seconds, versions, status = WORKERS[name](paths)
    Path(result_file).write_text(
        json.dumps({"seconds": seconds, "versions": versions, "status": status}), encoding="utf-8"
    )
    return 0


# --- the parent: measure, compare, print ---------------------------------------------------


@dataclass
class Row:
    """One line of the results table."""

    key: str
    label: str
    timing: str
    seconds: float = float("inf")
    peak_mb: float = 0.0
    versions: list[Version] | None = None
    runs: int = 0
    status: list[str] = field(default_factory=list)

    def add(self, seconds: float, peak_mb: float) -> None:
        self.seconds = min(self.seconds, seconds)
        self.peak_mb = max(self.peak_mb, peak_mb)
        self.runs += 1


def _verscan_command() -> list[str]:
    script = Path(sys.executable).with_name("verscan")
    if script.exists():
        return [str(script)]
    found = shutil.which("verscan")
    if found:
        return [found]
    raise SystemExit("cannot find the verscan command next to this Python or on PATH")


def _has_parallel() -> bool:
    try:
        from verscan.system import parallel
    except ImportError:
        return False
    return hasattr(parallel, "read_all") or hasattr(parallel, "ordered_map")


def _exiftool_versions(json_file: str, paths: list[str]) -> list[Version]:
    text = Path(json_file).read_text(encoding="utf-8", errors="replace").strip()
    found: dict[str, str] = {}
    for item in json.loads(text) if text else []:
        value = item.get("FileVersionNumber")
        if value is not None and str(value).strip():
            found[os.path.abspath(item["SourceFile"])] = str(value).strip()
    return [found.get(os.path.abspath(p)) for p in paths]


def _inventory_versions(json_file: str, paths: list[str], corpus: str) -> list[Version] | None:
    """The fixed FileVersion of each path as the inventory recorded it (None: format unknown)."""
    try:
        data = json.loads(Path(json_file).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    records = data if isinstance(data, list) else None
    if isinstance(data, dict):
        for key in ("files", "entries", "records", "items"):
            if isinstance(data.get(key), list):
                records = data[key]
                break
    if not records:
        return None
    found: dict[str, Version] = {}
    for rec in records:
        if not isinstance(rec, dict):
            return None
        rel = rec.get("path") or rec.get("rel")
        if not isinstance(rel, str):
            return None
        version = None
        for key in ("file_version", "fixed_file_version", "version"):
            if key in rec:
                version = rec[key]
                break
        if isinstance(version, list):
            version = ".".join(str(v) for v in version)
        found[os.path.normpath(os.path.join(corpus, rel))] = version
    return [found.get(os.path.normpath(p)) for p in paths]


def _fmt_rate(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def _table(rows: list[Row], base: Row, files: int, size: int) -> str:
    from tabulate import tabulate

    body = []
    for row in rows:
        if not row.runs:
            continue
        empty = row.key.endswith("-empty")  # start-up alone: no files, no rates
        body.append(
            [
                row.label,
                row.timing,
                0 if empty else files,
                f"{row.seconds:.3f}",
                "-" if empty else _fmt_rate(files / row.seconds),
                "-" if empty else _fmt_rate(size / 1e6 / row.seconds),
                f"{row.peak_mb:.0f}",
                f"{row.seconds / base.seconds:.2f}",
            ]
        )
    headers = ["tool", "timed", "files", "seconds", "files/s", "MB/s", "peak RSS MB", "× verscan"]
    align = ("left", "left", *["right"] * 6)
    return tabulate(body, headers, tablefmt="github", disable_numparse=True, colalign=align)


def _compare(
    tool: str,
    answers: list[Version],
    reference: list[Version],
    status: list[str],
    rels: list[str],
) -> tuple[int, list[str], list[str], list[str]]:
    """Files the tool found a version in; mismatches; known exceptions; files verscan alone read."""
    found = 0
    bad: list[str] = []
    known: list[str] = []
    only_ours: list[str] = []
    for i, theirs in enumerate(answers):
        ours = reference[i]
        state = status[i] if status else "?"
        if theirs is None:
            if ours is not None:
                only_ours.append(f"{rels[i]}: verscan {ours} ({state})")
            continue
        found += 1
        if theirs != ours:
            line = f"{rels[i]}: {tool} {theirs}, verscan {ours} ({state})"
            reason = KNOWN_EXCEPTIONS.get((tool, rels[i]))
            if reason:
                known.append(f"{line}: {reason}")
            else:
                bad.append(line)
    return found, bad, known, only_ours


def _tool_version(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30, check=False)
        return out.stdout.strip().splitlines()[0] if out.stdout.strip() else "?"
    except (OSError, subprocess.SubprocessError):
        return "not found"


def main(argv: list[str] | None = None) -> int:
    """Parse arguments; run a worker, or the whole benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default="/tmp/pecorpus", help="folder of PE files")
    parser.add_argument("--repeat", type=int, default=3, help="runs per tool; the best is kept")
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        metavar="TOOL",
        help="leave a tool out (verscan-parallel, pefile, exiftool, floor, floor-walk, inventory, "
        "floor-empty, inventory-empty), or 'breakdown' to skip the breakdown",
    )
    parser.add_argument("--worker", choices=[*sorted(WORKERS), "breakdown"], help=argparse.SUPPRESS)
    parser.add_argument("--list", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker_main(args.worker, args.list, args.result)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]

    corpus = os.path.abspath(args.corpus)
    if not os.path.isdir(corpus):
        print(f"no corpus at {corpus}: run  bash ../shared/bench/build_corpus.sh", file=sys.stderr)
        return 2
    paths = list_files(corpus)
    if any("\n" in p for p in paths):
        print("a file name holds a newline: cannot pass the list to exiftool", file=sys.stderr)
        return 2
    rels = [os.path.relpath(p, corpus) for p in paths]
    size = total_size(paths)
    files = len(paths)
    verscan_cmd = _verscan_command()
    exiftool = shutil.which("exiftool")
    skip = set(args.skip)
    if exiftool is None:
        skip.add("exiftool")
    if not _has_parallel():
        skip.add("verscan-parallel")

    print(f"corpus: {corpus}: {files} files, {size / 1e6:,.0f} MB")
    print(
        f"machine: {os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}"
    )
    print(
        f"peers: exiftool {_tool_version(['exiftool', '-ver']) if exiftool else 'not found'}, "
        f"pefile {_pefile_version()}"
    )
    print(FLOOR_DEFINITION)
    start = time.perf_counter()
    warmed = warm(paths)
    print(f"page cache warmed: {warmed / 1e6:,.0f} MB read in {time.perf_counter() - start:.1f} s")

    rows = {
        "verscan": Row("verscan", "verscan reader, 1 process", "in-process loop"),
        "verscan-parallel": Row(
            "verscan-parallel",
            f"verscan reader, parallel ({os.cpu_count()} workers)",
            "in-process, pool start included",
        ),
        "pefile": Row("pefile", "pefile fast_load + resource directory", "in-process loop"),
        "exiftool": Row("exiftool", "exiftool, one batch", "process wall"),
        "floor": Row("floor", "I/O floor over the list", "in-process loop"),
        "floor-walk": Row("floor-walk", "I/O floor walking the corpus", "process wall"),
        "inventory": Row("inventory", "verscan inventory", "process wall"),
        "floor-empty": Row("floor-empty", "I/O floor, empty folder (start-up)", "process wall"),
        "inventory-empty": Row(
            "inventory-empty", "verscan inventory, empty folder (start-up)", "process wall"
        ),
    }
    order = [k for k in rows if k not in skip]
    failed: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="verscan-bench-") as tmp:
        list_file = os.path.join(tmp, "files.txt")
        empty = os.path.join(tmp, "empty")
        os.mkdir(empty)
        Path(list_file).write_text("\n".join(paths) + "\n", encoding="utf-8")
        # Run 0 warms up (bytecode cache, page cache of the tools themselves) and is not counted.
        for n in range(args.repeat + 1):
            for key in order:
                if key in failed:
                    continue
                row = rows[key]
                result = os.path.join(tmp, f"{key}.json")
                if key in WORKERS:
                    cmd = [sys.executable, __file__, "--worker", key, "--list", list_file]
                    cmd += ["--result", result]
                elif key == "exiftool":
                    cmd = [exiftool or "exiftool", "-j", "-n", "-q", "-q", "-FileVersionNumber"]
                    cmd += ["-@", list_file]
                elif key in ("floor-walk", "floor-empty"):
                    cmd = [sys.executable, str(FLOOR), corpus if key == "floor-walk" else empty]
                else:
                    folder = corpus if key == "inventory" else empty
                    cmd = [*verscan_cmd, "inventory", folder, "--output", result, "--force"]
                allowed = (0, 1) if key in ("exiftool", "inventory") else (0,)
                run = run_measured(cmd, stdout=result if key == "exiftool" else None)
                if not _ok(run.returncode, key, run.stderr, failed, allowed):
                    continue
                seconds = run.seconds
                if key in WORKERS:
                    data = json.loads(Path(result).read_text(encoding="utf-8"))
                    seconds = data["seconds"]
                    if data["versions"] and row.versions is None:
                        row.versions = data["versions"]
                        row.status = data["status"]
                elif key == "exiftool" and row.versions is None:
                    row.versions = _exiftool_versions(result, paths)
                elif key == "inventory" and row.versions is None:
                    row.versions = _inventory_versions(result, paths, corpus)
                if n > 0:
                    row.add(seconds, run.peak_rss_mb)
            print("warm-up run done" if n == 0 else f"run {n}/{args.repeat} done", file=sys.stderr)

    base = rows["verscan"]
    if base.versions is None or not base.runs:
        print(f"verscan's reader failed: {failed.get('verscan', 'no answers')}", file=sys.stderr)
        return 2
    reference = base.versions
    status = base.status
    print()
    print(
        f"Best of {args.repeat} runs each, after one warm-up run (peak RSS: largest seen). "
        "'in-process loop' times the loop alone in a fresh child process; 'process wall' "
        "times a whole command."
    )
    print()
    print(_table([rows[k] for k in order], base, files, size))
    for key, message in failed.items():
        print(f"{rows[key].label}: FAILED ({message})")
    print()
    with_version = sum(1 for v in reference if v)
    print(f"verscan found a fixed FileVersion in {with_version} of {files} files.")
    mismatches: dict[str, int] = {}
    answers = {k: rows[k].versions for k in ("verscan-parallel", "pefile", "exiftool", "inventory")}
    for tool, theirs in answers.items():
        if tool in skip or tool in failed:
            continue
        if theirs is None:
            print(f"{tool}: answers not compared (output format not recognised)")
            continue
        found, bad, known, only_ours = _compare(tool, theirs, reference, status, rels)
        mismatches[tool] = len(bad)
        print(
            f"{tool}: found a version in {found} files; {len(bad)} differ from verscan's, "
            f"{len(known)} known exceptions; verscan alone read {len(only_ours)} more"
        )
        for line in bad:
            print(f"  MISMATCH {line}")
        for line in known:
            print(f"  known    {line}")
        for line in only_ours:
            print(f"  only verscan: {line}")

    print()
    print("Targets (this machine, warm cache):")
    best = base
    par = rows["verscan-parallel"]
    if par.runs and par.seconds < base.seconds:
        best = par
    rate = files / best.seconds
    print(f"  verscan reader used for the targets: {best.label} ({rate:,.0f} files/s)")
    ok = True
    for peer in ("exiftool", "pefile"):
        row = rows[peer]
        if not row.runs:
            print(f"  >= {TARGET_PEER_RATIO:.0f}x {peer}: not measured")
            continue
        ratio = row.seconds / best.seconds
        passed = ratio >= TARGET_PEER_RATIO
        ok &= passed
        print(f"  >= {TARGET_PEER_RATIO:.0f}x {peer}'s files/s: {ratio:.1f}x  {_verdict(passed)}")
    for tool, count in mismatches.items():
        ok &= count == 0
        print(f"  same answers as {tool}: {count} mismatches  {_verdict(count == 0)}")
    ok &= not failed
    inv, floor = rows["inventory"], rows["floor-walk"]
    if "inventory" in failed:
        print(f"  verscan inventory <= {TARGET_FLOOR_RATIO:.0f}x the I/O floor: FAIL (it failed)")
    if inv.runs and floor.runs:
        ratio = inv.seconds / floor.seconds
        passed = ratio <= TARGET_FLOOR_RATIO
        ok &= passed
        print(
            f"  verscan inventory <= {TARGET_FLOOR_RATIO:.0f}x the I/O floor's wall time (floor "
            f"walking the corpus, as a process): {ratio:.2f}x  {_verdict(passed)}"
        )
        if rows["floor"].runs:
            print(
                f"    (against the in-process floor loop over the list: "
                f"{inv.seconds / rows['floor'].seconds:.2f}x)"
            )
        inv0, floor0 = rows["inventory-empty"], rows["floor-empty"]
        if inv0.runs and floor0.runs:
            print(
                f"    start-up alone (each on an empty folder): {inv0.seconds * 1e3:.0f} ms "
                f"against {floor0.seconds * 1e3:.0f} ms, {inv0.seconds / floor0.seconds:.2f}x"
            )
            work, floor_work = inv.seconds - inv0.seconds, floor.seconds - floor0.seconds
            if floor_work > 0:
                print(
                    f"    per file, start-up taken out: {work / files * 1e6:.1f} us against "
                    f"{floor_work / files * 1e6:.1f} us, {work / floor_work:.2f}x"
                )
    if "breakdown" not in skip:
        _print_breakdown(paths, args.repeat)
    return 0 if ok else 1


def _print_breakdown(paths: list[str], repeat: int) -> None:
    """Where the time goes: start-up, then reading per group of files (no targets)."""
    from tabulate import tabulate

    print()
    print(f"Breakdown (no targets). Start-up, whole processes, best of {repeat + 1}:")
    startup = []
    for label, args in STARTUP_COMMANDS.items():
        runs = [run_measured([sys.executable, *args]) for _ in range(repeat + 1)]
        failed = [r for r in runs if r.returncode != 0]
        seconds = min(r.seconds for r in runs)
        startup.append([label, "FAILED" if failed else f"{seconds * 1e3:.1f}"])
    print(tabulate(startup, ["process", "ms"], tablefmt="github", colalign=("left", "right")))
    with tempfile.TemporaryDirectory(prefix="verscan-bench-") as tmp:
        list_file = os.path.join(tmp, "files.txt")
        result = os.path.join(tmp, "breakdown.json")
        Path(list_file).write_text("\n".join(paths) + "\n", encoding="utf-8")
        cmd = [sys.executable, __file__, "--worker", "breakdown", "--list", list_file]
        run = run_measured([*cmd, "--result", result])
        if run.returncode != 0:
            print(f"breakdown failed: {run.stderr.strip()}")
            return
        data = json.loads(Path(result).read_text(encoding="utf-8"))
    print()
    print(
        f"Reading, per file, by what the reader found (in one child process; each group's "
        f"loop best of {BREAKDOWN_ROUNDS}), in microseconds:"
    )
    body = [
        [status, f"{d['files']:.0f}", f"{d['reader']:.1f}", f"{d['floor']:.1f}"]
        for status, d in sorted(data.items(), key=lambda item: -item[1]["files"])
    ]
    headers = ["reader status", "files", "verscan reader", "I/O floor"]
    print(tabulate(body, headers, tablefmt="github", colalign=("left", *["right"] * 3)))


def _pefile_version() -> str:
    try:
        import pefile
    except ImportError:
        return "not installed"
    return str(getattr(pefile, "__version__", "?"))


def _verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def _ok(
    code: int, what: str, stderr: str, failed: dict[str, str], allowed: tuple[int, ...]
) -> bool:
    """Whether a run succeeded; a failed tool is reported, recorded and not run again."""
    if code in allowed:
        return True
    last = stderr.strip().splitlines()[-1] if stderr.strip() else "no message"
    failed[what] = f"exit code {code}: {last}"
    print(f"{what} failed with exit code {code}:\n{stderr}", file=sys.stderr)
    return False


if __name__ == "__main__":
    sys.exit(main())
