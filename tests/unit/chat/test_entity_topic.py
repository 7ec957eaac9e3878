"""Entity-expansion facts that share no word of the question go below the turns."""

from __future__ import annotations

from mirix_py._chat.cues import read_question
from mirix_py._chat.entity_topic import OFF_TOPIC_SCALE, demote_off_topic, own_words
from mirix_py._chat.hits import to_hit
from mirix_py._chat.models import Hit, ScoreBreakdown
from mirix_py._memory import SemanticMemory
from tests.unit.chat.helpers import episode, hit


def _fact(summary: str, score: float, stage: str = "entity") -> Hit:
    record = SemanticMemory(user_id="u", name="Ana", summary=summary)
    made = to_hit(record, reveal=True, stage="entity", score=ScoreBreakdown(score=score))
    return made.model_copy(update={"stage": stage})


def test_an_off_topic_entity_fact_drops_below_a_filling_turn() -> None:
    cues = read_question("What does Ana want to do when she goes to Lisbon?")
    assert own_words(cues, "Ana") == {"lisbon"}
    pizza = _fact("Ana likes pizza", 0.22)
    trip = _fact("Ana plans a trip to Lisbon in May", 0.22)
    tram = "I'd ride the old tram up the hill"
    turn = hit(episode(tram, actor="Ana"), 0.2, stage="fill")
    out = {
        h.record.get("summary"): h.score.score for h in demote_off_topic([pizza, trip, turn], cues)
    }
    assert out["Ana likes pizza"] == OFF_TOPIC_SCALE * 0.22 < out[tram]
    assert out["Ana plans a trip to Lisbon in May"] == 0.22
    assert out[tram] == 0.2


def test_a_fact_ranked_on_its_own_and_a_name_only_question_are_left_alone() -> None:
    ranked = _fact("Ana likes pizza", 0.9, stage="fine")
    cues = read_question("What does Lisbon mean to Ana?")
    assert demote_off_topic([ranked], cues)[0].score.score == 0.9
    bare = read_question("What did Ana do?")
    pizza = _fact("Ana likes pizza", 0.22)
    assert demote_off_topic([pizza], bare)[0].score.score == 0.22
