"""The Atom feed of a watch (RFC 4287), served by the API with the watch's feed token; any feed reader can poll it.

Entry ids are stable (``urn:novum:watch:<name>:alert:<id>``), so a reader never shows an alert twice.
"""

from __future__ import annotations

import hmac
import re
from xml.etree import ElementTree as ET

from novum.watch.model import Alert, Watch

ATOM = "http://www.w3.org/2005/Atom"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")  # characters XML 1.0 forbids


def _text(value: str) -> str:
    return _NOT_XML.sub("", value)


def check_token(watch: Watch, token: str | None) -> bool:
    """Whether a presented feed token is the watch's (constant-time comparison)."""
    return token is not None and hmac.compare_digest(watch.feed_token.encode(), token.encode())


def atom_feed(watch: Watch, alerts: list[Alert], base_url: str | None = None) -> bytes:
    """The feed document: one entry per alert, newest first, saying the document, why it fired and when.

    ``base_url`` (the server's public address) makes each entry link to the document's page and the feed link to
    itself; without it entries carry no link."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = f"novum watch: {watch.name}"
    ET.SubElement(feed, f"{{{ATOM}}}subtitle").text = _text(watch.describe())
    ET.SubElement(feed, f"{{{ATOM}}}id").text = f"urn:novum:watch:{watch.name}"
    updated = max((a.created_at or "" for a in alerts), default="") or watch.created_at
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _rfc3339(updated)
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = watch.owner or "novum"
    ET.SubElement(feed, f"{{{ATOM}}}generator").text = "novum"
    base = base_url.rstrip("/") if base_url else None
    if base:
        ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=f"{base}/watches/{watch.name}/feed.atom")
    for alert in alerts:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"urn:novum:watch:{watch.name}:alert:{alert.id}"
        ET.SubElement(entry, f"{{{ATOM}}}title").text = _text(f"{alert.number}: {alert.title or '(no title)'}")
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _rfc3339(alert.created_at or updated)
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = _text(alert.summary)
        ET.SubElement(
            entry, f"{{{ATOM}}}category", term=_text(alert.reason.split(":", 1)[0]), label=_text(alert.reason)
        )
        if base:
            ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=f"{base}/patents/{alert.number}")
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body


def _rfc3339(value: str) -> str:
    """Stored times are ISO with an offset; a bare date or naive time gets UTC."""
    if "T" not in value:
        return f"{value}T00:00:00Z"
    return value.replace("+00:00", "Z") if value.endswith("+00:00") else value if value[-1] == "Z" else value + "Z"
