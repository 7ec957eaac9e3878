"""Bridge retrieval: a question about a thing or a relative, answered by a linked person's fact."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from mirix_py._chat.bridge import (
    PLACE,
    WORK,
    aspect_facts,
    bridge_answer,
    bridge_hits,
    bridge_plan,
    merge_hits,
    owners,
    relatives_of,
    speaks,
)
from mirix_py._chat.cues import read_question
from mirix_py._memory import MemoryRecord, SemanticMemory
from mirix_py._memory.profiles import HEADINGS, LIVED, PLACES, VISITED
from mirix_py._store.keys import entity_key, fact_key, record_keys
from tests.unit.chat.helpers import episode, hit


def fact(name: str, summary: str, *, aspect: str = "", day: int = 1) -> SemanticMemory:
    """A semantic fact (no store involved)."""
    return SemanticMemory(
        user_id="u",
        name=name,
        summary=summary,
        aspect=aspect,
        occurred_at=datetime(2024, 5, day, 12, tzinfo=UTC),
    )


class FakeFacts:
    """Facts served by key (like ``store.by_keys``) and by name mention (like a full-text
    search); records every read so tests can check what was asked."""

    def __init__(self, facts: list[SemanticMemory]) -> None:
        self.facts = facts
        self.lookups: list[list[str]] = []
        self.searches: list[str] = []

    def lookup(self, keys: list[str]) -> list[MemoryRecord]:
        self.lookups.append(keys)
        return [f for f in self.facts if record_keys(f)["entity"] in keys]

    def mentions(self, name: str) -> list[MemoryRecord]:
        self.searches.append(name)
        return [f for f in self.facts if f.is_current and name.lower() in f.summary.lower()]

    def retired(self, name: str) -> list[MemoryRecord]:
        self.searches.append(f"retired:{name}")
        return [f for f in self.facts if not f.is_current and name.lower() in f.summary.lower()]


OWNED = [
    fact("Odile", "has a whippet named Pepper", aspect="statement"),
    fact("Odile", "used to live in Tallinn", day=9),
    fact("Odile", "lives in Tartu", day=9),
    fact("Odile", "works at a print shop"),
    fact("Odile", "went to a pottery fair in Riga", aspect="statement"),
    fact("Bram", "lives in Ghent"),
    fact("Bram", "likes rainy mornings", aspect="statement"),
]


def test_the_plan_needs_an_aspect_and_a_named_entity() -> None:
    plan = bridge_plan(read_question("Where does Pepper live now?"))
    assert plan is not None and plan.aspect is PLACE and plan.names == ("Pepper",)
    assert bridge_plan(read_question("What colour is Pepper's collar?")) is None
    assert bridge_plan(read_question("Where is it cheapest to live?")) is None
    work = bridge_plan(read_question("Where does Bram's sister work?"))
    assert work is not None and work.aspect is WORK
    assert work.relatives == (("Bram", "sister"),) and work.names == ()


def test_a_pet_is_bridged_to_its_owners_current_city() -> None:
    facts = FakeFacts(OWNED)
    plan = bridge_plan(read_question("Where does Pepper live now?"))
    assert plan is not None
    base = [hit(episode("we had a lovely walk", actor="Bram"), 2.0)]
    extra = bridge_hits(plan, base, lookup=facts.lookup, mentions=facts.mentions)
    summaries = [h.record["summary"] for h in sorted(extra, key=lambda h: -h.score.score)]
    assert summaries == ["lives in Tartu", "has a whippet named Pepper"]
    assert all(h.score.score > 2.0 for h in extra)  # ahead of the question's own hits
    assert facts.searches == ["Pepper"]
    assert len(facts.lookups) == 2  # the entity's keys, then the owner's keys


def test_the_entitys_own_relation_fact_links_without_a_search() -> None:
    facts = FakeFacts([*OWNED, fact("Pepper", "is Odile's dog")])
    plan = bridge_plan(read_question("Which city does Pepper live in?"))
    assert plan is not None
    extra = bridge_hits(plan, [], lookup=facts.lookup, mentions=facts.mentions)
    assert {h.record["summary"] for h in extra} == {"is Odile's dog", "lives in Tartu"}
    assert facts.searches == []


def test_a_speaker_or_an_entity_with_the_fact_is_not_bridged() -> None:
    facts = FakeFacts([*OWNED, fact("Pepper", "lives in Narva"), fact("Bram", "met Odile")])
    for question in ("Where does Pepper live now?", "Where does Bram live?"):
        plan = bridge_plan(read_question(question))
        assert plan is not None
        assert bridge_hits(plan, [], lookup=facts.lookup, mentions=facts.mentions) == []
    # a speaker with no fact on the aspect is not bridged to a friend who names them
    speaker = FakeFacts(
        [
            *OWNED[:5],
            fact("Odile", "went hiking with Bram"),
            fact("Bram", "likes fog", aspect="statement"),
        ]
    )
    plan = bridge_plan(read_question("Where does Bram live?"))
    assert plan is not None
    assert bridge_hits(plan, [], lookup=speaker.lookup, mentions=speaker.mentions) == []


def test_a_relative_is_read_from_the_persons_facts() -> None:
    facts = FakeFacts(
        [
            fact("Bram", "has a sister named Lotte"),
            fact("Lotte", "works at a bike shop in Leuven"),
            fact("Lotte", "likes jazz"),
        ]
    )
    plan = bridge_plan(read_question("Where does Bram's sister work?"))
    assert plan is not None
    extra = bridge_hits(plan, [], lookup=facts.lookup, mentions=facts.mentions)
    assert {h.record["summary"] for h in extra} == {
        "has a sister named Lotte",
        "works at a bike shop in Leuven",
    }


def test_link_and_aspect_helpers() -> None:
    assert speaks([fact("Odile", "went to a fair", aspect="statement")])
    assert not speaks([fact("Pepper", "is Odile's dog")])
    current = aspect_facts([f for f in OWNED if f.name == "Odile"], PLACE)
    assert [f.summary for f in current] == ["lives in Tartu"]  # the past city stays out
    found = owners("Pepper", [], lambda name: list(OWNED))
    assert [name for name, _ in found] == ["Odile"]
    rel = relatives_of("Bram", "boss", [fact("Bram", "boss is Ines Marek")])
    assert [name for name, _ in rel] == ["Ines Marek"]


def test_merge_keeps_the_higher_score() -> None:
    low = hit(fact("Odile", "lives in Tartu"), 0.1)
    high = low.model_copy(update={"score": low.score.model_copy(update={"score": 3.0})})
    merged = merge_hits([low], [high])
    assert len(merged) == 1 and merged[0].score.score == 3.0
    # the other hits keep their order (a lifted fact may rank above a higher score)
    others = [hit(fact("Bram", "likes fog"), 0.2), hit(fact("Bram", "likes rain"), 0.9)]
    assert merge_hits(others, []) == others
    assert merge_hits([*others, high], [low]) == [*others, high]  # a lower score adds nothing
    added = merge_hits(others, [high])
    assert added == [high, *others]
    assert entity_key("Odile") == fact_key("Odile")


def test_the_offline_answer_states_the_bridged_value() -> None:
    facts = FakeFacts(OWNED)
    cues = read_question("Where does Pepper live now?")
    plan = bridge_plan(cues)
    assert plan is not None
    extra = bridge_hits(plan, [], lookup=facts.lookup, mentions=facts.mentions)
    context = [hit(episode("Pepper loves the beach at Pirita", actor="Odile"), 0.5), *extra]
    found = bridge_answer(cues, context)
    assert found is not None and found[0] == "Tartu"
    assert context[found[1]].record["summary"] == "lives in Tartu"
    assert bridge_answer(cues, context[:1]) is None  # nothing bridged: no bridged answer
    plain = [hit(fact("Odile", "lives in Tartu"), 3.0)]  # retrieved, not bridged
    assert bridge_answer(cues, plain) is None


def test_an_unnamed_thing_is_bridged_to_the_person_who_has_one() -> None:
    facts = FakeFacts(
        [
            *OWNED,
            fact("Bram", "adopted a grey cat", aspect="statement"),
            fact("Bram", "saw a cat on the roof", aspect="statement"),
        ]
    )
    plan = bridge_plan(read_question("Which city does the whippet live in now?"))
    assert plan is not None and plan.things == ("whippet",) and plan.names == ()
    extra = bridge_hits(plan, [], lookup=facts.lookup, mentions=facts.mentions)
    assert {h.record["summary"] for h in extra} == {"has a whippet named Pepper", "lives in Tartu"}
    cat = bridge_plan(read_question("Where does the cat live?"))
    assert cat is not None
    extra = bridge_hits(cat, [], lookup=facts.lookup, mentions=facts.mentions)
    assert {h.record["summary"] for h in extra} == {"adopted a grey cat", "lives in Ghent"}
    assert bridge_plan(read_question("Where did the team go?")) is None


def test_a_link_to_a_person_the_question_names_is_no_bridge() -> None:
    facts = FakeFacts([*OWNED[:5], fact("Odile", "has a friend at Harbourline Freight")])
    # "Harbourline" is no speaker; the fact naming it is about Odile, whom the question names
    plan = bridge_plan(read_question("When did Odile start working at Harbourline?"))
    assert plan is not None
    assert bridge_hits(plan, [], lookup=facts.lookup, mentions=facts.mentions) == []
    plan = bridge_plan(read_question("Where does Harbourline's driver work?"))
    assert plan is not None


def test_the_bridged_value_answers_no_date_or_person_question() -> None:
    facts = FakeFacts(OWNED)
    plan = bridge_plan(read_question("Where does Pepper live now?"))
    assert plan is not None
    extra = bridge_hits(plan, [], lookup=facts.lookup, mentions=facts.mentions)
    for question in ("When did Pepper move to a new city?", "Who walks Pepper where she lives?"):
        assert bridge_answer(read_question(question), extra) is None
    assert bridge_answer(read_question("Which city does Pepper live in?"), extra) is not None


def test_a_name_that_speaks_in_the_retrieved_turns_costs_no_lookup() -> None:
    facts = FakeFacts(OWNED)
    plan = bridge_plan(read_question("Where does Odile live now?"))
    assert plan is not None
    turns = [hit(episode("we moved last spring", actor="Odile"))]
    assert bridge_hits(plan, turns, lookup=facts.lookup, mentions=facts.mentions) == []
    assert facts.lookups == [] and facts.searches == []


def test_a_role_without_its_holder_is_bridged_through_the_holders_relation_fact() -> None:
    facts = FakeFacts(
        [
            fact("User", "coach is Halvard Moe"),
            fact("Halvard Moe", "is the user's coach"),
            fact("Halvard Moe", "lives in Bergen"),
            fact("Sunniva", "is the user's sister"),
            fact("Sunniva", "lives in Oslo"),
        ]
    )
    plan = bridge_plan(read_question("Which city does my coach live in now?"))
    assert plan is not None and plan.roles == ("coach",) and plan.names == ()
    plan = replace(plan, relatives=())  # the holder's own fact links, not the user's
    extra = bridge_hits(plan, [], lookup=facts.lookup, mentions=facts.mentions)
    assert {h.record["summary"] for h in extra} == {"is the user's coach", "lives in Bergen"}
    assert facts.searches == ["coach"]
    # a role word's synonym and a plural possessor: "the kids' former babysitter" → nanny
    sitter = bridge_plan(read_question("Which town is the kids' former babysitter moving to?"))
    assert sitter is not None and sitter.roles == ("nanny",)
    assert bridge_plan(read_question("What did my coach say about stretching?")) is None


def test_a_relatives_role_word_reads_the_canonical_role_fact() -> None:
    found = relatives_of("Bram", "boss", [fact("Bram", "manager is Ines Kral")])
    assert [name for name, _ in found] == ["Ines Kral"]


def test_a_former_role_holder_is_read_from_the_retired_holder_fact() -> None:
    rosa = fact("Rosa Delgado", "is the user's nanny").model_copy(
        update={"valid_to": datetime(2024, 5, 20, tzinfo=UTC)}
    )
    facts = FakeFacts(
        [
            fact("User", "nanny is Mei Tanaka"),
            fact("Mei Tanaka", "is the user's nanny"),
            fact("Mei Tanaka", "lives in Lyon"),
            rosa,
            fact("Rosa Delgado", "lives in Porto"),
        ]
    )
    former = bridge_plan(read_question("Which city is my former nanny moving to?"))
    assert former is not None and former.roles == ("nanny",) and former.former == ("nanny",)
    former = replace(former, relatives=())
    extra = bridge_hits(
        former, [], lookup=facts.lookup, mentions=facts.mentions, retired=facts.retired
    )
    assert {h.record["summary"] for h in extra} == {"is the user's nanny", "lives in Porto"}
    assert {h.record["name"] for h in extra} == {"Rosa Delgado"}
    # without a read of retired facts no former holder is guessed
    assert bridge_hits(former, [], lookup=facts.lookup, mentions=facts.mentions) == []
    now = bridge_plan(read_question("Which city does my nanny live in now?"))
    assert now is not None and now.former == ()
    now = replace(now, relatives=())
    extra = bridge_hits(
        now, [], lookup=facts.lookup, mentions=facts.mentions, retired=facts.retired
    )
    assert {h.record["name"] for h in extra} == {"Mei Tanaka"}


def test_only_the_places_lived_profile_answers_where_someone_lives() -> None:
    travels = fact("Odile", HEADINGS[VISITED] + "Lapland, Crete", aspect=VISITED)
    older = fact("Odile", HEADINGS[PLACES] + "Malta", aspect=PLACES)
    home = fact("Odile", HEADINGS[LIVED] + "Narva", aspect=LIVED)
    facts = FakeFacts([OWNED[0], travels, older])
    cues = read_question("Where does Pepper live now?")
    plan = bridge_plan(cues)
    assert plan is not None
    # a holiday destination (or the older mixed profile) is no residence: nothing bridged
    assert bridge_hits(plan, [], lookup=facts.lookup, mentions=facts.mentions) == []
    assert all(f"|{VISITED}" not in k and f"|{PLACES}" not in k for k in facts.lookups[-1])
    facts = FakeFacts([OWNED[0], travels, home])
    extra = bridge_hits(plan, [], lookup=facts.lookup, mentions=facts.mentions)
    assert {h.record["summary"] for h in extra} == {"has a whippet named Pepper", home.summary}
    found = bridge_answer(cues, extra)
    assert found is not None and found[0] == "Narva"


def test_the_bridged_place_is_the_owners_latest_not_every_place_lived() -> None:
    lived = fact("Odile", HEADINGS[LIVED] + "Narva, Tallinn, Tartu", aspect=LIVED)
    cues = read_question("Where does Pepper live now?")
    plan = bridge_plan(cues)
    assert plan is not None
    facts = FakeFacts([OWNED[0], lived])
    extra = bridge_hits(plan, [], lookup=facts.lookup, mentions=facts.mentions)
    found = bridge_answer(cues, extra)
    assert found is not None and found[0] == "Tartu"  # the latest stated, not the list
    # a single-valued residence fact wins over the list, whatever the list's score
    home = fact("Odile", "lives in Viljandi", day=9)
    facts = FakeFacts([OWNED[0], lived, home])
    extra = bridge_hits(plan, [], lookup=facts.lookup, mentions=facts.mentions)
    raised = [
        h.model_copy(update={"score": h.score.model_copy(update={"score": 9.0})})
        if h.record["summary"] == lived.summary
        else h
        for h in extra
    ]
    found = bridge_answer(cues, raised)
    assert found is not None and found[0] == "Viljandi"
