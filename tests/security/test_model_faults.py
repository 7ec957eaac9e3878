"""Model faults in LLM mode: bounded retries, the offline fallback (once), a receipt.

Every fake here is langchain-core's list fake (no network). The write path runs
on real LanceDB in ``tmp_path``. Timeouts are simulated by a model that raises
``TimeoutError``, as a provider client does once ``llm.timeout_seconds`` has
passed: ``call_with_tools`` itself does not enforce a deadline, it relies on the
client (``mirix_py/_llm.py`` passes ``timeout=`` to it).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import structlog
from langchain_core.messages import AIMessage, BaseMessage
from structlog.testing import capture_logs

from mirix_py._embeddings import CachedEmbeddings
from mirix_py._memory import EpisodicMemory, MemoryType, SemanticMemory
from mirix_py._receipts import WriteReceipt
from mirix_py._system import MemorySystem
from tests.conftest import make_config
from tests.integration.read_path.conftest import ToolCallingFake
from tests.unit.managers.fakes import ScriptedToolModel, ToolScript, call, reply

AT = datetime(2023, 5, 8, 9, 30, tzinfo=UTC)
MAX_RETRIES = 2
USER = "u1"
MESSAGES = [
    {"role": "user", "name": "Alice", "id": "m1", "content": "I work as a nurse."},
    {"role": "assistant", "id": "m2", "content": "That sounds demanding."},
    {"role": "user", "name": "Alice", "id": "m3", "content": "My sister Maya lives in Porto."},
]
IDS = ["m1", "m2", "m3"]
SAFE_MESSAGES = {"the model call failed", "the model could not be reached (retries spent)"}


@pytest.fixture(autouse=True)
def _plain_structlog() -> Iterator[None]:
    structlog.reset_defaults()
    yield
    structlog.reset_defaults()


@pytest.fixture
def make(tmp_path: Path, embeddings: CachedEmbeddings) -> Iterator[Any]:
    made: list[MemorySystem] = []

    def build(model: Any) -> MemorySystem:
        config = make_config(
            tmp_path / f"home{len(made)}",
            llm={"max_retries": MAX_RETRIES, "timeout_seconds": 0.5, "retry_backoff_seconds": 0},
        )
        system = MemorySystem(config, embeddings=embeddings, chat_model=model)
        made.append(system)
        return system

    yield build
    for system in made:
        system.close()


def _rows(system: MemorySystem, memory_type: MemoryType) -> list[Any]:
    return system.store.list_records(user_id=USER, memory_type=memory_type, limit=1000)


def _add(system: MemorySystem) -> WriteReceipt:
    return system.add(MESSAGES, user_id=USER, occurred_at=AT)


def _assert_nothing_dropped(system: MemorySystem) -> None:
    """The offline extraction wrote the fact and every turn survives as an event."""
    facts = [r for r in _rows(system, MemoryType.SEMANTIC) if isinstance(r, SemanticMemory)]
    assert ("Alice", "works as a nurse", ["m1"]) in [
        (f.name, f.summary, f.source_ids) for f in facts
    ]
    events = [r for r in _rows(system, MemoryType.EPISODIC) if isinstance(r, EpisodicMemory)]
    kept = {sid for e in events for sid in e.source_ids}
    assert set(IDS) <= kept, [(e.summary, e.source_ids, e.status) for e in events]


def _route(*types: str) -> AIMessage:
    return reply(call("route_memory", memory_types=list(types), reason="test"))


BAD_REPLIES: dict[str, AIMessage] = {
    # wrong types and a missing required argument
    "malformed": reply(call("insert_semantic", name=["not", "a", "string"], source_ids=7)),
    "unknown_tool": reply(call("drop_all_tables", confirm=True)),
}


@pytest.mark.parametrize("kind", sorted(BAD_REPLIES))
def test_bad_tool_calls_are_retried_a_bounded_number_of_times_then_fall_back(
    make: Any, kind: str
) -> None:
    bad = BAD_REPLIES[kind]
    model = ScriptedToolModel(
        scripts={
            "route_memory": [_route("semantic")],
            # more bad replies than the retry budget allows: the loop must stop on its own
            "insert_semantic": [bad] * (MAX_RETRIES + 5),
        }
    )
    system = make(model)
    with capture_logs() as logs:
        receipt = _add(system)

    assert model.calls_made("route_memory") == 1
    assert model.calls_made("insert_semantic") == 1 + MAX_RETRIES
    (failure,) = receipt.failures
    assert (failure.step, failure.code) == ("semantic_manager", "extraction_error")
    (detail,) = [e["detail"] for e in logs if e["event"] == "memory.step_failed"]
    assert f"after {1 + MAX_RETRIES} attempt(s)" in detail  # details: debug log only
    if kind == "unknown_tool":
        assert "unknown tool 'drop_all_tables'" in detail
    assert failure.fallback == "offline semantic extractor used instead"
    assert receipt.source_ids == IDS
    _assert_nothing_dropped(system)
    # every retry carried the errors back to the model
    for prompt in model.prompts["insert_semantic"][1:]:
        assert "error:" in " ".join(str(m.content) for m in prompt)


@pytest.mark.parametrize(
    "error", [RuntimeError("provider exploded"), TimeoutError("request timed out after 0.5s")]
)
def test_a_model_that_raises_or_times_out_falls_back_offline(make: Any, error: Exception) -> None:
    model = ToolScript(responses=[AIMessage(content="")], error=error)
    system = make(model)
    receipt = _add(system)

    # a timeout is a provider fault: retried within the bound; other errors are not retried
    transient = isinstance(error, TimeoutError)
    # every call is recorded, whichever agent makes it
    assert len(model.prompts) == (1 + MAX_RETRIES if transient else 1)
    assert receipt.llm_calls == len(model.prompts)  # failed calls are counted too
    assert [f.step for f in receipt.failures] == ["route"]
    (failure,) = receipt.failures
    # timeouts are retried, then reported as model_unavailable; other errors: model_error
    assert failure.code == ("model_unavailable" if transient else "model_error")
    assert failure.error in SAFE_MESSAGES  # a stable code, never the provider's text
    assert failure.fallback == "offline routing and offline extractors used instead"
    assert receipt.source_ids == IDS
    _assert_nothing_dropped(system)
    # the offline path ran exactly once: no duplicate raw copies of the turns
    events = _rows(system, MemoryType.EPISODIC)
    assert not [e for e in events if e.status == "unprocessed"]
    assert sorted(sid for e in events if len(e.source_ids) == 1 for sid in e.source_ids) == IDS


@pytest.mark.parametrize("error", [RuntimeError("model down"), TimeoutError("timed out")])
def test_a_specialist_that_raises_falls_back_to_its_offline_extractor_once(
    make: Any, error: Exception
) -> None:
    model = ScriptedToolModel(
        scripts={"route_memory": [_route("semantic")], "insert_semantic": []},
        errors={"insert_semantic": error},
    )
    system = make(model)
    receipt = _add(system)

    transient = isinstance(error, TimeoutError)
    assert model.calls_made("insert_semantic") == (1 + MAX_RETRIES if transient else 1)
    (failure,) = receipt.failures
    assert failure.step == "semantic_manager"
    assert failure.code == ("model_unavailable" if transient else "model_error")
    assert failure.error in SAFE_MESSAGES
    assert failure.fallback == "offline semantic extractor used instead"
    _assert_nothing_dropped(system)
    assert not [e for e in _rows(system, MemoryType.EPISODIC) if e.status == "unprocessed"]


class _RaisingChat(ToolCallingFake):
    error: Any = None

    def _generate(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> Any:
        self.prompts.append(list(messages))
        raise self.error


def test_chat_answer_falls_back_when_the_model_raises(make: Any) -> None:
    _RaisingChat.prompts.clear()
    model = _RaisingChat(responses=[AIMessage(content="")], error=RuntimeError("model down"))
    system = make(model)
    system.add(MESSAGES, user_id=USER, occurred_at=AT)  # the write path falls back offline
    _RaisingChat.prompts.clear()
    answer = system.chat("What does Alice work as?", user_id=USER, interactive_update=False)
    assert answer.trace.selection == "offline-fallback"
    assert "nurse" in answer.text
    assert len(_RaisingChat.prompts) == 2  # one selection and one compose call, no loop
