"""A lease held in an object store with conditional writes: one holder at a time, across machines.

The lease is one small JSON object (``<prefix>/_mirix/leases/<name>.json``) holding
the holder's id and an expiry time. Taking it is a conditional PUT: *create* when
no lease object exists (``If-None-Match: *``), or *update-if-unchanged* (the ETag
read just before, ``If-Match``) when the existing lease has expired or is ours.
Two contenders can never both succeed: the store accepts only one of two writes
conditioned on the same state and answers the other with 412. Renewing is the same
conditional update; a holder that fails to renew has lost the lease and must stop
(``held`` turns false). Releasing writes an expired lease, so the next contender
need not wait for the time-out.

Expiry compares wall clocks of different machines: keep ``ttl_seconds`` well above
their skew (the default, 60 s, assumes NTP-synchronised hosts). S3 (and
S3-compatible stores that honour ``If-None-Match``/``If-Match``, such as SeaweedFS),
GCS and Azure support these conditional writes through ``obstore``.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import structlog

from mirix_py.errors import ConfigError, StorageError

log = structlog.get_logger(__name__)

# LanceDB storage option names that obstore spells without the provider prefix.
_PREFIXES = ("aws_", "google_", "azure_")
_CLIENT_OPTIONS = {"allow_http", "allow_invalid_certificates", "timeout", "connect_timeout"}


def _store_config(options: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split LanceDB-style storage options into obstore's store config and client options."""
    config: dict[str, Any] = {}
    client: dict[str, Any] = {}
    for key, value in options.items():
        name = key.lower()
        if name in _CLIENT_OPTIONS:
            client[name] = (
                value.lower() in ("1", "true", "yes") if name.startswith("allow") else value
            )
            continue
        for prefix in _PREFIXES:
            if name.startswith(prefix) and name != "aws_endpoint":
                name = name[len(prefix) :]
                break
        if name == "aws_endpoint":
            name = "endpoint"
        config[name] = value
    return config, client


@dataclass(frozen=True)
class LeaseState:
    """What the lease object says."""

    holder: str
    expires_at: float


def open_object_store(uri: str, options: Mapping[str, str] | None = None) -> Any:
    """An ``obstore`` store for the bucket of ``uri`` (options as LanceDB's storage options;
    the standard ``AWS_*`` variables are read too)."""
    if "://" not in uri:
        raise ConfigError(
            f"an object-store location needs an s3://, gs:// or az:// uri, got {uri!r}"
        )
    import obstore.store

    parsed = urlparse(uri)
    config: Any
    client: Any
    config, client = _store_config(options or {})
    try:
        return obstore.store.from_url(
            f"{parsed.scheme}://{parsed.netloc}",
            config=config or None,
            client_options=client or None,
        )
    except Exception as exc:  # the cause may name option values: report the type only
        raise StorageError(
            f"cannot open the object store for {uri!r} ({type(exc).__name__}); "
            "check storage.options / the AWS_* environment variables"
        ) from None


