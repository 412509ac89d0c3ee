"""The ``linkverifier`` command line."""

from __future__ import annotations

import functools
import logging
import re
import sqlite3
import sys
from collections import Counter
from contextlib import closing
from pathlib import Path

import click

from crawler import __version__
from crawler.inputs import InputError, iter_rows
from crawler.runs import crawl, crawl_settings, finish_crawl, open_run, run_hreflang, run_verify
from crawler.spool import RowSpool, spool_directory

__all__ = ["main"]

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 1


def _out_path(ctx, param, value: str | None) -> str | None:
    """--out must name a format we write (exit 2 naming them, before any work)."""
    from crawler.output import OutputError, output_format

    try:
        output_format(value)
    except OutputError as exc:
        raise click.BadParameter(str(exc).split(": ", 1)[1]) from None
    return value


def fetch_options(command):
    """Options shared by every command that fetches (see the contract)."""
    options = [
        click.option("--db", "db", default="linkverifier.db", show_default=True, type=click.Path(dir_okay=False), help="SQLite database: history of every check."),
        click.option("--out", "out", default=None, type=click.Path(dir_okay=False), callback=_out_path, help="Results file; .jsonl (default), .csv, .json or .xlsx. Stdout as JSON Lines when omitted."),
        click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(min=0.1), help="Seconds per request."),
        click.option("--concurrency", default=32, show_default=True, type=click.IntRange(min=1), help="Requests in flight overall (at most 4 per host)."),
        click.option("--user-agent", default=None, help="User-Agent header. [default: linkverifier/VERSION (+project URL)]"),
        click.option("--ignore-robots", is_flag=True, help="Fetch pages robots.txt disallows for our agent."),
        click.option("--render", is_flag=True, help="Render pages in headless Chromium (scrapy-playwright)."),
        click.option("--workers", default=None, type=click.IntRange(min=0), help="Analysis processes. [default: one per core; 0 = in-process]"),
        click.option("-q", "--quiet", count=True, help="Less output (no summary with -q)."),
        click.option("-v", "--verbose", count=True, help="More log output (-vv for debug)."),
    ]
    return functools.reduce(lambda cmd, option: option(cmd), reversed(options), command)


