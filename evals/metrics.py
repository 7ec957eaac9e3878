"""Answer-quality and retrieval metrics for the evaluation harness.

Answer scoring follows LOCOMO's official evaluation code (``snap-research/LoCoMo``,
``task_eval/evaluation.py``), re-implemented here with the same semantics:

* :func:`normalize_answer` removes commas, lower-cases, strips ASCII punctuation and
  currency symbols (Unicode category Sc: "£76,500" → "76500", as "$76,500" already was),
  removes the words ``a``, ``an``, ``the`` *and* ``and``, and collapses whitespace;
* :func:`f1_score` Porter-stems the normalised tokens (nltk's ``PorterStemmer``) and
  computes the multiset token-overlap F1;
* :func:`locomo_score` applies the per-category rules of ``eval_question_answering``.

LOCOMO categories, numbered as in the official evaluation code::

    1 = multi-hop     (gold split on ',', each part scored against its best prediction part)
    2 = temporal      (plain F1)
    3 = open-domain   (plain F1 against the gold cut at the first ';')
    4 = single-hop    (plain F1)
    5 = adversarial   (1.0 if the prediction says "not mentioned" / "no information available")

The paper lists the question types in a different order, and the mem0 lineage of
evaluation scripts (and the papers that copy its tables) mislabels the numbers, e.g.
calling category 1 "single-hop" and category 4 "multi-hop". Always report categories
by the names above.

Context metrics measure what the answerer is actually shown (see
``docs/evaluation.md`` and the functions' docstrings for the exact rules):

* :func:`answer_coverage` — the share of the gold answer's normalised, stemmed tokens
  (LOCOMO's normalisation; category-3 gold cut at ``';'``) that occur in the rendered
  context within the token budget; :func:`visible_context` applies the budget to the
  rendered text (core blocks first, so they count toward it). This is the headline
  metric: it cannot be inflated by how records cite their sources.
* :func:`rendered_evidence_recall` — the share of gold evidence turns that the rendered
  context *carries*: a turn is credited only when the text of the visible items that
  cite it holds a sufficient share of the turn's content words (:func:`turn_carried`).
* :func:`answer_correct` — containment correctness: the normalised gold answer (or one
  of its accepted aliases) occurs as a contiguous run of stemmed tokens in the
  normalised answer; abstention questions are correct exactly when the answer abstains.

The older retrieval metrics work on :class:`RetrievedItem` values (rendered text plus
the source-turn ids an item was derived from): :func:`evidence_recall` applies a
render-order token budget before measuring recall and credits every source id of a
kept item (kept for comparison: it can be inflated by records that cite whole turns
while carrying one clause), :func:`recall_at_k` a rank cut. Evidence strings from
LOCOMO are parsed leniently by :func:`parse_evidence_ids`.
"""

from __future__ import annotations

import math
import re
import string
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from nltk.stem import PorterStemmer  # type: ignore[import-untyped, unused-ignore]

__all__ = [
    "CARRY_MIN_WORDS",
    "CARRY_SHARE",
    "LOCOMO_CATEGORIES",
    "EvidenceParse",
    "RetrievedItem",
    "answer_correct",
    "answer_coverage",
    "bleu1",
    "budget_cut",
    "content_words",
    "coverage_gold",
    "estimate_tokens",
    "evidence_recall",
    "f1_score",
    "is_abstention_answer",
    "locomo_category_name",
    "locomo_score",
    "multi_hop_f1",
    "normalize_answer",
    "parse_evidence",
    "parse_evidence_ids",
    "percentile",
    "recall_at_k",
    "rendered_evidence_recall",
    "tokenize_answer",
    "turn_carried",
    "visible_context",
]

LOCOMO_CATEGORIES: dict[int, str] = {
    1: "multi-hop",
    2: "temporal",
    3: "open-domain",
    4: "single-hop",
    5: "adversarial",
}
"""Official LOCOMO category numbers and their names."""

ABSTENTION_PHRASES: tuple[str, ...] = ("no information available", "not mentioned")
"""Phrases (matched case-insensitively as substrings) that LOCOMO accepts for category 5."""

