"""What a cabinet costs by its number of files: listing it, answering for one file, expanding all.

Cabinets of 1,000 to 8,000 files (``--counts``), each file a 3 KiB PE fixture:
made by gcab (one MSZIP folder, as service packs are) when it is installed, and
by ``fixtures/archives/cabwriter.py`` with one folder and with 1,000 folders
(the most verscan accepts: libmspack finds each file's folder by walking the
list of folders). For each it measures, best of ``--repeat``:

- listing: ``verscan.update.archive.list_entries``; the floor is reading the
  file's bytes. Printed as microseconds per file: a flat column is linear cost.
- one file: what ``verscan overwrite`` does with the cabinet (list it, pick the
  member by name, expand and read that one file).
- every file (``--all-up-to``, default 2,000 files): what ``preflight`` does,
  each file expanded on its own (libmspack opens the cabinet and decompresses
  its folder from the start for each: more than linear, bounded per cabinet by
  verscan's limits).

    python benchmarks/bench_cabinets.py --repeat 3

Needs gcab for the gcab rows (Debian package gcab); nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from benchlib import best_of
from tabulate import tabulate

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fixtures.archives import cabwriter  # noqa: E402

from verscan.pe import read_version_info  # noqa: E402
from verscan.update.archive import Expander, list_entries  # noqa: E402
from verscan.update.overwrite import held_files, pick, read_held  # noqa: E402

PE = ROOT / "fixtures" / "pe" / "iischema_x86.dll"


def _gcab(count: int, folder: str) -> str | None:
    if shutil.which("gcab") is None:
        return None
    stage = os.path.join(folder, "stage")
    os.makedirs(stage)
    for i in range(count):
        os.link(PE, os.path.join(stage, f"f{i:05d}.dll"))
    out = os.path.join(folder, "gcab.cab")
    names = sorted(os.listdir(stage))
    subprocess.run(["gcab", "-c", "-z", "-n", out, *names], cwd=stage, check=True)
    return out


def _written(data: bytes, folder: str, name: str) -> str:
    path = os.path.join(folder, name)
    Path(path).write_bytes(data)
    return path


def _pe_cabinet(count: int, folders: int) -> bytes:
    """``count`` copies of the PE fixture, in ``folders`` stored folders."""
    pe = PE.read_bytes()
    per = -(-count // folders)
    blocks = [cabwriter.stored(pe * min(per, count - f * per)) for f in range(folders)]
    members = [
        cabwriter.Member(f"f{i:05d}.dll", len(pe), len(pe) * (i % per), i // per)
        for i in range(count)
    ]
    return cabwriter.cabinet(blocks, members)


def _one_file(path: str, name: str) -> object:
    held = pick(held_files(path), name, path)
    with Expander() as expander:
        return read_held(held, expander).version


def _every_file(path: str) -> object:
    with Expander() as expander:
        return [expander.expand(e, read_version_info) for e in list_entries(path)]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--counts", default="1000,2000,4000,8000")
    parser.add_argument("--all-up-to", type=int, default=2000)
    args = parser.parse_args(argv)
    rows = []
    for count in (int(c) for c in args.counts.split(",")):
        with tempfile.TemporaryDirectory(prefix="verscan-bench-") as tmp:
            made = {
                "gcab, one folder": _gcab(count, tmp),
                "cabwriter, one folder": _written(_pe_cabinet(count, 1), tmp, "one.cab"),
                "cabwriter, up to 1,000 folders": _written(
                    _pe_cabinet(count, min(count, 1000)), tmp, "folders.cab"
                ),
            }
            for kind, path in made.items():
                if path is None:
                    continue
                listing = best_of(lambda p=path: list_entries(p), args.repeat)
                floor = best_of(lambda p=path: Path(p).read_bytes(), args.repeat)
                last = f"f{count - 1:05d}.dll"
                one = best_of(lambda p=path, n=last: _one_file(p, n), args.repeat)
                every = (
                    f"{best_of(lambda p=path: _every_file(p), 1) * 1e3 / count:.2f}"
                    if count <= args.all_up_to
                    else "-"
                )
                rows.append(
                    [
                        kind,
                        f"{count:,}",
                        f"{os.path.getsize(path) / (1 << 20):.1f}",
                        f"{listing * 1e3:.1f}",
                        f"{listing * 1e6 / count:.1f}",
                        f"{listing / floor:.0f}",
                        f"{one * 1e3:.1f}",
                        every,
                    ]
                )
    print(
        tabulate(
            rows,
            headers=[
                "cabinet",
                "files",
                "MB",
                "list ms",
                "list µs/file",
                "× read floor",
                "one file ms",
                "every file ms/file",
            ],
            tablefmt="github",
            disable_numparse=True,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
