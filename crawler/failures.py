"""From a failed download to the contract's error reason (runs in the crawling process)."""

from __future__ import annotations

from scrapy import exceptions as scrapy_errors
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from twisted.internet import error as twisted_errors
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from crawler.middlewares.robots_txt import RobotsDisallowed

__all__ = ["failure_reason", "failure_message"]


def _corrupt_body_errors() -> tuple[type[BaseException], ...]:
    """What the decoders raise on a body that is not what its Content-Encoding says (gzip, deflate, br, zstd)."""
    import gzip
    import importlib
    import zlib

    errors: list[type[BaseException]] = [gzip.BadGzipFile, zlib.error, EOFError]
    # The modules Scrapy decodes br and zstd with, whichever are installed.
    for module, name in (("brotli", "error"), ("brotlicffi", "error"), ("compression.zstd", "ZstdError"),
                         ("backports.zstd", "ZstdError"), ("zstandard", "ZstdError")):
        try:
            errors.append(getattr(importlib.import_module(module), name))
        except (ImportError, AttributeError):
            pass
    return tuple(errors)


_CORRUPT_BODY = _corrupt_body_errors()


def failure_message(exception: BaseException) -> str:
    """The error row's ``message`` for a download that failed."""
    text = str(exception) or type(exception).__name__
    if isinstance(exception, _CORRUPT_BODY):
        return f"the server sent a compressed body that cannot be decoded ({text})"
    return text


def failure_reason(exception: BaseException) -> str:
    """The contract's error reason for a download that failed."""
    if isinstance(exception, RobotsDisallowed):
        return "robots_disallowed"
    if isinstance(exception, _CORRUPT_BODY):  # the server's fault, not the connection's
        return "server_error"
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
