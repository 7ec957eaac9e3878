"""mirix-py's LLM mode against a real small model (plumbing, not wisdom).

The model is reached through the ordinary ``openai:`` provider path: ``llm.model =
"openai:local"`` with ``OPENAI_BASE_URL`` (or ``llm.base_url``) pointing at the
local server. A 0.5B model often chooses badly; what is asserted is that calls
are made and counted, that the receipt shows either what the LLM path wrote or a
named offline fallback, that chat answers from retrieved memories and cites them,
and that nothing raises. Few calls on purpose: each one takes seconds to minutes
on a shared CPU.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from mirix_py._config import load_config
from mirix_py._embeddings import CachedEmbeddings
from mirix_py._memory import MemoryType
from mirix_py._receipts import WriteReceipt
from mirix_py._system import MemorySystem
from tests.llm_local.conftest import Recorder
from tests.llm_local.local_model import LocalServer

pytestmark = [pytest.mark.llm_local, pytest.mark.slow]

USER = "maya"
AT = datetime(2023, 5, 8, 10, 0, tzinfo=UTC)
MESSAGES = [
    {"role": "user", "name": "Maya", "content": "I work as a UX designer at Brightwave in Austin."},
    {"role": "user", "name": "Maya", "content": "Our dog is a corgi called Pickles."},
]
ENABLED = ["core", "episodic", "semantic"]  # a small tool schema keeps the prompt short


def _llm(**extra: Any) -> dict[str, Any]:
    return {
        "model": "openai:local",
        "timeout_seconds": 1800,  # a shared 2-core box can take minutes per call
        "max_retries": 1,
        "retry_backoff_seconds": 0.1,
        "max_tokens": 384,
        **extra,
    }


def _assert_receipt_is_honest(receipt: WriteReceipt) -> None:
    """Calls were made and counted; what was written came from the LLM path or a named
    offline fallback; every turn is logged."""
    assert receipt.llm_calls >= 1
    assert len(receipt.source_ids) == len(MESSAGES)
    logged = [a for a in receipt.actions if a.memory_type is MemoryType.EPISODIC]
    assert len(logged) >= len(MESSAGES)
    for failure in receipt.failures:
        assert "offline" in failure.fallback, failure
    assert not [a for a in receipt.actions if "unprocessed" in a.reason]


@pytest.fixture(scope="module")
def single_pass(
    local_llm: LocalServer,
    tmp_path_factory: pytest.TempPathFactory,
    embeddings: CachedEmbeddings,
) -> Iterator[tuple[MemorySystem, WriteReceipt, Recorder]]:
    """One single-pass ``add`` through OPENAI_BASE_URL (shared by the tests below)."""
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("OPENAI_BASE_URL", local_llm.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-local-test-not-a-secret")
    home = tmp_path_factory.mktemp("single_pass")
    config = load_config(
        "default",
        environ={},
        home=str(home),
        llm=_llm(single_pass=True),
        memory={"enabled": ENABLED},
    )
    system = MemorySystem(config, embeddings=embeddings)
    recorder = Recorder()
    assert system.chat_model is not None
    system.chat_model.callbacks = [recorder]
    receipt = system.add(MESSAGES, user_id=USER, occurred_at=AT)
    yield system, receipt, recorder
    recorder.save("single_pass_add_and_chat", local_llm)
    system.close()
    monkeypatch.undo()


def test_single_pass_add_makes_one_counted_call_and_an_honest_receipt(
    single_pass: tuple[MemorySystem, WriteReceipt, Recorder],
) -> None:
    system, receipt, recorder = single_pass
    _assert_receipt_is_honest(receipt)
    assert receipt.llm_calls == len(recorder.replies) or receipt.failures
    if not receipt.failures:  # the model's call was used: its records are in the receipt
        assert receipt.llm_calls == 1
    assert system.get_all(user_id=USER, memory_type=MemoryType.EPISODIC)


def test_chat_answers_from_retrieved_memories_and_cites_them(
    single_pass: tuple[MemorySystem, WriteReceipt, Recorder],
) -> None:
    system, _, recorder = single_pass
    before = len(recorder.replies)
    answer = system.chat("What is the name of Maya's dog?", user_id=USER)
    assert answer.text.strip()
    assert 1 <= answer.llm_calls <= 2  # selection + answer; no interactive update in the wait
    assert len(recorder.replies) - before <= 2
    assert "update" not in answer.latency.steps
    assert answer.retrieved and answer.context
    if not answer.abstained:
        assert answer.citations
        assert {c.memory_id for c in answer.citations} <= {r.memory_id for r in answer.retrieved}
    assert answer.trace.selection in ("llm", "offline-fallback")


def test_routed_add_through_the_config_base_url(
    local_llm: LocalServer,
    tmp_path: Path,
    embeddings: CachedEmbeddings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-local-test-not-a-secret")
    config = load_config(
        "default",
        environ={},
        home=str(tmp_path),
        llm=_llm(base_url=local_llm.base_url),
        memory={"enabled": ["episodic", "semantic"]},
    )
    system = MemorySystem(config, embeddings=embeddings)
    recorder = Recorder()
    assert system.chat_model is not None
    system.chat_model.callbacks = [recorder]
    receipt = system.add(MESSAGES, user_id=USER, occurred_at=AT)
    recorder.save("routed_add", local_llm)
    system.close()
    _assert_receipt_is_honest(receipt)
    # the router's call, then one call (plus bounded retries) per routed manager
    routed_llm = [t for t in receipt.routed if t is not MemoryType.EPISODIC]
    assert receipt.llm_calls <= (1 + len(routed_llm)) * (1 + config.llm.max_retries) + 2
