"""The knowledge vault: encrypted at rest, key file 0600, key rotation, owner-only access."""

from __future__ import annotations

import json
import os
import stat
import uuid
from pathlib import Path

import lancedb
import pytest
import structlog
from cryptography.fernet import Fernet
from pydantic import SecretStr
from structlog.testing import capture_logs

from mirix_py._cli import main as cli_main
from mirix_py._config import MirixConfig
from mirix_py._embeddings import CachedEmbeddings
from mirix_py._memory import KnowledgeVaultMemory, MemoryType
from mirix_py._store.lancedb_store import HISTORY_TABLE
from mirix_py._system import MemorySystem
from mirix_py._vault import PREFIX, VaultCipher, load_or_create_key
from mirix_py.errors import AccessDenied, RecordNotFound, VaultError
from tests.conftest import make_config
from tests.security._helpers import scan_folder

VAULT = MemoryType.KNOWLEDGE_VAULT.value


def _secret() -> str:
    return f"S3cr3t-{uuid.uuid4().hex}"


def _item(user: str, secret: str, caption: str = "bank card PIN") -> KnowledgeVaultMemory:
    return KnowledgeVaultMemory(
        user_id=user,
        caption=caption,
        secret_value=SecretStr(secret),
        entry_type="pin",
        sensitivity="high",
    )


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _stored_tokens(db: Path) -> list[str]:
    """Every vault ciphertext in the database: current rows and history snapshots."""
    conn = lancedb.connect(str(db))
    tokens = [
        json.loads(p)["secret_value"]
        for p in conn.open_table(VAULT).to_arrow().column("payload").to_pylist()
    ]
    for row in conn.open_table(HISTORY_TABLE).to_arrow().to_pylist():
        for snapshot in (row["old_value"], row["new_value"]):
            if snapshot and row["memory_type"] == VAULT:
                tokens.append(json.loads(json.loads(snapshot)["payload"])["secret_value"])
    return tokens


def test_secret_is_encrypted_at_rest_and_readable_by_its_owner(system: MemorySystem) -> None:
    secret, caption = _secret(), f"door code {uuid.uuid4().hex[:8]}"
    item = _item("ann", secret, caption)
    system.store.upsert([item])
    system.store.upsert([item.model_copy(update={"caption": caption + " (front)"})])
    db = Path(system.config.storage.uri)

    scan = scan_folder(db, [secret, caption])
    assert {needle for _, needle in scan.hits} == {caption}, "captions are plain, secrets not"
    tokens = _stored_tokens(db)
    assert len(tokens) == 4 and all(t.startswith(PREFIX) for t in tokens)
    got = system.get(item.id, user_id="ann")
    assert isinstance(got, KnowledgeVaultMemory)
    assert got.secret_value.get_secret_value() == secret
    assert secret not in repr(got) and secret not in got.render()
    assert secret not in json.dumps(got.model_dump(mode="json"))
    assert secret in got.render(reveal=True)


def test_secrets_never_reach_logs(system: MemorySystem) -> None:
    structlog.reset_defaults()  # log every level, whatever an earlier CLI call configured
    secret = _secret()
    item = _item("ann", secret, "wifi password")
    with capture_logs() as logs:
        system.store.upsert([item])
        system.get(item.id, user_id="ann")
        system.search("wifi password", user_id="ann")
        system.delete(item.id, user_id="ann")
    assert logs and secret not in repr(logs)


def test_other_users_never_reach_vault_items(system: MemorySystem) -> None:
    secret = _secret()
    item = _item("ann", secret, "safe combination")
    system.store.upsert([item])
    with pytest.raises(RecordNotFound):
        system.get(item.id, user_id="bob")
    with pytest.raises(RecordNotFound):
        system.delete(item.id, user_id="bob")
    assert system.history(item.id, user_id="bob") == []
    assert system.get_all(user_id="bob", memory_type=VAULT) == []
    for mode in ("hybrid", "vector", "fts"):
        assert system.search("safe combination", user_id="bob", mode=mode) == []
    stolen = _item("bob", "overwritten", "mine now").model_copy(update={"id": item.id})
    with pytest.raises(AccessDenied):
        system.store.upsert([stolen])
    got = system.get(item.id, user_id="ann")
    assert isinstance(got, KnowledgeVaultMemory)
    assert got.secret_value.get_secret_value() == secret


def test_key_file_is_created_0600_on_first_use_and_reused(
    tmp_path: Path, embeddings: CachedEmbeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MIRIX_PY_VAULT_KEY")
    old_umask = os.umask(0)  # even a permissive umask must not widen the key file
    try:
        config = make_config(tmp_path)
        first = MemorySystem(config, embeddings=embeddings)
    finally:
        os.umask(old_umask)
    key_file = Path(config.vault.key_file)
    assert _mode(key_file) == 0o600
    key = key_file.read_bytes()
    item = _item("ann", _secret())
    first.store.upsert([item])
    first.close()
    second = MemorySystem(config, embeddings=embeddings)
    got = second.get(item.id, user_id="ann")
    assert isinstance(got, KnowledgeVaultMemory)
    assert got.secret_value.get_secret_value() == item.secret_value.get_secret_value()
    assert key_file.read_bytes() == key
    second.close()


def test_unsafe_or_broken_key_files_are_refused(tmp_path: Path) -> None:
    key_file = tmp_path / "vault.key"
    load_or_create_key(key_file)
    key_file.chmod(0o644)
    with pytest.raises(VaultError, match="chmod 600"):
        VaultCipher.from_sources(env_key=None, key_file=key_file)
    key_file.chmod(0o600)
    key_file.write_bytes(b"not a key")
    with pytest.raises(VaultError, match="not a valid Fernet key"):
        VaultCipher.from_sources(env_key=None, key_file=key_file)
    with pytest.raises(VaultError, match="MIRIX_PY_VAULT_KEY"):
        VaultCipher.from_sources(env_key="garbage", key_file=key_file)


def test_a_wrong_key_reads_nothing(
    config: MirixConfig, embeddings: CachedEmbeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = MemorySystem(config, embeddings=embeddings)
    item = _item("ann", _secret())
    writer.store.upsert([item])
    writer.close()
    monkeypatch.setenv("MIRIX_PY_VAULT_KEY", Fernet.generate_key().decode())
    reader = MemorySystem(config, embeddings=embeddings)
    with pytest.raises(VaultError, match="cannot decrypt"):
        reader.get(item.id, user_id="ann")
    reader.close()


def _cli_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    path = tmp_path / "cli.yaml"
    path.write_text(f"home: {tmp_path}\n", encoding="utf-8")
    monkeypatch.setenv("MIRIX_PY_CONFIG_DIR", str(tmp_path / "config"))  # as make_config
    return str(path)


def test_rotate_key_with_a_key_file(
    tmp_path: Path,
    embeddings: CachedEmbeddings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("MIRIX_PY_VAULT_KEY")
    config = make_config(tmp_path)
    system = MemorySystem(config, embeddings=embeddings)
    secrets = {"ann": _secret(), "bob": _secret()}
    items = {u: _item(u, s, f"{u} card") for u, s in secrets.items()}
    system.store.upsert(list(items.values()))
    system.store.upsert([items["ann"].model_copy(update={"caption": "ann card (new)"})])
    running = system.store  # a process that keeps running through the rotation
    key_file = Path(config.vault.key_file)
    old_key = key_file.read_bytes()
    db = Path(config.storage.uri)
    old_tokens = _stored_tokens(db)
    capsys.readouterr()

    code = cli_main(
        ["vault", "rotate-key", "--config", _cli_config(tmp_path, monkeypatch), "--json"]
    )

    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["vault_rows"] == 2 and report["history_values"] == 3 and report["purged"]
    new_key = key_file.read_bytes()
    old_file = key_file.with_name("vault.key.old")
    assert new_key != old_key and old_file.read_bytes() == old_key
    assert _mode(key_file) == 0o600 and _mode(old_file) == 0o600
    assert not key_file.with_name("vault.key.next").exists()
    only_new = VaultCipher(new_key)
    new_tokens = _stored_tokens(db)
    assert len(new_tokens) == len(old_tokens) == 6
    assert {only_new.decrypt(t) for t in new_tokens} == set(secrets.values())
    assert scan_folder(db, [*old_tokens, *secrets.values()]).hits == []
    # The process that was running re-reads the key files and keeps working.
    for user, item in items.items():
        got = running.get(item.id, user_id=user)
        assert isinstance(got, KnowledgeVaultMemory)
        assert got.secret_value.get_secret_value() == secrets[user]
    system.close()

    assert (
        cli_main(
            ["vault", "rotate-key", "--config", _cli_config(tmp_path, monkeypatch), "--discard-old"]
        )
        == 0
    )
    assert not old_file.exists()
    fresh = MemorySystem(config, embeddings=embeddings)
    got = fresh.get(items["bob"].id, user_id="bob")
    assert isinstance(got, KnowledgeVaultMemory)
    assert got.secret_value.get_secret_value() == secrets["bob"]
    fresh.close()


def test_interrupted_rotation_keeps_everything_readable_and_a_rerun_finishes_it(
    tmp_path: Path, embeddings: CachedEmbeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MIRIX_PY_VAULT_KEY")
    config = make_config(tmp_path)
    system = MemorySystem(config, embeddings=embeddings)
    item = _item("ann", _secret())
    system.store.upsert([item])
    key_file = Path(config.vault.key_file)
    # Crash after the new key was written and the rows re-encrypted, before the switch.
    next_key = Fernet.generate_key()
    next_file = key_file.with_name("vault.key.next")
    next_file.write_bytes(next_key)
    next_file.chmod(0o600)
    current = VaultCipher.from_sources(env_key=None, key_file=key_file)
    system.store.rotate_vault_key(current.rotated_to(next_key))  # type: ignore[attr-defined]
    system.close()

    during = MemorySystem(config, embeddings=embeddings)  # old key primary, .next accepted
    got = during.get(item.id, user_id="ann")
    assert isinstance(got, KnowledgeVaultMemory)
    during.close()

    assert cli_main(["vault", "rotate-key", "--config", _cli_config(tmp_path, monkeypatch)]) == 0
    assert key_file.read_bytes() == next_key and not next_file.exists()
    assert {VaultCipher(next_key).decrypt(t) for t in _stored_tokens(Path(config.storage.uri))} == {
        item.secret_value.get_secret_value()
    }


def test_rotate_key_with_the_environment_variable(
    tmp_path: Path,
    embeddings: CachedEmbeddings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    old_key = os.environ["MIRIX_PY_VAULT_KEY"]
    config = make_config(tmp_path)
    system = MemorySystem(config, embeddings=embeddings)
    item = _item("ann", _secret())
    system.store.upsert([item])
    system.close()
    cfg = _cli_config(tmp_path, monkeypatch)
    capsys.readouterr()

    assert cli_main(["vault", "rotate-key", "--config", cfg]) == 2
    assert "--new-key-file" in capsys.readouterr().err
    new_file = tmp_path / "keys" / "new.key"
    assert cli_main(["vault", "rotate-key", "--config", cfg, "--new-key-file", str(new_file)]) == 0
    assert "MIRIX_PY_VAULT_KEY=<new key>,<old key>" in capsys.readouterr().out
    assert _mode(new_file) == 0o600
    new_key = new_file.read_text().strip()

    for env in (f"{new_key},{old_key}", new_key):
        monkeypatch.setenv("MIRIX_PY_VAULT_KEY", env)
        reader = MemorySystem(config, embeddings=embeddings)
        got = reader.get(item.id, user_id="ann")
        assert isinstance(got, KnowledgeVaultMemory)
        assert got.secret_value.get_secret_value() == item.secret_value.get_secret_value()
        reader.close()
    monkeypatch.setenv("MIRIX_PY_VAULT_KEY", old_key)
    stale = MemorySystem(config, embeddings=embeddings)
    with pytest.raises(VaultError):
        stale.get(item.id, user_id="ann")
    stale.close()
    assert cli_main(["vault", "rotate-key", "--config", cfg, "--new-key-file", str(new_file)]) == 2


def test_secrets_said_in_conversation_are_stored_only_encrypted(system: MemorySystem) -> None:
    said = {
        "My bank card PIN is 4821-9930.": "4821-9930",
        "my wifi password is Tr0ub4dor&3xyz": "Tr0ub4dor&3xyz",
        # six digits: Lance names files by random hex ids, which hold a given
        # four-digit run by chance often enough to fail a byte scan now and then
        "the door code is 771294": "771294",
        # shorthand, another language's account word, a password by its shape alone
        "printer admin pwd: Ostrich!Lamp42 from now on": "Ostrich!Lamp42",
        "o aluguel cai na conta 12.345.678-9 todo mês": "12.345.678-9",
        "I went with Quokka$Dune77 for the tax portal": "Quokka$Dune77",
    }
    for text in said:
        receipt = system.add(text, user_id="ann")
        assert receipt.ids(VAULT), f"the vault manager missed {text!r}"
    vault = system.get_all(user_id="ann", memory_type=VAULT)
    stored = {
        r.secret_value.get_secret_value() for r in vault if isinstance(r, KnowledgeVaultMemory)
    }
    assert set(said.values()) <= stored
    db = Path(system.config.storage.uri)
    assert scan_folder(db, list(said.values())).hits == []
    for record in system.get_all(user_id="ann"):
        if not isinstance(record, KnowledgeVaultMemory):
            assert not any(secret in record.render() for secret in said.values())
