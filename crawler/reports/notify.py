"""Alerts: a short summary of what changed, sent through Apprise to wherever the user reads alerts.

One URL scheme per service (``slack://…``, ``msteams://…``, ``discord://…``,
``mailto://…``, ``ntfy://…``, ``json://host:port/path`` for a plain JSON
webhook…), given with ``--notify`` (repeatable) or in ``LINKVERIFIER_NOTIFY``
(space-separated) so that a token or an SMTP password need not sit on the
command line. A notify URL carries a secret: it is never printed whole (only
its scheme and host) and never stored. A delivery that fails is one line on
stderr; it never changes the exit status of the check itself.
"""

from __future__ import annotations

import os
from collections import Counter
from urllib.parse import urlsplit

__all__ = ["CHANGE_KINDS", "notify_urls", "redact", "summary", "send", "unknown_urls"]

CHANGE_KINDS = ("new", "lost", "unreachable", "back", "rel_changed", "anchor_changed", "placement_changed", "target_changed")
ENVIRONMENT = "LINKVERIFIER_NOTIFY"
MAX_LINES = 50  # changed links listed in one message; the rest are counted


def notify_urls(given: tuple[str, ...] | list[str]) -> list[str]:
    """``--notify`` URLs, then those in ``LINKVERIFIER_NOTIFY``."""
    return [*given, *os.environ.get(ENVIRONMENT, "").split()]


def unknown_urls(urls: list[str]) -> list[str]:
    """The URLs Apprise cannot send to (an unknown scheme, a malformed URL): told before a run, not after it.
    Nothing is sent or resolved: Apprise only parses them."""
    if not urls:
        return []
    import logging

    import apprise

    logging.getLogger("apprise").setLevel(logging.CRITICAL)  # it would log the URL, secret and all
    return [url for url in urls if not apprise.Apprise().add(url)]


def redact(url: str) -> str:
    """A notify URL as it may be shown: scheme and host, never a token or password."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return "a notify URL"
    return f"{parts.scheme}://{host}/…" if parts.scheme else "a notify URL"


def summary(changes: list[dict]) -> tuple[str, str]:
    """Title and body: counts per kind, then each lost or changed link with its page and reason."""
    counts = Counter(change["change"] for change in changes)
    parts = ", ".join(f"{counts[kind]} {kind}" for kind in CHANGE_KINDS if counts[kind])
    title = f"linkverifier: {parts or 'no changes'}"
    listed = [c for c in changes if c["change"] != "new"] + [c for c in changes if c["change"] == "new"]
    lines = [f"{c['change']}: {c['source_url']} -> {c['target']}: {c['detail']}" for c in listed[:MAX_LINES]]
    if len(listed) > MAX_LINES:
        lines.append(f"… and {len(listed) - MAX_LINES} more (linkverifier changes --out changes.csv)")
    return title, "\n".join(lines) or "No backlink changed."


def send(urls: list[str], changes: list[dict]) -> list[str]:
    """Send the summary to every URL; returns one line per delivery that failed (secrets redacted)."""
    if not urls:
        return []
    import logging

    import apprise

    # Apprise logs a failed delivery with the endpoint, which can carry the secret: our one line says it instead.
    logging.getLogger("apprise").setLevel(logging.CRITICAL)
    title, body = summary(changes)
    failures = []
    for url in urls:
        channel = apprise.Apprise()
        if not channel.add(url):
            failures.append(f"notify {redact(url)}: not a notification URL Apprise knows")
            continue
        try:
            delivered = channel.notify(title=title, body=body)
        except Exception as exc:  # a plugin's own failure is a failed delivery, not a crash
            delivered = False
            failures.append(f"notify {redact(url)}: {type(exc).__name__}")
            continue
        if not delivered:
            failures.append(f"notify {redact(url)}: delivery failed")
    return failures
