"""``system.as_store()`` as a LangGraph ``BaseStore``: the basics LangGraph tests its stores on."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langgraph.store.base import GetOp, InvalidNamespaceError, PutOp, SearchOp

from mirix_py._embeddings import CachedEmbeddings
from mirix_py._langgraph_store import MirixStore
from mirix_py._memory import MemoryType, ResourceMemory
from mirix_py._system import MemorySystem
from tests.conftest import make_config


@pytest.fixture(scope="module")
def shared(
    tmp_path_factory: pytest.TempPathFactory, embeddings: CachedEmbeddings
) -> Iterator[MemorySystem]:
    system = MemorySystem(make_config(tmp_path_factory.mktemp("lgs")), embeddings=embeddings)
    yield system
    system.close()


_counter = iter(range(10_000))


@pytest.fixture
def store(shared: MemorySystem) -> MirixStore:
    """A store for a fresh user of the shared system (users never see each other)."""
    return shared.as_store(user_id=f"user-{next(_counter)}")


def test_put_get_update_delete(store: MirixStore, shared: MemorySystem) -> None:
    store.put(("users", "prefs"), "theme", {"theme": "dark", "size": 3})
    item = store.get(("users", "prefs"), "theme")
    assert item is not None and item.value == {"theme": "dark", "size": 3}
    assert item.namespace == ("users", "prefs") and item.key == "theme"
    created = item.created_at
    store.put(("users", "prefs"), "theme", {"theme": "light"})
    updated = store.get(("users", "prefs"), "theme")
    assert updated is not None and updated.value == {"theme": "light"}
    assert updated.created_at == created and updated.updated_at >= created
    assert store.get(("users", "other"), "theme") is None
    store.delete(("users", "prefs"), "theme")
    assert store.get(("users", "prefs"), "theme") is None
    store.delete(("users", "prefs"), "never-there")  # deleting nothing is fine


def test_items_are_memories_of_their_user(store: MirixStore, shared: MemorySystem) -> None:
    store.put(("notes",), "n1", {"text": "Ann's dentist is Dr. Sousa on Rua Augusta"})
    user = store._user_id
    assert user is not None
    records = shared.get_all(user_id=user, memory_type=MemoryType.RESOURCE)
    assert len(records) == 1 and isinstance(records[0], ResourceMemory)
    assert records[0].resource_type == "langgraph_store" and records[0].title == "notes/n1"
    answer = shared.chat("Who is Ann's dentist?", user_id=user)
    assert records[0].id in {r.memory_id for r in answer.retrieved}
    store.put(("notes",), "n1", {"text": "Ann's dentist is now Dr. Lima"})
    events = shared.history(records[0].id, user_id=user)
    assert [e.event for e in events] == ["insert", "update"]


def test_users_are_isolated(shared: MemorySystem) -> None:
    alice, bob = shared.as_store(user_id="alice-lg"), shared.as_store(user_id="bob-lg")
    alice.put(("memories",), "k", {"text": "alice secret plan"})
    assert bob.get(("memories",), "k") is None
    assert bob.search(("memories",)) == []
    assert bob.list_namespaces() == []
    assert alice.get(("memories",), "k") is not None


def test_search_filters_and_pagination(store: MirixStore) -> None:
    docs = [
        ("doc1", {"text": "red apple", "color": "red", "score": 4.5}),
        ("doc2", {"text": "red car", "color": "red", "score": 3.0}),
        ("doc3", {"text": "green apple", "color": "green", "score": 4.0}),
        ("doc4", {"text": "blue car", "color": "blue", "score": 3.5}),
    ]
    for key, value in docs:
        store.put(("test",), key, value)
    results = store.search(("test",), query="apple", filter={"color": "red"})
    assert results[0].key == "doc1" and len(results) == 2
    results = store.search(("test",), query="car", filter={"color": "red"})
    assert results[0].key == "doc2"
    results = store.search(("test",), query="vehicle", filter={"score": {"$gt": 3.2}})
    assert {r.key for r in results} == {"doc1", "doc3", "doc4"}
    results = store.search(
        ("test",), query="apple", filter={"score": {"$gte": 4.0}, "color": "green"}
    )
    assert [r.key for r in results] == ["doc3"]
    assert all(r.score is not None for r in store.search(("test",), query="fruit"))
    page1 = store.search(("test",), query="apple", limit=2)
    page2 = store.search(("test",), query="apple", limit=2, offset=2)
    assert len(page1) == 2 and len(page2) == 2
    assert {r.key for r in page1}.isdisjoint({r.key for r in page2})
    assert len(store.search(("test",), limit=10)) == 4
    assert store.search(("nope",)) == []


def test_search_edge_cases_and_index_false(store: MirixStore) -> None:
    store.put(("test",), "doc1", {"text": "test document"})
    store.put(("test",), "doc2", {"text": "test document"}, index=False)
    assert len(store.search(("test",), query="")) == 2
    assert len(store.search(("test",), query="test " * 100)) == 2
    ranked = store.search(("test",), query="test!@#$%^&*()")
    assert [r.key for r in ranked] == ["doc1", "doc2"] and ranked[1].score is None


def test_updating_changes_what_search_finds(store: MirixStore) -> None:
    store.put(("test",), "doc1", {"text": "zany zebra Xerxes"})
    store.put(("test",), "doc2", {"text": "something about dogs"})
    first = store.search(("test",), query="Zany Xerxes")
    assert first[0].key == "doc1"
    before = first[0].score
    store.put(("test",), "doc1", {"text": "new text about dogs"})
    after = next(r.score for r in store.search(("test",), query="Zany Xerxes") if r.key == "doc1")
    assert before is not None and after is not None and after < before


def test_index_fields_choose_what_is_embedded(store: MirixStore) -> None:
    store.put(("d",), "a", {"title": "pasta recipe", "body": "quantum physics"}, index=["title"])
    store.put(("d",), "b", {"title": "quantum physics", "body": "pasta recipe"}, index=["title"])
    assert store.search(("d",), query="italian cooking pasta")[0].key == "a"


def test_list_namespaces(store: MirixStore) -> None:
    namespaces = [
        ("a", "b", "c"),
        ("a", "b", "d", "e"),
        ("a", "b", "d", "i"),
        ("a", "b", "f"),
        ("a", "c", "f"),
        ("b", "a", "f"),
        ("users", "123"),
        ("users", "456", "settings"),
        ("admin", "users", "789"),
    ]
    store.batch(
        [PutOp(ns, f"id_{i}", {"data": f"value_{i:02d}"}) for i, ns in enumerate(namespaces)]
    )
    assert sorted(store.list_namespaces(prefix=("a", "b"))) == [
        ("a", "b", "c"),
        ("a", "b", "d", "e"),
        ("a", "b", "d", "i"),
        ("a", "b", "f"),
    ]
    assert sorted(store.list_namespaces(suffix=("f",))) == [
        ("a", "b", "f"),
        ("a", "c", "f"),
        ("b", "a", "f"),
    ]
    assert store.list_namespaces(prefix=("a",), suffix=("f",)) == [("a", "b", "f"), ("a", "c", "f")]
    assert store.list_namespaces(prefix=("a", "b"), max_depth=3) == [
        ("a", "b", "c"),
        ("a", "b", "d"),
        ("a", "b", "f"),
    ]
    assert store.list_namespaces(prefix=("a", "b"), limit=2) == [
        ("a", "b", "c"),
        ("a", "b", "d", "e"),
    ]
    assert store.list_namespaces(prefix=("a", "b"), offset=2) == [
        ("a", "b", "d", "i"),
        ("a", "b", "f"),
    ]
    assert store.list_namespaces(prefix=("a", "*", "f")) == [("a", "b", "f"), ("a", "c", "f")]
    assert store.list_namespaces(suffix=("*", "f")) == [
        ("a", "b", "f"),
        ("a", "c", "f"),
        ("b", "a", "f"),
    ]
    assert store.list_namespaces(prefix=("nonexistent",)) == []
    assert store.list_namespaces(prefix=("users", "123")) == [("users", "123")]
    assert store.list_namespaces(max_depth=1) == [("a",), ("admin",), ("b",), ("users",)]


def test_namespace_validation(store: MirixStore) -> None:
    doc = {"foo": "bar"}
    for bad in [(), ("the", "thing.about"), ("some", "fun", ""), ("langgraph", "foo")]:
        with pytest.raises(InvalidNamespaceError):
            store.put(bad, "foo", doc)
    store.put(("foo", "langgraph", "foo"), "bar", doc)
    assert store.search(("foo", "langgraph", "foo"))[0].value == doc
    with pytest.raises(InvalidNamespaceError):
        store.batch([PutOp(("a.b",), "k", doc)])


def test_batch_reads_before_writes_and_last_put_wins(store: MirixStore) -> None:
    results = store.batch(
        [
            PutOp(("b",), "k", {"v": 1}),
            GetOp(("b",), "k"),
            PutOp(("b",), "k", {"v": 2}),
            SearchOp(("b",)),
        ]
    )
    assert results == [None, None, None, []]
    item = store.get(("b",), "k")
    assert item is not None and item.value == {"v": 2}


def test_async_api(store: MirixStore) -> None:
    async def run() -> Any:
        await store.aput(("async",), "k", {"text": "hello async world"})
        got = await store.aget(("async",), "k")
        found = await store.asearch(("async",), query="hello")
        namespaces = await store.alist_namespaces()
        await store.adelete(("async",), "k")
        gone = await store.aget(("async",), "k")
        return got, found, namespaces, gone

    got, found, namespaces, gone = asyncio.run(run())
    assert got.value == {"text": "hello async world"} and found[0].key == "k"
    assert ("async",) in namespaces and gone is None


def test_user_from_namespace(shared: MemorySystem) -> None:
    store = shared.as_store(user_index=1)
    store.put(("memories", "carol"), "k1", {"text": "carol likes jazz"})
    store.put(("memories", "dave"), "k1", {"text": "dave likes rock"})
    carol = store.get(("memories", "carol"), "k1")
    assert carol is not None and carol.value["text"] == "carol likes jazz"
    assert [i.value["text"] for i in store.search(("memories", "dave"))] == ["dave likes rock"]
    assert (
        shared.get_all(user_id="carol", memory_type=MemoryType.RESOURCE)[0].title
        == "memories/carol/k1"
    )
    assert store.list_namespaces(prefix=("memories", "dave")) == [("memories", "dave")]
    with pytest.raises(InvalidNamespaceError):
        store.search(("memories",))
    with pytest.raises(InvalidNamespaceError):
        store.list_namespaces()
    with pytest.raises(ValueError, match="exactly one"):
        shared.as_store()


def test_minimal_config_keeps_items_as_semantic_memories(
    tmp_path: Path, embeddings: CachedEmbeddings
) -> None:
    system = MemorySystem(make_config(tmp_path, "minimal"), embeddings=embeddings)
    store = system.as_store(user_id="min")
    store.put(("n",), "k", {"text": "hello"})
    item = store.get(("n",), "k")
    assert item is not None and item.value == {"text": "hello"}
    assert system.get_all(user_id="min", memory_type=MemoryType.SEMANTIC)[0].name == "n/k"
    system.close()


def test_store_in_a_langgraph_graph(store: MirixStore) -> None:
    from typing import TypedDict

    from langgraph.graph import END, START, StateGraph
    from langgraph.store.base import BaseStore

    class State(TypedDict, total=False):
        text: str
        found: list[str]

    def remember(state: State, *, store: BaseStore) -> State:
        store.put(("facts",), "f1", {"text": state["text"]})
        return {}

    def recall(state: State, *, store: BaseStore) -> State:
        return {"found": [i.value["text"] for i in store.search(("facts",), query="pet")]}

    graph = StateGraph(State)
    graph.add_node("remember", remember)
    graph.add_node("recall", recall)
    graph.add_edge(START, "remember")
    graph.add_edge("remember", "recall")
    graph.add_edge("recall", END)
    app = graph.compile(store=store)
    assert app.invoke({"text": "my cat is called Pixel"})["found"] == ["my cat is called Pixel"]
