"""Peak memory of streaming a 50,000-URL sitemap with 300,000 hreflang alternates.

Prints the figures; run with `python bench/sitemap_memory.py`.
"""

import gzip
import io
import resource
import time
import tracemalloc

from extract.hreflang import iter_sitemap


def sitemap(urls: int, alternates: int) -> bytes:
    head = b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">'
    parts = [head]
    for i in range(urls):
        parts.append(b"<url><loc>https://www.example.com/page/%d</loc>" % i)
        parts.extend(b'<xhtml:link rel="alternate" hreflang="l%d" href="https://www.example.com/l%d/page/%d"/>' % (j, j, i) for j in range(alternates))
        parts.append(b"</url>")
    parts.append(b"</urlset>")
    return gzip.compress(b"".join(parts))


def main() -> None:
    data = sitemap(50_000, 6)
    tracemalloc.start()
    started = time.perf_counter()
    count = sum(len(entry[2]) for entry in iter_sitemap(gzip.GzipFile(fileobj=io.BytesIO(data))))
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    print(f"sitemap: 50,000 URLs, {count:,} alternates, {len(data) / 1e6:.1f} MB gzip")
    print(f"parse time: {elapsed:.2f} s; Python heap peak while parsing: {peak / 1e6:.1f} MB; "
          f"process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3:.0f} MB")


if __name__ == "__main__":
    main()
