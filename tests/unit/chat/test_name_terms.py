"""A speaker's name as a full-text term: it adds to a topical match, never stands alone
(invented text)."""

from __future__ import annotations

import numpy as np

from mirix_py._chat.cues import read_question, stem
from mirix_py._chat.episodes import CandidatePool
from mirix_py._chat.name_terms import gated_bm25, speaker_name_stems
from mirix_py._chat.scoring import Fusion, IndexQuery, rank_pool
from tests.unit.chat.helpers import episode

FUSION = Fusion(k=20, vector_weight=1.0, fts_weight=0.7)
FAR = [0.0, 1.0]


def _pool() -> CandidatePool:
    return CandidatePool.build(
        [
            episode("Ha, see you!", actor="Odile", session="a", sequence=0, vector=FAR),
            episode("Thanks Odile.", actor="Bram", session="a", sequence=1, vector=FAR),
            episode("Okay, good night.", actor="Odile", session="b", sequence=0, vector=FAR),
            episode(
                "The ferry to the island was late but the kayak tour made up for it.",
                actor="Odile",
                session="c",
                sequence=0,
                vector=[0.7, 0.7],
            ),
            episode(
                "My kayak sprang a leak last spring.",
                actor="Bram",
                session="c",
                sequence=1,
                vector=FAR,
            ),
            episode(
                "Sold the old bicycle and bought a rowing machine instead.",
                actor="Bram",
                session="d",
                sequence=0,
                vector=[1.0, 0.0],
            ),
        ]
    )


def _text(pool: CandidatePool, i: int) -> str:
    return str(pool.records[i]["summary"])


def test_the_names_that_are_speakers_of_the_pool() -> None:
    pool = _pool()
    cues = read_question("Which kayak tour did Odile and Priya take on Lanzarote?")
    assert speaker_name_stems(pool, cues) == frozenset({stem("Odile")})


def test_a_name_alone_gives_no_full_text_score() -> None:
    pool = _pool()
    cues = read_question("What did Odile think of the kayak tour?")
    names = speaker_name_stems(pool, cues)
    scores = gated_bm25(pool, cues.stems, names)
    by_text = {_text(pool, i): float(s) for i, s in enumerate(scores)}
    assert by_text["Ha, see you!"] == 0.0 and by_text["Okay, good night."] == 0.0
    assert by_text["Thanks Odile."] == 0.0  # said to her, about nothing asked
    # the name still adds to a topical match: her kayak line beats Bram's
    assert by_text["My kayak sprang a leak last spring."] > 0
    tour = "The ferry to the island was late but the kayak tour made up for it."
    assert by_text[tour] > by_text["My kayak sprang a leak last spring."]
    # plain BM25 would give her short lines a full-text score
    plain = pool.bm25(cues.stems)
    assert plain[0] > 0 and plain[2] > 0


def test_a_question_of_names_alone_keeps_them_as_terms() -> None:
    pool = _pool()
    cues = read_question("Who is Odile?")
    names = speaker_name_stems(pool, cues)
    assert np.array_equal(gated_bm25(pool, cues.stems, names), pool.bm25(cues.stems))


def test_name_only_lines_no_longer_outrank_a_line_close_in_meaning() -> None:
    # nothing says "exercise"; the dense side finds Bram's rowing machine, and Odile's
    # short goodbyes must not pass it on the strength of her name alone
    pool = _pool()
    cues = read_question("What exercise equipment did Odile recommend?")
    query = IndexQuery([1.0, 0.0], cues.stems, cues.text)
    hits = rank_pool(pool, [query], cues=cues, fusion=FUSION, limit=6)
    order = [h.record["summary"] for h in hits]
    rowing = "Sold the old bicycle and bought a rowing machine instead."
    assert order.index(rowing) < order.index("Ha, see you!")
    assert order.index(rowing) < order.index("Okay, good night.")
    assert all(h.score.fts is None for h in hits)  # no topical word matched anywhere
