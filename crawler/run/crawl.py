"""Running a crawl: CLI options to Scrapy settings, the process, the spider, the run.

The commands in ``crawler.cli`` parse and check what the user gave, then
call these; the demo and ``referrers`` run ``verify`` through here too, so
every path builds its crawl the same way and gets the same guarantees:
the run is opened and finished by ``crawler.run.lifecycle.Run`` however the
crawl ends (complete, interrupted, stalled, crashed); Ctrl-C and SIGTERM are
handled by ``crawler.run.interrupts``; the analysis processes are ended before
``crawl()`` returns; and a row the crawl failed to answer is answered here.
"""

from __future__ import annotations

import contextlib
import logging
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import click

from crawler.analysis.results import error_result
from crawler.options import RunOptions
from crawler.run.interrupts import Interrupts, held_signals, take_startup_signal
from crawler.run.lifecycle import FINISHED, INTERRUPTED, Run, RunSummary
from crawler.run.stats import COUNTS, PAGES, ROWS, STALLED_ROWS, UNREAD_PAGES
from crawler.store.faults import StorageError
from crawler.store.spool import RowSpool, spool_directory
from crawler.store.status import stopped

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

__all__ = ["Outcome", "crawl", "crawl_settings", "crawler_process", "finish_crawl", "open_run", "run_hreflang", "run_verify"]


@dataclass
class Outcome:
    """How a command's crawl ended, for the CLI's summary and exit status."""

    stats: dict  # Scrapy's stats, and ours under linkverifier/: read them through the properties below
    summary: RunSummary | None = None  # for commands that check rows
    exit_code: int | None = None  # 130 / 143 when a signal ended it

    @property
    def counts(self) -> dict[str, int]:
        """Rows answered per status (live, lost, error/timeout…)."""
        return self.stats.get(COUNTS, {})

    @property
    def rows(self) -> int | None:
        """Rows in the input, when known."""
        return self.stats.get(ROWS)

    @property
    def stalled_rows(self) -> int:
        return self.stats.get(STALLED_ROWS) or 0

    @property
    def pages(self) -> int:
        """Pages crawled (discover, hreflang)."""
        return self.stats.get(PAGES, 0)


