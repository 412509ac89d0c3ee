"""Ctrl-C and SIGTERM during a crawl: stop taking rows, keep what is done, end within seconds.

Scrapy's own handlers wait for everything in flight to finish, which is for
ever when something in flight never will; its second signal stops the
reactor with nothing written. Ours, for every command that crawls:

- first SIGINT/SIGTERM: the spider takes no new rows, work in flight has
  ``GRACE_SECONDS`` to finish, then the rest is abandoned (its rows stay
  unchecked for ``--resume``) and the reactor stops; the caller then writes
  every checked row in input order and marks the run ``interrupted``;
- a second signal: the same at once, without the grace;
- a third: the process exits on the spot (the analysis processes die with
  it, see ``crawler.analysis.pool.die_with_parent``).

The exit status is 128 + the signal: 130 for SIGINT, 143 for SIGTERM.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import threading

from crawler.store.status import stopped

__all__ = ["Interrupts", "close_spider", "held_signals", "startup_handler", "startup_exit_code", "take_startup_signal",
           "GRACE_SECONDS"]

GRACE_SECONDS = 5.0
_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def close_spider(crawler, reason: str) -> None:
    """Ask the engine to close the spider (Scrapy >= 2.14 has the coroutine; older, the Deferred)."""
    engine = getattr(crawler, "engine", None)
    if engine is None or getattr(engine, "spider", None) is None:
        return
    if hasattr(engine, "close_spider_async"):
        task = asyncio.ensure_future(engine.close_spider_async(reason=reason))
        task.add_done_callback(lambda done: done.cancelled() or done.exception())  # a close that fails is not news
    else:
        engine.close_spider(engine.spider, reason)


_startup_signal: int | None = None
_startup_exit: int | None = None


def startup_handler(signum, _frame) -> None:
    """Ctrl-C (or SIGTERM) before a crawl's ``Interrupts`` take over: KeyboardInterrupt, as Python's own
    handler raises it, and remembered: Python swallows one raised inside a weakref callback or a destructor
    (an import's module-lock callback: "Exception ignored in"), and the run went on to the end."""
    global _startup_signal, _startup_exit
    _startup_signal = signum
    _startup_exit = 128 + signum
    raise KeyboardInterrupt


@contextlib.contextmanager
def held_signals():
    """Ctrl-C and SIGTERM wait while the body runs, then are answered as they would have been.

    Around opening a run record: a signal landing after the record was written but before the caller held
    it (``Run.__init__`` still making its writer) left the run "running" although the command said
    "interrupted" and exited 143. Held, the signal arrives once the caller can mark the run interrupted."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[tuple[int, object]] = []
    previous = {signum: signal.getsignal(signum) for signum in _SIGNALS}
    for signum in _SIGNALS:
        signal.signal(signum, lambda signum, frame: caught.append((signum, frame)))
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if caught:
            signum, frame = caught[0]
            handler = previous[signum]
            if callable(handler):
                handler(signum, frame)  # ours raise KeyboardInterrupt, as the signal would have
            elif handler == signal.SIG_DFL:
                os.kill(os.getpid(), signum)


def startup_exit_code() -> int | None:
    """The exit status for the signal ``startup_handler`` met (130, 143), if any (forgotten once taken)."""
    global _startup_exit
    code, _startup_exit = _startup_exit, None
    return code


def take_startup_signal() -> int | None:
    """The signal ``startup_handler`` met, if any (forgotten once taken)."""
    global _startup_signal
    signum, _startup_signal = _startup_signal, None
    return signum


class Interrupts:
    """Installed around ``CrawlerProcess.start(install_signal_handlers=False)``."""

    def __init__(self, crawler, quiet: bool = False):
        self.crawler = crawler
        self.quiet = quiet
        self.signum: int | None = None
        self.count = 0
        self._stopped = False
        self._previous = {sig: signal.signal(sig, self._handle) for sig in _SIGNALS}

    @property
    def exit_code(self) -> int | None:
        return 128 + self.signum if self.signum is not None else None

    def restore(self) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)

    def _handle(self, signum, _frame) -> None:
        from twisted.internet import reactor

        self.count += 1
        if self.signum is None:
            self.signum = signum
        if self.count == 1:
            reactor.callFromThread(self._graceful)
        elif self.count == 2:
            reactor.callFromThread(self.stop_now)
        else:
            os._exit(128 + signum)

    def _graceful(self) -> None:
        from twisted.internet import reactor

        if not self.quiet:
            print(f"linkverifier: interrupted: finishing the pages in flight (at most {GRACE_SECONDS:.0f} s; "
                  "again to stop at once)", file=sys.stderr)
        spider = getattr(self.crawler, "spider", None)
        if spider is not None and hasattr(spider, "stop_taking_rows"):
            spider.stop_taking_rows()
        close_spider(self.crawler, "interrupted")
        reactor.callLater(GRACE_SECONDS, self.stop_now)

    def storage_failed(self, fault) -> None:
        """Storage failed under the run (``crawler.run.lifecycle.Run.fault``): end it as an interrupt ends it,
        with the pages in flight answered (in memory) and no new rows taken. Silent: the command's last line
        says what happened and where the rows are."""
        from twisted.internet import reactor

        if self._stopped:
            return
        spider = getattr(self.crawler, "spider", None)
        if spider is not None and hasattr(spider, "stop_taking_rows"):
            spider.stop_taking_rows()
        close_spider(self.crawler, stopped(fault.reason))
        reactor.callLater(GRACE_SECONDS, self.stop_now)

    def stop_now(self) -> None:
        """Abandon what is in flight and stop the reactor; the caller finishes the run."""
        from twisted.internet import reactor

        if self._stopped:
            return
        self._stopped = True
        spider = getattr(self.crawler, "spider", None)
        if spider is not None:
            spider.abandoned = True  # answers still on their way are not written: those rows stay unchecked
            pool = getattr(spider, "pool", None)
            if pool is not None:
                pool.close(kill=True)
        if reactor.running:
            reactor.stop()
