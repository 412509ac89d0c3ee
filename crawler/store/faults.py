"""When storage fails under a run: what went wrong, in words a user can act on.

SQLite and the file system report a full disk, a read-only file and a lock
in their own terms (``SQLITE_FULL``, ``ENOSPC``, ``SQLITE_BUSY``…). The store
and the writers turn them into a ``StorageError`` naming the file and the
reason; the run then ends in order (``crawler.run.lifecycle``) and the command
exits ``EXIT_STORAGE``, a status of its own: 1 is for bugs.
"""

from __future__ import annotations

import errno
import sqlite3

__all__ = ["EXIT_STORAGE", "StorageError", "DatabaseLocked", "storage_error"]

EXIT_STORAGE = 74  # sysexits.h EX_IOERR: "an error occurred while doing I/O on some file"

DISK_FULL = "disk full"
LOCKED = "database locked"

# SQLite's (extended) result code names, by prefix -> the reason users read.
_SQLITE_REASONS = (
    ("SQLITE_FULL", DISK_FULL),
    ("SQLITE_BUSY", LOCKED),
    ("SQLITE_LOCKED", LOCKED),
    ("SQLITE_READONLY", "read-only"),
    ("SQLITE_IOERR", "I/O error"),
    ("SQLITE_CANTOPEN", "cannot open"),
    ("SQLITE_PERM", "permission denied"),
)
_ERRNO_REASONS = {
    errno.ENOSPC: DISK_FULL,
    errno.EDQUOT: DISK_FULL,  # a quota is a full disk for this user
    errno.EFBIG: DISK_FULL,
    errno.EROFS: "read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EIO: "I/O error",
}


class StorageError(Exception):
    """The database or an output file stopped taking writes: ``reason`` says why (disk full…)."""

    def __init__(self, path: str, reason: str, detail: str):
        super().__init__(f"{path}: {detail}")
        self.path = path
        self.reason = reason
        self.detail = detail


class DatabaseLocked(StorageError):
    """Another program held the database's write lock for longer than we wait."""

    def __init__(self, path: str, waited: float):
        super().__init__(path, LOCKED, f"database is locked (another program held it for {waited:.0f} s; see --db-wait)")
        self.waited = waited


def storage_error(exc: BaseException, path: str) -> StorageError | None:
    """``exc`` as a StorageError on ``path`` when it is a storage fault (not a bug), else None."""
    if isinstance(exc, StorageError):
        return exc
    if isinstance(exc, sqlite3.Error):
        name = getattr(exc, "sqlite_errorname", "") or ""
        text = str(exc)
        for prefix, reason in _SQLITE_REASONS:
            if name.startswith(prefix):
                return StorageError(path, reason, text)
        if "disk is full" in text:  # an error raised without its code
            return StorageError(path, DISK_FULL, text)
        if "locked" in text:
            return StorageError(path, LOCKED, text)
        return None
    if isinstance(exc, OSError) and exc.errno in _ERRNO_REASONS:
        return StorageError(path, _ERRNO_REASONS[exc.errno], exc.strerror or str(exc))
    return None