def crawl_settings(options: RunOptions) -> Settings:  # noqa: F821 - scrapy imported lazily
    """Turn CLI options into Scrapy settings (the CLI passes nothing else by hand)."""
    from scrapy.settings import Settings

    from crawler.run.resources import fitting_concurrency

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    values = {
        "LINKVERIFIER_DB": options.db,
        "LINKVERIFIER_OUT": options.out,
        "DOWNLOAD_TIMEOUT": options.timeout,
        "CONCURRENT_REQUESTS": (concurrency := fitting_concurrency(options.concurrency)),
        # DNS lookups run in the reactor's threads, one blocked per lookup a slow name server holds: as
        # many as requests in flight, and the hosting fields' lookups of the 128 pages queued ahead of them
        # (Scrapy's 10 queued every host behind ten dead domains).
        "REACTOR_THREADPOOL_MAXSIZE": min(concurrency + 128, 256),
        "LINKVERIFIER_OBEY_ROBOTS": not options.ignore_robots,
        "LINKVERIFIER_WORKERS": options.workers,
        "LINKVERIFIER_ANALYSIS_TIMEOUT": options.analysis_timeout,
        "LINKVERIFIER_PROGRESS": options.quiet == 0,
        "LINKVERIFIER_IP_DB": list(options.ip_db or ()),
        "LINKVERIFIER_RESOLVE": list(options.resolve or ()),
        "LINKVERIFIER_BRANDS": list(options.brands or ()),
        "LINKVERIFIER_KEYWORDS": list(options.keywords or ()),
        # A name that does not resolve within the request's own bound is a dns_error, not a wait.
        "DNS_TIMEOUT": min(20.0, options.timeout),
        "LOG_LEVEL": {0: "WARNING", 1: "INFO"}.get(options.verbose, "DEBUG") if not options.quiet else "ERROR",
    }
    if options.user_agent:
        values["USER_AGENT"] = options.user_agent
    values["LINKVERIFIER_VERBOSE"] = options.verbose
    if options.render:
        from crawler.render import render_settings

        values.update(render_settings(options.timeout))  # raises RenderUnavailable
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
        # scrapy-playwright logs a failed render with a traceback; the spider says it in one line. A
        # certificate for another name, expired or self-signed is the site's (the page is read all the same),
        # and Scrapy warned of it on every connection: four lines a host.
        for name in ("scrapy.downloadermiddlewares.retry", "scrapy.downloadermiddlewares.robotstxt", "scrapy-playwright",
                     "scrapy.core.downloader.tls"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
    return process


class Crawled(NamedTuple):
    """A crawl that ended: Scrapy's crawler (its stats, its spider) and the interrupts that watched it."""

    crawler: Crawler
    interrupts: Interrupts

    @property
    def spider(self):
        return self.crawler.spider

    @property
    def exit_code(self) -> int | None:
        """The exit status of the signal that ended the crawl; None when none did."""
        return self.interrupts.exit_code


def ended_early(error: BaseException) -> str:
    """The status of a run that ``error`` ended before the crawl could: Ctrl-C before the crawl's own
    handler was installed (while Scrapy loads) is an interrupt, which ``--resume`` goes on from."""
    return INTERRUPTED if isinstance(error, KeyboardInterrupt) else stopped("internal error")


# What each spider's analysis processes load (``crawler.analysis.pool.PRELOADS``).
ANALYSIS_KINDS = {"verify": "judge", "discover": "judge", "worker": "judge", "hreflang": "hreflang"}


def crawl(settings, spider: str, run: Run | None = None, **arguments) -> Crawled:
    """Run one spider to the end (or to an interrupt). ``run`` goes to the spider, which answers it.

    Whatever way the crawl ends, the analysis processes are gone when this returns.
    """
    if settings.get("LINKVERIFIER_WORKERS") != 0 and spider in ANALYSIS_KINDS:
        from crawler.analysis.pool import start_fork_server

        start_fork_server(ANALYSIS_KINDS[spider])  # its models load while Scrapy is imported and set up
    process = crawler_process(settings)
    crawler = process.create_crawler(spider)
    interrupts = Interrupts(crawler, quiet=settings.get("LOG_LEVEL") == "ERROR")
    if take_startup_signal() is not None:  # a Ctrl-C while Scrapy loaded, swallowed where it landed
        interrupts.restore()
        raise KeyboardInterrupt
    if run is not None:
        run.on_storage = lambda changed: _storage_changed(crawler, interrupts, changed)
        arguments["run"] = run
    try:
        process.crawl(crawler, **arguments)
        process.start(install_signal_handlers=False)
    finally:
        interrupts.restore()
        pool = getattr(getattr(crawler, "spider", None), "pool", None)
        if pool is not None:
            pool.close(kill=True)
    return Crawled(crawler, interrupts)


def _storage_changed(crawler, interrupts: Interrupts, run: Run) -> None:
    """The run met a storage fault (end the crawl in order) or a lock came or went (the spider takes
    no new rows while the database is locked, and goes on when it is free)."""
    from twisted.internet import reactor

    if run.fault is not None:
        reactor.callLater(0, interrupts.storage_failed, run.fault)
        return
    spider = getattr(crawler, "spider", None)
    if spider is not None and hasattr(spider, "storage_changed"):
        spider.storage_changed()


def _ip_data(settings) -> dict:
    """The --ip-db files' attributions, kept with the run: the report shows them, as their licences ask."""
    paths = settings.getlist("LINKVERIFIER_IP_DB")
    if not paths:
        return {}
    from crawler.hosting.ipdb import IpDatabases

    databases = IpDatabases(paths)
    try:
        return {"ip_data": databases.attributions}
    finally:
        databases.close()


def open_run(settings) -> Run:
    """The run record and output of a crawl, from its settings."""
    return Run(
        settings.get("LINKVERIFIER_DB"),
        settings.get("LINKVERIFIER_COMMAND"),
        settings.get("LINKVERIFIER_INPUT"),
        {
            "target": settings.get("LINKVERIFIER_TARGET"),
            "obey_robots": settings.getbool("LINKVERIFIER_OBEY_ROBOTS"),
            "timeout": settings.getfloat("DOWNLOAD_TIMEOUT"),
            **_ip_data(settings),
            **(settings.getdict("LINKVERIFIER_RUN_OPTIONS") or {}),
        },
        fingerprint=settings.get("LINKVERIFIER_FINGERPRINT"),
        out=settings.get("LINKVERIFIER_OUT"),
        resume_run=settings.get("LINKVERIFIER_RESUME_RUN"),
        progress=settings.getbool("LINKVERIFIER_PROGRESS"),
        brands=tuple(settings.getlist("LINKVERIFIER_BRANDS")),
        keywords=tuple(settings.getlist("LINKVERIFIER_KEYWORDS")),
    )


def finish_crawl(crawled: Crawled, run: Run, spool: RowSpool | None = None) -> Outcome:
    """Finish ``run`` after its crawl, whatever way the crawl ended.

    Interrupted: every checked row is written and the run marked
    ``interrupted``. Otherwise every row the crawl failed to answer (only a
    bug can leave one) is answered ``error/stalled`` here: no row is ever lost.
    """
    stats = crawled.crawler.stats.get_stats()
    interrupts = crawled.interrupts
    if interrupts.signum is not None:
        summary = run.finish(INTERRUPTED)
    elif run.fault is not None:  # rows not answered stay unchecked, for --resume once storage works again
        summary = run.finish(stopped(run.fault.reason))
    else:
        if spool is not None and not run.complete:
            missing = 0
            for row in spool.rows_except(run.answered):
                run.add(error_result(row, "stalled", "no answer: the crawl ended without checking this row"))
                missing += 1
            logging.getLogger(__name__).warning("%d rows were not answered by the crawl: answered as error/stalled", missing)
        reason = stats.get("finish_reason") or "finished"
        complete = run.complete if spool is not None else True
        summary = run.finish(FINISHED if complete and reason == "finished" else stopped(reason))
    stats[COUNTS] = dict(summary.counts)
    return Outcome(stats, summary, interrupts.exit_code)


def run_verify(rows, target: str | None, input_name: str, options: RunOptions, command: str = "verify",
               resume: bool = False, run_options: dict | None = None) -> Outcome:
    """Run the verify spider over ``rows`` (a ``RowSpool``, or any iterable of
    rows, spooled here); returns how it ended. ``run_options`` are kept with the run."""
    from crawler.store.database import Store

    if not isinstance(rows, RowSpool):
        with RowSpool(rows, target, directory=spool_directory(options.db)) as spool:
            return run_verify(spool, target, input_name, options, command, resume, run_options)
    settings = crawl_settings(options)
    settings.set("LINKVERIFIER_COMMAND", command, priority="cmdline")
    fingerprint = rows.fingerprint
    settings.set("LINKVERIFIER_FINGERPRINT", fingerprint, priority="cmdline")
    done: set[int] = set()
    if resume:
        store = Store(options.db)
        run_id = store.unfinished_run(command, fingerprint)
        if run_id is not None:
            done = store.run_rows(run_id)
            settings.set("LINKVERIFIER_RESUME_RUN", run_id, priority="cmdline")
            if not options.quiet:
                click.echo(f"resuming run {run_id}: {len(done)} of {len(rows)} rows were checked before it stopped", err=True)
        elif not options.quiet:
            click.echo("nothing to resume for this input: starting a new run", err=True)
        store.close()
    settings.set("LINKVERIFIER_INPUT", input_name, priority="cmdline")
    settings.set("LINKVERIFIER_TARGET", target, priority="cmdline")
    settings.set("LINKVERIFIER_RUN_OPTIONS", run_options or {}, priority="cmdline")
    run = None
    try:
        with held_signals():  # a signal while the record is opened: answered once ``run`` can say interrupted
            run = open_run(settings)
        crawled = crawl(settings, "verify", run=run, rows=rows, done_rows=done)
    except BaseException as error:
        if run is not None:
            run.finish(ended_early(error))
        raise
    return finish_crawl(crawled, run, rows)


def run_discover(sites: list[str], target: str, max_pages: int, options: RunOptions) -> Outcome:
    """Crawl the candidate sites for pages that link to the target; each found page is answered as
    ``verify`` answers a row. The outcome says how many pages were crawled."""
    settings = crawl_settings(options)
    settings.set("LINKVERIFIER_COMMAND", "crawl", priority="cmdline")
    settings.set("LINKVERIFIER_INPUT", ",".join(sites), priority="cmdline")
    settings.set("LINKVERIFIER_TARGET", target, priority="cmdline")
    run = None
    try:
        with held_signals():
            run = open_run(settings)
        crawled = crawl(settings, "discover", run=run, sites=sites, target=target, max_pages=max_pages)
    except BaseException as error:
        if run is not None:
            run.finish(ended_early(error))
        raise
    outcome = finish_crawl(crawled, run)
    outcome.stats[PAGES] = len(crawled.spider.seen)
    return outcome


def run_worker(queue: str, visibility_timeout: float, queue_wait: float, options: RunOptions) -> int | None:
    """Fetch and analyse the queue's tasks until the worker spider ends; the exit status of the signal that
    ended it, else None (a worker's leased tasks go back to the queue when their lease runs out). Raises
    ``QueueLost`` when Redis stayed away past ``queue_wait``."""
    from crawler.queue.keys import CLIENT_PARAMS

    settings = crawl_settings(options)
    settings.setdict({
        "REDIS_URL": queue,
        "REDIS_PARAMS": CLIENT_PARAMS,
        "LINKVERIFIER_VISIBILITY_TIMEOUT": visibility_timeout,
        "LINKVERIFIER_QUEUE_WAIT": queue_wait,
        "ITEM_PIPELINES": {},  # the worker spider sends its results to Redis itself
        "LINKVERIFIER_PROGRESS": False,
    }, priority="cmdline")
    crawled = crawl(settings, "worker")
    if crawled.exit_code is None and crawled.spider.queue_lost is not None:
        raise crawled.spider.queue_lost
    return crawled.exit_code


def run_hreflang(start_url: str, sitemaps: list[str], max_pages: int, options: RunOptions) -> tuple[list[dict], dict, int | None]:
    """Crawl the site, audit it, write the issues and keep them in the database.

    Returns (issues, crawl stats, exit status of an interrupt or None). The
    run is recorded before the crawl, so an audit that dies shows as
    unfinished; an interrupted one writes nothing (an audit of part of a
    site would report problems that are not there) and is marked so.
    """
    from crawler.analysis.results import utc_now
    from crawler.reports.writers import ISSUE_FIELDS, write_records
    from crawler.store.database import Store
    from scoring.hreflang_audit import audit

    settings = crawl_settings(options)
    settings.set("LINKVERIFIER_COMMAND", "hreflang", priority="cmdline")
    store = Store(options.db)
    run_id = None
    try:
        with held_signals():  # a signal while the record is written: answered once ``run_id`` is known
            run_id = store.start_run("hreflang", start_url, utc_now(), {"sitemaps": list(sitemaps), "max_pages": max_pages})
        crawled = crawl(settings, "hreflang", start_url=start_url, sitemaps=sitemaps, max_pages=max_pages)
        spider = crawled.spider
        stats = crawled.crawler.stats.get_stats()
        stats[PAGES] = len(spider.records)
        stats[UNREAD_PAGES] = dict(Counter(record.error for record in spider.records.values() if record.error))
        interrupted = crawled.exit_code
        if interrupted is not None:
            store.finish_run(run_id, utc_now(), INTERRUPTED, 0)
            return [], stats, interrupted
        issues = audit(spider.records, spider.sitemap_alternates, spider.discovered, spider.crawl_pages,
                       spider.probes, spider.probe_language)
        write_records(options.out, issues, ISSUE_FIELDS)
        store.add_hreflang_issues(run_id, issues)
        store.finish_run(run_id, utc_now(), FINISHED, len(issues))
        return issues, stats, None
    except StorageError as fault:  # the database or --out stopped taking writes: say so, if it still can
        if run_id is not None:
            with contextlib.suppress(StorageError):
                store.finish_run(run_id, utc_now(), stopped(fault.reason), 0, wait=0.0)
        raise
    except BaseException as error:
        if run_id is not None:
            store.finish_run(run_id, utc_now(), ended_early(error), 0)
        raise
    finally:
        store.close()
