"""The ``linkverifier`` command line."""

from __future__ import annotations

import os
import signal
import sys
import threading


def _interrupted_while_loading(signum, _frame) -> None:
    # Ctrl-C (or SIGTERM) while the imports below run (a few tenths of a second): the contract's
    # 130 (143) and one line, not a KeyboardInterrupt traceback from deep inside some library's import.
    sys.stderr.write("linkverifier: interrupted\n")
    os._exit(128 + signum)


# Only where Ctrl-C would raise KeyboardInterrupt: not where it is ignored (a background job), not
# where someone else handles it, and only from the main thread (signal handlers belong to it).
# SIGTERM likewise, where it would end the process on the spot: in a background job too (cron, nohup,
# a script's `&`), where Ctrl-C is ignored and SIGTERM is how the job is stopped.
_MAIN_THREAD = threading.current_thread() is threading.main_thread()
_LOADING = _MAIN_THREAD and signal.getsignal(signal.SIGINT) is signal.default_int_handler
_TERM_LOADING = _MAIN_THREAD and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
if _LOADING:
    signal.signal(signal.SIGINT, _interrupted_while_loading)
if _TERM_LOADING:
    signal.signal(signal.SIGTERM, _interrupted_while_loading)

import re  # noqa: E402 - after the handler above
import sqlite3  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

import click  # noqa: E402

from crawler import __version__  # noqa: E402
from crawler import options as opts  # noqa: E402
from crawler.lists.backlinks import InputError, iter_rows  # noqa: E402
from crawler.reports.writers import write_atomically  # noqa: E402
from crawler.run.crawl import run_discover, run_hreflang, run_verify, run_worker  # noqa: E402
from crawler.run.stats import PAGES, UNREAD_PAGES  # noqa: E402
from crawler.store.faults import StorageError  # noqa: E402
from crawler.store.spool import RowSpool, spool_directory  # noqa: E402

__all__ = ["main"]


class _Commands(click.Group):
    """Every command: storage that fails (a full disk, a database locked too long) is one line and exit 74,
    wherever it is met; a run met by it mid-crawl has already ended in order (``crawler.run.lifecycle``).
    Ctrl-C is exit 130 wherever it lands."""

    def main(self, *args, **kwargs):
        # From here on, Ctrl-C (and SIGTERM, 143) is KeyboardInterrupt, answered in invoke below. Installed
        # here, not while this module still defines its commands: a signal then was a KeyboardInterrupt no
        # code was there to catch (a traceback and exit -2); until now it ends the loading in one line.
        for signum in (signal.SIGINT, signal.SIGTERM):
            if signal.getsignal(signum) is _interrupted_while_loading:
                from crawler.run.interrupts import startup_handler

                signal.signal(signum, startup_handler)
        return super().main(*args, **kwargs)

    def invoke(self, ctx):
        from crawler.run.interrupts import startup_exit_code, take_startup_signal

        take_startup_signal()  # one from an earlier command in this process (called in-process) is not this one's
        startup_exit_code()
        try:
            return super().invoke(ctx)
        except StorageError as fault:
            opts.storage_failed(fault)
        except KeyboardInterrupt:
            # Ctrl-C before a crawl's own handler is installed (the list still being spooled, Scrapy
            # loading): the contract's 130, not click's "Aborted!" and 1. A run already opened says
            # "interrupted" (``crawler.run.crawl.ended_early``), so --resume goes on from it.
            click.echo("linkverifier: interrupted", err=True)
            # CPython marks a KeyboardInterrupt raised inside exec() of a string (dataclasses build their
            # methods so, while Scrapy imports the spiders) as unhandled at top level, and the interpreter
            # then ends by killing itself with SIGINT (-2), whatever sys.exit says; any later exec() of a
            # string clears the mark.
            exec("None")  # noqa: S102 - a constant
            sys.exit(startup_exit_code() or opts.EXIT_INTERRUPTED)


def _is_date(value: str) -> bool:
    """YYYY-MM-DD, and a day of the calendar ("2026-13-45" passed the pattern and matched nothing)."""
    import datetime

    try:
        return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)) and datetime.date.fromisoformat(value) is not None
    except ValueError:
        return False


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="linkverifier")
def main():
    """Verify backlinks the way a search engine sees them."""


