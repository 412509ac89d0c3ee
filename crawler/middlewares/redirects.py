"""Scrapy's redirects, and two more that browsers follow and it does not.

- A ``Location`` that is no web address (``mailto:``, ``javascript:``, ``tel:``)
  made Scrapy raise "Missing scheme in request url" while building the
  redirect: the row was ``connection_error``. The 3xx answer is kept instead,
  and the verdict says where it pointed (``crawler.analysis.judge``).
- The HTTP ``Refresh`` header (``Refresh: 0; url=/new-page``), which PHP and
  IIS sites send where others send a 301: browsers go on to the new page, Scrapy
  judged the empty page that carried it (``lost``). It is followed as a
  ``<meta http-equiv="refresh">`` is, within ``METAREFRESH_MAXDELAY``, and the
  result is flagged ``meta_refresh``.
- An address no URL parser reads (``https://[object Object]/``, a script's bug
  written into a ``<base href>``; ``http://[::1`` cut short) in a
  ``<base href>``, a ``<meta http-equiv="refresh">`` or a ``Refresh`` header
  made Scrapy's meta-refresh check raise ValueError: the row was
  ``connection_error`` although the page had answered. A browser stays on such
  a page (its links resolve against the page's own address), and so do we.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
from w3lib.url import safe_url_string

__all__ = ["RedirectsMiddleware", "MetaRefreshesMiddleware", "refresh_target"]

# "5; url=/next", "0;URL='https://example.com/'", "0, /next" (the forms browsers accept).
_REFRESH = re.compile(r"^\s*(\d+(?:\.\d*)?)\s*[;,]\s*(?:url\s*=\s*)?(['\"]?)(.+?)\2\s*$", re.IGNORECASE)


def refresh_target(value: str, max_delay: float) -> str | None:
    """The address a ``Refresh`` header sends a browser to, if it does so within ``max_delay`` seconds."""
    match = _REFRESH.match(value or "")
    if not match or float(match.group(1)) >= max_delay:
        return None
    return match.group(3).strip() or None


class RedirectsMiddleware(RedirectMiddleware):
    def __init__(self, settings):
        super().__init__(settings)
        self._max_refresh_delay = settings.getfloat("METAREFRESH_MAXDELAY")

    def process_response(self, request, response, spider=None):  # noqa: ARG002 - Scrapy's signature
        try:
            answer = super().process_response(request, response)
        except ValueError:  # a Location that is no web address: the 3xx itself is the answer
            return response
        if answer is not response or not 200 <= response.status < 300 or request.meta.get("dont_redirect"):
            return answer
        header = response.headers.get("Refresh")
        target = refresh_target(header.decode("latin-1"), self._max_refresh_delay) if header else None
        if not target:
            return answer
        try:
            url = urljoin(request.url, safe_url_string(target))
        except ValueError:  # an address no parser reads: a browser stays on the page
            return answer
        if url.split("#")[0] == request.url.split("#")[0] or not url.startswith(("http://", "https://")):
            return answer  # a page refreshing itself (a live ticker), or to no web address
        return self._redirect(self._redirect_request_using_get(request, response, url), request, "meta refresh")


class MetaRefreshesMiddleware(MetaRefreshMiddleware):
    """Scrapy's ``<meta http-equiv="refresh">``, staying on the page when its ``<base href>`` or the
    refresh's address cannot be parsed (Scrapy raised ValueError, and the row was ``connection_error``)."""

    def process_response(self, request, response, spider=None):  # noqa: ARG002 - Scrapy's signature
        try:
            return super().process_response(request, response)
        except ValueError:
            return response
