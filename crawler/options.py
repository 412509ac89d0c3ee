"""What the commands share: their options and checks, and how a run's end is said.

``crawler.cli`` holds the click commands only; each parses, checks with
these, and calls one function that does the work.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import math
import os
import re
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from crawler.store.faults import EXIT_STORAGE
from crawler.store.status import is_stopped

__all__ = ["RunOptions", "Seconds", "EXIT_BAD_INPUT", "EXIT_INTERNAL", "EXIT_INTERRUPTED", "EXIT_CHANGED", "EXIT_STORAGE", "EXIT_QUEUE_UNAVAILABLE", "fetch_options",
           "queue_wait_option", "queue_url", "queue_unavailable", "notify_option", "out_path",
           "writable_out", "unwritable_folder", "change_kinds", "db_wait", "market_code",
           "older_than", "command_options", "check_db", "check_render", "require_db", "summary", "end", "failed", "storage_failed", "notify"]

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 1
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a crawl's own handler exits (``crawler.run.interrupts``)
# sysexits' EX_UNAVAILABLE: the queue's Redis could not be reached (at the start, or past --queue-wait).
EXIT_QUEUE_UNAVAILABLE = 69
# sysexits' EX_TEMPFAIL: another coordinator collects the same input's job; try again once it has ended.
EXIT_JOB_TAKEN = 75


class Seconds(click.FloatRange):
    """A number of seconds in a range, and finite: click's FloatRange lets "nan" through every bound
    (``--timeout nan`` ended in a traceback deep in Scrapy, ``--analysis-timeout nan`` waited for ever)
    and "inf" past a minimum (a request or an analysis that may never end is a hang)."""

    def convert(self, value, param, ctx):
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a number of seconds.", param, ctx)
        return number


def market_code(ctx, param, value: str | None) -> str | None:
    """--market: a language, optionally with a script and a country, as hreflang writes it ("de", "de-AT",
    "zh-Hant-TW"; "de_AT" read as "de-AT"), normalised. A code naming no language is exit 2: "de_DE" was taken
    for a language "de_de" no page is written in, and every German link then counted as off-market."""
    if value is None:
        return None
    from extract.hreflang import InvalidCode, parse_code

    if not value.strip():
        raise click.BadParameter("empty: give a language, as in en or en-US")
    try:
        code = parse_code(value.strip().replace("_", "-"))
    except InvalidCode as exc:
        raise click.BadParameter(str(exc)) from None
    if code.is_default:
        raise click.BadParameter("x-default names no market: give a language, as in en or en-US")
    return "-".join(part for part in (code.language, code.script and code.script.title(), code.region and code.region.upper()) if part)


def out_path(ctx, param, value: str | None) -> str | None:
    """--out must name a format we write (exit 2 naming them, before any work) in a folder we can write."""
    from crawler.reports.writers import OutputError, output_format

    try:
        output_format(value)
    except OutputError as exc:
        raise click.BadParameter(str(exc).split(": ", 1)[1]) from None
    return writable_out(ctx, param, value)


def writable_out(ctx, param, value: str | None) -> str | None:
    """An output's folder must take files: exit 2 with one line naming it and why, before anything
    is fetched or read (a run that finds out at its end has lost its work, and its record stays ``running``)."""
    from crawler.reports.writers import is_stream

    if value and is_stream(value):  # stdout, /dev/stdout, a named pipe: written into, no file beside it
        if value != "-" and os.path.exists(value) and not os.access(value, os.W_OK):
            name = param.opts[0] if param is not None and param.opts else "--out"
            click.echo(f"linkverifier: {name} {value}: not writable", err=True)
            sys.exit(EXIT_BAD_INPUT)
        return value
    if value:
        problem = unwritable_folder(Path(value).parent)
        if problem:
            name = param.opts[0] if param is not None and param.opts else "--out"
            click.echo(f"linkverifier: {name} {value}: {problem}", err=True)
            sys.exit(EXIT_BAD_INPUT)
    return value


def unwritable_folder(folder: Path) -> str | None:
    """Why no file can be written in ``folder`` (created when missing), or None: a probe file is
    created and removed, which is the only test that sees read-only mounts, full disks and ACLs."""
    import tempfile

    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".linkverifier-probe-"):
            pass
    except OSError as exc:
        return f"cannot write in {folder.resolve() if folder.exists() else folder}: {exc.strerror or exc}"
    return None


def queue_wait_option(function):
    """--queue-wait: how long a coordinator or a worker waits for a Redis that went away during the run."""
    from crawler.queue.outage import DEFAULT_QUEUE_WAIT

    return click.option("--queue-wait", default=DEFAULT_QUEUE_WAIT, show_default=True, type=Seconds(min=0),
                        envvar="LINKVERIFIER_QUEUE_WAIT", metavar="SECONDS",
                        help="Seconds to wait for the queue's Redis when it goes away during the run "
                             "(a restart, a failover); past them the run ends with exit 69, resumable.")(function)


def queue_url(ctx, param, value: str | None) -> str | None:
    """--queue must be a URL redis-py reads (redis://, rediss://, unix://): exit 2 with one line, before anything."""
    if value is not None:
        from crawler.queue.keys import connect

        try:
            connect(value)  # parses only: nothing is reached yet
        except ValueError as exc:
            click.echo(f"linkverifier: --queue {value}: {exc}", err=True)
            sys.exit(EXIT_BAD_INPUT)
    return value


def queue_unavailable(url: str, error: BaseException) -> None:
    """Redis could not be reached at the start: one line (no password shown), exit 69."""
    from crawler.queue.outage import shown_url

    click.echo(f"linkverifier: queue {shown_url(url)}: {error}", err=True)
    sys.exit(EXIT_QUEUE_UNAVAILABLE)


def db_wait(ctx, param, value: float) -> float:
    """--db-wait: how long every write to the database waits for a lock another program holds."""
    from crawler.store.database import Store

    Store.default_wait = value
    return value


def ip_databases(ctx, param, values: tuple[str, ...]) -> tuple[str, ...]:
    """--ip-db: each file must be a MaxMind-format database (exit 2 naming it, before any fetch)."""
    from crawler.hosting.ipdb import IpDatabaseError, IpDatabases

    try:
        IpDatabases(values).close()
    except IpDatabaseError as exc:
        raise click.BadParameter(str(exc)) from None
    return values


def pinned_addresses(ctx, param, values: tuple[str, ...]) -> tuple[str, ...]:
    from crawler.hosting.addresses import parse_resolve

    try:
        parse_resolve(values)
    except ValueError as exc:
        raise click.BadParameter(str(exc).split(": ", 1)[1]) from None  # click names the option
    return values


@dataclass(frozen=True)
class RunOptions:
    """The options of a command that fetches, read once from its command line (``fetch_options``)."""

    db: str = "linkverifier.db"
    out: str | None = None
    timeout: float = 30.0
    concurrency: int = 32
    user_agent: str | None = None
    ignore_robots: bool = False
    render: bool = False
    ip_db: tuple[str, ...] = ()
    resolve: tuple[str, ...] = ()
    workers: int | None = None
    analysis_timeout: float = 120.0
    quiet: int = 0
    verbose: int = 0
    brands: tuple[str, ...] = ()  # verify's --brand and --keywords, where the command has them
    keywords: tuple[str, ...] = ()

    @classmethod
    def take(cls, values: dict) -> RunOptions:
        """The run options out of a command's keyword arguments, removed from them."""
        taken = {}
        for name in _RUN_OPTION_NAMES:
            if name in values:
                value = values.pop(name)
                taken[name] = tuple(value) if isinstance(value, list | tuple) else value
        return cls(**taken)

    def replace(self, **changes) -> RunOptions:
        return dataclasses.replace(self, **changes)


_RUN_OPTION_NAMES = tuple(f.name for f in dataclasses.fields(RunOptions))


def fetch_options(command):
    """Options shared by every command that fetches (see the contract); the command gets them as one
    ``options: RunOptions`` argument."""
    from crawler.store.database import DEFAULT_WAIT

    options = [
        click.option("--db", "db", default="linkverifier.db", show_default=True, type=click.Path(dir_okay=False), help="SQLite database: history of every check."),
        click.option("--db-wait", "db_wait", default=DEFAULT_WAIT, show_default=True, type=Seconds(min=0),
                     envvar="LINKVERIFIER_DB_WAIT", callback=db_wait, expose_value=False, metavar="SECONDS",
                     help="Seconds to wait for a database another program is writing to before the run stops."),
        click.option("--out", "out", default=None, type=click.Path(dir_okay=False), callback=out_path, help="Results file; .jsonl (default), .csv, .json or .xlsx. Stdout as JSON Lines when omitted or -."),
        click.option("--timeout", default=30.0, show_default=True, type=Seconds(min=0.1), help="Seconds per request."),
        click.option("--concurrency", default=32, show_default=True, type=click.IntRange(min=1), help="Requests in flight overall (at most 4 per host)."),
        click.option("--user-agent", default=None, help="User-Agent header. [default: linkverifier/VERSION (+project URL)]"),
        click.option("--ignore-robots", is_flag=True, help="Fetch pages robots.txt disallows for our agent."),
        click.option("--render", is_flag=True, help="Render pages in headless Chromium (scrapy-playwright)."),
        click.option("--ip-db", "ip_db", multiple=True, type=click.Path(dir_okay=False), envvar="LINKVERIFIER_IP_DB",
                     callback=ip_databases, metavar="PATH",
                     help="MaxMind-format database (GeoLite2, DB-IP Lite, IPinfo Lite) for ASN and hosting country; repeatable."),
        click.option("--resolve", "resolve", multiple=True, callback=pinned_addresses, metavar="HOST:ADDRESS",
                     help="Take ADDRESS as HOST's address for the hosting fields (as curl's --resolve); repeatable."),
        click.option("--workers", default=None, type=click.IntRange(min=0), help="Analysis processes. [default: one per core; 0 = in-process, with no --analysis-timeout]"),
        click.option("--analysis-timeout", "analysis_timeout", default=120.0, show_default=True,
                     type=Seconds(min=0, min_open=True), envvar="LINKVERIFIER_ANALYSIS_TIMEOUT", metavar="SECONDS",
                     help="Seconds one page's analysis may take; past it the page is an analysis_error and its worker is replaced."),
        click.option("-q", "--quiet", count=True, help="Less output (no summary with -q)."),
        click.option("-v", "--verbose", count=True, help="More log output (-vv for debug)."),
    ]

    @functools.wraps(command)
    def with_run_options(*args, **kwargs):
        run_options = RunOptions.take(kwargs)
        return command(*args, options=run_options, **kwargs)

    return functools.reduce(lambda cmd, option: option(cmd), reversed(options), with_run_options)


def check_db(db: str) -> None:
    """Exit 2 with the reason when the database cannot be used (before any crawling):
    a crawl whose store fails would otherwise run to the end and lose its history."""
    from crawler.store.database import Store
    from crawler.store.faults import StorageError

    try:
        Path(db).parent.mkdir(parents=True, exist_ok=True)
        store = Store(db)
        try:
            store.probe()  # opens for writing: a read-only file or a lock held past --db-wait ends it here
        finally:
            store.close()
    except (OSError, sqlite3.Error, StorageError) as exc:
        click.echo(f"linkverifier: --db {db}: {exc.detail if isinstance(exc, StorageError) else exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)


def check_render(options: RunOptions) -> None:
    """Exit 2 with the reason when --render cannot work here (before any crawling)."""
    from crawler.render import RenderUnavailable, render_settings

    try:
        render_settings(options.timeout)
    except RenderUnavailable as exc:
        click.echo(f"linkverifier: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)


def command_options(command: click.Command, **given) -> RunOptions:
    """The run options ``command`` would get from a command line that gives ``given``: every other option at
    its default, each value converted and checked by the option's own type and callback. For callers that run
    a command's work without a command line (the demo): an option added later reaches them with its default."""
    context = click.Context(command)
    values = {param.name: param.process_value(context, given[param.name] if param.name in given else param.get_default(context))
              for param in command.params if isinstance(param, click.Option)}
    return RunOptions.take(values)


def summary(outcome, out: str | None, db: str) -> str:
    counts = outcome.counts
    total = sum(counts.values())
    parts = ", ".join(f"{key} {value}" for key, value in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    where = f"results: {out}" if out else "results: stdout"
    return f"checked {total} rows: {parts or 'none'}\n{where}\ndatabase: {db}"


def end(outcome, options: RunOptions, resume_hint: str | None = None) -> None:
    """Say how a checking run ended and exit with its status: 0 complete, 130/143 interrupted, 1 stopped."""
    run = outcome.summary
    fault = run and (run.fault or run.output_fault)
    if fault:
        total = outcome.rows
        where = run.output or "stdout"
        checked = f"{run.answered}{f' of {total}' if total else ''} rows checked, {run.written} written to {where}"
        if run.output_fault and where == "stdout":
            checked += f" (the output could not be written: {run.output_fault.detail})"
        advice = "free some space, then" if fault.reason == "disk full" else "when the database is free again,"
        # A database fault leaves the run unfinished in the database even when every row was answered (the last
        # ones were not stored, the output stays .partial): --resume is what finishes it, so it is always named.
        rows_left = bool(total) and run.answered < total
        what = "check the rest" if rows_left else "finish it"
        rest = f"; {advice} run the same command with --resume to {what}" if resume_hint and total and (run.fault or rows_left) else ""
        click.echo(f"linkverifier: stopped: {fault.reason} on {fault.path} ({fault.detail}): {checked}{rest}", err=True)
        sys.exit(EXIT_STORAGE)
    if outcome.exit_code is not None:
        where = (run.output if run else None) or "stdout"
        total = f" of {outcome.rows}" if outcome.rows else ""
        hint = "; run the same command with --resume to check the rest" if resume_hint else ""
        click.echo(f"linkverifier: interrupted: {run.answered if run else 0}{total} rows checked, "
                   f"{run.written if run else 0} written to {where} (partial){hint}", err=True)
        sys.exit(outcome.exit_code)
    if run is not None and is_stopped(run.status):
        click.echo(f"linkverifier: run {run.status}", err=True)
        sys.exit(EXIT_INTERNAL)
    stalled = outcome.stalled_rows
    if stalled and not options.quiet:
        click.echo(f"linkverifier: {stalled} rows got no answer in time (error/stalled): see their message", err=True)
    if not options.quiet:
        out = run.output if run and run.output else options.out
        click.echo(summary(outcome, out, options.db), err=True)


def failed(exc: Exception, command: str) -> None:
    """A command failed: storage (disk full, database locked…) in one line, exit 74; anything else is a bug, exit 1."""
    from crawler.store.faults import storage_error

    fault = storage_error(exc, getattr(exc, "filename", None) or "a temporary file")
    if fault is not None:
        storage_failed(fault)
    cause, seen = exc, set()
    while cause is not None and id(cause) not in seen:  # Ctrl-C met while a class was being built: Python
        seen.add(id(cause))  # wraps it in a RuntimeError ("Error calling __set_name__")
        if isinstance(cause, KeyboardInterrupt):
            raise KeyboardInterrupt from exc  # the command was interrupted (130/143), not broken
        cause = cause.__cause__ or cause.__context__
    logging.getLogger("crawler.cli").exception("%s failed", command)
    click.echo(f"linkverifier: internal error: {exc}", err=True)
    sys.exit(EXIT_INTERNAL)


def storage_failed(fault) -> None:
    """Storage failed outside a run's own ending (before or after the crawl): one line, exit 74."""
    click.echo(f"linkverifier: stopped: {fault.reason} on {fault.path} ({fault.detail})", err=True)
    sys.exit(EXIT_STORAGE)


def require_db(db: str) -> None:
    """Commands that read the history need a linkverifier database to read."""
    if not Path(db).is_file():
        click.echo(f"linkverifier: no database at {db}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    from crawler.store.database import History

    try:  # read-only: a wrong file given as --db is left as it was
        with History(db) as history:
            history.ensure()
    except sqlite3.Error as exc:
        click.echo(f"linkverifier: {db} is not a linkverifier database ({exc})", err=True)
        sys.exit(EXIT_BAD_INPUT)


EXIT_CHANGED = 3  # changes --fail-on: a change of a kind asked for is there


def change_kinds(ctx, param, value: str | None) -> frozenset[str]:
    from crawler.reports.notify import CHANGE_KINDS

    kinds = frozenset(k.strip() for k in (value or "").split(",") if k.strip())
    unknown = sorted(kinds - set(CHANGE_KINDS))
    if unknown:
        raise click.BadParameter(f"unknown change kind {', '.join(unknown)}; kinds: {', '.join(CHANGE_KINDS)}")
    return kinds


def notify_option(command):
    return click.option("--notify", "notify", multiple=True, metavar="URL", callback=_known_notify_urls,
                        help="Send a summary of the changes through Apprise (slack://…, mailto://…, json://host/path…); "
                             "repeatable, also from LINKVERIFIER_NOTIFY.")(command)


def _known_notify_urls(ctx, param, value: tuple[str, ...]) -> tuple[str, ...]:
    """A notify URL with a typo is said before the run (exit 2), not found out the day a link is lost."""
    from crawler.reports.notify import ENVIRONMENT, notify_urls, redact, unknown_urls

    unknown = unknown_urls(notify_urls(value))
    if unknown:
        where = "--notify" if unknown[0] in value else ENVIRONMENT
        raise click.BadParameter(f"{redact(unknown[0])} is not a notification URL Apprise knows "
                                 "(slack://…, mailto://…, json://host/path…)", param_hint=where)
    return value


def notify(urls: tuple[str, ...], found: list[dict]) -> None:
    """Send the summary; a failed delivery is one line on stderr and changes no exit status."""
    from crawler.reports.notify import notify_urls, send

    for failure in send(notify_urls(urls), found):
        click.echo(f"linkverifier: {failure}", err=True)


_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*([mhdw])$")
_LONGEST_DURATION = 100 * 366 * 86400


def older_than(ctx, param, value: str | None) -> float | None:
    """``7d``, ``12h``, ``30m``, ``2w`` -> seconds."""
    if value is None:
        return None
    match = _DURATION.match(value.strip().lower())
    if not match:
        raise click.BadParameter(f"{value!r}: a duration such as 30m, 12h, 7d or 2w")
    seconds = float(match.group(1)) * {"m": 60, "h": 3600, "d": 86400, "w": 604800}[match.group(2)]
    if seconds > _LONGEST_DURATION:  # "99999999w" ended in an OverflowError traceback: no date is that old
        raise click.BadParameter(f"{value!r}: longer than a century")
    return seconds