@main.command()
@click.argument("backlinks", type=str)
@click.option("--target", default=None, help="URL or bare domain the links must point to (when the list has no target column).")
@click.option("--resume", is_flag=True, help="Continue the last unfinished run of this input in --db (after a crash or kill).")
@click.option("--queue", default=None, callback=opts.queue_url, help="redis://HOST:PORT/DB: enqueue the work for `linkverifier worker` processes and collect the results.")
@click.option("--brand", "brands", multiple=True, help="Brand name (repeatable) for anchor classes.")
@click.option("--keywords", "keywords", multiple=True, help="Money keyword (repeatable): exact-match anchors count in verdicts and networks.")
@opts.queue_wait_option
@opts.fetch_options
def verify(backlinks: str, target: str | None, resume: bool, queue: str | None, queue_wait: float, options: opts.RunOptions):
    """Check every backlink in BACKLINKS (a CSV/TSV export or a list of URLs; - for stdin).

    One result per input row, in input order: is the link live, does it pass
    credit, can Google index the page, where does the link sit, what language
    and country is the page, and how well its topic fits the target.
    """
    if options.render:
        opts.check_render(options)
    try:
        # Read once, as a stream, into a spool on disk: memory stays flat however long the list.
        spool = RowSpool(iter_rows(backlinks, target), target, directory=spool_directory(options.db))
    except InputError as exc:
        click.echo(f"linkverifier: {exc}", err=True)
        sys.exit(opts.EXIT_BAD_INPUT)
    except (OSError, sqlite3.Error) as exc:  # the disk beside --db (or /tmp) is full or read-only
        click.echo(f"linkverifier: cannot spool the list to disk: {exc}", err=True)
        sys.exit(opts.EXIT_INTERNAL)
    with spool:
        opts.check_db(options.db)
        if queue:
            outcome = _verify_on_queue(spool, queue, backlinks, options, queue_wait, resume)
            opts.end(outcome, options, resume_hint="verify")
            return
        try:
            outcome = run_verify(spool, target, backlinks, options, resume=resume)
        except Exception as exc:  # storage: one line, exit 74; anything else is a bug: exit 1
            opts.failed(exc, "verify")
    opts.end(outcome, options, resume_hint="verify")


def _verify_on_queue(spool, queue: str, backlinks: str, options: opts.RunOptions, queue_wait: float, resume: bool):
    """``verify --queue``: the coordinator's run, each way it can end in one line and its exit status."""
    import redis

    from crawler.queue.coordinator import run_queue
    from crawler.queue.lock import JobTaken
    from crawler.queue.outage import QueueLost, shown_url

    try:
        return run_queue(spool, queue, backlinks, out=options.out, db=options.db, quiet=bool(options.quiet),
                         brands=options.brands, keywords=options.keywords, queue_wait=queue_wait, resume=resume)
    except redis.RedisError as exc:  # not there at the start
        opts.queue_unavailable(queue, exc)
    except JobTaken as taken:  # a second one would fetch every page its twin fetches
        click.echo(f"linkverifier: another coordinator ({taken.holder}) is collecting this input's job on "
                   f"{shown_url(queue)}: this one stopped, nothing stored; run it again once that one has ended",
                   err=True)
        sys.exit(opts.EXIT_JOB_TAKEN)
    except QueueLost as lost:
        run = lost.summary
        click.echo(f"linkverifier: stopped: {lost}: {run.answered} of {lost.rows} rows collected, {run.written} "
                   f"written to {run.output or 'stdout'}; run the same command when Redis is back to collect "
                   "the rest", err=True)
        sys.exit(opts.EXIT_QUEUE_UNAVAILABLE)
    except Exception as exc:  # storage: one line, exit 74; anything else is a bug: exit 1
        opts.failed(exc, "verify")


