"""Open files: as many as the system lets this process have, and a concurrency that fits in them.

Every request in flight holds a socket, idle connections a few seconds more
(``crawler.handlers``), and the database, the logs, the analysis processes'
pipes and Chromium hold their own. The soft limit (``ulimit -n``, often 1,024,
256 on macOS) is raised to the hard one, as servers do; where even that is too
small for ``--concurrency``, the concurrency is lowered, with one line, rather
than requests failing as ``connection_error`` when the files run out.
"""

from __future__ import annotations

import sys

__all__ = ["open_file_limit", "fitting_concurrency", "FILES_RESERVED", "FILES_PER_REQUEST"]

# The database, its journal, logs, the analysis pool's pipes, the fork server, DNS and Chromium.
FILES_RESERVED = 128
# A request's socket, and as many idle ones (kept a few seconds for the next request to the host).
FILES_PER_REQUEST = 3


def open_file_limit() -> int | None:
    """Raise the soft limit of open files to the hard one; the soft limit after it (None: no such limit here)."""
    try:
        import resource
    except ImportError:  # not a Unix
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = max(soft, 1 << 20) if soft != resource.RLIM_INFINITY else soft
    if soft != resource.RLIM_INFINITY and soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
        except (ValueError, OSError):  # a sandbox refuses: keep what there is
            pass
        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    return None if soft == resource.RLIM_INFINITY else soft


def fitting_concurrency(concurrency: int, limit: int | None = None) -> int:
    """``concurrency``, or the most the open-file limit allows (said in one line when lower)."""
    limit = open_file_limit() if limit is None else limit
    if limit is None:
        return concurrency
    fits = max(1, (limit - FILES_RESERVED) // FILES_PER_REQUEST)
    if concurrency <= fits:
        return concurrency
    print(f"linkverifier: --concurrency {concurrency} needs more open files than this system allows "
          f"(ulimit -n {limit}): using {fits}", file=sys.stderr, flush=True)
    return fits
