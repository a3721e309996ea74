"""``verscan scan`` and ``verscan inventory`` on a Windows-sized tree (see make_tree.py).

Times, as child processes (wall time, peak memory of the process and of its
workers), each repeated ``--repeat`` times with the best time kept:

- ``verscan scan TREE -m MANIFESTS``;
- ``verscan inventory TREE --output OUT --force``;
- ``verscan scan OUT -m MANIFESTS`` (the saved inventory instead of the tree);
- the I/O floor walking the tree (``floor.py``, see ``floor.FLOOR_DEFINITION``), for scale.

    python benchmarks/make_tree.py
    python benchmarks/bench_tree.py --repeat 3
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

from benchlib import FLOOR_DEFINITION, floor_read, run_measured, walk_files, warm

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
FLOOR = HERE / "floor.py"

TARGET_SCAN_SECONDS = 3.0
TARGET_INVENTORY_SECONDS = 15.0
TARGET_INVENTORY_MB = 200.0


def _verscan() -> list[str]:
    script = Path(sys.executable).with_name("verscan")
    return [str(script)] if script.exists() else ["verscan"]


def _has_manifests(paths: list[str]) -> bool:
    for item in paths:
        p = Path(item)
        if p.is_file() or (p.is_dir() and any(p.rglob("*.y*ml"))):
            return True
    return False


def _summary(stderr: str) -> str:
    """The command's last ``verscan:`` line, without the paths it names."""
    lines = [line for line in stderr.strip().splitlines() if line.startswith("verscan: ")]
    text = lines[-1][len("verscan: ") :] if lines else ""
    return re.sub(r" of /\S+| as '[^']*'| to /\S+$", "", text)


def main(argv: list[str] | None = None) -> int:
    """Time the commands on the tree and print the table and the targets."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", default="/tmp/wintree", help="tree built by make_tree.py")
    parser.add_argument(
        "--manifests",
        action="append",
        default=None,
        metavar="PATH",
        help="manifest file or folder (repeatable; default: the repository's manifests/)",
    )
    parser.add_argument("--output", default="/tmp/wintree.json", help="where the inventory goes")
    parser.add_argument("--repeat", type=int, default=3, help="runs per command; best is kept")
    parser.add_argument("--corpus", default="/tmp/pecorpus", help="the corpus the tree links to")
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]

    tree = os.path.abspath(args.tree)
    if not os.path.isdir(tree):
        print(f"no tree at {tree}: run  python benchmarks/make_tree.py", file=sys.stderr)
        return 2
    manifests = args.manifests or [str(REPO / "manifests")]
    if not _has_manifests(manifests):
        print(
            f"no manifests in {', '.join(manifests)}: pass --manifests PATH",
            file=sys.stderr,
        )
        return 2
    verscan = _verscan()
    m_args = [arg for m in manifests for arg in ("-m", m)]

    start = time.perf_counter()
    if os.path.isdir(args.corpus):
        warm(walk_files(args.corpus))  # the tree's PE files are hard links to these
    files = 0
    for path in walk_files(tree):
        floor_read(path)
        files += 1
    print(f"tree: {tree}: {files} files (cache warmed in {time.perf_counter() - start:.1f} s)")
    stamp = Path(tree).parent / f".{Path(tree).name}.make_tree.json"
    if stamp.exists():
        print(f"  built by make_tree.py: {json.loads(stamp.read_text())['summary']}")
    print(f"manifests: {' '.join(manifests)}")
    print(f"machine: {os.cpu_count()} CPUs")
    print(FLOOR_DEFINITION)

    commands = {
        "scan": ("verscan scan TREE", [*verscan, "scan", tree, *m_args], (0, 1)),
        "inventory": (
            "verscan inventory TREE",
            [*verscan, "inventory", tree, "--output", args.output, "--force"],
            (0, 1),
        ),
        "scan-inventory": (
            "verscan scan INVENTORY",
            [*verscan, "scan", args.output, *m_args],
            (0, 1),
        ),
        "floor": (
            "I/O floor walking the tree",
            [sys.executable, str(FLOOR), tree],
            (0,),
        ),
    }
    best: dict[str, float] = {}
    peak: dict[str, float] = {}
    own: dict[str, float] = {}
    notes: dict[str, str] = {}
    failed: dict[str, str] = {}
    # Run 0 warms up (bytecode cache, the tools' own files) and is not counted.
    for n in range(args.repeat + 1):
        for key, (_, cmd, allowed) in commands.items():
            if key in failed:
                continue
            run = run_measured(cmd)
            if run.returncode not in allowed:
                last = run.stderr.strip().splitlines()[-1:] or ["no message"]
                failed[key] = f"exit code {run.returncode}: {last[0]}"
                continue
            notes[key] = _summary(run.stderr)
            if n == 0:
                continue
            best[key] = min(best.get(key, float("inf")), run.seconds)
            peak[key] = max(peak.get(key, 0.0), run.peak_rss_mb)
            own[key] = max(own.get(key, 0.0), run.own_peak_mb)
        print("warm-up run done" if n == 0 else f"run {n}/{args.repeat} done", file=sys.stderr)

    from tabulate import tabulate

    rows = []
    for key, (label, _, _) in commands.items():
        if key in failed:
            rows.append([label, "FAILED", "", "", "", failed[key]])
            continue
        rows.append(
            [
                label,
                f"{best[key]:.2f}",
                f"{files / best[key]:,.0f}",
                f"{peak[key]:.0f}",
                f"{own[key]:.0f}",
                notes[key],
            ]
        )
    print()
    print(
        f"Best of {args.repeat} runs after one warm-up run (wall time of the whole command); "
        "peak RSS: the largest sampled sum over the process and its workers, and the main "
        "process's own peak."
    )
    print()
    headers = ["command", "seconds", "tree files/s", "peak RSS MB (all)", "main MB", "summary"]
    align = ("left", "right", "right", "right", "right", "left")
    print(tabulate(rows, headers, tablefmt="github", disable_numparse=True, colalign=align))
    if os.path.exists(args.output):
        print(f"\ninventory: {args.output}, {os.path.getsize(args.output) / 1e6:.1f} MB")

    print()
    print("Targets (this machine, warm cache):")
    ok = not failed
    for key, limit, what in (
        ("scan", TARGET_SCAN_SECONDS, "verscan scan"),
        ("inventory", TARGET_INVENTORY_SECONDS, "verscan inventory"),
    ):
        if key in best:
            passed = best[key] < limit
            ok &= passed
            print(f"  {what} under {limit:.0f} s: {best[key]:.2f} s  {_verdict(passed)}")
        else:
            print(f"  {what} under {limit:.0f} s: FAIL (it failed)")
    if "inventory" in peak:
        passed = peak["inventory"] < TARGET_INVENTORY_MB
        ok &= passed
        print(
            f"  verscan inventory peak memory under {TARGET_INVENTORY_MB:.0f} MB (all its "
            f"processes): {peak['inventory']:.0f} MB  {_verdict(passed)}"
        )
    if "inventory" in best and "floor" in best:
        print(
            f"  (no target) verscan inventory against the I/O floor walking the tree: "
            f"{best['inventory'] / best['floor']:.2f}x its wall time"
        )
    return 0 if ok else 1


def _verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


if __name__ == "__main__":
    sys.exit(main())
