"""Microsoft Knowledge Base articles to manifests.

:func:`read_article` reads a saved article (plain text, Markdown, a saved web
page or ``.mht`` archive, or one of Microsoft's CSV file lists) and
:func:`parse_article` parses its text. Both give a :class:`ParsedArticle`: the
:class:`~verscan.manifest.model.Manifest` (KB number, title, products and the
file rows of every file table, in article order), the lines that looked like
file rows but could not be read (``problems``), and remarks on values left
empty, reinterpreted, or tables skipped (``notes``).

An article without a file table gives a manifest with no files; whether that is
an error is the caller's decision.

How the package reads an article: :mod:`.files` finds the articles in folders;
:mod:`.source` decodes and tells the kind (a web page only when the text *is*
an HTML document: Markdown that quotes ``<br/>`` and text with ``<BR/>`` in a
stack dump stay text);
:mod:`.identity` finds the KB number, title and products; :mod:`.text` walks
plain text and hands each table to :mod:`.aligned` (space-aligned, under a
header of :mod:`.headers`), :mod:`.cells` (pipes, grids, Markdown; also HTML
and CSV tables) or :mod:`.shaped` (header-less rows, one cell a line);
:mod:`.html` and :mod:`.csvlist` cut pages and CSV files into cell rows;
:mod:`.sections` finds the heading above each table; :mod:`.rows` reads each
row's cells with :mod:`.values` into a :class:`~verscan.manifest.model.FileRow`.

Decisions on the ambiguous cases:

- **Not file rows**: rows that give a name and no version, size, date or time
  (bare names, name-only tables such as "NIC Driver Name / New Files"), noted
  (but under a Version column of a grid or a Markdown or HTML table, a row
  whose version is ``N/A``, ``NA`` or empty is a file without a version: kept,
  version ``None``); rows that name a product, not a file (``Microsoft FoxPro
  2.5b  Sat, Dec 4, 1993``), noted; a footnote between two rows, noted;
  ``dir`` listings; hash tables (a SHA-256 column of a real file table fills
  ``sha256``); download tables and tables of update packages only; prose
  (``SHELL32.DLL  version 4.00.955  dated 9/30/96``) and lines that begin
  with a label (``Additional query words: 6.22 drvspace.exe``, ``Keywords :``);
  label lines inside a table (``Pan-Chinese``), which scope the rows below
  them; wrapped cells, joined to their row.
- **Platform**: a Platform cell that names a CPU gives it; one that names an
  operating system (``Windows 98 Second Edition``, ``Windows``) or says ``Not
  applicable`` gives none, and the heading's CPU is not put over it (an OS
  name goes to the section instead, as a Locale cell does). Windows 9x ran on
  x86 only, but the files those tables list are 16-bit or VxD files with no PE
  machine type to check. A build flavour (``(Debug)``, ``(Retail)``,
  ``checked``, ``free``) is not part of the CPU, and CPU models give their
  family (``R4100`` → mips, ``PPC821`` → ppc, ``i486`` → x86); the cell as
  printed goes to the section, to tell the builds apart. CPUs the manifest has
  no name for (``ARM720``, ``SH3``) give none. A ``(Alpha)`` marker in
  parentheses on a block's first row applies to the block (until a blank
  line); a bare ``Alpha`` on a block's first row does too when every other
  row of the block leaves the cell empty, and elsewhere applies to its row
  only (a table that prints it on its last row). Rows without a Platform
  value take the CPU their heading or introducing sentence names (``For all
  supported x64-based versions``, ``timestamp for Windows NT Alpha:``), if it
  names exactly one.
- **Releases and system platform**: the Windows releases the section names
  (``Windows 7``, ``Windows Server 2008 R2``), else those of the article's
  product list or title when they are of one kernel line; the system platform
  the section names (``x64-based``). See :mod:`.releases`.
- **Section**: the nearest heading between the previous table and this one
  (underlined, ``IIS 5.0:``, a stand-alone short line, a Markdown heading of
  any length, an HTML heading); else the scope the introducing sentence
  names (``Service Pack 2 (SP2)``, ``Secupd.exe``, ``Windows NT Intel``);
  boilerplate sentences name none and the section is ``None``. Label lines,
  Locale cells and OS names from Platform cells are appended: ``Windows 2000 /
  Japanese``.
- **Version**: as printed, leading zeros kept; a word, a build tag or a floor
  after the dotted number is dropped (``5.0.2195.4555 shp``, ``6.1.7601.17514
  (win7sp1_rtm...)``, ``1.2(build 786)``, ``2.20.4054 or greater``), with a
  note; a version with commas is dotted (``1, 0, 0, 72`` → ``1.0.0.72``);
  versions that are not dotted numbers (``Gen 1.35``, ``A.03.01``,
  ``1.00/1.00``) and bare build numbers (``786``) leave the version ``None``
  with a note quoting them, and the row is kept; ``N/A`` and ``Not
  applicable`` are ``None``. A Version column whose values are all dotted
  thousands (``1.854.736``) in a table without a Size column holds sizes.
- **Date**: ``YYYY-MM-DD``; a month name may come first (``Aug-12-2000``)
  and a weekday before the date (``Sat, Dec 4, 1993``). Numeric dates are
  month first (``7/29/97``), unless a table's dates are day first: one of
  them can only be read so (``21/09/1999``) and none can only be month first;
  then all of that table's are (``08/06/2000`` is 8 June), with a note.
- **Size**: bytes only (``185,760b`` is bytes); ``685 KB`` and ``1.79 MB``
  give ``None`` and a note.
- **Header words**: a known label with a qualifying word names the same column
  (``Current version``, ``Date Created``); up to two labels the vocabulary
  does not know (``ActiveX Control``, ``Edition``) become columns of free text,
  where a description may name a version (``ADO Data Control 6.0``). Rows
  with more values than the header has columns are read by the shapes of
  their values, with a note; cells out of their columns' order, likewise.
- **Service pack and branch**: ``sp_requirement`` from an SP requirement
  column, else from the branch (``SP2QFE`` gives SP2 and QFE); ``RTM`` is kept.
- **KB number**: the ``kb`` argument; else the article's own header, title,
  "Article ID", "previously published under", ``Keywords:`` line, page
  address or meta tag; else the file name (``KB5050771-files.csv``), the only
  place CSV lists and some saved texts carry it. Numbers cited in the body are
  never taken.
"""

