"""Running a crawl: CLI options to Scrapy settings, the process, the spider.

The commands in ``crawler.cli`` parse and check what the user gave, then
call these; the demo and ``referrers`` run ``verify`` through here too, so
every path builds its crawl the same way.
"""

from __future__ import annotations

import logging

import click

from crawler.spool import RowSpool, spool_directory

__all__ = ["crawl", "crawl_settings", "crawler_process", "run_hreflang", "run_verify"]


def crawl_settings(**options) -> Settings:  # noqa: F821 - scrapy imported lazily
    """Turn CLI options into Scrapy settings (the CLI passes nothing else by hand)."""
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    values = {
        "LINKVERIFIER_DB": options["db"],
        "LINKVERIFIER_OUT": options["out"],
        "DOWNLOAD_TIMEOUT": options["timeout"],
        "CONCURRENT_REQUESTS": options["concurrency"],
        "LINKVERIFIER_OBEY_ROBOTS": not options["ignore_robots"],
        "LINKVERIFIER_WORKERS": options["workers"],
        "LINKVERIFIER_PROGRESS": options["quiet"] == 0,
        "LOG_LEVEL": {0: "WARNING", 1: "INFO"}.get(options["verbose"], "DEBUG") if not options["quiet"] else "ERROR",
    }
    if options.get("user_agent"):
        values["USER_AGENT"] = options["user_agent"]
    values["LINKVERIFIER_VERBOSE"] = options["verbose"]
    if options.get("render"):
        from crawler.render import render_settings

        values.update(render_settings(options["timeout"]))  # raises RenderUnavailable
    settings.setdict(values, priority="cmdline")
    return settings


def crawler_process(settings):
    """Scrapy's CrawlerProcess, with fetch failures kept out of the log unless -v.

    A dead host or an unreachable robots.txt is a verdict here (dns_error,
    timeout…), not a fault, but Scrapy logs each at ERROR, with a traceback.
    Set after CrawlerProcess configures logging, which resets these loggers.
    """
    from scrapy.crawler import CrawlerProcess

    process = CrawlerProcess(settings)
    if not settings.getint("LINKVERIFIER_VERBOSE"):
        # scrapy-playwright logs a failed render with a traceback; the spider says it in one line.
        for name in ("scrapy.downloadermiddlewares.retry", "scrapy.downloadermiddlewares.robotstxt", "scrapy-playwright"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
    return process


def crawl(settings, spider: str, **arguments):
    """Run one spider to the end; returns its crawler (stats, spider)."""
    process = crawler_process(settings)
    crawler = process.create_crawler(spider)
    process.crawl(crawler, **arguments)
    process.start()
    return crawler


def run_verify(rows, target: str | None, input_name: str, command: str = "verify", resume: bool = False, **options) -> dict:
    """Run the verify spider over ``rows`` (a ``RowSpool``, or any iterable of
    rows, spooled here); returns the crawl's stats."""
    from crawler.store import Store

    if not isinstance(rows, RowSpool):
        with RowSpool(rows, target, directory=spool_directory(options["db"])) as spool:
            return run_verify(spool, target, input_name, command, resume, **options)
    settings = crawl_settings(**options)
    settings.set("LINKVERIFIER_COMMAND", command, priority="cmdline")
    fingerprint = rows.fingerprint
    settings.set("LINKVERIFIER_FINGERPRINT", fingerprint, priority="cmdline")
    done: set[int] = set()
    if resume:
        store = Store(options["db"])
        run_id = store.unfinished_run(command, fingerprint)
        if run_id is not None:
            done = store.run_rows(run_id)
            settings.set("LINKVERIFIER_RESUME_RUN", run_id, priority="cmdline")
            if not options.get("quiet"):
                click.echo(f"resuming run {run_id}: {len(done)} of {len(rows)} rows were checked before it stopped", err=True)
        elif not options.get("quiet"):
            click.echo("nothing to resume for this input: starting a new run", err=True)
        store.close()
    settings.set("LINKVERIFIER_INPUT", input_name, priority="cmdline")
    settings.set("LINKVERIFIER_TARGET", target, priority="cmdline")
    return crawl(settings, "verify", rows=rows, done_rows=done).stats.get_stats()


def run_hreflang(start_url: str, sitemaps: list[str], max_pages: int, **options) -> tuple[list[dict], dict]:
    """Crawl the site and audit it; returns (issues, crawl stats)."""
    from scoring.hreflang_audit import audit

    settings = crawl_settings(**options)
    settings.set("LINKVERIFIER_COMMAND", "hreflang", priority="cmdline")
    crawler = crawl(settings, "hreflang", start_url=start_url, sitemaps=sitemaps, max_pages=max_pages)
    spider = crawler.spider
    issues = audit(spider.records, spider.sitemap_alternates, spider.discovered, spider.crawl_pages)
    stats = crawler.stats.get_stats()
    stats["linkverifier/pages"] = len(spider.records)
    return issues, stats
