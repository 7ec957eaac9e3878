"""The offline write path end to end: real LanceDB, real embedder, no model."""

from __future__ import annotations

from datetime import UTC, datetime

from structlog.testing import capture_logs

from mirix_py._memory import (
    CoreMemory,
    EpisodicMemory,
    KnowledgeVaultMemory,
    MemoryType,
    ProceduralMemory,
    ResourceMemory,
    SemanticMemory,
)
from tests.integration.write_path.conftest import MakeSystem
from tests.integration.write_path.helpers import all_rows, rows

AT = datetime(2023, 5, 8, 13, 56, tzinfo=UTC)  # a Monday
EMAIL = "caroline@example.org"
PHONE = "415-555-0134"
CONVO = [
    {
        "role": "user",
        "name": "Caroline",
        "id": "D1:1",
        "content": "Hey Mel! I went to a LGBTQ support group yesterday and it was so powerful.",
    },
    {
        "role": "user",
        "name": "Melanie",
        "id": "D1:2",
        "content": "That's great! I'm a teacher and I live in Portland with my husband. "
        "My son Leo just turned 7.",
    },
    {
        "role": "user",
        "name": "Caroline",
        "id": "D1:3",
        "content": f"I work as a counselor now. My email is {EMAIL} and my phone number is "
        f"{PHONE}.",
    },
    {"role": "assistant", "id": "D1:4", "content": "Noted! Anything else?"},
    {
        "role": "user",
        "name": "Caroline",
        "id": "D1:5",
        "content": "To make my banana bread, first mash three bananas, then mix in the flour, "
        "and finally bake it for an hour.",
    },
    {
        "role": "user",
        "name": "Caroline",
        "id": "D1:6",
        "content": "Here's the guide I mentioned: https://example.com/guides/pride-2023",
    },
]


def test_every_turn_becomes_a_complete_episodic_event(make_system: MakeSystem) -> None:
    system = make_system()
    receipt = system.add(CONVO, user_id="u1", occurred_at=AT)
    events = [r for r in rows(system, "u1", "episodic") if isinstance(r, EpisodicMemory)]
    events.sort(key=lambda e: e.sequence or 0)
    assert [e.source_ids for e in events] == [[m["id"]] for m in CONVO]
    assert [e.actor for e in events] == [
        "Caroline",
        "Melanie",
        "Caroline",
        "assistant",
        "Caroline",
        "Caroline",
    ]
    assert [e.sequence for e in events] == list(range(6))
    assert len({e.session_id for e in events}) == 1
    assert all(e.occurred_at == AT for e in events)
    assert events[0].summary == (
        "Hey Mel! I went to a LGBTQ support group yesterday [7 May 2023] and it was so powerful."
    )
    assert events[4].summary == CONVO[4]["content"]  # normal turns are never truncated
    assert receipt.ok and receipt.source_ids == [m["id"] for m in CONVO]
    assert receipt.counts()["episodic"] == {"inserted": 6}


def test_facts_are_semantic_items_per_entity_with_honest_sources(make_system: MakeSystem) -> None:
    system = make_system()
    system.add(CONVO, user_id="u1", occurred_at=AT)
    stored = [r for r in rows(system, "u1", "semantic") if isinstance(r, SemanticMemory)]
    facts = {(r.name, r.summary): r.source_ids for r in stored if not r.aspect}
    said = {(r.name, r.summary): r.source_ids for r in stored if r.aspect}
    # first-person statements (mirix_py._memory.statements): one turn each, no vault value;
    # and the profile they add to (mirix_py._memory.profiles)
    assert said == {
        ("Melanie", "places lived: Portland"): ["D1:2"],
        (
            "Caroline",
            "went to a LGBTQ support group yesterday [7 May 2023] and it was so powerful",
        ): ["D1:1"],
        ("Melanie", "Melanie's son Leo just turned 7"): ["D1:2"],
        ("Melanie", "is a teacher and Melanie lives in Portland with Melanie's husband"): ["D1:2"],
    }
    assert facts == {
        ("Melanie", "works as a teacher"): ["D1:2"],
        ("Melanie", "lives in Portland"): ["D1:2"],
        ("Melanie", "has a son named Leo"): ["D1:2"],
        ("Leo", "is Melanie's son"): ["D1:2"],
        ("Caroline", "works as a counselor"): ["D1:3"],
    }


