"""Shared fixtures: a local web of many hosts and a way to run the real CLI against it."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from crawler.demo.localweb import LocalWeb

ROOT = Path(__file__).resolve().parent.parent

# A test run started in the background (`make test &` from a script) inherits Ctrl-C ignored, and so would every
# command it starts: the Ctrl-C tests would then test a background job. The commands see Ctrl-C as a terminal
# gives it; the test of a background job ignores it itself.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

# `make test-fast` leaves these modules out (pytest -m "not slow"): each took 14 s or more of a 25-minute
# `make test` on 2 cores (pytest --durations=0, 2026-12-05), together 1,450 of its 1,520 s. What stays runs
# the real CLI through the verify spider on the local web, the profile, the demo and the report in Chromium.
SLOW_MODULES = frozenset({
    "test_eval_gate", "test_cli", "test_render", "test_monitoring", "test_storage_faults", "test_soak",
    "test_triage_outputs", "test_real_web_rows", "test_referrers", "test_hosting", "test_commands_end", "test_report",
    "test_resume", "test_hreflang", "test_queue", "test_serve", "test_placement_model", "test_crawling_process",
    "test_dns",
})


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.module.__name__.rsplit(".", 1)[-1] in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)


@dataclass
class CliRun:
    returncode: int
    stdout: str
    stderr: str
    results: list[dict]


def run_cli(args: list[str], web: LocalWeb | None = None, cwd: Path | None = None, stdin: str | None = None,
            no_proxy: str = ".invalid,127.0.0.2", out: Path | None = None, env: dict | None = None) -> CliRun:
    """Run ``python -m crawler.cli`` in a subprocess, through ``web`` as the proxy (``env``: more variables)."""
    extra_env = env or {}
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "no_proxy")}
    if web is not None:
        env["http_proxy"] = env["https_proxy"] = web.proxy_url
    env["no_proxy"] = no_proxy
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra_env)
    completed = subprocess.run(
        [sys.executable, "-m", "crawler.cli", *args], input=stdin, capture_output=True, text=True,
        cwd=cwd, env=env, timeout=300,
    )
    if out is not None and out.exists() and out.suffix == ".jsonl":
        results = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line.strip()]
    elif out is None and completed.returncode == 0 and args[:1] in (["verify"], ["referrers"], ["discover"]) and "--help" not in args:
        results = [json.loads(line) for line in completed.stdout.splitlines() if line.strip()]
    else:
        results = []
    return CliRun(completed.returncode, completed.stdout, completed.stderr, results)


@pytest.fixture
def web():
    with LocalWeb() as local_web:
        yield local_web


def page(body: str, title: str = "A page", lang: str | None = None, head: str = "") -> str:
    """A minimal but complete HTML document."""
    lang_attr = f' lang="{lang}"' if lang else ""
    return f"<!doctype html><html{lang_attr}><head><meta charset='utf-8'><title>{title}</title>{head}</head><body>{body}</body></html>"


ARTICLE_EN = (
    "<p>Zero-day vulnerabilities are security flaws that the vendor does not know about yet, so no patch exists "
    "when attackers start to exploit them. Security teams must detect exploitation attempts, isolate exposed "
    "systems and apply virtual patches until the vendor ships a fix.</p>"
    "<p>Incident response plans, threat intelligence sharing and memory-safe languages all shorten the window "
    "of exposure, as two hundred exploits observed between 2019 and 2026 show.</p>"
)


def report_tables(html: str) -> dict[str, dict]:
    """The report's data-drawn tables (referring domains, links) by id, unpacked as report.js unpacks them."""
    import base64
    import gzip

    packed = html.split('id="report-data">', 1)[1].split("</script>", 1)[0]
    tables = {}
    for table in json.loads(gzip.decompress(base64.b64decode(packed))):
        # Column-wise, as html_report.packed_tables writes it: a field is plain values or a dictionary's codes.
        fields = [f["plain"] if "plain" in f else [f["values"][code] for code in f["codes"]] for f in table["fields"]]
        assert all(len(field) == table["count"] for field in fields), "a field without a value for every row"
        table["rows"] = [[fields[c["fields"][0]][i] if len(c["fields"]) == 1 else [fields[f][i] for f in c["fields"]]
                          for c in table["columns"]] for i in range(table["count"])]
        tables[table["id"]] = table
    return tables


# --- Redis, for `verify --queue` and `linkverifier worker` -------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A real redis-server on a loopback port, without persistence: ``kill()`` loses its data, as a
    restart without a dump does; ``start()`` brings it back, empty, on the same port."""

    def __init__(self, directory):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            pytest.fail("redis-server is missing: `make test` installs Debian's redis-server package")
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen([self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                         "--appendonly", "no", "--dir", str(self.directory)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        pytest.fail(f"redis-server did not come up on port {self.port}")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.kill()


@pytest.fixture
def redis_url(redis_server):
    return redis_server.url


def start(args: list[str], web, env: dict[str, str] | None = None) -> subprocess.Popen:
    env = dict(os.environ, http_proxy=web.proxy_url, no_proxy="", PYTHONPATH=str(ROOT), **(env or {}))
    return subprocess.Popen([sys.executable, "-m", "crawler.cli", *args], env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
