"""Where the vault key lives (review issue #14, item 9).

- By default the key file is in the user's config folder, not in the data
  folder: a copy or backup of the data never carries the key that decrypts it.
- A key file that an earlier version left in the data folder keeps working
  (with a warning saying how to move it): existing secrets stay readable.
- mirix-py refuses to start with a key file inside a data folder on a network
  or cloud-synced file system, or at a URI.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings
from structlog.testing import capture_logs

from mirix_py._config import load_config
from mirix_py._memory import KnowledgeVaultMemory, MemoryType
from mirix_py._system import MemorySystem
from mirix_py.errors import VaultError
from tests.conftest import make_config
from tests.security._helpers import scan_folder

SECRET = "correct-horse-battery-7731"


def _vault_item(user: str = "ann") -> KnowledgeVaultMemory:
    return KnowledgeVaultMemory(
        user_id=user, entry_type="password", caption="ann's router password", secret_value=SECRET
    )


def _read_secret(system: MemorySystem, item_id: str) -> str:
    got = system.get(item_id, user_id="ann")
    assert isinstance(got, KnowledgeVaultMemory)
    return got.secret_value.get_secret_value()


@pytest.fixture(autouse=True)
def _no_env_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MIRIX_PY_VAULT_KEY", raising=False)


def test_the_default_key_file_is_outside_the_data_folder(
    tmp_path: Path, embeddings: Embeddings
) -> None:
    data, config_dir = tmp_path / "data", tmp_path / "config"
    config = load_config(
        "default", environ={"MIRIX_PY_HOME": str(data), "XDG_CONFIG_HOME": str(config_dir)}
    )
    assert Path(config.vault.key_file) == config_dir / "mirix_py" / "vault.key"
    system = MemorySystem(config, embeddings=embeddings)
    item = _vault_item()
    system.store.upsert([item])
    system.close()
    assert (config_dir / "mirix_py" / "vault.key").exists()
    files = [p.name for p in data.rglob("*") if p.is_file()]
    assert not [f for f in files if "key" in f.lower() and f.endswith((".key", ".old", ".next"))]
    assert scan_folder(data, [SECRET]).hits == []  # the data folder alone reveals nothing
    reopened = MemorySystem(config, embeddings=embeddings)
    try:
        assert _read_secret(reopened, item.id) == SECRET
    finally:
        reopened.close()


def test_environment_settings_choose_the_key_location(tmp_path: Path) -> None:
    env = {"MIRIX_PY_HOME": str(tmp_path / "d"), "MIRIX_PY_CONFIG_DIR": str(tmp_path / "c")}
    assert load_config("default", environ=env).vault.key_file == str(tmp_path / "c" / "vault.key")
    env["MIRIX_PY_VAULT_KEY_FILE"] = str(tmp_path / "k" / "my.key")
    assert load_config("default", environ=env).vault.key_file == str(tmp_path / "k" / "my.key")


def test_a_key_file_left_in_the_data_folder_keeps_working(
    tmp_path: Path, embeddings: Embeddings
) -> None:
    legacy = tmp_path / "vault.key"
    old = make_config(tmp_path, vault={"key_file": str(legacy)})  # what earlier versions did
    system = MemorySystem(old, embeddings=embeddings)
    item = _vault_item()
    system.store.upsert([item])
    system.close()
    assert legacy.exists()

    upgraded = make_config(tmp_path)  # the new default location, nothing there yet
    with capture_logs() as logs:
        system = MemorySystem(upgraded, embeddings=embeddings)
    try:
        assert _read_secret(system, item.id) == SECRET
    finally:
        system.close()
    warnings = [e for e in logs if e["event"] == "vault.key_in_data_folder"]
    assert warnings and warnings[0]["log_level"] == "warning"
    assert str(legacy) in warnings[0]["message"] and "move" in warnings[0]["message"]
    assert not Path(upgraded.vault.key_file).exists()  # no second key was made


def _pretend_mounted(monkeypatch: pytest.MonkeyPatch, mount: Path, fstype: str) -> None:
    import mirix_py._vault as vault

    real = vault._mounts
    monkeypatch.setattr(vault, "_mounts", lambda: [*real(), (str(mount), fstype)])


@pytest.mark.parametrize("fstype", ["nfs4", "cifs", "fuse.sshfs"])
def test_a_key_inside_a_network_data_folder_is_refused(
    tmp_path: Path, embeddings: Embeddings, monkeypatch: pytest.MonkeyPatch, fstype: str
) -> None:
    data = tmp_path / "shared"
    data.mkdir()
    _pretend_mounted(monkeypatch, data, fstype)
    outside = str(tmp_path / "cfg")
    config = make_config(data, config_dir=outside, vault={"key_file": str(data / "vault.key")})
    with pytest.raises(VaultError, match="network file system"):
        MemorySystem(config, embeddings=embeddings)
    assert not (data / "vault.key").exists()
    # the default location (outside the data) is fine on the same machine
    MemorySystem(make_config(data, config_dir=outside), embeddings=embeddings).close()


def test_a_legacy_key_inside_a_synced_data_folder_is_refused_not_replaced(
    tmp_path: Path, embeddings: Embeddings
) -> None:
    data = tmp_path / "Dropbox" / "mirix"
    data.mkdir(parents=True)
    (data / "vault.key").write_bytes(b"x" * 44)
    (data / "vault.key").chmod(0o600)
    outside = tmp_path / "cfg"
    with pytest.raises(VaultError, match="cloud-synced folder"):
        MemorySystem(make_config(data, config_dir=str(outside)), embeddings=embeddings)
    assert (data / "vault.key").read_bytes() == b"x" * 44  # never touched
    assert not (outside / "vault.key").exists()  # and no new key made instead


def test_a_key_file_at_a_uri_is_refused(tmp_path: Path, embeddings: Embeddings) -> None:
    config = make_config(tmp_path, vault={"key_file": "s3://bucket/mirix/vault.key"})
    with pytest.raises(VaultError, match="URI"):
        MemorySystem(config, embeddings=embeddings)


def test_without_the_vault_no_key_is_needed(tmp_path: Path, embeddings: Embeddings) -> None:
    config = make_config(tmp_path, memory={"enabled": [t.value for t in MemoryType][:3]})
    MemorySystem(config, embeddings=embeddings).close()
    assert not Path(config.vault.key_file).exists()
