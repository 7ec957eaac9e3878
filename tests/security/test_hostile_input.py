"""Hostile and broken input: correct handling or a MirixError naming the problem, nothing else.

hypothesis throws arbitrary shapes at ``add``, ``search``, ``get_all`` and config
loading: empty and whitespace text, control characters, lone surrogates, wrong
types, negative and huge limits, unknown memory types, naive and aware datetimes
at the ends of the calendar. A call either works (and what it wrote is readable)
or raises a :class:`MirixError` subclass whose message names the problem — and
a failed ``add`` writes nothing at all.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings

from mirix_py._config import MirixConfig, config_from_dict, load_config
from mirix_py._embeddings import CachedEmbeddings
from mirix_py._memory import EpisodicMemory, SemanticMemory
from mirix_py._messages import MAX_MESSAGE_CHARS, Message
from mirix_py._receipts import WriteReceipt
from mirix_py._store.lancedb_store import LanceDBStore
from mirix_py._system import MemorySystem
from mirix_py.errors import ConfigError, InvalidArgument, MirixError
from tests.conftest import make_config
from tests.security._helpers import FIGURES, HashEmbeddings

USER = "fuzz-user"
FIELDS_NAMED = (
    "messages",
    "user_id",
    "occurred_at",
    "query",
    "text",
    "limit",
    "offset",
    "memory type",
    "memory_type",
    "mode",
    "start",
    "end",
    "as_of",
    "include_superseded",
)

# MIRIX_PY_FUZZ_EXAMPLES=2000 pytest tests/security runs a deeper search.
FUZZ = settings(
    max_examples=int(os.environ.get("MIRIX_PY_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# ---------------------------------------------------------------- strategies

surrogates = st.integers(0xD800, 0xDFFF).map(chr)
controls = st.sampled_from([chr(c) for c in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0))])
nasty_chars = st.one_of(st.characters(), surrogates, controls, st.sampled_from("'\"%*\\;-_"))
nasty_text = st.one_of(
    st.text(nasty_chars, max_size=60),
    st.sampled_from(["", " ", "\n\t ", "\x00", "\ud800", "'; DROP TABLE episodic; --"]),
)
offsets = st.builds(
    timezone,
    st.timedeltas(
        min_value=timedelta(hours=-23, minutes=-59), max_value=timedelta(hours=23, minutes=59)
    ),
)
edge_datetimes = st.sampled_from(
    [
        datetime.min,
        datetime.max,
        datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5))),
        datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-5))),
        datetime(1970, 1, 1),
        datetime(2262, 4, 12, tzinfo=UTC),
    ]
)
datetimes = st.one_of(
    st.datetimes(),
    st.datetimes(timezones=offsets),
    edge_datetimes,
)
junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    st.binary(max_size=8),
    nasty_text,
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
timestamps = st.one_of(datetimes, junk, st.sampled_from(["2023-05-08T13:56:00", "yesterday", "0"]))
message_dicts = st.fixed_dictionaries(
    {},
    optional={
        "role": st.one_of(st.sampled_from(["user", "assistant", "system", "tool"]), junk),
        "content": st.one_of(nasty_text, nasty_text, junk),
        "timestamp": timestamps,
        "id": st.one_of(
            nasty_text,
            st.text(min_size=100, max_size=120),
            st.text(min_size=257, max_size=300),
            junk,
        ),
        "name": st.one_of(nasty_text, junk),
        "extra": junk,
    },
)
one_message = st.one_of(
    nasty_text,
    message_dicts,
    st.builds(lambda t: Message(content=t), st.text(max_size=40)),
    junk,
)
messages_input = st.one_of(one_message, st.lists(one_message, max_size=5), junk)


def _names_the_problem(exc: MirixError) -> None:
    message = str(exc)
    assert message.strip(), f"{type(exc).__name__} without a message"
    if isinstance(exc, InvalidArgument):
        assert any(f in message for f in FIELDS_NAMED), message


def _tried(kind: str) -> None:
    FIGURES[f"fuzz.{kind}"] += 1
    FIGURES["fuzz.inputs"] += 1


@pytest.fixture(scope="module")
def fuzz_system(
    tmp_path_factory: pytest.TempPathFactory, embeddings: CachedEmbeddings
) -> Iterator[MemorySystem]:
    """One real system (real embedder) shared by the examples of this module."""
    system = MemorySystem(make_config(tmp_path_factory.mktemp("fuzz")), embeddings=embeddings)
    yield system
    system.close()


def _count(system: MemorySystem) -> tuple[int, int]:
    store = system.store
    assert isinstance(store, LanceDBStore)
    return store.count(), store.history_count()


# ----------------------------------------------------------------------- add


@FUZZ
@given(messages=messages_input, occurred_at=st.one_of(st.none(), datetimes, junk))
def test_add_handles_or_names_any_input(
    fuzz_system: MemorySystem, messages: Any, occurred_at: Any
) -> None:
    _tried("add")
    before = _count(fuzz_system)
    try:
        receipt = fuzz_system.add(messages, user_id=USER, occurred_at=occurred_at)
    except MirixError as exc:
        _names_the_problem(exc)
        assert _count(fuzz_system) == before, "a failed add must write nothing"
        return
    assert isinstance(receipt, WriteReceipt) and receipt.user_id == USER
    assert receipt.ok, f"a manager failed on valid input: {receipt.failures}"
    for memory_id in receipt.ids():
        record = fuzz_system.get(memory_id, user_id=USER)
        assert record.user_id == USER
        assert "\ud800" not in record.embed_text()


def test_longest_allowed_message_id_is_accepted(fuzz_system: MemorySystem) -> None:
    receipt = fuzz_system.add([{"content": "long id", "id": "i" * 256}], user_id=USER)
    assert receipt.source_ids == ["i" * 256]


def test_the_last_representable_instant_survives_re_ingestion(tmp_path: Path) -> None:
    # Times were once stored through a float: datetime.max came back as year 10000.
    system = MemorySystem(make_config(tmp_path), embeddings=HashEmbeddings())
    first = system.add("none", user_id=USER, occurred_at=datetime.max)
    count = system.store.count(user_id=USER)
    again = system.add("none", user_id=USER, occurred_at=datetime.max)
    recount = system.store.count(user_id=USER)
    system.close()
    assert first.ok and again.ok, again.failures
    assert recount == count


def test_five_megabyte_message_is_refused_and_nothing_is_written(
    fuzz_system: MemorySystem,
) -> None:
    before = _count(fuzz_system)
    huge = "memory " * (5 * 1024 * 1024 // 7)
    with pytest.raises(InvalidArgument, match=r"messages\[1\]\.content"):
        fuzz_system.add(["a fine first message", huge], user_id=USER)
    assert _count(fuzz_system) == before


def test_largest_allowed_message_is_stored_and_found(tmp_path: Path) -> None:
    # The cheap embedder: this is about validation and storage, not embedding speed
    # (the real one embeds each ~1,000-character piece of a 1 MB message).
    system = MemorySystem(make_config(tmp_path), embeddings=HashEmbeddings())
    text = ("zebra " + "x" * 94) * (MAX_MESSAGE_CHARS // 100)
    assert len(text) == MAX_MESSAGE_CHARS
    receipt = system.add(text, user_id="big-user")
    ids = receipt.ids()
    assert ids and receipt.ok
    stored = sum(len(r.embed_text()) for r in system.store.get_many(ids, user_id="big-user"))
    assert stored >= MAX_MESSAGE_CHARS * 0.9, "the message must not be silently truncated"
    hits = system.search("zebra", user_id="big-user", mode="fts", limit=5)
    assert hits and {h.record.id for h in hits} <= set(ids)
    system.close()


@pytest.mark.parametrize(
    "when",
    [
        datetime(1, 1, 1),
        datetime(1, 1, 1, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
        datetime(2024, 2, 29, 12, 0),
        datetime(2024, 2, 29, 12, 0, tzinfo=timezone(timedelta(hours=-9, minutes=-30))),
        datetime(2023, 5, 8, 13, 56, 0, 123457, tzinfo=UTC),
        datetime.max,
    ],
    ids=str,
)
def test_far_past_and_future_dates_round_trip(fuzz_system: MemorySystem, when: datetime) -> None:
    receipt = fuzz_system.add(
        [{"content": f"an event at {when.isoformat()}", "timestamp": when}], user_id="dates"
    )
    record = fuzz_system.get(receipt.ids()[0], user_id="dates")
    expected = when if when.tzinfo else when.replace(tzinfo=UTC)
    assert record.occurred_at == expected


# -------------------------------------------------------------------- search

limits = st.one_of(st.integers(min_value=-(2**65), max_value=2**65), junk)
type_lists = st.one_of(
    st.none(),
    st.lists(
        st.one_of(
            st.sampled_from(["episodic", "semantic", "knowledge_vault", "core"]), nasty_text, junk
        ),
        max_size=3,
    ),
)


@FUZZ
@given(
    query=st.one_of(nasty_text, st.text(min_size=1, max_size=200), junk),
    limit=limits,
    memory_types=type_lists,
    start=st.one_of(st.none(), datetimes, junk),
    end=st.one_of(st.none(), datetimes),
    as_of=st.one_of(st.none(), datetimes),
    mode=st.one_of(st.none(), st.sampled_from(["hybrid", "vector", "fts"]), nasty_text),
)
def test_search_handles_or_names_any_input(
    fuzz_system: MemorySystem,
    query: Any,
    limit: Any,
    memory_types: Any,
    start: Any,
    end: Any,
    as_of: Any,
    mode: Any,
) -> None:
    _tried("search")
    try:
        hits = fuzz_system.search(
            query,
            user_id=USER,
            limit=limit,
            memory_types=memory_types,
            start=start,
            end=end,
            as_of=as_of,
            mode=mode,
        )
    except MirixError as exc:
        _names_the_problem(exc)
        return
    assert isinstance(limit, int) and 1 <= limit <= 1000
    assert len(hits) <= limit
    assert all(h.record.user_id == USER for h in hits)


@pytest.mark.parametrize("memory_types", [False, 3, "episodic"], ids=repr)
def test_search_memory_types_that_are_not_a_list(
    fuzz_system: MemorySystem, memory_types: Any
) -> None:
    try:
        hits = fuzz_system.search("anything", user_id=USER, memory_types=memory_types)
    except MirixError as exc:
        _names_the_problem(exc)
        assert "list" in str(exc), str(exc)
        return
    assert memory_types == "episodic" and all(h.memory_type == "episodic" for h in hits)


@FUZZ
@given(
    limit=limits,
    offset=limits,
    memory_type=st.one_of(st.none(), st.sampled_from(["episodic", "core"]), nasty_text, junk),
)
def test_get_all_handles_or_names_any_input(
    fuzz_system: MemorySystem, limit: Any, offset: Any, memory_type: Any
) -> None:
    _tried("get_all")
    try:
        records = fuzz_system.get_all(
            user_id=USER, limit=limit, offset=offset, memory_type=memory_type
        )
    except MirixError as exc:
        _names_the_problem(exc)
        return
    assert isinstance(limit, int) and limit >= 0 and len(records) <= limit
    assert all(r.user_id == USER for r in records)


# -------------------------------------------------------------------- config

SECTIONS: dict[str, list[str]] = {
    name: list(field.annotation.model_fields)  # type: ignore[union-attr]
    for name, field in MirixConfig.model_fields.items()
    if name not in ("home", "config_dir")
}
json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=True),
        nasty_text,
        st.sampled_from(["episodic", "core", "offline", "openai:gpt-4.1-mini", "{home}/db", "~"]),
    ),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(nasty_text, inner, max_size=3),
    max_leaves=8,
)
section_dicts = st.one_of(
    st.dictionaries(
        st.sampled_from([f for fs in SECTIONS.values() for f in fs]), json_values, max_size=4
    ),
    json_values,
)
config_dicts = st.dictionaries(
    st.one_of(st.sampled_from([*SECTIONS, "home"]), nasty_text),
    st.one_of(section_dicts, json_values),
    max_size=5,
)


@FUZZ
@given(data=st.one_of(config_dicts, json_values))
@example(data={"memory": {"uri": None, "type_modules": "0"}})  # an unimportable type module
def test_config_from_any_mapping(data: Any) -> None:
    _tried("config")
    try:
        config = config_from_dict(data)
    except ConfigError as exc:
        assert str(exc).startswith("invalid configuration") or "config" in str(exc)
        return
    assert isinstance(config, MirixConfig)
    assert config.memory.enabled


@FUZZ
@given(
    content=st.one_of(
        st.binary(max_size=200),
        st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
        config_dicts.map(
            lambda d: yaml.safe_dump(d, allow_unicode=True).encode("utf-8", "surrogatepass")
        ),
    ),
    env=st.dictionaries(
        st.sampled_from(
            [
                "MIRIX_PY_HOME",
                "MIRIX_PY_DB_URI",
                "MIRIX_PY_LLM_MODEL",
                "MIRIX_PY_EMBEDDINGS",
                "MIRIX_PY_LOG_LEVEL",
            ]
        ),
        nasty_text,
        max_size=3,
    ),
)
def test_load_config_from_any_file_and_environment(
    tmp_path: Path, content: bytes, env: dict[str, str]
) -> None:
    _tried("config_file")
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(content)
    try:
        config = load_config(path, environ=env)
    except ConfigError as exc:
        assert str(path) in str(exc) or "MIRIX_PY" in str(exc) or "config" in str(exc)
        return
    assert isinstance(config, MirixConfig)


@FUZZ
@given(
    name=st.one_of(
        nasty_text, st.sampled_from(["../../etc/passwd", "default\x00", "~nobody-xyz/c"])
    )
)
def test_load_config_by_any_name(name: str) -> None:
    _tried("config_name")
    try:
        config = load_config(name, environ={})
    except ConfigError as exc:
        assert str(exc).strip()
        return
    assert isinstance(config, MirixConfig)


# --------------------------------------------------------------------- store


@pytest.mark.parametrize(
    "bad",
    [
        {"id": "a\x00b"},
        {"id": " "},
        {"source_ids": ["fine", "line\nbreak"]},
        {"embedding": [0.1, 0.2, 0.3]},
    ],
    ids=repr,
)
def test_store_checks_the_whole_batch_before_writing(
    fuzz_system: MemorySystem, bad: dict[str, Any]
) -> None:
    before = _count(fuzz_system)
    good = EpisodicMemory(user_id=USER, summary="a good record in a bad batch")
    broken = SemanticMemory.model_validate({"user_id": USER, "name": "n", "summary": "s", **bad})
    with pytest.raises(MirixError):
        fuzz_system.store.upsert([good, broken])
    assert _count(fuzz_system) == before


def test_ids_with_quotes_and_sql_work_end_to_end(fuzz_system: MemorySystem) -> None:
    weird = "it's'); DELETE FROM episodic; --"
    fuzz_system.store.upsert([EpisodicMemory(id=weird, user_id=USER, summary="quoted id")])
    assert fuzz_system.get(weird, user_id=USER).id == weird
    assert [e.event for e in fuzz_system.history(weird, user_id=USER)] == ["insert"]
    assert fuzz_system.delete(weird, user_id=USER).memory_ids == [weird]


@FUZZ
@given(when=st.one_of(st.datetimes(), st.datetimes(timezones=offsets), edge_datetimes))
def test_times_round_trip_to_the_microsecond(fuzz_system: MemorySystem, when: datetime) -> None:
    _tried("store_time")
    try:
        record = EpisodicMemory(user_id=USER, summary="timed event", occurred_at=when)
    except (ValueError, OverflowError):
        return  # not representable in UTC: refused by the record itself
    fuzz_system.store.upsert([record])
    got = fuzz_system.get(record.id, user_id=USER)
    assert got.occurred_at == record.occurred_at
    assert got.created_at == record.created_at


def test_get_all_names_a_page_past_what_the_store_can_page(fuzz_system: MemorySystem) -> None:
    """Found by the fuzz test above: ``offset=2**32 - 1, limit=1`` reached LanceDB as a
    row limit it cannot take and surfaced as an ``OverflowError``."""
    with pytest.raises(InvalidArgument, match="offset \\+ limit"):
        fuzz_system.get_all(user_id=USER, limit=1, offset=2**32 - 1)
    assert fuzz_system.get_all(user_id=USER, limit=1, offset=2**31 - 2) == []
