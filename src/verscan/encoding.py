"""Writing text that holds file names, whatever bytes those names are made of.

A name on a Linux mount of a disk image need not be valid UTF-8; Python keeps
each byte that is not as a surrogate escape (U+DC80-U+DCFF, ``os.fsdecode``).
No UTF-8 encoder accepts those, so every stream and file verscan writes uses
:data:`ENCODE_ERRORS`: such a name goes out as the bytes it was, any other
character the encoding cannot hold as a backslash escape, and nothing raises.
"""

from __future__ import annotations

import codecs

ENCODE_ERRORS = "verscan-keep-bytes"
"""The name of the codec error handler registered by this module."""


def _keep_bytes(exc: UnicodeError) -> tuple[bytes, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = bytearray()
    for char in exc.object[exc.start : exc.end]:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:
            out.append(code - 0xDC00)  # the byte that os.fsdecode escaped
        else:
            out += char.encode("ascii", "backslashreplace")
    return bytes(out), exc.end


codecs.register_error(ENCODE_ERRORS, _keep_bytes)
