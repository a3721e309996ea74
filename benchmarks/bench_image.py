"""``verscan inventory`` of a Windows-sized tree in disk images, against the same tree as a
directory (see make_tree.py and make_image.py).

Rows, each a child process (wall time, peak memory of all its processes), one warm-up
round and then ``--repeat`` rounds, the best time kept:

- ``verscan inventory TREE``: the tree as a directory, the row every other is set against;
- ``verscan inventory`` of ``volume.ntfs`` (one NTFS volume: libfsntfs reads the file
  itself), ``disk.img`` (a raw disk: the volume is read as partition 1 through verscan's
  positioned reads), ``disk.vhdx`` and ``disk.E01`` (through libvhdi and libewf);
- ``verscan scan`` of the tree and of ``disk.E01`` with the manifests;
- the same walk and version reads in one process through verscan's image walk (libfsntfs),
  without the inventory's records and JSON;
- for comparison, when there: the volume mounted read-only with ntfs-3g (FUSE, root)
  and inventoried as a directory (the mount is not timed); and the same walk and
  version reads through The Sleuth Kit (``pytsk3``, not a verscan dependency:
  ``pip install pytsk3``) in one process.

Then it checks that the inventory of every image records exactly the files, versions and
hashes-free records of the directory's inventory (modification times aside).

    python benchmarks/make_tree.py
    sudo python benchmarks/make_image.py
    python benchmarks/bench_image.py --repeat 3
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from benchlib import run_measured

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

FSNTFS_WALK = r"""
import sys
from verscan.system.image import open_image

system = open_image(sys.argv[1])
count = 0
for item in system.walk(lambda rel, child, fs: fs.read_version(child, rel)):
    count += not hasattr(item, "message")
print(f"{count} files read", file=sys.stderr)
"""

TSK_WALK = r"""
import sys
import pytsk3
from verscan.pe import read_version_info_at

fs = pytsk3.FS_Info(pytsk3.Img_Info(sys.argv[1]))
count = 0

def read_at(entry, size):
    def pread(length, offset):
        if offset >= size:
            return b""
        return entry.read_random(offset, min(length, size - offset))
    return pread

def walk(directory, rel):
    global count
    names = []
    for entry in directory:
        name = entry.info.name.name
        meta = entry.info.meta
        if name in (b".", b"..") or meta is None:
            continue
        if entry.info.name.flags & pytsk3.TSK_FS_NAME_FLAG_UNALLOC:
            continue
        if not rel and meta.addr < 16:
            continue
        names.append((name.decode("utf-8", "surrogateescape"), entry))
    for name, entry in sorted(names, key=lambda item: item[0]):
        meta = entry.info.meta
        path = f"{rel}/{name}" if rel else name
        if meta.type == pytsk3.TSK_FS_META_TYPE_DIR:
            walk(entry.as_directory(), path)
        elif meta.type == pytsk3.TSK_FS_META_TYPE_REG:
            read_version_info_at(read_at(entry, meta.size), meta.size, path)
            count += 1