def test_core_block_procedure_resource_and_vault(make_system: MakeSystem) -> None:
    system = make_system()
    receipt = system.add(CONVO, user_id="u1", occurred_at=AT)
    (block,) = rows(system, "u1", "core")
    assert isinstance(block, CoreMemory) and block.label == "human"
    assert block.lines() == [
        "Melanie: works as a teacher",
        "Melanie: lives in Portland",
        "Melanie: has a son named Leo",
        "Caroline: works as a counselor",
    ]
    assert block.source_ids == ["D1:2", "D1:3"]
    (proc,) = rows(system, "u1", "procedural")
    assert isinstance(proc, ProceduralMemory)
    assert proc.description == "To make my banana bread" and proc.entry_type == "recipe"
    assert proc.steps == ["mash three bananas", "mix in the flour", "bake it for an hour"]
    assert proc.source_ids == ["D1:5"]
    (link,) = rows(system, "u1", "resource")
    assert isinstance(link, ResourceMemory) and link.resource_type == "link"
    assert link.content == "https://example.com/guides/pride-2023" and link.source_ids == ["D1:6"]
    vault = {
        r.entry_type: r
        for r in rows(system, "u1", "knowledge_vault")
        if isinstance(r, KnowledgeVaultMemory)
    }
    assert set(vault) == {"email", "phone_number"}
    assert vault["email"].secret_value.get_secret_value() == EMAIL
    assert vault["phone_number"].secret_value.get_secret_value() == PHONE
    assert vault["phone_number"].sensitivity == "medium"
    assert PHONE not in vault["phone_number"].caption
    assert all(v.source_ids == ["D1:3"] for v in vault.values())
    assert set(receipt.routed) == set(MemoryType)


def test_secrets_never_appear_in_clear_outside_the_vault(make_system: MakeSystem) -> None:
    system = make_system()
    system.add(CONVO, user_id="u1", occurred_at=AT)
    for record in all_rows(system, "u1", include_superseded=True):
        if record.memory_type is MemoryType.KNOWLEDGE_VAULT:
            continue
        dumped = record.model_dump_json()
        assert EMAIL not in dumped and PHONE not in dumped, record
    (turn,) = [
        r
        for r in rows(system, "u1", "episodic")
        if isinstance(r, EpisodicMemory) and r.sequence == 2
    ]
    assert turn.summary == (
        "I work as a counselor now. My email is [stored in vault: email address] and my phone "
        "number is [stored in vault: phone number]."
    )
    history = system.store.history(turn.id, user_id="u1")
    assert all(PHONE not in (h.new_value or "") for h in history)


def test_secrets_after_credential_words_in_other_scripts_stay_in_the_vault(
    make_system: MakeSystem,
) -> None:
    system = make_system()
    turns = [
        {"role": "user", "name": "Jiwoo", "id": "K1", "content": "현관 도어락 비번은 4821이야."},
        {
            "role": "user",
            "name": "Jiwoo",
            "id": "K2",
            "content": "公司wifi密码是lanmao2024，别忘了。",
        },
        {"role": "user", "name": "Jiwoo", "id": "K3", "content": "VPN пароль: Kx92mzq7"},
    ]
    system.add(turns, user_id="u1", occurred_at=AT)
    values = ("4821", "lanmao2024", "Kx92mzq7")
    for record in all_rows(system, "u1", include_superseded=True):
        if record.memory_type is not MemoryType.KNOWLEDGE_VAULT:
            dumped = record.model_dump_json(exclude={"embedding"})  # floats hold any digits
            assert not [v for v in values if v in dumped], record
    vault = [
        r for r in rows(system, "u1", "knowledge_vault") if isinstance(r, KnowledgeVaultMemory)
    ]
    assert sorted(v.secret_value.get_secret_value() for v in vault) == sorted(values)
    assert all(v.entry_type == "password" for v in vault)


