"""Safe XML parsing and the element helpers every XML parser shares.

Patent XML arrives from anywhere, so parsing must never expand entities (billion laughs), fetch a DTD or read a
local file named by an external entity. The offices' DTDs declare HTML named entities (``&mdash;``) that we do not
load; they are turned into numeric references first so their characters survive.
"""

from __future__ import annotations

import html.entities
import re
from collections.abc import Iterable
from functools import lru_cache

from lxml import etree

from novum.normalize.text import clean

_XML_BUILTIN = {"amp", "lt", "gt", "quot", "apos"}
_NAMED_ENTITY = re.compile(rb"&([A-Za-z][A-Za-z0-9]{1,31});")
_ENTITIES: dict[bytes, bytes] = {
    name.rstrip(";").encode(): f"&#{ord(chars[0])};".encode()
    for name, chars in html.entities.html5.items()
    if name.endswith(";") and len(chars) == 1 and name.rstrip(";") not in _XML_BUILTIN
}


def _replace_entity(match: re.Match[bytes]) -> bytes:
    return _ENTITIES.get(match.group(1), match.group(0))


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,  # never expand declared entities: no billion laughs, no external reads
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,  # keep libxml2's limits on depth and text size
        remove_comments=True,
        remove_pis=True,
        recover=False,
    )


def parse_xml(data: bytes) -> etree._Element:
    """Parse one XML document safely; raises ``etree.XMLSyntaxError`` with libxml2's line and reason."""
    if b"&" in data:
        data = _NAMED_ENTITY.sub(_replace_entity, data)
    return etree.fromstring(data, parser=_parser())


_BARE_AMPERSAND = re.compile(rb"&(?!#[0-9]+;|#x[0-9A-Fa-f]+;|[A-Za-z][A-Za-z0-9._-]*;)")
_UNREPAIRABLE = re.compile(r"encoding|UTF-8|Char 0x|amplification|entity reference loop", re.IGNORECASE)
_ROOT_NAME = re.compile(rb"<([A-Za-z_][\w.:-]*)[\s>/]")


def repair_xml(data: bytes, error: etree.XMLSyntaxError) -> tuple[etree._Element, str] | None:
    """Read a document the offices published malformed, saying how; ``None`` when it cannot be read honestly.

    Real publications carry defects: a bare ``&`` in an address ("Smith & Co"), a heading typed as a tag
    (``<First Embodiment``), an unclosed ``<maths>``. Escaping bare ampersands loses nothing, so it is tried
    first. Otherwise libxml2's recovery is used, but only when the document is complete (its root element is
    closed at the end): a truncated document would be silently cut short, so it stays in the quarantine.
    """
    if _UNREPAIRABLE.search(str(error)) or b"<!ENTITY" in data[:65536]:
        return None  # wrong encodings and entity tricks are not typos: repairing them would invent text
    escaped = _BARE_AMPERSAND.sub(b"&amp;", data)
    if escaped != data:
        try:
            return parse_xml(escaped), f"bare '&' escaped ({error})"
        except etree.XMLSyntaxError:
            data = escaped
    if not _complete(data):
        return None
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
        remove_comments=True, remove_pis=True, recover=True,
    )  # fmt: skip
    try:
        root = etree.fromstring(_NAMED_ENTITY.sub(_replace_entity, data), parser=parser)
    except etree.XMLSyntaxError:
        return None
    if root is None:
        return None
    return root, f"recovered from malformed XML ({error})"


def _complete(data: bytes) -> bool:
    """Whether the document ends by closing the element it opened with (so nothing is missing at the end)."""
    body = re.sub(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(\[.*?\])?\s*>", b"", data[:4096], flags=re.S)
    match = _ROOT_NAME.search(body)
    return match is not None and data.rstrip().endswith(b"</" + match.group(1) + b">")


def local(element: etree._Element) -> str:
    """The tag without its namespace, so ``business:Claims`` and ``Claims`` compare equal."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def text_of(element: etree._Element | None, skip: Iterable[str] = ()) -> str | None:
    """All text under an element with whitespace collapsed; subtrees whose local tag is in ``skip`` are left out."""
    if element is None:
        return None
    skipped = set(skip)
    if not skipped:
        return clean("".join(element.itertext()))
    parts: list[str] = []
    _collect(element, skipped, parts)
    return clean("".join(parts))


def _collect(element: etree._Element, skip: set[str], parts: list[str]) -> None:
    if isinstance(element.tag, str) and local(element) not in skip:
        if element.text:
            parts.append(element.text)
        for child in element:
            _collect(child, skip, parts)
    if element.tail:
        parts.append(element.tail)


def first(element: etree._Element, path: str) -> etree._Element | None:
    """First match of a namespace-agnostic path like ``"BibliographicData/PublicationReference"``."""
    found = _compiled(path)(element)
    return found[0] if found else None


def every(element: etree._Element, path: str) -> list[etree._Element]:
    """All matches of a namespace-agnostic path (``//`` allowed), in document order."""
    return list(_compiled(path)(element))


@lru_cache(maxsize=4096)
def _compiled(path: str) -> etree.XPath:
    """Parsers call the same few hundred paths on every document; compiling each once is several times faster."""
    return etree.XPath(_local_xpath(path))


def first_text(element: etree._Element, path: str) -> str | None:
    return text_of(first(element, path))


def _local_xpath(path: str) -> str:
    """Turn ``a/b//c`` into an XPath that matches local names, ignoring namespaces and prefixes."""
    out: list[str] = []
    descend = path.startswith("//")
    for step in [s for s in path.split("/")]:
        if step == "":
            descend = True
            continue
        if step in (".", ".."):
            out.append(step)
        else:
            axis = "descendant::" if descend else ""
            name, _, predicate = step.partition("[")
            pred = f"[{predicate}" if predicate else ""
            out.append(f"{axis}*[local-name()='{name}']{pred}")
        descend = False
    return "./" + "/".join(out) if out else "."
