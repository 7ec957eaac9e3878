"""Cheap "has this user's data changed?" answers, from metadata only.

:class:`ChangeStamps` keeps, per user, a counter of this store's writes, and
watches the version of every table: a version this store did not produce means
someone else wrote (another process, another store object, a maintenance or
forget step that does not report its users), and as it cannot tell whose data
changed, it bumps a shared epoch that is part of every user's stamp. Reading a
stamp reads each table's version (a manifest look-up, no rows); nothing counts
or scans rows.

Own writes are told apart from foreign ones only when every writer is
serialised by a lock the store holds (``precise``): then no other commit can
land between :meth:`ChangeStamps.before_write` and
:meth:`ChangeStamps.after_write`. Without such a lock (object storage, several
machines) every new table version bumps the epoch: correct, only less selective.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence

StampValue = tuple[int, int]


class ChangeStamps:
    """Per-user write counters plus a shared epoch for writes made elsewhere."""

    def __init__(
        self,
        versions: Callable[[Sequence[str]], dict[str, int]],
        names: Callable[[], Iterable[str]],
        *,
        precise: bool,
    ) -> None:
        """``versions(names)``: the current version of each table named (one read for
        all of them); ``names()``: every table's name."""
        self._versions = versions
        self._names = names
        self._precise = precise
        self._lock = threading.Lock()
        self._users: dict[str, int] = {}
        self._epoch = 0
        self._known: dict[str, int] = {}

    def _current(self, names: Iterable[str]) -> dict[str, int]:
        return self._versions(list(names))

    def start(self) -> None:
        """Take the current table versions as known (after opening the tables)."""
        current = self._current(self._names())
        with self._lock:
            self._known = current

    def before_write(self, names: Iterable[str]) -> None:
        """Under the write lock, before changing tables ``names``: a version of theirs
        that this store did not produce means a foreign write."""
        if not self._precise:
            return
        current = self._current(names)
        with self._lock:
            if any(self._known.get(n) != v for n, v in current.items()):
                self._epoch += 1
                self._known.update(current)

    def after_write(self, names: Iterable[str], user_ids: Iterable[str]) -> None:
        """Under the write lock, after changing tables ``names``: bump the users'
        counters and take the tables' new versions as this store's own."""
        current = self._current(names) if self._precise else {}
        with self._lock:
            for user_id in set(user_ids):
                self._users[user_id] = self._users.get(user_id, 0) + 1
            self._known.update(current)

    def bump_all(self) -> None:
        """Every user's data changed (e.g. all tables were recreated)."""
        current = self._current(self._names())
        with self._lock:
            self._epoch += 1
            self._known = current

    def stamp(self, user_id: str) -> StampValue:
        """The user's stamp: it changes whenever the user's data may have changed."""
        current = self._current(self._names())
        with self._lock:
            if current != self._known:
                self._epoch += 1
                self._known = current
            return (self._users.get(user_id, 0), self._epoch)
