"""A seeded hostile web: real pages, real outbound targets, and servers that fail in every way at once.

``bench/soak.py`` (``make soak``) and ``tests/test_soak.py`` build it on a
``LocalWeb``. Each source page is served at its own URL (made ``http://``:
the local web is an HTTP proxy); each row's target is, as in a real export,
one of that page's own outbound links, so most targets sit on hosts the web
does not serve (502 through the proxy, a failed tunnel for ``https``). On
top come the faults a real list meets: first bytes later than the timeout,
connections reset mid-body, bodies shorter than their Content-Length,
broken gzip, redirect loops, 12 MB bodies, 429 with a long Retry-After, 5xx,
robots.txt that hangs or answers 500, targets that 404, do not resolve
(``.invalid``, kept off the proxy) or sit on unknown hosts, URLs of 3,000
characters, a cell of 300,000 characters, duplicate rows and rows that are
not URLs at all.

Pages come from ``../shared/data/placement`` (WCEB and Mozilla captures)
when it is there, else they are generated, so the test runs from a plain clone.
"""

from __future__ import annotations

import csv
import gzip
import io
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from crawler.demo.localweb import LocalWeb

__all__ = ["HostileWeb", "build_hostile_web", "FAULTS"]

_HREF = re.compile(rb"""<a\s[^>]*?href\s*=\s*["']([^"'#][^"']*)["']""", re.IGNORECASE)
_FIRST_P = re.compile(rb"<p[ >]", re.IGNORECASE)

# Faults on source pages; each takes a share of the rows.
FAULTS = [
    "slow_first_byte", "reset", "short_body", "stall", "broken_gzip", "redirect_loop", "huge", "rate_limited",
    "server_error", "robots_hang", "robots_500", "robots_disallow_all", "long_url",
]
TARGET_FAULTS = ["target_404", "target_dns", "target_unknown_host", "target_long_url"]


@dataclass
class HostileWeb:
    csv_text: str
    rows: int  # data rows in the CSV
    kinds: list[str] = field(default_factory=list)  # what each row tests, in input order


def _real_pages(data: Path, limit: int) -> list[tuple[str, bytes]]:
    """(URL, HTML) of the captured pages, as many as ``limit``."""
    pages: list[tuple[str, bytes]] = []
    wceb = data / "placement" / "wceb"
    if (wceb / "html").is_dir():
        import json

        for file in sorted((wceb / "html").glob("*.html.gz")):
            truth = wceb / "ground-truth" / file.name.replace(".html.gz", ".json")
            try:
                url = json.loads(truth.read_text(encoding="utf-8"))["url"]
            except (OSError, ValueError, KeyError):
                continue
            pages.append((url, gzip.decompress(file.read_bytes())))
            if len(pages) >= limit:
                return pages
    mozilla = data / "placement" / "mozilla"
    if mozilla.is_dir():
        for folder in sorted(p for p in mozilla.iterdir() if (p / "source.html.gz").exists()):
            pages.append((f"http://mozilla-{folder.name}.example.org/article", gzip.decompress((folder / "source.html.gz").read_bytes())))
            if len(pages) >= limit:
                break
    return pages


_WORDS = ("garden soil compost tomato seeds harvest pruning roses mulch watering budget index fund dividend "
          "portfolio bond retirement puppy training leash vet grooming kibble football striker goal league "
          "coach penalty recipe flour oven butter dough yeast").split()


def _generated_pages(count: int, rng: random.Random) -> list[tuple[str, bytes]]:
    """Pages shaped like real ones (navigation, article, footer, outbound links) for a plain clone."""
    pages = []
    for i in range(count):
        host = f"site{i % 97}.example.com"
        outbound = [f"http://{rng.choice(['partner', 'shop', 'news', 'wiki'])}{rng.randrange(400)}.example.net/{rng.choice(_WORDS)}"
                    for _ in range(4)]
        outbound.append(f"https://secure{rng.randrange(50)}.example.org/{rng.choice(_WORDS)}/")
        text = " ".join(rng.choice(_WORDS) for _ in range(120))
        links = "".join(f'<p>More on <a href="{href}">{rng.choice(_WORDS)}</a> here.</p>' for href in outbound)
        body = (f"<!doctype html><html lang=en><head><title>Post {i}</title></head><body>"
                f"<nav><a href='/'>Home</a> <a href='/about'>About</a></nav><article><h1>Post {i}</h1><p>{text}</p>"
                f"{links}</article><footer><a href='/privacy'>Privacy</a></footer></body></html>")
        pages.append((f"http://{host}/post/{i}", body.encode()))
    return pages


def _served_url(url: str) -> str:
    """The page's own URL, over plain HTTP (the local web is an HTTP proxy)."""
    parts = urlsplit(url)
    return f"http://{parts.netloc}{parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")


def _outbound(url: str, body: bytes) -> list[str]:
    """The page's absolute links to other hosts: the targets a real export would list."""
    host = urlsplit(url).hostname
    found = []
    for raw in _HREF.findall(body[:2_000_000]):
        try:
            href = urljoin(url, raw.decode("utf-8", "replace").strip())
        except ValueError:
            continue
        parts = urlsplit(href)
        if parts.scheme in ("http", "https") and parts.hostname and parts.hostname != host and len(href) < 500:
            found.append(href)
    return list(dict.fromkeys(found))


def _with_link(body: bytes, href: str) -> bytes:
    """The page with an editorial link to ``href`` in its first paragraph."""
    link = f'<a href="{href}">the guide we used</a> '.encode()
    match = _FIRST_P.search(body)
    if match:
        end = body.find(b">", match.start()) + 1
        return body[:end] + link + body[end:]
    return body.replace(b"</body>", b"<p>" + link + b"</p></body>", 1)


