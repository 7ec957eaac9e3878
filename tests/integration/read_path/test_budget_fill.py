"""The conversation's turns fill the context budget the selected stores leave unused."""

from __future__ import annotations

from mirix_py._chat.cues import read_question
from mirix_py._chat.models import Hit, TargetQuery
from mirix_py._memory import MemoryType
from mirix_py._system import MemorySystem


def _fine(system: MemorySystem, question: str, selected: list[MemoryType]) -> list[Hit]:
    retriever = system._chat_deps.retriever
    cues = read_question(question)
    vector = retriever.embed(cues.text)
    pools = retriever.coarse(
        user_id="ann",
        cues=cues,
        vector=vector,
        types=retriever.enabled_types(),
        as_of=None,
        reveal=False,
        key="fill-test",
    )
    return retriever.fine(
        user_id="ann",
        cues=cues,
        vector=vector,
        targets=[TargetQuery(memory_type=t, query=cues.text) for t in selected],
        pools=pools,
        as_of=None,
        reveal=False,
        notes=[],
        key="fill-test",
    )


def test_turns_fill_in_below_the_facts_of_a_semantic_only_plan(ann_shared: MemorySystem) -> None:
    hits = _fine(ann_shared, "Who teaches Ann Portuguese?", [MemoryType.SEMANTIC])
    facts = [h for h in hits if h.stage == "fine"]
    filler = [h for h in hits if h.stage == "fill"]
    assert facts and all(h.memory_type is MemoryType.SEMANTIC for h in facts)
    assert filler and all(h.memory_type is MemoryType.EPISODIC for h in filler)
    assert min(h.score.score for h in facts) > max(h.score.score for h in filler)
    assert any("Rui" in str(h.record.get("summary")) for h in filler)


def test_no_filler_when_the_turns_were_selected(ann_shared: MemorySystem) -> None:
    hits = _fine(
        ann_shared, "Who teaches Ann Portuguese?", [MemoryType.EPISODIC, MemoryType.SEMANTIC]
    )
    assert hits and not [h for h in hits if h.stage == "fill"]
