"""JSON and YAML renderers: the document's ``data`` as it is."""

from __future__ import annotations

import json

import yaml

from verscan.encoding import escape_surrogates
from verscan.output.interface import Document, Renderer


class JsonRenderer(Renderer):
    """Pretty-printed JSON of the document's data."""

    def render(self, doc: Document) -> str:
        """The data as indented JSON."""
        return escape_surrogates(json.dumps(doc.data, indent=2, ensure_ascii=False) + "\n")


class YamlRenderer(Renderer):
    """YAML of the document's data (block style, keys in their order)."""

    def render(self, doc: Document) -> str:
        """The data as YAML."""
        text: str = yaml.safe_dump(
            doc.data, sort_keys=False, allow_unicode=True, default_flow_style=False
        )
        return text
