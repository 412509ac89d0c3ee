"""Memory of a process and its descendants, read from /proc (Linux), for the benchmarks."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

__all__ = ["tree_pids", "proc_kb", "proc_cpu_seconds", "live_cmdline", "timed_run"]


def tree_pids(pid: int) -> list[int]:
    """``pid`` and every process below it (analysis workers, the fork server)."""
    pids, stack = [], [pid]
    while stack:
        current = stack.pop()
        pids.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                stack.extend(int(child) for child in (task / "children").read_text().split())
        except OSError:
            continue
    return pids


def proc_kb(pid: int, file: str, field: str) -> int:
    """A kB figure from ``/proc/PID/FILE`` (``status`` VmRSS:, ``smaps_rollup`` Pss:); 0 once the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/{file}").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


_TICKS = os.sysconf("SC_CLK_TCK")


def proc_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far; 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime: fields 14 and 15 of stat(5)


def live_cmdline(pid: int) -> str:
    """The command line of a live process; '' once it is gone or a zombie (what "left running" means)."""
    try:
        if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
            return ""
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def timed_run(command: list[str], env: dict | None = None, file: str = "status", field: str = "VmRSS:") -> tuple[float, float]:
    """Run ``command``: (wall seconds, peak MB of ``field`` summed over its process tree, sampled every 50 ms)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while process.poll() is None:
        peak = max(peak, sum(proc_kb(pid, file, field) for pid in tree_pids(process.pid)))
        time.sleep(0.05)
    if process.returncode:
        raise SystemExit(f"{command} failed with exit {process.returncode}")
    return time.perf_counter() - started, peak / 1024
