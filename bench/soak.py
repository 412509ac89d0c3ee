"""Soak: `linkverifier verify` on a seeded hostile web, through the real CLI.

Builds ``bench.hostileweb`` (real pages from ../shared/data when it is
there, faults of every kind), serves it on loopback, runs ``verify`` and
prints: rows in and results out (each exactly once, in input order?), exit
status, wall time, the longest stretch without a new check, processes left
after the run, and the peak memory of the process tree.

    python bench/soak.py [--rows 2000] [--timeout 5] [--interrupt 0.4 | --kill 0.4]

``--interrupt F`` sends SIGINT once a fraction F of the rows is checked,
then finishes the list with ``--resume``; ``--kill F`` sends SIGKILL instead
and counts what is left running 10 s later. ``tests/test_soak.py`` runs a
smaller soak through ``soak()`` and fails on a lost row, a hang or a process left behind.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.hostileweb import build_hostile_web  # noqa: E402
from bench.proctree import live_cmdline, proc_kb, tree_pids  # noqa: E402
from crawler.demo.localweb import LocalWeb  # noqa: E402

DATA = Path(os.environ.get("LINKVERIFIER_DATA", ROOT.parent / "shared" / "data"))


@dataclass
class RunFigures:
    """What one CLI run did, seen from outside."""

    exit_code: int | None  # None: it had to be killed (a hang)
    wall: float
    longest_gap: float  # seconds without a new check in the database
    checks: int
    peak_mb: float
    left: list[str] = field(default_factory=list)  # processes of the run still alive after it
    stderr: str = ""
    after_signal: float | None = None  # seconds from the signal to the process's end


def _checks(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=1) as connection:
            return connection.execute("SELECT COUNT(*) FROM checks WHERE run_id = (SELECT MAX(id) FROM runs)").fetchone()[0]
    except sqlite3.Error:
        return -1  # being written: read again next time


def run_cli(args: list[str], env: dict, db: Path, rows: int, signal_at: float | None = None, sig: int = signal.SIGINT,
            deadline: float = 1800.0, settle: float = 10.0) -> RunFigures:
    """Run the CLI, sampling its checks and memory; send ``sig`` once ``signal_at`` of ``rows`` are checked."""
    started = time.monotonic()
    errors = tempfile.TemporaryFile()
    process = subprocess.Popen([sys.executable, "-m", "crawler.cli", *args], env=env, stdout=subprocess.DEVNULL,
                               stderr=errors, start_new_session=True)
    seen: set[int] = set()
    peak = 0
    last_count, last_change, longest = 0, started, 0.0
    signalled = False
    signalled_at = None
    while process.poll() is None:
        now = time.monotonic()
        if now - started > deadline:
            break
        pids = tree_pids(process.pid)
        seen.update(pids)
        peak = max(peak, sum(proc_kb(pid, "status", "VmRSS:") for pid in pids))
        count = _checks(db)
        if count > last_count:
            longest = max(longest, now - last_change)
            last_count, last_change = count, now
        if signal_at is not None and not signalled and count >= signal_at * rows:
            process.send_signal(sig)
            signalled, signalled_at = True, time.monotonic()
        time.sleep(0.25)
    exit_code = process.poll()
    if exit_code is None:  # hung: the soak fails, and leaves nothing behind itself
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    end = time.monotonic()
    if not signalled or sig != signal.SIGKILL:
        longest = max(longest, end - last_change)
    errors.seek(0)
    stderr = errors.read().decode("utf-8", "replace")
    errors.close()
    left = _left_behind(seen - {process.pid}, settle)
    return RunFigures(exit_code, end - started, longest, _checks(db), peak / 1024, left, stderr,
                      end - signalled_at if signalled_at is not None else None)


def _left_behind(pids: set[int], settle: float) -> list[str]:
    """Processes of the run still alive ``settle`` seconds after it ended (then killed, so a soak leaves nothing)."""
    deadline = time.monotonic() + settle
    while time.monotonic() < deadline:
        if not any(live_cmdline(pid) for pid in pids):
            return []
        time.sleep(0.2)
    left = [f"{pid} {cmd[:120]}" for pid in pids if (cmd := live_cmdline(pid))]
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    return left


def check_output(out: Path, expected: list[tuple[str, str]]) -> dict:
    """Rows in vs results out: missing, duplicated or out of order."""
    results = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line.strip()] if out.exists() else []
    got = [(r["source_url"], r["target"]) for r in results]
    # Row by row: the n-th result answers the n-th input row (its linking page and its target), so a swap of two
    # rows that share a target, or a row answered in another's place, is caught.
    mismatch = next((n for n, (a, b) in enumerate(zip(got, expected, strict=False)) if a != b), None)
    in_order = len(results) == len(expected) and mismatch is None
    statuses: dict[str, int] = {}
    for r in results:
        key = r["status"] + (f"/{r['reason']}" if r["reason"] else "")
        statuses[key] = statuses.get(key, 0) + 1
    return {"rows_in": len(expected), "results_out": len(got), "in_order": in_order, "statuses": statuses, "results": results,
            "first_mismatch": None if mismatch is None else (mismatch + 1, got[mismatch], expected[mismatch])}


def soak(workdir: Path, rows: int = 2000, timeout: float = 5.0, seed: int = 7, mode: str | None = None,
         at: float = 0.4, data: Path | None = DATA, extra: list[str] | None = None, deadline: float = 1800.0) -> dict:
    """Build the web, run the list through the CLI (``mode``: None, "interrupt" or "kill"), return the figures."""
    web = LocalWeb()
    hostile = build_hostile_web(web, rows, seed=seed, timeout=timeout, data=data if data and data.is_dir() else None)
    listing = workdir / "backlinks.csv"
    listing.write_text(hostile.csv_text, encoding="utf-8")
    import csv

    csv.field_size_limit(sys.maxsize)
    with listing.open(encoding="utf-8", newline="") as handle:
        expected = [(r[0], r[1]) for r in list(csv.reader(handle))[1:]]
    out, db = workdir / "results.jsonl", workdir / "soak.db"
    web.start()
    try:
        env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "no_proxy")}
        env.update(http_proxy=web.proxy_url, https_proxy=web.proxy_url, no_proxy=".invalid", PYTHONPATH=str(ROOT))
        args = ["verify", str(listing), "--out", str(out), "--db", str(db), "--timeout", str(timeout), "-q", *(extra or [])]
        sig = {"interrupt": signal.SIGINT, "kill": signal.SIGKILL}.get(mode or "")
        first = run_cli(args, env, db, rows, at if sig else None, sig or signal.SIGINT, deadline=deadline)
        figures = {"first": first, "partial": sorted(p.name for p in workdir.iterdir() if "partial" in p.name),
                   "final_after_first": out.exists()}
        if sig:
            figures["resume"] = run_cli([*args, "--resume"], env, db, rows, deadline=deadline)
        figures["output"] = check_output(out, expected)
        figures["requests"] = len(web.log)
        return figures
    finally:
        web.stop()


def _print_run(name: str, run: RunFigures) -> None:
    print(f"{name}: exit {run.exit_code if run.exit_code is not None else 'HUNG (killed)'}, wall {run.wall:.1f} s, "
          f"longest without a new check {run.longest_gap:.1f} s, checks in the database {run.checks}, "
          f"peak RSS {run.peak_mb:.0f} MB, processes left {len(run.left)}"
          + (f", ended {run.after_signal:.1f} s after the signal" if run.after_signal is not None else ""))
    for line in run.left:
        print(f"  left: {line}")
    tail = [line for line in run.stderr.splitlines() if line.strip()][-4:]
    for line in tail:
        print(f"  stderr: {line[:200]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=7)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--interrupt", type=float, default=None, metavar="F", help="SIGINT once this fraction is checked, then --resume")
    group.add_argument("--kill", type=float, default=None, metavar="F", help="SIGKILL once this fraction is checked, then --resume")
    parser.add_argument("--deadline", type=float, default=1800, help="seconds before a run counts as hung")
    options = parser.parse_args()
    mode = "interrupt" if options.interrupt is not None else "kill" if options.kill is not None else None
    at = options.interrupt if options.interrupt is not None else options.kill if options.kill is not None else 0.4
    source = "real pages from " + str(DATA) if DATA.is_dir() else "generated pages (no ../shared/data)"
    print(f"soak: {options.rows} rows, --timeout {options.timeout}, seed {options.seed}, {source}")
    with tempfile.TemporaryDirectory(prefix="linkverifier-soak-") as tmp:
        figures = soak(Path(tmp), options.rows, options.timeout, options.seed, mode, at, deadline=options.deadline)
    _print_run("run", figures["first"])
    if figures["partial"]:
        print(f"  partial files: {', '.join(figures['partial'])}")
    if "resume" in figures:
        _print_run("--resume", figures["resume"])
    output = figures["output"]
    print(f"rows in {output['rows_in']}, results out {output['results_out']}, every row once in input order: {output['in_order']}")
    print("statuses: " + ", ".join(f"{k} {v}" for k, v in sorted(output["statuses"].items(), key=lambda kv: -kv[1])))
    print(f"requests served: {figures['requests']}")


if __name__ == "__main__":
    main()
