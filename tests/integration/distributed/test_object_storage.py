"""mirix-py on a real S3-compatible server (SeaweedFS on loopback).

The facade runs on ``s3://`` with options from the config or from the standard
``AWS_*`` environment variables; credentials never reach errors or logs; two
systems on one bucket (as two servers would be) see each other's writes and
forgets.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from structlog.testing import capture_logs

from mirix_py._config import load_config
from mirix_py._embeddings import CachedEmbeddings
from mirix_py._system import MemorySystem
from mirix_py.errors import StorageError
from tests.s3_server import ACCESS_KEY, REGION, SECRET_KEY

AT = datetime(2024, 3, 2, 18, 0, tzinfo=UTC)


def _system(
    tmp_path: Path,
    embeddings: CachedEmbeddings,
    uri: str,
    options: dict[str, str] | None,
    environ: dict[str, str] | None = None,
) -> MemorySystem:
    storage: dict[str, Any] = {"uri": uri}
    if options is not None:
        storage["options"] = options
    config = load_config(
        "default", environ=environ or {}, home=str(tmp_path / uuid.uuid4().hex), storage=storage
    )
    return MemorySystem(config, embeddings=embeddings)


def test_the_facade_works_on_s3_with_config_options(
    s3_server: Any, tmp_path: Path, embeddings: CachedEmbeddings
) -> None:
    uri = s3_server.uri(f"facade-{uuid.uuid4().hex[:8]}")
    system = _system(tmp_path, embeddings, uri, s3_server.storage_options)
    try:
        receipt = system.add(
            [{"role": "user", "name": "Ana", "content": "I adopted a greyhound named Juniper."}],
            user_id="ana",
            occurred_at=AT,
        )
        assert receipt.ok and receipt.ids()
        hits = system.search("greyhound", user_id="ana", limit=3)
        assert hits and "Juniper" in hits[0].record.render()
        assert system.get_all(user_id="other") == []
        assert (
            "Juniper" in system.chat("What is the name of Ana's greyhound?", user_id="ana").context
        )
    finally:
        system.close()


def test_standard_aws_environment_variables_are_enough(
    s3_server: Any,
    tmp_path: Path,
    embeddings: CachedEmbeddings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in {
        "AWS_ENDPOINT_URL": s3_server.endpoint,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_REGION": REGION,
        "AWS_ALLOW_HTTP": "true",
    }.items():
        monkeypatch.setenv(name, value)
    uri = s3_server.uri(f"env-{uuid.uuid4().hex[:8]}")
    system = _system(tmp_path, embeddings, uri, None)
    try:
        system.add([{"content": "I work as a ceramicist in Porto."}], user_id="u", occurred_at=AT)
        assert any("Porto" in r.render() for r in system.get_all(user_id="u"))
    finally:
        system.close()


def test_credentials_never_appear_in_errors_or_logs(
    s3_server: Any, tmp_path: Path, embeddings: CachedEmbeddings
) -> None:
    wrong = "wrong-secret-" + uuid.uuid4().hex
    options = {**s3_server.storage_options, "aws_secret_access_key": wrong}
    uri = s3_server.uri(f"denied-{uuid.uuid4().hex[:8]}")
    with capture_logs() as logs, pytest.raises(StorageError) as caught:
        _system(tmp_path, embeddings, uri, options)
    assert wrong not in str(caught.value) and wrong not in repr(caught.value)
    assert wrong not in repr(logs)
    config = load_config(
        "default", environ={}, home=str(tmp_path), storage={"uri": uri, "options": options}
    )
    assert wrong not in repr(config) and wrong not in str(config.storage)


def test_two_systems_on_one_bucket_see_each_others_writes_and_forgets(
    s3_server: Any, tmp_path: Path, embeddings: CachedEmbeddings
) -> None:
    uri = s3_server.uri(f"shared-{uuid.uuid4().hex[:8]}")
    first = _system(tmp_path, embeddings, uri, s3_server.storage_options)
    second = _system(tmp_path, embeddings, uri, s3_server.storage_options)
    try:
        receipt = first.add(
            [{"content": "My sister Maya lives in Oslo."}], user_id="bo", occurred_at=AT
        )
        ids = set(receipt.ids())
        seen = {r.id for r in second.get_all(user_id="bo")}
        assert ids <= seen  # read_consistency_seconds=0: the other writer's commit is visible
        victim = next(iter(ids))
        second.delete(victim, user_id="bo")
        assert victim not in {r.id for r in first.get_all(user_id="bo")}
    finally:
        first.close()
        second.close()
