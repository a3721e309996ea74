"""Writing text that holds file names, whatever bytes those names are made of.

A name on a Linux mount of a disk image need not be valid UTF-8; Python keeps
each byte that is not as a surrogate escape (U+DC80-U+DCFF, ``os.fsdecode``).
No UTF-8 encoder accepts those, so every stream and file verscan writes uses
:data:`ENCODE_ERRORS`: such a name goes out as the bytes it was, any other
character the encoding cannot hold as a backslash escape, and nothing raises.
"""

from __future__ import annotations

import codecs
import re

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


_SURROGATE = re.compile("[\ud800-\udfff]")


def escape_surrogates(json_text: str) -> str:
    """JSON text with lone surrogates written as ``\\udcXX`` escapes.

    Lone surrogates stand for the bytes of file names that are not valid UTF-8
    (``os.fsdecode`` keeps them as U+DC80-U+DCFF); ``json.dumps(ensure_ascii=False)``
    leaves them raw, which no UTF-8 encoder accepts. Outside strings JSON is ASCII,
    so every surrogate is inside a string; escaped, it loads back to the same name.
    """
    try:
        json_text.encode("utf-8")  # a fast, strict look for surrogates: mostly there are none
    except UnicodeEncodeError:
        return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", json_text)
    return json_text
