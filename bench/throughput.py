"""Throughput of full verification against the fetch-and-parse ceiling, on one machine.

Serves N real pages (../shared/data/placement/wceb) from loopback across many
hosts, each with a link to the target inserted into its first paragraph, and
measures in the same run:
  (a) the ceiling: a bare Scrapy spider that fetches each page and parses it with lxml;
  (b) `linkverifier verify` with every field computed (placement, language, topical fit).
  (c) optionally, advertools' crawl in list mode on the same URLs, with the
      ceiling's concurrency settings (``--advertools PYTHON``: a Python that
      has advertools installed, kept out of this project's environment;
      ``make bench-advertools`` builds one).
Prints pages/s for each, the ratios, CPU ms/page per analysis stage, peak RSS.

    python bench/throughput.py [--pages 1000] [--hosts 50] [--advertools PYTHON]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from proctree import proc_cpu_seconds, proc_kb, tree_pids  # noqa: E402 - beside this script
from stages import stage_profile, trafilatura_default_ms  # noqa: E402 - beside this script

from crawler.demo.localweb import LocalWeb  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "placement" / "wceb" / "html"
TARGET = "http://www.acme-bench.example/whitepaper"
_FIRST_P = re.compile(rb"<p[ >]", re.IGNORECASE)

BARE_SPIDER = '''
import json, sys, time, lxml.html, scrapy
from scrapy.crawler import CrawlerProcess
urls = open(sys.argv[1]).read().split()
class Bare(scrapy.Spider):
    name = "bare"
    async def start(self):
        for url in urls:
            yield scrapy.Request(url, dont_filter=True)
    def parse(self, response):
        tree = lxml.html.fromstring(response.body)
        yield {"links": len(tree.xpath("//a[@href]"))}
process = CrawlerProcess({**json.loads(sys.argv[2]),
    "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor"})
process.crawl(Bare)
process.start()
'''

CRAWL_SETTINGS = {
    "LOG_LEVEL": "ERROR", "CONCURRENT_REQUESTS": 32, "CONCURRENT_REQUESTS_PER_DOMAIN": 4, "AUTOTHROTTLE_ENABLED": True,
    "AUTOTHROTTLE_START_DELAY": 0.25, "AUTOTHROTTLE_TARGET_CONCURRENCY": 4.0, "DOWNLOAD_TIMEOUT": 30, "RETRY_TIMES": 1,
    "TELNETCONSOLE_ENABLED": False, "ROBOTSTXT_OBEY": True,
}
ADVERTOOLS = '''
import json, sys, advertools
urls = open(sys.argv[1]).read().split()
advertools.crawl(urls, sys.argv[2], follow_links=False, custom_settings=json.loads(sys.argv[3]))
'''


def build_web(pages: int, hosts: int) -> tuple[LocalWeb, list[str]]:
    web = LocalWeb()
    files = sorted(DATA.glob("*.html.gz"))[:pages]
    urls = []
    for i, file in enumerate(files):
        body = gzip.decompress(file.read_bytes())
        link = f'<a href="{TARGET}">zero-day whitepaper</a> '.encode()
        match = _FIRST_P.search(body)
        if match:
            end = body.find(b">", match.start()) + 1
            body = body[:end] + link + body[end:]
        else:
            body = body.replace(b"</body>", link + b"</body>")
        url = f"http://site{i % hosts}.bench.example/page/{i}"
        web.add(url, body, headers={"Content-Type": "text/html"})
        urls.append(url)
    web.add(TARGET, "<html lang=en><body><article><p>" + "Zero-day vulnerabilities and exploits explained. " * 40 + "</p></article></body></html>")
    return web, urls


def run(command: list[str], env: dict, cwd: Path | None = None) -> tuple[float, float, float, float]:
    """(wall seconds, peak RSS MB of the command's whole process tree sampled every 50 ms,
    CPU seconds of the command's own process, CPU seconds of its descendants)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL)
    peak = 0
    cpu: dict[int, float] = {}  # last reading per pid: a process's CPU is lost once it exits
    while process.poll() is None:
        pids = tree_pids(process.pid)
        peak = max(peak, sum(proc_kb(pid, "status", "VmRSS:") for pid in pids))
        cpu.update({pid: seconds for pid in pids if (seconds := proc_cpu_seconds(pid))})
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    if process.returncode:
        raise SystemExit(f"{command[1]} failed with exit {process.returncode}")
    own = cpu.pop(process.pid, 0.0)
    return elapsed, peak / 1024, own, sum(cpu.values())


def worker_pages(web: LocalWeb, urls: list[str], sample: int) -> tuple[list, list, dict]:
    """``sample`` pages spread evenly over the list, as an analysis worker receives them: fetched pages, their
    rows, the target's profile. Spread, not the first ones: WCEB's pages grow heavier down the list (its first
    200 cost trafilatura 20 ms a page, all 1,000 35 ms), and the limit must be the one of the pages measured."""
    from crawler.analysis.fetched import FetchedPage
    from crawler.analysis.page import analyze_target
    from crawler.lists.backlinks import make_row
    from extract.urls import Target

    def fetched(url: str) -> FetchedPage:
        return FetchedPage(url, url, 200, {"content-type": ["text/html"]}, web.routes[url.split("://", 1)[1]].body)

    target = Target.parse(TARGET)
    count = min(sample, len(urls))
    chosen = [(i, urls[i]) for i in (k * len(urls) // count for k in range(count))]
    pages = [fetched(url) for _, url in chosen]
    rows = [[make_row(i, url, TARGET, target, {})] for i, url in chosen]
    return pages, rows, {target.key: analyze_target(fetched(TARGET))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--advertools", metavar="PYTHON", help="a Python with advertools installed: measure it too")
    parser.add_argument("--sample", type=int, default=200, help="pages profiled stage by stage, in-process (spread over the list)")
    parser.add_argument("--keep", metavar="PATH", help="copy linkverifier's results file there (to compare two trees)")
    args = parser.parse_args()
    web, urls = build_web(args.pages, args.hosts)
    with web, tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        (tmp_path / "urls.txt").write_text("\n".join(urls) + "\n")
        env = dict(os.environ, http_proxy=web.proxy_url, no_proxy="", PYTHONPATH=str(ROOT))
        (tmp_path / "bare.py").write_text(BARE_SPIDER)
        bare_seconds, bare_rss, bare_cpu, _ = run([sys.executable, str(tmp_path / "bare.py"), str(tmp_path / "urls.txt"),
                                      json.dumps(CRAWL_SETTINGS)], env)
        out = tmp_path / "results.jsonl"
        full_seconds, full_rss, crawl_cpu, worker_cpu = run([sys.executable, "-m", "crawler.cli", "verify", str(tmp_path / "urls.txt"),
                                      "--target", TARGET, "--db", str(tmp_path / "b.db"), "--out", str(out), "-q"], env)
        results = [json.loads(line) for line in out.read_text().splitlines()]
        if args.keep:
            shutil.copyfile(out, args.keep)
        advertools = None
        if args.advertools:
            (tmp_path / "adv.py").write_text(ADVERTOOLS)
            # Its own scrapy on PATH; run outside this project so Scrapy does not
            # pick up our scrapy.cfg (and our pipelines) for advertools' spider.
            adv_env = {k: v for k, v in env.items() if k not in ("PYTHONPATH", "SCRAPY_SETTINGS_MODULE")}
            adv_env["PATH"] = f"{os.path.dirname(os.path.abspath(args.advertools))}{os.pathsep}{env.get('PATH', '')}"
            adv_out = tmp_path / "adv.jl"  # advertools insists on .jl
            seconds, rss, _, _ = run([os.path.abspath(args.advertools), str(tmp_path / "adv.py"), str(tmp_path / "urls.txt"), str(adv_out),
                                # Its JSON-LD parser logs an ERROR traceback per page it cannot read: not ours to show.
                                json.dumps({**CRAWL_SETTINGS, "LOG_LEVEL": "CRITICAL"})], adv_env, cwd=tmp_path)
            crawled = sum(1 for _ in adv_out.open()) if adv_out.exists() else 0
            advertools = (seconds, rss, crawled)
        pages, rows, profiles = worker_pages(web, urls, args.sample)
        analysis_ms, stages = stage_profile(pages, rows, profiles)
        trafilatura_ms = stages["trafilatura"]
        default_ms = trafilatura_default_ms([page.body for page in pages], [page.url for page in pages])
    n = len(urls)
    with_language = sum(1 for r in results if (r.get("page") or {}).get("language"))
    with_placement = sum(1 for r in results if r["links"] and r["links"][0].get("placement"))
    with_fit = sum(1 for r in results if r.get("topical_fit") is not None)
    print(f"pages: {n} on {args.hosts} hosts, {os.cpu_count()} cores")
    print(f"(a) bare Scrapy fetch + lxml parse: {bare_seconds:.1f} s, {n / bare_seconds:.1f} pages/s, peak RSS {bare_rss:.0f} MB")
    print(f"(b) linkverifier verify, all fields: {full_seconds:.1f} s, {n / full_seconds:.1f} pages/s, "
          f"peak RSS {full_rss:.0f} MB (all processes)")
    print(f"ratio (b)/(a): {bare_seconds / full_seconds:.2f}")
    print(f"CPU ms/page: (a) {1000 * bare_cpu / n:.1f}; (b) crawling process {1000 * crawl_cpu / n:.1f}, "
          f"analysis workers {1000 * worker_cpu / n:.1f}")
    if advertools:
        seconds, rss, crawled = advertools
        print(f"(c) advertools crawl, list mode: {seconds:.1f} s, {n / seconds:.1f} pages/s, peak RSS {rss:.0f} MB, "
              f"{crawled} rows; (c)/(a) {bare_seconds / seconds:.2f}; (b)/(c) {seconds / full_seconds:.2f}")
    print(f"results: {len(results)}; with language {with_language / n:.1%}, with placement {with_placement / n:.1%}, "
          f"with topical fit {with_fit / n:.1%}")
    cores = os.cpu_count() or 1
    fetch_ms = 1000 * bare_cpu / n
    print()
    print("The design limit: every page's main text extracted by trafilatura; no verifier built that way")
    print(f"beats cores / (trafilatura's CPU a page + fetch-and-parse's CPU a page). On {cores} cores:")
    for name, extraction in (("as linkverifier calls it (the parsed tree, no fallback extractors)", trafilatura_ms),
                             ("as its README shows (trafilatura.extract(html), defaults)", default_ms)):
        limit = cores / ((extraction + fetch_ms) / 1000)
        print(f"  trafilatura {name}: {extraction:.1f} ms; limit {limit:.1f} pages/s; "
              f"linkverifier {n / full_seconds:.1f} pages/s = {n / full_seconds / limit:.2f} x the limit")
    print(f"\nAnalysis CPU a page by stage ({len(pages)} pages spread over the list, verify_page in-process after the workers' warm-up; "
          f"{analysis_ms:.1f} ms untimed):")
    for stage, ms in stages.items():
        print(f"  {stage:34s} {ms:6.1f} ms")
    around = sum(ms for stage, ms in stages.items() if stage not in ("trafilatura", "decode+parse"))
    print(f"  {'the work around trafilatura':34s} {around:6.1f} ms (all but trafilatura and decode+parse)")

if __name__ == "__main__":
    main()
