"""Shared-aspect retrieval: what two people have in common, from both sides' items."""

from __future__ import annotations

from mirix_py._chat.cues import read_question
from mirix_py._chat.shared import (
    shared_answer,
    shared_hits,
    shared_pair,
    shared_phrases,
    shared_topics,
)
from mirix_py._memory import MemoryRecord
from mirix_py._memory.profiles import HEADINGS, LIVED, PLACES, VISITED
from mirix_py._store.keys import record_keys
from tests.unit.chat.helpers import episode, hit
from tests.unit.chat.test_bridge import fact

FACTS = [
    fact("Kofi", "activities and hobbies: kayaking, chess, baking", aspect="profile:activities"),
    fact("Kofi", "likes spicy stews"),
    fact("Kofi", "painted a lighthouse at dusk", aspect="statement"),
    fact("Lena", "activities and hobbies: chess, climbing", aspect="profile:activities"),
    fact("Lena", "likes spicy stews and quiet cafes"),
    fact("Lena", "painted a lighthouse for her aunt", aspect="statement"),
    fact("Lena", "works at a ferry office"),
    fact("Tomas", "activities and hobbies: chess", aspect="profile:activities"),
]


class FakeFacts:
    """Facts by key and by entity-name search; records the reads."""

    def __init__(self) -> None:
        self.lookups: list[list[str]] = []
        self.searches: list[str] = []

    def lookup(self, keys: list[str]) -> list[MemoryRecord]:
        self.lookups.append(keys)
        return [f for f in FACTS if record_keys(f)["entity"] in keys]

    def search(self, names: list[str]) -> list[MemoryRecord]:
        self.searches.extend(names)
        return [f for f in FACTS if f.name in names and f.aspect == "statement"]


def test_the_gate_needs_a_shared_word_and_two_joined_names() -> None:
    pair = shared_pair(read_question("What do Kofi and Lena have in common?"))
    assert pair is not None and (pair.first, pair.second) == ("Kofi", "Lena")
    assert pair.topic == frozenset()
    painted = shared_pair(read_question("What subject have Kofi and Lena both painted?"))
    assert painted is not None and painted.topic == {"subject", "paint"}
    assert shared_pair(read_question("What did Kofi share with Lena last week?")) is None
    assert shared_pair(read_question("What do Kofi and Lena like?")) is None


def test_items_both_people_hold_rank_first_from_both_sides() -> None:
    pair = shared_pair(read_question("What hobbies do Kofi and Lena share?"))
    assert pair is not None
    reads = FakeFacts()
    base = [hit(episode("the weather was grim", actor="Tomas"), 5.0)]
    extra = shared_hits(pair, base, lookup=reads.lookup, search=reads.search)
    ranked = sorted(extra, key=lambda h: -h.score.score)
    assert ranked and all(h.score.score > 5.0 for h in ranked)
    assert {h.record["name"] for h in ranked[:2]} == {"Kofi", "Lena"}  # both sides first
    assert all("works at" not in h.record["summary"] for h in ranked)  # nothing shared there
    assert "Tomas" not in {h.record["name"] for h in ranked}
    assert reads.searches == ["Kofi", "Lena"] and len(reads.lookups) == 1


def test_shared_topics_are_held_by_both() -> None:
    pair = shared_pair(read_question("What do Kofi and Lena have in common?"))
    assert pair is not None
    topics = shared_topics(pair, [hit(f) for f in FACTS])
    assert {"chess", "spici", "stew", "lighthous", "paint"} <= set(topics)
    assert "kayak" not in topics and "climb" not in topics and "ferri" not in topics


def test_the_offline_answer_names_the_shared_items() -> None:
    hits = [hit(f) for f in FACTS]
    found = shared_answer(read_question("What subject have Kofi and Lena both painted?"), hits)
    assert found is not None
    text, refs = found
    assert "lighthouse" in text and "paint" not in text  # the question's own word is no answer
    assert refs
    assert shared_answer(read_question("Did Kofi and Lena both paint?"), hits) is None
    assert shared_answer(read_question("Where does Kofi live?"), hits) is None


