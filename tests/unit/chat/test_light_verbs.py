"""Light verbs of a question: no full-text weight, no topical pass for glue."""

from __future__ import annotations

from mirix_py._chat.compose import build_context
from mirix_py._chat.cues import read_question, stem
from mirix_py._chat.episodes import CandidatePool
from mirix_py._chat.light_verbs import topical
from mirix_py._chat.scoring import Fusion, IndexQuery, rank_pool
from tests.unit.chat.helpers import episode, hit

FUSION = Fusion(k=20, vector_weight=1.0, fts_weight=0.7)


def test_light_verbs_leave_when_the_question_has_a_word_of_its_own() -> None:
    cues = read_question("What does Ana want to do when she goes to Lisbon?")
    kept = topical(cues.stems, ["Ana", "Ben"])
    assert stem("lisbon") in kept
    assert not {stem("want"), stem("goes"), stem("go")} & kept


def test_a_question_of_a_name_and_light_verbs_keeps_them() -> None:
    cues = read_question("What did Ana want to get?")
    assert topical(cues.stems, ["Ana", "Ben"]) == cues.stems
    assert stem("want") in cues.stems


def test_farewells_sharing_light_verbs_do_not_outrank_the_topical_turn() -> None:
    same = [0.6, 0.8]  # one meaning for all: only the full-text side tells them apart
    pool = CandidatePool.build(
        [
            episode("Want to go? Let's go!", actor="Ana", session="a", sequence=0, vector=same),
            episode("See you, go go go!", actor="Ben", session="b", sequence=0, vector=same),
            episode("I want to go too!", actor="Ben", session="c", sequence=0, vector=same),
            episode(
                "In Lisbon I'd love to ride the old tram up the hill and try every bakery",
                actor="Ana",
                session="d",
                sequence=0,
                vector=same,
            ),
            episode("Going there? Want to see?", actor="Ben", session="e", sequence=0, vector=same),
        ]
    )
    question = "What does Ana want to do when she goes to Lisbon?"
    cues = read_question(question)
    query = IndexQuery([1.0, 0.0], cues.stems, question)
    hits = rank_pool(pool, [query], cues=cues, fusion=FUSION, limit=5)
    assert hits[0].record["summary"].startswith("In Lisbon")


def test_a_farewell_sharing_a_light_verb_still_goes_last() -> None:
    hits = [
        hit(episode("See you later! Take care!", actor="Ben", sequence=1), 3.0),
        hit(episode("The harbour seals were out on the rocks.", actor="Ana", sequence=2), 2.0),
    ]
    question = read_question("What did Ana see at the harbour?")
    focused = build_context([], hits, budget_tokens=1000, question=question)
    assert focused.refs[1].record["summary"].startswith("The harbour seals")


def test_a_light_verb_written_with_a_capital_is_part_of_a_name() -> None:
    cues = read_question("What is Ana's best time in Go Fest?")
    assert stem("go") in topical(cues.stems, ["Ana"], cues.names)
    plain = read_question("Where did Ana go for the marathon?")
    assert stem("go") not in topical(plain.stems, ["Ana"], plain.names)