def test_reingesting_the_same_batch_writes_nothing_new(make_system: MakeSystem) -> None:
    system = make_system()
    system.add(CONVO, user_id="u1", occurred_at=AT)
    before = sorted(r.id for r in all_rows(system, "u1", include_superseded=True))
    again = system.add(CONVO, user_id="u1", occurred_at=AT)
    after = sorted(r.id for r in all_rows(system, "u1", include_superseded=True))
    assert after == before
    assert {a.action for a in again.actions} == {"skipped"}
    assert again.ok


def test_ids_are_deterministic_and_unique_across_users(make_system: MakeSystem) -> None:
    system = make_system()
    first = system.add(CONVO, user_id="u1", occurred_at=AT)
    second = system.add(CONVO, user_id="u2", occurred_at=AT)
    assert second.ok
    assert not set(first.ids()) & set(second.ids())
    assert len(all_rows(system, "u1")) == len(all_rows(system, "u2"))


def test_huge_turns_are_chunked_without_losing_text(make_system: MakeSystem) -> None:
    system = make_system(memory={"enabled": ["episodic"]})
    long_text = " ".join(f"Sentence number {i} about the long trip we took." for i in range(120))
    system.add([{"content": long_text, "id": "big", "name": "Ann"}], user_id="u1", occurred_at=AT)
    parts = sorted(
        (r for r in rows(system, "u1", "episodic") if isinstance(r, EpisodicMemory)),
        key=lambda r: int(r.summary.split("/")[0].removeprefix("(part ")),
    )
    assert len(parts) > 1 and all(p.source_ids == ["big"] for p in parts)
    text = " ".join(p.summary.split(") ", 1)[1] for p in parts)
    for i in range(120):
        assert f"Sentence number {i} about" in text


DATES = [
    ("I went to the support group yesterday.", "yesterday [7 May 2023]"),
    ("We moved here two years ago.", "two years ago [2021]"),
    ("Last week I painted a sunrise.", "Last week [week of 1 May 2023]"),
    ("Next month I am running a marathon.", "Next month [June 2023]"),
    ("I will see you tomorrow.", "tomorrow [9 May 2023]"),
    ("We are going camping this weekend.", "this weekend [13-14 May 2023]"),
]


def test_relative_dates_are_stored_resolved_beside_the_wording(make_system: MakeSystem) -> None:
    system = make_system(memory={"enabled": ["episodic"]})
    messages = [
        {"content": text, "id": f"t{i}", "name": "Ann", "timestamp": AT.isoformat()}
        for i, (text, _) in enumerate(DATES)
    ]
    system.add(messages, user_id="u1")
    stored = {r.source_ids[0]: r for r in rows(system, "u1", "episodic")}
    for i, (_, expected) in enumerate(DATES):
        record = stored[f"t{i}"]
        assert isinstance(record, EpisodicMemory)
        assert expected in record.summary, (expected, record.summary)


def test_structlog_events_per_node(make_system: MakeSystem) -> None:
    system = make_system()
    _ = system.write_graph
    with capture_logs() as logs:
        system.add(CONVO, user_id="u1", occurred_at=AT)
    by_event: dict[str, list[dict[str, object]]] = {}
    for entry in logs:
        by_event.setdefault(str(entry["event"]), []).append(entry)
    for event in ("memory.normalized", "memory.retrieved", "memory.routed", "memory.write_done"):
        (entry,) = by_event[event]
        assert entry["user_id"] == "u1" and isinstance(entry["ms"], float), entry
    assert by_event["memory.routed"][0]["memory_types"] == [t.value for t in MemoryType]
    managers = {e["memory_type"]: e for e in by_event["memory.manager_done"]}
    assert set(managers) == {t.value for t in MemoryType}
    assert managers["episodic"]["counts"] == {"inserted": 6}
    assert all(e["user_id"] == "u1" and e["mode"] == "offline" for e in managers.values())
    done = by_event["memory.write_done"][0]
    # five attribute facts, three statements and a profile (mirix_py._memory.profiles)
    assert done["counts"]["semantic"] == {"inserted": 9}  # type: ignore[index]
    assert done["failures"] == []


def test_empty_input_returns_an_empty_receipt(make_system: MakeSystem) -> None:
    system = make_system()
    receipt = system.add(["   "], user_id="u1", occurred_at=AT)
    assert receipt.ok and receipt.actions == [] and receipt.routed == []
