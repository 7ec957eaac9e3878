"""Fixtures for the read path: a short multi-session conversation, fake tool-calling models."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import pytest
import structlog
from langchain_core.language_models.fake_chat_models import FakeMessagesListChatModel
from langchain_core.messages import BaseMessage

from mirix_py._embeddings import CachedEmbeddings
from mirix_py._system import MemorySystem
from tests.conftest import make_config

ANN = "ann"

SESSIONS: list[tuple[datetime, list[tuple[str, str, str]]]] = [
    (
        datetime(2024, 3, 2, 18, 0, tzinfo=UTC),
        [
            (
                "s1:1",
                "Ann",
                "Hi! I just moved to Lisbon for my new job as a nurse at Santa Maria hospital.",
            ),
            ("s1:2", "assistant", "Congratulations on the move! How are you settling in?"),
            (
                "s1:3",
                "Ann",
                "Pretty well. I adopted a dog, a beagle named Biscuit, and he keeps me busy.",
            ),
            ("s1:4", "assistant", "Beagles are lovely. Does Biscuit like the city?"),
            ("s1:5", "Ann", "He loves the park near my flat in Alfama."),
        ],
    ),
    (
        datetime(2024, 4, 14, 9, 30, tzinfo=UTC),
        [
            ("s2:1", "Ann", "I started taking Portuguese lessons on Tuesday evenings."),
            ("s2:2", "assistant", "That's great. How is it going?"),
            ("s2:3", "Ann", "Slowly! My teacher Rui is very patient with me."),
            ("s2:4", "Ann", "My sister Maya is coming to visit me in June."),
        ],
    ),
    (
        datetime(2024, 5, 20, 20, 15, tzinfo=UTC),
        [
            (
                "s3:1",
                "Ann",
                "Biscuit and I went hiking in Sintra yesterday, the views were beautiful.",
            ),
            ("s3:2", "assistant", "Sintra is wonderful. Anything else new?"),
            ("s3:3", "Ann", "I adopted a cat too, a grey kitten named Pixel."),
            ("s3:4", "assistant", "Two pets now! How do Biscuit and Pixel get along?"),
            ("s3:5", "Ann", "They mostly ignore each other, which is fine by me."),
        ],
    ),
]


def messages_of(session: Sequence[tuple[str, str, str]], when: datetime) -> list[dict[str, Any]]:
    """Turns as ``add`` input (user turns named, assistant turns by role)."""
    return [
        {
            "id": turn_id,
            "role": "assistant" if speaker == "assistant" else "user",
            "name": None if speaker == "assistant" else speaker,
            "content": text,
            "timestamp": when,
        }
        for turn_id, speaker, text in session
    ]


def ingest(system: MemorySystem, user_id: str = ANN) -> None:
    """Add the three sessions for ``user_id``."""
    for when, turns in SESSIONS:
        system.add(messages_of(turns, when), user_id=user_id)


class ToolCallingFake(FakeMessagesListChatModel):
    """langchain-core's list fake with ``bind_tools`` (records what was bound, returns self)."""

    bound: ClassVar[list[list[str]]] = []
    prompts: ClassVar[list[list[BaseMessage]]] = []

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> ToolCallingFake:  # type: ignore[override]
        names = [getattr(t, "name", None) or getattr(t, "__name__", str(t)) for t in tools]
        self.bound.append(names)
        return self

    def _generate(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> Any:
        self.prompts.append(list(messages))
        return super()._generate(messages, *args, **kwargs)


@pytest.fixture(autouse=True)
def _plain_structlog() -> Iterator[None]:
    """Default structlog config for each test (a CLI test may have configured it to write
    to a capture stream that is closed afterwards)."""
    structlog.reset_defaults()
    yield
    structlog.reset_defaults()


@pytest.fixture
def fake_model_cls() -> type[ToolCallingFake]:
    """The fake tool-calling chat model class (fresh records per test)."""

    class Fake(ToolCallingFake):
        bound: ClassVar[list[list[str]]] = []
        prompts: ClassVar[list[list[BaseMessage]]] = []

    return Fake


@pytest.fixture
def ann_system(system: MemorySystem) -> MemorySystem:
    """The offline system with Ann's three sessions ingested (for tests that write)."""
    ingest(system)
    return system


@pytest.fixture(scope="module")
def ann_shared(
    tmp_path_factory: pytest.TempPathFactory, embeddings: CachedEmbeddings
) -> Iterator[MemorySystem]:
    """One offline system with Ann's sessions per module, for read-only tests."""
    system = MemorySystem(make_config(tmp_path_factory.mktemp("ann")), embeddings=embeddings)
    ingest(system)
    yield system
    system.close()


@pytest.fixture
def llm_system_factory(tmp_path: Path, embeddings: CachedEmbeddings) -> Iterator[Any]:
    """Build LLM-mode systems (a fake model) over a database holding Ann's sessions.

    The sessions are ingested offline first, so the fake model only sees chat calls.
    """
    made: list[MemorySystem] = []

    def make(model: Any, **overrides: Any) -> MemorySystem:
        config = make_config(tmp_path / f"llm{len(made)}", **overrides)
        offline = MemorySystem(config, embeddings=embeddings)
        ingest(offline)
        offline.close()
        system = MemorySystem(config, embeddings=embeddings, chat_model=model)
        made.append(system)
        return system

    yield make
    for system in made:
        system.close()
