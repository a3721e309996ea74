"""Writing a manifest as YAML text that every YAML reader reads back the same.

Keys come in a fixed order, one row per block mapping. Every string is written
double-quoted, because unquoted YAML turns ``4.10`` into the float 4.1,
``13:07`` into the integer 787, ``2003-02-28`` into a date and ``829427`` into a
number; quoted, each stays the string it was. Characters YAML cannot hold
literally are written as escapes.

The text is not validated: run :func:`verscan.manifest.lint.lint_text` on it to
know whether it will load. For a valid manifest ``m``, loading
``dump_manifest(m)`` gives back ``m``.
"""

from __future__ import annotations

from verscan.manifest.model import FileRow, Manifest
from verscan.manifest.schema import ROW_KEYS, ROW_OPTIONAL_KEYS

HEADER = "# verscan manifest"
"""First line of every manifest written."""

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r", "\0": "\\0"}

# Line breaks other than \n would be folded inside a quoted scalar; U+FEFF is a
# byte-order mark to some readers. Both are escaped although YAML calls them printable.
_ESCAPED_PRINTABLES = frozenset("\x85\u2028\u2029\ufeff")


def dump_manifest(m: Manifest) -> str:
    """The manifest ``m`` as YAML text, ending in a newline."""
    lines = [
        HEADER,
        f"kb: {_scalar(m.kb)}",
        f"title: {_scalar(m.title)}",
        f"source: {_scalar(m.source)}",
    ]
    if m.products:
        lines.append("products:")
        lines.extend(f"  - {_scalar(product)}" for product in m.products)
    else:
        lines.append("products: []")
    if m.files:
        lines.append("files:")
        for row in m.files:
            lines.extend(_row_lines(row))
    else:
        lines.append("files: []")
    return "\n".join(lines) + "\n"


def _row_lines(row: FileRow) -> list[str]:
    keys = list(ROW_KEYS) + [k for k in ROW_OPTIONAL_KEYS if getattr(row, k) not in (None, ())]
    lines = []
    for key in keys:
        value = getattr(row, key)
        if isinstance(value, tuple):
            lines.append(f"    {key}: [" + ", ".join(_scalar(v) for v in value) + "]")
        else:
            lines.append(f"    {key}: {_scalar(value)}")
    lines[0] = "  - " + lines[0].lstrip()
    return lines


def _scalar(value: object) -> str:
    if value is None:
        return "null"
    # bool before int: it is one. A bool is not a valid value, but writing it as
    # YAML reads it keeps the text faithful for the linter to point at.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return _quoted(str(value))


def _quoted(text: str) -> str:
    return '"' + "".join(_escaped(ch) for ch in text) + '"'


def _escaped(ch: str) -> str:
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    code = ord(ch)
    if _printable(code) and ch not in _ESCAPED_PRINTABLES:
        return ch
    if code <= 0xFF:
        return f"\\x{code:02X}"
    if code <= 0xFFFF:
        return f"\\u{code:04X}"
    return f"\\U{code:08X}"


def _printable(code: int) -> bool:
    """What YAML 1.1 allows literally in a stream (besides tab and line breaks)."""
    return (
        0x20 <= code <= 0x7E
        or 0xA0 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )
