"""``vault`` commands: ``mirix-py vault rotate-key``.

Rotation re-encrypts every knowledge-vault secret (all users) under a new key,
including the copies history keeps, then removes the old ciphertexts from disk.

With a key file (the default, ``vault.key_file``):

1. the new key is written to ``<key file>.next`` (mode 0600); while it exists,
   every process accepts both keys;
2. every secret is re-encrypted under the new key;
3. the previous key moves to ``<key file>.old`` and the new key becomes
   ``<key file>``. Processes still running with the old key keep reading (they
   re-read the key files when a secret does not decrypt). ``--discard-old``
   deletes ``.old`` at the end: use it once no process runs with the old key.

An interrupted rotation is finished by running the command again (it reuses
``.next``).

With ``MIRIX_PY_VAULT_KEY`` set, the command cannot change the variable: it
writes the new key to ``--new-key-file`` (mode 0600), re-encrypts, and tells
you to set ``MIRIX_PY_VAULT_KEY=<new>,<old>`` while processes restart, then
``MIRIX_PY_VAULT_KEY=<new>``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mirix_py._cli.common import add_common, emit, load
from mirix_py.errors import InvalidArgument, MemoryTypeDisabled

if TYPE_CHECKING:
    from mirix_py._config import MirixConfig
    from mirix_py._store.vault_rotation import RotationReceipt


def register(sub: Any) -> None:
    """Add the ``vault`` command group."""
    vault = sub.add_parser("vault", help="knowledge-vault key management")
    vault_sub = vault.add_subparsers(dest="vault_command", required=True)
    p = vault_sub.add_parser(
        "rotate-key",
        help="re-encrypt every vault secret under a new key",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_common(p, user=False)
    p.add_argument(
        "--new-key-file",
        default=None,
        help="where to write the new key when MIRIX_PY_VAULT_KEY is set (must not exist)",
    )
    p.add_argument(
        "--discard-old",
        action="store_true",
        help="delete the previous key file (<key file>.old) after re-encrypting",
    )
    p.set_defaults(func=_rotate_key)


def _rotate_key(args: argparse.Namespace) -> int:
    from mirix_py._config import vault_key_from_env
    from mirix_py._memory import MemoryType

    config = load(args)
    if not config.is_enabled(MemoryType.KNOWLEDGE_VAULT):
        raise MemoryTypeDisabled(
            "the knowledge_vault memory type is not enabled in this config: nothing to rotate"
        )
    env_key = vault_key_from_env()
    if env_key:
        return _rotate_env_key(args, config, env_key)
    return _rotate_file_key(args, config)


def _reencrypt(config: MirixConfig, cipher: Any) -> RotationReceipt:
    from mirix_py._system import MemorySystem

    with MemorySystem(config) as system:
        return system.store.rotate_vault_key(cipher)


def _rotate_env_key(args: argparse.Namespace, config: MirixConfig, env_key: str) -> int:
    from cryptography.fernet import Fernet

    from mirix_py._vault import VaultCipher, write_key_file

    if not args.new_key_file:
        raise InvalidArgument(
            "MIRIX_PY_VAULT_KEY is set, so the new key cannot replace it in place: "
            "pass --new-key-file PATH to receive the new key"
        )
    current = VaultCipher.from_sources(env_key=env_key, key_file=config.vault.key_file)
    new_key = Fernet.generate_key()
    target = Path(args.new_key_file).expanduser()
    try:
        write_key_file(target, new_key)
    except FileExistsError:
        raise InvalidArgument(
            f"--new-key-file {str(target)!r} already exists; choose a new path"
        ) from None
    receipt = _reencrypt(config, current.rotated_to(new_key))
    text = (
        f"re-encrypted {receipt.vault_rows} vault secrets and "
        f"{receipt.history_values} history values; the new key is in {target}.\n"
        "Set MIRIX_PY_VAULT_KEY=<new key>,<old key> while processes restart, "
        "then MIRIX_PY_VAULT_KEY=<new key>."
    )
    emit(args, {**receipt.model_dump(), "new_key_file": str(target)}, text)
    return 0


def _rotate_file_key(args: argparse.Namespace, config: MirixConfig) -> int:
    from cryptography.fernet import Fernet

    from mirix_py._vault import (
        NEXT_SUFFIX,
        OLD_SUFFIX,
        VaultCipher,
        key_file_for,
        read_key_file,
        write_key_file,
    )

    key_file = key_file_for(config)
    next_file = key_file.with_name(key_file.name + NEXT_SUFFIX)
    old_file = key_file.with_name(key_file.name + OLD_SUFFIX)
    current = VaultCipher.from_sources(env_key=None, key_file=key_file)
    if next_file.exists():  # an interrupted rotation: finish it with the same key
        new_key = read_key_file(next_file)
    else:
        new_key = Fernet.generate_key()
        write_key_file(next_file, new_key)
    receipt = _reencrypt(config, current.rotated_to(new_key))
    _replace_key_file(old_file, read_key_file(key_file))
    os.replace(next_file, key_file)
    if args.discard_old:
        old_file.unlink(missing_ok=True)
    kept = "discarded" if args.discard_old else f"kept in {old_file}"
    text = (
        f"re-encrypted {receipt.vault_rows} vault secrets and "
        f"{receipt.history_values} history values; new key in {key_file}, "
        f"previous key {kept}"
    )
    emit(
        args,
        {
            **receipt.model_dump(),
            "key_file": str(key_file),
            "old_key_file": None if args.discard_old else str(old_file),
        },
        text,
    )
    return 0


def _replace_key_file(path: Path, key: bytes) -> None:
    """Atomically set ``path`` to ``key`` (mode 0600), replacing any previous file."""
    from mirix_py._vault import write_key_file

    staging = path.with_name(path.name + ".tmp")
    with contextlib.suppress(FileNotFoundError):
        staging.unlink()
    write_key_file(staging, key)
    os.replace(staging, path)