_PUNCTUATION = frozenset(string.punctuation)
_ARTICLES = re.compile(r"\b(a|an|the|and)\b")
_STEMMER = PorterStemmer()


# --------------------------------------------------------------------------- answers


def normalize_answer(s: object) -> str:
    """Normalise an answer the way LOCOMO's evaluation does.

    Steps, in the original order: drop commas, lower-case, drop ASCII punctuation,
    replace the words ``a``/``an``/``the``/``and`` by a space, collapse whitespace.
    One step is ours: currency symbols (Unicode category Sc) are dropped with the
    punctuation. LOCOMO's ``string.punctuation`` holds ``$`` but not ``£``, ``€``,
    ``¥`` or ``₹``, which would stay glued to the number ("£76500" ≠ "76500").
    Non-string answers (LOCOMO has a few integers) are converted with ``str()``.
    """
    text = str(s).replace(",", "").lower()
    text = "".join(ch for ch in text if not _dropped(ch))
    text = _ARTICLES.sub(" ", text)
    return " ".join(text.split())


@lru_cache(maxsize=4096)
def _dropped(ch: str) -> bool:
    """Whether normalisation drops the character: ASCII punctuation or a currency sign."""
    return ch in _PUNCTUATION or unicodedata.category(ch) == "Sc"


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return str(_STEMMER.stem(word))


def tokenize_answer(s: object) -> list[str]:
    """Return the Porter-stemmed tokens of ``normalize_answer(s)``."""
    return [_stem(word) for word in normalize_answer(s).split()]


def f1_score(prediction: object, gold: object) -> float:
    """Token-overlap F1 between a prediction and a gold answer (LOCOMO's ``f1_score``).

    Both strings are normalised and stemmed; overlap counts tokens as a multiset.
    Returns 0.0 when nothing overlaps (including when either side is empty).
    """
    pred_tokens = tokenize_answer(prediction)
    gold_tokens = tokenize_answer(gold)
    overlap = sum((Counter(pred_tokens) & Counter(gold_tokens)).values())
    if overlap == 0:
        return 0.0
    precision = overlap / len(pred_tokens)
    recall = overlap / len(gold_tokens)
    return 2 * precision * recall / (precision + recall)


def multi_hop_f1(prediction: object, gold: object) -> float:
    """LOCOMO's multi-answer F1 (category 1).

    Gold and prediction are split on commas; each gold part is scored against its
    best-matching prediction part with :func:`f1_score`, and the scores are averaged.
    """
    pred_parts = [part.strip() for part in str(prediction).split(",")]
    gold_parts = [part.strip() for part in str(gold).split(",")]
    best = [max(f1_score(pred, part) for pred in pred_parts) for part in gold_parts]
    return sum(best) / len(best)


def is_abstention_answer(prediction: object) -> bool:
    """True if the prediction declines to answer in the way LOCOMO's category 5 checks."""
    text = str(prediction).lower()
    return any(phrase in text for phrase in ABSTENTION_PHRASES)


def _category_number(category: int | str) -> int:
    try:
        number = int(category)
    except (TypeError, ValueError):
        raise ValueError(f"unknown LOCOMO category {category!r}") from None
    if number not in LOCOMO_CATEGORIES:
        raise ValueError(f"unknown LOCOMO category {category!r}")
    return number


def locomo_category_name(category: int | str) -> str:
    """Official name of a LOCOMO category number (``1`` or ``"1"`` → ``"multi-hop"``)."""
    return LOCOMO_CATEGORIES[_category_number(category)]


def locomo_score(prediction: object, gold: object, category: int | str) -> float:
    """Score one LOCOMO answer with the official per-category rule.

    * 1 (multi-hop): :func:`multi_hop_f1`;
    * 2 (temporal), 4 (single-hop): :func:`f1_score`;
    * 3 (open-domain): :func:`f1_score` against the gold cut at the first ``';'``;
    * 5 (adversarial): 1.0 if :func:`is_abstention_answer`, else 0.0 (gold unused).

    ``category`` may be an int or its string form; anything else raises ValueError.
    """
    number = _category_number(category)
    if number == 5:
        return 1.0 if is_abstention_answer(prediction) else 0.0
    if number == 1:
        return multi_hop_f1(prediction, gold)
    gold_text = str(gold)
    if number == 3:
        gold_text = gold_text.split(";")[0].strip()
    return f1_score(prediction, gold_text)


