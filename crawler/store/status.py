"""A run's status, as the ``runs`` table keeps it: running, finished, interrupted, or ``stopped: REASON``
(a storage fault, an internal error, a crawl that ended another way)."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["RunStatus", "stopped", "is_stopped"]


class RunStatus(StrEnum):
    RUNNING = "running"
    FINISHED = "finished"
    INTERRUPTED = "interrupted"  # Ctrl-C or SIGTERM: --resume goes on from it


_STOPPED = "stopped: "


def stopped(reason: str) -> str:
    """The status of a run that ended before its list did, for ``reason``."""
    return _STOPPED + reason


def is_stopped(status: str) -> bool:
    return status.startswith(_STOPPED)
