"""Isolation: every call returns only the caller's data, whatever the user ids look like.

A hypothesis state machine drives random users (many with hostile ids: quotes,
``%``, ``*``, SQL fragments, backslashes, unicode, 256 characters) through
random sequences of ``add``, typed writes (every memory type, vault included),
``search``, ``get``, ``get_all``, ``history``, ``delete`` and ``delete_all`` on
one real LanceDB database, against a model of who owns which id. Every search
uses another user's unique words too, so a leak would surface as a hit.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    precondition,
    rule,
)

from mirix_py._config import load_config
from mirix_py._ids import MAX_ID_LENGTH
from mirix_py._memory import EpisodicMemory, MemoryType
from mirix_py._store.lancedb_store import LanceDBStore
from mirix_py._system import MemorySystem
from mirix_py.errors import InvalidArgument, MirixError, RecordNotFound
from tests.security._helpers import FIGURES, HashEmbeddings, typed_record

HOSTILE_VALID_IDS = [
    "x' OR '1'='1",
    "' OR true --",
    "'; DROP TABLE episodic; --",
    "alice' AND user_id != '",
    "%",
    "a%",
    "_",
    "*",
    "\\",
    "a\\' OR 1=1 OR user_id = \\'",
    '"',
    "user_id",
    "NULL",
    "用户",
    "🙂 emoji",
    "\u202eevil",
    "e\u0301",
    "é",
    "a" * MAX_ID_LENGTH,
    " leading and trailing ",
]

INVALID_IDS: list[Any] = [
    "",
    " ",
    "\t\n",
    "a\x00b",
    "line\nbreak",
    "bell\x07",
    "lone \ud800 surrogate",
    "a" * (MAX_ID_LENGTH + 1),
    None,
    42,
    b"bytes",
    ["list"],
]

user_ids = st.one_of(
    st.sampled_from(HOSTILE_VALID_IDS),
    st.text(
        alphabet=st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=24
    ).filter(lambda s: bool(s.strip())),
)

USERS_SEEN: set[str] = set()


def _count(name: str) -> None:
    FIGURES[f"isolation.op.{name}"] += 1
    FIGURES["isolation.operations"] += 1


class IsolationMachine(RuleBasedStateMachine):
    """Random multi-user workloads against a model of ownership."""

    users = Bundle("users")

    def __init__(self) -> None:
        super().__init__()
        FIGURES["isolation.examples"] += 1
        self.tmp = Path(tempfile.mkdtemp(prefix="mirix-iso-"))
        config = load_config("default", environ={}, home=str(self.tmp))
        self.system = MemorySystem(config, embeddings=HashEmbeddings())
        assert isinstance(self.system.store, LanceDBStore)
        self.store: LanceDBStore = self.system.store
        self.owner: dict[str, str] = {}  # live memory id -> owner
        self.words: dict[str, str] = {}  # live memory id -> its unique word
        self.known: list[str] = []  # every id ever written (live or not)
        self.counter = itertools.count()

    def teardown(self) -> None:
        self.system.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # ------------------------------------------------------------------ helpers

    def _live(self, user: str) -> set[str]:
        return {i for i, u in self.owner.items() if u == user}

    def _users(self) -> set[str]:
        return set(self.owner.values()) | self.extra_users

    def _counts(self) -> dict[str, tuple[int, int]]:
        return {
            u: (self.store.count(user_id=u), self.store.history_count(user_id=u))
            for u in self._users()
        }

    def _others_unchanged(self, user: str, action: Callable[[], Any]) -> Any:
        before = self._counts()
        result = action()
        after = self._counts()
        for other, counts in before.items():
            if other != user:
                assert after[other] == counts, f"{action} changed the rows of {other!r}"
        return result

    def _word(self) -> str:
        return f"uniq{next(self.counter)}word"

    # -------------------------------------------------------------------- rules

    @initialize()
    def _start(self) -> None:
        self.extra_users: set[str] = set()

    @rule(target=users, user=user_ids)
    def new_user(self, user: str) -> str:
        if user not in USERS_SEEN:
            USERS_SEEN.add(user)
            FIGURES["isolation.distinct_user_ids"] += 1
        self.extra_users.add(user)
        return user

    @rule(user=users, n=st.integers(1, 3))
    def add(self, user: str, n: int) -> None:
        _count("add")
        words = [self._word() for _ in range(n)]
        messages = [
            {"content": f"{w} shared words about the garden", "id": f"src-{w}"} for w in words
        ]
        receipt = self._others_unchanged(user, lambda: self.system.add(messages, user_id=user))
        ids = receipt.ids()
        assert receipt.user_id == user and len(ids) >= n
        for memory_id in ids:
            record = self.system.get(memory_id, user_id=user)
            assert record.user_id == user
            self.owner[memory_id] = user
            hit = next((w for w in words if w in record.embed_text()), None)
            if hit:
                self.words[memory_id] = hit
            self.known.append(memory_id)

    @rule(
        user=users,
        memory_type=st.sampled_from(
            [
                MemoryType.SEMANTIC,
                MemoryType.PROCEDURAL,
                MemoryType.RESOURCE,
                MemoryType.KNOWLEDGE_VAULT,
            ]
        ),
    )
    def write_typed(self, user: str, memory_type: MemoryType) -> None:
        _count("write_typed")
        word = self._word()
        record = typed_record(memory_type, user, f"{word} shared words about the garden")
        ids = self._others_unchanged(user, lambda: self.store.upsert([record]))
        self.owner[ids[0]] = user
        self.words[ids[0]] = word
        self.known.append(ids[0])

    @precondition(lambda self: bool(self.words))
    @rule(
        user=users, pick=st.integers(0, 10_000), mode=st.sampled_from(["hybrid", "vector", "fts"])
    )
    def search(self, user: str, pick: int, mode: str) -> None:
        _count("search")
        target = sorted(self.words)[pick % len(self.words)]
        query = f"{self.words[target]} garden"  # often another user's unique word
        hits = self.system.search(query, user_id=user, mode=mode, limit=50)
        live = self._live(user)
        for hit in hits:
            assert hit.record.user_id == user
            assert hit.record.id in live, f"search leaked {hit.record.id!r} to {user!r}"
        if self.owner[target] == user and mode == "fts":
            assert target in {h.record.id for h in hits}

    @precondition(lambda self: bool(self.known))
    @rule(user=users, pick=st.integers(0, 10_000))
    def get(self, user: str, pick: int) -> None:
        _count("get")
        memory_id = self.known[pick % len(self.known)]
        if self.owner.get(memory_id) == user:
            assert self.system.get(memory_id, user_id=user).user_id == user
        else:
            with pytest.raises(RecordNotFound):
                self.system.get(memory_id, user_id=user)

    @rule(user=users)
    def get_all(self, user: str) -> None:
        _count("get_all")
        records = self.system.get_all(user_id=user, limit=10_000, include_superseded=True)
        assert {r.id for r in records} == self._live(user)
        assert all(r.user_id == user for r in records)

    @precondition(lambda self: bool(self.known))
    @rule(user=users, pick=st.integers(0, 10_000))
    def history(self, user: str, pick: int) -> None:
        _count("history")
        memory_id = self.known[pick % len(self.known)]
        events = self.system.history(memory_id, user_id=user)
        assert all(e.user_id == user and e.memory_id == memory_id for e in events)
        if self.owner.get(memory_id) == user:
            assert events and events[0].event == "insert"
        elif memory_id in self.owner:
            assert events == []

    @precondition(lambda self: bool(self.known))
    @rule(user=users, pick=st.integers(0, 10_000))
    def delete(self, user: str, pick: int) -> None:
        _count("delete")
        memory_id = self.known[pick % len(self.known)]
        if self.owner.get(memory_id) == user:
            receipt = self._others_unchanged(
                user, lambda: self.system.delete(memory_id, user_id=user)
            )
            assert receipt.memory_ids == [memory_id] and receipt.user_id == user
            del self.owner[memory_id]
            self.words.pop(memory_id, None)
        else:
            before = self._counts()
            with pytest.raises(RecordNotFound):
                self.system.delete(memory_id, user_id=user)
            assert self._counts() == before

    @rule(user=consumes(users))
    def delete_all(self, user: str) -> None:
        _count("delete_all")
        live = self._live(user)
        receipt = self._others_unchanged(user, lambda: self.system.delete_all(user_id=user))
        assert set(receipt.memory_ids) == live and receipt.total == len(live)
        assert self.store.count(user_id=user) == 0
        assert self.store.history_count(user_id=user) == 0
        for memory_id in live:
            del self.owner[memory_id]
            self.words.pop(memory_id, None)
        self.extra_users.discard(user)

    @invariant()
    def counts_match_the_model(self) -> None:
        for user in self._users():
            assert self.store.count(user_id=user) == len(self._live(user))


IsolationMachine.TestCase.settings = settings(
    max_examples=int(os.environ.get("MIRIX_PY_FUZZ_EXAMPLES", "20")),
    stateful_step_count=16,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestIsolation = IsolationMachine.TestCase


# ------------------------------------------------------- hostile, invalid ids


@pytest.fixture
def hostile_system(tmp_path: Path) -> Any:
    config = load_config("default", environ={}, home=str(tmp_path))
    system = MemorySystem(config, embeddings=HashEmbeddings())
    yield system
    system.close()


@pytest.mark.parametrize("bad", INVALID_IDS, ids=repr)
def test_invalid_user_ids_are_rejected_by_every_call(
    hostile_system: MemorySystem, bad: Any
) -> None:
    system = hostile_system
    system.add("a memory of someone else", user_id="victim")
    calls: list[Callable[[], Any]] = [
        lambda: system.add("hello", user_id=bad),
        lambda: system.search("memory", user_id=bad),
        lambda: system.get("x", user_id=bad),
        lambda: system.get_all(user_id=bad),
        lambda: system.history("x", user_id=bad),
        lambda: system.delete("x", user_id=bad),
        lambda: system.delete_all(user_id=bad),
    ]
    for call in calls:
        with pytest.raises(InvalidArgument, match="user_id"):
            call()
    assert system.store.count(user_id="victim") == 1


@pytest.mark.parametrize("bad", INVALID_IDS[:8], ids=repr)
def test_invalid_memory_ids_are_rejected(hostile_system: MemorySystem, bad: str) -> None:
    for call in (hostile_system.get, hostile_system.history, hostile_system.delete):
        with pytest.raises(MirixError):
            call(bad, user_id="ann")


def test_delete_all_of_a_wildcard_user_touches_no_one_else(hostile_system: MemorySystem) -> None:
    system = hostile_system
    store = system.store
    assert isinstance(store, LanceDBStore)
    everyone = ["alice", "bob", *HOSTILE_VALID_IDS]
    for i, user in enumerate(everyone):
        store.upsert(
            [
                EpisodicMemory(user_id=user, summary=f"memory {i} of a user"),
                typed_record(MemoryType.KNOWLEDGE_VAULT, user, f"vault {i}"),
            ]
        )
    for victim in HOSTILE_VALID_IDS:
        before = {u: (store.count(user_id=u), store.history_count(user_id=u)) for u in everyone}
        receipt = system.delete_all(user_id=victim)
        assert receipt.total == 2
        assert store.count(user_id=victim) == 0
        for user in everyone:
            now = (store.count(user_id=user), store.history_count(user_id=user))
            assert user == victim or now == before[user]
        everyone.remove(victim)
    assert store.count() == 4  # alice and bob: one episodic + one vault item each


def test_two_users_may_use_the_same_source_ids(hostile_system: MemorySystem) -> None:
    system = hostile_system
    for user in ("ann", "bob"):
        system.add([{"content": f"{user} likes tea", "id": "D1:1"}], user_id=user)
    assert len(system.get_all(user_id="ann")) == 1
    assert len(system.get_all(user_id="bob")) == 1
    assert "bob" not in system.get_all(user_id="ann")[0].embed_text()
