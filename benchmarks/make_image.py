"""Write the Windows-sized tree of make_tree.py into disk images, for bench_image.py.

Needs root (the NTFS volume is mounted with ntfs-3g to copy the tree in) and the
Debian packages ntfs-3g, fdisk, qemu-utils and ewf-tools. In ``--out``:

- ``volume.ntfs``: an NTFS volume holding the tree (``mkntfs``, then ``cp -a`` through
  ``ntfs-3g``: the tree's hard links stay hard links, as Windows' own do);
- ``disk.img``: a raw disk, MBR, that volume as partition 1 at 1 MiB (``sfdisk``, ``dd``);
- ``disk.vhdx``: the disk as a dynamic VHDX (``qemu-img convert``);
- ``disk.E01``...: the disk acquired by ``ewfacquire`` (EnCase 6, fast compression).

A recipe stamp beside ``--out`` keeps images built from the same tree; ``--force``
rebuilds them.

    python benchmarks/make_tree.py
    sudo python benchmarks/make_image.py
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MIB = 1 << 20


def _tree_bytes(tree: str) -> tuple[int, int]:
    """Bytes of the tree's files (hard links counted once) and the number of names."""
    seen: set[tuple[int, int]] = set()
    total = names = 0
    for folder, _, files in os.walk(tree):
        for name in files:
            st = os.lstat(os.path.join(folder, name))
            names += 1
            if (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                total += st.st_size
    return total, names


def _run(*cmd: str, **kwargs: object) -> None:
    subprocess.run(list(cmd), check=True, **kwargs)  # type: ignore[call-overload]


def build(tree: str, out: Path) -> str:
    """Build the images; a one-line summary."""
    data, names = _tree_bytes(tree)
    # Room for the data, an MFT record per name and index blocks, with a margin.
    size = ((data + names * 4096) * 3 // 2 // MIB + 256) * MIB
    volume = out / "volume.ntfs"
    with open(volume, "wb") as fh:
        fh.truncate(size)
    _run("mkntfs", "-F", "-f", "-q", "-L", "WINTREE", "-p", "2048", "-H", "255", "-S", "63",
         str(volume), stderr=subprocess.DEVNULL)  # fmt: skip
    with tempfile.TemporaryDirectory() as mount:
        _run("ntfs-3g", str(volume), mount)
        try:
            _run("cp", "-a", f"{tree}/.", mount)
        finally:
            _run("umount", mount)
    disk = out / "disk.img"
    with open(disk, "wb") as fh:
        fh.truncate(size + 2 * MIB)
    table = f"label: dos\nstart=2048, size={size // 512}, type=7\n"
    _run("sfdisk", "--no-reread", "--no-tell-kernel", "-q", str(disk), input=table.encode(),
         stdout=subprocess.DEVNULL)  # fmt: skip
    _run("dd", f"if={volume}", f"of={disk}", "bs=1M", "seek=1", "conv=sparse,notrunc",
         "status=none")  # fmt: skip
    _run("qemu-img", "convert", "-q", "-f", "raw", "-O", "vhdx", "-o", "subformat=dynamic",
         str(disk), str(out / "disk.vhdx"))  # fmt: skip
    _run("ewfacquire", "-u", "-q", "-t", str(out / "disk"), "-f", "encase6", "-c", "fast",
         "-C", "bench", "-D", "wintree", "-E", "1", "-e", "bench", "-N", "make_image.py",
         "-m", "fixed", "-M", "logical", str(disk), stdout=subprocess.DEVNULL)  # fmt: skip
    segments = sorted(p.name for p in out.glob("disk.E*"))
    return (
        f"{names} files ({data / 1e9:.2f} GB of data) in a {size / 1e9:.2f} GB NTFS volume; "
        f"disk.img, disk.vhdx, {', '.join(segments)}"
    )


def main(argv: list[str] | None = None) -> int:
    """Build (or keep) the images."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", default="/tmp/wintree", help="the tree make_tree.py built")
    parser.add_argument("--out", default="/tmp/wintree-images", help="folder for the images")
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    args = parser.parse_args(argv)
    tree = os.path.abspath(args.tree)
    out = Path(args.out).resolve()
    tree_stamp = Path(tree).parent / f".{Path(tree).name}.make_tree.json"
    if not tree_stamp.exists():
        print(f"no tree at {tree}: run  python benchmarks/make_tree.py", file=sys.stderr)
        return 2
    recipe = {"tree": tree, "tree_recipe": json.loads(tree_stamp.read_text())}
    stamp = out.parent / f".{out.name}.make_image.json"
    if out.is_dir() and not args.force and stamp.exists():
        built = json.loads(stamp.read_text())
        if built.get("recipe") == recipe:
            print(f"{out} is up to date ({built['summary']}); --force rebuilds it")
            return 0
    if os.geteuid() != 0:
        print("building the images needs root (ntfs-3g mounts the volume)", file=sys.stderr)
        return 2
    for tool in ("mkntfs", "ntfs-3g", "sfdisk", "qemu-img", "ewfacquire"):
        if shutil.which(tool) is None:
            print(f"missing {tool}: apt-get install ntfs-3g fdisk qemu-utils ewf-tools",
                  file=sys.stderr)  # fmt: skip
            return 2
    start = time.perf_counter()
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    stamp.unlink(missing_ok=True)
    summary = build(tree, out)
    stamp.write_text(json.dumps({"recipe": recipe, "summary": summary}, indent=2))
    print(f"built {out} in {time.perf_counter() - start:.0f} s: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
