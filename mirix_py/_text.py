"""Words, stems and stop words: the one tokenizer, stemmer and stop-word list that
question reading (:mod:`mirix_py._chat.cues`) and the in-memory store's full-text
ranking share."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nltk.stem.porter import PorterStemmer

_ALNUM = re.compile(r"[A-Za-z0-9]+")
"""Runs of ASCII letters and digits: "Zürich" is "z" + "rich", on both sides of a match
alike. Measured (s20): a Unicode letter class (one token "zürich") lost own-set
c04-q04 (0.973 -> 0.968): "Knödel" as one token instead of "kn" + "del" weighed less in
the answer's sentence choice and the sentence holding the breed was no longer added."""

_LATIN = [chr(c) for c in range(0xC0, 0x250)]
UPPER = "[A-Z" + "".join(c for c in _LATIN if c.isupper()) + "]"
"""A regex class of capital Latin letters, accented ones included (``Ü``, ``Ł``, ``Ø``):
``[A-Z]`` alone misses a name or a place spelled with a diacritic ("Üsküdar")."""
LOWER = "[a-z" + "".join(c for c in _LATIN if c.islower()) + "]"
"""The small Latin letters, accented ones included (``ü``, ``ł``, ``ı``)."""

_TITLES = ("dr", "mr", "mrs", "ms", "prof", "st", "mt", "jr", "sr", "dra", "sra", "rev", "fr",
           "capt", "col", "gen", "lt", "sgt", "vs", "approx", "ca", "e.g", "i.e")  # fmt: skip
DATE_LABEL = r"[^\[\]]{4,40}?\d{4}"
"""The text of a resolved-date annotation the write path puts after a relative date
("[week of 23 November 2026]"), without its brackets: a regex fragment."""

NOT_AFTER_ABBREVIATION = (
    "".join(rf"(?<!(?i:\b{re.escape(t)}\.))" for t in _TITLES) + r"(?<!\b[A-HJ-Z]\.)"
)
"""Lookbehinds that keep a sentence split from ending at a title or common abbreviation
("my new doctor is Dr. Lund", "dr. lund", "Mrs. Ode", "St. Ives", "e.g. a scarf") or at a
capital initial ("J. Ruiz"): put right after a sentence end's ``(?<=[.!?])`` in a splitting
regex. The capital "I" is no initial ("so did I. Then …")."""

STOPWORDS: frozenset[str] = frozenset(
    """a about above after again against all am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers herself him himself his how
    i if in into is it its itself just me more most my myself no nor not now of off on
    once only or other our ours ourselves out over own same she should so some such than
    that the their theirs them themselves then there these they this those through to too
    under until up very was we were what when where which while who whom why will with
    would you your yours yourself yourselves also ever still yet whose s t don didn doesn
    isn wasn weren haven hasn hadn won wouldn shouldn couldn ll re ve d m o y let lets
    get got gets like just really much many one thing things kind sort tell say said""".split()
)


NEGATIONS: frozenset[str] = frozenset(
    """no not nor never t don didn doesn isn wasn weren haven hasn hadn won wouldn
    shouldn couldn""".split()
)
"""Words that negate a statement (contractions split as :func:`words` splits them)."""

MEANING_WORDS: frozenset[str] = NEGATIONS | frozenset(
    "before after above below against over under more most few up down off again".split()
)
"""Stop words that change what a statement says ("not", "before", "more"): a
comparison of two statements (:func:`statement_stems`) keeps them."""


_ORDINAL_UNITS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
                  "ninth")  # fmt: skip
_TEEN_ORDINALS = ("tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth",
                  "sixteenth", "seventeenth", "eighteenth", "nineteenth", "twentieth")  # fmt: skip
ORDINAL_WORDS: dict[str, int] = {
    **{w: i + 1 for i, w in enumerate(_ORDINAL_UNITS)},
    **{w: i + 10 for i, w in enumerate(_TEEN_ORDINALS)},
    "thirtieth": 30,
    **{f"twenty {w}": 21 + i for i, w in enumerate(_ORDINAL_UNITS)},
    "thirty first": 31,
}
"""Ordinal words up to the 31st ("twenty first" spelled with a space) and their numbers."""

