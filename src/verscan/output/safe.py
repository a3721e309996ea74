"""Where text meets a terminal: every character that could act on it is shown, not sent.

A file or folder name, a PE string, an inventory's label, a cabinet member's name
or a line of an article can hold any character. ``ESC [2J`` clears the screen,
``ESC ]0;…BEL`` sets the window title, U+009B is the same escape in one character,
U+202E turns what follows right to left, U+200B is not seen at all. A scanner of
compromised machines must never let a file write to the analyst's terminal.

:func:`visible` writes each such character as its escape (``\\x1b``, ``\\u202e``):
every character Python does not call printable — C0 and C1 controls, DEL, format
characters (bidirectional overrides and isolates, zero-width spaces and joiners, the
byte-order mark), line and paragraph separators, private-use and unassigned code
points, lone surrogates — except the space characters, which show as spaces. A
byte of a name that is not UTF-8 (a surrogate escape, U+DC80-U+DCFF) stays the
byte it was, written out by :data:`verscan.encoding.ENCODE_ERRORS`, unless it is
0x80-0x9F, which a terminal in an 8-bit encoding reads as a C1 control.

Every human format passes its text through here (table, markdown, HTML, CSV
printed at a terminal), and so does every line on stderr. JSON and YAML keep the
exact value: :func:`json_visible` writes the same characters as ``\\uXXXX``
escapes, which load back to the same string.
"""

from __future__ import annotations

import unicodedata

_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}

_RAW_BYTES = range(0xDCA0, 0xDD00)
"""Surrogate escapes of bytes 0xA0-0xFF: printable in any 8-bit code page, kept as bytes."""


def _escape(char: str) -> str:
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"  # the byte the name has on disk
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _shown(char: str) -> bool:
    """Whether ``char`` may go to a terminal as it is."""
    if char.isprintable():
        return True
    if ord(char) in _RAW_BYTES:
        return True
    return unicodedata.category(char) == "Zs"


def is_visible(text: str) -> bool:
    """Whether :func:`visible` would leave ``text`` as it is."""
    return text.isprintable() or all(_shown(c) for c in text)


def visible(text: str) -> str:
    """``text`` with every character that could act on a terminal written as its escape."""
    if text.isprintable():  # nearly always: one pass in C
        return text
    return "".join(c if _shown(c) else _escape(c) for c in text)


def visible_lines(text: str) -> str:
    """:func:`visible` for each line of ``text``, its line breaks (``\\n``) kept."""
    return "\n".join(visible(line) for line in text.split("\n"))


def _json_escape(char: str) -> str:
    code = ord(char)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def json_visible(json_text: str) -> str:
    """JSON text with every character :func:`visible` would escape written as a ``\\u`` escape.

    The document loads back the same: outside its strings JSON is ASCII (and its
    line breaks are its own), so every such character is inside a string, where
    ``\\uXXXX`` stands for it. Lone surrogates (the bytes of names that are not
    UTF-8, U+DC80-U+DCFF) are escaped too, which also keeps the text valid UTF-8.
    """
    lines = json_text.split("\n")
    for i, line in enumerate(lines):
        if not line.isprintable():
            lines[i] = "".join(
                c if c.isprintable() or unicodedata.category(c) == "Zs" else _json_escape(c)
                for c in line
            )
    return "\n".join(lines)
