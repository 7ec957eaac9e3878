"""A question's verb finds its irregular past in full text (invented text)."""

from __future__ import annotations

from mirix_py._chat.cues import read_question, stem
from mirix_py._chat.episodes import CandidatePool
from mirix_py._chat.scoring import Fusion, IndexQuery, rank_pool
from mirix_py._chat.verb_forms import with_past_forms
from tests.unit.chat.helpers import episode

FUSION = Fusion(k=20, vector_weight=1.0, fts_weight=0.7)


def test_a_verb_brings_its_irregular_past_forms() -> None:
    stems = with_past_forms({stem("teach"), stem("violin")})
    assert {stem("taught"), stem("teach"), stem("violin")} <= stems
    assert stem("sought") in with_past_forms({stem("seek")})
    assert with_past_forms({stem("violin")}) == {stem("violin")}


def test_light_verbs_bring_nothing() -> None:
    # "went", "got", "made" would match nearly every memory
    assert with_past_forms({stem("go"), stem("make")}) == {stem("go"), stem("make")}


def test_the_line_in_the_past_tense_gets_a_full_text_rank() -> None:
    same = [0.6, 0.8]
    pool = CandidatePool.build(
        [
            episode("Do you still play anything?", actor="Odile", session="a", vector=same),
            episode(
                "I taught cello at the conservatory for nine years.",
                actor="Bram",
                session="a",
                sequence=1,
                vector=same,
            ),
            episode("The weather turned cold again.", actor="Bram", session="b", vector=same),
        ]
    )
    cues = read_question("What instrument did Bram teach?")
    hits = rank_pool(
        pool, [IndexQuery([1.0, 0.0], cues.stems, cues.text)], cues=cues, fusion=FUSION, limit=3
    )
    assert hits[0].record["summary"].startswith("I taught cello")
    fts = {h.record["summary"]: h.score.fts or 0.0 for h in hits}
    # both of Bram's lines carry his name; only one says what he taught
    assert (
        fts["I taught cello at the conservatory for nine years."]
        > fts["The weather turned cold again."]
    )
