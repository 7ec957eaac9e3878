"""Spending the context budget on what carries information.

Conversations are full of social glue — greetings, thanks, cheering ("Go Jon!
You got this!", "Wow, that's awesome!") — that a search may still rank highly
(it names the person asked about, or sits next to a good turn). Rendered whole,
such sentences take the room of turns that hold facts. Three small rules:

- :func:`condense` drops the *phatic* sentences of a turn: sentences whose
  content words are all conversational glue (:data:`PHATIC`), the names of the
  people talking, or stopwords — unless the sentence shares a content word with
  the question (then it may be what is asked about). Annotations in brackets
  (resolved dates, photo captions) always stay.
- :func:`is_phatic` says whether a whole turn is glue; such turns are placed
  after every informative memory, so they only fill budget that would be unused.
- :func:`only_asks` says whether what is left of a turn is only questions put to
  the other speaker ("What inspired it?") that share no content word with the
  question asked now; such a turn holds no fact of its own, so it goes with the
  glue too (it is still shown whole when there is room, as context for a reply).
  Its sentences end at any ``.``, ``!`` or ``?`` before a space, whatever case
  follows: chat is often typed in lower case ("he's 14 kg now. how much should he
  eat?") or as lines without full stops, and a turn that states something
  before its closing question is not only asking.

Both are plain English heuristics; nothing depends on a dataset's wording.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from mirix_py._chat.cues import STOPWORDS, sentences, stem
from mirix_py._text import NOT_AFTER_ABBREVIATION

PHATIC: frozenset[str] = frozenset(
    """hey hi hello hiya bye goodbye cya thanks thank thx ty welcome wow woah whoa yay
    yeah yes yep yup no nope nah ok okay oh ah ahh aw aww ha haha hah lol hmm um uh
    cool nice great awesome amazing wonderful fantastic incredible terrific super
    sweet neat rad brilliant glad sorry congrats congratulations cheers
    good fun hear heard sound sounds seem seems totally definitely absolutely sure
    true right agree agreed exactly indeed course keep going go luck care soon talk
    chat catch later take let means mean lot appreciate appreciated appreciates thanks
    bet guess know knew think see saw yo dude man gonna gotta wanna ya
    you've you're i'm it's that's there's what's how's so very too much well
    again since spoke catching hang hanging always here anytime tho though
    pumped stoked support supportive encouragement encouraging kind words hope
    hopefully enjoy happen happened happening doing anything everything something
    stuff""".split()
)
"""Words of conversational glue (greetings, thanks, interjections, cheering)."""

_PHATIC_STEMS: frozenset[str] = frozenset(stem(w) for w in PHATIC)
_ANNOTATION = re.compile(r"\[[^\[\]]*\]")
_TOKEN = re.compile(r"[^\W_]+")
_ANY_SENTENCE_END = re.compile(r"(?<=[.!?])" + NOT_AFTER_ABBREVIATION + r"\s+|\s*\n\s*")
"""A sentence end in chat typed in lower case as well: ``.``, ``!`` or ``?`` and a space,
or a line break (a turn written as lines: "- moving on 7 May" then "- any tips?")."""


def _is_name(token: str, names: frozenset[str]) -> bool:
    """A person's name, or a capitalised short form of it ("Mel" for "Melanie")."""
    word = token.lower()
    if word in names:
        return True
    return token[:1].isupper() and len(word) >= 3 and any(n.startswith(word) for n in names)


def _content(text: str, names: frozenset[str]) -> set[str]:
    """Stems of the words of ``text`` that are neither stopwords nor the names given."""
    return {
        stem(token.lower())
        for token in _TOKEN.findall(_ANNOTATION.sub(" ", text))
        if token.lower() not in STOPWORDS and len(token) > 1 and not _is_name(token, names)
    }


def _phatic_sentence(sentence: str, names: frozenset[str], question: frozenset[str]) -> bool:
    if _ANNOTATION.search(sentence):
        return False  # a photo caption or a resolved date is information
    content = _content(sentence, names)
    if content & question:
        return False
    return content <= _PHATIC_STEMS


def condense(text: str, names: Iterable[str], question: frozenset[str] = frozenset()) -> str:
    """``text`` without its phatic sentences (see the module docstring); the empty
    string when every sentence is phatic. ``names`` are lower-cased person names
    (the speakers), ``question`` the question's content stems."""
    lowered = frozenset(n.lower() for n in names)
    kept = [s for s in sentences(text) if not _phatic_sentence(s, lowered, question)]
    return " ".join(kept)


def is_phatic(text: str, names: Iterable[str], question: frozenset[str] = frozenset()) -> bool:
    """True when every sentence of ``text`` is phatic (see :func:`condense`)."""
    return not condense(text, names, question).strip()


def only_asks(text: str, names: Iterable[str], question: frozenset[str] = frozenset()) -> bool:
    """True when every sentence :func:`condense` keeps of ``text`` is a question
    sharing no content word with ``question`` (see the module docstring); False for
    a wholly phatic turn (:func:`is_phatic` covers it)."""
    lowered = frozenset(n.lower() for n in names)
    parts = [p for s in sentences(text) for p in _ANY_SENTENCE_END.split(s) if p.strip()]
    kept = [s for s in parts if not _phatic_sentence(s, lowered, question)]
    return bool(kept) and all(
        s.rstrip().endswith("?") and not _content(s, lowered) & question for s in kept
    )


@dataclass(frozen=True)
class Focus:
    """What condensing needs: the people's names (lower-cased) and the question's stems."""

    names: frozenset[str]
    question: frozenset[str]

    def condense(self, text: str) -> str:
        """``text`` without its phatic sentences (:func:`condense`)."""
        return condense(text, self.names, self.question)

    def only_asks(self, text: str) -> bool:
        """Whether ``text`` keeps only questions off the subject (:func:`only_asks`)."""
        return only_asks(text, self.names, self.question)
