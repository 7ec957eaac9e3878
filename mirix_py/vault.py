"""Encryption at rest for knowledge-vault secrets (Fernet: AES-128-CBC + HMAC-SHA256).

The key comes from ``MIRIX_PY_VAULT_KEY`` or a key file (created with 0600
permissions on first use). Ciphertexts are stored as ``fernet:<token>``.

Key rotation (``mirix-py vault rotate-key``) keeps every secret readable while it
runs:

- with a key file, the new key is first written to ``<key file>.next``, every
  vault row (and every vault value kept in history) is re-encrypted under it, then
  it replaces ``<key file>`` and the previous key moves to ``<key file>.old``.
  A cipher loaded from the key file also accepts the keys in ``.next`` and
  ``.old``, and re-reads the files once when a token does not decrypt, so
  processes that were running during the rotation keep working;
- with ``MIRIX_PY_VAULT_KEY``, the variable may hold several comma-separated
  keys: the first encrypts, all of them decrypt (``new,old`` during a rollout).
"""

from __future__ import annotations

import contextlib
import os
import stat
import threading
from collections.abc import Sequence
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from mirix_py.errors import VaultError

PREFIX = "fernet:"
NEXT_SUFFIX = ".next"
OLD_SUFFIX = ".old"

_BAD_KEY = (
    "is not a valid Fernet key (32 url-safe base64 bytes); generate one with "
    "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`"
)


def _fernet(key: str | bytes, *, source: str) -> Fernet:
    try:
        return Fernet(key)
    except (ValueError, TypeError):
        raise VaultError(f"the vault key from {source} {_BAD_KEY}") from None


class VaultCipher:
    """Encrypts with one primary key; decrypts with it or any older key."""

    def __init__(
        self,
        key: str | bytes,
        *,
        old_keys: Sequence[str | bytes] = (),
        key_file: str | os.PathLike[str] | None = None,
        source: str = "the configuration",
    ) -> None:
        self._lock = threading.Lock()
        self._key_file = Path(key_file) if key_file is not None else None
        self._set_keys(key, tuple(old_keys), source=source)

    def _set_keys(
        self, key: str | bytes, old_keys: tuple[str | bytes, ...], *, source: str
    ) -> None:
        primary = _fernet(key, source=source)
        olds = [_fernet(k, source=source) for k in old_keys]
        self._keys: tuple[str | bytes, ...] = (key, *old_keys)
        self._primary = primary
        self._multi = MultiFernet([primary, *olds])

    @classmethod
    def from_sources(cls, *, env_key: str | None, key_file: str | os.PathLike[str]) -> VaultCipher:
        """Use ``env_key`` if given (``new[,old...]``), else the key file and its siblings.

        The key file is created with a fresh key and 0600 permissions if absent.
        """
        if env_key:
            keys = [k.strip() for k in env_key.split(",") if k.strip()]
            if not keys:
                raise VaultError(f"MIRIX_PY_VAULT_KEY {_BAD_KEY}")
            return cls(keys[0], old_keys=keys[1:], source="MIRIX_PY_VAULT_KEY")
        path = Path(key_file)
        primary_key = load_or_create_key(path)
        return cls(primary_key, old_keys=fallback_keys(path), key_file=path, source=str(path))

    def rotated_to(self, new_key: str | bytes) -> VaultCipher:
        """A cipher that encrypts with ``new_key`` and still decrypts with every key of this one."""
        return VaultCipher(new_key, old_keys=[k for k in self._keys if k != new_key])

    def encrypt(self, value: str) -> str:
        """Ciphertext for ``value`` (marked with the ``fernet:`` prefix)."""
        return PREFIX + self._primary.encrypt(value.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        """Plaintext for a token produced by :meth:`encrypt` (with this or an old key)."""
        raw = _token_bytes(token)
        try:
            return self._multi.decrypt(raw).decode("utf-8")
        except InvalidToken:
            if not self._reload():
                raise VaultError(
                    "cannot decrypt a vault secret: wrong MIRIX_PY_VAULT_KEY or key file"
                ) from None
        try:
            return self._multi.decrypt(raw).decode("utf-8")
        except InvalidToken:
            raise VaultError(
                "cannot decrypt a vault secret: wrong MIRIX_PY_VAULT_KEY or key file"
            ) from None

    def rotate(self, token: str) -> str:
        """Re-encrypt ``token`` under the primary key (it may be under any accepted key)."""
        raw = _token_bytes(token)
        try:
            return PREFIX + self._multi.rotate(raw).decode("ascii")
        except InvalidToken:
            raise VaultError(
                "cannot re-encrypt a vault secret: none of the keys decrypts it; "
                "add the key it was written with (MIRIX_PY_VAULT_KEY=new,old or "
                "the .old key file) and run the rotation again"
            ) from None

    def _reload(self) -> bool:
        """Re-read the key files (another process may have rotated); True if keys changed."""
        if self._key_file is None or not self._key_file.exists():
            return False
        with self._lock:
            primary = read_key_file(self._key_file)
            olds = tuple(fallback_keys(self._key_file))
            if (primary, *olds) == self._keys:
                return False
            self._set_keys(primary, olds, source=str(self._key_file))
        return True


def _token_bytes(token: str) -> bytes:
    if not isinstance(token, str) or not token.startswith(PREFIX):
        raise VaultError("vault value is not encrypted; refusing to read plaintext")
    try:
        return token[len(PREFIX) :].encode("ascii")
    except UnicodeEncodeError:
        raise VaultError("vault value is not a valid Fernet token") from None


def read_key_file(path: Path) -> bytes:
    """The key in ``path``; refuses a file that group or others may read (POSIX)."""
    try:
        info = path.stat()
        if os.name == "posix" and stat.S_IMODE(info.st_mode) & 0o077:
            raise VaultError(
                f"vault key file {path} is readable by other users "
                f"(mode {stat.S_IMODE(info.st_mode):o}); run `chmod 600 {path}`"
            )
        key = path.read_bytes().strip()
    except OSError as exc:
        raise VaultError(f"cannot read vault key file {path}: {exc.strerror or exc}") from exc
    _fernet(key, source=str(path))
    return key


def write_key_file(path: Path, key: bytes) -> None:
    """Create ``path`` holding ``key``, mode 0600; never overwrites (raises ``FileExistsError``).

    The key is written to a private temporary file first and linked into place,
    so a reader never sees a half-written key file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(key)
            fh.flush()
            os.fsync(fh.fileno())
        os.link(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def load_or_create_key(path: Path) -> bytes:
    """Read the key file, creating it with a fresh key and 0600 permissions if absent."""
    if not path.exists():
        try:
            write_key_file(path, Fernet.generate_key())
        except FileExistsError:
            pass  # another process created it first: use theirs
        except OSError as exc:
            raise VaultError(
                f"cannot create vault key file {path}: {exc.strerror or exc}; "
                "set vault.key_file in the config or MIRIX_PY_VAULT_KEY"
            ) from exc
    return read_key_file(path)


def fallback_keys(path: Path) -> list[bytes]:
    """Decrypt-only keys next to the key file (``.next`` during a rotation, ``.old`` after)."""
    keys: list[bytes] = []
    for suffix in (NEXT_SUFFIX, OLD_SUFFIX):
        sibling = path.with_name(path.name + suffix)
        if sibling.exists():
            keys.append(read_key_file(sibling))
    return keys
