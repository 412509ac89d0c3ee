"""From a failed download to the contract's error reason (runs in the crawling process)."""

from __future__ import annotations

from scrapy import exceptions as scrapy_errors
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from twisted.internet import error as twisted_errors
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from crawler.middlewares.robots_txt import RobotsDisallowed

__all__ = ["failure_reason"]


def failure_reason(exception: BaseException) -> str:
    """The contract's error reason for a download that failed."""
    if isinstance(exception, RobotsDisallowed):
        return "robots_disallowed"
    if isinstance(exception, DownloadCancelledError):
        return "too_large"
    if isinstance(exception, IgnoreRequest):
        text = str(exception)
        if "max redirections" in text:
            return "too_many_redirects"
        if "DOWNLOAD_MAXSIZE" in text or "max size" in text.lower():
            return "too_large"
        return "connection_error"
    if isinstance(exception, (scrapy_errors.DownloadTimeoutError, twisted_errors.TimeoutError, twisted_errors.TCPTimedOutError)):
        return "timeout"
    if isinstance(exception, (scrapy_errors.CannotResolveHostError, twisted_errors.DNSLookupError)):
        return "dns_error"
    if isinstance(exception, (ResponseFailed, ResponseNeverReceived)):
        causes = getattr(exception, "reasons", [])
        if any("maxsize" in str(c.value).lower() or "max size" in str(c.value).lower() for c in causes):
            return "too_large"
        return "connection_error"
    return "connection_error"
