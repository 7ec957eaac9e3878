"""Abstaining when a person's name is asked and the person is never named.

"What is the name of Ines's brother?", "What is Tomas's boss's name?": the brother or the
boss may be in memory ("my brother fixed the bike") without a name ever being said. An
extractive answerer then quotes the sentence about the person, which names nobody.
:func:`relative_unnamed` finds the clauses of the context that mention the relation the
question asks about and says True when none of them can hold a name:

* a naming cue ("named", "called", "his name is");
* a capitalised word other than "I" and the asker's own name ("my brother Pavel", "Ana
  and my brother"); one opening the clause only when it is a known name or reads as one
  ("Pavel and I", "Pavel is my brother"), since "Anyway" or "Yesterday" open clauses too;
* a lower-case word right next to the relation word that is a known person's name, or, in
  the slot right after it, no common word and no verb form ("my brother pavel fixed it",
  but not "my brother fixed it").

A clause where the relation only owns someone else ("my brother's wife, Nok") names that
other person, not the relation. A question whose relation no clause mentions is left to the
other rules. Pets are left
out: "my dog biscuit" names a pet in lower case far more often than a person. All of it is
English sentence shape and general vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from mirix_py._chat.attributes import clauses
from mirix_py._chat.cues import STOPWORDS
from mirix_py._memory.changes import role_of
from mirix_py._memory.fact_rules import RELATION_WORD
from mirix_py._text import UPPER

_PETS = frozenset(
    "dog cat puppy kitten pet bird parrot horse rabbit bunny hamster turtle tortoise fish "
    "snake".split()
)
_POSSESSOR = rf"(?:{UPPER}[\w'’-]*(?:'s|’s|s'|s’)|my|his|her|their|your|our)"
_NAME_OF = re.compile(
    rf"^\s*what(?:'s|’s|\s+is|\s+was)\s+the\s+names?\s+of\s+{_POSSESSOR}\s+(?:[a-z]+\s+)?"
    rf"(?P<rel>{RELATION_WORD})s?\s*\??\s*$",
    re.I,
)
_REL_NAME = re.compile(
    rf"^\s*what(?:'s|’s|\s+is|\s+was)\s+{_POSSESSOR}\s+(?:[a-z]+\s+)?(?P<rel>{RELATION_WORD})"
    rf"(?:(?:'s|’s)\s+names?|\s+called)\s*\??\s*$",
    re.I,
)
_CUE = re.compile(r"\b(?:named|called|names?\s+(?:is|was|are)|name's|name’s)\b", re.I)
_WORD = re.compile(r"\b[^\W\d_][\w'’-]*")
_SPEAKER = re.compile(r"\s*(?:[^\W\d_][\w'’-]*(?:\s+[^\W\d_][\w'’-]*)?:\s*)?")
"""What may come before a clause's first word: the speaker's name of a message ("Ana: ")."""
_OPENING_NAME = re.compile(r"\s+(?:and\s+I\b|(?:is|was)\s+(?:my|his|her|their|our)\s)")
"""After a capitalised word opening a clause, what shows it is a name: "Pavel and I",
"Pavel is my brother" ("Anyway, my brother" has the comma too, so a comma shows nothing)."""
_COMMON_VERBS = frozenset(
    """be been being do does did done doing go goes went gone make made take took taken get
    got gotten come came say said tell told give gave given buy bought bring brought think
    thought find found leave left feel felt keep kept run ran see saw seen meet met send sent
    spend spent win won lose lost pay paid build built drive drove write wrote eat ate drink
    drank sit sat stand stood know knew grow grew begin began break broke choose chose fall
    fell forget forgot hold held let put read ride rode sell sold speak spoke swim swam teach
    taught throw threw wake woke wear wore want need like love hate cook help work try use
    ask play live call hear heard sleep slept lend lent show move start stop visit wants
    needs""".split()
)
"""Common verbs in their bare and irregular forms; regular forms are read by their ending."""
_VERB_ENDING = re.compile(r"(?:ed|ing|ly)$")


def asked_relation(question: str) -> str | None:
    """The relation whose name ``question`` asks for ("What is the name of Ines's brother?" →
    ``brother``; "What is Tomas's boss's name?" → ``boss``), or None; pets are not asked."""
    found = _NAME_OF.match(question) or _REL_NAME.match(question)
    if found is None:
        return None
    rel = found.group("rel").lower()
    return None if rel in _PETS else rel


def _relation_pattern(rel: str) -> re.Pattern[str]:
    words = {rel}
    role = role_of(rel)
    if role is not None:
        words.add(role)  # a role fact says "spouse is …" for "husband"
    alternation = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternation})(?:s|es)?\b", re.I)


def _could_be_name(word: str, people: set[str]) -> bool:
    lower = word.lower()
    if lower in people:
        return True
    if lower in STOPWORDS or lower in _COMMON_VERBS or len(lower) < 2:
        return False
    return not lower.endswith("s") and _VERB_ENDING.search(lower) is None


def _names_someone(
    clause: str, relation: re.Pattern[str], people: set[str], asker: set[str]
) -> bool:
    if _CUE.search(clause):
        return True
    for m in _WORD.finditer(clause):
        if not m.group(0)[0].isupper():
            continue  # capitalised in any script: "Étienne", "Øystein"
        word = m.group(0).rstrip("'’").removesuffix("'s").removesuffix("’s")
        lower = word.lower()
        if word == "I" or lower in asker:
            continue
        opening = _SPEAKER.fullmatch(clause[: m.start()]) is not None
        if opening and lower not in people and not _OPENING_NAME.match(clause, m.end()):
            continue  # "My brother …", "Anyway, …" open a clause
        return True
    for m in relation.finditer(clause):
        before = re.search(r"([a-z][\w-]*),?\s+(?:my|his|her|their|our)\s+$", clause[: m.start()])
        if before is not None and before.group(1) in people - asker:
            return True  # "pavel, my brother"
        after = re.match(r"\s+([a-z][\w-]*)\b(?!['’])", clause[m.end() :])
        if (
            after is not None
            and after.group(1) not in asker
            and _could_be_name(after.group(1), people)
        ):
            return True  # "my brother pavel fixed it"
    return False


def relative_unnamed(question: str, texts: Iterable[str], people: Iterable[str] = ()) -> bool:
    """True when ``question`` asks for the name of a person by relation (:func:`asked_relation`)
    and the clauses of ``texts`` that mention that relation name nobody (module docstring);
    ``people`` are the lower-cased words of the known speakers' and entities' names."""
    rel = asked_relation(question)
    if rel is None:
        return False
    asker = {w.lower() for w in re.findall(r"\b[^\W\d_][\w-]*", question) if w[0].isupper()}
    known = {p.lower() for p in people}
    relation = _relation_pattern(rel)
    about = [c for t in texts for c in clauses(t) if relation.search(c)]
    if not about:
        return False  # the relation is worded otherwise, or not in context: other rules judge
    return not any(
        _names_someone(c, relation, known, asker) for c in about if not _only_possessor(c, relation)
    )


_OTHER_POSSESSED = re.compile(r"(?:'s|’s)\s+(?!names?\b)[^\W\d_]", re.I)


def _only_possessor(clause: str, relation: re.Pattern[str]) -> bool:
    """True when every mention of the relation in ``clause`` owns someone else ("my brother's
    wife, Nok"): a name there is the other person's, so the clause names no brother;
    "my brother's name is Tom" still names him."""
    return all(_OTHER_POSSESSED.match(clause, m.end()) for m in relation.finditer(clause))
