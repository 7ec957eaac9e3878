"""Request screening for the REST API and the memory browser: Host allow-list,
cross-origin writes, security headers.

- **Host allow-list** (against DNS rebinding): a web page can rebind its own name
  to 127.0.0.1 and then reach a loopback server *under that name*. Every request's
  ``Host`` must therefore name this server: ``server.allowed_hosts`` (or
  ``MIRIX_PY_ALLOWED_HOSTS``) when set — exact names, ``*.example.com`` for
  subdomains, ``*`` for any — and otherwise, in development mode, ``localhost``
  and loopback addresses only. With API keys and no list, any ``Host`` is
  accepted (every request authenticates; browser sessions are host-bound
  cookies). A refused request gets ``421 host_not_allowed``, as the MCP SDK does.
- **Cross-origin writes** (against CSRF): a ``POST``/``PUT``/``PATCH``/``DELETE``
  whose ``Origin`` (or, without one, ``Referer``) is another scheme, host or
  port than the request's own — or ``null`` — is refused with ``403``. Clients
  that send neither header (curl, SDKs) are unaffected. The browser's forms
  also carry a per-session CSRF token and its cookie is ``SameSite=Strict``;
  this check adds the sign-in form and other local origins (another port on
  127.0.0.1 is the *same site* for cookies).
- **Headers**: every ``/ui`` response carries a strict Content-Security-Policy
  (``frame-ancestors 'none'``), ``X-Frame-Options: DENY``,
  ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: same-origin`` (no
  referrer ever leaves the server; with ``no-referrer`` Chromium would send
  ``Origin: null`` on the browser's own form posts, which the origin check refuses).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

from starlette.requests import Request

UI_SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def split_host(value: str) -> tuple[str, int | None]:
    """``(name, port)`` of a ``Host`` header value (IPv6 in brackets; name lower-cased)."""
    value = value.strip().lower()
    if value.startswith("["):
        name, _, rest = value[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    else:
        name, sep, port = value.rpartition(":")
        if not sep or not port.isdigit():
            name, port = value, ""
    return name, int(port) if port.isdigit() else None


def _is_loopback_name(name: str) -> bool:
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def host_allowed(host_header: str | None, allowed: Sequence[str] | None) -> bool:
    """Whether a request's ``Host`` is acceptable.

    ``allowed`` is ``None`` for "any host"; an empty sequence means loopback
    names only (``localhost``, 127.0.0.0/8, ``::1``).
    """
    if allowed is None:
        return True
    if not host_header:
        return False
    name, _ = split_host(host_header)
    if not allowed:
        return _is_loopback_name(name)
    for entry in (a.strip().lower() for a in allowed):
        if entry == "*" or entry == name:
            return True
        if entry.startswith("*.") and name.endswith(entry[1:]) and len(name) > len(entry) - 1:
            return True
    return False


def effective_allowed_hosts(configured: Sequence[str], *, dev_mode: bool) -> tuple[str, ...] | None:
    """The allow-list in force: the configured one; else loopback only in development
    mode (``()``) and any host with API keys (``None``)."""
    if configured:
        return tuple(configured)
    return () if dev_mode else None


def _origin_of(url: str) -> tuple[str, str, int | None] | None:
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if not scheme or not parts.hostname:
            return None
        port = parts.port or _DEFAULT_PORTS.get(scheme)
    except ValueError:
        return None
    return scheme, parts.hostname.lower(), port


def same_origin(headers: Mapping[str, str], *, scheme: str) -> bool:
    """False when the request names another origin (``Origin``, else ``Referer``) than
    its own scheme and ``Host``; True when it names none (non-browser clients)."""
    claimed = headers.get("origin")
    if claimed is None:
        referer = headers.get("referer")
        if not referer:
            return True
        claimed = referer
    theirs = _origin_of(claimed.strip())
    if theirs is None:  # "null" (sandboxed frames, data: URLs) or garbage
        return False
    name, port = split_host(headers.get("host", ""))
    ours = (scheme.lower(), name, port or _DEFAULT_PORTS.get(scheme.lower()))
    return theirs == ours


def screen(request: Request, allowed: Sequence[str] | None) -> tuple[int, str, str] | None:
    """``(status, code, message)`` when the request must be refused, else ``None``."""
    if not host_allowed(request.headers.get("host"), allowed):
        return (
            421,
            "host_not_allowed",
            "this server does not answer to that Host name; add it to server.allowed_hosts "
            "(MIRIX_PY_ALLOWED_HOSTS) if it is yours",
        )
    if request.method in UNSAFE_METHODS and not same_origin(
        request.headers, scheme=request.url.scheme
    ):
        return (403, "forbidden", "cross-origin request refused")
    return None
