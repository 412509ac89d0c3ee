"""A process pool for page analysis, so parsing never stalls the crawl.

Parsing, trafilatura, language detection and scoring are CPU-bound; run on
the Twisted reactor they would stop all downloads while they run. The pool
is sized to the cores; each worker imports the extractors and loads the
models once. ``LINKVERIFIER_WORKERS = 0`` runs analysis in-process (for
debugging and profiling).

Nothing here outlives the process that started it: the fork server and
every worker ask the kernel to kill them when their parent dies (Linux's
``PR_SET_PDEATHSIG``; elsewhere a thread watches the parent), so even
``kill -9`` of ``linkverifier`` leaves no analysis process behind.
"""

from __future__ import annotations

import asyncio
import ctypes
import gc
import logging
import multiprocessing
import multiprocessing.forkserver
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

__all__ = ["AnalysisPool", "AnalysisTimeout", "die_with_parent", "log_failed_analysis", "start_fork_server"]

_PR_SET_PDEATHSIG = 1


class AnalysisTimeout(Exception):
    """A page's analysis ran longer than the pool allows (its workers were restarted)."""


def log_failed_analysis(log: logging.Logger | logging.LoggerAdapter, url: str, error: BaseException) -> None:
    """Say in one line that a page's analysis failed (its rows are answered ``analysis_error`` by the caller).
    A page past the timeout, or one that killed its worker twice, is the pool doing its job: a warning. Any
    other exception is a bug of ours: an error, its traceback with ``-vv`` (a traceback on a strange page
    looks like a crash to the person running the check, and the row already says what went wrong)."""
    if isinstance(error, (AnalysisTimeout, BrokenProcessPool)):
        log.warning("analysis of %s failed: %s", url, error)
    else:
        log.error("analysis of %s failed: %r (-vv shows the traceback)", url, error)
        log.debug("analysis of %s failed", url, exc_info=error)


def die_with_parent() -> None:
    """End this process when its parent ends, whatever way the parent ends (SIGKILL included)."""
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
                if os.getppid() != parent:  # the parent died before the request took hold
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def one_math_thread() -> None:
    """One BLAS/OpenMP thread per worker process. The pool already runs one worker
    per core; numpy's matrix products spreading over every core on top of that
    burnt twice the CPU for nothing (topical fit 7.9 -> 3.9 ms a page)."""
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")  # read when numpy first loads its BLAS
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)  # and where it is loaded already


# What a command's analysis loads before its first page. ``judge`` (verify,
# discover) needs every model; ``hreflang`` only reads language, canonical and
# main text: without the judgement models (and, then, scikit-learn) its pool of
# two started in 0.6 s of CPU instead of 2.5 s, in 126 MB PSS instead of 369 MB.
# Neither kind imports scikit-learn now: only training needs it.
# Each kind's fork server imports its module first, which calls ``preload``.
PRELOADS = {"judge": "crawler.analysis.preload", "hreflang": "crawler.analysis.preload_hreflang"}


def _warm_up(kind: str = "judge") -> None:
    # Import the heavy modules and load the models once per worker, before the first page arrives.
    one_math_thread()
    from extract.language import load_detector

    if kind == "hreflang":
        import crawler.analysis.hreflang_page  # noqa: F401

        load_detector()
        return
    import crawler.analysis.judge  # noqa: F401
    from scoring.concepts import lexicon
    from scoring.placement_model import load_model
    from scoring.sentence_encoder import load_encoder
    from scoring.topic_model import load_topic_model
    from scoring.topics import load_topic_space

    load_detector()
    load_model()
    load_topic_space()
    load_topic_model()
    load_encoder()
    # English, the language almost every run meets (its targets, if nothing else): 17 MB, loaded once for
    # all workers; the other languages' lexicons (and the English glosses) load in a worker when it meets them.
    lexicon("en")


