"""Encryption at rest for knowledge-vault secrets (Fernet: AES-128-CBC + HMAC-SHA256).

The key comes from ``MIRIX_PY_VAULT_KEY`` or a key file (created with 0600
permissions on first use). Ciphertexts are stored as ``fernet:<token>``.

Where the key file lives (:func:`key_file_for`): by default in the user's config
folder (``~/.config/mirix_py/vault.key``), **not** in the data folder, so a
backup or copy of the data never carries the key that decrypts it. Back the
key up separately (a password manager, a secrets store); without it the vault's
values are lost, with it alone nothing is readable. A key file that an earlier
version left in the data folder (``{home}/vault.key``) keeps being used, with a
warning saying how to move it. mirix-py refuses to start with a key file inside
a data folder on a network or cloud-synced file system (NFS, SMB, sshfs,
Dropbox, OneDrive …) or at a URI: whoever can read the shared data could then
read the key too.

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
from typing import TYPE_CHECKING

import structlog
from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from mirix_py.errors import VaultError

if TYPE_CHECKING:
    from mirix_py._config import MirixConfig

log = structlog.get_logger(__name__)

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


# --------------------------------------------------------------------------
# Where the key file lives, and where it must not.
# --------------------------------------------------------------------------

NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "afs", "ceph", "glusterfs",
        "lustre", "gpfs", "9p", "davfs", "fuse.sshfs", "fuse.s3fs", "fuse.rclone",
        "fuse.gcsfuse", "fuse.goofys", "fuse.glusterfs", "fuse.cephfs", "fuse.davfs2",
        "fuse.mountpoint-s3", "fuse.blobfuse", "fuse.juicefs", "fuse.dropbox",
    }
)  # fmt: skip
SYNCED_FOLDERS = (
    "dropbox", "onedrive", "google drive", "googledrive", "my drive", "icloud drive",
    "iclouddrive", "mobile documents", "nextcloud", "owncloud", "pcloud drive", "seafile",
    "syncthing", "mega",
)  # fmt: skip
MOUNTS_FILE = Path("/proc/mounts")


def _mounts() -> list[tuple[str, str]]:
    """``(mount point, file-system type)`` of every mount (Linux; empty elsewhere)."""
    try:
        lines = MOUNTS_FILE.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    out = []
    for line in lines:
        parts = line.split()
        if len(parts) >= 3:
            out.append((parts[1].replace("\\040", " "), parts[2]))
    return out


def filesystem_type(path: Path) -> str | None:
    """The type of the file system holding ``path`` (the longest matching mount)."""
    target = str(path)
    best: tuple[int, str] | None = None
    for mount, fstype in _mounts():
        inside = target == mount or target.startswith(mount.rstrip("/") + "/")
        if inside and (best is None or len(mount) > best[0]):
            best = (len(mount), fstype)
    return best[1] if best else None


def shared_location(path: Path) -> str | None:
    """Why ``path`` is on shared storage (a network file system or a cloud-synced
    folder), or ``None`` when it looks local."""
    fstype = filesystem_type(path)
    if fstype and (fstype in NETWORK_FILESYSTEMS or fstype.split(".")[0] in NETWORK_FILESYSTEMS):
        return f"a {fstype} network file system"
    for part in path.parts:
        name = part.lower()
        if any(name == s or name.startswith(f"{s} -") for s in SYNCED_FOLDERS):
            return f"a cloud-synced folder ({part})"
    return None


def _data_folders(config: MirixConfig) -> list[Path]:
    folders = [Path(config.home)]
    if "://" not in config.storage.uri:
        folders.append(Path(config.storage.uri))
    return [f.expanduser().resolve() for f in folders]


def key_file_for(config: MirixConfig) -> Path:
    """The key file to use for ``config`` (see the module docstring).

    ``vault.key_file`` (default ``{config_dir}/vault.key``), except that a key
    file left in the data folder by an earlier version (``{home}/vault.key``) is
    used as long as it exists, so existing secrets stay readable. Raises
    :class:`VaultError` for a key file inside shared data or at a URI.
    """
    from mirix_py._config import DEFAULT_KEY_FILE, LEGACY_KEY_FILE

    configured = config.vault.key_file
    if "://" in configured:
        raise VaultError(
            f"vault.key_file {configured!r} is a URI; the key must be a local file apart "
            "from the data (or set MIRIX_PY_VAULT_KEY)"
        )
    path = Path(configured).expanduser()
    default = DEFAULT_KEY_FILE.replace("{config_dir}", config.config_dir)
    legacy = Path(LEGACY_KEY_FILE.replace("{home}", config.home)).expanduser()
    if str(path) == str(Path(default).expanduser()) and legacy.exists():
        log.warning(
            "vault.key_in_data_folder",
            key_file=str(legacy),
            move_to=str(path),
            message="the vault key sits in the data folder, so copies of the data carry "
            f"it: stop mirix-py, move {legacy} (and any {legacy.name}.old) to "
            f"{path.parent}/ and back it up apart from the data",
        )
        path = legacy
    check_key_placement(path, config)
    return path


def check_key_placement(path: Path, config: MirixConfig) -> None:
    """Refuse a key file inside a data folder that lives on shared storage."""
    resolved = path.expanduser().resolve()
    for folder in _data_folders(config):
        inside = resolved == folder or folder in resolved.parents
        if not inside:
            continue
        why = shared_location(folder)
        if why:
            raise VaultError(
                f"refusing to use the vault key file {path}: it is inside the data folder "
                f"{folder}, which is on {why}, so anyone who can read the shared data can "
                "read the key too. Move the key out of the data folder (the default is "
                "~/.config/mirix_py/vault.key; set vault.key_file or MIRIX_PY_VAULT_KEY_FILE) "
                "or pass the key in MIRIX_PY_VAULT_KEY"
            )


def cipher_for(config: MirixConfig, *, env_key: str | None) -> VaultCipher:
    """The vault cipher of ``config``: ``env_key`` (``MIRIX_PY_VAULT_KEY``) if set,
    else the key file :func:`key_file_for` picks (created on first use)."""
    if env_key:
        return VaultCipher.from_sources(env_key=env_key, key_file=config.vault.key_file)
    return VaultCipher.from_sources(env_key=None, key_file=key_file_for(config))
