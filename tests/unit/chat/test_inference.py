"""Character questions read the named people's values and qualities profiles."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mirix_py._chat.inference import asks_character, profile_hits
from mirix_py._chat.models import Hit, ScoreBreakdown
from mirix_py._embeddings import CachedEmbeddings
from mirix_py._memory import ALL_MEMORY_TYPES, MemoryType
from mirix_py._memory.extract_common import Turn
from mirix_py._memory.profiles import profile_id
from mirix_py._memory.semantic import extract_offline
from mirix_py._memory.traits import QUALITIES, VALUES
from mirix_py._store.memory_store import InMemoryStore

AT = datetime(2024, 5, 4, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "question",
    [
        "What attributes describe Odile?",
        "What kind of person is Bram?",
        "What personality traits might Bram say Odile has?",
        "What values does Odile hold?",
    ],
)
def test_character_questions(question: str) -> None:
    assert asks_character(question)


@pytest.mark.parametrize(
    "question",
    ["Where does Odile work?", "What kind of bread did Bram bake?", "Would Odile enjoy jazz?"],
)
def test_other_questions_are_not_about_character(question: str) -> None:
    assert not asks_character(question)


# ------------------------------------------------------------ profiles of the people asked


def _store_with_profiles(embeddings: CachedEmbeddings) -> InMemoryStore:
    store = InMemoryStore(embeddings=embeddings, memory_types=ALL_MEMORY_TYPES)
    turns = [
        Turn(id="t1", role="user", speaker="Odile", content="", timestamp=AT, sequence=0,
             session_id="s", text="Quiet mornings in the garden mean a lot to me."),
        Turn(id="t2", role="user", speaker="Bram", content="", timestamp=AT, sequence=1,
             session_id="s", text="That sounds lovely, you're such a calm person."),
    ]  # fmt: skip
    profiles = [r for r in extract_offline(turns, user_id="u") if r.aspect.startswith("profile:")]
    store.upsert(profiles)
    return store


def _hit(memory_id: str, score: float) -> Hit:
    return Hit(
        memory_id=memory_id,
        memory_type=MemoryType.EPISODIC,
        record={"id": memory_id},
        score=ScoreBreakdown(score=score),
    )


def test_profiles_of_the_person_asked_rank_just_below_the_best_hit(
    embeddings: CachedEmbeddings,
) -> None:
    store = _store_with_profiles(embeddings)
    hits = [_hit("h1", 1.0), _hit("h2", 0.8), _hit("h3", 0.1)]
    question = "What kind of person is Odile, would you say?"
    out = profile_hits(
        store, user_id="u", question=question, names=("Odile",), hits=hits, as_of=None
    )
    assert out[0].memory_id == "h1"
    assert {out[1].memory_id, out[2].memory_id} == {
        profile_id("u", "Odile", VALUES),
        profile_id("u", "Odile", QUALITIES),
    }
    assert out[1].score.score == pytest.approx(0.9)
    assert "quiet mornings in the garden" in str(out[1].record.get("summary", "")) + str(
        out[2].record.get("summary", "")
    )


def test_no_profiles_for_plain_questions_or_other_people(embeddings: CachedEmbeddings) -> None:
    store = _store_with_profiles(embeddings)
    hits = [_hit("h1", 1.0)]
    for question in ("Where does Odile live?", "Would Odile likely enjoy a yoga retreat?"):
        plain = profile_hits(
            store, user_id="u", question=question, names=("Odile",), hits=hits, as_of=None
        )
        assert [h.memory_id for h in plain] == ["h1"]
    other = profile_hits(
        store, user_id="u", question="What attributes describe Bram?", names=("Bram",),
        hits=hits, as_of=None,
    )  # fmt: skip
    assert [h.memory_id for h in other] == ["h1"]  # Bram stated no values, got no praise
    character = profile_hits(
        store, user_id="u", question="What attributes describe Odile?", names=("Odile",),
        hits=hits, as_of=None,
    )  # fmt: skip
    assert len(character) == 3


def test_other_questions_do_not_see_values_or_qualities_profiles(
    embeddings: CachedEmbeddings,
) -> None:
    store = _store_with_profiles(embeddings)
    (values,) = store.get_many([profile_id("u", "Odile", VALUES)], user_id="u")
    found = Hit(
        memory_id=values.id,
        memory_type=MemoryType.SEMANTIC,
        record=values.model_dump(mode="json", exclude={"embedding"}),
        score=ScoreBreakdown(score=0.95),
    )
    hits = [_hit("h1", 1.0), found, _hit("h2", 0.5)]
    out = profile_hits(
        store, user_id="u", question="What does Odile grow in the garden?", names=("Odile",),
        hits=hits, as_of=None,
    )  # fmt: skip
    assert [h.memory_id for h in out] == ["h1", "h2"]