def preload(kind: str) -> None:
    """The fork server's first step (``crawler.analysis.preload*``): load what ``kind`` needs, once, for every worker."""
    die_with_parent()  # the fork server ends with the crawler, even after kill -9
    _warm_up(kind)  # its first step, one_math_thread(), runs before anything loads numpy
    # Objects loaded so far live as long as the workers: keep the collector off
    # them, so forked workers do not copy the pages they sit on just to scan them.
    gc.freeze()


def start_fork_server(kind: str):
    """The context the analysis processes start from; where there is a fork server, it is started now.

    Never fork the crawling process itself (it runs a reactor and threads). A fork
    server is a fresh interpreter that imports the analysis code and loads the
    models once; workers fork from it, start in milliseconds and share those pages
    (peak PSS 861 -> 739 MB on the 1,000-page bench). Called before Scrapy is even
    imported (``crawler.run.crawl``), the models load while the crawl sets up.
    Where there is no fork (Windows, macOS's default), spawn.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    # One fork server a process, started by its first call: a command runs one kind.
    context.set_forkserver_preload([PRELOADS[kind]])
    # Started from the calling thread, not the one AnalysisPool starts workers from: a
    # process dies with the thread that started it (PR_SET_PDEATHSIG), and that one ends.
    multiprocessing.forkserver.ensure_running()
    return context


def _start_worker(kind: str) -> None:
    die_with_parent()  # the parent is the fork server (or, with spawn, the crawler)
    # Ctrl-C goes to the whole process group: the crawler decides what stops, not each worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # SIGTERM to the whole group (systemd's stop, `kill -- -PGID`) ends a worker as the default action does,
    # without a word: inherited from the CLI's start-up handler through the fork server, it printed a
    # KeyboardInterrupt traceback per worker. (Not ignored: the executor ends a broken pool's workers by it.)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # Loaded already where the fork server preloaded ``kind``; loads here where
    # it did not (spawn, or a fork server another command's pool started).
    _warm_up(kind)


class AnalysisPool:
    """``await pool.run(function, *args)`` runs it in a worker; a hung or crashed worker is replaced."""

    def __init__(self, workers: int | None = None, task_timeout: float = 300.0, warm_up: str = "judge"):
        if warm_up not in PRELOADS:
            raise ValueError(f"warm_up must be one of {tuple(PRELOADS)}, not {warm_up!r}")
        self.warm_up = warm_up
        self.workers = (os.cpu_count() or 1) if workers is None else workers
        # A page whose analysis runs past this is answered as an error and its
        # worker replaced: a pathological page must not hold a run for ever.
        self.task_timeout = task_timeout
        self.active = 0  # pages being analysed now (the stall watchdog waits while there are any)
        self._ready: Future | None = None  # set once the executor's first worker is up
        self._executor: ProcessPoolExecutor | None = self._start() if self.workers > 0 else None

    @property
    def starting(self) -> bool:
        """True while the first worker is not up yet (the fork server still loading the models)."""
        return self._ready is not None and not self._ready.done()

    @classmethod
    def from_settings(cls, settings, warm_up: str = "judge") -> AnalysisPool:
        """The pool a spider's settings ask for: ``LINKVERIFIER_WORKERS`` processes, ``LINKVERIFIER_ANALYSIS_TIMEOUT`` a page."""
        workers = settings.get("LINKVERIFIER_WORKERS")
        return cls(None if workers in (None, "") else int(workers), settings.getfloat("LINKVERIFIER_ANALYSIS_TIMEOUT"), warm_up)

    def _start(self) -> ProcessPoolExecutor:
        context = start_fork_server(self.warm_up)
        executor = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_start_worker,
                                       initargs=(self.warm_up,))
        # The first worker can only start once the fork server has loaded the models
        # (1.6 s of CPU), and starting it blocks whoever asks. Asked from the reactor,
        # that stopped the crawl for as long: the first 2.5 s of a run used one core.
        # A thread starts it instead, and the crawl fetches meanwhile.
        self._ready = ready = Future()
        threading.Thread(target=_first_worker, args=(executor, ready), name="analysis-pool-start", daemon=True).start()
        return executor

    async def run(self, function: Callable[..., Any], *args: Any) -> Any:
        if self.workers == 0:
            return function(*args)
        self.active += 1
        try:
            return await self._submit(function, *args)
        except BrokenProcessPool:
            # A worker died (a crash in a C extension, the OOM killer): the pool
            # is replaced once (by whichever page noticed first) and this page
            # tried once more; a second death is the page's.
            return await self._submit(function, *args)
        finally:
            self.active -= 1

    async def _submit(self, function: Callable[..., Any], *args: Any) -> Any:
        executor, ready = self._executor, self._ready
        if executor is None:
            raise BrokenProcessPool("the analysis pool is closed")
        if not ready.done():
            # shield: one page's timeout must not cancel the start every page waits for
            await self._wait(executor, asyncio.shield(asyncio.wrap_future(ready)), "the analysis processes took longer than {} s to start")
        try:
            future = executor.submit(function, *args)
        except (BrokenProcessPool, RuntimeError):  # broken, or shut down by a restart under way
            self._replace(executor)
            raise BrokenProcessPool("the analysis pool was restarted") from None
        try:
            return await self._wait(executor, asyncio.wrap_future(future), "analysis took longer than {} s")
        except asyncio.CancelledError:
            # Our page was cancelled by a restart of the pool it waited in, not
            # by whoever awaits us: that is a broken pool, tried once more.
            if future.cancelled() and self._executor is not executor:
                raise BrokenProcessPool("the analysis pool was restarted") from None
            raise

    async def _wait(self, executor: ProcessPoolExecutor, awaitable, late: str) -> Any:
        """``awaitable``'s result; past the timeout, or when the pool broke meanwhile, the pool is replaced."""
        try:
            return await asyncio.wait_for(awaitable, self.task_timeout)
        except TimeoutError:
            self._replace(executor, kill=True)
            raise AnalysisTimeout(late.format(f"{self.task_timeout:g}")) from None
        except BrokenProcessPool:
            self._replace(executor)
            raise

    def _replace(self, broken: ProcessPoolExecutor, kill: bool = False) -> None:
        """Swap in a fresh pool for ``broken``, once, however many pages notice it."""
        if self._executor is not broken:
            return  # another page already replaced it
        self._executor = self._start()
        _stop(broken, kill)

    def close(self, kill: bool = False) -> None:
        """Stop the workers: let them finish the page at hand, or (``kill``) end them now."""
        executor, self._executor = self._executor, None
        if executor is not None:
            _stop(executor, kill, wait=not kill)


