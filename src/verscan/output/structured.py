"""JSON and YAML renderers: the document's ``data`` as it is."""

from __future__ import annotations

import json
import re

import yaml

from verscan.output.interface import Document, Renderer

# Lone surrogates stand for the bytes of file names that are not valid UTF-8 (os.fsdecode
# keeps them as U+DC80-U+DCFF): ``ensure_ascii=False`` would leave them raw, which no UTF-8
# encoder accepts; as ``\udcff`` escapes they load back to the same name.
_SURROGATE = re.compile("[\ud800-\udfff]")


class JsonRenderer(Renderer):
    """Pretty-printed JSON of the document's data."""

    def render(self, doc: Document) -> str:
        """The data as indented JSON."""
        text = json.dumps(doc.data, indent=2, ensure_ascii=False) + "\n"
        # Outside strings JSON is ASCII, so every surrogate is inside one: escape it there.
        return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class YamlRenderer(Renderer):
    """YAML of the document's data (block style, keys in their order)."""

    def render(self, doc: Document) -> str:
        """The data as YAML."""
        text: str = yaml.safe_dump(
            doc.data, sort_keys=False, allow_unicode=True, default_flow_style=False
        )
        return text
