"""Internals never leak and no write is lost silently (review issue #14, items 7 and 8).

- A failing step puts a stable error code and a short safe message into the
  receipt and into the "unprocessed" records, never the raw exception text
  (provider errors can carry request data); details go to the debug log with
  secrets scrubbed.
- Validation errors never echo the rejected input.
- When nothing could be stored, ``add()`` raises ``StorageError`` (REST 503);
  a partial write says what was kept.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import structlog
from fastapi.testclient import TestClient
from structlog.testing import capture_logs

from mirix_py._embeddings import CachedEmbeddings
from mirix_py._memory import EpisodicMemory, MemoryRecord, MemoryType, SemanticMemory
from mirix_py._messages import normalize_messages
from mirix_py._server.app import create_app
from mirix_py._store.lancedb_store import LanceDBStore
from mirix_py._system import MemorySystem
from mirix_py._vault import VaultCipher
from mirix_py.errors import InvalidArgument, StorageError
from tests.conftest import make_config
from tests.unit.managers.fakes import ScriptedToolModel

LOCAL = ("127.0.0.1", 40000)
BASE = "http://127.0.0.1:8765"
AT = datetime(2023, 5, 8, 9, 30, tzinfo=UTC)
LEAKED_KEY = "sk-abcdefghijklmnopqrstu"
LEAKED_PIN = "my bank PIN is 492163"
INTERNAL = "/srv/provider/internal/handler.py line 88"
PROVIDER_ERROR = RuntimeError(
    f"HTTP 500 from provider ({INTERNAL}): request body "
    f'{{"messages": "{LEAKED_PIN}", "api_key": "{LEAKED_KEY}"}}'
)
MESSAGES = [
    {"role": "user", "name": "Alice", "id": "m1", "content": "I work as a nurse."},
    {"role": "user", "name": "Alice", "id": "m2", "content": "My sister Maya lives in Porto."},
]


@pytest.fixture(autouse=True)
def _plain_structlog() -> Iterator[None]:
    structlog.reset_defaults()
    yield
    structlog.reset_defaults()


class NoTurnLogStore(LanceDBStore):
    """A store that refuses the episodic turn log (so the raw input is kept instead)."""

    def upsert(
        self, records: Sequence[MemoryRecord], *, actor: str = "system", reason: str = ""
    ) -> list[str]:
        if any(r.memory_type is MemoryType.EPISODIC and r.status == "active" for r in records):
            raise StorageError(f"disk I/O error at /var/lib/lance/{LEAKED_KEY}")
        return super().upsert(records, actor=actor, reason=reason)


def _llm_system(tmp_path: Path, embeddings: CachedEmbeddings) -> MemorySystem:
    model = ScriptedToolModel(  # the router's provider fails with request data in its text
        scripts={"route_memory": []}, errors={"route_memory": PROVIDER_ERROR}
    )
    config = make_config(tmp_path, llm={"max_retries": 1, "timeout_seconds": 0.5})
    store = NoTurnLogStore(
        str(tmp_path / "db"),
        embeddings=embeddings,
        dimension=384,
        memory_types=list(MemoryType),
        cipher=VaultCipher(os.environ["MIRIX_PY_VAULT_KEY"]),
    )
    return MemorySystem(config, embeddings=embeddings, chat_model=model, store=store)


def _leaks(text: str) -> list[str]:
    return [s for s in (LEAKED_KEY, "492163", INTERNAL, "HTTP 500") if s in text]


def test_a_failing_step_reports_a_code_and_a_safe_message_only(
    tmp_path: Path, embeddings: CachedEmbeddings
) -> None:
    system = _llm_system(tmp_path, embeddings)
    try:
        with capture_logs(processors=[structlog.processors.add_log_level]) as logs:
            receipt = system.add(MESSAGES, user_id="u1", occurred_at=AT)
        failure = receipt.failures[0]
        assert (failure.step, failure.code) == ("route", "model_error")
        assert all(f.error and len(f.error) <= 200 for f in receipt.failures)
        assert _leaks(receipt.model_dump_json()) == []
        raw = [
            r
            for r in system.get_all(user_id="u1", memory_type="episodic", limit=100)
            if isinstance(r, EpisodicMemory) and r.status == "unprocessed"
        ]
        assert raw, "the raw input is kept"
        for record in raw:
            assert _leaks(record.model_dump_json(exclude={"embedding"})) == []
            assert "route: model_error" in (record.details or "")
    finally:
        system.close()
    # the details reach the log at debug level only, scrubbed of secrets
    for event in logs:
        text = json.dumps(event, default=str)
        assert LEAKED_KEY not in text and "492163" not in text, event
        if INTERNAL in text:
            assert event["log_level"] == "debug", event
    assert any(INTERNAL in json.dumps(e, default=str) for e in logs)


def test_log_details_are_scrubbed_of_token_like_secrets() -> None:
    from mirix_py._log_scrub import scrub_detail

    text = scrub_detail(f"disk I/O error at /var/lib/lance/{LEAKED_KEY} ({LEAKED_PIN})")
    assert LEAKED_KEY not in text and "492163" not in text
    assert "disk I/O error" in text


def test_validation_errors_never_echo_the_rejected_input() -> None:
    marker = "SECRET-MARKER-7781"
    with pytest.raises(InvalidArgument) as caught:
        normalize_messages([{"content": f"my password is {marker} " * 60_000}], user_id="u1")
    assert marker not in str(caught.value)
    with pytest.raises(InvalidArgument) as caught:
        normalize_messages([{"content": "hi", "role": f"admin {marker}"}], user_id="u1")
    assert marker not in str(caught.value)


def test_update_and_import_validation_errors_never_echo_input(system: MemorySystem) -> None:
    marker = "SECRET-MARKER-9931"
    record = SemanticMemory(user_id="u1", name="n", summary="likes tea")
    system.store.upsert([record])
    with pytest.raises(InvalidArgument) as caught:
        system.update(record.id, {"importance": f"{marker}"}, user_id="u1")
    assert marker not in str(caught.value) and "importance" in str(caught.value)
    row = {"kind": "memory", "memory_type": "semantic", "record": {"name": "n", "summary": 7}}
    row["record"]["occurred_at"] = f"not a date {marker}"
    with pytest.raises(InvalidArgument) as caught:
        system.import_records([row], user_id="u1")
    assert marker not in str(caught.value)


def test_rest_never_echoes_an_oversized_message(system: MemorySystem) -> None:
    marker = "SECRET-MARKER-1234"
    with TestClient(
        create_app(system), client=LOCAL, base_url=BASE, raise_server_exceptions=False
    ) as client:
        big = f"my password is {marker} " * 45_000  # over 1,000,000 characters
        response = client.post("/v1/memories", json={"user_id": "u1", "messages": big})
    assert response.status_code == 422, response.text[:300]
    assert marker not in response.text


class DownStore(LanceDBStore):
    """A store whose writes all fail (the database is unavailable)."""

    fail_types: tuple[MemoryType, ...] = tuple(MemoryType)

    def upsert(
        self, records: Sequence[MemoryRecord], *, actor: str = "system", reason: str = ""
    ) -> list[str]:
        if any(r.memory_type in self.fail_types for r in records):
            raise StorageError(f"disk I/O error at /var/lib/lance/{LEAKED_KEY}")
        return super().upsert(records, actor=actor, reason=reason)

    def supersede(self, *args: Any, **kwargs: Any) -> str:
        raise StorageError("disk I/O error")


def _down_system(tmp_path: Path, embeddings: CachedEmbeddings, cipher: VaultCipher) -> Any:
    config = make_config(tmp_path)
    store = DownStore(
        str(tmp_path / "db"),
        embeddings=embeddings,
        dimension=384,
        memory_types=list(MemoryType),
        cipher=cipher,
    )
    return MemorySystem(config, embeddings=embeddings, store=store), store


def test_add_raises_storage_error_when_nothing_was_stored(
    tmp_path: Path, embeddings: CachedEmbeddings, cipher: VaultCipher
) -> None:
    system, _ = _down_system(tmp_path, embeddings, cipher)
    try:
        with pytest.raises(StorageError) as caught:
            system.add(MESSAGES, user_id="u1", occurred_at=AT)
        assert "nothing was stored" in str(caught.value)
        assert LEAKED_KEY not in str(caught.value)
        with TestClient(
            create_app(system), client=LOCAL, base_url=BASE, raise_server_exceptions=False
        ) as client:
            response = client.post(
                "/v1/memories", json={"user_id": "u1", "messages": "I work as a nurse."}
            )
        assert response.status_code == 503, response.text
        assert response.json()["error"]["code"] == "storage_error"
        assert LEAKED_KEY not in response.text
    finally:
        system.close()


def test_a_partial_write_says_exactly_what_was_kept(
    tmp_path: Path, embeddings: CachedEmbeddings, cipher: VaultCipher
) -> None:
    system, store = _down_system(tmp_path, embeddings, cipher)
    store.fail_types = (MemoryType.SEMANTIC,)
    try:
        receipt = system.add(MESSAGES, user_id="u1", occurred_at=AT)
    finally:
        system.close()
    assert receipt.status == "partial"
    assert receipt.kept == receipt.counts_stored()
    assert "semantic" not in receipt.kept and receipt.kept["episodic"] >= 2
    (failure,) = receipt.failures
    assert (failure.step, failure.code) == ("semantic_manager", "storage_error")
    assert LEAKED_KEY not in receipt.model_dump_json()
    dumped = receipt.model_dump(mode="json")
    assert dumped["status"] == "partial" and dumped["kept"] == receipt.kept


def test_consolidation_reports_a_failing_step_without_its_text(
    system: MemorySystem, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_clean_up(*args: Any, **kwargs: Any) -> list[Any]:
        raise PROVIDER_ERROR

    monkeypatch.setattr("mirix_py._consolidation.graph.clean_up", failing_clean_up)
    system.add(MESSAGES, user_id="u1", occurred_at=AT)
    with capture_logs(processors=[structlog.processors.add_log_level]) as logs:
        report = system.consolidate(user_id="u1")
    assert report.failures == ["cleanup: internal_error: an unexpected error occurred"]
    assert _leaks(report.model_dump_json()) == [] and _leaks(report.render()) == []
    for event in logs:
        text = json.dumps(event, default=str)
        assert LEAKED_KEY not in text and "492163" not in text, event
        if INTERNAL in text:
            assert event["log_level"] == "debug", event