@main.command()
@click.argument("start_url")
@click.option("--sitemap", "sitemaps", multiple=True, help="A sitemap (or sitemap index) URL; repeatable. robots.txt's Sitemap: lines are read too.")
@click.option("--max-pages", default=5000, show_default=True, type=click.IntRange(min=1), help="Site pages to crawl (hreflang targets are fetched on top).")
@opts.fetch_options
def hreflang(start_url: str, sitemaps: tuple[str, ...], max_pages: int, options: opts.RunOptions):
    """Audit a site's hreflang setup from START_URL: HTML <link> tags, HTTP Link headers and XML sitemaps.

    Writes one issue per line (code, severity, url, href, hreflang, detail);
    a clean site produces no lines. Beyond the usual checks it compares the
    declared language with the language the page's text is written in, with
    <html lang>, and the region with the ccTLD.
    """
    from extract.urls import invalid_url_reason

    if options.render:
        opts.check_render(options)
    problem = invalid_url_reason(start_url)
    if problem:
        click.echo(f"linkverifier: START_URL: {problem}", err=True)
        sys.exit(opts.EXIT_BAD_INPUT)
    for sitemap in sitemaps:  # one that cannot be fetched was passed over without a word
        if problem := invalid_url_reason(sitemap):
            click.echo(f"linkverifier: --sitemap {sitemap}: {problem}", err=True)
            sys.exit(opts.EXIT_BAD_INPUT)
    opts.check_db(options.db)
    try:
        issues, stats, interrupted = run_hreflang(start_url, list(sitemaps), max_pages, options)
    except Exception as exc:
        opts.failed(exc, "hreflang audit")
    if interrupted is not None:  # an audit of part of a site would report false problems: none is written
        click.echo(f"linkverifier: interrupted after {stats.get(PAGES, 0)} pages: no audit written", err=True)
        sys.exit(interrupted)
    if not options.quiet:
        counts = Counter(f"{i['severity']} {i['code']}" for i in issues)
        summary = ", ".join(f"{key} {n}" for key, n in sorted(counts.items())) or "no issues"
        unread = stats.get(UNREAD_PAGES) or {}
        # A page that could not be read has no issues of its own to show: say so, or "no issues" would mislead.
        if unread:
            reasons = ", ".join(f"{reason} {n}" for reason, n in sorted(unread.items()))
            summary += f" ({sum(unread.values())} of the pages unread: {reasons})"
        click.echo(f"audited {stats.get(PAGES, 0)} pages: {summary}", err=True)


@main.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--target", required=True, help="Your site: the domain (or URL) the referring pages must link to.")
@opts.fetch_options
def referrers(sources: tuple[str, ...], target: str, options: opts.RunOptions):
    """Verify the referring pages named in access logs or analytics exports (SOURCES, .gz too).

    Reads Apache/Nginx combined logs and referral exports (a "Page referrer",
    "Full referrer" or "Linking page" column), keeps external web pages (not
    your own hosts, search engines, webmail, apps or non-pages), and verifies
    each distinct referring page as `verify` does, in its result format.
    """
    from crawler.lists.referrers import read_referrers
    from crawler.run.referrers import verify_candidates
    from extract.urls import Target

    if options.render:
        opts.check_render(options)
    try:
        parsed_target = Target.parse(target)
        report = read_referrers(list(sources), parsed_target.domain)
    except (InputError, ValueError) as exc:
        click.echo(f"linkverifier: {exc}", err=True)
        sys.exit(opts.EXIT_BAD_INPUT)
    opts.check_db(options.db)
    for warning in report.warnings:
        click.echo(f"linkverifier: {warning}", err=True)
    if not options.quiet:
        dropped = ", ".join(f"{why} {n}" for why, n in report.dropped.most_common())
        click.echo(f"read {report.lines} lines ({report.malformed} malformed): {len(report.candidates)} candidate pages; "
                   f"left out: {dropped or 'none'}", err=True)
    try:
        outcome = verify_candidates(report, parsed_target, list(sources), options)
    except Exception as exc:
        opts.failed(exc, "referrers")
    opts.end(outcome, options)


