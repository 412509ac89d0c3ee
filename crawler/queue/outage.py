"""Redis out of reach during a run: said once when lost and once when back; past ``--queue-wait`` the run ends.

A Redis server restarts (an upgrade, a failover, a machine rebooted) and
networks drop: neither is a reason for a coordinator to lose the rows it
collected, nor for a worker to die with a traceback. Both wait for the queue,
saying so in one line, and go on where they were when it is back; a queue
gone for longer than ``--queue-wait`` ends the run with exit status 69 (the
coordinator's run is resumable: the same command collects the rest).
"""

from __future__ import annotations

import sys
import time
from urllib.parse import urlsplit, urlunsplit

__all__ = ["Outage", "QueueLost", "shown_url", "DEFAULT_QUEUE_WAIT"]

# Long enough for a Redis restart or failover; short enough that a queue gone for good is said the same hour.
DEFAULT_QUEUE_WAIT = 300.0


def shown_url(url: str) -> str:
    """The queue's URL as messages show it: a password in it is not printed."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        user = parts.username or ""
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
        return urlunsplit((parts.scheme, f"{user}:***@{host}{port}", parts.path, parts.query, parts.fragment))
    except ValueError:  # not a URL redis-py accepts either: said as it was refused
        return url


class QueueLost(Exception):
    """The queue stayed out of reach past ``--queue-wait``."""

    def __init__(self, url: str, seconds: float, detail: str):
        super().__init__(f"queue {shown_url(url)} unreachable for {seconds:.0f} s ({detail})")
        self.url, self.seconds, self.detail = url, seconds, detail


class Outage:
    """The state of the queue as one process sees it."""

    def __init__(self, url: str, wait: float, who: str):
        self.url = url
        self.wait = wait
        self.who = who  # "the coordinator", "this worker": whose waiting the line describes
        self.since: float | None = None
        self.detail = ""

    @property
    def lost(self) -> bool:
        return self.since is not None

    def failed(self, error: BaseException) -> None:
        """A call to Redis failed: the first failure of an outage is said."""
        self.detail = str(error) or type(error).__name__
        if self.since is None:
            self.since = time.monotonic()
            print(f"linkverifier: queue {shown_url(self.url)} lost ({self.detail}): {self.who} waits for it, "
                  f"up to {self.wait:.0f} s (--queue-wait)", file=sys.stderr, flush=True)

    def succeeded(self) -> bool:
        """A call to Redis worked: True when that ends an outage (said)."""
        if self.since is None:
            return False
        print(f"linkverifier: queue {shown_url(self.url)} back after {time.monotonic() - self.since:.0f} s: going on",
              file=sys.stderr, flush=True)
        self.since = None
        return True

    @property
    def expired(self) -> bool:
        return self.since is not None and time.monotonic() - self.since >= self.wait

    def gave_up(self) -> QueueLost:
        return QueueLost(self.url, time.monotonic() - (self.since or time.monotonic()), self.detail)