IRREGULAR_VERBS: dict[str, tuple[str, ...]] = {
    "become": ("became",), "begin": ("began", "begun"), "break": ("broke", "broken"),
    "bring": ("brought",), "build": ("built",), "buy": ("bought",), "catch": ("caught",),
    "choose": ("chose", "chosen"), "come": ("came",), "dig": ("dug",), "draw": ("drew", "drawn"),
    "drive": ("drove", "driven"), "eat": ("ate", "eaten"), "fall": ("fell", "fallen"),
    "feel": ("felt",), "fight": ("fought",), "find": ("found",), "flee": ("fled",),
    "fly": ("flew", "flown"), "forget": ("forgot", "forgotten"), "freeze": ("froze", "frozen"),
    "get": ("got",), "give": ("gave", "given"), "go": ("went", "gone"), "grow": ("grew", "grown"),
    "hang": ("hung",), "hear": ("heard",), "hide": ("hid", "hidden"), "hold": ("held",),
    "keep": ("kept",), "know": ("knew", "known"), "lead": ("led",), "leave": ("left",),
    "lose": ("lost",), "make": ("made",), "mean": ("meant",), "meet": ("met",), "pay": ("paid",),
    "ride": ("rode", "ridden"), "ring": ("rang", "rung"), "run": ("ran",), "say": ("said",),
    "see": ("saw", "seen"), "seek": ("sought",), "sell": ("sold",), "send": ("sent",),
    "shake": ("shook", "shaken"), "sing": ("sang", "sung"), "sink": ("sank", "sunk"),
    "sleep": ("slept",), "speak": ("spoke", "spoken"), "spend": ("spent",), "stand": ("stood",),
    "steal": ("stole", "stolen"), "swear": ("swore", "sworn"), "swim": ("swam", "swum"),
    "take": ("took", "taken"), "teach": ("taught",), "tear": ("tore", "torn"), "tell": ("told",),
    "think": ("thought",), "throw": ("threw", "thrown"), "understand": ("understood",),
    "wake": ("woke", "woken"), "wear": ("wore", "worn"), "win": ("won",),
    "write": ("wrote", "written"),
}  # fmt: skip
"""Common irregular verbs: base form -> simple past (and past participle when it differs).
Date reading takes the simple past as a mark of the past tense; event matching reads
"bought" as "buy"."""


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Porter stem of a lower-cased word (cached). Porter undoubles a final consonant
    only where it strips "-ing" or "-ed" ("adding" → "ad", "stuffed" → "stuf") and keeps
    the base form whole ("add", "stuff"); a stem ending in a doubled consonant other than
    l, s or z is undoubled here too, so that every form of the word meets."""
    found = str(_stemmer().stem(word))
    if _DOUBLED.search(found):
        return found[:-1]
    return found


_DOUBLED = re.compile(r"([b-df-hj-km-np-rtv-xy])\1$")
"""A final doubled consonant other than l, s and z (Porter's rule for undoubling)."""


@cache
def _stemmer() -> PorterStemmer:
    # imported on first use: nltk costs ~30 ms, and importing the record models
    # (the MCP server, the CLI parser) must stay light
    from nltk.stem.porter import PorterStemmer

    return PorterStemmer()


def words(text: str) -> list[str]:
    """Lower-cased word tokens: words split at apostrophes and hyphens ("x-ray" is
    ``["x", "ray"]``), i.e. the runs of ASCII letters and digits (see :data:`_ALNUM`)."""
    return [token.lower() for token in _ALNUM.findall(text)]


def statement_stems(text: str) -> frozenset[str]:
    """The stems of a statement's content words, for comparing two statements: the
    stop words dropped except :data:`MEANING_WORDS` ("is not allergic" must differ
    from "is allergic")."""
    return frozenset(stem(w) for w in words(text) if w not in STOPWORDS or w in MEANING_WORDS)


_SPACE_RUNS = re.compile(r"\s+")


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary, with an ellipsis."""
    text = _SPACE_RUNS.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"
