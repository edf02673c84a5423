"""Every source format novum reads, found by scanning ``novum.ingest.formats``: a new format is a new module.

Detection is per document for XML (by root element) and per file for the other formats (by sniffing the head).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from functools import cache

from novum.ingest import formats as formats_package
from novum.ingest.formats.base import StreamFormat, XmlFormat


@cache
def _discover() -> tuple[tuple[XmlFormat, ...], tuple[StreamFormat, ...]]:
    xml: list[XmlFormat] = []
    stream: list[StreamFormat] = []
    for info in sorted(pkgutil.iter_modules(formats_package.__path__), key=lambda m: m.name):
        if info.name == "base":
            continue
        module = importlib.import_module(f"{formats_package.__name__}.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__ or inspect.isabstract(cls):
                continue
            if issubclass(cls, XmlFormat):
                xml.append(cls())
            elif issubclass(cls, StreamFormat):
                stream.append(cls())
    return tuple(xml), tuple(stream)


def xml_formats() -> tuple[XmlFormat, ...]:
    return _discover()[0]


def stream_formats() -> tuple[StreamFormat, ...]:
    return _discover()[1]


def detect_stream_format(head: bytes, filename: str) -> StreamFormat | None:
    """The non-XML format whose sniffer recognises this file head, if any."""
    return next((f for f in stream_formats() if f.sniff(head, filename)), None)


def describe() -> list[tuple[str, str]]:
    """``(name, description)`` of every format, for ``novum formats`` and the docs."""
    readers: list[XmlFormat | StreamFormat] = [*xml_formats(), *stream_formats()]
    return [(f.name, f.description) for f in readers]
