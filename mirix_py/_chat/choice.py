"""Which of the offered options someone chose: the reply that picks one.

Asked "which mixer did he decide to buy?", the answer is rarely worded like the question:
the assistant lists options ("**Ankarsrum Original** — …", '"La Vie en Rose" — …') and the
person answers in a few words of their own — "la vie en rose!! decided", "I'll get her the
Secret Key one", "ok going with your bread pick then". The question's words are in the
request and the options; the choice is in the reply after them. :func:`chosen_option`
finds that reply — a message right after a message listing options, by another speaker,
that names one of the options (or points at the one the lister picked: "your pick",
"what you recommended") — and answers with the option as listed and the words that
chose it.

Only the shape of an offer and a reply is used: options are list items, bold or quoted
names; the pick is "X is my pick", "I'd go with X", "I recommend X".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from mirix_py._chat.answer_text import body_text, strip_annotations, utterances
from mirix_py._chat.cues import content_stems
from mirix_py._chat.draft import Draft
from mirix_py._chat.items import list_items
from mirix_py._chat.models import Hit
from mirix_py._memory import MemoryType

_CHOICE_Q = re.compile(
    r"^\s*(?:which|what)\b.*\b(?:decid(?:e|ed)|cho(?:o?se|sen)|pick(?:ed)?|"
    r"go(?:ne)?\s+with|went\s+with|settle(?:d)?\s+on|opt(?:ed)?\s+for|"
    r"like(?:d)?\s+(?:the\s+)?(?:best|most)|buy|bought|order(?:ed)?|end\s+up)\b",
    re.I,
)
"""A question for what someone chose among options ("which song did they decide on?")."""

_POINTS_AT_PICK = re.compile(
    r"\b(?:your|ur)\s+(?:[\w-]+\s+){0,2}?(?:pick|choice|recommendation|suggestion|favou?rite)\b"
    r"|\b(?:what|the\s+one)\s+you\s+(?:recommend|suggest|pick|chose|like)(?:ed)?\b",
    re.I,
)
"""A reply choosing the option the lister picked ("going with your bread pick")."""

_PICK = re.compile(
    r"\b(?:is|are)\s+my\s+(?:top\s+|first\s+)?(?:pick|choice|recommendation|favou?rite)\b"
    r"|\b(?:I'd|I\s+would|I)\s+(?:go\s+with|recommend|pick|choose)\b"
    r"|\bmy\s+(?:top\s+)?(?:pick|choice|recommendation)\s+(?:is|would\s+be)\b",
    re.I,
)
"""A sentence saying which option the lister picks."""

_NAMED = re.compile(r"\*\*(?P<bold>[^*]{2,80}?)\*\*|[\"“](?P<quoted>[^\"”]{2,80})[\"”]")
_HEAD_END = re.compile(r"\s+[–—-]\s+|:\s|\s+\(|,\s")


def asks_choice(question: str) -> bool:
    """True when ``question`` asks which option someone chose, bought, liked best."""
    return _CHOICE_Q.search(question) is not None


def chosen_option(
    question: str,
    topic: AbstractSet[str],
    told: Sequence[tuple[int, Hit]],
    asked: AbstractSet[str] = frozenset(),
) -> Draft | None:
    """The option a reply chose among those listed just before it (see the module
    docstring), for a choice question (:func:`asks_choice`) about ``topic``; when several
    offers were answered, the one whose offer, request and reply say the most of the topic.
    Only replies by the people asked about (``asked``, lower case) count when they speak.
    None when no reply names an offered option."""
    if not asks_choice(question) or not topic:
        return None
    events = sorted(
        ((ref, hit) for ref, hit in told if _is_event(hit)),
        key=lambda pair: (pair[1].when, pair[1].position or 0),
    )
    best: tuple[float, Draft] | None = None
    for i in range(1, len(events)):
        (offer_ref, offer), (reply_ref, reply) = events[i - 1], events[i]
        if not _adjacent(offer, reply) or _actor(offer) == _actor(reply):
            continue
        if asked and _actor(reply) not in asked and _actor(offer) in asked:
            continue  # the asked person made the offer: the reply is someone else's choice
        options = _options(body_text(offer))
        if len(options) < 2:
            continue
        found = _chosen(options, body_text(offer), body_text(reply))
        if found is None:
            continue
        option, words = found
        request = body_text(events[i - 2][1]) if i >= 2 else ""
        said = set(content_stems(f"{request} {body_text(offer)} {body_text(reply)}"))
        share = len(set(topic) & said) / len(topic)
        if share <= 0:
            continue
        text = option if option.lower() in words.lower() else f"{option} ({words})"
        draft = Draft(text, (reply_ref, offer_ref), False)
        if best is None or share >= best[0]:
            best = (share, draft)
    return best[1] if best is not None else None


def _is_event(hit: Hit) -> bool:
    return hit.memory_type is MemoryType.EPISODIC and hit.when is not None


def _actor(hit: Hit) -> str:
    return str(hit.record.get("actor") or "").strip().lower()


def _adjacent(first: Hit, second: Hit) -> bool:
    """``second`` was said right after ``first`` in the same session."""
    if first.session is None or first.session != second.session:
        return False
    if first.position is None or second.position is None:
        return False
    return 0 < second.position - first.position <= 1


def _options(body: str) -> list[str]:
    """The names of the options a message lists: its bold or quoted names, else the heads
    of its list items (up to a dash, a colon, a bracket or a comma)."""
    named = [_title(m["bold"] or m["quoted"] or "") for m in _NAMED.finditer(body)]
    named = [n for n in named if n and len(content_stems(n)) >= 1]
    if len(named) >= 2:
        return list(dict.fromkeys(named))
    heads = [_HEAD_END.split(item, maxsplit=1)[0].strip() for item in list_items(body)]
    return [h for h in heads if h and len(h.split()) <= 8]


def _title(name: str) -> str:
    """A listed name without its trailing punctuation; a quoted title inside a bold head
    ('**"Perfect" — Ed Sheeran:**') is the name."""
    quoted = re.search(r"[\"“]([^\"”]{2,80})[\"”]", name)
    return (quoted.group(1) if quoted else name).strip(" :.—–-")


def _chosen(options: Sequence[str], offer: str, reply: str) -> tuple[str, str] | None:
    """The option ``reply`` chooses and the reply's words that choose it: the option it
    names (most of its words), else, when it points at the offer's pick ("your pick"), the
    option named in the offer's sentence saying which it picks."""
    for words in utterances(strip_annotations(reply)):
        if words.rstrip().endswith("?"):
            continue
        said = set(content_stems(words))
        scored = [(_share(o, said), o) for o in options]
        share, option = max(scored, key=lambda t: t[0])
        ties = [o for s, o in scored if s == share]
        if share >= 0.5 and len(ties) == 1:
            return option, words
        if _POINTS_AT_PICK.search(words):
            picked = _picked(options, offer, said)
            if picked is not None:
                return picked, words
    return None


def _share(option: str, said: AbstractSet[str]) -> float:
    stems = set(content_stems(option))
    return len(stems & said) / len(stems) if stems else 0.0


def _picked(options: Sequence[str], offer: str, reply_words: AbstractSet[str]) -> str | None:
    """The option named in the offer's sentence that says it is the pick; of several such
    sentences, the one sharing a word with the reply ("your bread pick" ← "for bread, the
    Ankarsrum is my pick")."""
    picks: list[tuple[int, str]] = []
    for sentence in re.split(r"(?<=[.!?;])\s+", strip_annotations(offer)):
        if not _PICK.search(sentence):
            continue
        stems = set(content_stems(sentence))
        named = [o for o in options if set(content_stems(o)) & stems]
        if len(named) == 1:
            picks.append((len(stems & reply_words), named[0]))
    return max(picks, key=lambda t: t[0])[1] if picks else None