from __future__ import annotations

import os
import re
import stat

from verscan.errors import ArticleError
from verscan.kb import csvlist, html, identity, values
from verscan.kb.releases import scope_rows
from verscan.kb.result import Log, ParsedArticle, Problem
from verscan.kb.source import Kind, decode, detect, unwrap_mhtml
from verscan.kb.text import read_text
from verscan.manifest.model import Manifest

__all__ = ["MAX_ARTICLE_BYTES", "ParsedArticle", "Problem", "parse_article", "read_article"]

MAX_ARTICLE_BYTES = 16 * 1024 * 1024
"""Largest article file read: saved KB pages and Microsoft's CSV file lists are far smaller,
and parsing takes time in proportion to the size."""

_KB_ARG = re.compile(r"\s*(?:KB|Q)?\s*(\d{1,9})\s*", re.IGNORECASE)


def parse_article(
    text: str, *, source: str | None = None, kb: str | None = None, kind: str | None = None
) -> ParsedArticle:
    """Parse an article's text into a manifest.

    ``source`` names the article in the manifest and in messages. ``kb`` (digits,
    or ``KB829427`` / ``Q829427``) overrides the number found in the text; a
    number in ``source``'s file name (``KB5050771-files.csv``) is the last resort.
    ``kind`` is ``"html"``, ``"csv"`` or ``"text"``; by default it is detected
    from the content.

    Raises :class:`~verscan.errors.ArticleError` when ``kb`` is not a KB number,
    or when none is given and the article names none.
    """
    where = source or "the article"
    number = _kb_argument(kb, where) if kb is not None else None
    text = unwrap_mhtml(text[1:] if text.startswith("\ufeff") else text)
    found = Kind(kind) if kind else detect(text, source)
    log = Log()
    if found is Kind.HTML:
        page = html.read_html(text, log)
        rows, title = page.rows, page.title
        lines = page.lines
        number = number or identity.kb_from_urls(page.urls) or page.meta_kb
        number = number or identity.kb_from_text("\n".join(lines), page.raw_title or title)
        title = title or identity.title_from_text(lines)
    else:
        lines = text.splitlines()
        if found is Kind.CSV:
            rows = csvlist.read_csv(text, log)
            title = None  # a file list has no title line
        else:
            rows = read_text(lines, log)
            title = identity.title_from_text(lines)
        number = number or identity.kb_from_text(text, title)
    number = number or identity.kb_from_name(source)
    if number is None:
        raise ArticleError(f"no KB number found in {where}; give one with --kb")
    products = tuple(
        p for p in (values.visible(p) for p in identity.products_from_text(lines)) if p.strip()
    )
    title = " ".join(values.visible(title).split()) or None if title else None
    manifest = Manifest(
        kb=number,
        title=title,
        source=source,
        products=products,
        files=tuple(scope_rows(rows, lines=lines, products=products, title=title)),
    )
    return ParsedArticle(
        manifest=manifest,
        problems=tuple(sorted(log.problems, key=lambda p: p.line)),
        notes=tuple(sorted(log.notes, key=lambda p: p.line)),
    )


def read_article(path: str | os.PathLike[str], *, kb: str | None = None) -> ParsedArticle:
    """Read an article file and parse it (see :func:`parse_article`).

    The bytes are decoded as UTF-8 (a byte-order mark, UTF-16 with its mark,
    and CP-1252 as the fallback are handled); HTML, CSV or text is told by
    content, with the extension as a hint. Raises
    :class:`~verscan.errors.ArticleError` naming the file when it cannot be read
    or is not text, or when it names no KB number and none is given.
    """
    name = os.fspath(path)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            mode = os.fstat(fd).st_mode
            if not stat.S_ISREG(mode):
                kind = "is a directory" if stat.S_ISDIR(mode) else "not a regular file"
                raise ArticleError(f"cannot read {name}: {kind}")
            data = handle.read(MAX_ARTICLE_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise ArticleError(f"cannot read {name}: {reason}") from exc
    if len(data) > MAX_ARTICLE_BYTES:
        limit = MAX_ARTICLE_BYTES // (1024 * 1024)
        raise ArticleError(
            f"cannot read {name}: larger than {limit} MiB; an article is far smaller"
        )
    text = decode(data)
    if text is None:
        raise ArticleError(f"cannot read {name}: not a text file")
    return parse_article(text, source=name, kb=kb)


def _kb_argument(kb: str, where: str) -> str:
    m = _KB_ARG.fullmatch(kb)
    if m is None or int(m.group(1)) == 0:
        raise ArticleError(f"{kb!r} is not a KB number (for {where})")
    return str(int(m.group(1)))
