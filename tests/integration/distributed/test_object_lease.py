"""The maintenance lease on a real S3-compatible server: one holder at a time, across processes."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from mirix_py._store.object_lease import ObjectStoreLease
from mirix_py.errors import ConfigError


def _lease(s3_server: Any, prefix: str, holder: str, ttl: float = 30.0) -> ObjectStoreLease:
    return ObjectStoreLease(
        s3_server.uri(prefix),
        options=s3_server.storage_options,
        ttl_seconds=ttl,
        holder=holder,
    )


def test_only_one_of_many_contenders_gets_the_lease(s3_server: Any) -> None:
    prefix = f"lease-{uuid.uuid4().hex[:8]}"
    leases = [_lease(s3_server, prefix, f"h{i}") for i in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        won = list(pool.map(lambda lease: lease.acquire(), leases))
    assert won.count(True) == 1
    winner = leases[won.index(True)]
    assert winner.held and winner.current() is not None
    assert winner.current().holder == winner.holder  # type: ignore[union-attr]
    assert all(not lease.acquire() for lease in leases if lease is not winner)


def test_renewal_keeps_it_and_release_frees_it(s3_server: Any) -> None:
    prefix = f"lease-{uuid.uuid4().hex[:8]}"
    first, second = _lease(s3_server, prefix, "a"), _lease(s3_server, prefix, "b")
    assert first.acquire()
    assert first.renew() and first.held
    assert not second.acquire()
    first.release()
    assert not first.held
    assert second.acquire() and second.held


def test_an_expired_lease_is_taken_over_and_the_old_holder_learns_it_lost(s3_server: Any) -> None:
    prefix = f"lease-{uuid.uuid4().hex[:8]}"
    crashed = _lease(s3_server, prefix, "crashed", ttl=1.0)
    assert crashed.acquire()
    successor = _lease(s3_server, prefix, "successor", ttl=30.0)
    assert not successor.acquire()  # still valid
    time.sleep(1.5)
    assert successor.acquire()  # expired: taken over
    assert not crashed.renew() and not crashed.held  # a late renewal fails: it must stop


def test_a_local_uri_is_refused() -> None:
    with pytest.raises(ConfigError, match="s3://"):
        ObjectStoreLease("/tmp/some-folder")


def test_try_acquire_keeps_renewing_until_released(s3_server: Any) -> None:
    prefix = f"lease-{uuid.uuid4().hex[:8]}"
    holder = _lease(s3_server, prefix, "maintainer", ttl=1.5)
    other = _lease(s3_server, prefix, "other", ttl=1.5)
    assert holder.try_acquire()
    time.sleep(3.5)  # more than twice the ttl: only renewals keep it
    assert holder.held and not other.try_acquire()
    holder.release()
    assert other.try_acquire()
    other.release()
