"""LLM mode cannot silently do nothing: forced calls, prose replies, provider faults, aliases.

Fakes here are langchain-core's list fakes; the write path runs on real LanceDB.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from langchain_core.language_models.fake_chat_models import FakeMessagesListChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from pydantic import Field, PrivateAttr

from mirix_py._config import load_config
from mirix_py._embeddings import CachedEmbeddings
from mirix_py._managers.aliases import Aliases
from mirix_py._managers.llm_loop import bind_forced, fence, is_transient
from mirix_py._managers.tools import manager_tools
from mirix_py._memory import MemoryType, SemanticMemory
from mirix_py._memory.semantic import fact_id
from mirix_py._system import MemorySystem
from tests.integration.write_path.conftest import MakeSystem
from tests.integration.write_path.helpers import rows
from tests.unit.managers.fakes import ScriptedToolModel, call, reply

AT = datetime(2023, 5, 8, 9, 30, tzinfo=UTC)
NURSE = [{"content": "I work as a nurse.", "id": "n1", "name": "Alice"}]


def _route(*types: str) -> AIMessage:
    return reply(call("route_memory", memory_types=list(types), reason="test"))


def _facts(system: Any) -> list[tuple[str, str, list[str]]]:
    return sorted(
        (r.name, r.summary, r.source_ids)
        for r in rows(system, "u1", "semantic")
        if isinstance(r, SemanticMemory)
    )


class _Status(Exception):
    """An SDK-like HTTP error carrying a status code."""

    def __init__(self, status_code: int) -> None:
        super().__init__(f"HTTP {status_code}")
        self.status_code = status_code


class _Flaky(FakeMessagesListChatModel):
    """Raises the queued errors first, then answers from ``responses``; tracks concurrency."""

    errors: list[Any] = Field(default_factory=list)
    delay: float = 0.0
    _lock: Any = PrivateAttr(default_factory=threading.Lock)
    _active: int = PrivateAttr(default=0)
    peak: int = 0
    calls: int = 0
    choices: list[Any] = Field(default_factory=list)

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> _Flaky:  # type: ignore[override]
        self.choices.append(kwargs.get("tool_choice"))
        return self

    def _generate(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            self.calls += 1
            self._active += 1
            self.peak = max(self.peak, self._active)
            error = self.errors.pop(0) if self.errors else None
        try:
            if self.delay:
                time.sleep(self.delay)
            if error is not None:
                raise error
            return super()._generate(messages, *args, **kwargs)
        finally:
            with self._lock:
                self._active -= 1


def test_a_prose_reply_is_invalid_retried_then_the_named_offline_extractor_runs(
    make_system: MakeSystem,
) -> None:
    prose = AIMessage(content="Sure! Alice works as a nurse, that is worth remembering.")
    model = ScriptedToolModel(
        scripts={"route_memory": [_route("semantic")], "insert_semantic": [prose, prose, prose]}
    )
    system = make_system(chat_model=model, llm={"max_retries": 2})
    receipt = system.add(NURSE, user_id="u1", occurred_at=AT)

    assert model.calls_made("insert_semantic") == 3
    assert receipt.llm_calls == 4  # every call made is counted
    (failure,) = receipt.failures
    assert (failure.step, failure.code) == ("semantic_manager", "extraction_error")
    assert failure.fallback == "offline semantic extractor used instead"
    assert _facts(system) == [("Alice", "works as a nurse", ["n1"])]
    # the retry told the model what was wrong
    retry = model.prompts["insert_semantic"][1]
    assert "made no tool call" in str(retry[-1].content)


def test_an_empty_route_reply_falls_back_to_offline_routing(make_system: MakeSystem) -> None:
    empty = AIMessage(content="")
    model = ScriptedToolModel(scripts={"route_memory": [empty, empty]})
    system = make_system(chat_model=model, llm={"max_retries": 1})
    receipt = system.add(NURSE, user_id="u1", occurred_at=AT)
    assert model.calls_made("route_memory") == 2 and receipt.llm_calls == 2
    assert [f.step for f in receipt.failures] == ["route"]
    assert _facts(system) == [("Alice", "works as a nurse", ["n1"])]
    assert not [e for e in rows(system, "u1", "episodic") if e.status == "unprocessed"]


def test_tool_calls_are_forced() -> None:
    model = _Flaky(responses=[AIMessage(content="")], choices=[])
    tools = manager_tools(MemoryType.SEMANTIC)
    bind_forced(model, [tools["insert_semantic"]])
    bind_forced(model, list(tools.values()))
    assert model.choices == ["any", "any"]


@pytest.mark.parametrize("status", [429, 500, 503])
def test_provider_faults_are_retried_with_backoff_and_then_succeed(
    make_system: MakeSystem, status: int
) -> None:
    model = _Flaky(
        responses=[
            _route("semantic"),
            reply(call("insert_semantic", name="Alice", summary="is a nurse", source_ids=["n1"])),
        ],
        errors=[_Status(status), _Status(status)],
        choices=[],
    )
    system = make_system(chat_model=model, llm={"max_retries": 2, "retry_backoff_seconds": 0.01})
    receipt = system.add(NURSE, user_id="u1", occurred_at=AT)
    assert receipt.ok and receipt.llm_calls == 4 == model.calls
    assert ("Alice", "is a nurse", ["n1"]) in _facts(system)


def test_persistent_faults_fall_back_offline_exactly_once(make_system: MakeSystem) -> None:
    model = _Flaky(
        responses=[_route("semantic")],
        errors=[None] + [TimeoutError("read timed out")] * 10,  # the router's call succeeds
        choices=[],
    )
    system = make_system(chat_model=model, llm={"max_retries": 2, "retry_backoff_seconds": 0})
    receipt = system.add(NURSE, user_id="u1", occurred_at=AT)
    assert model.calls == 1 + 3  # route, then the first try and two retries
    (failure,) = receipt.failures
    assert (failure.step, failure.code) == ("semantic_manager", "model_unavailable")
    assert failure.fallback == "offline semantic extractor used instead"
    assert _facts(system) == [("Alice", "works as a nurse", ["n1"])]
    events = rows(system, "u1", "episodic")
    assert [(e.status, e.source_ids) for e in events] == [("active", ["n1"])]  # once


def test_a_cap_on_concurrent_model_calls(make_system: MakeSystem) -> None:
    everything = ["core", "episodic", "semantic", "procedural", "resource", "knowledge_vault"]
    noop = reply(call("no_op", reason="nothing"))
    model = _Flaky(responses=[_route(*everything)] + [noop] * 6, delay=0.05, choices=[])
    system = make_system(chat_model=model, llm={"max_concurrency": 1})
    receipt = system.add(NURSE, user_id="u1", occurred_at=AT)
    assert model.calls == 7 and receipt.llm_calls == 7
    assert model.peak == 1


def test_transient_errors_are_recognised_across_sdks() -> None:
    openai = pytest.importorskip("openai")
    request = httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")

    def response(code: int) -> httpx.Response:
        return httpx.Response(code, request=request)

    assert is_transient(openai.APITimeoutError(request=request))
    assert is_transient(openai.APIConnectionError(request=request))
    assert is_transient(openai.RateLimitError("slow down", response=response(429), body=None))
    assert is_transient(openai.InternalServerError("boom", response=response(502), body=None))
    assert not is_transient(openai.BadRequestError("bad", response=response(400), body=None))
    assert not is_transient(openai.AuthenticationError("key", response=response(401), body=None))
    assert is_transient(TimeoutError()) and is_transient(ConnectionResetError())
    assert not is_transient(ValueError("nope"))


def test_models_see_short_aliases_and_the_plan_uses_real_ids(
    tmp_path: Path, embeddings: CachedEmbeddings
) -> None:
    stored = fact_id("u1", "Alice", "works as a nurse")
    model = ScriptedToolModel(
        scripts={
            "route_memory": [_route("semantic")],
            "insert_semantic": [
                # "1" is the alias of the stored fact, "m1" of the (id-less) message
                reply(
                    call(
                        "supersede_semantic",
                        old_id="1",
                        name="Alice",
                        summary="works as a surgeon",
                        source_ids=["m1"],
                    )
                )
            ],
        }
    )
    config = load_config("default", environ={}, home=str(tmp_path / "home"))
    offline = MemorySystem(config, embeddings=embeddings)
    offline.add(NURSE, user_id="u1", occurred_at=AT)
    offline.close()
    system = MemorySystem(config, embeddings=embeddings, chat_model=model)
    receipt = system.add(
        [{"content": "I work as a surgeon now.", "name": "Alice"}], user_id="u1", occurred_at=AT
    )
    assert receipt.ok, receipt.failures
    (prompt,) = model.prompts["insert_semantic"]
    system_message, human = prompt[0], prompt[1]
    assert isinstance(system_message, SystemMessage) and isinstance(human, HumanMessage)
    assert "I work as a" not in str(system_message.content)  # data only in the human message
    assert "<input>\n[m1] " in str(human.content)
    assert "[1] " in str(human.content) and stored not in str(human.content)
    assert "[m1] " in str(human.content)
    superseded = [a for a in receipt.actions if a.action == "superseded"]
    assert [a.memory_id for a in superseded] == [stored]
    system.close()


def test_aliases_and_fences() -> None:
    aliases = Aliases.build(["a" * 40, "b" * 40], ["m-" + "f" * 16])
    assert aliases.turn("[m2]") == "b" * 40 and aliases.memory(1) == "m-" + "f" * 16
    assert aliases.turn("b" * 40) == "b" * 40  # real ids still work
    short = Aliases.build(["D1:3", "D1:4"])
    assert short.turn_alias("D1:4") == "D1:4"  # short ids are shown as they are
    assert fence("x </input> y", "input") == "<input>\nx </ input> y\n</input>"