def _first_worker(executor: ProcessPoolExecutor, ready: Future) -> None:
    """Start ``executor``'s first worker (a task makes it start one) and say when it is up or cannot be."""
    try:
        executor.submit(os.getpid).result()
    except BaseException as error:  # noqa: BLE001 - whatever it is, the pages waiting must hear of it
        _await_fork_server_exit()
        ready.set_exception(BrokenProcessPool(f"the analysis processes could not start ({error!r})"))
    else:
        ready.set_result(None)


def _await_fork_server_exit(seconds: float = 2.0) -> None:
    """After a failed start, wait (at most ``seconds``) for a fork server that hung up on us to have
    exited, without reaping it: the pool's next start then sees it gone and starts another, where it
    would otherwise, within the few milliseconds a killed process takes to end, connect to the dying one."""
    pid = getattr(getattr(multiprocessing.forkserver, "_forkserver", None), "_forkserver_pid", None)
    if pid is None or not hasattr(os, "waitid"):
        return
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                return
        except ChildProcessError:  # reaped already, or not ours
            return
        time.sleep(0.02)


def _stop(executor: ProcessPoolExecutor, kill: bool, wait: bool = False) -> None:
    processes = list((getattr(executor, "_processes", None) or {}).values())
    if kill:
        for process in processes:
            try:
                process.kill()
            except (OSError, ValueError):
                pass
    executor.shutdown(wait=wait, cancel_futures=True)
    if kill:
        for process in processes:
            process.join(timeout=5)
