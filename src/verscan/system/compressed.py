"""Reading a whole input file, gzip-compressed or not, within a size limit.

Inventories travel over networks and are often kept compressed: a file that
starts with gzip's magic bytes is expanded, whatever its name. Both the file and
what it expands to are bounded by the caller's limit, so a small hostile file
cannot expand into all the memory there is (a "gzip bomb"): expansion stops one
byte past the limit.
"""

from __future__ import annotations

import os
import stat
import zlib

from verscan.errors import VerscanError

GZIP_MAGIC = b"\x1f\x8b"
"""The first two bytes of every gzip stream."""
GZIP_SUFFIX = ".gz"
"""The file name ending that makes verscan write gzip."""


class ReadError(VerscanError):
    """The file is too large, or not a complete gzip stream (the message says which)."""


class NotReadable(ReadError):
    """The file cannot be opened or read, or is not a regular file."""


def is_gzip_name(path: str) -> bool:
    """Whether a file of this name is written compressed (``host.json.gz``)."""
    return path.lower().endswith(GZIP_SUFFIX)


def without_gzip_suffix(path: str) -> str:
    """The name without ``.gz``: ``host.yaml.gz`` is a YAML file."""
    return path[: -len(GZIP_SUFFIX)] if is_gzip_name(path) else path


def is_gzip_file(path: str) -> bool:
    """Whether the file at ``path`` starts with gzip's magic bytes (False when unreadable)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(len(GZIP_MAGIC)) == GZIP_MAGIC
    except OSError:
        return False


def read_limited(path: str, limit: int) -> tuple[bytes, bool]:
    """The bytes of the regular file ``path``, expanded when it is gzip; and whether it was.

    Raises :class:`NotReadable` when the file is not a regular file or cannot be read,
    :class:`ReadError` when it is larger than ``limit`` bytes, expands past ``limit``
    bytes, or is a damaged or truncated gzip stream; the message leaves the name out.
    """
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise NotReadable("not a regular file")
        if st.st_size > limit:
            raise ReadError(f"larger than {limit >> 20} MiB")
        with open(path, "rb") as fh:
            raw = fh.read(st.st_size)  # read(n) reserves n bytes: ask for what is there
            if fh.read(1):
                raise ReadError("it grew while being read")
    except OSError as exc:
        raise NotReadable(f"cannot read: {exc.strerror or exc}") from exc
    if not raw.startswith(GZIP_MAGIC):
        return raw, False
    return gunzip_limited(raw, limit), True


def gunzip_limited(data: bytes, limit: int) -> bytes:
    """The gzip stream ``data`` expanded (every member of it), refused past ``limit`` bytes."""
    out = bytearray()
    rest = data
    while True:
        unpack = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # a gzip header and trailer
        try:
            out += unpack.decompress(rest, limit + 1 - len(out))
        except zlib.error as exc:
            raise ReadError(f"damaged gzip data ({_zlib_reason(exc)})") from None
        if len(out) > limit:
            raise ReadError(f"it expands past {limit >> 20} MiB when uncompressed")
        if not unpack.eof:
            raise ReadError("the gzip stream is truncated")
        rest = unpack.unused_data
        if not rest.strip(b"\0"):  # the end, or the zero padding some tools add
            return bytes(out)
        if not rest.startswith(GZIP_MAGIC):
            raise ReadError("damaged gzip data (something other than gzip after its end)")


def _zlib_reason(exc: zlib.error) -> str:
    """zlib's reason without its error number (``incorrect data check``)."""
    text = str(exc)
    return text.split(": ", 1)[1] if ": " in text else text