def bleu1(prediction: object, gold: object) -> float:
    """Sentence BLEU-1: clipped unigram precision times the brevity penalty.

    Uses the same normalised, stemmed tokens as :func:`f1_score`. The brevity
    penalty is ``exp(1 - r/c)`` when the prediction (length ``c``) is not longer than
    the gold (length ``r``), else 1. An empty prediction scores 0.0. Equivalent to
    ``nltk.translate.bleu_score.sentence_bleu([gold], pred, weights=(1,))`` on
    these tokens.
    """
    pred_tokens = tokenize_answer(prediction)
    gold_tokens = tokenize_answer(gold)
    if not pred_tokens:
        return 0.0
    clipped = sum((Counter(pred_tokens) & Counter(gold_tokens)).values())
    if clipped == 0:
        return 0.0
    c, r = len(pred_tokens), len(gold_tokens)
    penalty = 1.0 if c > r else math.exp(1.0 - r / c)
    return penalty * clipped / c


# ------------------------------------------------------------------------- evidence

_EVIDENCE_ID = re.compile(r"D:?(\d+):(\d+)", re.IGNORECASE)
_SPACE_AROUND_COLON = re.compile(r"\s*:\s*")
_SPACE_AFTER_D = re.compile(r"\bD\s+(?=[:\d])", re.IGNORECASE)
_SEPARATORS = re.compile(r"[;,\s]+")


@dataclass(frozen=True, slots=True)
class EvidenceParse:
    """Result of :func:`parse_evidence`: canonical ids and the pieces that were skipped."""

    ids: tuple[str, ...]
    rejected: tuple[str, ...]


def parse_evidence(raw: Sequence[str] | str | None) -> EvidenceParse:
    """Parse LOCOMO evidence strings leniently, keeping track of what was skipped.

    Each string may hold several ids separated by ``;``, ``,`` or whitespace. An id is
    ``D<session>:<turn>``; tolerated deviations are a lowercase ``d``, whitespace
    around the ``:`` or after the ``D``, a stray colon after the ``D`` (``D:11:26``)
    and leading zeros (``D30:05``). Ids come back canonical (``D11:26``, ``D30:5``),
    de-duplicated, in first-seen order. Pieces that are not ids (e.g. a bare ``D``,
    or a session/turn number of 0, as both are 1-based) go to ``rejected``.
    """
    if raw is None:
        return EvidenceParse((), ())
    entries: Iterable[object] = [raw] if isinstance(raw, str) else raw
    ids: dict[str, None] = {}
    rejected: list[str] = []
    for entry in entries:
        if not isinstance(entry, str):
            rejected.append(repr(entry))
            continue
        text = _SPACE_AROUND_COLON.sub(":", entry.strip())
        text = _SPACE_AFTER_D.sub("D", text)
        for piece in _SEPARATORS.split(text):
            if not piece:
                continue
            match = _EVIDENCE_ID.fullmatch(piece)
            if match is None:
                rejected.append(piece)
                continue
            session, turn = int(match.group(1)), int(match.group(2))
            if session == 0 or turn == 0:
                rejected.append(piece)
                continue
            ids[f"D{session}:{turn}"] = None
    return EvidenceParse(tuple(ids), tuple(rejected))


def parse_evidence_ids(raw: Sequence[str] | str | None) -> list[str]:
    """Canonical ``D<session>:<turn>`` ids found in LOCOMO evidence; garbage is skipped.

    See :func:`parse_evidence` for the accepted forms and for a variant that also
    reports what was skipped.
    """
    return list(parse_evidence(raw).ids)


# ------------------------------------------------------------------------ retrieval


@dataclass(frozen=True, slots=True)
class RetrievedItem:
    """One retrieved item, in rank order: the text rendered into the prompt and the
    ids of the source turns it was derived from."""

    text: str
    source_ids: tuple[str, ...]