def build_hostile_web(web: LocalWeb, rows: int = 2000, seed: int = 7, timeout: float = 5.0,
                      data: Path | None = None) -> HostileWeb:
    """Register a hostile web on ``web`` and return the backlink list (CSV) that checks it.

    ``timeout`` is the ``--timeout`` the run will use: slow servers answer later than it.
    Requests to ``*.invalid`` must bypass the proxy (``no_proxy=.invalid``) to fail DNS.
    """
    rng = random.Random(seed)
    pages = _real_pages(data, rows // 2) if data is not None else []
    if len(pages) < rows // 2:
        pages += _generated_pages(rows // 2 - len(pages), rng)
    late = timeout + 3  # later than --timeout: a timeout, retried once
    huge = b"<html><body><p>" + b"big " * (3 * 1024 * 1024) + b"</p></body></html>"  # 12 MB, one object for every route
    served_targets = [f"http://www.acme-target{i}.example/guide/{i}" for i in range(8)]
    for url in served_targets:
        web.add(url, "<html lang=en><head><title>Guide</title></head><body><article><p>"
                + " ".join(rng.choice(_WORDS) for _ in range(200)) + "</p></article></body></html>")
    table: list[list[str]] = []
    kinds: list[str] = []

    def row(kind: str, source: str, target: str, notes: str = "") -> None:
        table.append([source, target, f"anchor {len(table)}", notes])
        kinds.append(kind)

    page_iter = iter(pages)
    fault_cycle = FAULTS + TARGET_FAULTS
    while len(table) < rows:
        try:
            url, body = next(page_iter)
        except StopIteration:
            page_iter = iter(pages)
            continue
        source = _served_url(url)
        outbound = _outbound(url, body) or [rng.choice(served_targets)]
        draw = rng.random()
        if draw < 0.30:  # a fault on this page or its target
            kind = fault_cycle[len(table) % len(fault_cycle)]
            _add_fault(web, kind, source, body, late, huge, rng, row, outbound, served_targets)
            continue
        if draw < 0.45:  # a live link to a target the web serves
            target = rng.choice(served_targets)
            web.add(source, _with_link(body, target))
            row("live", source, target)
            continue
        # As in a real export: 1-6 rows for this page, each a target it links to.
        web.add(source, body)
        for target in rng.sample(outbound, min(len(outbound), rng.randint(1, 6))):
            row("outbound", source, target)
    del table[rows:], kinds[rows:]
    # The odd rows a real export holds: duplicates, a huge cell, rows that are not URLs.
    for position, kind in ((rows // 3, "duplicate"), (rows // 2, "huge_cell"), (2 * rows // 3, "not_a_url")):
        source, target = table[position - 1][0], table[position - 1][1]
        if kind == "duplicate":
            table[position] = [source, target, "dup", ""]
        elif kind == "huge_cell":
            table[position] = [source, target, "big", "x" * 300_000]
        else:
            table[position] = ["not a url at all", target, "", ""]
        kinds[position] = kind
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["source_url", "target_url", "anchor", "notes"])
    writer.writerows(table)
    return HostileWeb(out.getvalue(), len(table), kinds)


def _add_fault(web, kind, source, body, late, huge, rng, row, outbound, served_targets) -> None:
    host = urlsplit(source).netloc
    target = rng.choice(served_targets)
    linked = _with_link(body, target)
    if kind == "slow_first_byte":
        web.add(source, linked, delay=late)
    elif kind in ("reset", "short_body"):
        web.add(source, linked, fault="reset" if kind == "reset" else "short")
    elif kind == "stall":
        web.add(source, linked, fault="stall", delay=late)
    elif kind == "broken_gzip":
        web.add(source, b"\x1f\x8b\x08\x00garbage" + body[:5000], headers={"Content-Encoding": "gzip"})
    elif kind == "redirect_loop":
        web.add(source, status=302, headers={"Location": source + "?loop=1"})
        web.add(source + "?loop=1", status=302, headers={"Location": source})
    elif kind == "huge":
        web.add(source, huge)
    elif kind == "rate_limited":
        web.add(source, "slow down", status=429, headers={"Retry-After": "3600"})
    elif kind == "server_error":
        web.add(source, "oops", status=rng.choice([500, 502, 503]))
    elif kind == "robots_hang":
        web.add(f"http://{host}/robots.txt", "User-agent: *\nAllow: /\n", delay=late, headers={"Content-Type": "text/plain"})
        web.add(source, linked)
    elif kind == "robots_500":
        web.add(f"http://{host}/robots.txt", "oops", status=500)
        web.add(source, linked)
    elif kind == "robots_disallow_all":
        web.add(f"http://{host}/robots.txt", "User-agent: *\nDisallow: /\n", headers={"Content-Type": "text/plain"})
        web.add(source, linked)
    elif kind == "long_url":
        source = f"{source}?q={'x' * 3000}"
        web.add(source, linked)
    elif kind == "target_404":
        target = f"http://www.acme-target0.example/gone/{rng.randrange(10**9)}"
        web.add(source, _with_link(body, target))
    elif kind == "target_dns":
        target = f"http://no-such-host-{rng.randrange(10**6)}.invalid/page"
        web.add(source, _with_link(body, target))
    elif kind == "target_unknown_host":
        target = f"http://unknown-{rng.randrange(10**6)}.example/page"
        web.add(source, _with_link(body, target))
    elif kind == "target_long_url":
        target = f"http://www.acme-target1.example/guide/1?ref={'y' * 3000}"
        web.add(target, "<html><body><p>long</p></body></html>")
        web.add(source, _with_link(body, target))
    row(kind, source, target)
