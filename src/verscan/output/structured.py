"""JSON and YAML renderers: the document's ``data`` as it is.

Both keep every value exact, and both write the characters that could act on a
terminal (see :mod:`verscan.output.safe`) as escapes of their own syntax, so that
a report printed at a terminal cannot write to it and still loads back the same.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from verscan.output.interface import Document, Renderer
from verscan.output.safe import is_visible, json_visible


class JsonRenderer(Renderer):
    """Pretty-printed JSON of the document's data."""

    def render(self, doc: Document) -> str:
        """The data as indented JSON."""
        return json_visible(json.dumps(doc.data, indent=2, ensure_ascii=False) + "\n")


class _Dumper(yaml.SafeDumper):
    """PyYAML's safe dumper, with a string that holds invisible characters written escaped.

    PyYAML escapes control characters already; bidirectional and zero-width characters
    it calls printable. Such a string is written double-quoted with every character
    outside ASCII escaped (``"\\u202Eexe.txt"``), which loads back the same.
    """

    def analyze_scalar(self, scalar: str) -> Any:
        if is_visible(scalar.replace("\n", " ")):
            return super().analyze_scalar(scalar)
        return self._ascii(super().analyze_scalar, scalar)

    def write_double_quoted(self, text: str, split: bool = True) -> None:
        if is_visible(text.replace("\n", " ")):
            super().write_double_quoted(text, split)
        else:
            self._ascii(super().write_double_quoted, text, split)

    def _ascii(self, method: Any, *args: Any) -> Any:
        saved, self.allow_unicode = self.allow_unicode, False
        try:
            return method(*args)
        finally:
            self.allow_unicode = saved


class YamlRenderer(Renderer):
    """YAML of the document's data (block style, keys in their order)."""

    def render(self, doc: Document) -> str:
        """The data as YAML."""
        text: str = yaml.dump(
            doc.data,
            Dumper=_Dumper,
            sort_keys=False,
            allow_unicode=True,
            default_flow_style=False,
        )
        return text