walk(fs.open_dir("/"), "")
print(f"{count} files read", file=sys.stderr)
"""


def _verscan() -> list[str]:
    script = Path(sys.executable).with_name("verscan")
    return [str(script)] if script.exists() else ["verscan"]


@contextlib.contextmanager
def _mounted(volume: Path) -> Iterator[str | None]:
    """The volume mounted read-only with ntfs-3g, when this process may (root, FUSE)."""
    if os.geteuid() != 0 or shutil.which("ntfs-3g") is None:
        yield None
        return
    with tempfile.TemporaryDirectory() as where:
        done = subprocess.run(["ntfs-3g", "-o", "ro", str(volume), where], check=False)
        if done.returncode != 0:
            yield None
            return
        try:
            yield where
        finally:
            subprocess.run(["umount", where], check=False)


def _records(path: str) -> list[dict[str, object]]:
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    return [{k: v for k, v in f.items() if k != "mtime"} for f in data["files"]]


def _summary(stderr: str) -> str:
    lines = [line for line in stderr.strip().splitlines() if line.startswith("verscan: ")]
    text = lines[-1][len("verscan: ") :] if lines else stderr.strip()[-80:]
    return text.split(" of /", 1)[0] if text.startswith("wrote") else text


def main(argv: list[str] | None = None) -> int:
    """Time the rows and print the table, the ratios and the check."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", default="/tmp/wintree", help="tree built by make_tree.py")
    parser.add_argument("--images", default="/tmp/wintree-images", help="make_image.py's folder")
    parser.add_argument("--manifests", default=str(REPO / "manifests"), help="for the scans")
    parser.add_argument("--repeat", type=int, default=3, help="runs per row; best is kept")
    parser.add_argument("--out", default="/tmp/bench-image", help="where inventories go")
    parser.add_argument(
        "--skip", action="append", default=[], metavar="ROW",
        help="leave a row out (dir, volume, raw, vhdx, e01, mount, fsntfs, tsk, scan-dir, "
        "scan-e01); repeatable",
    )  # fmt: skip
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    images = Path(args.images)
    if not (images / "disk.img").exists():
        print(f"no images in {images}: run  sudo python benchmarks/make_image.py", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    verscan = _verscan()
    stamp = images.parent / f".{images.name}.make_image.json"
    if stamp.exists():
        print(f"images: {json.loads(stamp.read_text())['summary']}")
    print(f"machine: {os.cpu_count()} CPUs")

    def inventory(target: str, name: str) -> list[str]:
        return [*verscan, "inventory", target, "--output", str(out / name), "--force"]

    with _mounted(images / "volume.ntfs") as mount:
        rows: dict[str, tuple[str, list[str], str | None]] = {}
        for key, label, target in (
            ("dir", "inventory TREE (directory)", args.tree),
            ("volume", "inventory volume.ntfs", str(images / "volume.ntfs")),
            ("raw", "inventory disk.img (MBR)", str(images / "disk.img")),
            ("vhdx", "inventory disk.vhdx", str(images / "disk.vhdx")),
            ("e01", "inventory disk.E01", str(images / "disk.E01")),
        ):
            rows[key] = (label, inventory(target, f"{key}.json"), f"{key}.json")
        if mount is not None:
            rows["mount"] = (
                "inventory of volume.ntfs mounted by ntfs-3g",
                inventory(mount, "mount.json"),
                "mount.json",
            )
        rows["fsntfs"] = (
            "libfsntfs (verscan's image walk): walk + read versions of volume.ntfs",
            [sys.executable, "-c", FSNTFS_WALK, str(images / "volume.ntfs")],
            None,
        )
        if _has_pytsk3():
            rows["tsk"] = (
                "pytsk3: walk + read versions of volume.ntfs",
                [sys.executable, "-c", TSK_WALK, str(images / "volume.ntfs")],
                None,
            )
        manifests = ["-m", args.manifests]
        rows["scan-dir"] = ("scan TREE", [*verscan, "scan", args.tree, *manifests], None)
        rows["scan-e01"] = ("scan disk.E01", [*verscan, "scan", str(images / "disk.E01"),
                                              *manifests], None)  # fmt: skip
        for key in args.skip:
            rows.pop(key, None)
        best: dict[str, float] = {}
        peak: dict[str, float] = {}
        notes: dict[str, str] = {}
        failed: dict[str, str] = {}
        for n in range(args.repeat + 1):
            for key, (_, cmd, _) in rows.items():
                if key in failed:
                    continue
                run = run_measured(cmd)
                if run.returncode not in (0, 1):
                    failed[key] = f"exit {run.returncode}: {run.stderr.strip()[-200:]}"
                    continue
                notes[key] = _summary(run.stderr)
                if n:
                    best[key] = min(best.get(key, float("inf")), run.seconds)
                    peak[key] = max(peak.get(key, 0.0), run.peak_rss_mb)
            print("warm-up run done" if n == 0 else f"run {n}/{args.repeat} done", file=sys.stderr)

    from tabulate import tabulate

    base = best.get("dir")
    table = []
    for key, (label, _, _) in rows.items():
        if key in failed:
            table.append([label, "FAILED", "", "", "", failed[key]])
            continue
        against = base if not key.startswith("scan") else best.get("scan-dir")
        ratio = f"{best[key] / against:.2f}" if against else ""
        table.append([label, f"{best[key]:.2f}", ratio, f"{peak[key]:.0f}", notes[key]])
    print()
    print(f"Best of {args.repeat} runs after one warm-up run; × dir: the row's time over the "
          "directory's (inventories) or the tree scan's (scans).")  # fmt: skip
    print()
    headers = ["command", "seconds", "× dir", "peak RSS MB", "summary"]
    print(tabulate(table, headers, tablefmt="github", disable_numparse=True))
    print()
    if not (out / "dir.json").exists():
        return 0 if not failed else 1
    want = _records(str(out / "dir.json"))
    ok = not failed
    for key, (label, _, name) in rows.items():
        if name is None or key == "dir" or key in failed:
            continue
        same = _records(str(out / name)) == want
        ok &= same
        print(f"  {label}: the directory's {len(want)} records: {'PASS' if same else 'FAIL'}")
    return 0 if ok else 1


def _has_pytsk3() -> bool:
    return subprocess.run([sys.executable, "-c", "import pytsk3"], check=False,
                          capture_output=True).returncode == 0  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