class ObjectStoreLease:
    """A named lease in the object store under ``uri`` (see the module docstring).

    ``acquire()`` returns True when this process now holds the lease; ``renew()``
    extends it (False: lost); ``release()`` gives it up. ``held`` is whether this
    process still believes it holds it (false once a renewal failed or the ttl passed).
    """

    def __init__(
        self,
        uri: str,
        *,
        name: str = "maintenance",
        options: Mapping[str, str] | None = None,
        ttl_seconds: float = 60.0,
        holder: str | None = None,
    ) -> None:
        self._store = open_object_store(uri, options)
        parsed = urlparse(uri)
        prefix = parsed.path.strip("/")
        self._path = f"{prefix + '/' if prefix else ''}_mirix/leases/{name}.json"
        self.name = name
        self.ttl_seconds = ttl_seconds
        self.holder = holder or f"{uuid.uuid4().hex[:12]}"
        self._etag: str | None = None
        self._expires_at = 0.0
        self._lock = threading.Lock()
        self._stop_renewal: threading.Event | None = None
        self._renewer: threading.Thread | None = None

    @property
    def held(self) -> bool:
        """True while this process holds an unexpired lease."""
        return self._etag is not None and time.time() < self._expires_at

    def _read(self) -> tuple[LeaseState | None, str | None]:
        import obstore
        from obstore.exceptions import NotFoundError

        try:
            result = obstore.get(self._store, self._path)
        except (NotFoundError, FileNotFoundError):
            return None, None
        body = bytes(result.bytes())
        etag = result.meta.get("e_tag")
        try:
            data = json.loads(body)
            return LeaseState(str(data["holder"]), float(data["expires_at"])), etag
        except (ValueError, KeyError, TypeError):
            return LeaseState("", 0.0), etag  # unreadable: treat as expired

    def _write(self, *, expires_at: float, etag: str | None) -> str | None:
        """Conditionally write the lease; the new ETag, or None when another write won."""
        import obstore
        from obstore.exceptions import AlreadyExistsError, PreconditionError

        body = json.dumps({"holder": self.holder, "expires_at": expires_at}).encode()
        mode: Any = "create" if etag is None else {"e_tag": etag}
        try:
            result = obstore.put(self._store, self._path, body, mode=mode)
        except (AlreadyExistsError, PreconditionError):
            return None
        new_etag = result.get("e_tag")
        return str(new_etag) if new_etag else None

    def acquire(self) -> bool:
        """Take the lease if it is free, expired or already ours."""
        with self._lock:
            state, etag = self._read()
            now = time.time()
            if state is not None and state.holder != self.holder and state.expires_at > now:
                return False
            expires_at = now + self.ttl_seconds
            new_etag = self._write(expires_at=expires_at, etag=etag)
            if new_etag is None:
                log.debug("lease.contended", lease=self.name, holder=self.holder)
                return False
            taken_over = state is not None and state.holder not in ("", self.holder)
            self._etag, self._expires_at = new_etag, expires_at
            log.info("lease.acquired", lease=self.name, holder=self.holder, took_over=taken_over)
            return True

    def renew(self) -> bool:
        """Extend a held lease; False (and ``held`` false) when it was lost."""
        with self._lock:
            if self._etag is None:
                return False
            expires_at = time.time() + self.ttl_seconds
            new_etag = self._write(expires_at=expires_at, etag=self._etag)
            if new_etag is None:
                log.warning("lease.lost", lease=self.name, holder=self.holder)
                self._etag, self._expires_at = None, 0.0
                return False
            self._etag, self._expires_at = new_etag, expires_at
            return True

    def release(self) -> None:
        """Give the lease up (writes it as expired, if it is still ours)."""
        self.stop_renewing()
        with self._lock:
            if self._etag is None:
                return
            self._write(expires_at=0.0, etag=self._etag)
            self._etag, self._expires_at = None, 0.0
            log.info("lease.released", lease=self.name, holder=self.holder)

    # -- the MaintenanceLease protocol: tried, never waited on; renewed while held

    def try_acquire(self) -> bool:
        """Take the lease if free, and keep renewing it in the background until released."""
        if not self.acquire():
            return False
        stop = threading.Event()
        self._stop_renewal = stop

        def renew_until_stopped() -> None:
            while not stop.wait(self.ttl_seconds / 3):
                if not self.renew():
                    return

        self._renewer = threading.Thread(
            target=renew_until_stopped, name=f"mirix-lease-{self.name}", daemon=True
        )
        self._renewer.start()
        return True

    def stop_renewing(self) -> None:
        """Stop the background renewal (the lease then lapses at its expiry)."""
        stop = getattr(self, "_stop_renewal", None)
        renewer = getattr(self, "_renewer", None)
        if stop is not None:
            stop.set()
        if renewer is not None and renewer is not threading.current_thread():
            renewer.join(timeout=self.ttl_seconds)
        self._stop_renewal = None
        self._renewer = None

    def current(self) -> LeaseState | None:
        """The lease as stored now (for status reports and tests)."""
        return self._read()[0]