@main.command()
@click.argument("sites", nargs=-1, required=True)
@click.option("--target", required=True, help="The domain (or URL) whose links to find.")
@click.option("--max-pages", default=500, show_default=True, type=click.IntRange(min=1), help="Pages to crawl per site.")
@opts.fetch_options
def discover(sites: tuple[str, ...], target: str, max_pages: int, options: opts.RunOptions):
    """Crawl candidate SITES (same host, breadth first) and report every page that links to the target,
    in `verify`'s result format."""
    from extract.urls import Target, invalid_url_reason

    if options.render:
        opts.check_render(options)
    problems = [f"{site}: {invalid_url_reason(site)}" for site in sites if invalid_url_reason(site)]
    try:
        Target.parse(target)
    except ValueError as exc:
        problems.append(f"--target: {exc}")
    if problems:
        click.echo("linkverifier: " + "; ".join(problems), err=True)
        sys.exit(opts.EXIT_BAD_INPUT)
    opts.check_db(options.db)
    outcome = run_discover(list(sites), target, max_pages, options)
    if not options.quiet and outcome.exit_code is None:
        click.echo(f"crawled {outcome.pages} pages", err=True)
    opts.end(outcome, options)


@main.command()
@click.option("--db", default="linkverifier.db", show_default=True, type=click.Path(dir_okay=False))
@click.option("--since", default=None, help="Only changes checked on or after this date (YYYY-MM-DD).")
@click.option("--out", default=None, type=click.Path(dir_okay=False), callback=opts.out_path, help="Write JSON Lines/CSV/JSON/XLSX instead of a table.")
@click.option("--fail-on", "fail_on", default=None, callback=opts.change_kinds, metavar="KIND[,KIND…]",
              help="Exit 3 when a change of these kinds is there (new, lost, unreachable, back, rel_changed, "
                   "anchor_changed, placement_changed, target_changed): for cron and CI.")
@opts.notify_option
def changes(db: str, since: str | None, out: str | None, fail_on: frozenset[str], notify: tuple[str, ...]):
    """Per backlink, what changed between its last two checks: new, lost (and why), unreachable (a live
    link's page could not be read), back, rel changed (followed <-> nofollow/sponsored/ugc), anchor,
    placement, target."""
    from crawler.reports.changes import backlink_changes
    from crawler.reports.writers import write_records

    opts.require_db(db)
    if since is not None and not _is_date(since):
        click.echo(f"linkverifier: --since {since}: not a date (YYYY-MM-DD)", err=True)
        sys.exit(opts.EXIT_BAD_INPUT)
    found = backlink_changes(db, since)
    fields = ["source_url", "target", "change", "detail", "status", "reason", "previous_check", "current_check"]
    if out or not sys.stdout.isatty():
        write_records(out, found, fields)
    else:
        for record in found:
            click.echo(f"{record['change']:<18} {record['source_url']}\n{'':<18} {record['detail']}")
        click.echo(f"{len(found)} changes", err=True)
    if found:
        opts.notify(notify, found)
    if fail_on & {record["change"] for record in found}:
        sys.exit(opts.EXIT_CHANGED)


@main.command()
@click.option("--older-than", "older_than", default=None, callback=opts.older_than, metavar="DURATION",
              help="Only backlinks last checked longer ago than this (30m, 12h, 7d, 2w). [default: every backlink]")
@click.option("--resume", is_flag=True, help="Continue the last unfinished recheck in --db.")
@opts.notify_option
@opts.fetch_options
def recheck(older_than: float | None, resume: bool, notify: tuple[str, ...], options: opts.RunOptions):
    """Verify again every backlink the database knows (the monitoring loop, for cron or a timer).

    Each backlink is checked against its target as `verify` checks it, with the
    same options and guarantees, without the original file. With --notify, a
    summary of what changed (lost links first) is sent when anything did.
    """
    from crawler.analysis.results import utc_now
    from crawler.lists.recheck import recheck_rows
    from crawler.reports.changes import backlink_changes

    if options.render:
        opts.check_render(options)
    opts.require_db(options.db)
    started = utc_now()
    rows, selection = recheck_rows(options.db, older_than, resume)
    if not rows:
        if not options.quiet:
            click.echo("linkverifier: nothing to recheck", err=True)
        return
    try:
        outcome = run_verify(rows, None, "recheck", options, command="recheck", resume=resume, run_options=selection)
    except Exception as exc:
        opts.failed(exc, "recheck")
    if outcome.exit_code is None:
        found = [c for c in backlink_changes(options.db) if c["current_check"] >= started]
        if found:
            opts.notify(notify, found)
    opts.end(outcome, options, resume_hint="recheck")


