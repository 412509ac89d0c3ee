"""Every package declares its public names, and each one exists (httpx's habit)."""

import importlib

import pytest


@pytest.mark.parametrize("package", ["crawler", "extract", "scoring"])
def test_all_names_exist(package):
    module = importlib.import_module(package)
    assert module.__all__, f"{package} has an empty __all__"
    for name in module.__all__:
        assert hasattr(module, name), f"{package}.__all__ names {name}, which does not exist"


NO_NETWORK = """
import socket
def refuse(*args, **kwargs):
    raise AssertionError("network access")
socket.socket.connect = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
import crawler.cli, crawler.analysis.page, extract, scoring
from extract.urls import registered_domain, country_from_host
assert registered_domain("news.bbc.co.uk") == "bbc.co.uk"
assert country_from_host("shop.example.co.uk") == "GB"
print("ok")
"""


def test_nothing_fetches_at_import():
    import subprocess
    import sys

    completed = subprocess.run([sys.executable, "-c", NO_NETWORK], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "ok"


def _crash(_value):
    import os

    os._exit(1)  # a worker dying as a segfault would


def _double(value):
    return value * 2


def test_analysis_pool_survives_a_dead_worker():
    import asyncio
    from concurrent.futures.process import BrokenProcessPool

    from crawler.analysis.pool import AnalysisPool

    async def scenario():
        pool = AnalysisPool(1)
        try:
            try:
                await pool.run(_crash, 1)
            except BrokenProcessPool:
                pass  # the page that kills its worker twice fails; the pool lives on
            return await pool.run(_double, 21)
        finally:
            pool.close()

    assert asyncio.run(scenario()) == 42


def _hang(_value):
    import time

    time.sleep(60)  # a page whose analysis never ends


def test_a_page_past_the_analysis_timeout_is_answered_and_its_worker_replaced():
    import asyncio

    from crawler.analysis.pool import AnalysisPool, AnalysisTimeout

    async def scenario():
        pool = AnalysisPool(1, task_timeout=2)
        try:
            try:
                await pool.run(_hang, 1)
            except AnalysisTimeout as timeout:
                said = str(timeout)
            return said, await pool.run(_double, 21)
        finally:
            pool.close(kill=True)

    assert asyncio.run(scenario()) == ("analysis took longer than 2 s", 42)


LOADED_MODELS = """
import asyncio, sys
from crawler.analysis.pool import AnalysisPool

def loaded(_):
    import sys
    return sorted(name for name in ("scoring.sentence_encoder", "scoring.topic_model", "scoring.placement_model", "extract.language", "sklearn")
                  if name in sys.modules)

async def main():
    pool = AnalysisPool(1, warm_up=sys.argv[1])
    try:
        print(" ".join(await pool.run(loaded, None)))
    finally:
        pool.close()

if __name__ == "__main__":
    asyncio.run(main())
"""


@pytest.mark.parametrize(("kind", "expected"), [
    # Neither imports scikit-learn (0.9 s of CPU at start): it is a training-time dependency.
    ("judge", "extract.language scoring.placement_model scoring.sentence_encoder scoring.topic_model"),
    ("hreflang", "extract.language"),  # no judgement models: 2 s of CPU and 240 MB PSS saved when it came
])
def test_each_commands_workers_load_what_it_uses(tmp_path, kind, expected):
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = tmp_path / "loaded.py"  # a file: the fork server re-imports the main module by path
    script.write_text(LOADED_MODELS)
    root = Path(__file__).resolve().parent.parent
    completed = subprocess.run([sys.executable, str(script), kind], capture_output=True, text=True, timeout=120,
                               cwd=root, env={**os.environ, "PYTHONPATH": str(root)})
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == expected


POOL_STARTING = """
import asyncio, os, signal, sys
import multiprocessing.forkserver
from crawler.analysis.pool import AnalysisPool

def double(value):
    return value * 2

async def main():
    pool = AnalysisPool(1)
    try:
        page = asyncio.create_task(pool.run(double, 21))
        turns = 0  # the event loop's turns while the fork server loads the models
        while pool.starting:
            await asyncio.sleep(0.01)
            turns += pool.starting
            if sys.argv[1] == "kill" and turns == 5:
                os.kill(multiprocessing.forkserver._forkserver._forkserver_pid, signal.SIGKILL)
        print(turns > 0, await page)
    finally:
        pool.close()

if __name__ == "__main__":
    asyncio.run(main())
"""


@pytest.mark.parametrize("fault", ["none", "kill"])
def test_the_crawl_goes_on_while_the_analysis_processes_start(tmp_path, fault):
    """Starting the first worker waits for the fork server's models (1.6 s of CPU); that wait is
    off the event loop, which fetches meanwhile. A fork server killed while it loads is replaced and
    the waiting page answered, not left hanging."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = tmp_path / "starting.py"
    script.write_text(POOL_STARTING)
    root = Path(__file__).resolve().parent.parent
    completed = subprocess.run([sys.executable, str(script), fault], capture_output=True, text=True, timeout=120,
                               cwd=root, env={**os.environ, "PYTHONPATH": str(root)})
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split() == ["True", "42"]
