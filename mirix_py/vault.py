"""Encryption at rest for knowledge-vault secrets (Fernet: AES-128-CBC + HMAC-SHA256).

The key comes from ``MIRIX_PY_VAULT_KEY`` or a key file (created with 0600
permissions on first use). Ciphertexts are stored as ``fernet:<token>``.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from mirix_py.errors import VaultError

PREFIX = "fernet:"


class VaultCipher:
    """Encrypts and decrypts secret values; accepts old keys for rotation."""

    def __init__(self, key: str | bytes, *, old_keys: tuple[str | bytes, ...] = ()) -> None:
        try:
            self._primary = Fernet(key)
            self._multi = MultiFernet([self._primary, *(Fernet(k) for k in old_keys)])
        except (ValueError, TypeError) as exc:
            raise VaultError(
                "the vault key is not a valid Fernet key (32 url-safe base64 bytes); "
                "generate one with `python -c 'from cryptography.fernet import Fernet;"
                "print(Fernet.generate_key().decode())'`"
            ) from exc

    @classmethod
    def from_sources(cls, *, env_key: str | None, key_file: str | os.PathLike[str]) -> VaultCipher:
        """Use ``env_key`` if given, else read (or create, mode 0600) ``key_file``."""
        if env_key:
            return cls(env_key)
        return cls(load_or_create_key(Path(key_file)))

    def encrypt(self, value: str) -> str:
        """Ciphertext for ``value`` (marked with the ``fernet:`` prefix)."""
        return PREFIX + self._primary.encrypt(value.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        """Plaintext for a token produced by :meth:`encrypt` (with this or an old key)."""
        if not token.startswith(PREFIX):
            raise VaultError("vault value is not encrypted; refusing to read plaintext")
        try:
            return self._multi.decrypt(token[len(PREFIX) :].encode("ascii")).decode("utf-8")
        except InvalidToken as exc:
            raise VaultError(
                "cannot decrypt a vault secret: wrong MIRIX_PY_VAULT_KEY or key file"
            ) from exc

    def rotate(self, token: str) -> str:
        """Re-encrypt ``token`` under the primary key."""
        return PREFIX + self._multi.rotate(token[len(PREFIX) :].encode("ascii")).decode("ascii")


def load_or_create_key(path: Path) -> bytes:
    """Read the key file, creating it with a fresh key and 0600 permissions if absent."""
    if path.exists():
        return path.read_bytes().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key)
    return key
