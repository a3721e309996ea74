"""The I/O floor: the least any tool must do to read versions, as a program of its own.

    python benchmarks/floor.py DIR

walks DIR and applies :func:`floor_read` to every regular file (see
:data:`FLOOR_DEFINITION`). It imports nothing beyond ``os``, ``struct`` and
``sys``, so that its wall time is the interpreter's start-up plus the floor's own
work, and nothing it does not need: the benchmarks compare ``verscan inventory``
against it. :mod:`benchlib` takes the same functions from here for its
in-process loop.
"""

from __future__ import annotations

import os
import struct
import sys

TYPE_CHECKING = False  # typing costs an import; type checkers treat this name as True
if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

HEAD = 4096
"""Bytes of headers the floor reads, and bytes it reads of the resource section."""

FLOOR_DEFINITION = (
    "I/O floor: for each file, os.open; os.pread of the first 4 KiB; when those bytes hold "
    "PE headers whose resource directory lies in a section of the section table, os.pread "
    "of 4 KiB at the start of that section's raw data; os.close. No other work."
)
"""The I/O floor, as printed by the benchmarks and the README."""

_U16 = struct.Struct("<H")
_U32 = struct.Struct("<I")
_SECTION = struct.Struct("<8sIIII")  # Name, VirtualSize, VirtualAddress, SizeOfRawData, Pointer


def resource_section_offset(head: bytes) -> int | None:
    """File offset of the section holding the resource directory, if ``head`` shows one.

    Only ``head`` is looked at (the first 4 KiB): a file whose section table lies
    beyond it, or that has no resource directory, gets no second read.
    """
    if len(head) < 64 or head[:2] != b"MZ":
        return None
    (lfanew,) = _U32.unpack_from(head, 0x3C)
    if lfanew + 24 > len(head) or head[lfanew : lfanew + 4] != b"PE\0\0":
        return None
    (nsections,) = _U16.unpack_from(head, lfanew + 6)
    (opt_size,) = _U16.unpack_from(head, lfanew + 20)
    opt = lfanew + 24
    if opt + 2 > len(head):
        return None
    (magic,) = _U16.unpack_from(head, opt)
    dirs = {0x10B: 96, 0x20B: 112}.get(magic)
    if dirs is None or opt + dirs + 24 > len(head) or opt_size < dirs + 24:
        return None
    (rva,) = _U32.unpack_from(head, opt + dirs + 16)
    if rva == 0:
        return None
    table = opt + opt_size
    for i in range(min(nsections, 96)):
        at = table + 40 * i
        if at + 40 > len(head):
            return None
        _, vsize, va, rawsize, raw = _SECTION.unpack_from(head, at)
        if va <= rva < va + max(vsize, rawsize):
            return int(raw)
    return None


def floor_read(path: str) -> int:
    """The I/O floor for one file (see :data:`FLOOR_DEFINITION`); bytes read, -1 if unopenable."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return -1
    try:
        head = os.pread(fd, HEAD, 0)
        got = len(head)
        offset = resource_section_offset(head)
        if offset is not None:
            got += len(os.pread(fd, HEAD, offset))
        return got
    except OSError:
        return -1
    finally:
        os.close(fd)


def walk_files(root: str) -> Iterator[str]:
    """Every regular file under ``root`` (symbolic links not followed), in no set order."""
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                for entry in it:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
                    elif entry.is_file(follow_symlinks=False):
                        yield entry.path
        except OSError:
            continue


def main(argv: Sequence[str]) -> int:
    """``floor.py DIR``: walk DIR and apply the I/O floor to every regular file; print a summary."""
    if len(argv) != 1:
        print("usage: floor.py DIR", file=sys.stderr)
        return 2
    files = read = 0
    for path in walk_files(argv[0]):
        got = floor_read(path)
        files += 1
        read += max(got, 0)
    print(f"{files} files, {read} bytes read")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
