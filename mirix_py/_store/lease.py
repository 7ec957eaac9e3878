"""Who may run maintenance: exactly one maintainer per database at a time.

A :class:`MaintenanceLease` is tried, never waited on: a second maintainer that
cannot take it skips its run (the holder is doing the work). Local databases
use :class:`FileLease`, an OS file lock next to the tables, so it also excludes
other processes and is released if the holder dies. Object storage has no
shared file system: :class:`~mirix_py._store.object_lease.ObjectStoreLease`
keeps a lease object in the bucket, taken and renewed with conditional writes,
so it excludes every process on every machine. :class:`ProcessLease` excludes
only the threads of one process.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol, runtime_checkable

from filelock import FileLock, Timeout

LEASE_FILE = ".mirix-maintain.lock"


@runtime_checkable
class MaintenanceLease(Protocol):
    """A non-blocking mutual-exclusion lease for the maintenance step."""

    def try_acquire(self) -> bool:
        """Take the lease if it is free; False if another maintainer holds it."""
        ...

    def release(self) -> None:
        """Give the lease back (only after a successful :meth:`try_acquire`)."""
        ...


class FileLease:
    """An OS file lock in the database folder (one holder across processes)."""

    def __init__(self, folder: str | Path) -> None:
        self._lock = FileLock(str(Path(folder) / LEASE_FILE), is_singleton=False)
        self._local = threading.Lock()

    def try_acquire(self) -> bool:
        """Take the lease if no thread or process holds it."""
        if not self._local.acquire(blocking=False):
            return False
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            self._local.release()
            return False
        return True

    def release(self) -> None:
        """Release the file lock."""
        self._lock.release()
        self._local.release()


class ProcessLease:
    """A lease among the threads of this process (object storage, for now)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def try_acquire(self) -> bool:
        """Take the lease if no other thread holds it."""
        return self._lock.acquire(blocking=False)

    def release(self) -> None:
        """Release it."""
        self._lock.release()


def lease_for(uri: str, options: Mapping[str, str] | None = None) -> MaintenanceLease:
    """The lease that fits a database location: a file lock next to a local database, a
    lease object in the bucket (conditional writes) for object storage."""
    if "://" in uri:
        from mirix_py._store.object_lease import ObjectStoreLease

        return ObjectStoreLease(uri, name="maintenance", options=options)
    return FileLease(uri)
