"""Page-level robots directives from ``<meta>`` tags and ``X-Robots-Tag``.

Google obeys both ``robots`` and ``googlebot`` meta tags and
``X-Robots-Tag`` headers, optionally prefixed with a user agent
(``googlebot: noindex``); directives for other agents are ignored, and the
most restrictive directive wins. ``none`` means ``noindex, nofollow``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import html

from extract.selectors import PageTags

__all__ = ["RobotsDirectives", "robots_directives"]

_GOOGLE_AGENTS = {"googlebot", "googlebot-news", "google"}
# A header value may name an agent: "googlebot: noindex, nofollow".
_AGENT_PREFIX = re.compile(r"^\s*([a-z0-9_-]+)\s*:\s*(.*)$", re.IGNORECASE)
# Directives that take a value themselves ("max-snippet: 20", "unavailable_after: …").
_VALUED = {"max-snippet", "max-image-preview", "max-video-preview", "unavailable_after"}


@dataclass(frozen=True)
class RobotsDirectives:
    noindex: bool = False
    nofollow: bool = False


def _tokens(value: str) -> Iterable[str]:
    for token in re.split(r"[,\s]+", value.lower()):
        if token:
            yield token


def _apply(tokens: Iterable[str], state: dict[str, bool]) -> None:
    for token in tokens:
        if token in ("noindex", "none"):
            state["noindex"] = True
        if token in ("nofollow", "none"):
            state["nofollow"] = True


def _header_tokens(value: str) -> Iterable[str]:
    """Tokens of one X-Robots-Tag header that apply to Googlebot."""
    match = _AGENT_PREFIX.match(value)
    if match and match.group(1).lower() not in _VALUED:
        if match.group(1).lower() not in _GOOGLE_AGENTS:
            return ()
        value = match.group(2)
    return _tokens(value)


def robots_directives(tree: html.HtmlElement | None, x_robots_tags: Iterable[str],
                      tags: PageTags | None = None) -> RobotsDirectives:
    state = {"noindex": False, "nofollow": False}
    for header in x_robots_tags:
        _apply(_header_tokens(header), state)
    if tree is not None:
        for meta in (tags or PageTags(tree)).robots_metas():
            _apply(_tokens(meta.get("content", "")), state)
    return RobotsDirectives(**state)
