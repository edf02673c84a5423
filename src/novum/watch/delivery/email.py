"""E-mail delivery: one digest per watch and run, HTML and plain text, listing at most ``cap`` alerts and then
"and N more". The SMTP server comes from ``NOVUM_SMTP_URL`` (``smtp://host:port``, ``smtp+starttls://user:pass@host:587``
or ``smtps://...``) and the sender from ``NOVUM_SMTP_FROM``."""

from __future__ import annotations

import html
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import unquote, urlsplit

from novum.watch.model import Alert, Watch, WatchError

DEFAULT_CAP = 20


def digest(watch: Watch, alerts: list[Alert], sender: str, cap: int = DEFAULT_CAP) -> EmailMessage:
    """The digest message for a watch's alerts (the first ``cap`` listed, the rest counted)."""
    shown, rest = alerts[:cap], len(alerts) - min(len(alerts), cap)
    message = EmailMessage()
    noun = "alert" if len(alerts) == 1 else "alerts"
    message["Subject"] = f"novum: {len(alerts)} new {noun} for watch {watch.name}"
    message["From"] = sender
    message["To"] = watch.email or ""
    message["Message-ID"] = make_msgid(domain="novum.local")
    lines = [f"Watch {watch.name}: {watch.describe()}", ""]
    for alert in shown:
        lines.append(f"- {alert.number}  {alert.title or '(no title)'}")
        lines.append(f"  {alert.summary}")
    if rest:
        lines.append(f"... and {rest} more")
    message.set_content("\n".join(lines) + "\n")
    items = "".join(
        f"<li><b>{html.escape(a.number)}</b> {html.escape(a.title or '(no title)')}<br><small>"
        f"{html.escape(a.summary)}</small></li>"
        for a in shown
    )
    more = f"<p>and {rest} more</p>" if rest else ""
    message.add_alternative(
        f"<html><body><h2>Watch {html.escape(watch.name)}</h2><p>{html.escape(watch.describe())}</p>"
        f"<ul>{items}</ul>{more}</body></html>",
        subtype="html",
    )
    return message


def send(message: EmailMessage, smtp_url: str, timeout: float) -> None:
    """Send through the configured server; raises ``OSError``/``smtplib.SMTPException`` on failure."""
    parts = urlsplit(smtp_url)
    if parts.scheme not in ("smtp", "smtps", "smtp+starttls") or not parts.hostname:
        raise WatchError(f"SMTP URL {smtp_url!r} must look like smtp://host:port (or smtps://, smtp+starttls://)")
    port = parts.port or (465 if parts.scheme == "smtps" else 25)
    client: smtplib.SMTP
    if parts.scheme == "smtps":
        client = smtplib.SMTP_SSL(parts.hostname, port, timeout=timeout, context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(parts.hostname, port, timeout=timeout)
    with client:
        if parts.scheme == "smtp+starttls":
            client.starttls(context=ssl.create_default_context())
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        client.send_message(message)