def test_phrases_keep_multi_word_items_whole() -> None:
    chosen = {"lantern", "quartet", "spici", "stew"}
    text = "really loves the Lantern Quartet, and spicy stews with friends"
    assert shared_phrases(text, chosen, set()) == ["Lantern Quartet", "spicy stews"]


def test_people_and_how_the_two_are_related_are_no_shared_topic() -> None:
    facts = [
        fact("Kofi", "has a cousin named Lena"),
        fact("Lena", "is Kofi's cousin"),
        fact("Kofi", "went rowing with Ama", aspect="statement"),
        fact("Lena", "met Ama at the rowing club", aspect="statement"),
        fact("Ama", "likes rowing"),
    ]
    pair = shared_pair(read_question("What do Kofi and Lena have in common?"))
    assert pair is not None
    topics = shared_topics(pair, [hit(f) for f in facts])
    assert "row" in topics
    assert "ama" not in topics  # a third person's name
    assert "cousin" not in topics  # the facts that relate the two


def test_the_offline_answer_names_a_multi_word_item() -> None:
    facts = [
        fact("Kofi", "likes the Lantern Quartet"),
        fact("Lena", "is a huge fan of the Lantern Quartet"),
        fact("Lena", "went to the lake", aspect="statement"),
    ]
    found = shared_answer(
        read_question("Which band do Kofi and Lena both like?"), [hit(f) for f in facts]
    )
    assert found is not None and found[0] == "Lantern Quartet"


def test_the_answer_keeps_to_the_items_on_the_questions_topic() -> None:
    facts = [
        fact("Kofi", "volunteered at the harbour food bank", aspect="statement"),
        fact("Lena", "volunteers at the harbour food bank on Sundays", aspect="statement"),
        fact("Kofi", "had a family dinner", aspect="statement"),
        fact("Kofi", "took a family trip to the coast", aspect="statement"),
        fact("Lena", "planted a family garden", aspect="statement"),
        fact("Lena", "hosted a family picnic", aspect="statement"),
    ]
    found = shared_answer(
        read_question("What volunteering have Kofi and Lena both done?"), [hit(f) for f in facts]
    )
    assert found is not None and found[0] == "harbour food bank"


def test_the_answer_prefers_what_both_peoples_facts_hold() -> None:
    hits = [
        hit(fact("Kofi", "likes chess")),
        hit(fact("Lena", "plays chess on Sundays", aspect="statement")),
        hit(episode("I walked to the harbour without an umbrella", actor="Kofi")),
        hit(episode("the harbour was grey and I forgot my umbrella", actor="Lena")),
    ]
    found = shared_answer(read_question("What do Kofi and Lena have in common?"), hits)
    assert found is not None and found[0] == "chess"
    turns_only = shared_answer(read_question("What do Kofi and Lena have in common?"), hits[2:])
    assert turns_only is not None and "umbrella" in turns_only[0]  # no shared fact: the turns


def test_places_from_the_visited_lived_and_older_profiles_are_shared_items() -> None:
    facts = [
        fact("Kofi", HEADINGS[VISITED] + "Zanzibar, Oslo", aspect=VISITED),
        fact("Lena", HEADINGS[LIVED] + "Oslo", aspect=LIVED),
        fact("Lena", HEADINGS[PLACES] + "Zanzibar", aspect=PLACES),  # stored by an older version
    ]
    asked: list[list[str]] = []

    def lookup(keys: list[str]) -> list[MemoryRecord]:
        asked.append(keys)
        return [f for f in facts if record_keys(f)["entity"] in keys]

    pair = shared_pair(read_question("Which cities have Kofi and Lena both been to?"))
    assert pair is not None
    extra = shared_hits(pair, [], lookup=lookup, search=lambda names: [])
    assert {h.record["aspect"] for h in extra} == {VISITED, LIVED, PLACES}
    assert {f"lena|{a}" for a in (LIVED, VISITED, PLACES)} <= set(asked[0])
