"""One coordinator a job at a time.

Two coordinators started for the same input (the same command on two
machines, a cron job firing while the last run still goes) each took half of
the results from Redis, then pushed the other half again as "owed": every
page was fetched twice. The first coordinator now holds a key in Redis,
renewed by a thread every ``BEAT_SECONDS`` and expiring ``LOCK_SECONDS`` after
its last renewal. A second one sees the renewals and stops at once with one
line (exit 75); one started after the holder was killed (``kill -9``, a
machine gone) waits for the key to expire, then goes on with the run.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid

import redis

from crawler.queue.keys import PREFIX, connect

__all__ = ["CoordinatorLock", "JobTaken", "LOCK_SECONDS"]

# A coordinator that stopped renewing (killed) is taken over after this long.
LOCK_SECONDS = 15.0
BEAT_SECONDS = 2.0
# How often a coordinator waiting for the key looks at it.
_LOOK_SECONDS = 0.25

# Renew the key if it is still ours, or take it back if it expired (Redis restarted without its data).
_RENEW = """
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] or not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class JobTaken(Exception):
    """Another coordinator is collecting this job; ``holder`` says which (host and pid)."""

    def __init__(self, holder: str):
        super().__init__(holder)
        self.holder = holder


class CoordinatorLock:
    def __init__(self, url: str, job: str):
        self.server = connect(url)  # its own connections: the renewing thread never shares the main loop's
        self.key = f"{PREFIX}{job}:coordinator"
        self.token = f"{socket.gethostname()} pid {os.getpid()} {uuid.uuid4().hex[:8]}"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def acquire(self, say) -> None:
        """Take the job's key, waiting out a holder that stopped renewing; ``JobTaken`` if one renews it.
        ``say(line)`` tells the user why it waits. Redis errors propagate (Redis not there at the start)."""
        deadline = time.monotonic() + LOCK_SECONDS + 2 * BEAT_SECONDS
        last_ttl: int | None = None
        told = False
        while not self.server.set(self.key, self.token, nx=True, px=int(LOCK_SECONDS * 1000)):
            holder = _text(self.server.get(self.key))
            ttl = self.server.pttl(self.key)
            # The time left only grows when the holder renews it: that coordinator is running.
            if (last_ttl is not None and ttl > last_ttl) or time.monotonic() > deadline:
                raise JobTaken(_who(holder))
            if ttl > 0:
                last_ttl = ttl
            if not told and holder:
                say(f"waiting up to {LOCK_SECONDS:.0f} s for the coordinator that held this job ({_who(holder)}) "
                    "to let go of it: it stopped without saying so, or still runs")
                told = True
            time.sleep(_LOOK_SECONDS)
        self._thread = threading.Thread(target=self._renew, name="coordinator lock", daemon=True)
        self._thread.start()

    def _renew(self) -> None:
        while not self._stop.wait(BEAT_SECONDS):
            try:
                self.server.eval(_RENEW, 1, self.key, self.token, int(LOCK_SECONDS * 1000))
            except redis.RedisError:  # Redis away: the coordinator's own loop says so and waits
                pass

    def release(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=BEAT_SECONDS + 6)
        try:
            self.server.eval(_RELEASE, 1, self.key, self.token)
        except redis.RedisError:  # it expires by itself
            pass
        self.server.close()


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else (value or "")


def _who(holder: str) -> str:
    """``"host pid 123 ab12cd34"`` -> ``"pid 123 on host"``."""
    parts = holder.split()
    if len(parts) >= 3 and parts[1] == "pid":
        return f"pid {parts[2]} on {parts[0]}"
    return holder or "unknown"
