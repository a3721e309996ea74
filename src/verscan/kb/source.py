"""Article files: bytes to text, and which kind of document the text is."""

from __future__ import annotations

import codecs
import csv
import email
import enum
import re
from email.message import Message

from verscan.kb.columns import Field, field_of


class Kind(enum.Enum):
    """The kinds of article document."""

    TEXT = "text"
    HTML = "html"
    CSV = "csv"


_HTML_START = re.compile(
    r"\s*(?:<!--.{0,300}?-->\s*)?<(?:!doctype\s+html|html|\?xml)\b", re.I | re.S
)
_HTML_TAG = re.compile(r"<(?:html|head|body|table|div|p|h[1-6]|br|tr|td)\b[^<>]{0,500}>", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def decode(data: bytes) -> str | None:
    """The text of an article file; ``None`` if the bytes are not text.

    A UTF-8 or UTF-16 byte-order mark decides the encoding; otherwise UTF-8 is
    tried and CP-1252 (the encoding of Windows-saved pages and archives) is the
    fallback, with undefined bytes replaced. Bytes with NULs and no UTF-16 mark,
    or mostly control characters, are not text.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    sample = data[:65536]
    if b"\x00" in sample:
        # UTF-16 without a mark: every other byte of ASCII text is zero.
        zeros_odd = sample[1::2].count(0)
        zeros_even = sample[0::2].count(0)
        half = max(1, len(sample) // 2)
        if zeros_odd > 0.4 * half and zeros_even < 0.05 * half:
            return data.decode("utf-16-le", errors="replace")
        if zeros_even > 0.4 * half and zeros_odd < 0.05 * half:
            return data.decode("utf-16-be", errors="replace")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if sample and len(_CONTROL.findall(text[:65536])) > 0.1 * min(len(text), 65536):
        return None
    return text


_MIME_HEAD = re.compile(r"^MIME-Version:", re.IGNORECASE | re.MULTILINE)
_MULTIPART = re.compile(r"^Content-Type:\s*multipart/related", re.IGNORECASE | re.MULTILINE)


def unwrap_mhtml(text: str) -> str:
    """The web page inside a saved ``.mht`` archive; other text unchanged.

    Browsers save a page "as a single file" as a MIME message whose HTML part
    is quoted-printable or base64. Line numbers then count in the decoded page.
    """
    head = text[:4000]
    if not (_MIME_HEAD.search(head) and _MULTIPART.search(head)):
        return text
    message = email.message_from_string(text)
    for part in message.walk():
        if part.get_content_type() != "text/html":
            continue
        page = _payload(part)
        if page is not None:
            return page
    return text


def _payload(part: Message) -> str | None:
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes):
        return None
    charset = part.get_content_charset()
    if charset:
        try:
            return data.decode(charset, errors="replace")
        except LookupError:
            pass
    return decode(data)


def detect(text: str, source: str | None = None) -> Kind:
    """Whether ``text`` is a web page, a CSV file list or plain text.

    The content decides; a ``.csv``, ``.htm`` or ``.html`` extension only
    settles the cases the content leaves open. Text is a web page when it *is*
    an HTML document (it begins with a doctype, ``<html>`` or other markup), not
    when it quotes some: Markdown cells with ``<br/>`` and stack dumps with
    ``<BR/>`` are text.
    """
    head = text[:200_000]
    ext = (source or "").lower().rsplit(".", 1)[-1] if source and "." in source else ""
    if _HTML_START.match(head):
        return Kind.HTML
    if ext in ("htm", "html", "mht", "xhtml") and _HTML_TAG.search(head):
        return Kind.HTML
    # A page saved without its <html> element still begins with markup. Text that
    # only quotes HTML (a Markdown cell's "<br/>", "<BR/>" in a stack dump) stays text.
    if head.lstrip().startswith("<") and len(_HTML_TAG.findall(head[:50_000])) >= 5:
        return Kind.HTML
    if _looks_like_csv(head) or (ext == "csv" and "," in head):
        return Kind.CSV
    return Kind.TEXT


def _looks_like_csv(head: str) -> bool:
    """True when a header row of known labels comes in the first lines, comma-separated."""
    lines = [line for line in head.splitlines()[:8] if line.strip()]
    for line in lines[:4]:
        if line.count(",") < 2 or len(line) > 2000:
            continue
        try:
            cells = next(csv.reader([line]))
        except (csv.Error, StopIteration):
            continue
        fields = [field_of(c) for c in cells if c.strip()]
        if sum(f is not None for f in fields) >= 3 and (
            Field.NAME in fields or Field.NAMEPATH in fields
        ):
            return True
    return False
