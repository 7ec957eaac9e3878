"""Offline extraction rules per memory type, on realistic conversation snippets (no I/O)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mirix_py._memory import core, episodic, knowledge_vault, procedural, resource, semantic
from mirix_py._memory.base import MemoryType
from mirix_py._memory.core import CoreLine, CoreMemory
from mirix_py._memory.extract_common import Turn, chunk_text, record_id, split_sentences
from mirix_py._memory.facts import extract_facts, is_lasting_preference, slot_of
from mirix_py._memory.statements import STATEMENT
from tests.turns import make_turn

AT = datetime(2023, 5, 8, 13, 56, tzinfo=UTC)


def turn(text: str, speaker: str = "Alice", *, tid: str = "m1", role: str = "user") -> Turn:
    """A turn whose redacted text equals its content (no secrets in these snippets)."""
    return make_turn(text, speaker, AT, tid=tid, role=role)


def facts(*texts: str, speaker: str = "Alice") -> list[tuple[str, str]]:
    turns = [turn(t, speaker, tid=f"m{i}") for i, t in enumerate(texts)]
    # the attribute rules only: first-person statements are tested in test_statements.py
    return [(f.entity, f.summary) for f in extract_facts(turns) if f.kind != STATEMENT]


# ------------------------------------------------------------------ semantic

FACT_CASES = [
    (
        "I work as a nurse at St. Mary's hospital.",
        [("Alice", "works as a nurse at St. Mary's hospital")],
    ),
    (
        "I'm a software engineer and I live in Boston with my wife.",
        [("Alice", "works as a software engineer"), ("Alice", "lives in Boston")],
    ),
    (
        "My daughter Emma just turned 5!",
        [("Alice", "has a daughter named Emma"), ("Emma", "is Alice's daughter")],
    ),
    ("Luna is my cat.", [("Alice", "has a cat named Luna"), ("Luna", "is Alice's cat")]),
    ("My favorite color is blue.", [("Alice", "favorite color is blue")]),
    ("I'm from Sweden originally.", [("Alice", "is from Sweden")]),
    ("I've been learning piano for two years.", [("Alice", "has been learning piano")]),
    (
        "I'm allergic to peanuts and I'm vegetarian.",
        [("Alice", "is allergic to peanuts"), ("Alice", "is vegetarian")],
    ),
    ("I have two kids.", [("Alice", "has two kids")]),
    ("I just moved to Chicago!", [("Alice", "lives in Chicago")]),
    ("I'm a big fan of jazz.", [("Alice", "likes jazz")]),
    ("I really love hiking and camping.", [("Alice", "likes hiking and camping")]),
    (
        "I started playing acoustic guitar about five years ago.",
        [("Alice", "started playing acoustic guitar")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), FACT_CASES)
def test_first_person_statements_become_facts_about_the_speaker(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert facts(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Do you like pizza?",
        "If I were rich I would live in Paris.",
        "I used to work as a waiter.",
        "I'm doing great, thanks!",
        "I'm a bit tired today.",
        "I love it!",
        "I love that you chose pottery for your art.",
        "Finding my Zen is a mix of things.",
        "Painting is a great outlet.",
        "I love to.",
        "My phone number is [stored in vault: phone number].",
    ],
)
def test_questions_hypotheticals_and_vague_statements_give_nothing(text: str) -> None:
    assert facts(text) == []


def test_a_wish_before_a_dash_does_not_hide_the_statement_after_it() -> None:
    assert facts("I'd like it to be quick — I prefer short hikes, nothing too steep.") == [
        ("Alice", "prefers short hikes")
    ]
    assert facts("I would love a garden; I live in Glasgow now.") == [("Alice", "lives in Glasgow")]
    assert facts("If I had time - I would live in Paris.") == []


def test_named_entities_need_evidence_of_being_names() -> None:
    # sentence-initial capitals are only names if the batch uses them mid-sentence too
    assert facts("Paris is the capital of France.") == []
    assert facts("We visited Paris in May.", "Paris is the capital of France.") == [
        ("Paris", "is the capital of France")
    ]


def test_user_without_a_name_is_the_user_and_the_assistant_is_no_entity() -> None:
    assert facts("My name is Dana and I'm 34 years old.", speaker="user") == [
        ("User", "is named Dana"),
        ("User", "is 34 years old"),
    ]
    assert facts("I'm a large language model.", speaker="assistant") == []


def test_slots_mark_single_valued_attributes() -> None:
    assert slot_of("works as a nurse") == "occupation"
    assert slot_of("lives in Chicago") == "residence"
    assert slot_of("favorite color is blue") == "favorite:color"
    assert slot_of("has two kids") == "count:kids"
    # a liking is one slot per object, so that a flipped preference supersedes it
    assert slot_of("likes jazz") == slot_of("no longer likes jazz")
    assert slot_of("likes jazz") != slot_of("likes blues")
    assert slot_of("used to live in Denver") is None


def test_fact_ids_are_content_keyed_per_user() -> None:
    a = semantic.fact_id("u1", "Alice", "likes Jazz")
    assert a == semantic.fact_id("u1", "alice", "likes jazz.")
    assert a != semantic.fact_id("u2", "Alice", "likes Jazz")


# ---------------------------------------------------------------------- core


def test_core_lines_come_only_from_users_about_themselves() -> None:
    turns = [
        turn("I'm a teacher. Luna is my cat.", "Mel", tid="a"),
        turn("I work as a counselor.", "Bot", tid="b", role="assistant"),
        turn("Bob is a great chef.", "Mel", tid="c"),
    ]
    lines = core.extract_lines(turns)
    assert [(ln.text, ln.sources) for ln in lines] == [
        ("Mel: works as a teacher", ("a",)),
        ("Mel: has a cat named Luna", ("a",)),
    ]


def test_merge_lines_replaces_slots_in_place_and_spills_oldest() -> None:
    block = CoreMemory(
        id=core.block_id("u"),
        user_id="u",
        value="Mel: lives in Boston\nMel: likes jazz",
        line_sources={"Mel: lives in Boston": ["a"], "Mel: likes jazz": ["b"]},
    )
    update = core.merge_lines(
        block,
        [CoreLine("Mel: lives in Chicago", ("c",)), CoreLine("Mel: likes jazz", ("d",))],
        user_id="u",
        limit=2000,
    )
    assert update.block.lines() == ["Mel: lives in Chicago", "Mel: likes jazz"]
    assert update.replaced == [("Mel: lives in Boston", "Mel: lives in Chicago")]
    assert update.block.line_sources == {
        "Mel: lives in Chicago": ["c"],
        "Mel: likes jazz": ["b", "d"],
    }
    assert update.block.source_ids == ["c", "b", "d"]
    lines = [CoreLine(f"Mel: likes hobby number {i:02d} a lot", (f"s{i}",)) for i in range(12)]
    full = core.merge_lines(None, lines, user_id="u", limit=200)
    assert len(full.block.value) <= 200
    assert [ln.text for ln in full.spilled] == [ln.text for ln in lines[: len(full.spilled)]]
    assert "s0" not in full.block.source_ids
    spilled = core.spill_record(full.spilled[0], user_id="u")
    assert (spilled.name, spilled.summary, spilled.source_ids) == (
        "Mel",
        "likes hobby number 00 a lot",
        ["s0"],
    )


def _at(day: int) -> datetime:
    return datetime(2025, 3, day, tzinfo=UTC)


def test_replaced_lines_are_kept_with_when_they_held() -> None:
    first = core.merge_lines(
        None,
        [CoreLine("Ivo: lives in Graz", ("a",), _at(1)), CoreLine("Ivo: likes chess", ("b",))],
        user_id="u",
        limit=2000,
        at=_at(2),
    ).block
    assert first.line_since == {"Ivo: lives in Graz": _at(1), "Ivo: likes chess": _at(2)}
    moved = core.merge_lines(
        first, [CoreLine("Ivo: lives in Linz", ("c",), _at(20))], user_id="u", limit=2000
    ).block
    assert moved.lines() == ["Ivo: lives in Linz", "Ivo: likes chess"]
    (past,) = moved.past_lines
    assert (past.text, past.since, past.until, past.sources) == (
        "Ivo: lives in Graz",
        _at(1),
        _at(20),
        ["a"],
    )
    assert moved.as_of(_at(10)).lines() == ["Ivo: lives in Graz", "Ivo: likes chess"]
    assert moved.as_of(_at(10)).line_sources["Ivo: lives in Graz"] == ["a"]
    assert moved.as_of(_at(25)).lines() == ["Ivo: likes chess", "Ivo: lives in Linz"]
    assert moved.as_of(datetime(2025, 2, 1, tzinfo=UTC)).lines() == []
    # a repeat imported out of order moves the line's time back
    earlier = core.merge_lines(
        moved, [CoreLine("Ivo: likes chess", ("d",), _at(1))], user_id="u", limit=2000
    )
    assert earlier.changed and earlier.block.line_since["Ivo: likes chess"] == _at(1)


def test_lines_without_a_time_always_show() -> None:
    legacy = CoreMemory(id=core.block_id("u"), user_id="u", value="Ivo: likes chess")
    assert legacy.as_of(_at(1)).lines() == ["Ivo: likes chess"]


def test_a_rewrite_keeps_the_lines_it_drops_as_past() -> None:
    block = core.merge_lines(
        None, [CoreLine("Ivo: works as a baker", ("a",), _at(1))], user_id="u", limit=2000
    ).block
    update = core.rewrite_block(
        block, "Ivo: works as a pilot", user_id="u", sources=["m"], limit=2000, at=_at(9)
    )
    assert update.block.line_since == {"Ivo: works as a pilot": _at(9)}
    assert [(p.text, p.until) for p in update.block.past_lines] == [
        ("Ivo: works as a baker", _at(9))
    ]
    assert update.block.as_of(_at(5)).lines() == ["Ivo: works as a baker"]


def test_past_lines_are_bounded() -> None:
    block: CoreMemory | None = None
    for day in range(1, core.MAX_PAST_LINES + 5):
        line = CoreLine(
            f"Ivo: lives in Town{day}",
            (f"s{day}",),
            datetime(2025, 1, 1, tzinfo=UTC) + timedelta(days=day),
        )
        block = core.merge_lines(block, [line], user_id="u", limit=2000).block
    assert block is not None and len(block.past_lines) == core.MAX_PAST_LINES
    assert block.past_lines[-1].text == f"Ivo: lives in Town{core.MAX_PAST_LINES + 3}"


def test_unchanged_merge_reports_no_change() -> None:
    block = CoreMemory(
        id=core.block_id("u"),
        user_id="u",
        value="Mel: likes jazz",
        line_sources={"Mel: likes jazz": ["b"]},
    )
    update = core.merge_lines(block, [CoreLine("Mel: likes jazz", ("b",))], user_id="u", limit=500)
    assert not update.changed


# --------------------------------------------------------------- procedural


@pytest.mark.parametrize(
    ("text", "description", "steps", "entry_type"),
    [
        (
            "Here's how to deploy the app:\n1. Run the tests\n2. Build the image\n3. Push it",
            "Here's how to deploy the app",
            ["Run the tests", "Build the image", "Push it"],
            "workflow",
        ),
        (
            "To make my banana bread, first mash three bananas, then mix in the flour, and "
            "finally bake for an hour.",
            "To make my banana bread",
            ["mash three bananas", "mix in the flour", "bake for an hour"],
            "recipe",
        ),
        (
            "How to bleed a radiator:\nStep 1 - Heating off: let it cool.\n"
            "Step 2 - Key in: turn it a quarter.\nStep 3 – Close: when water comes.",
            "How to bleed a radiator",
            ["Heating off: let it cool.", "Key in: turn it a quarter.", "Close: when water comes."],
            "workflow",
        ),
        (
            "My morning routine:\n- Wake up at 6\n- Meditate for 10 minutes\n- Go for a run",
            "My morning routine",
            ["Wake up at 6", "Meditate for 10 minutes", "Go for a run"],
            "workflow",
        ),
    ],
)
def test_step_lists_become_procedures(
    text: str, description: str, steps: list[str], entry_type: str
) -> None:
    (proc,) = procedural.extract_offline([turn(text)], user_id="u")
    assert (proc.description, proc.steps, proc.entry_type) == (description, steps, entry_type)
    assert proc.source_ids == ["m1"]


@pytest.mark.parametrize(
    "text",
    [
        "First we went to the beach, then we had lunch, and finally we watched the sunset.",
        "Shopping list:\n- milk\n- eggs\n- bread",
        "I went to the store yesterday.",
    ],
)
def test_narratives_and_plain_lists_are_not_procedures(text: str) -> None:
    assert procedural.extract_offline([turn(text)], user_id="u") == []


# ----------------------------------------------------------------- resource


def test_links_code_and_long_documents_become_chunked_resources() -> None:
    link = resource.extract_offline(
        [turn("Read https://example.com/a/b?x=1 tonight.")], user_id="u"
    )
    assert [(r.resource_type, r.content, r.title) for r in link] == [
        ("link", "https://example.com/a/b?x=1", "example.com/a/b")
    ]
    code = "Here it is:\n```python\ndef add(a, b):\n    return a + b\n```"
    (snippet,) = resource.extract_offline([turn(code)], user_id="u")
    assert snippet.resource_type == "code" and snippet.content.startswith("def add")
    doc = "Trip notes\n\n" + "\n\n".join(
        f"Day {i}: we walked along the river and saw birds." * 5 for i in range(12)
    )
    chunks = resource.extract_offline([turn(doc)], user_id="u")
    assert len(chunks) > 1 and {c.title for c in chunks} == {"Trip notes"}
    assert [c.chunk_index for c in chunks] == list(range(len(chunks)))
    assert all(c.chunk_count == len(chunks) and c.source_ids == ["m1"] for c in chunks)
    assert resource.extract_offline([turn("Just a short chat message.")], user_id="u") == []


# -------------------------------------------------------------------- vault

VAULT_CASES = [
    ("My phone number is 415-555-0134.", "phone_number", "415-555-0134", "medium"),
    ("email me at ann.lee@example.com", "email", "ann.lee@example.com", "medium"),
    ("The office door code is 4471, don't share it.", "password", "4471", "high"),
    (
        "my OpenAI key: sk-proj-abcdefghijklmnop1234567890XYZ",
        "api_key",
        "sk-proj-abcdefghijklmnop1234567890XYZ",
        "high",
    ),
    ("Card 4111 1111 1111 1111 exp 12/27", "card_number", "4111 1111 1111 1111", "high"),
    ("IBAN DE89 3704 0044 0532 0130 00", "account_number", "DE89 3704 0044 0532 0130 00", "high"),
    (
        "I live at 742 Evergreen Terrace, Springfield, IL 62704.",
        "address",
        "742 Evergreen Terrace, Springfield, IL 62704",
        "medium",
    ),
    ("my SSN is 123-45-6789", "national_id", "123-45-6789", "high"),
    ("Call me at +44 20 7946 0958 tomorrow", "phone_number", "+44 20 7946 0958", "medium"),
]


@pytest.mark.parametrize(("text", "entry_type", "value", "sensitivity"), VAULT_CASES)
def test_sensitive_values_are_found_and_stored_verbatim(
    text: str, entry_type: str, value: str, sensitivity: str
) -> None:
    (entry,) = knowledge_vault.extract_offline([turn(text)], user_id="u")
    assert entry.entry_type == entry_type and entry.sensitivity == sensitivity
    assert entry.secret_value.get_secret_value() == value
    assert value not in entry.caption and entry.caption.startswith("Alice's ")
    assert value not in knowledge_vault.redact(text)
    assert "[stored in vault: " in knowledge_vault.redact(text)


@pytest.mark.parametrize(
    "text",
    [
        "We met on 2023-05-08 at 10:30 and paid $1,250.00",
        "I ran 5 miles in 45 minutes, then 10 more in 2022.",
        "Invoice 1234 is due on 12/05/2023.",
        "My password manager is great.",
    ],
)
def test_ordinary_numbers_are_not_secrets(text: str) -> None:
    assert knowledge_vault.find_sensitive(text) == []


def test_redaction_without_vault_says_redacted() -> None:
    assert knowledge_vault.redact("call 415-555-0134", vault_enabled=False) == (
        "call [redacted: phone number]"
    )


# ----------------------------------------------------------------- episodic


def test_turn_events_keep_text_and_ids_are_per_user() -> None:
    (event,) = episodic.turn_events([turn("Hello there")], user_id="u1")
    assert (event.actor, event.summary, event.source_ids, event.origin) == (
        "Alice",
        "Hello there",
        ["m1"],
        "raw",
    )
    (other,) = episodic.turn_events([turn("Hello there")], user_id="u2")
    assert event.id != other.id
    assert event.id == record_id("u1", MemoryType.EPISODIC, ["m1"], "turn")


def test_unprocessed_events_group_turns_and_name_exactly_their_sources() -> None:
    turns = [turn("x" * 1500, tid=f"m{i}") for i in range(5)]
    events = episodic.unprocessed_events(turns, user_id="u", reason="boom")
    assert [e.source_ids for e in events] == [["m0", "m1"], ["m2", "m3"], ["m4"]]
    assert all(e.status == "unprocessed" and "boom" in e.details for e in events)


def test_sentence_splitting_and_chunking_helpers() -> None:
    assert split_sentences("Dr. Smith met Mr. Jones. They talked!\nBye") == [
        "Dr. Smith met Mr. Jones.",
        "They talked!",
        "Bye",
    ]
    text = " ".join(f"Sentence {i}." for i in range(400))
    chunks = chunk_text(text, size=300)
    assert all(len(c) <= 300 for c in chunks)
    assert " ".join(chunks).split() == text.split()


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Alice: likes hiking in the mountains", "Alice: likes mountain hiking", True),
        ("Alice: works as a nurse", "Alice: works as a registered nurse", True),
        ("Alice: is allergic to peanuts", "Alice: is allergic to walnuts", False),
        ("Ann: enjoys hobby number 00", "Ann: enjoys hobby number 01", False),
        ("Alice: likes painting", "Alice: likes hiking", False),
        ("Alice: is allergic to peanuts", "Alice: is not allergic to peanuts", False),
        ("Bo: swims before work", "Bo: swims after work", False),
        ("Bo: is running the marathon", "Bo: runs marathons", True),
    ],
)
def test_same_gist_guards_near_duplicate_merges(a: str, b: str, same: bool) -> None:
    from mirix_py._memory.extract_common import same_gist

    assert same_gist(a, b) is same


@pytest.mark.parametrize(
    ("summary", "lasting"),
    [
        ("likes jazz", True),
        ("likes to travel", True),
        ("likes classical music", True),
        ("likes the colours in that photo", False),
        ("likes camping trips with Mel's family", False),
        ("works as a nurse", False),
    ],
)
def test_only_preferences_for_kinds_of_things_reach_the_core_block(
    summary: str, lasting: bool
) -> None:
    assert is_lasting_preference(summary) is lasting
