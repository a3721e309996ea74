"""Fleets at scale: ``verscan report`` over many Windows-sized inventories, loading one
inventory against ``json.loads``, and ``verscan inventory`` against exiftool on a larger tree.

- ``verscan report`` over 1, 10, 100 and 200 inventories of the tree make_tree.py builds
  (hard links to one inventory: the same file read again, as a fleet of identical machines),
  with the default ``--jobs``, with ``--jobs 1``, and over compressed (``.json.gz``) copies:
  wall time, machines per second, peak memory of all processes and of the main one;
- whether every mode gives the same cells, and (``--baseline-src``) the cells an earlier
  verscan gives over the same inventories;
- loading one inventory (``load_inventory``) against ``json.loads`` of its bytes, in one
  child process, best of several runs each;
- ``verscan inventory`` of the corpus linked ten times against exiftool reading
  FileVersionNumber from the same files (one batch), files per second.

    python benchmarks/make_tree.py
    python benchmarks/bench_fleet.py --repeat 3
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from benchlib import child_env, list_files, run_measured, walk_files, warm

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

TARGET_REPORT_MB = 300.0
TARGET_MACHINES_PER_SECOND = 4.0
TARGET_LOAD_RATIO = 1.5
TARGET_EXIFTOOL_RATIO = 40.0

LOAD_TIMING = """
import gc, json, sys, time
from verscan.system.inventory import load_inventory
path, rounds = sys.argv[1], int(sys.argv[2])
raw = open(path, "rb").read()
best = {"json.loads": 1e9, "load_inventory": 1e9}
for _ in range(rounds):
    for name, call in (("json.loads", lambda: json.loads(raw)),
                       ("load_inventory", lambda: load_inventory(path))):
        gc.collect()
        start = time.perf_counter()
        result = call()
        best[name] = min(best[name], time.perf_counter() - start)
        del result
