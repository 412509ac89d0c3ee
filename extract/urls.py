"""URL validation, normalisation and matching of links against a target.

Matching follows what an SEO means by "the same page": scheme, ``www.``,
default ports, a trailing slash, percent-encoding case, IDN vs punycode,
fragment and tracking parameters make no difference.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import SplitResult, parse_qsl, quote, unquote, urlencode, urljoin, urlsplit

import idna
import tldextract

__all__ = [
    "ascii_host",
    "Target",
    "invalid_url_reason",
    "normalized_key",
    "registered_domain",
    "split_host",
    "host_of",
    "match_href",
    "resolve_href",
    "country_from_host",
]

# The bundled Public Suffix List snapshot; never the network.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

# Query parameters that only track a click and never change the page.
TRACKING_PARAMS = re.compile(
    r"^(utm_[a-z_]+|gclid|gclsrc|dclid|gbraid|wbraid|fbclid|msclkid|yclid|twclid|"
    r"mc_eid|mc_cid|_ga|_gl|igshid|ref_src|ref_url|mkt_tok|oly_enc_id|oly_anon_id|"
    r"_hsenc|_hsmi|__hssc|__hstc|__hsfp|hsctatracking|vero_id|wickedid|s_kwcid|ef_id|srsltid)$",
    re.IGNORECASE,
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")
# Google's list of ccTLDs it treats as generic, plus .eu and .ai (contract).
GENERIC_CCTLDS = frozenset(
    "ad as bz cc cd co dj fm io la me ms nu sc sr su tv tk ws ai eu".split()
)
_CCTLD_TO_COUNTRY = {"uk": "GB"}


@dataclass(frozen=True)
class Target:
    """What the user asked us to find links to: a page, or a whole domain."""

    raw: str
    url: str | None  # absolute URL when the target is a page
    domain: str  # registrable domain, e.g. "acme-secure.com"

    @classmethod
    def parse(cls, raw: str) -> Target:
        """Accept ``https://acme.com/page`` or a bare ``acme.com``.

        Raises ValueError with a readable message when it is neither.
        """
        text = raw.strip()
        if not text:
            raise ValueError("empty target")
        if "://" not in text:
            if "/" in text.strip("/"):
                text = "http://" + text
            else:
                host = text.strip("/").lower()
                reason = _invalid_host_reason(_to_ascii_host(host))
                if reason:
                    raise ValueError(f"target {raw!r}: {reason}")
                return cls(raw=raw, url=None, domain=registered_domain(host))
        reason = invalid_url_reason(text)
        if reason:
            raise ValueError(f"target {raw!r}: {reason}")
        # A home page given as a URL still means "that page", not its domain.
        return cls(raw=raw, url=text, domain=registered_domain(host_of(text)))

    @property
    def is_domain(self) -> bool:
        return self.url is None

    @property
    def fetch_url(self) -> str:
        """The page whose text stands for the target (home page for a domain)."""
        return self.url or f"http://{self.domain}/"

    @property
    def key(self) -> str:
        return normalized_key(self.url) if self.url else self.domain


@lru_cache(maxsize=65536)  # a page's links name a few hosts many times; IDNA encoding is slow
def _to_ascii_host(host: str) -> str:
    """The host as the DNS knows it, lower case: an internationalised name in IDNA 2008 with UTS #46,
    as browsers resolve it ("fußball.de" is xn--fuball-cta.de; Python's own codec, IDNA 2003, made it
    fussball.de, another domain, so a link written in punycode to it was "lost"); a name IDNA 2008
    refuses (a symbol, "☃.com") as IDNA 2003 writes it; one neither can write, as it came."""
    host = host.strip().rstrip(".").lower()
    if host.isascii():
        return host
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except (UnicodeError, ValueError):  # idna.IDNAError is a UnicodeError
        pass
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def ascii_host(host: str) -> str:
    """``host`` as the DNS knows it (see ``_to_ascii_host``); non-ASCII only when no IDNA can write it."""
    return _to_ascii_host(host)


def _invalid_host_reason(host: str) -> str | None:
    if not host:
        return "no host"
    if len(host) > 253:
        return "host name too long"
    try:  # an address (``http://[2001:db8::1]/``, whose brackets urlsplit takes off, or ``http://203.0.113.7/``)
        ipaddress.ip_address(host.strip("[]"))
        return None
    except ValueError:
        pass
    labels = host.split(".")
    if any(not _HOST_LABEL.match(label) for label in labels):
        return f"malformed host {host!r}"
    return None


# Browsers open URLs far longer than the 2,083 characters of old Internet
# Explorer (Scrapy's default limit, which drops longer requests without a
# word); servers commonly accept 8-64 KB. Longer than this is not a page address.
MAX_URL_LENGTH = 32_768


def invalid_url_reason(url: str) -> str | None:
    """Why ``url`` cannot be fetched as a page, or None when it can."""
    if url is None or not url.strip():
        return "empty URL"
    if len(url) > MAX_URL_LENGTH:
        return f"URL of {len(url):,} characters (longer than {MAX_URL_LENGTH:,})"
    if url != url.strip() or any(ch.isspace() for ch in url):
        return "URL contains spaces"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return f"malformed URL ({exc})"
    if parts.scheme.lower() not in ("http", "https"):
        scheme = parts.scheme or "none"
        return f"not an http(s) URL (scheme {scheme})"
    if port == 0:
        return "malformed URL (port 0)"
    host = parts.hostname or ""
    return _invalid_host_reason(_to_ascii_host(host))


def host_of(url: str) -> str:
    """Lower-case ASCII (punycode) host of ``url``, without ``www.``."""
    try:
        return _host_of_parts(urlsplit(url))
    except ValueError:
        return ""


def _host_of_parts(parts: SplitResult) -> str:
    host = _to_ascii_host(parts.hostname or "")
    return host[4:] if host.startswith("www.") else host


def split_host(host: str) -> tldextract.tldextract.ExtractResult:
    """``mail.yahoo.co.jp`` -> subdomain ``mail``, domain ``yahoo``, suffix ``co.jp`` (the bundled suffix list)."""
    return _EXTRACT(host)


@lru_cache(maxsize=65536)
def registered_domain(host: str) -> str:
    """``blog.example.co.uk`` -> ``example.co.uk``; IPs and bare names as is."""
    host = _to_ascii_host(host)
    parts = _EXTRACT(host)
    if parts.domain and parts.suffix:
        return f"{parts.domain}.{parts.suffix}"
    return host


def country_from_host(host: str) -> str | None:
    """ISO 3166-1 alpha-2 from a ccTLD; None for generic TLDs."""
    suffix = _EXTRACT(_to_ascii_host(host)).suffix
    if not suffix:
        return None
    tld = suffix.rsplit(".", 1)[-1]
    if len(tld) != 2 or not tld.isalpha() or tld in GENERIC_CCTLDS:
        return None
    return _CCTLD_TO_COUNTRY.get(tld, tld.upper())


def _normalize_path(path: str) -> str:
    # Decode then re-encode so %7E, ~ and %7e compare equal; keep "/" as is.
    path = quote(unquote(path), safe="/:@!$&'()*+,;=-._~")
    path = re.sub(r"/{2,}", "/", path)
    if path.endswith("/"):
        path = path.rstrip("/")
    for index in ("/index.html", "/index.htm", "/index.php", "/default.aspx"):
        if path.lower().endswith(index):
            path = path[: -len(index)]
    return path


# A page's links repeat a few addresses and a target meets all its sources; a
# list's source URLs are each keyed once or twice in a row, and 65,536 cached
# keys held 16 MB for the whole of a 100,000-row run.
@lru_cache(maxsize=4096)
def normalized_key(url: str) -> str:
    """A comparison key: two URLs with equal keys are the same page."""
    parts = urlsplit(url.strip())
    host = host_of(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    scheme = parts.scheme.lower()
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not TRACKING_PARAMS.match(k)
    ]
    query_text = urlencode(sorted(query))
    return f"{netloc}{_normalize_path(parts.path)}" + (f"?{query_text}" if query_text else "")


def resolve_href(href: str, base_url: str) -> str | None:
    """Absolute http(s) URL of an href, or None for javascript:, mailto: and junk."""
    resolved = _resolve(href, base_url)
    return resolved[0] if resolved else None


def resolve_href_host(href: str, base_url: str) -> tuple[str, str] | None:
    """``(absolute URL, host_of it)`` of an href, or None as ``resolve_href``; the URL is split once."""
    resolved = _resolve(href, base_url)
    return (resolved[0], _host_of_parts(resolved[1])) if resolved else None


def _resolve(href: str, base_url: str) -> tuple[str, SplitResult] | None:
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    lowered = href[:12].lower().replace(" ", "")
    if lowered.startswith(("javascript:", "mailto:", "tel:", "data:", "about:", "sms:")):
        return None
    try:
        absolute = urljoin(base_url, href)
        parts = urlsplit(absolute)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https"):
        return None
    return absolute, parts


def match_href(absolute_href: str, target: Target) -> str | None:
    """``exact`` | ``normalized`` | ``domain`` | None for one absolute link URL."""
    if target.url is None:
        host = host_of(absolute_href)
        if host and registered_domain(host) == target.domain:
            return "domain"
        return None
    if absolute_href.split("#", 1)[0] == target.url.split("#", 1)[0]:
        return "exact"
    if normalized_key(absolute_href) == normalized_key(target.url):
        return "normalized"
    return None