@main.command()
@click.option("--queue", required=True, callback=opts.queue_url, help="redis://HOST:PORT/DB, the same as the coordinator's.")
@click.option("--visibility-timeout", default=60.0, show_default=True, type=opts.Seconds(min=1),
              help="Seconds a taken task stays leased; the work of a worker that dies returns to the queue after it.")
@opts.queue_wait_option
@opts.fetch_options
def worker(queue: str, visibility_timeout: float, queue_wait: float, options: opts.RunOptions):
    """Fetch and analyse the work `verify --queue` put in Redis; run any number, on any machines."""
    from crawler.queue.keys import connect
    from crawler.queue.outage import QueueLost

    if options.render:
        opts.check_render(options)
    try:
        connect(queue).ping()  # fail early and clearly when Redis is not there (--queue was read already)
    except Exception as exc:
        opts.queue_unavailable(queue, exc)
    try:
        exit_code = run_worker(queue, visibility_timeout, queue_wait, options)
    except QueueLost as lost:  # what it held goes back to the queue when its leases run out
        click.echo(f"linkverifier: worker stopped: {lost}", err=True)
        sys.exit(opts.EXIT_QUEUE_UNAVAILABLE)
    if exit_code is not None:  # its leased tasks go back to the queue when their lease runs out
        click.echo("linkverifier: worker interrupted", err=True)
        sys.exit(exit_code)


@main.command()
@click.option("--db", default="linkverifier.db", show_default=True, type=click.Path(dir_okay=False))
@click.option("--out", required=True, type=click.Path(dir_okay=False), callback=opts.writable_out, help="The disavow .txt file to write (- for stdout).")
@click.option("--keep", "keep_file", default=None, type=click.Path(dir_okay=False), help="Allowlist: domains or URLs never to disavow.")
@click.option("--merge", "merge_file", default=None, type=click.Path(dir_okay=False), help="An existing disavow file to extend (its entries are kept).")
@click.option("--market", default=None, callback=opts.market_code, help="The site's market, e.g. en-US (else the target pages' language).")
@click.option("--brand", "brands", multiple=True, help="Brand name (repeatable) for anchor classes.")
@click.option("--keywords", "keywords", multiple=True, help="Money keyword (repeatable) for anchor classes.")
def disavow(db: str, out: str, keep_file: str | None, merge_file: str | None, market: str | None,
            brands: tuple[str, ...], keywords: tuple[str, ...]):
    """Write a disavow file in Google's format from the latest checks in the database.

    Domain-level lines for link networks (3+ linking domains sharing a tracking
    ID) and for domains whose riskiest link scores at least 0.6, each under a
    comment giving the reason. A link the analysis calls good (editorial, on
    topic, no risk) is never disavowed; --keep protects more.
    """
    from crawler.analysis.results import utc_now
    from crawler.reports.disavow import DisavowError, plan_disavow, read_disavow, render_disavow
    from crawler.reports.profile import load_profile

    opts.require_db(db)
    try:
        keep = read_disavow(keep_file) if keep_file else []
        previous = read_disavow(merge_file) if merge_file else []
        entries = plan_disavow(load_profile(db, market, brands, keywords), keep)
        previous = [line for line in previous if line not in set(keep)]
        text = render_disavow(entries, previous, utc_now())
    except DisavowError as exc:
        click.echo(f"linkverifier: {exc}", err=True)
        sys.exit(opts.EXIT_BAD_INPUT)
    write_atomically(out, text)
    added = [e.line for e in entries if e.line not in set(previous)]
    for line in added:
        click.echo(f"+ {line}", err=True)
    click.echo(f"disavow: {len(entries)} entries ({len(added)} new, {len(previous)} kept from {merge_file or 'no previous file'}) -> {out}", err=True)