def _check_db(db: str) -> None:
    """Exit 2 with the reason when the database cannot be used (before any crawling):
    a crawl whose store fails would otherwise run to the end and lose its history."""
    from crawler.store import Store

    try:
        Path(db).parent.mkdir(parents=True, exist_ok=True)
        Store(db).close()
    except (OSError, sqlite3.Error) as exc:
        click.echo(f"linkverifier: --db {db}: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)


def _check_render(options: dict) -> None:
    """Exit 2 with the reason when --render cannot work here (before any crawling)."""
    from crawler.render import RenderUnavailable, render_settings

    try:
        render_settings(options["timeout"])
    except RenderUnavailable as exc:
        click.echo(f"linkverifier: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)


def _summary(stats: dict, out: str | None, db: str) -> str:
    counts = stats.get("linkverifier/counts", {})
    total = sum(counts.values())
    parts = ", ".join(f"{key} {value}" for key, value in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    where = f"results: {out}" if out else "results: stdout"
    return f"checked {total} rows: {parts or 'none'}\n{where}\ndatabase: {db}"


def _end(outcome, options: dict, resume_hint: str | None = None) -> None:
    """Say how a checking run ended and exit with its status: 0 complete, 130/143 interrupted, 1 stopped."""
    summary = outcome.summary
    if outcome.exit_code is not None:
        where = (summary.output if summary else None) or "stdout"
        total = f" of {outcome.stats.get('linkverifier/rows')}" if outcome.stats.get("linkverifier/rows") else ""
        hint = "; run the same command with --resume to check the rest" if resume_hint else ""
        click.echo(f"linkverifier: interrupted: {summary.answered if summary else 0}{total} rows checked, "
                   f"{summary.written if summary else 0} written to {where} (partial){hint}", err=True)
        sys.exit(outcome.exit_code)
    if summary is not None and summary.status.startswith("stopped"):
        click.echo(f"linkverifier: run {summary.status}", err=True)
        sys.exit(EXIT_INTERNAL)
    stalled = outcome.stats.get("linkverifier/stalled_rows")
    if stalled and not options["quiet"]:
        click.echo(f"linkverifier: {stalled} rows got no answer in time (error/stalled): see their message", err=True)
    if not options["quiet"]:
        out = summary.output if summary and summary.output else options["out"]
        click.echo(_summary(outcome.stats, out, options["db"]), err=True)


def _require_db(db: str) -> None:
    """Commands that read the history need a linkverifier database to read."""
    if not Path(db).is_file():
        click.echo(f"linkverifier: no database at {db}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    try:  # read-only: a wrong file given as --db is left as it was
        with closing(sqlite3.connect(f"{Path(db).resolve().as_uri()}?mode=ro", uri=True)) as connection:
            connection.execute("SELECT 1 FROM checks LIMIT 1").fetchall()
    except sqlite3.Error as exc:
        click.echo(f"linkverifier: {db} is not a linkverifier database ({exc})", err=True)
        sys.exit(EXIT_BAD_INPUT)


def _write_atomically(path: str, text: str) -> None:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(target)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="linkverifier")
def main():
    """Verify backlinks the way a search engine sees them."""


@main.command()
@click.argument("backlinks", type=str)
@click.option("--target", default=None, help="URL or bare domain the links must point to (when the list has no target column).")
@click.option("--resume", is_flag=True, help="Continue the last unfinished run of this input in --db (after a crash or kill).")
@click.option("--queue", default=None, help="redis://HOST:PORT/DB: enqueue the work for `linkverifier worker` processes and collect the results.")
@fetch_options
def verify(backlinks: str, target: str | None, resume: bool, queue: str | None, **options):
    """Check every backlink in BACKLINKS (a CSV/TSV export or a list of URLs; - for stdin).

    One result per input row, in input order: is the link live, does it pass
    credit, can Google index the page, where does the link sit, what language
    and country is the page, and how well its topic fits the target.
    """
    if options["render"]:
        _check_render(options)
    try:
        # Read once, as a stream, into a spool on disk: memory stays flat however long the list.
        spool = RowSpool(iter_rows(backlinks, target), target, directory=spool_directory(options["db"]))
    except InputError as exc:
        click.echo(f"linkverifier: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except (OSError, sqlite3.Error) as exc:  # the disk beside --db (or /tmp) is full or read-only
        click.echo(f"linkverifier: cannot spool the list to disk: {exc}", err=True)
        sys.exit(EXIT_INTERNAL)
    with spool:
        _check_db(options["db"])
        if queue:
            from crawler.coordinator import run_queue

            try:
                outcome = run_queue(spool, queue, backlinks, out=options["out"], db=options["db"], quiet=bool(options["quiet"]))
            except Exception as exc:  # Redis unreachable, mostly
                click.echo(f"linkverifier: queue {queue}: {exc}", err=True)
                sys.exit(EXIT_INTERNAL)
            _end(outcome, options, resume_hint="verify")
            return
        try:
            outcome = run_verify(spool, target, backlinks, resume=resume, **options)
        except Exception as exc:  # an internal failure: say so, exit 1
            logging.getLogger(__name__).exception("verify failed")
            click.echo(f"linkverifier: internal error: {exc}", err=True)
            sys.exit(EXIT_INTERNAL)
    _end(outcome, options, resume_hint="verify")


@main.command()
@click.argument("start_url")
@click.option("--sitemap", "sitemaps", multiple=True, help="A sitemap (or sitemap index) URL; repeatable. robots.txt's Sitemap: lines are read too.")
@click.option("--max-pages", default=5000, show_default=True, type=click.IntRange(min=1), help="Site pages to crawl (hreflang targets are fetched on top).")
@fetch_options
def hreflang(start_url: str, sitemaps: tuple[str, ...], max_pages: int, **options):
    """Audit a site's hreflang setup from START_URL: HTML <link> tags, HTTP Link headers and XML sitemaps.

    Writes one issue per line (code, severity, url, href, hreflang, detail);
    a clean site produces no lines. Beyond the usual checks it compares the
    declared language with the language the page's text is written in, with
    <html lang>, and the region with the ccTLD.
    """
    from extract.urls import invalid_url_reason

    if options["render"]:
        _check_render(options)
    problem = invalid_url_reason(start_url)
    if problem:
        click.echo(f"linkverifier: START_URL: {problem}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    _check_db(options["db"])
    try:
        issues, stats, interrupted = run_hreflang(start_url, list(sitemaps), max_pages, **options)
    except Exception as exc:
        logging.getLogger(__name__).exception("hreflang audit failed")
        click.echo(f"linkverifier: internal error: {exc}", err=True)
        sys.exit(EXIT_INTERNAL)
    if interrupted is not None:  # an audit of part of a site would report false problems: none is written
        click.echo(f"linkverifier: interrupted after {stats.get('linkverifier/pages', 0)} pages: no audit written", err=True)
        sys.exit(interrupted)
    if not options["quiet"]:
        counts = Counter(f"{i['severity']} {i['code']}" for i in issues)
        summary = ", ".join(f"{key} {n}" for key, n in sorted(counts.items())) or "no issues"
        click.echo(f"audited {stats.get('linkverifier/pages', 0)} pages: {summary}", err=True)


@main.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--target", required=True, help="Your site: the domain (or URL) the referring pages must link to.")
@fetch_options
def referrers(sources: tuple[str, ...], target: str, **options):
    """Verify the referring pages named in access logs or analytics exports (SOURCES, .gz too).

    Reads Apache/Nginx combined logs and referral exports (a "Page referrer",
    "Full referrer" or "Linking page" column), keeps external web pages (not
    your own hosts, search engines, webmail, apps or non-pages), and verifies
    each distinct referring page as `verify` does, in its result format.
    """
    from crawler.referrer_run import verify_candidates
    from crawler.referrers import read_referrers
    from extract.urls import Target

    if options["render"]:
        _check_render(options)
    try:
        parsed_target = Target.parse(target)
        report = read_referrers(list(sources), parsed_target.domain)
    except (InputError, ValueError) as exc:
        click.echo(f"linkverifier: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    _check_db(options["db"])
    if not options["quiet"]:
        dropped = ", ".join(f"{why} {n}" for why, n in report.dropped.most_common())
        click.echo(f"read {report.lines} lines ({report.malformed} malformed): {len(report.candidates)} candidate pages; "
                   f"left out: {dropped or 'none'}", err=True)
    try:
        outcome = verify_candidates(report, parsed_target, list(sources), **options)
    except Exception as exc:
        logging.getLogger(__name__).exception("referrers failed")
        click.echo(f"linkverifier: internal error: {exc}", err=True)
        sys.exit(EXIT_INTERNAL)
    _end(outcome, options)


@main.command()
@click.argument("sites", nargs=-1, required=True)
@click.option("--target", required=True, help="The domain (or URL) whose links to find.")
@click.option("--max-pages", default=500, show_default=True, type=click.IntRange(min=1), help="Pages to crawl per site.")
@fetch_options
def discover(sites: tuple[str, ...], target: str, max_pages: int, **options):
    """Crawl candidate SITES (same host, breadth first) and report every page that links to the target,
    in `verify`'s result format."""
    from extract.urls import Target, invalid_url_reason

    if options["render"]:
        _check_render(options)
    problems = [f"{site}: {invalid_url_reason(site)}" for site in sites if invalid_url_reason(site)]
    try:
        Target.parse(target)
    except ValueError as exc:
        problems.append(f"--target: {exc}")
    if problems:
        click.echo("linkverifier: " + "; ".join(problems), err=True)
        sys.exit(EXIT_BAD_INPUT)
    _check_db(options["db"])
    settings = crawl_settings(**options)
    settings.set("LINKVERIFIER_COMMAND", "crawl", priority="cmdline")
    settings.set("LINKVERIFIER_INPUT", ",".join(sites), priority="cmdline")
    settings.set("LINKVERIFIER_TARGET", target, priority="cmdline")
    run = open_run(settings)
    try:
        crawler = crawl(settings, "discover", run=run, sites=list(sites), target=target, max_pages=max_pages)
    except BaseException:
        run.finish("stopped: internal error")
        raise
    outcome = finish_crawl(crawler, run)
    if not options["quiet"] and outcome.exit_code is None:
        click.echo(f"crawled {len(crawler.spider.seen)} pages", err=True)
    _end(outcome, options)


EXIT_CHANGED = 3  # changes --fail-on: a change of a kind asked for is there


def _change_kinds(ctx, param, value: str | None) -> frozenset[str]:
    from crawler.notify import CHANGE_KINDS

    kinds = frozenset(k.strip() for k in (value or "").split(",") if k.strip())
    unknown = sorted(kinds - set(CHANGE_KINDS))
    if unknown:
        raise click.BadParameter(f"unknown change kind {', '.join(unknown)}; kinds: {', '.join(CHANGE_KINDS)}")
    return kinds


def notify_option(command):
    return click.option("--notify", "notify", multiple=True, metavar="URL",
                        help="Send a summary of the changes through Apprise (slack://…, mailto://…, json://host/path…); "
                             "repeatable, also from LINKVERIFIER_NOTIFY.")(command)


def _notify(urls: tuple[str, ...], found: list[dict]) -> None:
    """Send the summary; a failed delivery is one line on stderr and changes no exit status."""
    from crawler.notify import notify_urls, send

    for failure in send(notify_urls(urls), found):
        click.echo(f"linkverifier: {failure}", err=True)


@main.command()
@click.option("--db", default="linkverifier.db", show_default=True, type=click.Path(dir_okay=False))
@click.option("--since", default=None, help="Only changes checked on or after this date (YYYY-MM-DD).")
@click.option("--out", default=None, type=click.Path(dir_okay=False), callback=_out_path, help="Write JSON Lines/CSV/JSON/XLSX instead of a table.")
@click.option("--fail-on", "fail_on", default=None, callback=_change_kinds, metavar="KIND[,KIND…]",
              help="Exit 3 when a change of these kinds is there (new, lost, back, rel_changed, anchor_changed, "
                   "placement_changed, target_changed): for cron and CI.")
@notify_option
def changes(db: str, since: str | None, out: str | None, fail_on: frozenset[str], notify: tuple[str, ...]):
    """Per backlink, what changed between its last two checks: new, lost (and why), back,
    rel changed (followed <-> nofollow/sponsored/ugc), anchor, placement, target."""
    from crawler.changes import backlink_changes
    from crawler.output import write_records

    _require_db(db)
    if since is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", since):
        click.echo(f"linkverifier: --since {since}: not a date (YYYY-MM-DD)", err=True)
        sys.exit(EXIT_BAD_INPUT)
    found = backlink_changes(db, since)
    fields = ["source_url", "target", "change", "detail", "status", "reason", "previous_check", "current_check"]
    if out or not sys.stdout.isatty():
        write_records(out, found, fields)
    else:
        for record in found:
            click.echo(f"{record['change']:<18} {record['source_url']}\n{'':<18} {record['detail']}")
        click.echo(f"{len(found)} changes", err=True)
    if found:
        _notify(notify, found)
    if fail_on & {record["change"] for record in found}:
        sys.exit(EXIT_CHANGED)


_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*([mhdw])$")


def _older_than(ctx, param, value: str | None) -> float | None:
    """``7d``, ``12h``, ``30m``, ``2w`` -> seconds."""
    if value is None:
        return None
    match = _DURATION.match(value.strip().lower())
    if not match:
        raise click.BadParameter(f"{value!r}: a duration such as 30m, 12h, 7d or 2w")
    return float(match.group(1)) * {"m": 60, "h": 3600, "d": 86400, "w": 604800}[match.group(2)]


@main.command()
@click.option("--older-than", "older_than", default=None, callback=_older_than, metavar="DURATION",
              help="Only backlinks last checked longer ago than this (30m, 12h, 7d, 2w). [default: every backlink]")
@click.option("--resume", is_flag=True, help="Continue the last unfinished recheck in --db.")
@notify_option
@fetch_options
def recheck(older_than: float | None, resume: bool, notify: tuple[str, ...], **options):
    """Verify again every backlink the database knows (the monitoring loop, for cron or a timer).

    Each backlink is checked against its target as `verify` checks it, with the
    same options and guarantees, without the original file. With --notify, a
    summary of what changed (lost links first) is sent when anything did.
    """
    from crawler.changes import backlink_changes
    from crawler.recheck import recheck_rows
    from crawler.results import utc_now

    if options["render"]:
        _check_render(options)
    _require_db(options["db"])
    started = utc_now()
    rows, selection = recheck_rows(options["db"], older_than, resume)
    if not rows:
        if not options["quiet"]:
            click.echo("linkverifier: nothing to recheck", err=True)
        return
    try:
        outcome = run_verify(rows, None, "recheck", command="recheck", resume=resume, run_options=selection, **options)
    except Exception as exc:
        logging.getLogger(__name__).exception("recheck failed")
        click.echo(f"linkverifier: internal error: {exc}", err=True)
        sys.exit(EXIT_INTERNAL)
    if outcome.exit_code is None:
        found = [c for c in backlink_changes(options["db"]) if c["current_check"] >= started]
        if found:
            _notify(notify, found)
    _end(outcome, options, resume_hint="recheck")


@main.command()
@click.option("--queue", required=True, help="redis://HOST:PORT/DB, the same as the coordinator's.")
@click.option("--visibility-timeout", default=60.0, show_default=True, type=click.FloatRange(min=1),
              help="Seconds a taken task stays leased; the work of a worker that dies returns to the queue after it.")
@fetch_options
def worker(queue: str, visibility_timeout: float, **options):
    """Fetch and analyse the work `verify --queue` put in Redis; run any number, on any machines."""
    from crawler.queue import connect

    if options["render"]:
        _check_render(options)
    try:
        connect(queue).ping()  # fail early and clearly when Redis is not there
    except ValueError as exc:  # not a redis:// URL
        click.echo(f"linkverifier: --queue {queue}: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except Exception as exc:
        click.echo(f"linkverifier: queue {queue}: {exc}", err=True)
        sys.exit(EXIT_INTERNAL)
    settings = crawl_settings(**options)
    settings.setdict({
        "REDIS_URL": queue,
        "LINKVERIFIER_VISIBILITY_TIMEOUT": visibility_timeout,
        "ITEM_PIPELINES": {},  # the worker spider sends its results to Redis itself
        "LINKVERIFIER_PROGRESS": False,
    }, priority="cmdline")
    crawler = crawl(settings, "worker")
    exit_code = crawler.linkverifier_interrupts.exit_code
    if exit_code is not None:  # its leased tasks go back to the queue when their lease runs out
        click.echo("linkverifier: worker interrupted", err=True)
        sys.exit(exit_code)


@main.command()
@click.option("--db", default="linkverifier.db", show_default=True, type=click.Path(dir_okay=False))
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="The disavow .txt file to write.")
@click.option("--keep", "keep_file", default=None, type=click.Path(dir_okay=False), help="Allowlist: domains or URLs never to disavow.")
@click.option("--merge", "merge_file", default=None, type=click.Path(dir_okay=False), help="An existing disavow file to extend (its entries are kept).")
@click.option("--market", default=None, help="The site's market, e.g. en-US (else the target pages' language).")
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
    from crawler.disavow import DisavowError, plan_disavow, read_disavow, render_disavow
    from crawler.profile import load_profile
    from crawler.results import utc_now

    _require_db(db)
    try:
        keep = read_disavow(keep_file) if keep_file else []
        previous = read_disavow(merge_file) if merge_file else []
        entries = plan_disavow(load_profile(db, market, brands, keywords), keep)
        previous = [line for line in previous if line not in set(keep)]
        text = render_disavow(entries, previous, utc_now())
    except DisavowError as exc:
        click.echo(f"linkverifier: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    _write_atomically(out, text)
    added = [e.line for e in entries if e.line not in set(previous)]
    for line in added:
        click.echo(f"+ {line}", err=True)
    click.echo(f"disavow: {len(entries)} entries ({len(added)} new, {len(previous)} kept from {merge_file or 'no previous file'}) -> {out}", err=True)


@main.command()
@click.option("--db", default="linkverifier.db", show_default=True, type=click.Path(dir_okay=False))
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="The HTML file to write.")
@click.option("--market", default=None, help="The site's market, e.g. en-US (else the target pages' language).")
@click.option("--brand", "brands", multiple=True, help="Brand name (repeatable) for anchor classes.")
@click.option("--keywords", "keywords", multiple=True, help="Money keyword (repeatable) for anchor classes.")
def report(db: str, out: str, market: str | None, brands: tuple[str, ...], keywords: tuple[str, ...]):
    """Write the profile report: one self-contained HTML file that works offline.

    Summary cards, language/country mix against the market, anchor classes,
    topical fit, placement and credit, link velocity with spikes, link
    networks with their evidence, localization opportunities, a sortable and
    filterable table of every link, and the latest hreflang audit.
    """
    from crawler.profile import load_profile
    from crawler.report import render_report
    from crawler.results import utc_now

    _require_db(db)
    _write_atomically(out, render_report(load_profile(db, market, brands, keywords), db, utc_now()))
    click.echo(f"report: {out}", err=True)


@main.command()
@click.option("--out-dir", default="demo-output", show_default=True, type=click.Path(file_okay=False), help="Where the database and results go.")
@click.option("--workers", default=None, type=click.IntRange(min=0), help="Analysis processes. [default: one per core]")
def demo(out_dir: str, workers: int | None):
    """Verify a bundled sample web served on 127.0.0.1 (offline) and say where the results are."""
    from crawler.demo import run_demo

    paths, stats = run_demo(Path(out_dir), workers=workers)
    click.echo(_summary(stats, str(paths["results"]), str(paths["database"])).split("\n")[0])
    for name in ("report", "results", "database", "input"):
        click.echo(f"{name}: {paths[name]}")


if __name__ == "__main__":
    main()
