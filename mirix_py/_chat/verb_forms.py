"""A question's verbs in the forms a conversation tells them: "teach" finds "taught".

People ask in the present ("what did Ines teach?", "what did he buy?") and tell in the
past ("I taught piano for years", "we bought a kayak"). Porter stemming joins "hike" and
"hiked" but not an irregular verb's past: as full-text terms, "teach" and "taught" never
meet. :func:`with_past_forms` adds to a question's stems the stems of the irregular past
forms of its verbs (:data:`mirix_py._text.IRREGULAR_VERBS`, light verbs left out as
:func:`mirix_py._chat.cues.irregular_stems` does: "went", "got", "made" would tie the
question to nearly every memory), for the full-text ranking of a candidate pool
(:func:`mirix_py._chat.scoring.rank_pool`).

Measured (2026-12-02, ``--resume`` on the 7 LOCOMO dev conversations, 1,035
questions): two questions gained coverage ("how did she feel …" found "felt", "what did
he buy …" found "bought"), none lost; pooled coverage 0.830 either way (multi-hop 0.700
→ 0.702). The four assistant-memory dev sets answered every question as before. A small
gain: most questions' verbs are regular, or light verbs left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from mirix_py._chat.cues import irregular_stems


@cache
def _past_forms() -> dict[str, frozenset[str]]:
    """Each verb's stem mapped to the stems of its irregular past forms."""
    forms: dict[str, set[str]] = {}
    for form, verb in irregular_stems().items():
        if form != verb:
            forms.setdefault(verb, set()).add(form)
    return {verb: frozenset(found) for verb, found in forms.items()}


def with_past_forms(stems: Iterable[str]) -> frozenset[str]:
    """``stems`` with the stems of the irregular past forms of the verbs among them
    ("teach" → also "taught")."""
    given = frozenset(stems)
    forms = _past_forms()
    return given.union(*(forms.get(s, frozenset()) for s in given))