print(json.dumps(best))
"""


def _verscan() -> list[str]:
    script = Path(sys.executable).with_name("verscan")
    return [str(script)] if script.exists() else ["verscan"]


def _link(source: Path, dest: Path) -> None:
    if dest.exists():
        return
    try:
        os.link(source, dest)
    except OSError:
        shutil.copyfile(source, dest)


def _cells(csv_path: str) -> list[list[str]]:
    """The report's matrix without the machine names (which name the files)."""
    with open(csv_path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return [row[1:] for row in rows]


def _verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def main(argv: list[str] | None = None) -> int:
    """Time the fleet commands and print the tables and the targets."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", default="/tmp/wintree", help="tree built by make_tree.py")
    parser.add_argument(
        "--inventory",
        default="/tmp/wintree.json",
        help="the tree's inventory (taken with verscan inventory when missing)",
    )
    parser.add_argument("--manifests", action="append", default=None, metavar="PATH")
    parser.add_argument("--counts", default="1,10,100,200", help="fleet sizes, comma-separated")
    parser.add_argument("--repeat", type=int, default=2, help="runs per row; best is kept")
    parser.add_argument("--corpus", default="/tmp/pecorpus", help="corpus for the exiftool row")
    parser.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "verscan-fleet"))
    parser.add_argument(
        "--baseline-src",
        default=None,
        metavar="DIR",
        help="the src/ folder of an earlier verscan: its report over 10 inventories is "
        "run once and its cells compared (e.g. a checkout of the previous release)",
    )
    parser.add_argument("--skip", action="append", default=[], help="report, load, exiftool")
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]

    verscan = _verscan()
    manifests = args.manifests or [str(REPO / "manifests")]
    m_args = [arg for m in manifests for arg in ("-m", m)]
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    inventory = Path(args.inventory)
    if not inventory.exists():
        if not os.path.isdir(args.tree):
            print(f"no tree at {args.tree}: run  python benchmarks/make_tree.py", file=sys.stderr)
            return 2
        cmd = [*verscan, "inventory", args.tree, "--output", str(inventory)]
        subprocess.run(cmd, check=False, env=child_env())
    size = inventory.stat().st_size
    print(f"inventory: {inventory}, {size / 1e6:.1f} MB; machine: {os.cpu_count()} CPUs")
    print(f"manifests: {' '.join(manifests)}")
    counts = [int(c) for c in args.counts.split(",")]
    ok = True

    # -- loading one inventory -------------------------------------------------------
    if "load" not in args.skip:
        warm([str(inventory)])
        out = subprocess.run(
            [sys.executable, "-c", LOAD_TIMING, str(inventory), str(5 * args.repeat + 2)],
            capture_output=True,
            text=True,
            check=True,
            env=child_env(),
        )
        best = json.loads(out.stdout)
        ratio = best["load_inventory"] / best["json.loads"]
        print()
        print(
            f"Loading it (best of {5 * args.repeat + 2}, one process): json.loads "
            f"{best['json.loads']:.3f} s, load_inventory {best['load_inventory']:.3f} s: "
            f"{ratio:.2f}x json.loads (target <= {TARGET_LOAD_RATIO}x)  "
            f"{_verdict(ratio <= TARGET_LOAD_RATIO)}"
        )
        ok &= ratio <= TARGET_LOAD_RATIO

    # -- the report --------------------------------------------------------------------
    if "report" not in args.skip:
        top = max(counts)
        plain = [work / f"m{i:04d}.json" for i in range(1, top + 1)]
        for path in plain:
            _link(inventory, path)
        packed_one = work / "packed.json.gz"
        if not packed_one.exists():
            packed_one.write_bytes(gzip.compress(inventory.read_bytes(), mtime=0))
        packed = [work / f"m{i:04d}.json.gz" for i in range(1, top + 1)]
        for path in packed:
            _link(packed_one, path)
        warm([str(inventory), str(packed_one)])
        rows: list[tuple[str, int, list[str]]] = [
            (f"{n} inventories", n, [str(p) for p in plain[:n]]) for n in counts
        ]
        rows.append((f"{top} inventories, --jobs 1", top, ["--jobs", "1", *map(str, plain)]))
        rows.append((f"{top} inventories, .json.gz", top, [str(p) for p in packed]))
        best_s: dict[str, float] = {}
        peak: dict[str, float] = {}
        own: dict[str, float] = {}
        cells: dict[str, list[list[str]]] = {}
        for n in range(args.repeat + 1):  # run 0 warms up and is not counted
            for label, _, files in rows:
                result = str(work / "report.csv")
                run = run_measured(
                    [*verscan, "report", *files, *m_args, "-f", "csv"], stdout=result
                )
                if run.returncode not in (0, 1):
                    print(f"{label}: exit code {run.returncode}: {run.stderr[-500:]}")
                    return 1
                cells[label] = _cells(result)
                if n:
                    best_s[label] = min(best_s.get(label, float("inf")), run.seconds)
                    peak[label] = max(peak.get(label, 0.0), run.peak_rss_mb)
                    own[label] = max(own.get(label, 0.0), run.own_peak_mb)
            print("warm-up run done" if n == 0 else f"run {n}/{args.repeat} done", file=sys.stderr)

        from tabulate import tabulate

        body = [
            [
                f"verscan report, {label}",
                f"{best_s[label]:.2f}",
                f"{count / best_s[label]:.1f}",
                f"{peak[label]:.0f}",
                f"{own[label]:.0f}",
            ]
            for label, count, _ in rows
        ]
        baseline = None
        if args.baseline_src:
            env = child_env()
            env["PYTHONPATH"] = os.path.abspath(args.baseline_src)
            result = str(work / "baseline.csv")
            cmd = [sys.executable, "-m", "verscan", "report", *map(str, plain[:10]), *m_args]
            start_run = run_measured([*cmd, "-f", "csv"], stdout=result, env=env)
            baseline = _cells(result)
            body.append(
                [
                    "earlier verscan report, 10 inventories",
                    f"{start_run.seconds:.2f}",
                    f"{10 / start_run.seconds:.1f}",
                    f"{start_run.peak_rss_mb:.0f}",
                    f"{start_run.own_peak_mb:.0f}",
                ]
            )
        print()
        print(
            f"Best of {args.repeat} runs after one warm-up run (wall time); peak RSS: the "
            "largest sampled sum over the process and its workers, and the main process's."
        )
        print()
        headers = ["command", "seconds", "machines/s", "peak RSS MB (all)", "main MB"]
        align = ("left", "right", "right", "right", "right")
        print(tabulate(body, headers, tablefmt="github", disable_numparse=True, colalign=align))

        first = rows[0][0]
        same = all(
            cells[label][1:] == [cells[first][1]] * count and cells[label][0] == cells[first][0]
            for label, count, _ in rows
        )
        print()
        print("Targets (this machine, warm cache):")
        label = f"{top} inventories"
        rate = top / best_s[label]
        print(
            f"  verscan report over {top} inventories: {rate:.1f} machines/s (target >= "
            f"{TARGET_MACHINES_PER_SECOND:.0f})  {_verdict(rate >= TARGET_MACHINES_PER_SECOND)}"
        )
        print(
            f"  its peak memory, all processes: {peak[label]:.0f} MB (target < "
            f"{TARGET_REPORT_MB:.0f} MB)  {_verdict(peak[label] < TARGET_REPORT_MB)}"
        )
        print(f"  the same cells in every row and for every machine:  {_verdict(same)}")
        ok &= rate >= TARGET_MACHINES_PER_SECOND and peak[label] < TARGET_REPORT_MB and same
        if baseline is not None:
            same_before = baseline == cells[rows[counts.index(10)][0]] if 10 in counts else None
            print(
                f"  the same cells as the earlier verscan's report:  {_verdict(bool(same_before))}"
            )
            ok &= bool(same_before)

    # -- the inventory against exiftool, corpus linked ten times ---------------------------
    exiftool = shutil.which("exiftool")
    if "exiftool" not in args.skip and exiftool and os.path.isdir(args.corpus):
        tenfold = work / "corpus-x10"
        if not tenfold.exists():
            building = work / "corpus-x10.building"
            shutil.rmtree(building, ignore_errors=True)
            for copy in range(10):
                for path in walk_files(args.corpus):
                    dest = building / str(copy) / os.path.relpath(path, args.corpus)
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    _link(Path(path), dest)
            building.rename(tenfold)
        paths = list_files(str(tenfold))
        warm(paths)
        listing = work / "corpus-x10.txt"
        listing.write_text("".join(p + "\n" for p in paths), encoding="utf-8")
        out = str(work / "corpus-x10.json")
        inv_cmd = [*verscan, "inventory", str(tenfold), "--output", out, "--force"]
        exif_cmd = [exiftool, "-j", "-n", "-q", "-q", "-FileVersionNumber", "-@", str(listing)]
        inv_best = exif_best = float("inf")
        run_measured(inv_cmd)  # warm-up
        for _ in range(args.repeat):
            inv_best = min(inv_best, run_measured(inv_cmd).seconds)
            exif_best = min(
                exif_best, run_measured(exif_cmd, stdout=str(work / "exif.json")).seconds
            )
        ratio = exif_best / inv_best
        before = None
        if args.baseline_src:
            env = child_env()
            env["PYTHONPATH"] = os.path.abspath(args.baseline_src)
            cmd = [sys.executable, "-m", "verscan", *inv_cmd[len(verscan) :]]
            before = min(run_measured(cmd, env=env).seconds for _ in range(args.repeat))
        print()
        print(f"Corpus linked ten times: {len(paths)} files (best of {args.repeat})")
        if before is not None:
            print(
                f"  earlier verscan inventory {before:.2f} s ({len(paths) / before:,.0f} files/s): "
                f"{exif_best / before:.1f}x exiftool's files/s"
            )
        print(
            f"  verscan inventory {inv_best:.2f} s ({len(paths) / inv_best:,.0f} files/s), "
            f"exiftool {exif_best:.2f} s ({len(paths) / exif_best:,.0f} files/s): "
            f"{ratio:.1f}x its files/s (target >= {TARGET_EXIFTOOL_RATIO:.0f}x)  "
            f"{_verdict(ratio >= TARGET_EXIFTOOL_RATIO)}"
        )
        ok &= ratio >= TARGET_EXIFTOOL_RATIO
    elif "exiftool" not in args.skip:
        print("\nexiftool or the corpus is missing: the inventory row is left out")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