@main.command()
@click.option("--db", default="linkverifier.db", show_default=True, type=click.Path(dir_okay=False))
@click.option("--out", required=True, type=click.Path(dir_okay=False), callback=opts.writable_out, help="The HTML file to write (- for stdout).")
@click.option("--market", default=None, callback=opts.market_code, help="The site's market, e.g. en-US (else the target pages' language).")
@click.option("--brand", "brands", multiple=True, help="Brand name (repeatable) for anchor classes.")
@click.option("--keywords", "keywords", multiple=True, help="Money keyword (repeatable) for anchor classes.")
def report(db: str, out: str, market: str | None, brands: tuple[str, ...], keywords: tuple[str, ...]):
    """Write the profile report: one self-contained HTML file that works offline.

    Summary cards, language/country mix against the market, anchor classes,
    topical fit, placement and credit, link velocity with spikes, link
    networks with their evidence, localization opportunities, a sortable and
    filterable table of every link, and the latest hreflang audit.
    """
    from crawler.analysis.results import utc_now
    from crawler.reports.html_report import render_report
    from crawler.reports.profile import load_profile

    opts.require_db(db)
    write_atomically(out, render_report(load_profile(db, market, brands, keywords), db, utc_now()))
    click.echo(f"report: {out}", err=True)


@main.command()
@click.option("--db", default="linkverifier.db", show_default=True, type=click.Path(dir_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback: this machine only).")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on (0: any free port).")
def serve(db: str, host: str, port: int):
    """Browse the database in Datasette, read-only: every table explained, and the views a
    practitioner opens first (lost links, risky links by language and country, link networks,
    shared /24s, localization opportunities, engagement, the last hreflang audit).

    Needs `pip install 'linkverifier[serve]'` (in make's environment already). Ctrl-C or SIGTERM stops it.
    """
    opts.require_db(db)
    try:
        import datasette  # noqa: F401 - the optional dependency, checked before anything starts
    except ImportError:
        click.echo("linkverifier: serve needs Datasette: pip install 'linkverifier[serve]'", err=True)
        sys.exit(opts.EXIT_BAD_INPUT)
    from crawler.reports.serve import DATABASE, listen
    from crawler.reports.serve import serve as serve_database

    try:
        listener = listen(host, port)
    except OSError as exc:  # the port is taken, the address is not ours
        click.echo(f"linkverifier: cannot listen on {host}:{port}: {exc.strerror or exc}", err=True)
        sys.exit(opts.EXIT_BAD_INPUT)
    shown = f"[{host}]" if ":" in host else host
    port = listener.getsockname()[1]  # the one the system chose, for --port 0
    click.echo(f"serving {db} read-only at http://{shown}:{port}/{DATABASE} (Ctrl-C to stop)", err=True)
    from crawler.run.interrupts import startup_handler

    if signal.getsignal(signal.SIGTERM) is startup_handler:
        # SIGTERM is how a server is stopped, not an interruption: uvicorn shuts down in order and
        # then raises the signal again for the handler it found, which should end the process as before.
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    serve_database(db, listener)


@main.command()
@click.option("--out-dir", default="demo-output", show_default=True, type=click.Path(file_okay=False), help="Where the database and results go.")
@click.option("--workers", default=None, type=click.IntRange(min=0), help="Analysis processes. [default: one per core]")
def demo(out_dir: str, workers: int | None):
    """Verify a bundled sample web served on 127.0.0.1 (offline) and say where the results are."""
    from crawler.demo import run_demo

    problem = opts.unwritable_folder(Path(out_dir))
    if problem:
        click.echo(f"linkverifier: --out-dir {out_dir}: {problem}", err=True)
        sys.exit(opts.EXIT_BAD_INPUT)
    paths, outcome = run_demo(Path(out_dir), workers=workers)
    click.echo(opts.summary(outcome, str(paths["results"]), str(paths["database"])).split("\n")[0])
    for name in ("report", "results", "database", "input"):
        click.echo(f"{name}: {paths[name]}")


if __name__ == "__main__":
    main()