def estimate_tokens(text: str) -> int:
    """Cheap token estimate used for budgets: ``ceil(len(text) / 4)`` characters."""
    return -(-len(text) // 4)


def budget_cut(items: Sequence[RetrievedItem], budget_tokens: int) -> list[RetrievedItem]:
    """Keep the leading items whose cumulative :func:`estimate_tokens` stays within budget.

    Items are taken in order; the first item that would push the running total above
    ``budget_tokens`` stops the cut (later, smaller items are not considered). An item
    that brings the total exactly to the budget is kept.
    """
    if budget_tokens < 0:
        raise ValueError(f"budget_tokens must be >= 0, got {budget_tokens}")
    kept: list[RetrievedItem] = []
    used = 0
    for item in items:
        used += estimate_tokens(item.text)
        if used > budget_tokens:
            break
        kept.append(item)
    return kept


def _source_ids(entry: RetrievedItem | Sequence[str]) -> Sequence[str]:
    if isinstance(entry, RetrievedItem):
        return entry.source_ids
    if isinstance(entry, str):
        raise TypeError("each retrieved entry must be a RetrievedItem or a sequence of ids")
    return entry


def _recall(
    gold_ids: Iterable[str], retrieved: Iterable[RetrievedItem | Sequence[str]]
) -> float | None:
    gold = set(gold_ids)
    if not gold:
        return None
    found: set[str] = set()
    for entry in retrieved:
        found.update(_source_ids(entry))
    return len(gold & found) / len(gold)


def evidence_recall(
    gold_ids: Iterable[str], retrieved: Sequence[RetrievedItem], budget_tokens: int
) -> float | None:
    """Fraction of gold evidence ids covered by the items that fit the token budget.

    ``retrieved`` is in rank (= render) order; :func:`budget_cut` decides which items
    are kept. Gold ids are treated as a set. Returns None when there are no gold ids.
    """
    gold = list(gold_ids)
    if not gold:
        return None
    return _recall(gold, budget_cut(retrieved, budget_tokens))


def recall_at_k(
    gold_ids: Iterable[str],
    retrieved: Sequence[RetrievedItem] | Sequence[Sequence[str]],
    k: int,
) -> float | None:
    """Fraction of gold evidence ids found among the source ids of the top ``k`` items.

    Entries of ``retrieved`` may be :class:`RetrievedItem` values or plain sequences of
    source ids. Returns None when there are no gold ids.
    """
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    return _recall(gold_ids, retrieved[:k])


# -------------------------------------------------------------------------- reports


def percentile(values: Iterable[float], p: float) -> float:
    """The ``p``-th percentile (0–100) with linear interpolation, like ``numpy.percentile``.

    Raises ValueError for an empty input or ``p`` outside [0, 100].
    """
    ordered = sorted(values)
    if not ordered:
        raise ValueError("percentile of an empty sequence")
    if not 0.0 <= p <= 100.0:
        raise ValueError(f"percentile must be within [0, 100], got {p}")
    rank = (len(ordered) - 1) * p / 100.0
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    fraction = rank - low
    return float(ordered[low] + (ordered[high] - ordered[low]) * fraction)


# ------------------------------------------------------------------ context metrics

CARRY_SHARE = 0.5
"""A turn is carried when the citing text holds at least this share of its content words …"""

CARRY_MIN_WORDS = 20
"""… or at least this many of them (so one long turn can be carried by a dense summary)."""

_STOPWORDS = frozenset(
    """
    a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only
    or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under
    until up very was we were what when where which while who whom why will with would
    you your yours yourself yourselves also really yeah oh ok okay wow hey hi im ive its
    thats dont didnt cant wont youre theyre were got get getting like just so
    """.split()
)


def coverage_gold(gold: object, category: int | str | None = None) -> str:
    """The gold text answer coverage uses: LOCOMO category 3 is cut at the first ``';'``."""
    text = str(gold)
    if category is not None and str(category) == "3":
        text = text.split(";")[0].strip()
    return text


def visible_context(context: str, budget_tokens: int | None) -> str:
    """The part of a rendered context that fits ``budget_tokens`` (``ceil(chars / 4)``).

    The rendered text is cut after ``4 * budget_tokens`` characters; everything that
    precedes the cut — core blocks included, since they are rendered first — counts
    toward the budget. ``None`` means no budget (the whole text is visible).
    """
    if budget_tokens is None:
        return context
    if budget_tokens < 0:
        raise ValueError(f"budget_tokens must be >= 0, got {budget_tokens}")
    return context[: 4 * budget_tokens]


def answer_coverage(
    gold: object, context: str, *, category: int | str | None = None
) -> float | None:
    """Share of the gold answer's normalised, stemmed tokens that occur in ``context``.

    Both sides go through :func:`tokenize_answer` (LOCOMO's normalisation plus Porter
    stemming); each gold token (counted with repetition) is present when the same
    stem occurs anywhere in the context. For LOCOMO category 3 the gold is cut at the
    first ``';'`` (:func:`coverage_gold`). Pass the *visible* context
    (:func:`visible_context`). Returns None when the gold has no tokens.
    """
    tokens = tokenize_answer(coverage_gold(gold, category))
    if not tokens:
        return None
    present = set(tokenize_answer(context))
    return sum(1 for token in tokens if token in present) / len(tokens)


def content_words(text: str) -> set[str]:
    """Distinct stemmed content words: LOCOMO-normalised tokens minus stopwords and
    one-character tokens (numbers of any length are kept)."""
    out: set[str] = set()
    for word in normalize_answer(text.replace("-", " ").replace("/", " ")).split():
        if word in _STOPWORDS or (len(word) < 2 and not word.isdigit()):
            continue
        out.add(_stem(word))
    return out


def turn_carried(turn_text: str, carrier_text: str) -> bool:
    """True when ``carrier_text`` carries the turn ``turn_text``.

    The rule: let W be the turn's distinct content words (:func:`content_words`) and
    M those that also occur in the carrier text. The turn is carried when
    ``|M| >= CARRY_SHARE * |W|`` or ``|M| >= CARRY_MIN_WORDS``. A turn with no content
    words ("Yes!") is carried by any non-empty carrier text.
    """
    wanted = content_words(turn_text)
    if not wanted:
        return bool(carrier_text.strip())
    matched = len(wanted & content_words(carrier_text))
    return matched >= CARRY_SHARE * len(wanted) or matched >= CARRY_MIN_WORDS


def rendered_evidence_recall(
    gold_ids: Iterable[str],
    turn_texts: Mapping[str, str],
    visible_items: Sequence[RetrievedItem],
) -> float | None:
    """Share of gold evidence turns that the rendered context carries.

    ``visible_items`` are the items whose text is actually in the visible context
    (within the budget), each with the source ids it cites. A gold turn is credited
    when the texts of the visible items citing it, joined, carry it
    (:func:`turn_carried`): citing a turn is necessary but not sufficient, so a short
    record that keeps one clause of a long turn does not earn the whole turn, and
    text that happens to resemble a turn earns nothing unless it cites it. A gold id
    whose turn text is unknown counts as not carried. Returns None without gold ids.
    """
    gold = list(dict.fromkeys(gold_ids))
    if not gold:
        return None
    credited = 0
    for turn_id in gold:
        carriers = [item.text for item in visible_items if turn_id in item.source_ids]
        text = turn_texts.get(turn_id)
        if carriers and text is not None and turn_carried(text, "\n".join(carriers)):
            credited += 1
    return credited / len(gold)


def _contains_run(haystack: Sequence[str], needle: Sequence[str]) -> bool:
    if not needle:
        return False
    width = len(needle)
    return any(
        list(haystack[i : i + width]) == list(needle) for i in range(len(haystack) - width + 1)
    )


def answer_correct(
    prediction: object,
    gold: object,
    *,
    is_abstention: bool = False,
    aliases: Sequence[str] = (),
) -> bool:
    """Containment correctness for short gold answers.

    An abstention question is correct exactly when the prediction abstains
    (:func:`is_abstention_answer`). Otherwise an abstaining prediction is wrong, and
    the prediction is correct when the stemmed, normalised tokens of the gold answer
    — or of one of its ``aliases`` — occur as a contiguous run in the prediction's.
    """
    if is_abstention:
        return is_abstention_answer(prediction)
    if is_abstention_answer(prediction):
        return False
    predicted = tokenize_answer(prediction)
    return any(_contains_run(predicted, tokenize_answer(g)) for g in (str(gold), *aliases))
